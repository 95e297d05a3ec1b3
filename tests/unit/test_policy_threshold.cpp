// The threshold policy: the low and high marks with the band between them, "some leecher lacks
// it", minimum residency, the cap on changes, the byte capacity scarcest first, expired
// holdings, and its options.
#include "policy/threshold_policy.hpp"

#include "core/error.hpp"

#include <doctest/doctest.h>

#include "policy_fixture.hpp"
#include "test_support.hpp"

#include <vector>

using p2pcdn::errc;
using p2pcdn::policy::decision;
using p2pcdn::policy::threshold_config;
using p2pcdn::policy::threshold_policy;
using p2pcdn::test::an_hour_ms;
using p2pcdn::test::code_of;
using p2pcdn::test::held;
using p2pcdn::test::ingested_pieces;
using p2pcdn::test::make_case;
using p2pcdn::test::policy_t0;

namespace {

using pieces = std::vector<std::size_t>;

threshold_config config(std::size_t max_changes = 1000, std::uint64_t capacity = 0) {
    threshold_config c;  // low 2, high 4, residency 60 s
    c.max_changes = max_changes;
    c.capacity_bytes = capacity;
    return c;
}

}  // namespace

TEST_SUITE("policy.threshold") {
    TEST_CASE("ingests below the low mark what some leecher lacks, scarcest first") {
        //                       0  1  2  3  4  5  6
        auto c = make_case({3, 1, 0, 1, 2, 5, 0}, 5);
        const decision d = c.decide(threshold_policy(config()));
        // 0, 4 and 5 are at or above the low mark.
        CHECK(ingested_pieces(d) == pieces{2, 6, 1, 3});
        CHECK(d.purge.empty());
        for (const auto& item : d.ingest) {
            CHECK(item.ttl_s == 0);
        }

        // A TTL goes with every ingest.
        threshold_config with_ttl = config();
        with_ttl.ttl_s = 900;
        for (const auto& item : c.decide(threshold_policy(with_ttl)).ingest) {
            CHECK(item.ttl_s == 900);
        }

        // One peer holds piece 0: below the low mark, but no leecher lacks it.
        CHECK(ingested_pieces(make_case({1, 0}, 1).decide(threshold_policy(config()))) ==
              pieces{1});
        // Nobody in the swarm: nobody lacks anything.
        CHECK(make_case({0, 0}, 0).decide(threshold_policy(config())).empty());
    }

    TEST_CASE("hysteresis: purge at the high mark, nothing changes between the marks") {
        //                       0  1  2  3  4
        auto c = make_case({1, 2, 3, 4, 9}, 10);
        c.holdings = {held(0), held(1), held(2), held(3), held(4)};
        const decision d = c.decide(threshold_policy(config()));
        CHECK(d.ingest.empty());         // 0 is scarce but already held
        CHECK(d.purge == pieces{4, 3});  // most copies first

        // Unheld, the same pieces: only 0 goes in; 1-3 sit in the band.
        c.holdings.clear();
        CHECK(ingested_pieces(c.decide(threshold_policy(config()))) == pieces{0});
    }

    TEST_CASE("a piece stays at least min_residency_ms") {
        auto c = make_case({6, 6, 6}, 10);
        c.holdings = {held(0, policy_t0 - 59'999), held(1, policy_t0 - 60'000),
                      held(2, policy_t0 + 5'000)};  // ingested "after" now: a clock step back
        CHECK(c.decide(threshold_policy(config())).purge == pieces{1});
        c.now_ms += 1;
        CHECK(c.decide(threshold_policy(config())).purge == pieces{0, 1});
    }

    TEST_CASE("at most max_changes changes, ingests before purges") {
        auto c = make_case({0, 1, 1, 0, 7, 8, 9}, 10);
        c.holdings = {held(4), held(5), held(6)};
        const decision three = c.decide(threshold_policy(config(3)));
        CHECK(ingested_pieces(three) == pieces{0, 3, 1});
        CHECK(three.purge.empty());
        const decision six = c.decide(threshold_policy(config(6)));
        CHECK(ingested_pieces(six) == pieces{0, 3, 1, 2});
        CHECK(six.purge == pieces{6, 5});
        CHECK(c.decide(threshold_policy(config(7))).purge == pieces{6, 5, 4});
    }

    TEST_CASE("capacity: scarcest first, room from the purges due, never out of order") {
        // Pieces of 1000 bytes, the last one 400.
        auto c = make_case({1, 0, 1, 8, 9, 0}, 10, 400);
        c.holdings = {held(3), held(4)};  // 2000 bytes, both due for a purge

        SUBCASE("room is made by purging, most copies first") {
            const decision d = c.decide(threshold_policy(config(1000, 3000)));
            // 1 (0 copies, 1000 bytes) fits; 5 (0 copies, 400) needs room: 4 goes; then 0 needs
            // room: 3 goes; then 2 does not fit, and nothing is left to purge.
            CHECK(ingested_pieces(d) == pieces{1, 5, 0});
            CHECK(d.purge == pieces{4, 3});
        }
        SUBCASE("an ingest that cannot get room ends the ingests") {
            threshold_config full = config(1000, 2500);
            c.holdings = {held(3, policy_t0)};  // not due: no room to take
            const decision d = c.decide(threshold_policy(full));
            // 1 fits (2000 of 2500); 5 (400) fits; 0 does not: the ingests stop, and 2, which
            // would not fit either, is not looked at.
            CHECK(ingested_pieces(d) == pieces{1, 5});
            CHECK(d.purge.empty());
        }
        SUBCASE("a smaller piece is not taken ahead of a scarcer one") {
            auto d = make_case({1, 0, 1}, 10, 400).decide(threshold_policy(config(1000, 1400)));
            // 1 (0 copies) fits; then 0 does not, so 2 (400 bytes, 1 copy), which would, is not
            // taken ahead of it.
            CHECK(ingested_pieces(d) == pieces{1});
        }
        SUBCASE("making room needs two changes under the cap") {
            c.holdings = {held(3), held(4)};
            const decision d = c.decide(threshold_policy(config(2, 2000)));
            // Full (2000 of 2000): 1 needs a purge and an ingest, which the cap of 2 allows.
            CHECK(ingested_pieces(d) == pieces{1});
            CHECK(d.purge == pieces{4});
            const decision one = c.decide(threshold_policy(config(1, 2000)));
            // One change cannot make room and ingest: the only change left is a purge.
            CHECK(one.ingest.empty());
            CHECK(one.purge == pieces{4});
        }
        SUBCASE("over capacity, the purges due go first") {
            const decision d = c.decide(threshold_policy(config(1, 1000)));
            CHECK(d.ingest.empty());
            CHECK(d.purge == pieces{4});
        }
    }

    TEST_CASE("an expired holding is not held") {
        auto c = make_case({0, 9, 0}, 10);
        c.holdings = {held(0, policy_t0 - an_hour_ms, policy_t0),  // expired at now
                      held(1, policy_t0 - an_hour_ms, policy_t0 - 1),
                      held(2, policy_t0 - an_hour_ms, policy_t0 + 1)};
        // 0 is ingested again; 1 is not purged (the CDN dropped it already); only the live 2
        // takes capacity.
        CHECK(c.decide(threshold_policy(config(1000, 2000))) == decision{{{0, 0}}, {}});
        CHECK(c.decide(threshold_policy(config(1000, 1000))).empty());
    }

    TEST_CASE("threshold options are checked") {
        threshold_config bad;
        bad.low_copies = 0;
        CHECK(code_of([&] { threshold_policy p(bad); }) == errc::invalid);
        bad = threshold_config{};
        bad.high_copies = bad.low_copies;
        CHECK(code_of([&] { threshold_policy p(bad); }) == errc::invalid);
        bad = threshold_config{};
        bad.min_residency_ms = -1;
        CHECK(code_of([&] { threshold_policy p(bad); }) == errc::invalid);
        bad = threshold_config{};
        bad.max_changes = 0;
        CHECK(code_of([&] { threshold_policy p(bad); }) == errc::invalid);
        threshold_config fine;
        fine.low_copies = 5;
        fine.high_copies = 6;
        fine.min_residency_ms = 0;
        CHECK(threshold_policy(fine).config().high_copies == 6);
    }

}  // TEST_SUITE
