// Piece transfers as flows that share capacity.
//
// Every node has ports: an upload port and a download port, each with a capacity in bytes per
// second. A flow runs from an upload port to a download port; each port splits its capacity
// evenly among its active flows, and a flow moves at the smaller of its two shares:
//     rate(f) = min(cap(up) / active(up), cap(down) / active(down)).
// This is the model of BitTorrent-like simulators with per-connection fair shares (not max-min
// fairness: a flow held back at one end leaves its share at the other end unused). A flow that
// starts or ends changes the shares at its two ports only, so only the flows on those two ports
// are settled (bytes moved so far) and, when their rate changed, rescheduled: the queue gets a
// new flow_done event when the flow would now end earlier (the old one is recognised as stale
// by its generation), and the pending one is kept when it would end later (see arrive).
//
// One exception, for the CDN: a *filling* upload port (add_port with filling = true) serves one
// downloader only, and its flows take what the download port's other flows leave, split evenly:
//     rate(f) = min(cap(up), cap(down) - sum of the other flows' rates) / filling flows(down).
// That is what TCP does for a UE whose downlink is shared by slow peer connections and one fast
// server: the server's connections grow into the spare capacity (max-min fairness, computed
// exactly here because a filling port has no other downloader). Without it, a UE with 12 slow
// peer flows and 4 CDN flows could use a third of its downlink, and no CDN-assisted client
// behaves like that. A change at any flow of a download port re-levels its filling flows; the
// cascade ends there, since a filling port has no other flows.
#pragma once

#include "event_queue.hpp"

#include <array>
#include <cstdint>
#include <vector>

namespace p2pcdn_sim {

// What a flow carries, for the byte counters: peer to peer, CSS to peer, CDN to peer.
enum class flow_tag : std::uint8_t { peer = 0, css = 1, cdn = 2 };
constexpr std::size_t flow_tag_count = 3;

struct flow_info {
    std::uint32_t up_port = 0;
    std::uint32_t down_port = 0;
    std::uint32_t uploader = 0;    // the simulator's node index
    std::uint32_t downloader = 0;  // the simulator's node index
    std::uint32_t piece = 0;
    std::uint32_t content = 0;
    flow_tag tag = flow_tag::peer;
};

class flow_network {
public:
    explicit flow_network(event_queue& queue) : queue_(queue) {}

    // A new port; returns its index. Capacity in bytes per second (0: never moves a byte).
    // filling: an upload port whose flows all go to one download port and take its spare
    // capacity (see above).
    std::uint32_t add_port(double capacity, bool filling = false);
    double capacity(std::uint32_t port) const { return ports_[port].capacity; }
    std::size_t active(std::uint32_t port) const { return ports_[port].flows.size(); }
    const std::vector<std::uint32_t>& flows_at(std::uint32_t port) const {
        return ports_[port].flows;
    }

    // Starts moving `bytes` (> 0) for `info` at time now; returns the flow's id.
    std::uint32_t start(const flow_info& info, double bytes, double now);
    // Ends a flow at time now: completed (its last bytes count as moved, whatever rounding
    // left) or cancelled. Returns the bytes it did not move.
    double finish(std::uint32_t id, double now, bool completed);

    // A flow_done event of flow id came due: true when the flow has moved all its bytes (the
    // caller then finishes it). A rate cut does not move a flow's pending event later; the
    // event comes due first, finds bytes left, and is scheduled again here. So the queue gets
    // a new event only when a flow would end earlier than its pending one.
    bool arrive(std::uint32_t id, std::uint32_t gen, double now);

    bool live(std::uint32_t id) const { return id < flows_.size() && flows_[id].live; }
    std::uint32_t generation(std::uint32_t id) const { return flows_[id].gen; }
    const flow_info& info(std::uint32_t id) const { return flows_[id].info; }
    double rate(std::uint32_t id) const { return flows_[id].rate; }
    // Bytes still to move, as of the last settle.
    double remaining(std::uint32_t id) const { return flows_[id].remaining; }
    std::size_t live_count() const noexcept { return live_count_; }

    // Sum of the rates of the live flows of a tag, bytes per second.
    double rate_sum(flow_tag tag) const { return rate_sum_[static_cast<std::size_t>(tag)]; }
    // Bytes moved so far by flows of a tag, up to their last settle (done and cancelled flows
    // count what they moved).
    double moved(flow_tag tag) const { return moved_[static_cast<std::size_t>(tag)]; }

private:
    struct port_state {
        double capacity = 0;
        std::vector<std::uint32_t> flows;
        bool filling = false;          // an upload port whose flows take spare capacity
        std::uint32_t filling_in = 0;  // a download port: how many of its flows are filling
        double fixed_rate = 0;         // a download port: the sum of its other flows' rates
    };
    struct flow {
        flow_info info;
        double remaining = 0;
        double rate = 0;
        double last = 0;  // time of the last settle
        double due = -1;  // time of its pending flow_done event; -1: none
        std::uint32_t gen = 0;
        std::uint32_t up_slot = 0;  // position in the ports' flow lists
        std::uint32_t down_slot = 0;
        bool live = false;
        bool filling = false;  // from a filling port
    };

    void settle(flow& f, double now);
    void update_port(std::uint32_t port, double now);
    void set_rate(std::uint32_t id, double rate, double now);
    void schedule(std::uint32_t id, double now);
    void level_filling(std::uint32_t down_port, double now);
    double share(std::uint32_t port) const;
    void add_rate(flow& f, double rate);  // f.rate = rate, and the sums that count it
    void detach(std::uint32_t port, std::uint32_t slot, bool is_up);

    event_queue& queue_;
    std::vector<port_state> ports_;
    std::vector<flow> flows_;
    std::vector<std::uint32_t> free_ids_;
    std::size_t live_count_ = 0;
    std::array<double, flow_tag_count> rate_sum_{};
    std::array<double, flow_tag_count> moved_{};
};

}  // namespace p2pcdn_sim
