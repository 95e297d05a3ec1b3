#include "capi/callback_policy.hpp"

#include "capi/policy_handle.hpp"
#include "core/error.hpp"
#include "policy/decision_builder.hpp"

#include <memory>
#include <vector>

namespace p2pcdn::capi {

namespace {

struct release_decision {
    void operator()(p2pcdn_decision* d) const noexcept {
        d->builder = nullptr;
        release_handle(d);
    }
};

}  // namespace

callback_policy::callback_policy(p2pcdn_policy_cb callback, void* payload)
    : callback_(callback), payload_(payload) {
    if (callback == nullptr) {
        fail(errc::invalid, "callback is NULL");
    }
}

p2pcdn::policy::decision callback_policy::make_decision(const p2pcdn::policy::input& in) const {
    std::vector<p2pcdn_holding> holdings;
    holdings.reserve(in.holdings.size());
    for (const auto& h : in.holdings) {
        holdings.push_back({h.piece, h.bytes, h.ingested_at_ms, h.expires_at_ms});
    }
    p2pcdn_policy_input view{};
    view.version = P2PCDN_POLICY_INPUT_VERSION;
    view.content_id = in.layout.id().c_str();
    view.piece_count = in.layout.piece_count();
    view.piece_length = in.layout.piece_length();
    view.total_length = in.layout.total_length();
    view.peers = in.stats.user_peers;
    view.seeds = in.stats.seeds;
    view.network_peers = in.stats.network_peers;
    view.copies = in.stats.copies.data();
    view.holdings = holdings.data();
    view.holding_count = holdings.size();
    view.now_ms = in.now_ms;

    p2pcdn::policy::decision_builder builder(in);
    const std::unique_ptr<p2pcdn_decision, release_decision> handle(
        make_handle<p2pcdn_decision>(p2pcdn::policy::decision{}, &builder, std::string()));
    const int rc = callback_(&view, handle.get(), payload_);
    if (rc != 0) {
        fail(errc::user, "the policy callback returned {}", rc);
    }
    if (!handle->refused.empty()) {
        fail(errc::invalid, "the policy callback had an item refused: {}", handle->refused);
    }
    return std::move(builder).take();
}

}  // namespace p2pcdn::capi
