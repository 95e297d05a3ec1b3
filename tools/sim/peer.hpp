// The state the simulator keeps per node: the upload side every node has (the CSS and the UEs),
// and a UE's own state around its library planner.
#pragma once

#include "library.hpp"

#include <cstdint>
#include <deque>
#include <limits>
#include <utility>
#include <vector>

namespace p2pcdn_sim {

// A request waiting for one of an uploader's slots.
struct queued_request {
    std::uint32_t downloader = 0;
    std::uint32_t piece = 0;
};

struct uploader {
    std::uint32_t up_port = 0;
    std::uint32_t slots = 0;   // concurrent uploads
    std::uint32_t active = 0;  // uploads running
    std::deque<queued_request> waiting;
};

// A plain bitset for the simulator's own fast questions (does this neighbour want the piece?);
// the library's bitmaps stay the ones its calls see.
class piece_set {
public:
    explicit piece_set(std::size_t n = 0) : words_((n + 63) / 64, 0) {}
    bool test(std::size_t i) const { return (words_[i / 64] >> (i % 64)) & 1U; }
    void set(std::size_t i) { words_[i / 64] |= std::uint64_t{1} << (i % 64); }
    void clear(std::size_t i) { words_[i / 64] &= ~(std::uint64_t{1} << (i % 64)); }
    const std::vector<std::uint64_t>& words() const { return words_; }

private:
    std::vector<std::uint64_t> words_;
};

// A UE's request to a peer or the CSS until its piece arrives: queued at the uploader, then
// moving (started).
struct peer_request {
    std::uint32_t piece = 0;
    std::uint32_t node = 0;
    double since = 0;
    bool started = false;
};

enum class ue_state : std::uint8_t { waiting, leeching, seeding, gone };

struct ue {
    std::uint32_t content = 0;
    std::uint32_t peer_class = 0;
    bool free_rider = false;
    ue_state state = ue_state::waiting;
    double arrived = 0;
    double seed_time = 0;
    double abort_after = 0;

    uploader up;
    std::uint32_t down_port = 0;
    std::uint32_t cdn_port = 0;  // the CDN's per-UE rate, shared by this UE's CDN flows

    planner_ptr planner;  // while leeching
    bitmap_ptr have;      // what the tracker and the neighbours' planners are told
    piece_set held;       // mirror of `have`
    piece_set requested;  // pieces in flight (queued or moving)
    std::size_t held_count = 0;
    std::uint32_t in_flight = 0;              // requests, to peers and the CDN
    std::uint32_t cdn_in_flight = 0;          // of which to the CDN
    std::vector<peer_request> peer_requests;  // at most `requests`
    // No queued request has waited peer_timeout before this time (withdraw_queued skips).
    double withdraw_after = std::numeric_limits<double>::infinity();
    std::vector<std::uint32_t> new_pieces;  // since the last announce
    std::vector<std::uint32_t> neighbours;  // node indices; the CSS included
    // HAVEs from neighbours not yet given to the planner: (neighbour, piece). They are given
    // in one burst right before the planner is asked or a neighbour removed, so that a
    // planner's memory is touched once per burst instead of once per HAVE; nothing the planner
    // answers can tell the difference.
    std::vector<std::pair<std::uint32_t, std::uint32_t>> pending_haves;
    // cdn_topup: when this UE's pieces from peers (and the CSS) arrived, within rate_window,
    // and when it aims to be done.
    std::deque<double> peer_pieces;
    double deadline = 0;
    std::uint64_t uploaded = 0;
    std::uint64_t downloaded = 0;

    std::uint32_t announce_gen = 0;
    double last_announce = 0;
    double next_announce = 0;
    bool pump_queued = false;
    bool pump_timer = false;  // a pump event is on its way

    bool leeching() const { return state == ue_state::leeching; }
    bool present() const { return state == ue_state::leeching || state == ue_state::seeding; }
};

}  // namespace p2pcdn_sim
