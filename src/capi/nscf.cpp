// p2pcdn_nscf: the C face of the NSCF controller (src/nscf/controller.hpp).
#include "capi/global_state.hpp"
#include "capi/guard.hpp"
#include "capi/nscf_handle.hpp"
#include "capi/nscf_options.hpp"
#include "capi/options.hpp"
#include "capi/output.hpp"
#include "capi/stats_handle.hpp"
#include "capi/versioned_output.hpp"

#include <p2pcdn/p2pcdn.h>

#include <memory>
#include <utility>

using p2pcdn::errc;
using p2pcdn::fail;
using p2pcdn::capi::checked;
using p2pcdn::capi::guard;
using p2pcdn::capi::out_param;
namespace nscf = p2pcdn::nscf;

namespace {

constexpr std::size_t holding_sizes[] = {sizeof(p2pcdn_nscf_holding)};
constexpr std::size_t metrics_sizes[] = {sizeof(p2pcdn_nscf_metrics)};

static_assert(P2PCDN_HOLDING_INGESTING == static_cast<int>(p2pcdn::holding_state::ingesting));
static_assert(P2PCDN_HOLDING_STORED == static_cast<int>(p2pcdn::holding_state::stored));
static_assert(P2PCDN_HOLDING_PUBLISHED == static_cast<int>(p2pcdn::holding_state::published));
static_assert(P2PCDN_HOLDING_WITHDRAWN == static_cast<int>(p2pcdn::holding_state::withdrawn));
static_assert(P2PCDN_HOLDING_PURGING == static_cast<int>(p2pcdn::holding_state::purging));
static_assert(P2PCDN_HOLDING_PURGING + 1 == p2pcdn::holding_state_count);

constexpr int default_interval_ms = 100;
constexpr int max_interval_ms = 60'000;

nscf::controller& controller_of(p2pcdn_nscf* n) {
    return *checked(n).impl;
}

const nscf::controller& controller_of(const p2pcdn_nscf* n) {
    return *checked(n).impl;
}

// The calls the controller thread excludes (nscf.h): the controller checks step and start
// itself; these would race with the thread's step.
nscf::controller& idle_controller(p2pcdn_nscf* n, const char* what) {
    nscf::controller& c = controller_of(n);
    if (c.running()) {
        fail(errc::state, "{} while the controller thread runs", what);
    }
    return c;
}

void check_timeout(int timeout_ms) {
    if (timeout_ms < 0) {
        fail(errc::invalid, "timeout {} ms is negative", timeout_ms);
    }
}

p2pcdn_nscf_metrics metrics_from(const nscf::controller_metrics& m) {
    p2pcdn_nscf_metrics out{};
    out.version = P2PCDN_NSCF_METRICS_VERSION;
    out.rounds = m.rounds;
    out.pieces_ingested = m.pieces_ingested;
    out.bytes_ingested = m.bytes_ingested;
    out.pieces_purged = m.pieces_purged;
    out.bytes_purged = m.bytes_purged;
    out.pieces_expired = m.pieces_expired;
    out.bytes_expired = m.bytes_expired;
    out.publishes = m.publishes;
    out.withdrawals = m.withdrawals;
    out.renewals = m.renewals;
    out.deferred = m.deferred;
    out.ingest_failures = m.ingest_failures;
    out.purge_failures = m.purge_failures;
    out.link_failures = m.link_failures;
    out.policy_failures = m.policy_failures;
    out.uncertain_settled = m.uncertain_settled;
    out.storage_byte_seconds = m.storage_byte_seconds;
    out.reuploads = m.reuploads;
    return out;
}

p2pcdn_nscf_holding holding_from(const p2pcdn::holding& h) {
    p2pcdn_nscf_holding out{};
    out.version = P2PCDN_NSCF_HOLDING_VERSION;
    out.piece = h.piece;
    out.state = static_cast<int>(h.state);
    out.uri = h.uri.c_str();
    out.bytes = h.bytes;
    out.ingested_at_ms = h.ingested_at_ms;
    out.object_expires_at_ms = h.object_expires_at_ms;
    out.advertised_expires_at_ms = h.advertised_expires_at_ms;
    out.purge_attempts = h.purge_attempts;
    return out;
}

}  // namespace

