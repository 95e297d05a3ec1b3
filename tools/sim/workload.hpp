// Workload generators: who arrives when, for which content, with which access class, and how
// long each peer stays. Everything is drawn up front from the scenario's seed.
#pragma once

#include "random.hpp"
#include "scenario.hpp"

#include <cstdint>
#include <limits>
#include <vector>

namespace p2pcdn_sim {

constexpr double never = std::numeric_limits<double>::infinity();

struct arrival {
    double time = 0;
    std::uint32_t content = 0;     // rank: 0 is the most popular
    std::uint32_t peer_class = 0;  // index into the classes
    bool free_rider = false;
    double seed_time = 0;        // stays this long after completing
    double abort_after = never;  // gives up this long after arriving, if still downloading
};

// Arrivals sorted by time (workload.peers of them). Classes must not be empty.
std::vector<arrival> generate_arrivals(const workload_config& w,
                                       const std::vector<peer_class>& classes, rng& r);

// The arrival times alone, for the generators' tests.
std::vector<double> arrival_times(const workload_config& w, rng& r);

}  // namespace p2pcdn_sim
