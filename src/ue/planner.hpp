// The UE-side source planner: which missing pieces to request next, and from where (a connected
// peer or a CDN source of the peer list).
//
// Inputs: the UE's own bitmap, the bitmaps of its connected peers (whole, or one HAVE at a time),
// the CDN sources of the last peer list, the requests in flight and the time. Rules:
//
// - Rarest first among connected peers. Copies per piece are kept incrementally as peers come,
//   change and go (detail::piece_availability); among equally rare pieces the choice is
//   uniform at random (std::mt19937_64 with the configured seed, so a seed and a call sequence
//   always give the same plan). A piece goes to the holder with the fewest requests in flight
//   (ties: the first from a random point in the peer list) that is below max_per_peer_in_flight.
// - The CDN serves the pieces that no connected peer holds: from the first source (in peer list
//   order) that serves the piece, has not expired at `now` (now_ms < expires_s * 1000) and has
//   not been reported gone for that piece; at most max_cdn_in_flight CDN requests at a time.
//   CDN picks start at a random piece and take the servable pieces in index order from there,
//   wrapping: different UEs fetch different pieces, and one UE's CDN requests are contiguous.
// - cdn_fill (off by default), for bulk downloads (in streaming, outside the window):
//   idle: a peer whose oldest request from this UE has been in flight longer than
//   peer_piece_ms is late and gets no new request until it delivers. Room left after the
//   peers and the pieces no peer holds, which means every holder of a wanted piece is late or
//   at max_per_peer_in_flight, goes to the CDN for pieces peers hold too, picked the same way.
//   first: the CDN slots are filled before the peers are asked (pieces no peer holds first,
//   then any the CDN serves), and late peers are skipped as with idle. The UE then downloads
//   at the CDN's rate plus its peers' instead of queueing behind slow peers; what the CDN
//   serves (the storage policy) bounds what it costs.
// - Streaming: playback is at piece `position` at time t0 (set_position) and moves one piece
//   per piece_duration_ms, so piece i >= position is due at deadline(i) = t0 + (i - position) *
//   piece_duration_ms. A peer is assumed to deliver a piece peer_piece_ms after it is asked.
//   Inside the window [position, position + window_pieces) pieces are taken in index order; a
//   piece is urgent when now + peer_piece_ms > deadline(i). An urgent piece, or one no
//   connected peer holds, goes to the CDN (it waits for a free CDN slot); when no usable source
//   serves it, an urgent piece goes to a holding peer after all. Any other window piece goes
//   to a holding peer with a free slot, or waits. Pieces outside the window (behind the
//   position too) are planned as in the default mode, after the window.
//
//   Example: piece_duration_ms 1000, peer_piece_ms 2500, window 6, set_position(100, t0).
//   next(now = t0 + 200): deadlines are t0, t0+1000, ..., t0+5000 for pieces 100..105; a peer
//   would deliver at t0 + 2700. Pieces 100, 101, 102 (due at or before t0 + 2000) are urgent
//   and go to the CDN even if peers hold them; 103 (due t0 + 3000) goes to a peer if one holds
//   it, to the CDN if none does; so do 104 and 105. Pieces 106 and up are rarest first.
//
// - Each piece has at most one request in flight and is never planned twice. done() ends it:
//   done (the UE now holds the piece), failed (the piece is wanted again), gone (failed, and
//   the source no longer serves the piece: a CDN source is skipped for that piece from then
//   on, even across set_sources with the same URI; a peer is treated as no longer holding it
//   until it announces the piece again). Removing a peer puts its pieces in flight back.
//
// Memory is fixed by the piece count, the peer limit and the sources: about 16 bytes per piece
// (24 with cdn_fill), a bitmap per connected peer and 16 bytes of key index, two bitmaps per CDN
// source. next() allocates nothing. Not thread-safe: one thread at a time.
#pragma once

#include "core/bitmap.hpp"
#include "ue/peer_key_index.hpp"
#include "ue/piece_availability.hpp"
#include "wire/peer_list.hpp"

#include <cstddef>
#include <cstdint>
#include <deque>
#include <random>
#include <string>
#include <string_view>
#include <vector>

