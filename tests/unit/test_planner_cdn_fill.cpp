// The planner's cdn_fill option (the CDN also for pieces peers hold, when no holder has a free
// slot) and the batched HAVE (peer_have with many pieces).
#include "ue/planner.hpp"

#include "core/bitmap.hpp"
#include "core/error.hpp"
#include "wire/peer_list.hpp"

#include <doctest/doctest.h>

#include "test_support.hpp"

#include <cstdint>
#include <set>
#include <string>
#include <tuple>
#include <vector>

using p2pcdn::bitmap;
using p2pcdn::cdn_source;
using p2pcdn::errc;
using p2pcdn::test::code_of;
using p2pcdn::ue::plan_outcome;
using p2pcdn::ue::plan_request;
using p2pcdn::ue::plan_source;
using p2pcdn::ue::planner;
using p2pcdn::ue::planner_config;

namespace {

constexpr std::int64_t t0 = 1'700'000'000'000;  // Unix ms
constexpr std::int64_t far_s = 1'800'000'000;

using plan_row = std::tuple<std::size_t, plan_source, std::string, std::size_t>;

std::vector<plan_row> next(planner& p, std::size_t max, std::int64_t now = t0) {
    std::vector<plan_row> out;
    p.next(now, max, [&](const plan_request& r) {
        out.emplace_back(r.piece, r.source, std::string(r.peer_key), r.cdn_index);
    });
    return out;
}

bitmap bits(std::size_t n, std::size_t begin, std::size_t end) {
    bitmap b(n);
    b.set_range(begin, end);
    return b;
}

cdn_source source(bitmap pieces, std::int64_t expires_s = far_s, std::string uri = "u0") {
    cdn_source s;
    s.uri = std::move(uri);
    s.pieces = std::move(pieces);
    s.expires_s = expires_s;
    return s;
}

planner_config filling(std::uint32_t cdn_cap, std::uint32_t peer_cap, bool fill = true) {
    planner_config c;
    c.rng_seed = 5;
    c.max_cdn_in_flight = cdn_cap;
    c.max_per_peer_in_flight = peer_cap;
    c.cdn_fill = fill ? p2pcdn::ue::cdn_fill_mode::idle : p2pcdn::ue::cdn_fill_mode::off;
    return c;
}

std::size_t count_source(const std::vector<plan_row>& plan, plan_source s) {
    std::size_t n = 0;
    for (const auto& r : plan) {
        n += std::get<1>(r) == s ? 1 : 0;
    }
    return n;
}

}  // namespace

