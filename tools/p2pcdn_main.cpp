// p2pcdn: the command line program. Dispatches to one subcommand.
#include "commands.hpp"

#include <p2pcdn/p2pcdn.h>

#include <cstdio>
#include <cstring>

namespace {

const char* usage =
    "usage: p2pcdn <command> [options]\n"
    "\n"
    "commands:\n"
    "  hash FILE      content layout and piece hashes of a file\n"
    "  tracker        the tracker as an HTTP daemon\n"
    "  policy         a dry-run decision of the configured policy on a statistics report\n"
    "  ingest         fetch pieces from the CSS and upload them to the CDN\n"
    "  purge          remove pieces from the CDN\n"
    "  ccs            the NSCF as a daemon: policy-driven ingest, publish and purge\n"
    "  simulate       a swarm in virtual time: CDN, CSS and peer bytes under a policy\n"
    "  version        library version and ABI\n"
    "\n"
    "`p2pcdn <command> --help` describes a command.\n";

}  // namespace

int main(int argc, char** argv) {
    if (argc < 2 || std::strcmp(argv[1], "--help") == 0 || std::strcmp(argv[1], "-h") == 0) {
        std::fputs(usage, argc < 2 ? stderr : stdout);
        return argc < 2 ? p2pcdn_cli::exit_usage : p2pcdn_cli::exit_ok;
    }
    const char* command = argv[1];
    if (std::strcmp(command, "hash") == 0) {
        return p2pcdn_cli::hash_command(argc - 1, argv + 1);
    }
    if (std::strcmp(command, "tracker") == 0) {
        return p2pcdn_cli::tracker_command(argc - 1, argv + 1);
    }
    if (std::strcmp(command, "policy") == 0) {
        return p2pcdn_cli::policy_command(argc - 1, argv + 1);
    }
    if (std::strcmp(command, "ingest") == 0) {
        return p2pcdn_cli::ingest_command(argc - 1, argv + 1);
    }
    if (std::strcmp(command, "purge") == 0) {
        return p2pcdn_cli::purge_command(argc - 1, argv + 1);
    }
    if (std::strcmp(command, "ccs") == 0) {
        return p2pcdn_cli::ccs_command(argc - 1, argv + 1);
    }
    if (std::strcmp(command, "simulate") == 0) {
        return p2pcdn_cli::simulate_command(argc - 1, argv + 1);
    }
    if (std::strcmp(command, "version") == 0) {
        std::printf("p2pcdn %s (ABI %u)\n", p2pcdn_version_string(), p2pcdn_abi_version());
        return p2pcdn_cli::exit_ok;
    }
    std::fprintf(stderr, "p2pcdn: unknown command '%s'\n\n%s", command, usage);
    return p2pcdn_cli::exit_usage;
}
