#include "flow_network.hpp"

#include <algorithm>

namespace p2pcdn_sim {

std::uint32_t flow_network::add_port(double capacity) {
    ports_.push_back(port_state{std::max(0.0, capacity), {}});
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

void flow_network::update_port(std::uint32_t p, double now) {
    for (const std::uint32_t id : ports_[p].flows) {
        flow& f = flows_[id];
        const double rate = std::min(share(f.info.up_port), share(f.info.down_port));
        if (rate == f.rate) {
            continue;
        }
        settle(f, now);
        rate_sum_[static_cast<std::size_t>(f.info.tag)] += rate - f.rate;
        f.rate = rate;
        ++f.gen;
        if (rate > 0) {
            queue_.push(now + f.remaining / rate, event_kind::flow_done, id, f.gen);
        }
    }
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
    ++f.gen;
    f.live = true;
    port_state& up = ports_[info.up_port];
    port_state& down = ports_[info.down_port];
    f.up_slot = static_cast<std::uint32_t>(up.flows.size());
    up.flows.push_back(id);
    f.down_slot = static_cast<std::uint32_t>(down.flows.size());
    down.flows.push_back(id);
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
    rate_sum_[static_cast<std::size_t>(f.info.tag)] -= f.rate;
    f.rate = 0;
    f.live = false;
    ++f.gen;
    detach(f.info.up_port, f.up_slot, true);
    detach(f.info.down_port, f.down_slot, false);
    --live_count_;
    free_ids_.push_back(id);
    const std::uint32_t up = f.info.up_port;
    const std::uint32_t down = f.info.down_port;
    update_port(up, now);
    update_port(down, now);
    return left;
}

}  // namespace p2pcdn_sim
