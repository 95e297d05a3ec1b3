// A run's results as JSON (one object: the scenario, the figures, the time series) and as the
// readable table `p2pcdn simulate` prints.
#pragma once

#include "metrics.hpp"
#include "scenario.hpp"

#include <string>

namespace p2pcdn_sim {

// The figures a report shows, derived once from the metrics.
struct summary {
    double p50 = 0, p95 = 0, p99 = 0, mean = 0, max = 0;  // completion times, s
    double css_egress = 0;                                // seed uploads plus ingests
    double storage_gb_hours = 0;
    double offload_bound = 0;  // (N - 1) / N
};

summary summarize(const metrics& m);

std::string to_json(const scenario& s, const metrics& m, const summary& sum);
std::string to_table(const scenario& s, const metrics& m, const summary& sum);

}  // namespace p2pcdn_sim
