#include "ue/planner.hpp"

#include "core/bitmap.hpp"
#include "core/error.hpp"
#include "ue/piece_availability.hpp"
#include "wire/peer_list.hpp"

#include <doctest/doctest.h>

#include "test_support.hpp"

#include <algorithm>
#include <cstdint>
#include <map>
#include <random>
#include <set>
#include <string>
#include <vector>

using p2pcdn::bitmap;
using p2pcdn::cdn_source;
using p2pcdn::errc;
using p2pcdn::ue::plan_outcome;
using p2pcdn::ue::plan_request;
using p2pcdn::ue::plan_source;
using p2pcdn::ue::planner;
using p2pcdn::ue::planner_config;
using p2pcdn::test::code_of;

namespace {

constexpr std::int64_t t0 = 1'700'000'000'000;  // Unix ms
constexpr std::int64_t far_s = 1'800'000'000;   // an expiry well after t0

struct planned {
    std::size_t piece;
    plan_source source;
    std::string peer;
    std::size_t cdn_index;
};

std::vector<planned> next(planner& p, std::size_t max, std::int64_t now = t0) {
    std::vector<planned> out;
    p.next(now, max, [&](const plan_request& r) {
        out.push_back({r.piece, r.source, std::string(r.peer_key), r.cdn_index});
    });
    return out;
}

std::set<std::size_t> pieces_of(const std::vector<planned>& v) {
    std::set<std::size_t> s;
    for (const auto& r : v) {
        s.insert(r.piece);
    }
    return s;
}

std::set<std::size_t> range_set(std::size_t begin, std::size_t end) {
    std::set<std::size_t> s;
    for (std::size_t i = begin; i < end; ++i) {
        s.insert(i);
    }
    return s;
}

bitmap bits(std::size_t n, std::size_t begin, std::size_t end) {
    bitmap b(n);
    b.set_range(begin, end);
    return b;
}

cdn_source source(std::string uri, bitmap pieces, std::int64_t expires_s = far_s) {
    cdn_source s;
    s.uri = std::move(uri);
    s.pieces = std::move(pieces);
    s.expires_s = expires_s;
    return s;
}

planner_config roomy(std::uint64_t seed = 1) {
    planner_config c;
    c.rng_seed = seed;
    c.max_cdn_in_flight = 1000;
    c.max_per_peer_in_flight = 1000;
    return c;
}

}  // namespace