TEST_SUITE("planner") {

TEST_CASE("planner.cdn_fill.busy_holders_send_the_rest_to_the_cdn") {
    // Peer A holds 0-39 and takes 2 at a time; the CDN serves everything, 3 at a time.
    for (const bool fill : {false, true}) {
        CAPTURE(fill);
        planner p(40, filling(3, 2, fill));
        p.peer_set("A", bits(40, 0, 40));
        p.set_sources({source(bits(40, 0, 40))});
        const auto plan = next(p, 10);
        CHECK(count_source(plan, plan_source::peer) == 2);
        CHECK(count_source(plan, plan_source::cdn) == (fill ? 3U : 0U));
        CHECK(p.cdn_in_flight() == (fill ? 3U : 0U));
        std::set<std::size_t> pieces;
        for (const auto& r : plan) {
            CHECK(pieces.insert(std::get<0>(r)).second);
        }
        // Both kinds of slot full: nothing more until one frees.
        CHECK(next(p, 10).empty());
        if (fill) {
            for (const auto& r : plan) {
                if (std::get<1>(r) == plan_source::cdn) {
                    p.done(std::get<0>(r), plan_outcome::done);
                    break;
                }
            }
            const auto again = next(p, 10);
            REQUIRE(again.size() == 1);
            CHECK(std::get<1>(again[0]) == plan_source::cdn);
        }
    }
}

TEST_CASE("planner.cdn_fill.peers_with_free_slots_come_first") {
    // Room for 4: A takes all 4, nothing is left for the CDN.
    planner p(40, filling(8, 4));
    p.peer_set("A", bits(40, 0, 40));
    p.set_sources({source(bits(40, 0, 40))});
    auto plan = next(p, 4);
    CHECK(count_source(plan, plan_source::peer) == 4);
    CHECK(p.cdn_in_flight() == 0);
    // A at its cap now: the next call is all CDN.
    plan = next(p, 4);
    CHECK(count_source(plan, plan_source::cdn) == 4);
    // A freed peer slot goes to A again before the CDN, which has room for 4 more.
    for (const auto& r : plan) {
        CHECK(std::get<1>(r) == plan_source::cdn);
    }
    planner q(40, filling(8, 4));
    q.peer_set("A", bits(40, 0, 40));
    q.set_sources({source(bits(40, 0, 40))});
    const auto first = next(q, 4);
    q.done(std::get<0>(first[0]), plan_outcome::done);
    const auto refill = next(q, 1);
    REQUIRE(refill.size() == 1);
    CHECK(std::get<1>(refill[0]) == plan_source::peer);
}

TEST_CASE("planner.cdn_fill.pieces_no_peer_holds_first") {
    // A holds 0-29 and is busy after 1; the CDN (2 slots) first takes 30-39, which no peer has.
    planner p(40, filling(2, 1));
    p.peer_set("A", bits(40, 0, 30));
    p.set_sources({source(bits(40, 0, 40))});
    auto plan = next(p, 10);
    CHECK(count_source(plan, plan_source::cdn) == 2);
    for (const auto& r : plan) {
        if (std::get<1>(r) == plan_source::cdn) {
            CHECK(std::get<0>(r) >= 30);
        }
    }
}

TEST_CASE("planner.cdn_fill.only_what_a_usable_source_serves") {
    // The source serves 0-4 only, and piece 2 was reported gone; it expires at t0 + 60 s.
    planner p(20, filling(10, 1));
    p.peer_set("A", bits(20, 0, 20));
    p.set_sources({source(bits(20, 0, 5), t0 / 1000 + 60)});
    auto plan = next(p, 20);
    std::set<std::size_t> cdn;
    for (const auto& r : plan) {
        if (std::get<1>(r) == plan_source::cdn) {
            cdn.insert(std::get<0>(r));
        }
    }
    CHECK(count_source(plan, plan_source::peer) == 1);
    CHECK(cdn.size() + 1 >= 5);  // 0-4 less the one A took
    for (const std::size_t piece : cdn) {
        CHECK(piece < 5);
    }
    const std::size_t gone_piece = *cdn.begin();
    p.done(gone_piece, plan_outcome::gone);
    plan = next(p, 20);
    CHECK(plan.empty());  // A busy, gone_piece's only source skips it
    for (const std::size_t piece : cdn) {
        if (piece != gone_piece) {
            p.done(piece, plan_outcome::failed);
        }
    }
    CHECK(next(p, 20, t0 + 60'000).empty());  // expired: nothing from the CDN
    CHECK(p.cdn_in_flight() == 0);
}

TEST_CASE("planner.cdn_fill.same_seed_same_plan") {
    auto run = [] {
        planner p(300, filling(6, 2));
        p.peer_set("A", bits(300, 0, 200));
        p.peer_set("B", bits(300, 100, 300));
        p.set_sources({source(bits(300, 0, 300))});
        std::vector<plan_row> all;
        for (int round = 0; round < 5; ++round) {
            const auto plan = next(p, 7);
            all.insert(all.end(), plan.begin(), plan.end());
            p.done(std::get<0>(plan.front()), plan_outcome::done);
            p.done(std::get<0>(plan.back()), plan_outcome::failed);
        }
        return all;
    };
    const auto a = run();
    CHECK(a.size() >= 15);
    CHECK(count_source(a, plan_source::cdn) >= 6);
    CHECK(a == run());
}

TEST_CASE("planner.cdn_fill.streaming_window_keeps_its_rules") {
    // Window 100-105, nothing urgent yet: window pieces held by A wait for A; cdn_fill takes
    // pieces outside the window only.
    planner_config c = filling(4, 1);
    c.streaming = true;
    c.window_pieces = 6;
    c.piece_duration_ms = 1000;
    c.peer_piece_ms = 500;
    planner p(200, c);
    p.peer_set("A", bits(200, 0, 200));
    p.set_sources({source(bits(200, 0, 200))});
    p.set_position(100, t0);
    const auto plan = next(p, 10, t0);
    REQUIRE(plan.size() == 5);
    // Piece 100 is urgent (due now): the CDN. 101 goes to A; A is then busy.
    CHECK(std::get<0>(plan[0]) == 100);
    CHECK(std::get<1>(plan[0]) == plan_source::cdn);
    CHECK(std::get<0>(plan[1]) == 101);
    CHECK(std::get<1>(plan[1]) == plan_source::peer);
    for (std::size_t i = 2; i < plan.size(); ++i) {
        CHECK(std::get<1>(plan[i]) == plan_source::cdn);
        const std::size_t piece = std::get<0>(plan[i]);
        CHECK((piece < 100 || piece >= 106));
    }
}

TEST_CASE("planner.cdn_fill.late_peers_get_no_new_requests") {
    // peer_piece_ms 1000: A's request planned at t0 is late after t0 + 1000.
    planner_config c = filling(2, 4);
    c.peer_piece_ms = 1000;
    planner p(40, c);
    p.peer_set("A", bits(40, 0, 40));
    p.set_sources({source(bits(40, 0, 40))});
    const auto first = next(p, 1, t0);
    REQUIRE(first.size() == 1);
    auto plan = next(p, 1, t0 + 1000);  // not late yet: A takes it
    REQUIRE(plan.size() == 1);
    CHECK(std::get<1>(plan[0]) == plan_source::peer);
    const std::size_t second = std::get<0>(plan[0]);
    plan = next(p, 4, t0 + 1001);  // late: the CDN takes its 2, A nothing
    CHECK(count_source(plan, plan_source::cdn) == 2);
    CHECK(count_source(plan, plan_source::peer) == 0);
    CHECK(p.peer_in_flight("A") == 2);
    // Once A delivers both, it is on time again.
    p.done(std::get<0>(first[0]), plan_outcome::done);
    p.done(second, plan_outcome::done);
    CHECK(p.peer_in_flight("A") == 0);
    plan = next(p, 4, t0 + 5000);
    CHECK(count_source(plan, plan_source::peer) == 4);

    // Off, lateness does not count: A takes requests however long it takes.
    planner q(40, filling(2, 4, false));
    q.peer_set("A", bits(40, 0, 40));
    q.set_sources({source(bits(40, 0, 40))});
    REQUIRE(next(q, 1, t0).size() == 1);
    plan = next(q, 4, t0 + 60'000);
    CHECK(count_source(plan, plan_source::peer) == 3);
}

TEST_CASE("planner.cdn_fill.first_fills_the_cdn_before_peers") {
    planner_config c = filling(3, 4);
    c.cdn_fill = p2pcdn::ue::cdn_fill_mode::first;
    planner p(40, c);
    p.peer_set("A", bits(40, 0, 30));
    p.set_sources({source(bits(40, 0, 20))});  // serves 0-19 only
    auto plan = next(p, 4);
    REQUIRE(plan.size() == 4);
    for (std::size_t i = 0; i < 3; ++i) {
        CHECK(std::get<1>(plan[i]) == plan_source::cdn);
        CHECK(std::get<0>(plan[i]) < 20);
    }
    CHECK(std::get<1>(plan[3]) == plan_source::peer);
    // Pieces no peer holds (30-39) are not on the CDN: nothing plans them.
    plan = next(p, 40);
    CHECK(count_source(plan, plan_source::cdn) == 0);
    CHECK(count_source(plan, plan_source::peer) == 3);
    for (const auto& r : plan) {
        CHECK(std::get<0>(r) < 30);
    }
}

TEST_CASE("planner.cdn_fill.set_cdn_limit_meters_the_cdn") {
    planner_config c = filling(4, 8);
    c.cdn_fill = p2pcdn::ue::cdn_fill_mode::first;
    planner p(40, c);
    p.peer_set("A", bits(40, 0, 40));
    p.set_sources({source(bits(40, 0, 40))});
    // 0: no CDN request, the peer takes what it can.
    p.set_cdn_limit(0);
    auto plan = next(p, 6);
    CHECK(count_source(plan, plan_source::cdn) == 0);
    CHECK(count_source(plan, plan_source::peer) == 6);
    // 2: two CDN requests, filled first, then the peer's last free slots.
    p.set_cdn_limit(2);
    CHECK(p.config().max_cdn_in_flight == 2);
    plan = next(p, 6);
    CHECK(count_source(plan, plan_source::cdn) == 2);
    CHECK(count_source(plan, plan_source::peer) == 2);
    CHECK(p.cdn_in_flight() == 2);
    // Lowered below what is in flight: those stay, no new one goes out until they end.
    p.set_cdn_limit(1);
    CHECK(next(p, 6).empty());
    CHECK(p.cdn_in_flight() == 2);
    for (std::size_t piece = 0; piece < 40; ++piece) {
        if (p.in_flight(piece)) {
            p.done(piece, plan_outcome::done);
        }
    }
    plan = next(p, 6);
    CHECK(count_source(plan, plan_source::cdn) == 1);
}

TEST_CASE("planner.peer_have_many") {
    planner a(100, filling(4, 4, false));
    planner b(100, filling(4, 4, false));
    a.peer_set("A", bits(100, 0, 10));
    b.peer_set("A", bits(100, 0, 10));
    const std::vector<std::size_t> pieces = {50, 3, 51, 50, 99};
    a.peer_have("A", pieces.data(), pieces.size());
    for (const std::size_t piece : pieces) {
        b.peer_have("A", piece);
    }
    for (std::size_t piece = 0; piece < 100; ++piece) {
        CHECK(a.copies(piece) == b.copies(piece));
    }
    CHECK(a.copies(50) == 1);
    CHECK(a.copies(99) == 1);
    CHECK(next(a, 20) == next(b, 20));

    // All or nothing: a piece out of range records none of the others.
    const std::vector<std::size_t> bad = {60, 100, 61};
    CHECK(code_of([&] { a.peer_have("A", bad.data(), bad.size()); }) == errc::range);
    CHECK(a.copies(60) == 0);
    CHECK(a.copies(61) == 0);
    CHECK(code_of([&] { a.peer_have("B", pieces.data(), pieces.size()); }) == errc::not_found);
    CHECK(code_of([&] { a.peer_have("", pieces.data(), pieces.size()); }) == errc::invalid);
    a.peer_have("A", nullptr, 0);  // an empty burst is fine
    CHECK(a.peer_count() == 1);
}

}  // TEST_SUITE
