// p2pcdn_decision: a policy's answer, read by the host, or filled by a host policy callback.
#include "capi/guard.hpp"
#include "capi/output.hpp"
#include "capi/policy_handle.hpp"

#include <algorithm>

using p2pcdn::errc;
using p2pcdn::fail;
using p2pcdn::capi::checked;
using p2pcdn::capi::guard;
using p2pcdn::capi::out_param;

namespace {

p2pcdn_ingest_item ingest_out(const p2pcdn::policy::ingest_item& item) {
    p2pcdn_ingest_item out{};
    out.piece = item.piece;
    out.ttl_s = item.ttl_s;
    return out;
}

p2pcdn::policy::decision_builder& builder_of(p2pcdn_decision* decision) {
    auto& d = checked(decision);
    if (d.builder == nullptr) {
        fail(errc::state,
             "this decision is finished; items are added only to the decision a policy "
             "callback is given, during the call");
    }
    return *d.builder;
}

// Runs one add; the first refusal is remembered, so the decision fails as a whole even if the
// callback goes on as if nothing happened.
template <typename Add>
int add_item(p2pcdn_decision* decision, Add&& add) {
    return guard([&] {
        auto& builder = builder_of(decision);
        try {
            add(builder);
        } catch (const p2pcdn::error& e) {
            if (decision->refused.empty()) {
                decision->refused = e.what();
            }
            throw;
        }
        return P2PCDN_OK;
    });
}

}  // namespace

extern "C" {

P2PCDN_API void p2pcdn_decision_free(p2pcdn_decision* decision) {
    if (p2pcdn::capi::is_live_handle(decision, p2pcdn_decision::type_tag) &&
        decision->builder != nullptr) {
        return;  // a callback's decision: the library releases it after the call
    }
    p2pcdn::capi::release_handle(decision);
}

P2PCDN_API int p2pcdn_decision_counts(const p2pcdn_decision* decision, size_t* ingests,
                                      size_t* purges) {
    return guard([&] {
        const auto& items = checked(decision).items();
        if (ingests != nullptr) {
            *ingests = items.ingest.size();
        }
        if (purges != nullptr) {
            *purges = items.purge.size();
        }
        return P2PCDN_OK;
    });
}

P2PCDN_API int p2pcdn_decision_ingest_at(const p2pcdn_decision* decision, size_t i,
                                         p2pcdn_ingest_item* out) {
    return guard([&] {
        const auto& ingest = checked(decision).items().ingest;
        auto& result = out_param(out, "out");
        if (i >= ingest.size()) {
            fail(errc::range, "ingest {} is out of range, the decision has {}", i, ingest.size());
        }
        result = ingest_out(ingest[i]);
        return P2PCDN_OK;
    });
}

P2PCDN_API int p2pcdn_decision_purge_at(const p2pcdn_decision* decision, size_t i, size_t* piece) {
    return guard([&] {
        const auto& purge = checked(decision).items().purge;
        auto& result = out_param(piece, "piece");
        if (i >= purge.size()) {
            fail(errc::range, "purge {} is out of range, the decision has {}", i, purge.size());
        }
        result = purge[i];
        return P2PCDN_OK;
    });
}

P2PCDN_API int p2pcdn_decision_ingests(const p2pcdn_decision* decision, p2pcdn_ingest_item* buf,
                                       size_t cap, size_t* count) {
    return guard([&] {
        const auto& ingest = checked(decision).items().ingest;
        if (p2pcdn::capi::output_fits(ingest.size(), buf, cap, count)) {
            std::transform(ingest.begin(), ingest.end(), buf, ingest_out);
        }
        return P2PCDN_OK;
    });
}

P2PCDN_API int p2pcdn_decision_purges(const p2pcdn_decision* decision, size_t* buf, size_t cap,
                                      size_t* count) {
    return guard([&] {
        const auto& purge = checked(decision).items().purge;
        if (p2pcdn::capi::output_fits(purge.size(), buf, cap, count)) {
            std::copy(purge.begin(), purge.end(), buf);
        }
        return P2PCDN_OK;
    });
}

P2PCDN_API int p2pcdn_decision_add_ingest(p2pcdn_decision* decision, size_t piece, uint32_t ttl_s) {
    return add_item(decision, [&](auto& builder) { builder.ingest(piece, ttl_s); });
}

P2PCDN_API int p2pcdn_decision_add_purge(p2pcdn_decision* decision, size_t piece) {
    return add_item(decision, [&](auto& builder) { builder.purge(piece); });
}

}  // extern "C"
