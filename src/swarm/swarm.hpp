// One content's swarm on the tracker: its peers and the copies of every piece, kept
// incrementally as peers announce. Thread-safe: every public call takes the swarm's own lock.
//
// Availability is kept per role (user peers, network peers). Seeds, peers holding every piece,
// are counted apart and not per piece (libtorrent's piece_picker does the same), so a seed
// costs O(1) to join, announce or leave; a leecher's announce costs time in the words that
// changed.
//
// The swarm also holds its content's CDN directory (cdn_directory.hpp), under the same lock, so
// an announce answer or a snapshot never sees a source that was withdrawn before it began.
#pragma once

#include "core/bitmap.hpp"
#include "core/ip_address.hpp"
#include "wire/announce_request.hpp"
#include "wire/peer_list.hpp"
#include "wire/stats_report.hpp"

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace p2pcdn {

struct cdn_limits {
    std::uint32_t max_sources = 64;    // per content; errc::limit past it
    std::uint32_t max_per_answer = 8;  // 0: answers carry no CDN source
};

class swarm {
public:
    // max_peers: the limit on peers (errc::limit past it). rng_seed 0 draws a random seed.
    swarm(std::string content_id, std::size_t piece_count, std::uint32_t max_peers,
          std::uint64_t rng_seed, cdn_limits cdn = {});
    ~swarm();
    swarm(const swarm&) = delete;
    swarm& operator=(const swarm&) = delete;

    const std::string& content_id() const noexcept;
    std::size_t piece_count() const noexcept;

    // Applies the announce and selects peers for the answer (none for event stopped, which
    // removes the peer; stopping an unknown peer is not an error). Network peers come first
    // in the answer and count against numwant. A known peer announcing another role moves its
    // pieces to that role's counts. Event completed means every piece: with donthave pieces
    // or a bitmap missing pieces it is errc::invalid. In a content of 0 pieces every peer is
    // a seed. All or nothing: on any error (errc::invalid for a bad peer id, both
    // a full bitmap and deltas, or a bitmap of the wrong size; errc::range for a piece index
    // out of range; errc::limit when a new peer would exceed max_peers) nothing changes.
    // The answer's interval fields are left 0 for the tracker to fill.
    //
    // The answer also carries the live CDN sources cut down to the pieces the requester lacks
    // once the announce is applied, the ones left empty dropped, at most max_per_answer of them
    // (the most wanted pieces first, ties in URI order). A seed, and event stopped, gets none.
    peer_list announce(const announce_request& request, std::int64_t now_ms);
    // Removes a peer; false if it was not there.
    bool leave(std::string_view peer_id);
    // Removes peers whose last announce is before `cutoff_ms`; returns how many.
    std::size_t expire(std::int64_t cutoff_ms);

    // The CDN directory; see cdn_directory.hpp for the rules and errors. A source expired at
    // now_ms (now_ms / 1000 >= expires_s) is never handed out nor counted, and is erased by the
    // next publish, withdraw or expire_cdn. withdraw_cdn returns how many sources lost pieces.
    void publish_cdn(cdn_source source, std::int64_t now_ms);
    std::size_t withdraw_cdn(std::string_view uri, const bitmap* pieces, std::int64_t now_ms);
    // The live sources, in URI order.
    std::vector<cdn_source> cdn_sources(std::int64_t now_ms) const;
    // Erases the expired sources; returns how many.
    std::size_t expire_cdn(std::int64_t now_ms);

    // A consistent snapshot, taken under the lock; each one gets the next seq. cdn_pieces is
    // the union of the sources live at now_ms; copies stay peer copies only.
    stats_report snapshot(std::int64_t now_ms) const;
    std::size_t peer_count() const;

    // Test support: the copies per piece recounted from every peer's bitmap, for comparison
    // with what the incremental counts say.
    stats_report recount() const;
    // The bitmap a peer last reported, or an empty bitmap of size 0 when it is not there.
    bitmap peer_bitmap(std::string_view peer_id) const;

    // Bytes of memory the peers take, for the memory-per-peer figure (the CDN directory is not
    // per peer and is left out).
    std::size_t memory_bytes() const;

private:
    struct state;
    std::unique_ptr<state> state_;
};

}  // namespace p2pcdn
