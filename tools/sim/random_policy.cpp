#include "random_policy.hpp"

#include <algorithm>
#include <cmath>
#include <vector>

namespace p2pcdn_sim {

int P2PCDN_CALLBACK random_injection_decide(const p2pcdn_policy_input* input,
                                            p2pcdn_decision* decision, void* payload) {
    auto& self = *static_cast<random_injection*>(payload);
    // The queue: pieces no user peer holds and the CDN does not hold live.
    std::vector<unsigned char> held(input->piece_count, 0);
    for (std::size_t i = 0; i < input->holding_count; ++i) {
        const p2pcdn_holding& h = input->holdings[i];
        if (h.expires_at_ms == 0 || h.expires_at_ms > input->now_ms) {
            held[h.piece] = 1;
        }
    }
    std::vector<std::size_t> queue;
    for (std::size_t p = 0; p < input->piece_count; ++p) {
        if (input->copies[p] == 0 && held[p] == 0) {
            queue.push_back(p);
        }
    }
    if (queue.empty() || input->peers == 0) {
        return 0;
    }
    const double q = static_cast<double>(queue.size());
    const double p = std::min(q / (static_cast<double>(input->peers) + 1.0), 1.0);
    const auto tries = static_cast<std::uint64_t>(
        std::llround(static_cast<double>(input->peers) * self.tries_per_peer));
    std::size_t wins = 0;
    for (std::uint64_t t = 0; t < tries && wins < queue.size(); ++t) {
        if (self.draws.uniform() < p) {
            ++wins;
        }
    }
    // A partial Fisher-Yates shuffle picks `wins` distinct pieces.
    for (std::size_t k = 0; k < wins; ++k) {
        const std::size_t j = k + static_cast<std::size_t>(self.draws.below(queue.size() - k));
        std::swap(queue[k], queue[j]);
        if (p2pcdn_decision_add_ingest(decision, queue[k], self.ttl_s) != P2PCDN_OK) {
            return 1;
        }
    }
    return 0;
}

}  // namespace p2pcdn_sim