TEST_SUITE("planner") {

TEST_CASE("planner.availability.buckets_follow_counts") {
    // The helper against a plain model: after every step each bucket holds exactly the wanted
    // pieces with that many copies, and `held` mirrors copies > 0.
    constexpr std::size_t n = 300;
    constexpr std::uint32_t max_copies = 5;
    p2pcdn::ue::detail::piece_availability a(n, max_copies);
    std::vector<std::uint32_t> copies(n, 0);
    std::vector<bool> wanted(n, true);
    std::mt19937_64 rng(3);
    for (int step = 0; step < 20000; ++step) {
        const std::size_t piece = rng() % n;
        switch (rng() % 4) {
        case 0:
            if (copies[piece] < max_copies) {
                a.increment(piece);
                ++copies[piece];
            }
            break;
        case 1:
            if (copies[piece] > 0) {
                a.decrement(piece);
                --copies[piece];
            }
            break;
        case 2:
            if (wanted[piece]) {
                a.exclude(piece);
                wanted[piece] = false;
            }
            break;
        default:
            if (!wanted[piece]) {
                a.include(piece);
                wanted[piece] = true;
            }
            break;
        }
        if (step % 500 != 0) {
            continue;
        }
        std::vector<int> seen(n, 0);
        for (std::uint32_t c = 0; c <= max_copies; ++c) {
            for (std::size_t pos = a.bucket_begin(c); pos < a.bucket_end(c); ++pos) {
                const std::size_t p = a.piece_at(pos);
                ++seen[p];
                REQUIRE(wanted[p]);
                REQUIRE(copies[p] == c);
            }
        }
        for (std::size_t p = 0; p < n; ++p) {
            REQUIRE(seen[p] == (wanted[p] ? 1 : 0));
            REQUIRE(a.wanted(p) == wanted[p]);
            REQUIRE(a.copies(p) == copies[p]);
            REQUIRE(a.held().test(p) == (copies[p] > 0));
        }
    }
}

TEST_CASE("planner.rarest_first") {
    // A holds 0-19, B 0-9, C 0-4: pieces 10-19 have 1 copy, 5-9 two, 0-4 three.
    planner p(20, roomy());
    p.peer_set("A", bits(20, 0, 20));
    p.peer_set("B", bits(20, 0, 10));
    p.peer_set("C", bits(20, 0, 5));
    CHECK(p.copies(0) == 3);
    CHECK(p.copies(7) == 2);
    CHECK(p.copies(15) == 1);

    auto first = next(p, 10);
    CHECK(pieces_of(first) == range_set(10, 20));
    for (const auto& r : first) {
        CHECK(r.source == plan_source::peer);
        CHECK(r.peer == "A");  // the only holder
    }
    auto second = next(p, 5);
    CHECK(pieces_of(second) == range_set(5, 10));
    for (const auto& r : second) {
        CHECK(r.peer == "B");  // A has 10 in flight: the least loaded holder wins
    }
    auto third = next(p, 100);
    CHECK(pieces_of(third) == range_set(0, 5));
    for (const auto& r : third) {
        CHECK(r.peer == "C");
    }
    CHECK(next(p, 100).empty());
    CHECK(p.peer_in_flight() == 20);
}

TEST_CASE("planner.rarest_first.ties_random_but_seeded") {
    auto order = [](std::uint64_t seed) {
        planner p(1000, roomy(seed));
        p.peer_set("seed", bits(1000, 0, 1000));
        p.peer_set("half", bits(1000, 0, 500));
        std::vector<std::size_t> out;
        for (const auto& r : next(p, 1000)) {
            out.push_back(r.piece);
        }
        return out;
    };
    const auto a = order(42);
    const auto b = order(42);
    const auto c = order(43);
    REQUIRE(a.size() == 1000);
    CHECK(a == b);
    CHECK(a != c);
    // Rarest first still holds: the 500 single-copy pieces come before the others.
    CHECK(std::set<std::size_t>(a.begin(), a.begin() + 500) == range_set(500, 1000));
    // And inside a class the order is shuffled, not ascending.
    CHECK_FALSE(std::is_sorted(a.begin(), a.begin() + 500));
    std::set<std::size_t> firsts;
    for (std::uint64_t seed = 1; seed <= 50; ++seed) {
        firsts.insert(order(seed).front());
    }
    CHECK(firsts.size() > 30);
}

TEST_CASE("planner.cdn_only_for_pieces_no_peer_holds") {
    planner p(10, roomy());
    p.peer_set("A", bits(10, 0, 5));
    p.set_sources({source("https://cdn/{piece}", bits(10, 0, 10))});
    auto plan = next(p, 100);
    REQUIRE(plan.size() == 10);
    for (const auto& r : plan) {
        if (r.piece < 5) {
            CHECK(r.source == plan_source::peer);
        } else {
            CHECK(r.source == plan_source::cdn);
            CHECK(r.cdn_index == 0);
        }
    }
    CHECK(p.cdn_in_flight() == 5);

    // A piece whose holders are all busy waits for them; it does not go to the CDN.
    planner_config c = roomy();
    c.max_per_peer_in_flight = 1;
    planner q(10, c);
    q.peer_set("A", bits(10, 0, 5));
    q.set_sources({source("https://cdn/{piece}", bits(10, 0, 10))});
    plan = next(q, 100);
    CHECK(plan.size() == 6);
    CHECK(q.cdn_in_flight() == 5);
    CHECK(q.peer_in_flight() == 1);

    // When the only holder leaves, the piece becomes a CDN piece.
    const std::size_t held_piece = [&] {
        for (const auto& r : plan) {
            if (r.source == plan_source::peer) {
                return r.piece;
            }
        }
        return std::size_t{99};
    }();
    q.peer_remove("A");
    CHECK_FALSE(q.in_flight(held_piece));
    plan = next(q, 100);
    CHECK(plan.size() == 5);  // the four waiting pieces and the released one
    for (const auto& r : plan) {
        CHECK(r.source == plan_source::cdn);
    }
}

TEST_CASE("planner.never_an_expired_source") {
    planner p(4, roomy());
    // Source 0 expires at 1000 s, source 1 at 2000 s.
    p.set_sources({source("https://a/{piece}", bits(4, 0, 4), 1000),
                   source("https://b/{piece}", bits(4, 0, 4), 2000)});
    auto plan = next(p, 1, 999'999);
    REQUIRE(plan.size() == 1);
    CHECK(plan[0].cdn_index == 0);
    plan = next(p, 1, 1'000'000);  // source 0 is expired from this millisecond on
    REQUIRE(plan.size() == 1);
    CHECK(plan[0].cdn_index == 1);
    plan = next(p, 1, 1'999'999);
    REQUIRE(plan.size() == 1);
    CHECK(plan[0].cdn_index == 1);
    CHECK(next(p, 10, 2'000'000).empty());
    CHECK(next(p, 10, 5'000'000).empty());
    CHECK(p.cdn_in_flight() == 3);
}

TEST_CASE("planner.gone_sources_skipped") {
    planner p(4, roomy());
    p.set_sources({source("https://a/{piece}", bits(4, 3, 4)),
                   source("https://b/{piece}", bits(4, 3, 4))});
    auto plan = next(p, 10);
    REQUIRE(plan.size() == 1);
    CHECK(plan[0].piece == 3);
    CHECK(plan[0].cdn_index == 0);
    p.done(3, plan_outcome::gone);
    CHECK(p.gone(0, 3));
    CHECK_FALSE(p.gone(1, 3));
    plan = next(p, 10);
    REQUIRE(plan.size() == 1);
    CHECK(plan[0].cdn_index == 1);

    // A new list with the same URIs (in another order) keeps the marks; the request in flight
    // follows its source to its new index.
    p.set_sources({source("https://b/{piece}", bits(4, 3, 4)),
                   source("https://a/{piece}", bits(4, 3, 4))});
    CHECK(p.gone(1, 3));
    CHECK_FALSE(p.gone(0, 3));
    p.done(3, plan_outcome::gone);  // from b, now index 0
    CHECK(p.gone(0, 3));
    CHECK(next(p, 10).empty());
    CHECK(p.cdn_in_flight() == 0);

    // A new URI serves it again.
    p.set_sources({source("https://c/{piece}", bits(4, 3, 4))});
    plan = next(p, 10);
    REQUIRE(plan.size() == 1);
    CHECK(plan[0].cdn_index == 0);
    // A source dropped while its request is in flight: the request still ends normally.
    p.set_sources({});
    p.done(3, plan_outcome::gone);
    CHECK(p.cdn_in_flight() == 0);
    CHECK(next(p, 10).empty());
}

TEST_CASE("planner.gone_from_a_peer") {
    planner p(4, roomy());
    p.peer_set("A", bits(4, 0, 1));
    p.peer_set("B", bits(4, 0, 1));
    auto plan = next(p, 10);
    REQUIRE(plan.size() == 1);
    const std::string first = plan[0].peer;
    p.done(0, plan_outcome::gone);
    CHECK(p.copies(0) == 1);
    plan = next(p, 10);
    REQUIRE(plan.size() == 1);
    CHECK(plan[0].peer != first);
    p.done(0, plan_outcome::failed);
    p.peer_have(first, 0);  // it announces the piece again
    CHECK(p.copies(0) == 2);
}

TEST_CASE("planner.caps") {
    planner_config c = roomy();
    c.max_cdn_in_flight = 2;
    c.max_per_peer_in_flight = 3;
    planner p(100, c);
    p.peer_set("A", bits(100, 0, 50));
    p.peer_set("B", bits(100, 0, 50));
    p.set_sources({source("https://cdn/{piece}", bits(100, 0, 100))});
    auto plan = next(p, 100);
    CHECK(plan.size() == 8);
    CHECK(p.cdn_in_flight() == 2);
    CHECK(p.peer_in_flight("A") == 3);
    CHECK(p.peer_in_flight("B") == 3);
    CHECK(next(p, 100).empty());

    // Ending one request of each kind frees exactly one slot of each.
    std::size_t a_piece = 0;
    std::size_t cdn_piece = 0;
    for (const auto& r : plan) {
        if (r.source == plan_source::cdn) {
            cdn_piece = r.piece;
        } else if (r.peer == "A") {
            a_piece = r.piece;
        }
    }
    p.done(a_piece, plan_outcome::done);
    p.done(cdn_piece, plan_outcome::done);
    plan = next(p, 100);
    REQUIRE(plan.size() == 2);
    CHECK(p.have().test(a_piece));
    CHECK(p.have().test(cdn_piece));
    // max_requests caps a call too.
    planner q(100, c);
    q.peer_set("A", bits(100, 0, 100));
    CHECK(next(q, 2).size() == 2);
    CHECK(next(q, 0).empty());
}

TEST_CASE("planner.in_flight_not_replanned_and_failure_replans") {
    planner p(64, roomy(9));
    p.peer_set("A", bits(64, 0, 64));
    std::set<std::size_t> all;
    for (int round = 0; round < 8; ++round) {
        for (const auto& r : next(p, 8)) {
            CHECK(all.insert(r.piece).second);  // never twice
            CHECK(p.in_flight(r.piece));
        }
    }
    CHECK(all.size() == 64);
    CHECK(next(p, 8).empty());
    p.done(17, plan_outcome::failed);
    CHECK_FALSE(p.in_flight(17));
    auto plan = next(p, 8);
    REQUIRE(plan.size() == 1);
    CHECK(plan[0].piece == 17);
    p.done(17, plan_outcome::done);
    p.done(17, plan_outcome::done);  // done again is harmless
    CHECK(p.have().test(17));
    CHECK(p.peer_in_flight("A") == 63);
    // A held piece is not planned even after its peer request fails.
    bitmap own(64);
    own.set(5);
    own.set(17);
    p.set_have(own);
    p.done(5, plan_outcome::failed);
    CHECK(next(p, 8).empty());
}

TEST_CASE("planner.streaming_window_with_deadlines") {
    // The docs' example: 1000 ms per piece, a peer needs 2500 ms, a window of 6 pieces.
    planner_config c = roomy();
    c.streaming = true;
    c.window_pieces = 6;
    c.piece_duration_ms = 1000;
    c.peer_piece_ms = 2500;
    c.max_per_peer_in_flight = 3;
    planner p(200, c);
    bitmap a(200);
    a.fill(true);
    a.clear(104);  // no peer holds 104
    p.peer_set("A", a);
    p.set_sources({source("https://cdn/{piece}", bits(200, 0, 200))});
    CHECK(code_of([&] { next(p, 1); }) == errc::state);  // no position yet
    p.set_position(100, t0);

    auto plan = next(p, 100, t0 + 200);
    REQUIRE(plan.size() >= 6);
    // 100, 101, 102 are due by t0 + 2000, before a peer could deliver (t0 + 2700): CDN although
    // peer A holds them. 103 and 105 are due later: peer. 104: no peer holds it: CDN.
    const plan_source expect[] = {plan_source::cdn, plan_source::cdn,  plan_source::cdn,
                                  plan_source::peer, plan_source::cdn, plan_source::peer};
    for (std::size_t i = 0; i < 6; ++i) {
        CHECK(plan[i].piece == 100 + i);
        CHECK(plan[i].source == expect[i]);
    }
    // Then outside the window, rarest first: A's third slot, and nothing for the CDN (A holds
    // everything else).
    REQUIRE(plan.size() == 7);
    CHECK(plan[6].source == plan_source::peer);
    CHECK((plan[6].piece < 100 || plan[6].piece >= 106));
    CHECK(p.cdn_in_flight() == 4);

    SUBCASE("in time exactly is not urgent") {
        planner q(200, c);
        q.peer_set("A", a);
        q.set_sources({source("https://cdn/{piece}", bits(200, 0, 200))});
        q.set_position(100, t0);
        // At t0 + 500 a peer delivers at t0 + 3000, exactly when 103 is due: peer.
        plan = next(q, 4, t0 + 500);
        REQUIRE(plan.size() == 4);
        CHECK(plan[3].piece == 103);
        CHECK(plan[3].source == plan_source::peer);
        planner r(200, c);
        r.peer_set("A", a);
        r.set_sources({source("https://cdn/{piece}", bits(200, 0, 200))});
        r.set_position(100, t0);
        plan = next(r, 4, t0 + 501);  // one ms later: too late for a peer
        REQUIRE(plan.size() == 4);
        CHECK(plan[3].piece == 103);
        CHECK(plan[3].source == plan_source::cdn);
    }
    SUBCASE("urgent pieces wait for a CDN slot") {
        planner_config one = c;
        one.max_cdn_in_flight = 1;
        planner q(200, one);
        q.peer_set("A", a);
        q.set_sources({source("https://cdn/{piece}", bits(200, 0, 200))});
        q.set_position(100, t0);
        plan = next(q, 100, t0);
        REQUIRE(plan.size() >= 3);
        CHECK(plan[0].piece == 100);
        CHECK(plan[0].source == plan_source::cdn);
        // 101 and 102 are urgent and wait; 103 and 105 go to A, and one piece outside.
        CHECK(plan[1].piece == 103);
        CHECK(plan[2].piece == 105);
        CHECK_FALSE(q.in_flight(101));
        q.done(100, plan_outcome::done);
        plan = next(q, 100, t0 + 100);
        REQUIRE(plan.size() == 1);
        CHECK(plan[0].piece == 101);
        CHECK(plan[0].source == plan_source::cdn);
    }
    SUBCASE("urgent pieces without a CDN source go to a peer") {
        planner q(200, c);
        q.peer_set("A", a);
        q.set_position(100, t0);
        plan = next(q, 100, t0);
        REQUIRE(plan.size() == 3);
        CHECK(plan[0].piece == 100);
        CHECK(plan[1].piece == 101);
        CHECK(plan[2].piece == 102);
        for (const auto& r : plan) {
            CHECK(r.source == plan_source::peer);
        }
    }
    SUBCASE("the deadline model moves with the clock and the position") {
        planner q(200, c);
        q.peer_set("A", a);
        q.set_sources({source("https://cdn/{piece}", bits(200, 0, 200))});
        q.set_position(10, t0);
        // At t0 - 5000 (the position was set for a later time) nothing in the window is urgent.
        plan = next(q, 1, t0 - 5000);
        REQUIRE(plan.size() == 1);
        CHECK(plan[0].piece == 10);
        CHECK(plan[0].source == plan_source::peer);
        // Late: piece 11 was due at t0 + 1000, now is t0 + 60000: urgent.
        plan = next(q, 1, t0 + 60'000);
        REQUIRE(plan.size() == 1);
        CHECK(plan[0].piece == 11);
        CHECK(plan[0].source == plan_source::cdn);
        // Seek: a window near the end is clipped to the content.
        q.set_position(198, t0);
        plan = next(q, 2, t0);
        REQUIRE(plan.size() == 2);
        CHECK(plan[0].piece == 198);
        CHECK(plan[1].piece == 199);
    }
}

TEST_CASE("planner.peer_updates_keep_counts_right") {
    // Random peer traffic against a recount from the peers' bitmaps as the test keeps them.
    constexpr std::size_t n = 700;
    planner_config c = roomy(11);
    c.max_peers = 8;
    c.max_per_peer_in_flight = 5;
    c.max_cdn_in_flight = 3;
    planner p(n, c);
    p.set_sources({source("https://cdn/{piece}", bits(n, 0, n))});
    std::map<std::string, bitmap> peers;
    std::map<std::size_t, planned> flying;
    bitmap own(n);
    std::mt19937_64 rng(5);
    auto random_bits = [&](unsigned density) {
        bitmap b(n);
        for (std::size_t i = 0; i < n; ++i) {
            if (rng() % 100 < density) {
                b.set(i);
            }
        }
        return b;
    };
    for (int step = 0; step < 3000; ++step) {
        const std::string key = "peer" + std::to_string(rng() % 10);
        switch (rng() % 8) {
        case 0:
        case 1: {
            bitmap b = random_bits(static_cast<unsigned>(rng() % 100));
            if (peers.count(key) == 0 && peers.size() == 8) {
                CHECK(code_of([&] { p.peer_set(key, b); }) == errc::limit);
                break;
            }
            p.peer_set(key, b);
            peers[key] = b;
            break;
        }
        case 2:
            if (peers.count(key) != 0) {
                const std::size_t piece = rng() % n;
                p.peer_have(key, piece);
                peers[key].set(piece);
            } else {
                CHECK(code_of([&] { p.peer_have(key, 0); }) == errc::not_found);
            }
            break;
        case 3:
            if (peers.count(key) != 0) {
                p.peer_remove(key);
                peers.erase(key);
                for (auto it = flying.begin(); it != flying.end();) {
                    it = it->second.source == plan_source::peer && it->second.peer == key
                             ? flying.erase(it)
                             : std::next(it);
                }
            }
            break;
        case 4:
            for (const auto& r : next(p, rng() % 6)) {
                REQUIRE(flying.count(r.piece) == 0);
                REQUIRE_FALSE(own.test(r.piece));
                if (r.source == plan_source::peer) {
                    REQUIRE(peers.at(r.peer).test(r.piece));
                } else {
                    for (const auto& [k, b] : peers) {
                        REQUIRE_FALSE(b.test(r.piece));
                    }
                }
                flying[r.piece] = r;
            }
            break;
        case 5:
            if (!flying.empty()) {
                auto it = flying.begin();
                std::advance(it, static_cast<long>(rng() % flying.size()));
                const auto outcome = static_cast<plan_outcome>(rng() % 3);
                p.done(it->first, outcome);
                if (outcome == plan_outcome::done) {
                    own.set(it->first);
                } else if (outcome == plan_outcome::gone &&
                           it->second.source == plan_source::peer) {
                    peers.at(it->second.peer).clear(it->first);
                }
                flying.erase(it);
            }
            break;
        case 6: {
            const std::size_t piece = rng() % n;
            if (rng() % 2 == 0) {
                own.set(piece);
            } else {
                own.clear(piece);
            }
            p.set_have(own);
            break;
        }
        default:
            if (!flying.empty() && rng() % 4 == 0) {
                // A stale CDN mark must not stop the model from agreeing: refresh the sources.
                p.set_sources({source("https://cdn/{piece}", bits(n, 0, n))});
            }
            break;
        }
        REQUIRE(p.peer_count() == peers.size());
        std::size_t cdn = 0;
        std::map<std::string, std::size_t> per_peer;
        for (const auto& [piece, r] : flying) {
            REQUIRE(p.in_flight(piece));
            if (r.source == plan_source::cdn) {
                ++cdn;
            } else {
                ++per_peer[r.peer];
            }
        }
        REQUIRE(p.cdn_in_flight() == cdn);
        for (const auto& [k, b] : peers) {
            REQUIRE(p.peer_in_flight(k) == per_peer[k]);
        }
        if (step % 50 == 0) {
            for (std::size_t i = 0; i < n; ++i) {
                std::uint32_t count = 0;
                for (const auto& [k, b] : peers) {
                    count += b.test(i) ? 1 : 0;
                }
                REQUIRE(p.copies(i) == count);
                REQUIRE(p.in_flight(i) == (flying.count(i) != 0));
            }
        }
    }
}

TEST_CASE("planner.errors") {
    CHECK(code_of([] { planner p(0, planner_config{}); }) == errc::range);
    CHECK(code_of([] { planner p(bitmap::max_bits + 1, planner_config{}); }) == errc::range);
    planner_config bad;
    bad.max_cdn_in_flight = 0;
    CHECK(code_of([&] { planner p(10, bad); }) == errc::invalid);
    bad = planner_config{};
    bad.max_peers = p2pcdn::ue::max_planner_peers + 1;
    CHECK(code_of([&] { planner p(10, bad); }) == errc::invalid);

    planner_config c = roomy();
    c.max_peers = 2;
    planner p(10, c);
    CHECK(code_of([&] { p.peer_set("", bits(10, 0, 1)); }) == errc::invalid);
    CHECK(code_of([&] { p.peer_set(std::string(21, 'x'), bits(10, 0, 1)); }) == errc::invalid);
    CHECK(code_of([&] { p.peer_set("A", bits(11, 0, 1)); }) == errc::invalid);
    CHECK(p.peer_count() == 0);
    p.peer_set(std::string(20, 'x'), bits(10, 0, 1));
    p.peer_set("B", bits(10, 0, 2));
    CHECK(code_of([&] { p.peer_set("C", bits(10, 0, 1)); }) == errc::limit);
    CHECK(code_of([&] { p.peer_have("C", 1); }) == errc::not_found);
    CHECK(code_of([&] { p.peer_have("B", 10); }) == errc::range);
    CHECK(code_of([&] { p.peer_remove("C"); }) == errc::not_found);
    CHECK(code_of([&] { p.peer_in_flight("C"); }) == errc::not_found);
    CHECK(code_of([&] { p.set_have(bitmap(9)); }) == errc::invalid);
    CHECK(code_of([&] { p.set_position(10, t0); }) == errc::range);
    CHECK(code_of([&] { p.done(10, plan_outcome::done); }) == errc::range);
    CHECK(code_of([&] { p.done(3, plan_outcome::failed); }) == errc::state);
    CHECK(code_of([&] { p.done(3, plan_outcome::gone); }) == errc::state);
    CHECK(code_of([&] { p.gone(0, 0); }) == errc::range);
    CHECK(code_of([&] { p.set_sources({source("u", bits(9, 0, 1))}); }) == errc::invalid);
    std::vector<cdn_source> many(p2pcdn::ue::max_planner_sources + 1, source("u", bits(10, 0, 1)));
    CHECK(code_of([&] { p.set_sources(many); }) == errc::limit);
    CHECK(p.source_count() == 0);
    // The failed calls changed nothing.
    CHECK(p.peer_count() == 2);
    CHECK(p.copies(0) == 2);
    CHECK(p.copies(1) == 1);
    CHECK(p.copies(2) == 0);
    CHECK(next(p, 10).size() == 2);
}

}  // TEST_SUITE
