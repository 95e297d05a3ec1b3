#include "simulator.hpp"

#include "virtual_clock.hpp"

#include <algorithm>
#include <limits>

namespace p2pcdn_sim {

simulator::simulator(const scenario& s)
    : s_(s),
      classes_(s.model.classes.empty() ? default_classes() : s.model.classes),
      rng_(s.model.seed) {}

simulator::~simulator() = default;

std::int64_t simulator::clock(void* payload) {
    return to_unix_ms(static_cast<const simulator*>(payload)->now_);
}

void simulator::setup() {
    rng workload_rng(rng_.derive(1));
    arrivals_ = generate_arrivals(s_.workload, classes_, workload_rng);
    ues_.resize(arrivals_.size());
    css_node_ = static_cast<std::uint32_t>(ues_.size());
    cdn_node_ = css_node_ + 1;

    p2pcdn_tracker_options opts = P2PCDN_TRACKER_OPTIONS_INIT;
    opts.max_peers_per_swarm = static_cast<std::uint32_t>(arrivals_.size()) + 16;
    opts.rng_seed = rng_.derive(2);
    opts.clock = &simulator::clock;
    opts.clock_payload = this;
    opts.max_cdn_sources = 4096;
    opts.max_cdn_per_answer = 64;
    p2pcdn_tracker* raw = nullptr;
    check(p2pcdn_tracker_new(&raw, &opts), "p2pcdn_tracker_new");
    tracker_.reset(raw);

    const std::uint32_t n_contents = s_.workload.kind == workload_kind::zipf
                                         ? std::max<std::uint32_t>(s_.workload.contents, 1)
                                         : 1;
    std::vector<std::string> ids;
    for (std::uint32_t c = 0; c < n_contents; ++c) {
        content_swarm cs;
        cs.id = "content-" + std::to_string(c);
        cs.css_bits = new_bitmap(s_.model.pieces, true);
        cs.nothing = new_bitmap(s_.model.pieces, false);
        cs.copies.assign(s_.model.pieces, 0);
        cs.zero = s_.model.pieces;
        check(p2pcdn_tracker_add_content(tracker_.get(), cs.id.c_str(), s_.model.pieces),
              "p2pcdn_tracker_add_content");
        ids.push_back(cs.id);
        contents_.push_back(std::move(cs));
    }
    css_.up_port = net_.add_port(s_.model.css_up);
    css_.slots = s_.model.css_slots;
    for (std::uint32_t c = 0; c < n_contents; ++c) {
        announce_css(c);
    }
    nscf_ = std::make_unique<nscf_model>(s_, tracker_.get(), std::move(ids), queue_, m_);

    m_.content_bytes =
        static_cast<double>(s_.model.piece_size) * static_cast<double>(s_.model.pieces);
    m_.css_upload = s_.model.css_up;
    for (const arrival& a : arrivals_) {
        if (!a.free_rider) {
            m_.sum_peer_upload += classes_[a.peer_class].up;
        }
    }
    requests_.resize(s_.model.requests);
    batch_ = std::min(s_.model.refill, s_.model.requests);
    if (!arrivals_.empty()) {
        queue_.push(arrivals_[0].time, event_kind::arrival, 0);
    }
    queue_.push(0, event_kind::stats_round);
    queue_.push(0, event_kind::sample);
}

metrics simulator::run() {
    setup();
    while (!queue_.empty()) {
        const event e = queue_.pop();
        if (e.time > s_.model.duration) {
            advance(s_.model.duration);
            break;
        }
        advance(e.time);
        dispatch(e);
        drain_pumps();
        m_.peak_cdn_rate = std::max(m_.peak_cdn_rate, net_.rate_sum(flow_tag::cdn));
        ++m_.events;
        if (!active()) {
            break;  // what is left (announce timers, ingests) concerns nobody
        }
    }
    m_.end_time = now_;
    sample();
    for (const ue& x : ues_) {
        if (x.leeching()) {
            ++m_.unfinished;
        }
    }
    nscf_->finish(now_);
    m_.peer_bytes = net_.moved(flow_tag::peer);
    m_.css_bytes = net_.moved(flow_tag::css);
    m_.cdn_bytes = net_.moved(flow_tag::cdn);
    return std::move(m_);
}

void simulator::dispatch(const event& e) {
    switch (e.kind) {
        case event_kind::arrival:
            if (++next_arrival_ < arrivals_.size()) {
                queue_.push(arrivals_[next_arrival_].time, event_kind::arrival,
                            static_cast<std::uint32_t>(next_arrival_));
            }
            arrive(e.a);
            break;
        case event_kind::flow_done: flow_done(e.a, e.b); break;
        case event_kind::announce:
            if (e.b == ues_[e.a].announce_gen && ues_[e.a].present()) {
                announce(e.a, P2PCDN_EVENT_UPDATE);
            }
            break;
        case event_kind::pump:
            ues_[e.a].pump_timer = false;
            pump(e.a);
            break;
        case event_kind::seed_leave:
            if (ues_[e.a].state == ue_state::seeding) {
                leave(e.a);
            }
            break;
        case event_kind::abort:
            if (ues_[e.a].leeching()) {
                ++m_.aborted;
                leave(e.a);
            }
            break;
        case event_kind::stats_round:
            nscf_->round(now_);
            if (active()) {
                queue_.push(now_ + s_.model.stats_interval, event_kind::stats_round);
            }
            break;
        case event_kind::ingest_done: nscf_->ingest_done(e.a, now_); break;
        case event_kind::expiry: nscf_->expiry(e.a, now_); break;
        case event_kind::sample:
            sample();
            if (active()) {
                queue_.push(now_ + s_.model.sample_interval, event_kind::sample);
            }
            break;
    }
}

void simulator::arrive(std::uint32_t u) {
    const arrival& a = arrivals_[u];
    ue& x = ues_[u];
    x.content = a.content;
    x.peer_class = a.peer_class;
    x.free_rider = a.free_rider;
    x.state = ue_state::leeching;
    x.arrived = now_;
    x.seed_time = a.seed_time;
    x.abort_after = a.abort_after;
    const peer_class& cls = classes_[a.peer_class];
    x.up.up_port = net_.add_port(a.free_rider ? 0.0 : cls.up);
    x.up.slots = s_.model.upload_slots;
    x.down_port = net_.add_port(cls.down);
    x.cdn_port = net_.add_port(s_.model.cdn_rate, s_.model.cdn_spare);
    x.held = piece_set(s_.model.pieces);
    x.requested = piece_set(s_.model.pieces);
    x.have = new_bitmap(s_.model.pieces, false);
    p2pcdn_planner_options opts = P2PCDN_PLANNER_OPTIONS_INIT;
    opts.max_cdn_in_flight = s_.model.cdn_in_flight;
    opts.max_per_peer_in_flight = s_.model.per_peer;
    opts.cdn_fill = s_.model.cdn_fallback;
    opts.max_peers = s_.model.connections;
    opts.rng_seed = rng_.derive(1000 + u);
    p2pcdn_planner* raw = nullptr;
    check(p2pcdn_planner_new(&raw, s_.model.pieces, &opts), "p2pcdn_planner_new");
    x.planner.reset(raw);
    if (s_.model.cdn_topup) {
        x.deadline = now_ + topup_deadline(cls);
    }
    ++m_.arrived;
    ++present_;
    ++contents_[x.content].present;
    refresh_zero();
    if (a.abort_after != never) {
        queue_.push(now_ + a.abort_after, event_kind::abort, u);
    }
    announce(u, P2PCDN_EVENT_STARTED);
    queue_pump(u);
}

void simulator::complete(std::uint32_t u) {
    ue& x = ues_[u];
    x.state = ue_state::seeding;
    x.planner.reset();
    x.pending_haves = {};
    ++m_.completed;
    m_.completion_times.push_back(now_ - x.arrived);
    announce(u, P2PCDN_EVENT_COMPLETED);
    const std::vector<std::uint32_t> neighbours = x.neighbours;
    for (const std::uint32_t n : neighbours) {
        if (n == css_node_ || ues_[n].state == ue_state::seeding) {
            disconnect(u, n);
        }
    }
    if (x.seed_time <= 0) {
        leave(u);
    } else {
        queue_.push(now_ + x.seed_time, event_kind::seed_leave, u);
    }
}

void simulator::leave(std::uint32_t u) {
    ue& x = ues_[u];
    x.state = ue_state::gone;  // first: its queued requests elsewhere are void from now on
    cancel_uploads(u);
    cancel_downloads(u);
    x.planner.reset();
    x.pending_haves = {};
    const std::vector<std::uint32_t> neighbours = x.neighbours;
    for (const std::uint32_t n : neighbours) {
        disconnect(u, n);
    }
    announce(u, P2PCDN_EVENT_STOPPED);
    const auto& words = x.held.words();
    for (std::size_t w = 0; w < words.size(); ++w) {
        for (std::uint64_t bits = words[w]; bits != 0; bits &= bits - 1) {
            count_piece(x.content, w * 64 + static_cast<std::size_t>(__builtin_ctzll(bits)), -1);
        }
    }
    --present_;
    --contents_[x.content].present;
    refresh_zero();
    x.have.reset();
    x.held = piece_set();
    x.requested = piece_set();
    x.new_pieces = {};
    x.peer_pieces = {};
    x.up.waiting.clear();
}

void simulator::advance(double t) {
    if (zero_contents_ > 0) {
        m_.zero_copy_time += t - last_advance_;
    }
    last_advance_ = t;
    now_ = t;
}

void simulator::count_piece(std::uint32_t content, std::size_t piece, int delta) {
    content_swarm& cs = contents_[content];
    std::uint32_t& c = cs.copies[piece];
    if (delta > 0) {
        if (c++ == 0) {
            --cs.zero;
            if (cs.zero == 0) {
                refresh_zero();
            }
        }
    } else if (--c == 0) {
        if (cs.zero++ == 0) {
            refresh_zero();
        }
    }
}

// Keeps zero_contents_ = the number of contents with peers present and a piece none holds.
void simulator::refresh_zero() {
    zero_contents_ = 0;
    for (const content_swarm& cs : contents_) {
        if (cs.present > 0 && cs.zero > 0) {
            ++zero_contents_;
        }
    }
}

void simulator::sample() {
    sample_point p;
    p.time = now_;
    p.cdn_rate = net_.rate_sum(flow_tag::cdn);
    p.peer_rate = net_.rate_sum(flow_tag::peer);
    p.peers = present_;
    p.cdn_stored = nscf_->stored();
    std::uint32_t lowest = std::numeric_limits<std::uint32_t>::max();
    for (const content_swarm& cs : contents_) {
        if (cs.present > 0) {
            lowest = std::min(lowest, *std::min_element(cs.copies.begin(), cs.copies.end()));
        }
    }
    p.min_copies = lowest == std::numeric_limits<std::uint32_t>::max() ? 0 : lowest;
    m_.series.push_back(p);
}

}  // namespace p2pcdn_sim
