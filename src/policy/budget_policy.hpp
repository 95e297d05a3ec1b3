// The budget policy: the most benefit from CDN storage under a byte budget and a churn limit.
//
// A CDN copy of piece i is worth, per byte,
//     worth(i) = (user_peers - copies[i]) / ((copies[i] + 1) * bytes(i))
// that is demand (the leechers that lack it) times scarcity (the share of the serving the
// CDN copy carries next to the copies[i] peers that hold it), over its size: the layout's
// piece size, or the holding's stored size for a held piece. Pieces nobody lacks are worth 0.
//
// Each decision moves the CDN toward the pieces of highest worth that fit in budget_bytes,
// with at most max_changes ingests and purges:
//   1. Over budget (it was lowered): purge the least worth first until the holdings fit.
//   2. Ingest pieces worth more than 0, best first. One that does not fit evicts held pieces of
//      strictly lower worth, least first (a swap costs two changes); if it still does not fit,
//      the round's ingests stop there.
//   3. Purge the held pieces worth 0 (no leecher lacks them; in an empty swarm, every piece),
//      within the cap.
// A held piece is never purged before it has been held min_residency_ms. Ties go to the lower
// piece index. Ingested pieces get ttl_s (0: none). An expired holding is not held.
#pragma once

#include "policy/policy.hpp"

#include <cstddef>
#include <cstdint>

namespace p2pcdn::policy {

struct budget_config {
    std::uint64_t budget_bytes = std::uint64_t{1} << 30;  // at least 1
    std::size_t max_changes = 1000;                       // at least 1
    std::int64_t min_residency_ms = 60'000;               // not negative
    std::uint32_t ttl_s = 0;                              // 0: none
};

class budget_policy final : public policy {
public:
    // errc::invalid for a config outside the bounds above.
    explicit budget_policy(const budget_config& config);
    const budget_config& config() const noexcept { return config_; }

private:
    decision make_decision(const input& in) const override;

    budget_config config_;
};

}  // namespace p2pcdn::policy
