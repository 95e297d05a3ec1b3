#include "policy/threshold_policy.hpp"

#include "core/error.hpp"
#include "policy/change_round.hpp"
#include "policy/live_holdings.hpp"
#include "policy/selection.hpp"

#include <vector>

namespace p2pcdn::policy {

threshold_policy::threshold_policy(const threshold_config& config) : config_(config) {
    if (config.low_copies == 0) {
        fail(errc::invalid, "low_copies 0: no piece could ever be ingested");
    }
    if (config.high_copies <= config.low_copies) {
        fail(errc::invalid, "high_copies {} must be above low_copies {}", config.high_copies,
             config.low_copies);
    }
    if (config.min_residency_ms < 0) {
        fail(errc::invalid, "min_residency_ms {} is negative", config.min_residency_ms);
    }
    if (config.max_changes == 0) {
        fail(errc::invalid, "max_changes 0: nothing could ever change");
    }
}

decision threshold_policy::make_decision(const input& in) const {
    const std::vector<std::uint32_t>& copies = in.stats.copies;
    const std::uint32_t peers = in.stats.user_peers;
    const live_holdings live = live_holdings_of(in);

    const std::vector<std::uint64_t> ingest_keys =
        scarcest(copies, config_.max_changes, [&](std::size_t i) {
            return copies[i] < config_.low_copies && copies[i] < peers && !live.pieces.test(i);
        });
    std::vector<round_candidate> ingests;
    ingests.reserve(ingest_keys.size());
    for (const std::uint64_t key : ingest_keys) {
        const std::size_t piece = index_of_key(key);
        ingests.push_back({piece, in.layout.piece_range(piece).length, 0});
    }

    // Most copies first: ranked by the peers lacking the piece, over the holdings' indices
    // (which ascend by piece, so ties still go by piece).
    const std::vector<std::uint64_t> purge_keys = lowest_ranked(
        in.holdings.size(), config_.max_changes,
        [&](std::size_t k) { return peers - copies[in.holdings[k].piece]; },
        [&](std::size_t k) {
            const holding& h = in.holdings[k];
            return !expired(h, in.now_ms) && copies[h.piece] >= config_.high_copies &&
                   resident_for(h, in.now_ms, config_.min_residency_ms);
        });
    std::vector<round_candidate> purges;
    purges.reserve(purge_keys.size());
    for (const std::uint64_t key : purge_keys) {
        const holding& h = in.holdings[index_of_key(key)];
        purges.push_back({h.piece, h.bytes, 0});
    }

    round_limits limits;
    limits.max_changes = config_.max_changes;
    if (config_.capacity_bytes != 0) {
        limits.capacity = config_.capacity_bytes;
    }
    limits.used = live.bytes;
    limits.ttl_s = config_.ttl_s;
    // Every purge candidate is due anyway, so each may make room and each goes.
    const auto always = [](const auto&...) { return true; };
    return plan_round(ingests, purges, limits, always, always);
}

}  // namespace p2pcdn::policy
