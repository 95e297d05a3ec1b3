#include "policy/live_holdings.hpp"

namespace p2pcdn::policy {

live_holdings live_holdings_of(const input& in) {
    live_holdings live{bitmap(in.layout.piece_count()), 0};
    for (const holding& h : in.holdings) {
        if (!expired(h, in.now_ms)) {
            live.pieces.set(h.piece);
            live.bytes += h.bytes;
        }
    }
    return live;
}

bool resident_for(const holding& h, std::int64_t now_ms, std::int64_t min_ms) noexcept {
    if (h.ingested_at_ms > now_ms) {
        return min_ms <= 0;
    }
    // The difference in unsigned arithmetic: exact for any two int64 with since <= now.
    const std::uint64_t held =
        static_cast<std::uint64_t>(now_ms) - static_cast<std::uint64_t>(h.ingested_at_ms);
    return min_ms <= 0 || held >= static_cast<std::uint64_t>(min_ms);
}

}  // namespace p2pcdn::policy
