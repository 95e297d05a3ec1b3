// A UE's requests to peers and the CSS between the plan and the piece: queued behind the
// uploader's slots, then moving; and taking back the ones that wait too long (--peer-timeout).
#include "simulator.hpp"

#include <algorithm>
#include <limits>

namespace p2pcdn_sim {

// Up to `count` requests queued at peers for peer_timeout go back to the planner, as many as
// the CDN has free slots for: a client takes a request back from a peer that has not started
// it when its HTTP pipeline could have the piece sooner (the planner fills the CDN slots first
// with the pieces the CDN serves). Only pieces the CDN serves: the simulator asks the NSCF
// model, where a client would look in its peer list's CDN sources. Their queue entries stay
// behind and are skipped (serve_next finds no matching request).
void simulator::withdraw_queued(std::uint32_t u, std::uint32_t count) {
    ue& x = ues_[u];
    if (now_ < x.withdraw_after) {
        return;  // nothing has waited peer_timeout yet
    }
    x.withdraw_after = std::numeric_limits<double>::infinity();
    bool waiting = false;
    for (std::size_t i = 0; i < x.peer_requests.size();) {
        const peer_request r = x.peer_requests[i];
        if (r.started) {
            ++i;
        } else if (now_ - r.since < s_.model.peer_timeout || count == 0) {
            waiting = true;
            x.withdraw_after =
                std::min(x.withdraw_after, std::max(now_, r.since + s_.model.peer_timeout));
            ++i;
        } else if (!nscf_->serves(x.content, r.piece, now_)) {
            // No faster source: it stays queued; the CDN may hold the piece later.
            x.withdraw_after = std::min(x.withdraw_after, now_ + s_.model.peer_timeout);
            ++i;
        } else {
            --count;
            x.peer_requests[i] = x.peer_requests.back();
            x.peer_requests.pop_back();
            check(p2pcdn_planner_done(x.planner.get(), r.piece, P2PCDN_PLAN_FAILED),
                  "p2pcdn_planner_done");
            x.requested.clear(r.piece);
            --x.in_flight;
            ++m_.withdrawn_requests;
        }
    }
    if (waiting) {
        pump_later(u, s_.model.peer_timeout);
    }
}

peer_request* simulator::find_request(ue& x, std::uint32_t piece) {
    for (peer_request& r : x.peer_requests) {
        if (r.piece == piece) {
            return &r;
        }
    }
    return nullptr;
}

bool simulator::is_queued(ue& x, std::uint32_t piece, std::uint32_t node) {
    const peer_request* r = find_request(x, piece);
    return r != nullptr && r->node == node && !r->started;
}

void simulator::forget_request(ue& x, std::uint32_t piece) {
    for (peer_request& r : x.peer_requests) {
        if (r.piece == piece) {
            r = x.peer_requests.back();
            x.peer_requests.pop_back();
            return;
        }
    }
}

}  // namespace p2pcdn_sim
