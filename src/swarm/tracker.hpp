// The tracker registry: many swarms, announced to from many threads at once. Swarms are found
// through sharded maps (a shared lock per shard, held only for the lookup), then each swarm
// has its own lock, so announces to different swarms never wait on each other and there is no
// global lock on the announce path.
#pragma once

#include "swarm/swarm.hpp"
#include "wire/peer_list.hpp"
#include "wire/stats_report.hpp"

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace p2pcdn {

// Milliseconds of Unix time. The tracker reads time only through this, so tests can drive it.
using clock_fn = std::function<std::int64_t()>;
std::int64_t system_clock_ms();

struct tracker_config {
    std::uint32_t max_swarms = 10000;
    std::uint32_t max_peers_per_swarm = 100000;
    std::size_t max_pieces = bitmap::max_bits;
    // Make a swarm on the first announce for an unknown content (which must then say its
    // piece count); otherwise only add_content makes swarms.
    bool create_swarms = true;
    std::uint32_t interval_s = 1800;
    std::uint32_t min_interval_s = 60;
    // Peers not heard from for this long are removed by expire() and step(). 0: 2 * interval.
    std::int64_t peer_timeout_ms = 0;
    std::uint64_t rng_seed = 0;  // 0: random
    clock_fn clock;              // empty: system_clock_ms
    // Per content (errc::limit past it), and in one announce answer; 0 is errc::invalid.
    std::uint32_t max_cdn_sources = 64;
    std::uint32_t max_cdn_per_answer = 8;
};

using stats_callback = std::function<void(const stats_report&)>;

class tracker {
public:
    // Throws errc::invalid for nonsensical settings: a zero limit or interval, min_interval_s
    // above interval_s, a negative peer timeout, max_pieces above bitmap::max_bits.
    explicit tracker(tracker_config config);
    // Stops the thread, if any. Must not run from one of the tracker's own callbacks.
    ~tracker();
    tracker(const tracker&) = delete;
    tracker& operator=(const tracker&) = delete;

    // Makes a swarm. Idempotent for the same piece count; errc::exists for another piece
    // count; errc::limit past max_swarms; errc::range past max_pieces; errc::invalid for a bad
    // content id or a piece count of 0.
    void add_content(std::string_view content_id, std::size_t piece_count);
    // Removes a swarm and its subscriptions' reports for it; false if it was not there.
    bool remove_content(std::string_view content_id);
    std::size_t content_count() const;

    // piece_count 0: the swarm must exist. For an unknown content with create_swarms the piece
    // count (or the full bitmap's size) makes the swarm; errc::not_found otherwise. A known
    // content with another piece count is errc::invalid. The answer carries the intervals.
    peer_list announce(std::string_view content_id, std::size_t piece_count,
                       const announce_request& request);
    // false when the content or the peer is unknown.
    bool leave(std::string_view content_id, std::string_view peer_id);
    // Removes peers silent for peer_timeout_ms, in every swarm, and erases expired CDN sources;
    // returns how many peers. Swarms left empty are kept: a CCS may still be subscribed.
    std::size_t expire();

    // errc::not_found for an unknown content.
    stats_report stats(std::string_view content_id) const;

    // The CDN directory (TR 23.844 steps 5 and 10). publish_cdn adds a source or replaces the
    // one with the same URI (errc::invalid for a URI that is not http(s), a pieces bitmap of
    // the wrong size, or an expiry already past; errc::limit past max_cdn_sources; errc::not_found
    // for an unknown content). withdraw_cdn removes `pieces` (nullptr: all) from the source with
    // this URI (empty: every source), dropping sources left empty; it returns how many sources
    // it changed, and throws errc::not_found when the content or a named URI is unknown.
    // Both take effect from the very next announce answer and statistics snapshot.
    void publish_cdn(std::string_view content_id, cdn_source source);
    std::size_t withdraw_cdn(std::string_view content_id, std::string_view uri,
                             const bitmap* pieces);
    // The live (unexpired) sources of a content.
    std::vector<cdn_source> cdn_sources(std::string_view content_id) const;

    // Periodic statistics: every interval_ms, one report per swarm (content_id empty: every
    // swarm), delivered by step() on the thread calling it, or by the tracker's thread. The
    // first report is due at once. Returns the subscription id (> 0).
    std::uint64_t subscribe(std::string content_id, std::int64_t interval_ms,
                            stats_callback callback);
    // false if there was no such subscription. Waits for a callback of it in flight, unless
    // called from that callback.
    bool unsubscribe(std::uint64_t id);

    // Host-driven mode: delivers the reports that are due and expires silent peers; returns
    // the milliseconds until the next report is due (-1 when there is no subscription). A
    // callback that throws is counted and ignored; its subscription stays. Called from inside
    // a callback (as stop_thread() would be), it throws errc::state instead of deadlocking.
    std::int64_t step();
    // Self-driven mode: a tracker thread calls step() until stop_thread() or destruction.
    // errc::state if it is already running.
    void start_thread();
    void stop_thread();

    const tracker_config& config() const noexcept;

private:
    struct state;
    std::unique_ptr<state> state_;
};

}  // namespace p2pcdn
