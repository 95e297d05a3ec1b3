#include "daemon_setup.hpp"

#include "cli_args.hpp"
#include "commands.hpp"

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <stdexcept>

#include <pthread.h>

namespace p2pcdn_cli {

int daemon_main(int argc, char** argv, const char* usage, const std::function<bool()>& parse,
                const std::function<int(const sigset_t&)>& serve) {
    if (argc > 1 && is_help(argv[1])) {
        std::fputs(usage, stdout);
        return exit_ok;
    }
    if (!parse()) {
        std::fputs(usage, stderr);
        return exit_usage;
    }
    return serve(block_stop_signals());
}

sigset_t block_stop_signals() {
    sigset_t signals;
    sigemptyset(&signals);
    sigaddset(&signals, SIGINT);
    sigaddset(&signals, SIGTERM);
    pthread_sigmask(SIG_BLOCK, &signals, nullptr);
    std::signal(SIGPIPE, SIG_IGN);
    return signals;
}

std::string listen_address::authority() const {
    const bool ipv6 = host.find(':') != std::string::npos;
    return (ipv6 ? "[" + host + "]" : host) + ":" + std::to_string(port);
}

std::optional<listen_address> parse_listen(const std::string& spec) {
    const std::size_t colon = spec.rfind(':');
    if (colon == std::string::npos || colon == 0) {
        return std::nullopt;
    }
    listen_address out;
    out.host = spec.substr(0, colon);
    if (out.host.front() == '[') {
        if (out.host.size() < 3 || out.host.back() != ']') {
            return std::nullopt;
        }
        out.host = out.host.substr(1, out.host.size() - 2);
    }
    const auto port = parse_integer(spec.c_str() + colon + 1, 0, 65535);
    if (!port) {
        return std::nullopt;
    }
    out.port = static_cast<std::uint16_t>(*port);
    return out;
}

void write_port_file(const std::string& path, unsigned port) {
    const std::string partial = path + ".partial";
    std::FILE* file = std::fopen(partial.c_str(), "w");
    const bool written = file != nullptr && std::fprintf(file, "%u\n", port) >= 0;
    if (file == nullptr || std::fclose(file) != 0 || !written ||
        std::rename(partial.c_str(), path.c_str()) != 0) {
        throw std::runtime_error("cannot write the port file " + path + ": " +
                                 std::strerror(errno));
    }
}

}  // namespace p2pcdn_cli
