#include <doctest/doctest.h>

#include "test_support.hpp"

#include "cdn/retry_policy.hpp"
#include "http/retry_after.hpp"

#include <algorithm>
#include <cstdint>
#include <vector>

using p2pcdn::errc;
using p2pcdn::cdn::is_retryable_error;
using p2pcdn::cdn::is_retryable_status;
using p2pcdn::cdn::retry_config;
using p2pcdn::cdn::retry_policy;
using p2pcdn::test::code_of;

namespace {

retry_config seeded(std::uint64_t seed, std::int64_t base = 100, std::int64_t max = 10000) {
    retry_config c;
    c.seed = seed;
    c.base_delay_ms = base;
    c.max_delay_ms = max;
    return c;
}

std::vector<std::int64_t> delays(retry_policy& p, std::uint32_t retry, int n) {
    std::vector<std::int64_t> out;
    for (int i = 0; i < n; ++i) out.push_back(p.delay_ms(retry));
    return out;
}

}  // namespace

TEST_SUITE("cdn retry policy") {
    TEST_CASE("retried statuses: 408, 429, 500, 502, 503, 504 and nothing else") {
        for (long s : {408L, 429L, 500L, 502L, 503L, 504L}) {
            CAPTURE(s);
            CHECK(is_retryable_status(s));
        }
        for (long s : {0L, 200L, 201L, 204L, 301L, 304L, 400L, 401L, 403L, 404L, 405L, 409L, 410L,
                       412L, 413L, 414L, 501L, 505L, 599L}) {
            CAPTURE(s);
            CHECK_FALSE(is_retryable_status(s));
        }
    }

    TEST_CASE("retried transport failures: network and timeout, not TLS or policy") {
        CHECK(is_retryable_error(errc::network));
        CHECK(is_retryable_error(errc::timeout));
        for (errc e : {errc::ok, errc::tls, errc::protocol, errc::limit, errc::invalid, errc::http,
                       errc::cancelled, errc::error}) {
            CHECK_FALSE(is_retryable_error(e));
        }
    }

    TEST_CASE("settings out of range are refused") {
        auto code = [](retry_config c) { return code_of([&] { retry_policy p(c); }); };
        CHECK(code(retry_config{}) == errc::ok);
        retry_config c;
        c.max_attempts = 0;
        CHECK(code(c) == errc::invalid);
        c.max_attempts = 101;
        CHECK(code(c) == errc::invalid);
        c = retry_config{};
        c.base_delay_ms = 0;
        CHECK(code(c) == errc::invalid);
        c = retry_config{};
        c.max_delay_ms = c.base_delay_ms - 1;
        CHECK(code(c) == errc::invalid);
        c = retry_config{};
        c.max_delay_ms = std::int64_t{3600} * 1000 + 1;
        CHECK(code(c) == errc::invalid);
    }

    TEST_CASE("full jitter: uniform in [0, min(max, base * 2^(n-1))]") {
        retry_policy p(seeded(42, 100, 1000));
        // retry n caps: 100, 200, 400, 800, then max_delay 1000 from there on
        const std::int64_t caps[] = {100, 200, 400, 800, 1000, 1000, 1000};
        for (std::uint32_t n = 1; n <= 7; ++n) {
            CAPTURE(n);
            const auto d = delays(p, n, 400);
            const std::int64_t cap = caps[n - 1];
            CHECK(*std::min_element(d.begin(), d.end()) >= 0);
            CHECK(*std::max_element(d.begin(), d.end()) <= cap);
            // Spread over the whole range, not pinned to either end.
            CHECK(*std::max_element(d.begin(), d.end()) > cap * 3 / 4);
            CHECK(*std::min_element(d.begin(), d.end()) < cap / 4);
        }
    }

    TEST_CASE("huge retry numbers stay at the cap without overflow") {
        retry_policy p(seeded(7, 3600 * 1000, 3600 * 1000));
        for (std::uint32_t n : {40u, 63u, 64u, 1000u, 0xffffffffu}) {
            const std::int64_t d = p.delay_ms(n);
            CHECK(d >= 0);
            CHECK(d <= 3600 * 1000);
        }
    }

    TEST_CASE("the same seed gives the same waits, another seed others") {
        retry_policy a(seeded(1234));
        retry_policy b(seeded(1234));
        retry_policy c(seeded(1235));
        std::vector<std::int64_t> da, db, dc;
        for (std::uint32_t n = 1; n <= 20; ++n) {
            da.push_back(a.delay_ms(n));
            db.push_back(b.delay_ms(n));
            dc.push_back(c.delay_ms(n));
        }
        CHECK(da == db);
        CHECK(da != dc);
    }

    TEST_CASE("Retry-After is a floor, never a ceiling, and is cut at the HTTP layer's limit") {
        retry_policy p(seeded(9, 100, 1000));
        for (int i = 0; i < 50; ++i) {
            CHECK(p.delay_ms(1, 5000) == 5000);  // above the jitter's cap: exactly the floor
            CHECK(p.delay_ms(5, 0) >= 0);
            const std::int64_t d = p.delay_ms(4, 300);
            CHECK(d >= 300);
            CHECK(d <= 800);
        }
        CHECK(p.delay_ms(1, p2pcdn::http::max_retry_after_ms * 2) ==
              p2pcdn::http::max_retry_after_ms);
        CHECK(p.delay_ms(1, -1) <= 100);  // -1: no Retry-After
    }

    TEST_CASE("budget: the configured one, else 4 retries per piece, saturating") {
        retry_config c;
        retry_policy by_pieces(c);
        CHECK(by_pieces.budget_for(1) == 4);
        CHECK(by_pieces.budget_for(250) == 1000);
        CHECK(by_pieces.budget_for(std::size_t{1} << 40) == 0xffffffffu);
        c.job_budget = 3;
        retry_policy fixed(c);
        CHECK(fixed.budget_for(1) == 3);
        CHECK(fixed.budget_for(1000) == 3);
        CHECK(fixed.max_attempts() == 5);
    }
}
