// One round of CDN changes under a cap on changes and a byte capacity, the core the threshold
// and budget policies share. They differ only in which pieces are candidates, how they are
// ranked, and the two questions below.
//
// Given ingest candidates (best first) and purge candidates (first to go first):
//   1. Over capacity (it was lowered, or the holdings grew): purge from the front until the
//      live holdings fit again.
//   2. Ingests in rank order. One that does not fit makes room by purging from the front of
//      the purge candidates, as long as may_evict(ingest, purge) agrees and the cap leaves room
//      for the purge and the ingest. An ingest that still does not fit ends the ingests: a
//      lower-ranked piece is never taken ahead of a higher-ranked one.
//   3. The purge candidates left, from the front, while purge_anyway(purge) agrees.
// Every ingest and every purge counts as one change; there are at most max_changes.
#pragma once

#include "policy/policy.hpp"

#include <cstddef>
#include <cstdint>
#include <limits>
#include <vector>

namespace p2pcdn::policy {

struct round_candidate {
    std::size_t piece = 0;
    std::uint64_t bytes = 0;
    double worth = 0;  // the policy's measure, for its predicates
};

struct round_limits {
    std::size_t max_changes = 0;
    std::uint64_t capacity = std::numeric_limits<std::uint64_t>::max();
    std::uint64_t used = 0;   // bytes of the live holdings now
    std::uint32_t ttl_s = 0;  // of every ingest
};

template <typename MayEvict, typename PurgeAnyway>
decision plan_round(const std::vector<round_candidate>& ingests,
                    const std::vector<round_candidate>& purges, const round_limits& limits,
                    MayEvict&& may_evict, PurgeAnyway&& purge_anyway) {
    decision d;
    std::uint64_t used = limits.used;
    std::size_t next_purge = 0;
    auto changes = [&] { return d.ingest.size() + d.purge.size(); };
    auto purge_next = [&] {
        const round_candidate& p = purges[next_purge++];
        d.purge.push_back(p.piece);
        used -= p.bytes;
    };

    while (used > limits.capacity && next_purge < purges.size() && changes() < limits.max_changes) {
        purge_next();
    }
    for (const round_candidate& in : ingests) {
        if (changes() >= limits.max_changes) {
            break;
        }
        // used <= 2^56 and bytes <= 2^30: the sums cannot wrap.
        while (used + in.bytes > limits.capacity && next_purge < purges.size() &&
               changes() + 2 <= limits.max_changes && may_evict(in, purges[next_purge])) {
            purge_next();
        }
        if (used + in.bytes > limits.capacity) {
            break;
        }
        d.ingest.push_back({in.piece, limits.ttl_s});
        used += in.bytes;
    }
    while (next_purge < purges.size() && changes() < limits.max_changes &&
           purge_anyway(purges[next_purge])) {
        purge_next();
    }
    return d;
}

}  // namespace p2pcdn::policy
