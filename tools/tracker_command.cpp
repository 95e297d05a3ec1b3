// p2pcdn tracker: the tracker as an HTTP daemon (the Tracker AS of TR 23.844).
#include "cli_args.hpp"
#include "commands.hpp"
#include "daemon_log.hpp"
#include "daemon_setup.hpp"
#include "http_server.hpp"
#include "stats_pusher.hpp"
#include "tracker_routes.hpp"

#include <p2pcdn/p2pcdn.h>

#include <curl/curl.h>

#include <cerrno>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <stdexcept>
#include <string>

namespace p2pcdn_cli {
namespace {

const char* tracker_usage =
    "usage: p2pcdn tracker [options]\n"
    "\n"
    "Serves a tracker over HTTP (docs/protocol.md, \"Tracker HTTP API\"):\n"
    "  POST /announce          JSON announce; answers the JSON peer list\n"
    "  GET  /announce?...      BitTorrent announce; answers the bencoded peer list\n"
    "  GET  /stats/CONTENT     the content's statistics report (JSON)\n"
    "  POST /cdn/publish       publish CDN sources (JSON)\n"
    "  POST /cdn/withdraw      withdraw CDN sources (JSON)\n"
    "  POST /subscribe         {\"v\":1,\"content\":..,\"interval_ms\":..,\"url\":..}: POST the\n"
    "                          content's statistics to url every interval\n"
    "  GET  /health            liveness and counts\n"
    "\n"
    "options:\n"
    "  --listen ADDR:PORT        address to listen on (default 127.0.0.1:6969; IPv6 as\n"
    "                            [::1]:6969); port 0 picks a free port\n"
    "  --port-file FILE          write the port listened on to FILE once listening\n"
    "  --interval SECONDS        re-announce interval in answers (default 1800)\n"
    "  --max-peers N             peers per swarm (default 100000)\n"
    "  --max-swarms N            swarms (default 10000)\n"
    "  --threads N               HTTP worker threads (default 4)\n"
    "  --max-body BYTES          largest request body (default 16777216)\n"
    "  --max-subscriptions N     statistics subscriptions (default 64)\n"
    "  --log-json                log one JSON object per line instead of text\n"
    "  --help                    this text\n"
    "\n"
    "It prints \"listening on ADDR:PORT\" on stdout once ready, logs one line per request on\n"
    "stderr (never a query string), and stops cleanly on SIGINT or SIGTERM.\n"
    "Exit codes: 0 stopped by a signal, 1 could not start (address in use, port file not\n"
    "writable, ...), 2 bad usage.\n";

struct tracker_args {
    std::string address = "127.0.0.1";
    unsigned long port = 6969;
    std::string port_file;
    unsigned long interval_s = 1800;
    unsigned long max_peers = 0;
    unsigned long max_swarms = 0;
    unsigned long threads = 4;
    unsigned long max_body = 16ul << 20;
    unsigned long max_subscriptions = 64;
    bool log_json = false;
};

// A decimal number from min to max, or false.
bool number(const char* text, unsigned long min, unsigned long max, unsigned long& out) {
    const auto value = parse_integer(text, static_cast<std::int64_t>(min),
                                     static_cast<std::int64_t>(max));
    if (value) {
        out = static_cast<unsigned long>(*value);
    }
    return value.has_value();
}

// "127.0.0.1:6969", "[::1]:0".
bool listen_spec(const std::string& spec, tracker_args& args) {
    const auto listen = parse_listen(spec);
    if (listen) {
        args.address = listen->host;
        args.port = listen->port;
    }
    return listen.has_value();
}

bool parse(int argc, char** argv, tracker_args& args) {
    struct numeric {
        const char* name;
        unsigned long min, max;
        unsigned long* out;
    };
    const numeric numerics[] = {
        {"--interval", 1, 0xffffffffu, &args.interval_s},
        {"--max-peers", 1, 0xffffffffu, &args.max_peers},
        {"--max-swarms", 1, 0xffffffffu, &args.max_swarms},
        {"--threads", 1, 256, &args.threads},
        {"--max-body", 1, 1ul << 30, &args.max_body},
        {"--max-subscriptions", 1, 100000, &args.max_subscriptions},
    };
    for (int i = 1; i < argc; ++i) {
        const char* arg = argv[i];
        const bool has_value = i + 1 < argc;
        const numeric* found = nullptr;
        for (const numeric& n : numerics) {
            found = std::strcmp(arg, n.name) == 0 ? &n : found;
        }
        if (found != nullptr && has_value) {
            if (!number(argv[++i], found->min, found->max, *found->out)) {
                std::fprintf(stderr, "p2pcdn tracker: %s takes a number from %lu to %lu\n",
                             found->name, found->min, found->max);
                return false;
            }
        } else if (std::strcmp(arg, "--listen") == 0 && has_value) {
            if (!listen_spec(argv[++i], args)) {
                std::fprintf(stderr, "p2pcdn tracker: --listen takes ADDR:PORT, not '%s'\n",
                             argv[i]);
                return false;
            }
        } else if (std::strcmp(arg, "--port-file") == 0 && has_value) {
            args.port_file = argv[++i];
        } else if (std::strcmp(arg, "--log-json") == 0) {
            args.log_json = true;
        } else {
            std::fprintf(stderr, "p2pcdn tracker: unexpected argument '%s'\n", arg);
            return false;
        }
    }
    return true;
}

struct tracker_deleter {
    void operator()(p2pcdn_tracker* t) const { p2pcdn_tracker_free(t); }
};

std::unique_ptr<p2pcdn_tracker, tracker_deleter> make_tracker(const tracker_args& args) {
    p2pcdn_tracker_options opts = P2PCDN_TRACKER_OPTIONS_INIT;
    opts.interval_s = static_cast<uint32_t>(args.interval_s);
    // The library's default minimum (60 s) must not be above a short interval.
    opts.min_interval_s = static_cast<uint32_t>(args.interval_s < 60 ? args.interval_s : 60);
    opts.max_peers_per_swarm = static_cast<uint32_t>(args.max_peers);
    opts.max_swarms = static_cast<uint32_t>(args.max_swarms);
    p2pcdn_tracker* raw = nullptr;
    int rc = p2pcdn_tracker_new(&raw, &opts);
    std::unique_ptr<p2pcdn_tracker, tracker_deleter> t(raw);
    if (rc == P2PCDN_OK) {
        // Its thread delivers the statistics subscriptions and expires silent peers.
        rc = p2pcdn_tracker_start(t.get());
    }
    if (rc != P2PCDN_OK) {
        throw std::runtime_error(std::string("tracker: ") + p2pcdn_strerror(rc) + ": " +
                                 p2pcdn_last_error());
    }
    return t;
}

// Serves until SIGINT or SIGTERM. The signals are blocked before any thread starts (threads
// inherit the mask), so only sigwait() here ever sees them.
int serve(const tracker_args& args, const sigset_t& stop_signals) {
    daemon_log log(args.log_json);
    const auto tracker = make_tracker(args);
    push_settings push;
    push.max_subscriptions = args.max_subscriptions;
    stats_pusher pusher(tracker.get(), push, log);
    const tracker_routes routes(tracker.get(), pusher);

    http_server_options options;
    options.address = args.address;
    options.port = static_cast<std::uint16_t>(args.port);
    options.threads = static_cast<unsigned>(args.threads);
    options.max_body = args.max_body;
    options.error_reply = [](int status, const std::string& message) {
        return json_error_reply(status, status == 413 ? P2PCDN_ELIMIT : P2PCDN_ERROR, message);
    };
    http_server server(
        options, [&routes](const http_request& request) { return routes(request); },
        [&log](const http_request& request, const http_reply& reply,
               std::chrono::microseconds took) { log.request(request, reply, took); });
    if (!args.port_file.empty()) {
        write_port_file(args.port_file, server.port());
    }
    std::printf("listening on %s\n",
                listen_address{args.address, server.port()}.authority().c_str());
    std::fflush(stdout);

    int signal = 0;
    sigwait(&stop_signals, &signal);
    log.event("stopping", std::string("signal ") + strsignal(signal));
    // Leaving stops the server, then the pusher, then the tracker: no request arrives while
    // the pusher and the tracker go, and no report while the pusher goes.
    return exit_ok;
}

}  // namespace

int tracker_command(int argc, char** argv) {
    tracker_args args;
    const auto parse_args = [&] { return parse(argc, argv, args); };
    return daemon_main(argc, argv, tracker_usage, parse_args, [&](const sigset_t& stop_signals) {
        curl_global_init(CURL_GLOBAL_DEFAULT);
        int code = exit_failed;
        try {
            code = serve(args, stop_signals);
        } catch (const std::exception& e) {
            std::fprintf(stderr, "p2pcdn tracker: %s\n", e.what());
        }
        curl_global_cleanup();
        return code;
    });
}

}  // namespace p2pcdn_cli
