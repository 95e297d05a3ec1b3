#include "sim/flow_network.hpp"

#include <doctest/doctest.h>

using namespace p2pcdn_sim;

namespace {

flow_info between(std::uint32_t up, std::uint32_t down, flow_tag tag = flow_tag::peer) {
    flow_info f;
    f.up_port = up;
    f.down_port = down;
    f.tag = tag;
    return f;
}

// Pops events until a live, current flow_done; returns its time and flow.
std::pair<double, std::uint32_t> next_done(event_queue& q, const flow_network& net) {
    while (!q.empty()) {
        const event e = q.pop();
        if (e.kind == event_kind::flow_done && net.live(e.a) && net.generation(e.a) == e.b) {
            return {e.time, e.a};
        }
    }
    return {-1, 0};
}

}  // namespace

TEST_CASE("flows: an uploader splits its capacity evenly") {
    event_queue q;
    flow_network net(q);
    const auto up = net.add_port(100);
    const auto d1 = net.add_port(1000);
    const auto d2 = net.add_port(1000);
    const auto f1 = net.start(between(up, d1), 100, 0);
    CHECK(net.rate(f1) == doctest::Approx(100));
    const auto f2 = net.start(between(up, d2), 200, 0);
    CHECK(net.rate(f1) == doctest::Approx(50));
    CHECK(net.rate(f2) == doctest::Approx(50));
    CHECK(net.rate_sum(flow_tag::peer) == doctest::Approx(100));
    // f1 ends at t = 2; f2 then has 100 bytes left at the full 100/s: ends at t = 3.
    auto [t1, id1] = next_done(q, net);
    CHECK(t1 == doctest::Approx(2));
    CHECK(id1 == f1);
    CHECK(net.finish(id1, t1, true) == doctest::Approx(0));
    CHECK(net.rate(f2) == doctest::Approx(100));
    auto [t2, id2] = next_done(q, net);
    CHECK(t2 == doctest::Approx(3));
    CHECK(id2 == f2);
    net.finish(id2, t2, true);
    CHECK(net.moved(flow_tag::peer) == doctest::Approx(300));
    CHECK(net.live_count() == 0);
    CHECK(net.rate_sum(flow_tag::peer) == doctest::Approx(0));
}

TEST_CASE("flows: a flow moves at the smaller of its two shares") {
    event_queue q;
    flow_network net(q);
    const auto fast_up = net.add_port(1000);
    const auto slow_up = net.add_port(30);
    const auto down = net.add_port(100);
    const auto a = net.start(between(fast_up, down), 1000, 0);
    CHECK(net.rate(a) == doctest::Approx(100));  // held back by the downloader
    const auto b = net.start(between(slow_up, down, flow_tag::cdn), 1000, 0);
    // The downloader's share is 50 each; b is held at 30 by its uploader; a at 50 (the share
    // b leaves unused is not given to a: fair shares, not max-min).
    CHECK(net.rate(a) == doctest::Approx(50));
    CHECK(net.rate(b) == doctest::Approx(30));
    CHECK(net.rate_sum(flow_tag::cdn) == doctest::Approx(30));
    // Cancelled at t = 4: a moved 200 of 1000, b 120.
    CHECK(net.finish(b, 4, false) == doctest::Approx(880));
    CHECK(net.moved(flow_tag::cdn) == doctest::Approx(120));
    CHECK(net.rate(a) == doctest::Approx(100));
    CHECK(net.remaining(a) == doctest::Approx(800));
    auto [t, id] = next_done(q, net);
    CHECK(id == a);
    CHECK(t == doctest::Approx(12));  // 800 bytes at 100/s from t = 4
}

TEST_CASE("flows: a port of capacity 0 never completes a flow") {
    event_queue q;
    flow_network net(q);
    const auto up = net.add_port(0);
    const auto down = net.add_port(10);
    const auto f = net.start(between(up, down), 10, 0);
    CHECK(net.rate(f) == 0);
    CHECK(next_done(q, net).first == -1);
    CHECK(net.finish(f, 100, false) == doctest::Approx(10));
}
