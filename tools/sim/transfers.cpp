// Requests, upload slots and flows: how a planned request becomes bytes moving, and what a
// piece arriving sets off.
#include "simulator.hpp"

#include "virtual_clock.hpp"

#include <algorithm>

namespace p2pcdn_sim {
namespace {

constexpr std::size_t key_length = 5;

}  // namespace

uploader& simulator::uploader_of(std::uint32_t node) {
    return node == css_node_ ? css_ : ues_[node].up;
}

void simulator::queue_pump(std::uint32_t u) {
    ue& x = ues_[u];
    if (!x.pump_queued) {
        x.pump_queued = true;
        pumps_.push_back(u);
    }
}

// Pumps run after the event that asked for them, once each however often they were asked.
void simulator::drain_pumps() {
    for (std::size_t i = 0; i < pumps_.size(); ++i) {
        const std::uint32_t u = pumps_[i];
        ues_[u].pump_queued = false;
        pump(u);
    }
    pumps_.clear();
}

void simulator::pump_later(std::uint32_t u, double delay) {
    ue& x = ues_[u];
    if (!x.pump_timer) {
        x.pump_timer = true;
        queue_.push(now_ + delay, event_kind::pump, u);
    }
}

void simulator::pump(std::uint32_t u) {
    ue& x = ues_[u];
    if (!x.leeching()) {
        return;
    }
    std::uint32_t cdn_limit = s_.model.cdn_in_flight;
    if (s_.model.cdn_topup) {
        cdn_limit = topup_set_limit(u);
    }
    if (x.cdn_in_flight < cdn_limit && s_.model.peer_timeout > 0) {
        withdraw_queued(u, cdn_limit - x.cdn_in_flight);
    }
    // Requests go out in batches of `refill` (or whatever is left to ask for), as clients
    // refill their request pipelines.
    if (x.in_flight + batch_ > s_.model.requests) {
        return;
    }
    flush_haves(u);
    const std::size_t room = s_.model.requests - x.in_flight;
    std::size_t count = 0;
    check(p2pcdn_planner_next(x.planner.get(), to_unix_ms(now_), requests_.data(), room, &count),
          "p2pcdn_planner_next");
    for (std::size_t i = 0; i < count; ++i) {
        const p2pcdn_piece_request& r = requests_[i];
        const auto piece = static_cast<std::uint32_t>(r.piece);
        ++x.in_flight;
        x.requested.set(piece);
        if (r.source == P2PCDN_SOURCE_CDN) {
            ++x.cdn_in_flight;
            request_cdn(u, piece);
        } else {
            request_peer(u, node_of(r.peer_key, r.peer_key_len), piece);
        }
    }
    if (x.leeching() && x.in_flight == 0) {
        starving(u);
    }
}

// One p2pcdn_planner_peer_have_many per neighbour: the HAVEs are sorted by (sender, piece), a
// total order, so a seed still gives one result.
void simulator::flush_haves(std::uint32_t u) {
    ue& x = ues_[u];
    auto& pending = x.pending_haves;
    std::sort(pending.begin(), pending.end());
    unsigned char key[key_length];
    for (std::size_t i = 0; i < pending.size();) {
        const std::uint32_t from = pending[i].first;
        have_burst_.clear();
        for (; i < pending.size() && pending[i].first == from; ++i) {
            if (!x.held.test(pending[i].second)) {
                have_burst_.push_back(pending[i].second);
            }
        }
        if (!have_burst_.empty()) {
            key_of(from, key);
            check(p2pcdn_planner_peer_have_many(x.planner.get(), key, key_length,
                                                have_burst_.data(), have_burst_.size()),
                  "p2pcdn_planner_peer_have_many");
        }
    }
    pending.clear();
}

// A CDN request that could not start (the CDN no longer serves the piece).
void simulator::give_up(std::uint32_t d, std::uint32_t piece, int outcome) {
    ue& x = ues_[d];
    check(p2pcdn_planner_done(x.planner.get(), piece, outcome), "p2pcdn_planner_done");
    x.requested.clear(piece);
    --x.in_flight;
    --x.cdn_in_flight;
    pump_later(d, s_.model.retry_delay);
}

void simulator::request_peer(std::uint32_t d, std::uint32_t node, std::uint32_t piece) {
    uploader& up = uploader_of(node);
    ue& x = ues_[d];
    x.peer_requests.push_back(peer_request{piece, node, now_, false});
    x.withdraw_after = std::min(x.withdraw_after, now_ + s_.model.peer_timeout);
    // The queue is bounded by the requesters' limits: connections x per_peer.
    if (up.active < up.slots) {
        start_flow(node, d, piece);
    } else {
        up.waiting.push_back(queued_request{d, piece});
    }
}

void simulator::request_cdn(std::uint32_t d, std::uint32_t piece) {
    ue& x = ues_[d];
    if (!nscf_->serves(x.content, piece, now_)) {
        ++m_.cdn.cdn_misses;
        give_up(d, piece, P2PCDN_PLAN_GONE);
        return;
    }
    move_piece(x.cdn_port, cdn_node_, d, piece, flow_tag::cdn);
}

// One piece from `uploader` (a node, or the CDN) through its upload port to UE d.
void simulator::move_piece(std::uint32_t up_port, std::uint32_t uploader, std::uint32_t d,
                           std::uint32_t piece, flow_tag tag) {
    flow_info info;
    info.up_port = up_port;
    info.down_port = ues_[d].down_port;
    info.uploader = uploader;
    info.downloader = d;
    info.piece = piece;
    info.content = ues_[d].content;
    info.tag = tag;
    net_.start(info, s_.model.piece_size, now_);
}

void simulator::start_flow(std::uint32_t node, std::uint32_t d, std::uint32_t piece) {
    uploader& up = uploader_of(node);
    find_request(ues_[d], piece)->started = true;
    ++up.active;
    move_piece(up.up_port, node, d, piece, node == css_node_ ? flow_tag::css : flow_tag::peer);
}

// A slot came free: the first queued request still wanted starts.
void simulator::serve_next(std::uint32_t node) {
    uploader& up = uploader_of(node);
    while (up.active < up.slots && !up.waiting.empty()) {
        const queued_request r = up.waiting.front();
        up.waiting.pop_front();
        ue& x = ues_[r.downloader];
        if (x.leeching() && is_queued(x, r.piece, node)) {
            start_flow(node, r.downloader, r.piece);
        }
    }
}

void simulator::flow_done(std::uint32_t id, std::uint32_t gen) {
    if (!net_.arrive(id, gen, now_)) {
        return;  // rescheduled, cancelled, or slowed down since (then due again later)
    }
    const flow_info info = net_.info(id);
    net_.finish(id, now_, true);
    if (info.uploader != cdn_node_) {
        uploader& up = uploader_of(info.uploader);
        --up.active;
        if (info.uploader != css_node_) {
            ues_[info.uploader].uploaded += s_.model.piece_size;
        }
        serve_next(info.uploader);
    }
    ue& x = ues_[info.downloader];
    --x.in_flight;
    if (info.uploader == cdn_node_) {
        --x.cdn_in_flight;
    } else {
        forget_request(x, info.piece);
    }
    x.requested.clear(info.piece);
    x.downloaded += s_.model.piece_size;
    if (s_.model.cdn_topup && info.uploader != cdn_node_) {
        topup_count_peer_piece(info.downloader);
    }
    receive(info.downloader, info.piece);
}

void simulator::receive(std::uint32_t d, std::uint32_t piece) {
    ue& x = ues_[d];
    check(p2pcdn_planner_done(x.planner.get(), piece, P2PCDN_PLAN_DONE), "p2pcdn_planner_done");
    check(p2pcdn_bitmap_set(x.have.get(), piece), "p2pcdn_bitmap_set");
    x.held.set(piece);
    ++x.held_count;
    x.new_pieces.push_back(piece);
    count_piece(x.content, piece, +1);
    if (!x.free_rider) {
        for (const std::uint32_t n : x.neighbours) {
            if (n == css_node_) {
                continue;
            }
            ue& y = ues_[n];
            if (!y.leeching() || y.held.test(piece)) {
                continue;
            }
            y.pending_haves.emplace_back(d, piece);
            if (!y.requested.test(piece) && y.in_flight + batch_ <= s_.model.requests) {
                pump_later(n, s_.model.have_delay);
            }
        }
    }
    if (x.held_count == s_.model.pieces) {
        complete(d);
    } else {
        queue_pump(d);
    }
}

// A leaving UE's uploads end; their downloaders' planners put the pieces back when the
// connection drops (p2pcdn_planner_peer_remove).
void simulator::cancel_uploads(std::uint32_t u) {
    ue& x = ues_[u];
    const std::vector<std::uint32_t> flows = net_.flows_at(x.up.up_port);
    for (const std::uint32_t id : flows) {
        const flow_info info = net_.info(id);
        net_.finish(id, now_, false);
        ue& d = ues_[info.downloader];
        --d.in_flight;
        forget_request(d, info.piece);
        d.requested.clear(info.piece);
    }
    x.up.active = 0;
    for (const queued_request& r : x.up.waiting) {
        ue& d = ues_[r.downloader];
        if (d.leeching() && is_queued(d, r.piece, u)) {
            --d.in_flight;
            forget_request(d, r.piece);
            d.requested.clear(r.piece);
        }
    }
    x.up.waiting.clear();
}

void simulator::cancel_downloads(std::uint32_t u) {
    ue& x = ues_[u];
    const std::vector<std::uint32_t> flows = net_.flows_at(x.down_port);
    for (const std::uint32_t id : flows) {
        const flow_info info = net_.info(id);
        net_.finish(id, now_, false);
        if (info.uploader != cdn_node_) {
            --uploader_of(info.uploader).active;
            serve_next(info.uploader);
        }
    }
    x.in_flight = 0;
    x.cdn_in_flight = 0;
    x.peer_requests.clear();
}

}  // namespace p2pcdn_sim
