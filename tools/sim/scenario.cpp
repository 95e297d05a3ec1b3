#include "scenario.hpp"

namespace p2pcdn_sim {

const char* workload_name(workload_kind kind) {
    switch (kind) {
        case workload_kind::flash: return "flash";
        case workload_kind::decay: return "decay";
        case workload_kind::poisson: return "poisson";
        case workload_kind::zipf: return "zipf";
    }
    return "?";
}

const char* policy_name(policy_kind kind) {
    switch (kind) {
        case policy_kind::none: return "none";
        case policy_kind::all: return "all";
        case policy_kind::threshold: return "threshold";
        case policy_kind::budget: return "budget";
        case policy_kind::ttl: return "ttl";
        case policy_kind::random: return "random";
    }
    return "?";
}

// Residential access as it is spread today: asymmetric DSL, cable, fibre.
std::vector<peer_class> default_classes() {
    return {
        {"dsl", 1 * mbit, 16 * mbit, 0.3},
        {"cable", 5 * mbit, 50 * mbit, 0.5},
        {"fibre", 20 * mbit, 100 * mbit, 0.2},
    };
}

}  // namespace p2pcdn_sim
