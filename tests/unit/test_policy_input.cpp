// The rules every policy call keeps, whatever the policy: a bad input decides nothing, a bad
// decision never reaches the caller, a host's C++ policy plugs in, and the built-ins are pure
// functions of their input.
#include "policy/policy.hpp"

#include "core/error.hpp"
#include "policy/baseline_policies.hpp"
#include "policy/budget_policy.hpp"
#include "policy/decision_builder.hpp"
#include "policy/threshold_policy.hpp"
#include "policy/ttl_policy.hpp"

#include <doctest/doctest.h>

#include "policy_fixture.hpp"
#include "test_support.hpp"

#include <functional>
#include <memory>
#include <random>
#include <string>
#include <vector>

using p2pcdn::errc;
using p2pcdn::policy::decision;
using p2pcdn::policy::decision_builder;
using p2pcdn::policy::holding;
using p2pcdn::policy::input;
using p2pcdn::test::code_of;
using p2pcdn::test::held;
using p2pcdn::test::make_case;
using p2pcdn::test::policy_case;
using p2pcdn::test::policy_t0;

namespace {

// A host policy: whatever the function returns, counting its calls.
class host_policy final : public p2pcdn::policy::policy {
public:
    explicit host_policy(std::function<decision(const input&)> f) : f_(std::move(f)) {}
    mutable int calls = 0;

private:
    decision make_decision(const input& in) const override {
        ++calls;
        return f_(in);
    }
    std::function<decision(const input&)> f_;
};

std::string message_of(const policy_case& c, const p2pcdn::policy::policy& p) {
    try {
        c.decide(p);
    } catch (const p2pcdn::error& e) {
        CHECK(e.code() == errc::invalid);
        return e.what();
    }
    return "";
}

}  // namespace

