#include "flow_network.hpp"

#include <algorithm>
#include <cmath>

namespace p2pcdn_sim {

std::uint32_t flow_network::add_port(double capacity, bool filling) {
    ports_.push_back(port_state{std::max(0.0, capacity), {}, filling, 0});
    return static_cast<std::uint32_t>(ports_.size() - 1);
}

double flow_network::share(std::uint32_t p) const {
    const port_state& x = ports_[p];
    return x.flows.empty() ? x.capacity : x.capacity / static_cast<double>(x.flows.size());
}

void flow_network::settle(flow& f, double now) {
    const double dt = now - f.last;
    if (dt > 0 && f.rate > 0) {
        const double moved = std::min(f.remaining, f.rate * dt);
        f.remaining -= moved;
        moved_[static_cast<std::size_t>(f.info.tag)] += moved;
    }
    f.last = now;
}

void flow_network::schedule(std::uint32_t id, double now) {
    flow& f = flows_[id];
    f.due = now + f.remaining / f.rate;
    ++f.gen;
    queue_.push(f.due, event_kind::flow_done, id, f.gen);
}

void flow_network::add_rate(flow& f, double rate) {
    rate_sum_[static_cast<std::size_t>(f.info.tag)] += rate - f.rate;
    if (!f.filling) {
        ports_[f.info.down_port].fixed_rate += rate - f.rate;
    }
    f.rate = rate;
}

void flow_network::set_rate(std::uint32_t id, double rate, double now) {
    flow& f = flows_[id];
    settle(f, now);
    add_rate(f, rate);
    // A pending event no later than the new end stays: it reschedules when it comes due.
    if (rate > 0 && (f.due < 0 || f.due > now + f.remaining / rate)) {
        schedule(id, now);
    }
}

bool flow_network::arrive(std::uint32_t id, std::uint32_t gen, double now) {
    if (!live(id) || flows_[id].gen != gen) {
        return false;  // rescheduled earlier since, or ended
    }
    flow& f = flows_[id];
    f.due = -1;
    settle(f, now);
    // What rounding leaves of a flow that ends now: well under a byte.
    if (f.remaining <= 1e-6 + f.rate * 1e-9) {
        return true;
    }
    if (f.rate > 0) {
        schedule(id, now);
    }
    return false;
}

// The flows of a filling port take what a download port's other flows leave. The other flows'
// rates are final here (a filling flow never limits them: they are held to their fair share of
// the port), so one pass levels the port.
void flow_network::level_filling(std::uint32_t p, double now) {
    const port_state& down = ports_[p];
    if (down.filling_in == 0) {
        return;
    }
    const double each = std::max(0.0, down.capacity - down.fixed_rate) / down.filling_in;
    for (const std::uint32_t id : down.flows) {
        const flow& f = flows_[id];
        if (!f.filling) {
            continue;
        }
        const double rate = std::min(share(f.info.up_port), each);
        // fixed_rate is a running sum: a difference in the last bits is not a change worth a
        // new event.
        if (std::abs(rate - f.rate) > 1e-9 * std::max(rate, f.rate)) {
            set_rate(id, rate, now);
        }
    }
}

void flow_network::update_port(std::uint32_t p, double now) {
    // A filling port's flows all end at one download port, which levels them when it is
    // updated (start and finish update both ends).
    if (ports_[p].filling) {
        return;
    }
    for (const std::uint32_t id : ports_[p].flows) {
        const flow& f = flows_[id];
        if (f.filling) {
            continue;
        }
        const double rate = std::min(share(f.info.up_port), share(f.info.down_port));
        if (rate == f.rate) {
            continue;
        }
        set_rate(id, rate, now);
        // An uploader's change moves the spare capacity at its downloaders.
        if (f.info.down_port != p) {
            level_filling(f.info.down_port, now);
        }
    }
    level_filling(p, now);
}

std::uint32_t flow_network::start(const flow_info& info, double bytes, double now) {
    std::uint32_t id = 0;
    if (free_ids_.empty()) {
        flows_.emplace_back();
        id = static_cast<std::uint32_t>(flows_.size() - 1);
    } else {
        id = free_ids_.back();
        free_ids_.pop_back();
    }
    flow& f = flows_[id];
    f.info = info;
    f.remaining = bytes;
    f.rate = 0;
    f.last = now;
    f.due = -1;
    ++f.gen;
    f.live = true;
    port_state& up = ports_[info.up_port];
    port_state& down = ports_[info.down_port];
    f.up_slot = static_cast<std::uint32_t>(up.flows.size());
    up.flows.push_back(id);
    f.down_slot = static_cast<std::uint32_t>(down.flows.size());
    down.flows.push_back(id);
    f.filling = up.filling;
    if (up.filling) {
        ++down.filling_in;
    }
    ++live_count_;
    update_port(info.up_port, now);
    update_port(info.down_port, now);
    return id;
}

void flow_network::detach(std::uint32_t p, std::uint32_t slot, bool is_up) {
    std::vector<std::uint32_t>& list = ports_[p].flows;
    const std::uint32_t moved_id = list.back();
    list[slot] = moved_id;
    list.pop_back();
    if (slot < list.size()) {
        flow& m = flows_[moved_id];
        // A flow whose two ends are the same port (never made by the simulator) would need both.
        if (is_up && m.info.up_port == p) {
            m.up_slot = slot;
        } else {
            m.down_slot = slot;
        }
    }
}

double flow_network::finish(std::uint32_t id, double now, bool completed) {
    flow& f = flows_[id];
    settle(f, now);
    if (completed) {
        moved_[static_cast<std::size_t>(f.info.tag)] += f.remaining;
        f.remaining = 0;
    }
    const double left = f.remaining;
    add_rate(f, 0);
    f.live = false;
    f.due = -1;
    ++f.gen;
    detach(f.info.up_port, f.up_slot, true);
    detach(f.info.down_port, f.down_slot, false);
    port_state& down_port = ports_[f.info.down_port];
    if (f.filling) {
        --down_port.filling_in;
    }
    // fixed_rate is a running sum: a port left with no other flows starts again from an exact
    // 0, so rounding never piles up for long.
    if (down_port.flows.size() == down_port.filling_in) {
        down_port.fixed_rate = 0;
    }
    --live_count_;
    free_ids_.push_back(id);
    const std::uint32_t up = f.info.up_port;
    const std::uint32_t down = f.info.down_port;
    update_port(up, now);
    update_port(down, now);
    return left;
}

}  // namespace p2pcdn_sim
