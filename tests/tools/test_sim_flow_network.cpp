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

// Pops events until a flow has moved all its bytes; returns the time and the flow.
std::pair<double, std::uint32_t> next_done(event_queue& q, flow_network& net) {
    while (!q.empty()) {
        const event e = q.pop();
        if (e.kind == event_kind::flow_done && net.arrive(e.a, e.b, e.time)) {
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

TEST_CASE("flows: a filling port's flows take what the download port's other flows leave") {
    event_queue q;
    flow_network net(q);
    const auto slow_up = net.add_port(30);
    const auto cdn = net.add_port(200, true);
    const auto down = net.add_port(100);
    const auto peer = net.start(between(slow_up, down), 1000, 0);
    const auto c1 = net.start(between(cdn, down, flow_tag::cdn), 1000, 0);
    // The peer flow is held at 30 by its uploader; the CDN flow takes the other 70, not its
    // fair share of 50.
    CHECK(net.rate(peer) == doctest::Approx(30));
    CHECK(net.rate(c1) == doctest::Approx(70));
    // Two filling flows split the spare evenly; the peer flow keeps its 30 (its fair share of
    // the download port, 100 / 3, is above what its uploader gives).
    const auto c2 = net.start(between(cdn, down, flow_tag::cdn), 1000, 0);
    CHECK(net.rate(peer) == doctest::Approx(30));
    CHECK(net.rate(c1) == doctest::Approx(35));
    CHECK(net.rate(c2) == doctest::Approx(35));
    CHECK(net.rate_sum(flow_tag::cdn) == doctest::Approx(70));
    // The peer flow ends at t = 1 (cancelled): the CDN flows grow into the whole port.
    net.finish(peer, 1, false);
    CHECK(net.rate(c1) == doctest::Approx(50));
    CHECK(net.rate(c2) == doctest::Approx(50));
    // c1 has 965 left at 50/s: done at t = 1 + 19.3.
    auto [t, id] = next_done(q, net);
    CHECK(t == doctest::Approx(20.3));
    CHECK((id == c1 || id == c2));
}

TEST_CASE("flows: a filling port is still capped by its own capacity") {
    event_queue q;
    flow_network net(q);
    const auto cdn = net.add_port(20, true);
    const auto down = net.add_port(100);
    const auto c = net.start(between(cdn, down, flow_tag::cdn), 100, 0);
    CHECK(net.rate(c) == doctest::Approx(20));
    // An uploader that slows down leaves more to the filling flow at its downloader.
    const auto up = net.add_port(90);
    const auto other_down = net.add_port(1000);
    const auto big = net.add_port(1000);
    const auto cdn2 = net.add_port(1000, true);
    const auto p = net.start(between(up, big), 1000, 0);
    const auto c2 = net.start(between(cdn2, big, flow_tag::cdn), 1000, 0);
    CHECK(net.rate(p) == doctest::Approx(90));
    CHECK(net.rate(c2) == doctest::Approx(910));
    net.start(between(up, other_down), 1000, 0);  // the uploader now splits 90 in two
    CHECK(net.rate(p) == doctest::Approx(45));
    CHECK(net.rate(c2) == doctest::Approx(955));
}

TEST_CASE("flows: a rate cut keeps the pending event, which reschedules when it comes due") {
    event_queue q;
    flow_network net(q);
    const auto up = net.add_port(100);
    const auto d1 = net.add_port(1000);
    const auto d2 = net.add_port(1000);
    const auto f = net.start(between(up, d1), 100, 0);  // due at t = 1
    CHECK(q.size() == 1);
    net.start(between(up, d2), 1000, 0);  // f now at 50/s: ends at t = 2, no new event for f
    CHECK(q.size() == 2);
    const event first = q.pop();
    CHECK(first.a == f);
    CHECK(first.time == doctest::Approx(1));
    CHECK_FALSE(net.arrive(f, first.b, first.time));  // 50 bytes left: due again at t = 2
    CHECK(net.remaining(f) == doctest::Approx(50));
    auto [t, id] = next_done(q, net);
    CHECK(id == f);
    CHECK(t == doctest::Approx(2));
    // A stale generation never completes a flow.
    CHECK_FALSE(net.arrive(f, first.b, t));
}
