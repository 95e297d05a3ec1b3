#include "policy/baseline_policies.hpp"

#include "policy/live_holdings.hpp"

namespace p2pcdn::policy {

decision all_policy::make_decision(const input& in) const {
    const live_holdings live = live_holdings_of(in);
    decision d;
    d.ingest.reserve(in.layout.piece_count() - live.pieces.count());
    for (std::size_t i = live.pieces.find_first_clear(); i != bitmap::npos;
         i = live.pieces.find_next_clear(i + 1)) {
        d.ingest.push_back({i, 0});
    }
    return d;
}

decision none_policy::make_decision(const input& in) const {
    decision d;
    for (const holding& h : in.holdings) {
        if (!expired(h, in.now_ms)) {
            d.purge.push_back(h.piece);
        }
    }
    return d;
}

}  // namespace p2pcdn::policy
