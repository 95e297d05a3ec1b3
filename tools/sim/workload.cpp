#include "workload.hpp"

#include <algorithm>

namespace p2pcdn_sim {

std::vector<double> arrival_times(const workload_config& w, rng& r) {
    std::vector<double> times;
    times.reserve(w.peers);
    switch (w.kind) {
        case workload_kind::flash:
            for (std::uint32_t i = 0; i < w.peers; ++i) {
                times.push_back(w.flash_window > 0 ? r.uniform() * w.flash_window : 0.0);
            }
            break;
        case workload_kind::decay:
            // Rate lambda0 * exp(-t / tau) normalised to N arrivals: each arrival time is an
            // exponential draw of mean tau (Guo et al., IMC 2005).
            for (std::uint32_t i = 0; i < w.peers; ++i) {
                times.push_back(r.exponential(w.decay_tau));
            }
            break;
        case workload_kind::poisson:
        case workload_kind::zipf: {
            double t = 0;
            for (std::uint32_t i = 0; i < w.peers; ++i) {
                t += r.exponential(1.0 / w.arrival_rate);
                times.push_back(t);
            }
            break;
        }
    }
    std::sort(times.begin(), times.end());
    return times;
}

std::vector<arrival> generate_arrivals(const workload_config& w,
                                       const std::vector<peer_class>& classes, rng& r) {
    const std::vector<double> times = arrival_times(w, r);
    double total_share = 0;
    for (const auto& c : classes) {
        total_share += c.share;
    }
    const zipf_sampler zipf(std::max<std::uint32_t>(w.contents, 1), w.zipf_alpha);
    std::vector<arrival> out;
    out.reserve(times.size());
    for (const double t : times) {
        arrival a;
        a.time = t;
        a.content = w.kind == workload_kind::zipf ? static_cast<std::uint32_t>(zipf.draw(r)) : 0;
        double pick = r.uniform() * total_share;
        a.peer_class = static_cast<std::uint32_t>(classes.size() - 1);
        for (std::size_t c = 0; c < classes.size(); ++c) {
            if (pick < classes[c].share) {
                a.peer_class = static_cast<std::uint32_t>(c);
                break;
            }
            pick -= classes[c].share;
        }
        a.free_rider = w.free_riders > 0 && r.uniform() < w.free_riders;
        a.seed_time = w.seed_time > 0 ? r.exponential(w.seed_time) : 0.0;
        a.abort_after = w.abort_rate > 0 ? r.exponential(1.0 / w.abort_rate) : never;
        out.push_back(a);
    }
    return out;
}

}  // namespace p2pcdn_sim