namespace p2pcdn::ue {

// When the CDN also gets pieces peers hold (see cdn_fill above).
enum class cdn_fill_mode : std::uint8_t { off = 0, idle = 1, first = 2 };

struct planner_config {
    std::uint32_t max_cdn_in_flight = 4;
    std::uint32_t max_per_peer_in_flight = 4;
    std::uint32_t max_peers = 256;  // connected peers tracked at once; at most max_planner_peers
    bool streaming = false;
    std::size_t window_pieces = 16;
    std::uint32_t piece_duration_ms = 1000;
    std::uint32_t peer_piece_ms = 3000;
    std::uint64_t rng_seed = 0;  // 0: from std::random_device
    cdn_fill_mode cdn_fill = cdn_fill_mode::off;
};

constexpr std::uint32_t max_planner_peers = 65535;
constexpr std::size_t max_planner_sources = 256;  // as many as a decoded peer list holds

enum class plan_source : std::uint8_t { peer = 0, cdn = 1 };
enum class plan_outcome : std::uint8_t { done = 0, failed = 1, gone = 2 };

struct plan_request {
    std::size_t piece = 0;
    plan_source source = plan_source::peer;
    std::string_view peer_key;  // peer requests: borrowed, valid until the peers change
    std::size_t cdn_index = 0;  // CDN requests: index in the sources last set
};

class planner {
public:
    // Throws errc::range for 0 or more than bitmap::max_bits pieces, errc::invalid for a bad
    // config (0 caps or durations, max_peers above max_planner_peers).
    planner(std::size_t piece_count, const planner_config& config);
    // The peer index views into the peer slots: moves are fine, copies are not.
    planner(const planner&) = delete;
    planner& operator=(const planner&) = delete;
    planner(planner&&) = default;
    planner& operator=(planner&&) = default;
    ~planner() = default;

    std::size_t piece_count() const noexcept { return avail_.piece_count(); }
    const planner_config& config() const noexcept { return config_; }

    // The UE's own pieces (errc::invalid for another size).
    void set_have(const bitmap& own);
    const bitmap& have() const noexcept { return have_; }

    // Adds a peer or replaces its bitmap. Keys are 1 to max_peer_id_length bytes (errc::invalid);
    // errc::limit when max_peers are connected; errc::invalid for a bitmap of another size.
    void peer_set(std::string_view key, const bitmap& bits);
    // The peer announced one more piece (errc::not_found for an unknown peer, errc::range).
    void peer_have(std::string_view key, std::size_t piece);
    // Several HAVEs of one peer: one key lookup. All or nothing: errc::range for any piece out
    // of range leaves the peer unchanged.
    void peer_have(std::string_view key, const std::size_t* pieces, std::size_t count);
    // The peer is gone; its requests in flight are put back (errc::not_found).
    void peer_remove(std::string_view key);
    std::size_t peer_count() const noexcept { return index_.size(); }

    // Copies the CDN sources (errc::invalid for a source of another size, errc::limit above
    // max_planner_sources). Gone marks carry over to a source with the same URI; requests in
    // flight keep pointing at their source by URI.
    void set_sources(const std::vector<cdn_source>& sources);
    std::size_t source_count() const noexcept { return sources_.size(); }

    // Streaming: playback is at the start of `piece` at now_ms (errc::range).
    void set_position(std::size_t piece, std::int64_t now_ms);

    // Plans up to max requests, marks them in flight and hands each to emit(const
    // plan_request&) as it is chosen. Returns how many. errc::state for a streaming planner
    // without a position.
    template <typename Emit>
    std::size_t next(std::int64_t now_ms, std::size_t max, Emit&& emit) {
        return plan(
            now_ms, max,
            [](void* ctx, const plan_request& r) { (*static_cast<Emit*>(ctx))(r); },
            static_cast<void*>(&emit));
    }

    // Changes max_cdn_in_flight from the next plan on. 0 stops new CDN requests (pieces that
    // only the CDN could serve wait); requests in flight above the new limit stay in flight.
    // For a host that meters its CDN use, e.g. only the deficit of its peers' rate.
    void set_cdn_limit(std::uint32_t max_cdn_in_flight) noexcept {
        config_.max_cdn_in_flight = max_cdn_in_flight;
    }

    // Ends the request in flight for a piece (errc::range; errc::state when a failed or gone
    // piece is not in flight). done is accepted for any piece: the UE holds it now.
    void done(std::size_t piece, plan_outcome outcome);

    // Observers, for hosts' statistics and for tests.
    std::uint32_t copies(std::size_t piece) const noexcept { return avail_.copies(piece); }
    bool in_flight(std::size_t piece) const noexcept { return in_flight_.test(piece); }
    std::size_t cdn_in_flight() const noexcept { return cdn_in_flight_; }
    std::size_t peer_in_flight() const noexcept { return peer_in_flight_; }
    // Requests in flight to one peer (errc::not_found).
    std::size_t peer_in_flight(std::string_view key) const;
    // Whether source i was reported gone for a piece (errc::range).
    bool gone(std::size_t source, std::size_t piece) const;

private:
    static constexpr std::uint32_t cdn_flag = 0x80000000u;
    static constexpr std::uint32_t no_source = 0x7fffffffu;
    static constexpr std::uint32_t no_slot = 0xffffffffu;

