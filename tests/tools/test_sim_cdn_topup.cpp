// The rate-aware CDN top-up (--cdn-fallback rate): a UE asks the CDN only for the deficit of its
// peers' rate against its deadline.
#include "sim/simulator.hpp"

#include <doctest/doctest.h>

#include <algorithm>

using namespace p2pcdn_sim;

namespace {

metrics run(const scenario& s) {
    simulator sim(s);
    return sim.run();
}

// `all`: the CDN serves every piece once ingested, so whatever the UEs leave to it is their
// own choice.
scenario topup(std::uint32_t peers, std::size_t pieces) {
    scenario s;
    s.workload.peers = peers;
    s.model.pieces = pieces;
    s.model.sample_interval = 5;
    s.model.cdn_fallback = P2PCDN_CDN_FILL_FIRST;
    s.model.cdn_topup = true;
    s.policy.kind = policy_kind::all;
    return s;
}

}  // namespace

TEST_CASE("cdn top-up: peers fast enough for the deadline leave the CDN unused") {
    // 60 peers uploading 5 Mbit/s share 105 MB in about two minutes; the deadline is 600 s.
    scenario s = topup(60, 400);
    s.model.classes = {{"cable", 5 * mbit, 50 * mbit, 1}};
    s.model.deadline = 600;
    const metrics rate = run(s);
    CHECK(rate.completed == 60);
    CHECK(rate.cdn.ingests > 0);  // the CDN held the pieces all along
    CHECK(rate.cdn_bytes == 0);
    const double last =
        *std::max_element(rate.completion_times.begin(), rate.completion_times.end());
    CHECK(last <= s.model.deadline);
    // The same swarm with the CDN slots always filled uses the CDN.
    s.model.cdn_topup = false;
    const metrics first = run(s);
    CHECK(first.completed == 60);
    CHECK(first.cdn_bytes > 0);
}

TEST_CASE("cdn top-up: without peers the CDN carries the download") {
    // Nobody uploads and the CSS takes no connection: the deficit is the whole rate needed.
    scenario s = topup(20, 40);
    s.model.piece_size = 64 * 1024;
    s.workload.free_riders = 1;
    s.model.css_connections = 0;
    s.model.duration = 300;
    const metrics m = run(s);
    CHECK(m.completed == 20);
    CHECK(m.peer_bytes == 0);
    CHECK(m.cdn_bytes == doctest::Approx(20 * m.content_bytes).epsilon(1e-9));
}

TEST_CASE("cdn top-up: a deadline the peers cannot meet brings the CDN in for the difference") {
    // Peers alone take about 130 s (the run above with a 600 s deadline); at 60 s the UEs top
    // up from the CDN, but not to the point of leaving their peers idle.
    scenario s = topup(60, 400);
    s.model.classes = {{"cable", 5 * mbit, 50 * mbit, 1}};
    s.model.deadline = 60;
    const metrics m = run(s);
    CHECK(m.completed == 60);
    CHECK(m.cdn_bytes > 0.1 * 60 * m.content_bytes);
    CHECK(m.peer_bytes > 0.1 * 60 * m.content_bytes);
}
