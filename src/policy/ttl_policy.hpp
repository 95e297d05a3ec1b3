// The TTL policy: the CDN forgets by itself. Scarce pieces are ingested with a TTL and renewed
// while they stay scarce; nothing is ever purged explicitly (TR 23.844 step 11's "or lets
// their TTL expire").
//
// - A piece is scarce when fewer than low_copies user peers hold it and some leecher lacks it
//   (copies < user_peers).
// - A scarce piece the CDN does not hold (or whose holding expired) is ingested with ttl_s.
// - A scarce held piece whose TTL ends within renew_before_s is renewed: ingested again with
//   ttl_s (an ingest of a held piece; policy.hpp). Renew well within one decision interval of
//   the end, or the piece lapses between two decisions. Holdings without a TTL are left alone.
// - At most max_changes ingests and renewals per decision, scarcest first (fewest copies, then
//   the lower index), both kinds together.
#pragma once

#include "policy/policy.hpp"

#include <cstddef>
#include <cstdint>

namespace p2pcdn::policy {

struct ttl_config {
    std::uint32_t low_copies = 2;      // scarce below; at least 1
    std::uint32_t ttl_s = 600;         // at least 1
    std::uint32_t renew_before_s = 0;  // 0: ttl_s / 5; below ttl_s
    std::size_t max_changes = 1000;    // at least 1
};

class ttl_policy final : public policy {
public:
    // errc::invalid for a config outside the bounds above.
    explicit ttl_policy(const ttl_config& config);
    // With renew_before_s resolved.
    const ttl_config& config() const noexcept { return config_; }

private:
    decision make_decision(const input& in) const override;

    ttl_config config_;
};

}  // namespace p2pcdn::policy
