#include "sim/event_queue.hpp"

#include <doctest/doctest.h>

using namespace p2pcdn_sim;

TEST_CASE("event queue: earliest first, ties in push order") {
    event_queue q;
    q.push(5.0, event_kind::sample, 1);
    q.push(1.0, event_kind::arrival, 2);
    q.push(5.0, event_kind::announce, 3);
    q.push(0.5, event_kind::pump, 4);
    q.push(5.0, event_kind::arrival, 5);
    std::vector<std::uint32_t> order;
    double last = -1;
    while (!q.empty()) {
        const event e = q.pop();
        CHECK(e.time >= last);
        last = e.time;
        order.push_back(e.a);
    }
    CHECK(order == std::vector<std::uint32_t>{4, 2, 1, 3, 5});
}

TEST_CASE("event queue: many events come out sorted and carry their fields") {
    event_queue q;
    for (std::uint32_t i = 0; i < 1000; ++i) {
        q.push(static_cast<double>((i * 7919) % 1000), event_kind::flow_done, i, i + 1);
    }
    CHECK(q.size() == 1000);
    double last = -1;
    while (!q.empty()) {
        const event e = q.pop();
        CHECK(e.time >= last);
        CHECK(e.b == e.a + 1);
        CHECK(e.kind == event_kind::flow_done);
        last = e.time;
    }
}