    struct peer_slot {
        char key[max_peer_id_length] = {};
        std::size_t key_len = 0;  // 0: a free slot
        bitmap bits;
        std::uint32_t in_flight = 0;
        std::size_t wanted = 0;      // pieces it holds that are neither held by us nor in flight
        std::int64_t oldest_ms = 0;  // cdn_fill, during next(): its oldest request's time
        std::string_view key_view() const noexcept { return {key, key_len}; }
    };

    struct source_entry {
        std::string uri;
        bitmap pieces;
        bitmap gone;  // empty until the first gone mark
        std::int64_t expires_s = 0;
    };

    using sink_fn = void (*)(void*, const plan_request&);
    static std::size_t checked_piece_count(std::size_t piece_count, const planner_config& config);
    std::size_t plan(std::int64_t now_ms, std::size_t max, sink_fn sink, void* ctx);

    std::uint32_t slot_of(std::string_view key) const;  // errc::not_found
    auto slot_key() const noexcept {
        return [this](std::uint32_t s) { return slots_[s].key_view(); };
    }
    static void check_key(std::string_view key);
    std::uint64_t uniform(std::uint64_t bound);  // [0, bound), bound > 0
    bool piece_wanted(std::size_t piece) const noexcept {
        return !have_.test(piece) && !in_flight_.test(piece);
    }
    bool in_window(std::size_t piece) const noexcept {
        return config_.streaming && piece >= position_ && piece - position_ < config_.window_pieces;
    }
    std::size_t count_wanted(const bitmap& bits) const noexcept;
    void recount_wanted();

    // The piece leaves or rejoins the wanted set: availability order and peers' wanted counts.
    void leave_wanted(std::size_t piece);
    void join_wanted(std::size_t piece);
    void peer_gains(peer_slot& slot, std::size_t piece);
    void peer_loses(peer_slot& slot, std::size_t piece);

    void assign_peer(std::size_t piece, std::uint32_t slot);
    void assign_cdn(std::size_t piece, std::uint32_t source);
    void release(std::size_t piece);

    // Planning helpers; each returns how many requests it emitted.
    void collect_free_peers(std::int64_t now_ms);
    void find_oldest_requests();  // cdn_fill: each peer slot's oldest_ms
    void prune_free_peers();
    std::uint32_t pick_holder(std::size_t piece);
    std::uint32_t cdn_source_for(std::size_t piece) const;
    std::size_t plan_window(std::int64_t now_ms, std::size_t max, sink_fn sink, void* ctx);
    std::size_t plan_rarest(std::size_t max, sink_fn sink, void* ctx);
    // include_held: the cdn_fill pass, pieces peers hold as well.
    std::size_t plan_cdn(std::size_t max, bool include_held, sink_fn sink, void* ctx);
    void emit_peer(std::size_t piece, std::uint32_t slot, sink_fn sink, void* ctx);
    void emit_cdn(std::size_t piece, std::uint32_t source, sink_fn sink, void* ctx);

    planner_config config_;
    detail::piece_availability avail_;
    bitmap have_;
    bitmap in_flight_;
    std::vector<std::uint32_t> owner_;   // in flight: peer slot, or cdn_flag | source index
    std::vector<std::int64_t> sent_ms_;  // cdn_fill: when each peer request was planned
    std::int64_t plan_ms_ = 0;           // the time of the current next()

    std::deque<peer_slot> slots_;  // never moves: plan_request keys view into it
    std::vector<std::uint32_t> free_slot_list_;
    detail::peer_key_index index_;  // key -> slot

    std::vector<source_entry> sources_;
    std::vector<unsigned char> usable_;  // per source, for the current next()

    std::vector<std::uint32_t> free_peers_;  // peers with a free slot, for the current next()
    bool prune_pending_ = false;             // a peer's wanted count reached 0 since the last prune

    std::size_t cdn_in_flight_ = 0;
    std::size_t peer_in_flight_ = 0;
    bool has_position_ = false;
    std::size_t position_ = 0;
    std::int64_t position_ms_ = 0;
    std::mt19937_64 rng_;
};

}  // namespace p2pcdn::ue
