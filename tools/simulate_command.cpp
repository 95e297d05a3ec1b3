// p2pcdn simulate: the swarm simulator (tools/sim) on the library's tracker, planner and
// storage-control policies.
#include "commands.hpp"

#include "sim/library.hpp"
#include "sim/report.hpp"
#include "sim/scenario_args.hpp"
#include "sim/simulator.hpp"
#include "sim/svg_plot.hpp"

#include <cstdio>
#include <fstream>
#include <string>

namespace p2pcdn_cli {
namespace {

bool write_file(const std::string& path, const std::string& text) {
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out << text;
    out.close();
    if (!out) {
        std::fprintf(stderr, "p2pcdn simulate: cannot write '%s'\n", path.c_str());
        return false;
    }
    return true;
}

}  // namespace

int simulate_command(int argc, char** argv) {
    p2pcdn_sim::command_options options;
    try {
        options = p2pcdn_sim::parse_simulate_args(argc, argv);
    } catch (const p2pcdn_sim::usage_error& e) {
        std::fprintf(stderr, "p2pcdn simulate: %s\n(see p2pcdn simulate --help)\n", e.what());
        return exit_usage;
    }
    if (options.help) {
        std::fputs(p2pcdn_sim::simulate_usage, stdout);
        return exit_ok;
    }
    const p2pcdn_sim::scenario& s = options.sim;
    p2pcdn_sim::metrics m;
    try {
        p2pcdn_sim::simulator sim(s);
        m = sim.run();
    } catch (const p2pcdn_sim::sim_error& e) {
        std::fprintf(stderr, "p2pcdn simulate: %s\n", e.what());
        return exit_failed;
    }
    const p2pcdn_sim::summary sum = p2pcdn_sim::summarize(m);
    bool ok = true;
    if (options.json_path == "-") {
        std::fputs(p2pcdn_sim::to_json(s, m, sum).c_str(), stdout);
    } else {
        std::fputs(p2pcdn_sim::to_table(s, m, sum).c_str(), stdout);
        if (!options.json_path.empty()) {
            ok = write_file(options.json_path, p2pcdn_sim::to_json(s, m, sum)) && ok;
        }
    }
    if (!options.svg_path.empty()) {
        const std::string title = std::string("p2pcdn simulate: ") +
                                  p2pcdn_sim::workload_name(s.workload.kind) + ", policy " +
                                  p2pcdn_sim::policy_name(s.policy.kind) + ", " +
                                  std::to_string(s.workload.peers) + " peers";
        ok = write_file(options.svg_path, p2pcdn_sim::svg_plot(m, title)) && ok;
    }
    return ok ? exit_ok : exit_failed;
}

}  // namespace p2pcdn_cli
