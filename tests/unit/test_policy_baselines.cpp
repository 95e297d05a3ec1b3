// The baselines: all (the classic CDN) and none (pure P2P).
#include "policy/baseline_policies.hpp"

#include <doctest/doctest.h>

#include "policy_fixture.hpp"

#include <vector>

using p2pcdn::policy::all_policy;
using p2pcdn::policy::decision;
using p2pcdn::policy::none_policy;
using p2pcdn::test::an_hour_ms;
using p2pcdn::test::held;
using p2pcdn::test::make_case;
using p2pcdn::test::policy_t0;

TEST_SUITE("policy.baselines") {
    TEST_CASE("all: every piece the CDN does not serve, whatever the swarm holds") {
        auto c = make_case({9, 0, 9, 9, 1}, 9);
        c.holdings = {held(0), held(2, policy_t0 - an_hour_ms, policy_t0)};  // 2 expired
        CHECK(c.decide(all_policy()) == decision{{{1, 0}, {2, 0}, {3, 0}, {4, 0}}, {}});
        c.holdings = {held(0), held(1), held(2), held(3), held(4)};
        CHECK(c.decide(all_policy()).empty());
    }

    TEST_CASE("none: every live holding goes, whatever the swarm holds") {
        auto c = make_case({0, 0, 0, 0}, 3);
        c.holdings = {held(0), held(1, policy_t0 - an_hour_ms, policy_t0 - 1), held(3)};
        CHECK(c.decide(none_policy()) == decision{{}, {0, 3}});
        c.holdings.clear();
        CHECK(c.decide(none_policy()).empty());
    }

}  // TEST_SUITE