TEST_SUITE("policy") {
    TEST_CASE("a bad input is refused before the policy runs") {
        host_policy p([](const input&) { return decision{}; });
        auto expect = [&](const policy_case& c, const std::string& text) {
            CHECK(message_of(c, p) == text);
            CHECK(p.calls == 0);
        };
        policy_case ok = make_case({1, 2, 3}, 4);
        ok.holdings = {held(0), held(2)};
        CHECK(ok.decide(p).empty());
        CHECK(p.calls == 1);
        p.calls = 0;

        policy_case c = ok;
        c.stats.content_id = "other";
        expect(c, "the statistics are for content 'other', the layout for 'film'");
        c = ok;
        c.stats.piece_count = 4;
        expect(c, "the statistics have 4 pieces, the layout 3");
        c = ok;
        c.stats.copies.push_back(0);
        expect(c, "copies has 4 entries, expected 3");
        c = ok;
        c.stats.seeds = 5;
        expect(c, "seeds is 5, above the 4 user peers");
        c = ok;
        c.stats.copies[1] = 5;
        expect(c, "copies[1] is 5, above the 4 user peers");
        c = ok;
        c.holdings = {held(0), held(3)};
        expect(c, "holdings[1]: piece 3 is out of range for 3 pieces");
        c = ok;
        c.holdings = {held(2), held(0)};
        expect(c,
               "holdings[1]: piece 0 after piece 2; holdings must be ascending by piece, without "
               "repeats");
        c = ok;
        c.holdings = {held(1), held(1)};
        CHECK(code_of([&] { c.decide(p); }) == errc::invalid);
        c = ok;
        c.holdings[1].bytes = 0;
        expect(c, "holdings[1]: 0 bytes, expected 1 to the piece length 1000");
        c = ok;
        c.holdings[0].bytes = 1001;
        expect(c, "holdings[0]: 1001 bytes, expected 1 to the piece length 1000");
    }

    TEST_CASE("a bad decision never reaches the caller") {
        policy_case c = make_case({1, 2, 3, 4}, 5);
        c.holdings = {held(1), held(2, policy_t0 - 10, policy_t0 - 1)};  // 2 has expired
        auto refused = [&](decision d) {
            host_policy p([d](const input&) { return d; });
            return message_of(c, p);
        };
        CHECK(refused({{{4, 0}}, {}}) ==
              "the policy's decision is invalid: ingest of piece 4: out of range for 4 pieces");
        CHECK(refused({{}, {9}}) ==
              "the policy's decision is invalid: purge of piece 9: out of range for 4 pieces");
        CHECK(refused({{{0, 0}, {0, 60}}, {}}) ==
              "the policy's decision is invalid: ingest of piece 0: already ingested in this "
              "decision");
        CHECK(
            refused({{}, {1, 1}}) ==
            "the policy's decision is invalid: purge of piece 1: already purged in this decision");
        CHECK(refused({{}, {0}}) ==
              "the policy's decision is invalid: purge of piece 0: the CDN does not hold it");
        CHECK(refused({{{1, 60}}, {1}}) ==
              "the policy's decision is invalid: purge of piece 1: already ingested in this "
              "decision");

        // A renewal (an ingest of a held piece) and the purge of an expired holding are fine.
        const decision fine{{{1, 60}, {0, 0}}, {2}};
        host_policy p([fine](const input&) { return fine; });
        CHECK(c.decide(p) == fine);
    }

    TEST_CASE("the builder refuses each bad item as it comes and keeps the good ones") {
        policy_case c = make_case({1, 2, 3}, 5);
        c.holdings = {held(1)};
        const input in = c.input();
        decision_builder b(in);
        b.ingest(0, 30);
        CHECK(code_of([&] { b.ingest(0, 30); }) == errc::invalid);
        CHECK(code_of([&] { b.purge(0); }) == errc::invalid);
        CHECK(code_of([&] { b.purge(2); }) == errc::invalid);
        CHECK(code_of([&] { b.ingest(3, 0); }) == errc::invalid);
        b.purge(1);
        CHECK(code_of([&] { b.ingest(1, 0); }) == errc::invalid);
        CHECK(b.current() == decision{{{0, 30}}, {1}});
        CHECK(std::move(b).take() == decision{{{0, 30}}, {1}});
    }

    TEST_CASE("the built-ins give the same decision for the same input") {
        std::mt19937 rng(11);
        std::vector<std::uint32_t> copies(5000);
        for (auto& x : copies) {
            x = static_cast<std::uint32_t>(rng() % 12);
        }
        policy_case c = make_case(copies, 12, 300);
        for (std::size_t i = 0; i < copies.size(); i += 3) {
            c.holdings.push_back(held(i, policy_t0 - static_cast<std::int64_t>(rng() % 200'000),
                                      rng() % 4 == 0 ? policy_t0 + 30'000 : 0));
        }
        c.holdings.back().bytes = 300;
        p2pcdn::policy::threshold_config tc;
        tc.max_changes = 300;
        tc.capacity_bytes = 1'800'000;
        p2pcdn::policy::budget_config bc;
        bc.budget_bytes = 1'500'000;
        bc.max_changes = 200;
        std::vector<std::unique_ptr<p2pcdn::policy::policy>> all;
        all.push_back(std::make_unique<p2pcdn::policy::threshold_policy>(tc));
        all.push_back(std::make_unique<p2pcdn::policy::budget_policy>(bc));
        all.push_back(std::make_unique<p2pcdn::policy::ttl_policy>(p2pcdn::policy::ttl_config{}));
        all.push_back(std::make_unique<p2pcdn::policy::all_policy>());
        all.push_back(std::make_unique<p2pcdn::policy::none_policy>());
        for (const auto& p : all) {
            const decision first = c.decide(*p);
            CHECK_FALSE(first.empty());
            // A copy of the input, not the same objects.
            const policy_case again = c;
            CHECK(again.decide(*p) == first);
        }
    }

}  // TEST_SUITE
