// The command line of `p2pcdn simulate`, read into a scenario. Every value is checked against
// its bounds; a bad one is a usage_error with a one-line message.
#pragma once

#include "scenario.hpp"

#include <stdexcept>
#include <string>

namespace p2pcdn_sim {

class usage_error : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

struct command_options {
    scenario sim;
    std::string json_path;  // "-": stdout
    std::string svg_path;
    bool help = false;
};

// argv[0] is the subcommand's name. Throws usage_error.
command_options parse_simulate_args(int argc, char** argv);

// Checks a scenario's cross-field rules (policy options through the library's own checks,
// the size of the run). Throws usage_error.
void validate(const scenario& s);

extern const char* const simulate_usage;

}  // namespace p2pcdn_sim
