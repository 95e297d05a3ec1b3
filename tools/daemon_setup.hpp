// What the daemons of the p2pcdn program (tracker, ccs) share at start-up: the usage check,
// the signal setup, the --listen address and the --port-file.
#pragma once

#include <csignal>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>

namespace p2pcdn_cli {

// A daemon command from start to exit code: --help or -h as the first argument prints
// `usage` to stdout (exit_ok); arguments parse() refuses print it to stderr (exit_usage);
// otherwise the stop signals are blocked (block_stop_signals) and serve(their set) runs.
int daemon_main(int argc, char** argv, const char* usage, const std::function<bool()>& parse,
                const std::function<int(const sigset_t&)>& serve);

// Blocks SIGINT and SIGTERM in the calling thread and returns them as a set. Call it before
// any thread starts: threads inherit the mask, so only a sigwait/sigtimedwait on the set sees
// them. Also ignores SIGPIPE, so a peer closing its connection mid-write does not kill the
// daemon.
sigset_t block_stop_signals();

struct listen_address {
    std::string host;  // IPv4 dotted quad, or IPv6 without brackets
    std::uint16_t port = 0;
    // "127.0.0.1:6969", "[::1]:6969": as a URL's authority writes it.
    std::string authority() const;
};

// "127.0.0.1:6969", "[::1]:0"; nullopt when it is not ADDR:PORT with a port up to 65535.
std::optional<listen_address> parse_listen(const std::string& spec);

// Writes the port to `path` whole or not at all (a reader polling for the file never sees
// half a number); throws std::runtime_error when it cannot.
void write_port_file(const std::string& path, unsigned port);

}  // namespace p2pcdn_cli
