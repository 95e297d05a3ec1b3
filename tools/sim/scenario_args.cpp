#include "scenario_args.hpp"

#include "library.hpp"

#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <functional>
#include <vector>

namespace p2pcdn_sim {

const char* const simulate_usage =
    "usage: p2pcdn simulate [options]\n"
    "\n"
    "Simulates a swarm in virtual time on the library's tracker, planner and storage-control\n"
    "policy, and prints what the CDN, the CSS and the peers delivered (docs/evaluation.md).\n"
    "Workload:\n"
    "  --workload flash|decay|poisson|zipf   (flash)\n"
    "  --peers N            arrivals in all (1000)\n"
    "  --flash-window S     flash: arrivals spread over [0, S] (0)\n"
    "  --decay-tau S        decay: arrival rate ~ exp(-t / S) (300)\n"
    "  --arrival-rate R     poisson, zipf: arrivals per second (1)\n"
    "  --seed-time S        mean seeding time after completion, exponential; 0 leaves (0)\n"
    "  --abort-rate R       per second while downloading (churn) (0)\n"
    "  --free-riders F      fraction of peers that never upload (0)\n"
    "  --contents N         zipf: contents (10); --zipf-alpha A (0.8)\n"
    "Content and network (rates in Mbit/s):\n"
    "  --pieces N (1000)  --piece-size B (262144)\n"
    "  --class NAME:UP:DOWN:SHARE   a peer class; repeat for several (default\n"
    "                       dsl:1:16:0.3 cable:5:50:0.5 fibre:20:100:0.2)\n"
    "  --css-up R (100)  --css-connections N (40)  --css-slots N (16)\n"
    "  --cdn-rate R         CDN rate per UE; the CDN has no limit of its own (20)\n"
    "  --cdn-share spare|fair  a UE's CDN flows take the downlink its other flows leave\n"
    "                       (spare, as TCP does) or a per-connection fair share (fair)\n"
    "  --connections N (20)  --upload-slots N (4)  --requests N (16)  --per-peer N (2)\n"
    "  --refill N           a UE plans when N request slots are free (4)\n"
    "  --cdn-in-flight N (4)  --announce-interval S (30)  --min-announce S (5)\n"
    "  --peer-timeout S     a request queued at a peer this long goes back to the planner\n"
    "                       while a CDN request slot is free (1; 0: never)\n"
    "  --cdn-fallback off|idle|first|rate  the planner's cdn_fill: the CDN also for pieces\n"
    "                       peers hold, when no peer can take a request or before peers\n"
    "                       (first); rate: first, but only the CDN requests the deficit of\n"
    "                       the peers' rate against the deadline needs\n"
    "  --deadline S         rate: a UE aims to finish S after it arrives (0: F / mean upload\n"
    "                       of the classes, at least F / its download rate)\n"
    "  --rate-window S      rate: the peers' rate is measured over the last S seconds (5)\n"
    "  --stats-interval S (10)  --ingest-rate R (1000)  --ingest-latency S (0.5)\n"
    "  --ingest-parallel N (16)  --retry-delay S (1)  --have-delay S (0.25)\n"
    "Policy:\n"
    "  --policy none|all|threshold|budget|ttl|random   (threshold)\n"
    "  --low-copies N  --high-copies N  --min-residency S  --max-changes N\n"
    "  --capacity B     threshold: bytes the CDN may hold\n"
    "  --budget B       budget: bytes the CDN may hold\n"
    "  --ttl S          TTL of ingests (threshold, budget, ttl; random: 60)\n"
    "  --renew-before S ttl: renew this long before the TTL ends\n"
    "  --random-period S  random: seconds between a peer's tries (2)\n"
    "  --cdn-budget B   all contents together: bytes the CDN may hold (0: no limit)\n"
    "  (0 or absent: the library's default for that option)\n"
    "Run and output:\n"
    "  --seed S (1)  --duration S (86400)  --sample-interval S (5)\n"
    "  --json FILE      the results as JSON ('-': stdout, instead of the table)\n"
    "  --svg FILE       CDN egress and minimum copies over time\n"
    "Exit codes: 0 done, 1 the run failed, 2 bad usage.\n";

namespace {

constexpr std::uint64_t max_peer_pieces = 50'000'000;  // peers x pieces: memory

double number(const std::string& name, const char* text, double min, double max) {
    char* end = nullptr;
    errno = 0;
    const double v = std::strtod(text, &end);
    if (end == text || *end != '\0' || errno != 0 || !std::isfinite(v) || v < min || v > max) {
        throw usage_error(name + ": '" + text + "' is not a number from " + std::to_string(min) +
                          " to " + std::to_string(max));
    }
    return v;
}

std::uint64_t integer(const std::string& name, const char* text, std::uint64_t min,
                      std::uint64_t max) {
    char* end = nullptr;
    errno = 0;
    const unsigned long long v = std::strtoull(text, &end, 10);
    if (end == text || *end != '\0' || errno != 0 || text[0] == '-' || v < min || v > max) {
        throw usage_error(name + ": '" + text + "' is not an integer from " + std::to_string(min) +
                          " to " + std::to_string(max));
    }
    return v;
}

peer_class parse_class(const char* text) {
    std::vector<std::string> parts;
    std::string part;
    for (const char* p = text;; ++p) {
        if (*p == ':' || *p == '\0') {
            parts.push_back(part);
            part.clear();
            if (*p == '\0') {
                break;
            }
        } else {
            part += *p;
        }
    }
    if (parts.size() != 4 || parts[0].empty() || parts[0].size() > 32) {
        throw usage_error(std::string("--class: '") + text + "' is not NAME:UP:DOWN:SHARE");
    }
    peer_class c;
    c.name = parts[0];
    c.up = number("--class upload", parts[1].c_str(), 0, 1e6) * mbit;
    c.down = number("--class download", parts[2].c_str(), 0.001, 1e6) * mbit;
    c.share = number("--class share", parts[3].c_str(), 0, 1e6);
    return c;
}

template <typename T>
std::function<void(const char*)> set_int(T& field, const char* name, std::uint64_t min,
                                         std::uint64_t max) {
    return [&field, name, min, max](const char* v) {
        field = static_cast<T>(integer(name, v, min, max));
    };
}

std::function<void(const char*)> set_num(double& field, const char* name, double min, double max,
                                         double scale = 1) {
    return [&field, name, min, max, scale](const char* v) {
        field = number(name, v, min, max) * scale;
    };
}

std::function<void(const char*)> set_ms(std::int64_t& field, const char* name) {
    return [&field, name](const char* v) {
        field = static_cast<std::int64_t>(std::llround(number(name, v, 0, 1e7) * 1000));
    };
}

}  // namespace

command_options parse_simulate_args(int argc, char** argv) {
    command_options o;
    scenario& s = o.sim;
    workload_config& w = s.workload;
    model_config& m = s.model;
    policy_config& p = s.policy;
    w.contents = 10;
    m.sample_interval = 5;
    bool classes_given = false;
    constexpr std::uint64_t u32 = 0xffffffffu;

    struct option {
        const char* name;
        std::function<void(const char*)> apply;
    };
    const std::vector<option> options = {
        {"--workload",
         [&](const char* v) {
             const std::string t = v;
             if (t == "flash")
                 w.kind = workload_kind::flash;
             else if (t == "decay")
                 w.kind = workload_kind::decay;
             else if (t == "poisson")
                 w.kind = workload_kind::poisson;
             else if (t == "zipf")
                 w.kind = workload_kind::zipf;
             else
                 throw usage_error("--workload: '" + t + "' is not flash, decay, poisson or zipf");
         }},
        {"--policy",
         [&](const char* v) {
             const std::string t = v;
             if (t == "none")
                 p.kind = policy_kind::none;
             else if (t == "all")
                 p.kind = policy_kind::all;
             else if (t == "threshold")
                 p.kind = policy_kind::threshold;
             else if (t == "budget")
                 p.kind = policy_kind::budget;
             else if (t == "ttl")
                 p.kind = policy_kind::ttl;
             else if (t == "random")
                 p.kind = policy_kind::random;
             else
                 throw usage_error("--policy: '" + t +
                                   "' is not none, all, threshold, budget, ttl or random");
         }},
        {"--peers", set_int(w.peers, "--peers", 1, 1'000'000)},
        {"--flash-window", set_num(w.flash_window, "--flash-window", 0, 1e6)},
        {"--decay-tau", set_num(w.decay_tau, "--decay-tau", 0.001, 1e7)},
        {"--arrival-rate", set_num(w.arrival_rate, "--arrival-rate", 1e-6, 1e6)},
        {"--seed-time", set_num(w.seed_time, "--seed-time", 0, 1e7)},
        {"--abort-rate", set_num(w.abort_rate, "--abort-rate", 0, 1e3)},
        {"--free-riders", set_num(w.free_riders, "--free-riders", 0, 1)},
        {"--contents", set_int(w.contents, "--contents", 1, 1000)},
        {"--zipf-alpha", set_num(w.zipf_alpha, "--zipf-alpha", 0, 10)},
        {"--pieces", set_int(m.pieces, "--pieces", 1, 1'000'000)},
        {"--piece-size", set_int(m.piece_size, "--piece-size", 1, 64u << 20)},
        {"--class",
         [&](const char* v) {
             if (!classes_given) {
                 m.classes.clear();
                 classes_given = true;
             }
             if (m.classes.size() >= 16) {
                 throw usage_error("--class: at most 16 classes");
             }
             m.classes.push_back(parse_class(v));
         }},
        {"--css-up", set_num(m.css_up, "--css-up", 0, 1e7, mbit)},
        {"--css-connections", set_int(m.css_connections, "--css-connections", 0, 100000)},
        {"--css-slots", set_int(m.css_slots, "--css-slots", 1, 100000)},
        {"--cdn-rate", set_num(m.cdn_rate, "--cdn-rate", 0.001, 1e6, mbit)},
        {"--peer-timeout", set_num(m.peer_timeout, "--peer-timeout", 0, 1e6)},
        {"--cdn-share",
         [&](const char* v) {
             const std::string t = v;
             if (t != "spare" && t != "fair") {
                 throw usage_error("--cdn-share: '" + t + "' is not spare or fair");
             }
             m.cdn_spare = t == "spare";
         }},
        {"--connections", set_int(m.connections, "--connections", 1, 1000)},
        {"--upload-slots", set_int(m.upload_slots, "--upload-slots", 1, 1000)},
        {"--requests", set_int(m.requests, "--requests", 1, 1000)},
        {"--refill", set_int(m.refill, "--refill", 1, 1000)},
        {"--per-peer", set_int(m.per_peer, "--per-peer", 1, 1000)},
        {"--cdn-in-flight", set_int(m.cdn_in_flight, "--cdn-in-flight", 1, 1000)},
        {"--cdn-fallback",
         [&](const char* v) {
             const std::string t = v;
             m.cdn_topup = t == "rate";
             if (t == "off")
                 m.cdn_fallback = P2PCDN_CDN_FILL_OFF;
             else if (t == "idle")
                 m.cdn_fallback = P2PCDN_CDN_FILL_IDLE;
             else if (t == "first" || t == "rate")
                 m.cdn_fallback = P2PCDN_CDN_FILL_FIRST;
             else
                 throw usage_error("--cdn-fallback: '" + t + "' is not off, idle, first or rate");
         }},
        {"--deadline", set_num(m.deadline, "--deadline", 0, 1e8)},
        {"--rate-window", set_num(m.rate_window, "--rate-window", 0.001, 1e6)},
        {"--announce-interval", set_num(m.announce_interval, "--announce-interval", 0.001, 1e6)},
        {"--min-announce", set_num(m.min_announce_interval, "--min-announce", 0.001, 1e6)},
        {"--stats-interval", set_num(m.stats_interval, "--stats-interval", 0.001, 1e6)},
        {"--ingest-rate", set_num(m.ingest_rate, "--ingest-rate", 0.001, 1e7, mbit)},
        {"--ingest-latency", set_num(m.ingest_latency, "--ingest-latency", 0, 1e4)},
        {"--ingest-parallel", set_int(m.ingest_parallel, "--ingest-parallel", 1, 100000)},
        {"--retry-delay", set_num(m.retry_delay, "--retry-delay", 0.001, 1e4)},
        {"--have-delay", set_num(m.have_delay, "--have-delay", 0, 1e4)},
        {"--duration", set_num(m.duration, "--duration", 1, 1e8)},
        {"--sample-interval", set_num(m.sample_interval, "--sample-interval", 0.001, 1e6)},
        {"--seed", set_int(m.seed, "--seed", 0, ~std::uint64_t{0})},
        {"--low-copies",
         [&](const char* v) {
             p.threshold.low_copies = p.ttl.low_copies =
                 static_cast<std::uint32_t>(integer("--low-copies", v, 0, u32));
         }},
        {"--high-copies", set_int(p.threshold.high_copies, "--high-copies", 0, u32)},
        {"--min-residency",
         [&](const char* v) {
             set_ms(p.threshold.min_residency_ms, "--min-residency")(v);
             p.budget.min_residency_ms = p.threshold.min_residency_ms;
         }},
        {"--max-changes",
         [&](const char* v) {
             p.threshold.max_changes = p.budget.max_changes = p.ttl.max_changes =
                 static_cast<std::uint32_t>(integer("--max-changes", v, 0, u32));
         }},
        {"--capacity", set_int(p.threshold.capacity_bytes, "--capacity", 0, ~std::uint64_t{0})},
        {"--budget", set_int(p.budget.budget_bytes, "--budget", 0, ~std::uint64_t{0})},
        {"--ttl",
         [&](const char* v) {
             p.threshold.ttl_s = p.budget.ttl_s = p.ttl.ttl_s = p.random_ttl_s =
                 static_cast<std::uint32_t>(integer("--ttl", v, 0, u32));
         }},
        {"--renew-before", set_int(p.ttl.renew_before_s, "--renew-before", 0, u32)},
        {"--random-period", set_num(p.random_period, "--random-period", 0.001, 1e6)},
        {"--cdn-budget", set_int(p.cdn_budget, "--cdn-budget", 0, ~std::uint64_t{0})},
        {"--json", [&](const char* v) { o.json_path = v; }},
        {"--svg", [&](const char* v) { o.svg_path = v; }},
    };

    for (int i = 1; i < argc; ++i) {
        const char* arg = argv[i];
        if (std::strcmp(arg, "--help") == 0 || std::strcmp(arg, "-h") == 0) {
            o.help = true;
            return o;
        }
        const option* found = nullptr;
        for (const option& opt : options) {
            if (std::strcmp(arg, opt.name) == 0) {
                found = &opt;
                break;
            }
        }
        if (found == nullptr) {
            throw usage_error(std::string("unexpected argument '") + arg + "'");
        }
        if (i + 1 >= argc) {
            throw usage_error(std::string(arg) + " needs a value");
        }
        found->apply(argv[++i]);
    }
    validate(s);
    return o;
}

void validate(const scenario& s) {
    if (std::uint64_t{s.workload.peers} * s.model.pieces > max_peer_pieces) {
        throw usage_error("--peers x --pieces above " + std::to_string(max_peer_pieces));
    }
    double shares = 0;
    for (const peer_class& c : s.model.classes) {
        shares += c.share;
    }
    if (!s.model.classes.empty() && shares <= 0) {
        throw usage_error("--class: the shares add up to 0");
    }
    if (s.model.piece_size * static_cast<double>(s.model.pieces) > 1e15) {
        throw usage_error("--pieces x --piece-size above 1 PB");
    }
    // The library's own checks of the policy options.
    p2pcdn_policy* raw = nullptr;
    int rc = P2PCDN_OK;
    switch (s.policy.kind) {
        case policy_kind::threshold:
            rc = p2pcdn_policy_new_threshold(&raw, &s.policy.threshold);
            break;
        case policy_kind::budget: rc = p2pcdn_policy_new_budget(&raw, &s.policy.budget); break;
        case policy_kind::ttl: rc = p2pcdn_policy_new_ttl(&raw, &s.policy.ttl); break;
        case policy_kind::none:
        case policy_kind::all:
        case policy_kind::random: break;
    }
    p2pcdn_policy_free(raw);
    if (rc != P2PCDN_OK) {
        throw usage_error(std::string("policy options: ") + p2pcdn_last_error());
    }
}

}  // namespace p2pcdn_sim
