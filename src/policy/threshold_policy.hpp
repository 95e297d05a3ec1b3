// The threshold policy: the NSCF rule of TR 23.844 with hysteresis.
//
// - Ingest a piece the CDN does not hold when fewer than low_copies user peers hold it and some
//   leecher lacks it (copies < user_peers: seeds hold every piece, so a piece held by fewer
//   peers than there are is missing somewhere).
// - Purge a held piece once at least high_copies user peers hold it (high_copies > low_copies:
//   between the two marks nothing changes, so a piece does not flap in and out), and only after
//   it has been held for min_residency_ms.
// - At most max_changes ingests and purges per decision; the CDN holds at most capacity_bytes
//   (0: no limit). Ingests go scarcest first (fewest copies, then the lower index) and come
//   before purges: availability first. One that does not fit takes room from the purges due
//   anyway, most copies first; if it still does not fit, the round's ingests stop there. Then
//   the purges left, most copies first.
// - Ingested pieces get ttl_s (0: no TTL, held until purged). An expired holding is not held:
//   a piece still scarce is ingested again.
// A piece nobody lacks is never ingested, and never purged below the high mark: an empty swarm
// keeps what the CDN holds for the peers to come.
#pragma once

#include "policy/policy.hpp"

#include <cstddef>
#include <cstdint>

namespace p2pcdn::policy {

struct threshold_config {
    std::uint32_t low_copies = 2;            // ingest below; at least 1
    std::uint32_t high_copies = 4;           // purge at or above; above low_copies
    std::int64_t min_residency_ms = 60'000;  // not negative
    std::size_t max_changes = 1000;          // at least 1
    std::uint64_t capacity_bytes = 0;        // 0: no limit
    std::uint32_t ttl_s = 0;                 // 0: none
};

class threshold_policy final : public policy {
public:
    // errc::invalid for a config outside the bounds above.
    explicit threshold_policy(const threshold_config& config);
    const threshold_config& config() const noexcept { return config_; }

private:
    decision make_decision(const input& in) const override;

    threshold_config config_;
};

}  // namespace p2pcdn::policy
