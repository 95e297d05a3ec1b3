// The storage-control policy interface (TR 23.844 steps 4 and 10): from a swarm's statistics,
// the pieces the CDN holds now, the content layout and the time, decide which pieces to ingest
// into the CDN (each with a TTL) and which to purge.
//
// Every policy is called through policy::decide, which checks the input first (nothing is
// decided from a bad one) and the decision after (whatever a policy returns, built-in or the
// host's, the caller only ever sees a valid decision):
//
// - The input: the statistics and the layout describe the same content (id and piece count);
//   copies has piece_count entries, none above user_peers, and seeds <= user_peers; holdings are
//   strictly ascending by piece (sorted, no repeats), each piece in range, each holding 1 to
//   piece_length bytes. Anything else is errc::invalid.
// - The decision: every piece in range; no piece twice in ingest, nor twice in purge, nor in
//   both; a purge only for a piece of the holdings. An ingest of a piece the holdings already
//   have is a renewal: the NSCF stores it again with the new TTL (that is how the ttl policy
//   keeps scarce pieces; a holding whose TTL has passed is ingested again the same way).
//
// A holding whose expires_at_ms is set and not after now_ms has expired: the built-in policies
// treat its piece as not held (it takes no capacity, is never purged, may be ingested again).
// The tracker's view of the CDN (stats.cdn_pieces) is not used: the holdings are the NSCF's
// truth, the tracker's view may lag behind them.
#pragma once

#include "core/content_layout.hpp"
#include "wire/stats_report.hpp"

#include <cstddef>
#include <cstdint>
#include <vector>

namespace p2pcdn::policy {

// One piece the CDN holds, as the NSCF recorded it.
struct holding {
    std::size_t piece = 0;
    std::uint64_t bytes = 0;          // stored size, 1 to the layout's piece length
    std::int64_t ingested_at_ms = 0;  // Unix ms of the (last) ingest
    std::int64_t expires_at_ms = 0;   // Unix ms the CDN drops it; 0: no TTL, held until purged
};

struct input {
    const stats_report& stats;
    const std::vector<holding>& holdings;  // strictly ascending by piece
    const content_layout& layout;
    std::int64_t now_ms;
};

struct ingest_item {
    std::size_t piece = 0;
    std::uint32_t ttl_s = 0;  // 0: no TTL, the CDN keeps the piece until it is purged

    friend bool operator==(const ingest_item& a, const ingest_item& b) noexcept {
        return a.piece == b.piece && a.ttl_s == b.ttl_s;
    }
};

struct decision {
    std::vector<ingest_item> ingest;  // in the order the policy ranks them, most wanted first
    std::vector<std::size_t> purge;   // likewise

    bool empty() const noexcept { return ingest.empty() && purge.empty(); }
    friend bool operator==(const decision& a, const decision& b) noexcept {
        return a.ingest == b.ingest && a.purge == b.purge;
    }
};

// The base of every policy, built-in or the host's. A host policy derives from it and
// implements make_decision; callers use decide.
class policy {
public:
    virtual ~policy() = default;

    // Checks the input (errc::invalid, nothing decided), runs the policy, and checks its
    // decision (errc::invalid naming the first bad item: a policy that breaks the rules above
    // fails rather than hand out a decision the NSCF could not carry out).
    decision decide(const input& in) const;

protected:
    policy() = default;
    policy(const policy&) = default;
    policy& operator=(const policy&) = default;

private:
    // Called with a checked input only. The built-ins are pure functions of the input: the same
    // input always gives the same decision.
    virtual decision make_decision(const input& in) const = 0;
};

// The input rules above; errc::invalid with the first thing wrong.
void check_input(const input& in);
// The decision rules above, for a checked input; errc::invalid with the first bad item.
void check_decision(const input& in, const decision& d);

// Whether a holding's TTL has passed at now_ms.
inline bool expired(const holding& h, std::int64_t now_ms) noexcept {
    return h.expires_at_ms != 0 && h.expires_at_ms <= now_ms;
}

}  // namespace p2pcdn::policy
