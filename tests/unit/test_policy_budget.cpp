// The budget policy: worth per byte, the byte budget filled best first, swaps of strictly
// better pieces, the churn limit, pieces nobody lacks, residency, and its options.
#include "policy/budget_policy.hpp"

#include "core/error.hpp"

#include <doctest/doctest.h>

#include "policy_fixture.hpp"
#include "test_support.hpp"

#include <vector>

using p2pcdn::errc;
using p2pcdn::policy::budget_config;
using p2pcdn::policy::budget_policy;
using p2pcdn::policy::decision;
using p2pcdn::test::code_of;
using p2pcdn::test::held;
using p2pcdn::test::ingested_pieces;
using p2pcdn::test::make_case;
using p2pcdn::test::policy_t0;

namespace {

using pieces = std::vector<std::size_t>;

budget_policy budget(std::uint64_t bytes, std::size_t max_changes = 1000) {
    budget_config c;  // residency 60 s, no TTL
    c.budget_bytes = bytes;
    c.max_changes = max_changes;
    return budget_policy(c);
}

}  // namespace

TEST_SUITE("policy.budget") {
    TEST_CASE("the budget takes the most worth per byte first") {
        // worth = (5 - copies) / ((copies + 1) * bytes); piece 4 is 500 bytes:
        //   0: 3/3000   1: 5/1000   2: 4/2000   3: 2/4000   4: 4/1000
        auto c = make_case({2, 0, 1, 3, 1}, 5, 500);
        // 0 does not fit in the 100 bytes left, so 3 is not looked at: the order is strict.
        CHECK(ingested_pieces(c.decide(budget(2600))) == pieces{1, 4, 2});
        CHECK(ingested_pieces(c.decide(budget(10'000))) == pieces{1, 4, 2, 0, 3});
        // The smaller last piece outranks full pieces of as many copies, even when the cap
        // leaves room for only a few.
        CHECK(ingested_pieces(c.decide(budget(10'000, 2))) == pieces{1, 4});

        budget_config with_ttl;
        with_ttl.ttl_s = 120;
        for (const auto& item : c.decide(budget_policy(with_ttl)).ingest) {
            CHECK(item.ttl_s == 120);
        }
    }

    TEST_CASE("pieces nobody lacks are worth nothing") {
        auto c = make_case({5, 5, 0}, 5);
        c.holdings = {held(0), held(1)};
        CHECK(c.decide(budget(10'000)) == decision{{{2, 0}}, {0, 1}});

        // An empty swarm: everything goes, nothing comes.
        auto empty = make_case({0, 0, 0}, 0);
        empty.holdings = {held(1), held(2)};
        CHECK(empty.decide(budget(10'000)) == decision{{}, {1, 2}});
    }

    TEST_CASE("a full budget swaps in strictly better pieces, within the churn limit") {
        // worth: 0: 2/4000   1: 3/3000   2: 5/1000   3: 3/3000   4: 1/5000
        auto c = make_case({3, 2, 0, 2, 4}, 5);
        c.holdings = {held(0), held(1)};

        // 2 takes 0's place; 3 is worth exactly as much as 1: no swap for nothing.
        CHECK(c.decide(budget(2000)) == decision{{{2, 0}}, {0}});
        // A swap is two changes: with one, nothing happens.
        CHECK(c.decide(budget(2000, 1)).empty());
        // Over budget (lowered to 1000): the least worth goes first, then 2 swaps with 1.
        CHECK(c.decide(budget(1000)) == decision{{{2, 0}}, {0, 1}});
        CHECK(c.decide(budget(1000, 1)) == decision{{}, {0}});
    }

    TEST_CASE("a young holding is not swapped out") {
        auto c = make_case({3, 2, 0, 2, 4}, 5);
        c.holdings = {held(0, policy_t0 - 1000), held(1)};
        // 0 is worth the least but was ingested a second ago: 1 makes the room instead.
        CHECK(c.decide(budget(2000)) == decision{{{2, 0}}, {1}});
    }

    TEST_CASE("an expired holding takes no budget") {
        auto c = make_case({3, 0}, 5);
        c.holdings = {held(0, policy_t0 - 10'000, policy_t0 - 1)};
        CHECK(c.decide(budget(1000)) == decision{{{1, 0}}, {}});
    }

    TEST_CASE("budget options are checked") {
        budget_config bad;
        bad.budget_bytes = 0;
        CHECK(code_of([&] { budget_policy p(bad); }) == errc::invalid);
        bad = budget_config{};
        bad.min_residency_ms = -5;
        CHECK(code_of([&] { budget_policy p(bad); }) == errc::invalid);
        bad = budget_config{};
        bad.max_changes = 0;
        CHECK(code_of([&] { budget_policy p(bad); }) == errc::invalid);
        CHECK(budget_policy(budget_config{}).config().budget_bytes == std::uint64_t{1} << 30);
    }

}  // TEST_SUITE
