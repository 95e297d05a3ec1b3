// The subcommands of the p2pcdn program. Each takes its own arguments (argv[0] is the
// subcommand name) and returns the process exit code.
#pragma once

namespace p2pcdn_cli {

// Exit codes: 0 success, 1 the work failed, 2 bad usage.
constexpr int exit_ok = 0;
constexpr int exit_failed = 1;
constexpr int exit_usage = 2;

int hash_command(int argc, char** argv);
int tracker_command(int argc, char** argv);
int policy_command(int argc, char** argv);
int ingest_command(int argc, char** argv);
int purge_command(int argc, char** argv);
int ccs_command(int argc, char** argv);
int simulate_command(int argc, char** argv);

}  // namespace p2pcdn_cli
