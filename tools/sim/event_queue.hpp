// The simulator's event queue: virtual time, earliest first. Events at the same time come out in
// the order they were pushed, so a run is a pure function of its seed.
#pragma once

#include <cstdint>
#include <vector>

namespace p2pcdn_sim {

enum class event_kind : std::uint8_t {
    arrival,      // a = peer
    flow_done,    // a = flow, b = the flow's generation when scheduled
    announce,     // a = peer, b = the peer's announce generation
    pump,         // a = peer: plan requests again after a refusal
    seed_leave,   // a = peer: done seeding
    abort,        // a = peer: gives up if still downloading
    stats_round,  // the tracker's statistics reach the NSCF
    ingest_done,  // a = ingest job
    expiry,       // a = content: a CDN TTL may have run out
    sample,       // metrics time series
};

struct event {
    double time = 0;
    std::uint64_t seq = 0;
    event_kind kind = event_kind::arrival;
    std::uint32_t a = 0;
    std::uint32_t b = 0;
};

class event_queue {
public:
    void push(double time, event_kind kind, std::uint32_t a = 0, std::uint32_t b = 0);
    bool empty() const noexcept { return heap_.empty(); }
    std::size_t size() const noexcept { return heap_.size(); }
    const event& top() const noexcept { return heap_.front(); }
    // Removes and returns the earliest event. Precondition: not empty.
    event pop();

private:
    // A type, not a function: std::push_heap and pop_heap inline it.
    struct later {
        bool operator()(const event& x, const event& y) const noexcept {
            return x.time > y.time || (x.time == y.time && x.seq > y.seq);
        }
    };
    std::vector<event> heap_;
    std::uint64_t next_seq_ = 0;
};

}  // namespace p2pcdn_sim
