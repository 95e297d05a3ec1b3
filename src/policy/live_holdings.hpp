// What the built-in policies read from the holdings: which pieces the CDN serves now (its live
// holdings, those whose TTL has not passed) and how many bytes they take, and whether a
// holding has stayed long enough to be purged.
#pragma once

#include "core/bitmap.hpp"
#include "policy/policy.hpp"

#include <cstdint>

namespace p2pcdn::policy {

struct live_holdings {
    bitmap pieces;            // piece_count bits: held and not expired
    std::uint64_t bytes = 0;  // their stored size (at most 2^26 pieces of 2^30 bytes: no wrap)
};

// For a checked input.
live_holdings live_holdings_of(const input& in);

// Whether h was ingested at least min_ms before now_ms. An ingest time after now_ms (a clock
// step back) counts as just ingested.
bool resident_for(const holding& h, std::int64_t now_ms, std::int64_t min_ms) noexcept;

}  // namespace p2pcdn::policy
