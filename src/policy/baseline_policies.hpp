// The two baselines an evaluation compares the NSCF policies against:
// - all_policy: the classic CDN. Every piece the CDN does not hold (or whose holding expired)
//   is ingested, without a TTL, in index order; nothing is purged. No cap on changes.
// - none_policy: pure P2P. Every live holding is purged, in index order; nothing is ingested.
#pragma once

#include "policy/policy.hpp"

namespace p2pcdn::policy {

class all_policy final : public policy {
private:
    decision make_decision(const input& in) const override;
};

class none_policy final : public policy {
private:
    decision make_decision(const input& in) const override;
};

}  // namespace p2pcdn::policy