extern "C" {

P2PCDN_API int p2pcdn_nscf_options_init(p2pcdn_nscf_options* opts, unsigned int version) {
    return guard([&] {
        p2pcdn::capi::init_options(opts, version, p2pcdn::capi::nscf_options_sizes,
                                   "p2pcdn_nscf_options");
        return P2PCDN_OK;
    });
}

P2PCDN_API int p2pcdn_nscf_holding_init(p2pcdn_nscf_holding* holding, unsigned int version) {
    return guard([&] {
        p2pcdn::capi::init_options(holding, version, holding_sizes, "p2pcdn_nscf_holding");
        return P2PCDN_OK;
    });
}

P2PCDN_API int p2pcdn_nscf_metrics_init(p2pcdn_nscf_metrics* metrics, unsigned int version) {
    return guard([&] {
        p2pcdn::capi::init_options(metrics, version, metrics_sizes, "p2pcdn_nscf_metrics");
        return P2PCDN_OK;
    });
}

P2PCDN_API int p2pcdn_nscf_new(p2pcdn_nscf** out, const p2pcdn_nscf_options* opts) {
    return guard([&] {
        auto& result = out_param(out, "out");
        p2pcdn::capi::require_global_init("p2pcdn_nscf_new");
        // The handle first: once the controller is made (and has delivered the events of its
        // recovery) nothing may fail any more.
        std::unique_ptr<p2pcdn_nscf, void (*)(p2pcdn_nscf*)> handle(
            p2pcdn::capi::make_handle<p2pcdn_nscf>(nullptr), p2pcdn_nscf_free);
        handle->impl = std::make_unique<nscf::controller>(p2pcdn::capi::nscf_config_from(opts));
        result = handle.release();
        return P2PCDN_OK;
    });
}

P2PCDN_API void p2pcdn_nscf_free(p2pcdn_nscf* nscf) {
    p2pcdn::capi::release_handle(nscf);
}

P2PCDN_API int p2pcdn_nscf_join(p2pcdn_nscf* nscf) {
    return guard([&] {
        idle_controller(nscf, "p2pcdn_nscf_join").join();
        return P2PCDN_OK;
    });
}

P2PCDN_API int p2pcdn_nscf_on_stats(p2pcdn_nscf* nscf, const p2pcdn_stats* stats) {
    return guard([&] {
        auto& c = controller_of(nscf);
        c.on_stats(checked(stats).report);
        return P2PCDN_OK;
    });
}

P2PCDN_API int p2pcdn_nscf_request_stats(p2pcdn_nscf* nscf) {
    return guard([&] {
        idle_controller(nscf, "p2pcdn_nscf_request_stats").request_stats();
        return P2PCDN_OK;
    });
}

P2PCDN_API int p2pcdn_nscf_step(p2pcdn_nscf* nscf, int timeout_ms, size_t* running) {
    return guard([&] {
        auto& c = controller_of(nscf);
        check_timeout(timeout_ms);
        const std::size_t left = c.step(timeout_ms);
        if (running != nullptr) {
            *running = left;
        }
        return P2PCDN_OK;
    });
}

P2PCDN_API int p2pcdn_nscf_recover(p2pcdn_nscf* nscf) {
    return guard([&] {
        idle_controller(nscf, "p2pcdn_nscf_recover").recover();
        return P2PCDN_OK;
    });
}

P2PCDN_API int p2pcdn_nscf_start(p2pcdn_nscf* nscf, int interval_ms) {
    return guard([&] {
        auto& c = controller_of(nscf);
        if (interval_ms < 0 || interval_ms > max_interval_ms) {
            fail(errc::invalid, "interval {} ms: expected 0 to {}", interval_ms, max_interval_ms);
        }
        c.start(interval_ms != 0 ? interval_ms : default_interval_ms);
        return P2PCDN_OK;
    });
}

P2PCDN_API int p2pcdn_nscf_stop(p2pcdn_nscf* nscf) {
    return guard([&] {
        controller_of(nscf).stop();
        return P2PCDN_OK;
    });
}

P2PCDN_API int p2pcdn_nscf_running(const p2pcdn_nscf* nscf) {
    return guard([&] { return controller_of(nscf).running() ? 1 : 0; });
}

P2PCDN_API int p2pcdn_nscf_shutdown(p2pcdn_nscf* nscf, int purge_all, int timeout_ms, int* clean) {
    return guard([&] {
        auto& c = controller_of(nscf);
        check_timeout(timeout_ms);
        const bool all_gone = c.shutdown(purge_all != 0, timeout_ms);
        if (clean != nullptr) {
            *clean = all_gone ? 1 : 0;
        }
        return P2PCDN_OK;
    });
}

P2PCDN_API const char* p2pcdn_nscf_content_id(const p2pcdn_nscf* nscf) {
    return p2pcdn::capi::guard_pointer(
        [&]() -> const char* { return controller_of(nscf).content_id().c_str(); });
}

P2PCDN_API int p2pcdn_nscf_metrics_get(const p2pcdn_nscf* nscf, p2pcdn_nscf_metrics* metrics) {
    return guard([&] {
        const auto& c = controller_of(nscf);
        auto& out = p2pcdn::capi::versioned_output(metrics, metrics_sizes, "metrics",
                                                   "p2pcdn_nscf_metrics");
        p2pcdn::capi::fill_versioned(out, metrics_from(c.metrics()), metrics_sizes);
        return P2PCDN_OK;
    });
}

P2PCDN_API int p2pcdn_nscf_snapshot(const p2pcdn_nscf* nscf, p2pcdn_nscf_holdings** out) {
    return guard([&] {
        auto& result = out_param(out, "out");
        const nscf::holdings now = controller_of(nscf).holdings();
        std::vector<p2pcdn::holding> items;
        items.reserve(now.size());
        for (const auto& item : now.all()) {
            items.push_back(item.second);
        }
        result = p2pcdn::capi::make_handle<p2pcdn_nscf_holdings>(std::move(items));
        return P2PCDN_OK;
    });
}

P2PCDN_API void p2pcdn_nscf_holdings_free(p2pcdn_nscf_holdings* holdings) {
    p2pcdn::capi::release_handle(holdings);
}

P2PCDN_API int p2pcdn_nscf_holdings_count(const p2pcdn_nscf_holdings* holdings, size_t* count) {
    return guard([&] {
        const auto& h = checked(holdings);
        out_param(count, "count") = h.items.size();
        return P2PCDN_OK;
    });
}

P2PCDN_API int p2pcdn_nscf_holdings_at(const p2pcdn_nscf_holdings* holdings, size_t i,
                                       p2pcdn_nscf_holding* out) {
    return guard([&] {
        const auto& h = checked(holdings);
        auto& result =
            p2pcdn::capi::versioned_output(out, holding_sizes, "out", "p2pcdn_nscf_holding");
        if (i >= h.items.size()) {
            fail(errc::range, "holding {} of {}", i, h.items.size());
        }
        p2pcdn::capi::fill_versioned(result, holding_from(h.items[i]), holding_sizes);
        return P2PCDN_OK;
    });
}

P2PCDN_API int p2pcdn_nscf_holdings_count_in(const p2pcdn_nscf_holdings* holdings, int state,
                                             size_t* count) {
    return guard([&] {
        const auto& h = checked(holdings);
        auto& result = out_param(count, "count");
        if (state < 0 || state >= static_cast<int>(p2pcdn::holding_state_count)) {
            fail(errc::invalid, "holding state {} is not a p2pcdn_holding_state", state);
        }
        std::size_t n = 0;
        for (const auto& item : h.items) {
            n += static_cast<int>(item.state) == state ? 1 : 0;
        }
        result = n;
        return P2PCDN_OK;
    });
}

}  // extern "C"
