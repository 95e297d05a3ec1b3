#include "policy/ttl_policy.hpp"

#include "core/bitmap.hpp"
#include "core/error.hpp"
#include "policy/live_holdings.hpp"
#include "policy/selection.hpp"

#include <vector>

namespace p2pcdn::policy {

namespace {

// Whether a live holding with a TTL ends within window_ms of now (it ends after now).
bool ends_within(const holding& h, std::int64_t now_ms, std::uint64_t window_ms) noexcept {
    const std::uint64_t left =
        static_cast<std::uint64_t>(h.expires_at_ms) - static_cast<std::uint64_t>(now_ms);
    return left <= window_ms;
}

}  // namespace

ttl_policy::ttl_policy(const ttl_config& config) : config_(config) {
    if (config.low_copies == 0) {
        fail(errc::invalid, "low_copies 0: no piece could ever be ingested");
    }
    if (config.ttl_s == 0) {
        fail(errc::invalid, "ttl_s 0: the ttl policy needs a TTL");
    }
    if (config.max_changes == 0) {
        fail(errc::invalid, "max_changes 0: nothing could ever change");
    }
    if (config_.renew_before_s == 0) {
        config_.renew_before_s = config.ttl_s / 5;
    }
    if (config_.renew_before_s >= config.ttl_s) {
        fail(errc::invalid, "renew_before_s {} must be below ttl_s {}", config_.renew_before_s,
             config.ttl_s);
    }
}

decision ttl_policy::make_decision(const input& in) const {
    const std::vector<std::uint32_t>& copies = in.stats.copies;
    const std::uint32_t peers = in.stats.user_peers;
    const std::uint64_t window_ms = std::uint64_t{config_.renew_before_s} * 1000;
    const live_holdings live = live_holdings_of(in);
    bitmap lapsing(in.layout.piece_count());
    for (const holding& h : in.holdings) {
        if (h.expires_at_ms != 0 && !expired(h, in.now_ms) &&
            ends_within(h, in.now_ms, window_ms)) {
            lapsing.set(h.piece);
        }
    }

    const std::vector<std::uint64_t> keys =
        scarcest(copies, config_.max_changes, [&](std::size_t i) {
            return copies[i] < config_.low_copies && copies[i] < peers &&
                   (!live.pieces.test(i) || lapsing.test(i));
        });
    decision d;
    d.ingest.reserve(keys.size());
    for (const std::uint64_t key : keys) {
        d.ingest.push_back({index_of_key(key), config_.ttl_s});
    }
    return d;
}

}  // namespace p2pcdn::policy
