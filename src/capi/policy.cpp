// p2pcdn_policy: the C face of the storage-control policies.
#include "capi/callback_policy.hpp"
#include "capi/content_handle.hpp"
#include "capi/guard.hpp"
#include "capi/options.hpp"
#include "capi/output.hpp"
#include "capi/policy_handle.hpp"
#include "capi/stats_handle.hpp"
#include "policy/baseline_policies.hpp"
#include "policy/budget_policy.hpp"
#include "policy/threshold_policy.hpp"
#include "policy/ttl_policy.hpp"

#include <memory>
#include <vector>

using p2pcdn::errc;
using p2pcdn::fail;
using p2pcdn::capi::checked;
using p2pcdn::capi::guard;
using p2pcdn::capi::out_param;
namespace pol = p2pcdn::policy;

namespace {

constexpr std::size_t threshold_sizes[] = {sizeof(p2pcdn_policy_threshold_options)};
constexpr std::size_t budget_sizes[] = {sizeof(p2pcdn_policy_budget_options)};
constexpr std::size_t ttl_sizes[] = {sizeof(p2pcdn_policy_ttl_options)};
constexpr p2pcdn_policy_threshold_options threshold_defaults = P2PCDN_POLICY_THRESHOLD_OPTIONS_INIT;
constexpr p2pcdn_policy_budget_options budget_defaults = P2PCDN_POLICY_BUDGET_OPTIONS_INIT;
constexpr p2pcdn_policy_ttl_options ttl_defaults = P2PCDN_POLICY_TTL_OPTIONS_INIT;

// Zero keeps the C++ default.
template <typename T, typename U>
void set_unless_zero(T& field, U value) {
    if (value != 0) {
        field = static_cast<T>(value);
    }
}

pol::threshold_config threshold_from(const p2pcdn_policy_threshold_options* given) {
    const auto opts = p2pcdn::capi::read_options(given, threshold_defaults, threshold_sizes,
                                                 "p2pcdn_policy_threshold_options");
    pol::threshold_config c;
    set_unless_zero(c.low_copies, opts.low_copies);
    set_unless_zero(c.high_copies, opts.high_copies);
    set_unless_zero(c.min_residency_ms, opts.min_residency_ms);
    set_unless_zero(c.max_changes, opts.max_changes);
    c.capacity_bytes = opts.capacity_bytes;
    c.ttl_s = opts.ttl_s;
    return c;
}

pol::budget_config budget_from(const p2pcdn_policy_budget_options* given) {
    const auto opts = p2pcdn::capi::read_options(given, budget_defaults, budget_sizes,
                                                 "p2pcdn_policy_budget_options");
    pol::budget_config c;
    set_unless_zero(c.budget_bytes, opts.budget_bytes);
    set_unless_zero(c.max_changes, opts.max_changes);
    set_unless_zero(c.min_residency_ms, opts.min_residency_ms);
    c.ttl_s = opts.ttl_s;
    return c;
}

pol::ttl_config ttl_from(const p2pcdn_policy_ttl_options* given) {
    const auto opts =
        p2pcdn::capi::read_options(given, ttl_defaults, ttl_sizes, "p2pcdn_policy_ttl_options");
    pol::ttl_config c;
    set_unless_zero(c.low_copies, opts.low_copies);
    set_unless_zero(c.ttl_s, opts.ttl_s);
    c.renew_before_s = opts.renew_before_s;  // 0 is resolved by the policy: ttl_s / 5
    set_unless_zero(c.max_changes, opts.max_changes);
    return c;
}

int new_policy(p2pcdn_policy** out, std::unique_ptr<const pol::policy> impl) {
    *out = p2pcdn::capi::make_handle<p2pcdn_policy>(std::move(impl));
    return P2PCDN_OK;
}

}  // namespace

