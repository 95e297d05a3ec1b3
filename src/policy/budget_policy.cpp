#include "policy/budget_policy.hpp"

#include "core/error.hpp"
#include "policy/change_round.hpp"
#include "policy/live_holdings.hpp"
#include "policy/selection.hpp"

#include <vector>

namespace p2pcdn::policy {

namespace {

double worth(std::uint32_t peers, std::uint32_t copies, std::uint64_t bytes) noexcept {
    return static_cast<double>(peers - copies) /
           ((static_cast<double>(copies) + 1.0) * static_cast<double>(bytes));
}

// Ascending rank, then the lower index: ingests rank by -worth, purges by worth.
struct ranked {
    double rank;
    std::uint32_t index;  // a piece's, or a holding's (holdings ascend by piece)

    friend bool operator<(const ranked& a, const ranked& b) noexcept {
        return a.rank < b.rank || (a.rank == b.rank && a.index < b.index);
    }
};

}  // namespace

budget_policy::budget_policy(const budget_config& config) : config_(config) {
    if (config.budget_bytes == 0) {
        fail(errc::invalid, "budget_bytes 0: nothing could ever be ingested");
    }
    if (config.min_residency_ms < 0) {
        fail(errc::invalid, "min_residency_ms {} is negative", config.min_residency_ms);
    }
    if (config.max_changes == 0) {
        fail(errc::invalid, "max_changes 0: nothing could ever change");
    }
}

decision budget_policy::make_decision(const input& in) const {
    const std::vector<std::uint32_t>& copies = in.stats.copies;
    const std::uint32_t peers = in.stats.user_peers;
    const std::uint32_t piece_length = in.layout.piece_length();
    const std::size_t last = in.layout.piece_count() - 1;
    const std::uint32_t last_length = in.layout.piece_range(last).length;
    const live_holdings live = live_holdings_of(in);

    // For pieces of one size, worth falls as copies rise: the best full-size pieces are the
    // scarcest ones. The last piece may be smaller, so worth more at the same copies: it joins
    // them, and the exact ranking runs on those few.
    const auto wanted = [&](std::size_t i) { return copies[i] < peers && !live.pieces.test(i); };
    std::vector<ranked> ingest_ranks;
    bool last_ranked = false;
    for (const std::uint64_t key : scarcest(copies, config_.max_changes, wanted)) {
        const std::size_t i = index_of_key(key);
        last_ranked = last_ranked || i == last;
        ingest_ranks.push_back({-worth(peers, copies[i], i == last ? last_length : piece_length),
                                static_cast<std::uint32_t>(i)});
    }
    if (!last_ranked && wanted(last)) {
        ingest_ranks.push_back(
            {-worth(peers, copies[last], last_length), static_cast<std::uint32_t>(last)});
    }
    keep_smallest(ingest_ranks, config_.max_changes);
    std::vector<round_candidate> ingests;
    ingests.reserve(ingest_ranks.size());
    for (const ranked& r : ingest_ranks) {
        ingests.push_back({r.index, r.index == last ? last_length : piece_length, -r.rank});
    }

    // Likewise the least worth among full-size holdings is the most copies; holdings of any
    // other size (the last piece, as a rule) join those few for the exact ranking.
    const auto purgeable = [&](std::size_t k) {
        const holding& h = in.holdings[k];
        return !expired(h, in.now_ms) && resident_for(h, in.now_ms, config_.min_residency_ms);
    };
    std::vector<ranked> purge_ranks;
    auto rank_holding = [&](std::size_t k) {
        const holding& h = in.holdings[k];
        purge_ranks.push_back(
            {worth(peers, copies[h.piece], h.bytes), static_cast<std::uint32_t>(k)});
    };
    for (const std::uint64_t key : lowest_ranked(
             in.holdings.size(), config_.max_changes,
             [&](std::size_t k) { return peers - copies[in.holdings[k].piece]; },
             [&](std::size_t k) { return in.holdings[k].bytes == piece_length && purgeable(k); })) {
        rank_holding(index_of_key(key));
    }
    for (std::size_t k = 0; k < in.holdings.size(); ++k) {
        if (in.holdings[k].bytes != piece_length && purgeable(k)) {
            rank_holding(k);
        }
    }
    keep_smallest(purge_ranks, config_.max_changes);
    std::vector<round_candidate> purges;
    purges.reserve(purge_ranks.size());
    for (const ranked& r : purge_ranks) {
        const holding& h = in.holdings[r.index];
        purges.push_back({h.piece, h.bytes, r.rank});
    }

    round_limits limits;
    limits.max_changes = config_.max_changes;
    limits.capacity = config_.budget_bytes;
    limits.used = live.bytes;
    limits.ttl_s = config_.ttl_s;
    return plan_round(
        ingests, purges, limits,
        [](const round_candidate& coming, const round_candidate& held) {
            return held.worth < coming.worth;
        },
        [](const round_candidate& held) { return held.worth <= 0; });
}

}  // namespace p2pcdn::policy
