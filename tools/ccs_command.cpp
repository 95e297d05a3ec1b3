// p2pcdn ccs: the NSCF as a daemon (the CCS of TR 23.844 steps 2 to 5 and 9 to 11).
//
// Every NSCF call is made from the main thread: it steps the NSCF (a short CDN wait while jobs
// run, else a short sleep that also watches for SIGINT and SIGTERM), feeds it the newest
// statistics report the listener's thread received, joins the swarm and subscribes until the
// tracker answers, and polls instead of subscribing when told to (p2pcdn_nscf_request_stats
// cannot be used while the NSCF's own controller thread runs). So the NSCF's events, logged by
// its callback, come on the main thread too, in order with the daemon's own lines.
#include "ccs_config.hpp"
#include "ccs_content.hpp"
#include "ccs_events.hpp"
#include "cli_args.hpp"
#include "commands.hpp"
#include "daemon_log.hpp"
#include "daemon_setup.hpp"
#include "stats_receiver.hpp"

#include <p2pcdn/p2pcdn.h>

#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <cstring>
#include <ctime>
#include <limits>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

namespace p2pcdn_cli {
namespace {

const char* ccs_usage =
    "usage: p2pcdn ccs --config FILE [options]\n"
    "\n"
    "Runs the NSCF of one content as a daemon: joins the content's swarm at the tracker as a\n"
    "network peer, takes the swarm's statistics, runs the configured policy on each report,\n"
    "ingests the pieces it picks from the CSS into the CDN, publishes the confirmed uploads to\n"
    "the tracker, and withdraws then purges what the policy lets go or what nears its TTL.\n"
    "The configuration (docs/protocol.md, \"CCS configuration file\") needs content, css, cdn,\n"
    "policy, tracker.url and journal.path. Every change is journaled: a restart recovers.\n"
    "\n"
    "options:\n"
    "  --config FILE           the CCS configuration (required)\n"
    "  --listen ADDR:PORT      where the tracker POSTs statistics (POST /stats; default\n"
    "                          127.0.0.1:0, a free port)\n"
    "  --port-file FILE        write the port listened on to FILE once ready\n"
    "  --callback-url URL      the URL the tracker is given (default http://LISTEN/stats)\n"
    "  --stats-interval MS     the subscription's interval (100 to 86400000; default 2000)\n"
    "  --poll-interval MS      poll GET /stats/CONTENT every MS instead of subscribing\n"
    "  --rejoin-interval MS    announce to the swarm again every MS (1000 to 86400000; default\n"
    "                          60000): a tracker drops a peer silent for two of its intervals\n"
    "  --peer-id HEX           the NSCF's peer id, 1 to 20 bytes (default: \"ccs-\" and the\n"
    "                          host name, at most 20 bytes)\n"
    "  --address ADDR          the peer's advertised address (default: the listen address,\n"
    "                          127.0.0.1 for a wildcard)\n"
    "  --port PORT             the peer's advertised port (default: the listen port)\n"
    "  --metrics-interval S    log the metrics every S seconds (default 0: at exit only)\n"
    "  --purge-on-exit         on SIGINT/SIGTERM withdraw everything and purge every object\n"
    "                          (default: leave them to the journal and the next start)\n"
    "  --once                  one round: join, request statistics, decide, act, wait for the\n"
    "                          CDN jobs, print the metrics as JSON on stdout, exit\n"
    "  --log-json              log one JSON object per line instead of text\n"
    "  --help                  this text\n"
    "\n"
    "It prints \"listening on ADDR:PORT\" on stdout once ready and logs every decision and\n"
    "action on stderr, one line each (docs/protocol.md, \"p2pcdn ccs log\").\n"
    "When the reports stop and a new subscription is taken (a tracker that restarted), it\n"
    "joins again and sends its CDN source again (p2pcdn_nscf_recover).\n"
    "Exit codes: 0 stopped by a signal (or --once done), 1 could not start or failed, or\n"
    "--purge-on-exit left objects in the CDN, 2 bad usage or configuration.\n";

constexpr int step_wait_ms = 100;  // the CDN wait of one step while jobs run
constexpr int idle_wait_ms = 50;   // the sleep between steps while none do
constexpr std::int64_t retry_first_ms = 500;
constexpr std::int64_t retry_max_ms = 10'000;
constexpr int shutdown_timeout_ms = 30'000;
constexpr std::int64_t once_timeout_ms = 120'000;

struct ccs_args {
    std::string config;
    listen_address listen{"127.0.0.1", 0};
    std::string port_file;
    std::string callback_url;
    std::int64_t stats_interval_ms = 2000;
    std::int64_t poll_interval_ms = 0;
    std::int64_t rejoin_interval_ms = 60'000;
    std::string peer_id;  // bytes
    std::string peer_address;
    std::int64_t peer_port = -1;
    std::int64_t metrics_interval_s = 0;
    bool purge_on_exit = false;
    bool once = false;
    bool log_json = false;
};

bool hex_bytes(const std::string& hex, std::string& out) {
    if (hex.empty() || hex.size() % 2 != 0 || hex.size() > 2 * P2PCDN_PEER_ID_MAX) {
        return false;
    }
    out.clear();
    for (std::size_t i = 0; i < hex.size(); i += 2) {
        const std::string pair = hex.substr(i, 2);
        if (pair.find_first_not_of("0123456789abcdefABCDEF") != std::string::npos) {
            return false;
        }
        out += static_cast<char>(std::stoi(pair, nullptr, 16));
    }
    return true;
}

bool parse(int argc, char** argv, ccs_args& args) {
    struct numeric {
        const char* name;
        std::int64_t min, max;
        std::int64_t* out;
    };
    const numeric numerics[] = {
        {"--stats-interval", 100, 86'400'000, &args.stats_interval_ms},
        {"--poll-interval", 100, 86'400'000, &args.poll_interval_ms},
        {"--rejoin-interval", 1000, 86'400'000, &args.rejoin_interval_ms},
        {"--port", 0, 65535, &args.peer_port},
        {"--metrics-interval", 0, 86'400, &args.metrics_interval_s},
    };
    for (int i = 1; i < argc; ++i) {
        const char* arg = argv[i];
        const bool has_value = i + 1 < argc;
        const numeric* found = nullptr;
        for (const numeric& n : numerics) {
            found = std::strcmp(arg, n.name) == 0 ? &n : found;
        }
        if (found != nullptr && has_value) {
            const auto value = parse_integer(argv[++i], found->min, found->max);
            if (!value) {
                std::fprintf(stderr, "p2pcdn ccs: %s takes a number from %lld to %lld\n",
                             found->name, static_cast<long long>(found->min),
                             static_cast<long long>(found->max));
                return false;
            }
            *found->out = *value;
        } else if (std::strcmp(arg, "--config") == 0 && has_value) {
            args.config = argv[++i];
        } else if (std::strcmp(arg, "--listen") == 0 && has_value) {
            const auto listen = parse_listen(argv[++i]);
            if (!listen) {
                std::fprintf(stderr, "p2pcdn ccs: --listen takes ADDR:PORT, not '%s'\n", argv[i]);
                return false;
            }
            args.listen = *listen;
        } else if (std::strcmp(arg, "--port-file") == 0 && has_value) {
            args.port_file = argv[++i];
        } else if (std::strcmp(arg, "--callback-url") == 0 && has_value) {
            args.callback_url = argv[++i];
        } else if (std::strcmp(arg, "--peer-id") == 0 && has_value) {
            if (!hex_bytes(argv[++i], args.peer_id)) {
                std::fprintf(stderr, "p2pcdn ccs: --peer-id takes 1 to %d bytes in hex\n",
                             P2PCDN_PEER_ID_MAX);
                return false;
            }
        } else if (std::strcmp(arg, "--address") == 0 && has_value) {
            args.peer_address = argv[++i];
        } else if (std::strcmp(arg, "--purge-on-exit") == 0) {
            args.purge_on_exit = true;
        } else if (std::strcmp(arg, "--once") == 0) {
            args.once = true;
        } else if (std::strcmp(arg, "--log-json") == 0) {
            args.log_json = true;
        } else {
            std::fprintf(stderr, "p2pcdn ccs: unexpected argument '%s'\n", arg);
            return false;
        }
    }
    if (args.config.empty()) {
        std::fputs("p2pcdn ccs: no --config given\n", stderr);
        return false;
    }
    return true;
}

std::string default_peer_id() {
    char host[256] = "";
    if (gethostname(host, sizeof host - 1) != 0) {
        host[0] = '\0';
    }
    return ("ccs-" + std::string(host)).substr(0, P2PCDN_PEER_ID_MAX);
}

bool wildcard(const std::string& host) {
    return host == "0.0.0.0" || host == "::";
}

std::int64_t monotonic_ms() {
    return std::chrono::duration_cast<std::chrono::milliseconds>(
               std::chrono::steady_clock::now().time_since_epoch())
        .count();
}

// Waits up to ms for SIGINT or SIGTERM (blocked in every thread); the signal, or 0.
int wait_signal(const sigset_t& signals, int ms) {
    timespec wait{ms / 1000, static_cast<long>(ms % 1000) * 1'000'000L};
    const int got = sigtimedwait(&signals, nullptr, &wait);
    return got > 0 ? got : 0;
}

std::string library_error(const char* what, int rc) {
    return std::string(what) + ": " + p2pcdn_strerror(rc) + ": " + p2pcdn_last_error();
}

struct global_library {
    int rc = p2pcdn_global_init();  // the new count, or an error
    ~global_library() {
        if (rc > 0) {
            p2pcdn_global_cleanup();
        }
    }
};

struct policy_deleter {
    void operator()(p2pcdn_policy* p) const { p2pcdn_policy_free(p); }
};
struct nscf_deleter {
    void operator()(p2pcdn_nscf* n) const { p2pcdn_nscf_free(n); }
};
using nscf_ptr = std::unique_ptr<p2pcdn_nscf, nscf_deleter>;

void P2PCDN_CALLBACK log_event(const p2pcdn_nscf_event* event, void* payload) {
    try {
        static_cast<daemon_log*>(payload)->fields(event->name, event_fields(*event));
    } catch (...) {
        // Out of memory for a log line: the NSCF goes on regardless.
    }
}

// The configuration and what it makes, checked before anything is started (config_error).
struct ccs_setup {
    std::unique_ptr<ccs_config> config;
    content_ptr content;
    std::unique_ptr<p2pcdn_policy, policy_deleter> policy;
};

ccs_setup load_setup(const std::string& path) {
    ccs_setup s;
    s.config = load_ccs_config(path, true);
    const ccs_config& c = *s.config;
    const char* missing = !c.content               ? "content"
                          : !c.cdn                 ? "cdn"
                          : !c.policy              ? "policy"
                          : c.tracker_url.empty()  ? "tracker.url"
                          : c.journal_path.empty() ? "journal.path"
                                                   : nullptr;
    if (missing != nullptr) {
        throw config_error(std::string(missing) + ": required by p2pcdn ccs");
    }
    s.content = load_content(*c.content, true, nullptr);
    s.policy.reset(make_policy(c));
    return s;
}

std::vector<log_field> metrics_fields(p2pcdn_nscf* nscf) {
    p2pcdn_nscf_metrics m = P2PCDN_NSCF_METRICS_INIT;
    std::vector<log_field> out;
    if (p2pcdn_nscf_metrics_get(nscf, &m) != P2PCDN_OK) {
        return out;
    }
    const std::pair<const char*, std::uint64_t> counters[] = {
        {"rounds", m.rounds},
        {"pieces_ingested", m.pieces_ingested},
        {"bytes_ingested", m.bytes_ingested},
        {"pieces_purged", m.pieces_purged},
        {"bytes_purged", m.bytes_purged},
        {"pieces_expired", m.pieces_expired},
        {"bytes_expired", m.bytes_expired},
        {"publishes", m.publishes},
        {"withdrawals", m.withdrawals},
        {"renewals", m.renewals},
        {"reuploads", m.reuploads},
        {"deferred", m.deferred},
        {"ingest_failures", m.ingest_failures},
        {"purge_failures", m.purge_failures},
        {"link_failures", m.link_failures},
        {"policy_failures", m.policy_failures},
        {"uncertain_settled", m.uncertain_settled},
    };
    for (const auto& c : counters) {
        out.push_back({c.first, std::to_string(c.second), true});
    }
    p2pcdn_nscf_holdings* holdings = nullptr;
    if (p2pcdn_nscf_snapshot(nscf, &holdings) == P2PCDN_OK) {
        std::size_t held = 0, published = 0;
        p2pcdn_nscf_holdings_count(holdings, &held);
        p2pcdn_nscf_holdings_count_in(holdings, P2PCDN_HOLDING_PUBLISHED, &published);
        p2pcdn_nscf_holdings_free(holdings);
        out.push_back({"held", std::to_string(held), true});
        out.push_back({"published", std::to_string(published), true});
    }
    return out;
}

std::string metrics_json(p2pcdn_nscf* nscf) {
    std::string out = "{\"v\":1,\"type\":\"metrics\",\"content\":\"";
    out += p2pcdn_nscf_content_id(nscf);  // content id characters: nothing to escape
    out += "\"";
    for (const log_field& f : metrics_fields(nscf)) {
        out += ",\"" + f.key + "\":" + f.value;
    }
    return out + "}";
}

// Retries an action every retry_first_ms, doubling up to retry_max_ms, until it succeeds.
struct retry_timer {
    std::int64_t next_ms = 0;
    std::int64_t delay_ms = retry_first_ms;
    bool due(std::int64_t now) const { return now >= next_ms; }
    void failed(std::int64_t now) {
        next_ms = now + delay_ms;
        delay_ms = std::min(delay_ms * 2, retry_max_ms);
    }
    void succeeded() { delay_ms = retry_first_ms; }
};

class ccs_daemon {
public:
    ccs_daemon(const ccs_args& args, daemon_log& log, p2pcdn_nscf* nscf, stats_receiver& receiver,
               std::string tracker_url, std::string callback_url)
        : args_(args),
          log_(log),
          nscf_(nscf),
          receiver_(receiver),
          tracker_url_(std::move(tracker_url)),
          callback_url_(std::move(callback_url)),
          content_id_(p2pcdn_nscf_content_id(nscf)) {}

    // Until a signal; exit_failed when the NSCF fails for good (its journal).
    int serve(const sigset_t& signals) {
        std::int64_t next_metrics = monotonic_ms() + args_.metrics_interval_s * 1000;
        for (;;) {
            const std::int64_t now = monotonic_ms();
            keep_joined(now);
            if (args_.poll_interval_ms != 0) {
                poll(now);
            } else {
                keep_subscribed(now);
            }
            if (!feed_stats()) {
                return exit_failed;
            }
            size_t running = 0;
            const int rc = p2pcdn_nscf_step(nscf_, step_wait_ms, &running);
            if (rc != P2PCDN_OK) {
                log_.event("failed", library_error("step", rc));
                return exit_failed;
            }
            if (args_.metrics_interval_s != 0 && now >= next_metrics) {
                log_.fields("metrics", metrics_fields(nscf_));
                next_metrics = now + args_.metrics_interval_s * 1000;
            }
            const int signal = wait_signal(signals, running == 0 ? idle_wait_ms : 0);
            if (signal != 0) {
                log_.event("stopping", std::string("signal ") + strsignal(signal));
                return exit_ok;
            }
        }
    }

    // One round: exit_ok once the CDN jobs it started are done and their outcome published.
    int once(const sigset_t& signals) {
        int rc = p2pcdn_nscf_join(nscf_);
        if (rc != P2PCDN_OK) {
            log_.event("join_failed", library_error("join", rc));
            return exit_failed;
        }
        log_.fields("joined", {{"content", content_id_, false}});
        rc = p2pcdn_nscf_request_stats(nscf_);
        if (rc != P2PCDN_OK) {
            log_.event("stats_failed", library_error("request_stats", rc));
            return exit_failed;
        }
        const std::int64_t deadline = monotonic_ms() + once_timeout_ms;
        // A step that starts nothing after one with nothing running: publishes and purges that
        // follow finished jobs are started by the step after them.
        int idle_steps = 0;
        while (idle_steps < 2) {
            size_t running = 0;
            rc = p2pcdn_nscf_step(nscf_, step_wait_ms, &running);
            if (rc != P2PCDN_OK) {
                log_.event("failed", library_error("step", rc));
                return exit_failed;
            }
            idle_steps = running == 0 ? idle_steps + 1 : 0;
            if (monotonic_ms() > deadline || wait_signal(signals, 0) != 0) {
                log_.event("stopping", "before the round's CDN jobs ended");
                return exit_failed;
            }
        }
        std::printf("%s\n", metrics_json(nscf_).c_str());
        std::fflush(stdout);
        return exit_ok;
    }

private:
    // Joins, then joins again every --rejoin-interval: a tracker forgets a peer, a network
    // peer too, that has not announced for two of its intervals.
    void keep_joined(std::int64_t now) {
        if (joined_ ? now < next_join_ms_ : !join_retry_.due(now)) {
            return;
        }
        const int rc = p2pcdn_nscf_join(nscf_);
        if (rc == P2PCDN_OK) {
            if (!joined_) {
                log_.fields("joined", {{"content", content_id_, false}});
            }
            joined_ = true;
            next_join_ms_ = now + args_.rejoin_interval_ms;
            join_retry_.succeeded();
        } else {
            joined_ = false;
            join_retry_.failed(now);
            log_.event("join_failed", library_error("join", rc));
        }
    }

    // After the reports went silent and a new subscription was taken, the tracker has most
    // likely restarted and forgotten this peer and its CDN source: the NSCF believes the source
    // is published, so only a recover sends it again.
    void resync(std::int64_t now) {
        joined_ = false;
        keep_joined(now);
        const int rc = p2pcdn_nscf_recover(nscf_);
        if (rc == P2PCDN_OK) {
            log_.fields("resynced", {{"content", content_id_, false}});
        } else {
            log_.event("resync_failed", library_error("recover", rc));
        }
    }

    // Subscribes until the tracker takes it, and again when the reports stop coming (a tracker
    // restarted has forgotten its subscriptions).
    void keep_subscribed(std::int64_t now) {
        const std::int64_t silence = std::max<std::int64_t>(3 * args_.stats_interval_ms, 5000);
        const bool stale = subscribed_ && now - last_report_ms_ > silence;
        if ((subscribed_ && !stale) || !subscribe_retry_.due(now)) {
            return;
        }
        std::string why;
        if (subscribe_stats(tracker_url_, content_id_, args_.stats_interval_ms, callback_url_,
                            why)) {
            const bool was_silent = stale || resubscribing_;
            subscribed_ = true;
            resubscribing_ = false;
            last_report_ms_ = now;
            subscribe_retry_.succeeded();
            log_.fields("subscribed",
                        {{"tracker", url_origin(tracker_url_), false},
                         {"interval_ms", std::to_string(args_.stats_interval_ms), true},
                         {"callback", loggable_url(callback_url_), false}});
            if (was_silent) {
                resync(now);
            }
        } else {
            resubscribing_ = resubscribing_ || stale;
            subscribed_ = false;
            subscribe_retry_.failed(now);
            log_.event("subscribe_failed", why);
        }
    }

    void poll(std::int64_t now) {
        if (now < next_poll_ms_) {
            return;
        }
        next_poll_ms_ = now + args_.poll_interval_ms;
        const int rc = p2pcdn_nscf_request_stats(nscf_);
        if (rc != P2PCDN_OK) {
            log_.event("stats_failed", library_error("request_stats", rc));
        }
    }

    // The newest pushed report to the NSCF; false when it fails for good.
    bool feed_stats() {
        stats_ptr report = receiver_.take();
        if (!report) {
            return true;
        }
        last_report_ms_ = monotonic_ms();
        const int rc = p2pcdn_nscf_on_stats(nscf_, report.get());
        if (rc != P2PCDN_OK) {
            log_.event("stats_refused", library_error("on_stats", rc));
        }
        return rc != P2PCDN_EIO;
    }

    const ccs_args& args_;
    daemon_log& log_;
    p2pcdn_nscf* nscf_;
    stats_receiver& receiver_;
    std::string tracker_url_;
    std::string callback_url_;
    std::string content_id_;
    bool joined_ = false;
    std::int64_t next_join_ms_ = 0;
    bool subscribed_ = false;
    bool resubscribing_ = false;  // the reports stopped; no new subscription taken yet
    std::int64_t last_report_ms_ = 0;
    std::int64_t next_poll_ms_ = 0;
    retry_timer join_retry_;
    retry_timer subscribe_retry_;
};

// Without --purge-on-exit the CDN objects and the tracker's advertisement stay as the journal
// records them (the advertisement ends a margin before the objects' TTL on its own); the next
// start recovers from the journal and carries on.
// False when the shutdown failed, or a purge was asked for and left objects in the CDN.
bool finish(p2pcdn_nscf* nscf, bool purge, daemon_log& log) {
    int clean = 0;
    const int rc =
        p2pcdn_nscf_shutdown(nscf, purge ? 1 : 0, purge ? shutdown_timeout_ms : 0, &clean);
    if (rc != P2PCDN_OK) {
        log.event("shutdown_failed", library_error("shutdown", rc));
        return false;
    }
    std::vector<log_field> fields = metrics_fields(nscf);
    fields.insert(fields.begin(), {{"purge", purge ? "true" : "false", true},
                                   {"clean", clean != 0 ? "true" : "false", true}});
    log.fields("shutdown", fields);
    return !purge || clean != 0;
}

int run(const ccs_args& args, const sigset_t& signals) {
    daemon_log log(args.log_json);
    ccs_setup setup;
    try {
        setup = load_setup(args.config);
    } catch (const config_error& e) {
        std::fprintf(stderr, "p2pcdn ccs: %s\n", e.what());
        return exit_usage;
    }
    const ccs_config& config = *setup.config;
    const global_library library;
    if (library.rc <= 0) {
        std::fprintf(stderr, "p2pcdn ccs: %s\n", library_error("global_init", library.rc).c_str());
        return exit_failed;
    }
    const std::string content_id = p2pcdn_content_id(setup.content.get());
    stats_receiver receiver(args.listen.host, args.listen.port, content_id, log);
    listen_address bound = args.listen;
    bound.port = receiver.port();
    listen_address reachable = bound;
    if (wildcard(reachable.host)) {
        reachable.host = reachable.host == "::" ? "::1" : "127.0.0.1";
    }
    const std::string callback_url = !args.callback_url.empty()
                                         ? args.callback_url
                                         : "http://" + reachable.authority() + "/stats";

    const std::string peer_id = !args.peer_id.empty() ? args.peer_id : default_peer_id();
    const std::string peer_address =
        !args.peer_address.empty() ? args.peer_address : reachable.host;
    p2pcdn_nscf_options opts = P2PCDN_NSCF_OPTIONS_INIT;
    opts.content = setup.content.get();
    opts.css = config.css_options();
    opts.cdn = config.cdn_options();
    opts.policy = setup.policy.get();
    opts.tracker_url = config.tracker_url.c_str();
    opts.journal_path = config.journal_path.c_str();
    opts.controller_id = "ccs";
    opts.safety_margin_ms = config.safety_margin_s * 1000;
    opts.default_ttl_s = static_cast<uint32_t>(config.ttl_s);
    opts.peer_id = peer_id.data();
    opts.peer_id_len = peer_id.size();
    opts.address = peer_address.c_str();
    opts.port = static_cast<uint16_t>(args.peer_port >= 0 ? args.peer_port : bound.port);
    opts.event_cb = log_event;
    opts.event_payload = &log;
    p2pcdn_nscf* raw = nullptr;
    // Recovery runs here, and its events are logged before it returns.
    const int rc = p2pcdn_nscf_new(&raw, &opts);
    if (rc != P2PCDN_OK) {
        std::fprintf(stderr, "p2pcdn ccs: %s\n", library_error("nscf", rc).c_str());
        return exit_failed;
    }
    const nscf_ptr nscf(raw);
    ccs_daemon daemon(args, log, nscf.get(), receiver, config.tracker_url, callback_url);
    if (args.once) {
        const int code = daemon.once(signals);
        return finish(nscf.get(), args.purge_on_exit, log) ? code : exit_failed;
    }
    if (!args.port_file.empty()) {
        write_port_file(args.port_file, bound.port);
    }
    std::printf("listening on %s\n", bound.authority().c_str());
    std::fflush(stdout);
    const int code = daemon.serve(signals);
    return finish(nscf.get(), args.purge_on_exit, log) ? code : exit_failed;
}

}  // namespace

int ccs_command(int argc, char** argv) {
    ccs_args args;
    const auto parse_args = [&] { return parse(argc, argv, args); };
    return daemon_main(argc, argv, ccs_usage, parse_args, [&](const sigset_t& signals) {
        try {
            return run(args, signals);
        } catch (const config_error& e) {
            std::fprintf(stderr, "p2pcdn ccs: %s\n", e.what());
            return exit_usage;
        } catch (const std::exception& e) {
            std::fprintf(stderr, "p2pcdn ccs: %s\n", e.what());
            return exit_failed;
        }
    });
}

}  // namespace p2pcdn_cli