extern "C" {

P2PCDN_API int p2pcdn_policy_threshold_options_init(p2pcdn_policy_threshold_options* opts,
                                                    unsigned int version) {
    return guard([&] {
        p2pcdn::capi::init_options(opts, version, threshold_sizes,
                                   "p2pcdn_policy_threshold_options");
        return P2PCDN_OK;
    });
}

P2PCDN_API int p2pcdn_policy_budget_options_init(p2pcdn_policy_budget_options* opts,
                                                 unsigned int version) {
    return guard([&] {
        p2pcdn::capi::init_options(opts, version, budget_sizes, "p2pcdn_policy_budget_options");
        return P2PCDN_OK;
    });
}

P2PCDN_API int p2pcdn_policy_ttl_options_init(p2pcdn_policy_ttl_options* opts,
                                              unsigned int version) {
    return guard([&] {
        p2pcdn::capi::init_options(opts, version, ttl_sizes, "p2pcdn_policy_ttl_options");
        return P2PCDN_OK;
    });
}

P2PCDN_API int p2pcdn_policy_new_threshold(p2pcdn_policy** out,
                                           const p2pcdn_policy_threshold_options* opts) {
    return guard([&] {
        out_param(out, "out");
        return new_policy(out, std::make_unique<pol::threshold_policy>(threshold_from(opts)));
    });
}

P2PCDN_API int p2pcdn_policy_new_budget(p2pcdn_policy** out,
                                        const p2pcdn_policy_budget_options* opts) {
    return guard([&] {
        out_param(out, "out");
        return new_policy(out, std::make_unique<pol::budget_policy>(budget_from(opts)));
    });
}

P2PCDN_API int p2pcdn_policy_new_ttl(p2pcdn_policy** out, const p2pcdn_policy_ttl_options* opts) {
    return guard([&] {
        out_param(out, "out");
        return new_policy(out, std::make_unique<pol::ttl_policy>(ttl_from(opts)));
    });
}

P2PCDN_API int p2pcdn_policy_new_all(p2pcdn_policy** out) {
    return guard([&] {
        out_param(out, "out");
        return new_policy(out, std::make_unique<pol::all_policy>());
    });
}

P2PCDN_API int p2pcdn_policy_new_none(p2pcdn_policy** out) {
    return guard([&] {
        out_param(out, "out");
        return new_policy(out, std::make_unique<pol::none_policy>());
    });
}

P2PCDN_API int p2pcdn_policy_new_callback(p2pcdn_policy** out, p2pcdn_policy_cb callback,
                                          void* payload) {
    return guard([&] {
        out_param(out, "out");
        return new_policy(out, std::make_unique<p2pcdn::capi::callback_policy>(callback, payload));
    });
}

P2PCDN_API void p2pcdn_policy_free(p2pcdn_policy* policy) {
    p2pcdn::capi::release_handle(policy);
}

P2PCDN_API int p2pcdn_policy_decide(const p2pcdn_policy* policy, const p2pcdn_stats* stats,
                                    const p2pcdn_holding* holdings, size_t holding_count,
                                    const p2pcdn_content* content, int64_t now_ms,
                                    p2pcdn_decision** out) {
    return guard([&] {
        const pol::policy& impl = *checked(policy).impl;
        auto& result = out_param(out, "out");
        const p2pcdn::stats_report& report = checked(stats).report;
        const p2pcdn::content_layout& layout = checked(content).layout;
        p2pcdn::capi::check_input(holdings, holding_count, "holdings");
        // Distinct pieces in range: never more holdings than pieces. Bounded before copying.
        if (holding_count > layout.piece_count()) {
            fail(errc::invalid, "{} holdings for a content of {} pieces", holding_count,
                 layout.piece_count());
        }
        std::vector<pol::holding> held;
        held.reserve(holding_count);
        for (std::size_t k = 0; k < holding_count; ++k) {
            const p2pcdn_holding& h = holdings[k];
            held.push_back({h.piece, h.bytes, h.ingested_at_ms, h.expires_at_ms});
        }
        pol::decision d = impl.decide({report, held, layout, now_ms});
        result = p2pcdn::capi::make_handle<p2pcdn_decision>(std::move(d), nullptr, std::string());
        return P2PCDN_OK;
    });
}

}  // extern "C"
