// The TTL policy: scarce pieces in with a TTL, renewals inside the window while they stay
// scarce, never a purge, the cap shared by ingests and renewals, and its options.
#include "policy/ttl_policy.hpp"

#include "core/error.hpp"

#include <doctest/doctest.h>

#include "policy_fixture.hpp"
#include "test_support.hpp"

#include <vector>

using p2pcdn::errc;
using p2pcdn::policy::decision;
using p2pcdn::policy::ttl_config;
using p2pcdn::policy::ttl_policy;
using p2pcdn::test::an_hour_ms;
using p2pcdn::test::code_of;
using p2pcdn::test::held;
using p2pcdn::test::make_case;
using p2pcdn::test::policy_t0;

namespace {

ttl_policy ttl(std::size_t max_changes = 1000) {
    ttl_config c;  // low 2, TTL 600 s, renewed in its last 120 s
    c.max_changes = max_changes;
    return ttl_policy(c);
}

// A holding that ends `left_ms` after policy_t0.
p2pcdn::policy::holding ending_in(std::size_t piece, std::int64_t left_ms) {
    return held(piece, policy_t0 - 480'000, policy_t0 + left_ms);
}

}  // namespace

TEST_SUITE("policy.ttl") {
    TEST_CASE("scarce pieces go in with the TTL, scarcest first") {
        auto c = make_case({1, 2, 0, 5, 1}, 5);
        CHECK(c.decide(ttl()) == decision{{{2, 600}, {0, 600}, {4, 600}}, {}});
        // Nobody lacks a piece every peer holds, however few they are.
        CHECK(make_case({1, 0}, 1).decide(ttl()) == decision{{{1, 600}}, {}});
    }

    TEST_CASE("renewed inside the window while scarce, never purged") {
        //                       0  1  2  3  4  5
        auto c = make_case({1, 1, 1, 9, 0, 1}, 10);
        c.holdings = {
            ending_in(0, 120'000),                          // in the window: renewed
            ending_in(1, 120'001),                          // not yet
            held(2),                                        // no TTL: left alone
            ending_in(3, 1000),                             // lapsing, but no longer scarce
            held(4, policy_t0 - an_hour_ms, policy_t0),     // expired: ingested again
            held(5, policy_t0 - an_hour_ms, policy_t0 + 1)  // 1 ms left
        };
        CHECK(c.decide(ttl()) == decision{{{4, 600}, {0, 600}, {5, 600}}, {}});
    }

    TEST_CASE("ingests and renewals share the cap, scarcest first") {
        auto c = make_case({1, 0, 1, 0}, 10);
        c.holdings = {ending_in(0, 10), ending_in(3, 10)};
        CHECK(c.decide(ttl(3)) == decision{{{1, 600}, {3, 600}, {0, 600}}, {}});
    }

    TEST_CASE("ttl options are checked") {
        ttl_config c;
        CHECK(ttl_policy(c).config().renew_before_s == 120);
        c.ttl_s = 60;
        c.renew_before_s = 59;
        CHECK(ttl_policy(c).config().renew_before_s == 59);
        c.renew_before_s = 60;
        CHECK(code_of([&] { ttl_policy p(c); }) == errc::invalid);
        c = ttl_config{};
        c.ttl_s = 0;
        CHECK(code_of([&] { ttl_policy p(c); }) == errc::invalid);
        c = ttl_config{};
        c.low_copies = 0;
        CHECK(code_of([&] { ttl_policy p(c); }) == errc::invalid);
        c = ttl_config{};
        c.max_changes = 0;
        CHECK(code_of([&] { ttl_policy p(c); }) == errc::invalid);
    }

}  // TEST_SUITE
