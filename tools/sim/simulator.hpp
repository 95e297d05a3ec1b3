// The discrete-event swarm simulator: UEs that announce to the library's tracker, choose their
// sources with the library's planner and move pieces as flows (flow_network), a CSS seed, a CDN
// with a per-UE rate and no capacity limit, and the NSCF's policy (nscf_model).
//
// A UE announces when it arrives, every announce_interval, on completion and when it leaves,
// and early (after min_announce_interval) when it starves: nothing in flight and nothing its
// planner can plan. It connects to the peers of the answers, up to `connections` (both ends
// must have room; two seeds never stay connected), and gives its planner the peers' bitmaps
// and, as pieces arrive, their HAVEs (only to neighbours that lack the piece: a HAVE for a piece
// the receiver holds changes nothing its planner uses). The CDN sources of each answer go to its
// planner (in bursts: see ue::pending_haves); a HAVE it could use makes it plan again after
// have_delay (clients work in ticks), a piece arriving at once. It keeps `requests` requests in
// flight: to a peer (which serves upload_slots at once, first come first served, and queues the
// others) or to the CDN (a GET of a piece the CDN no longer holds fails as gone, and the UE plans
// again after retry_delay). Free riders never upload: their neighbours see them holding nothing.
// The CSS is a network peer of every swarm holding everything, with css_connections connections per
// swarm and css_slots upload slots.
#pragma once

#include "event_queue.hpp"
#include "flow_network.hpp"
#include "library.hpp"
#include "metrics.hpp"
#include "nscf_model.hpp"
#include "peer.hpp"
#include "random.hpp"
#include "scenario.hpp"
#include "workload.hpp"

#include <memory>
#include <string>
#include <vector>

namespace p2pcdn_sim {

class simulator {
public:
    // The scenario must be valid (scenario_args checks it) and outlive the simulator.
    explicit simulator(const scenario& s);
    ~simulator();
    simulator(const simulator&) = delete;
    simulator& operator=(const simulator&) = delete;

    // Runs to the end (every peer gone, or model.duration) and returns what it measured.
    metrics run();

private:
    struct content_swarm {
        std::string id;
        bitmap_ptr css_bits;                // the CSS holds every piece
        bitmap_ptr nothing;                 // what a free rider shows its neighbours
        std::vector<std::uint32_t> copies;  // UEs holding each piece
        std::size_t zero = 0;               // pieces no UE holds
        std::uint32_t present = 0;
        std::uint32_t css_connections = 0;
    };

    // simulator.cpp: setup, the event loop, arrivals, departures, metrics.
    void setup();
    void dispatch(const event& e);
    void arrive(std::uint32_t u);
    void complete(std::uint32_t u);
    void leave(std::uint32_t u);
    void advance(double t);
    void count_piece(std::uint32_t content, std::size_t piece, int delta);
    void refresh_zero();
    void sample();
    bool active() const { return present_ > 0 || next_arrival_ < arrivals_.size(); }
    static std::int64_t clock(void* payload);

    // overlay.cpp: the tracker and the connections.
    void announce(std::uint32_t u, int event);
    void announce_css(std::uint32_t content);
    void schedule_announce(std::uint32_t u, double at);
    void starving(std::uint32_t u);
    void connect(std::uint32_t a, std::uint32_t b);
    void disconnect(std::uint32_t a, std::uint32_t b);
    const p2pcdn_bitmap* shown_bits(std::uint32_t node, std::uint32_t content) const;
    void key_of(std::uint32_t node, unsigned char* out) const;
    std::uint32_t node_of(const unsigned char* key, std::size_t len) const;

    // transfers.cpp: requests, upload slots, flows, pieces arriving.
    void pump(std::uint32_t u);
    void flush_haves(std::uint32_t u);
    void queue_pump(std::uint32_t u);
    void drain_pumps();
    void pump_later(std::uint32_t u, double delay);
    void request_peer(std::uint32_t d, std::uint32_t node, std::uint32_t piece);
    void request_cdn(std::uint32_t d, std::uint32_t piece);
    void give_up(std::uint32_t d, std::uint32_t piece, int outcome);
    void withdraw_queued(std::uint32_t u, std::uint32_t count);
    static peer_request* find_request(ue& x, std::uint32_t piece);
    static void forget_request(ue& x, std::uint32_t piece);
    static bool is_queued(ue& x, std::uint32_t piece, std::uint32_t node);
    void start_flow(std::uint32_t node, std::uint32_t d, std::uint32_t piece);
    void move_piece(std::uint32_t up_port, std::uint32_t uploader, std::uint32_t d,
                    std::uint32_t piece, flow_tag tag);
    void serve_next(std::uint32_t node);
    void flow_done(std::uint32_t id, std::uint32_t gen);
    void receive(std::uint32_t d, std::uint32_t piece);
    void cancel_uploads(std::uint32_t u);
    void cancel_downloads(std::uint32_t u);
    uploader& uploader_of(std::uint32_t node);

    // cdn_topup.cpp: the rate-aware CDN top-up.
    double topup_deadline(const peer_class& cls) const;
    void topup_count_peer_piece(std::uint32_t u);
    std::uint32_t topup_set_limit(std::uint32_t u);  // returns the CDN limit it set

    const scenario& s_;
    std::vector<peer_class> classes_;
    event_queue queue_;
    flow_network net_{queue_};
    metrics m_;
    rng rng_;
    tracker_ptr tracker_;
    std::unique_ptr<nscf_model> nscf_;
    std::vector<arrival> arrivals_;
    std::vector<ue> ues_;
    std::vector<content_swarm> contents_;
    uploader css_;
    std::uint32_t css_node_ = 0;  // node index of the CSS: after the UEs
    std::uint32_t cdn_node_ = 0;  // the CDN as a flow's uploader
    double now_ = 0;
    double last_advance_ = 0;
    std::uint32_t zero_contents_ = 0;
    std::uint32_t present_ = 0;
    std::size_t next_arrival_ = 0;
    std::vector<std::uint32_t> pumps_;
    std::vector<p2pcdn_piece_request> requests_;
    std::vector<std::size_t> have_burst_;  // flush_haves: one neighbour's pieces
    std::uint32_t batch_ = 1;              // min(refill, requests)
};

}  // namespace p2pcdn_sim
