// The rate-aware CDN top-up (--cdn-fallback rate), as a client metering its CDN use would do
// it: the UE measures what its peers deliver over the last rate_window seconds and keeps only as
// many CDN requests in flight as the deficit against finishing by its deadline needs, through
// p2pcdn_planner_set_cdn_limit. The planner still fills those CDN slots first (cdn_fill first).
#include "simulator.hpp"

#include <algorithm>
#include <cmath>

namespace p2pcdn_sim {

// Without --deadline: the per-peer share of the fluid model, F / mean upload (Qiu and Srikant
// with eta = 1: a swarm downloads as fast as its peers upload on average), and never less than
// the UE's own download time F / d.
double simulator::topup_deadline(const peer_class& cls) const {
    if (s_.model.deadline > 0) {
        return s_.model.deadline;
    }
    const double content =
        static_cast<double>(s_.model.piece_size) * static_cast<double>(s_.model.pieces);
    double shares = 0;
    double upload = 0;
    for (const peer_class& c : classes_) {
        shares += c.share;
        upload += c.share * c.up;
    }
    const double own = content / cls.down;
    return upload > 0 ? std::max(own, content * shares / upload) : own;
}

void simulator::topup_count_peer_piece(std::uint32_t u) {
    ues_[u].peer_pieces.push_back(now_);
}

std::uint32_t simulator::topup_set_limit(std::uint32_t u) {
    ue& x = ues_[u];
    const double window = s_.model.rate_window;
    while (!x.peer_pieces.empty() && x.peer_pieces.front() < now_ - window) {
        x.peer_pieces.pop_front();
    }
    // A UE that just arrived has measured nothing yet: it counts as getting nothing from peers.
    const double measured = std::min(window, now_ - x.arrived);
    const double peer_rate =
        measured > 0 ? static_cast<double>(x.peer_pieces.size()) * s_.model.piece_size / measured
                     : 0;
    const double left = static_cast<double>(s_.model.pieces - x.held_count) * s_.model.piece_size;
    const double time_left = x.deadline - now_;
    const std::uint32_t cap = s_.model.cdn_in_flight;
    std::uint32_t limit = cap;
    if (time_left > 0) {
        const double deficit = left / time_left - peer_rate;
        // What one more CDN request adds: its share of the CDN's per-UE rate, or of the UE's
        // own downlink (all of what the CDN flows may take when they take the spare
        // downlink; a fair share of it otherwise).
        const double down = classes_[x.peer_class].down;
        const double per_request =
            s_.model.cdn_spare ? std::min(s_.model.cdn_rate, down) / cap
                               : std::min(s_.model.cdn_rate / cap, down / s_.model.requests);
        // Rounded, not ceiled: a deficit under half a request waits (it grows as the deadline
        // nears), so that a UE well ahead of its deadline leaves the CDN alone.
        limit = deficit <= 0 ? 0
                             : static_cast<std::uint32_t>(
                                   std::min<double>(cap, std::round(deficit / per_request)));
    }
    check(p2pcdn_planner_set_cdn_limit(x.planner.get(), limit), "p2pcdn_planner_set_cdn_limit");
    // Peers may stall with nothing arriving to make the UE plan again: look again in a second.
    if (limit < cap) {
        pump_later(u, 1);
    }
    return limit;
}

}  // namespace p2pcdn_sim
