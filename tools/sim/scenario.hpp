// A simulation scenario: the workload, the network model and the NSCF's policy. Rates are in
// bytes per second, times in seconds of virtual time, sizes in bytes. Every default is the one
// `p2pcdn simulate --help` shows.
#pragma once

#include <p2pcdn/p2pcdn.h>

#include <cstdint>
#include <string>
#include <vector>

namespace p2pcdn_sim {

constexpr double mbit = 1e6 / 8;  // bytes per second in one Mbit/s

struct peer_class {
    std::string name;
    double up = 0;     // upload capacity
    double down = 0;   // download capacity
    double share = 0;  // fraction of the arrivals (the shares are normalised)
};

enum class workload_kind { flash, decay, poisson, zipf };
enum class policy_kind { none, all, threshold, budget, ttl, random };

const char* workload_name(workload_kind kind);
const char* policy_name(policy_kind kind);

struct workload_config {
    workload_kind kind = workload_kind::flash;
    std::uint32_t peers = 1000;  // arrivals in all
    double flash_window = 0;     // flash: arrivals uniform in [0, window]
    double decay_tau = 300;      // decay: arrival density proportional to exp(-t / tau)
    double arrival_rate = 1;     // poisson and zipf: arrivals per second
    double seed_time = 0;        // mean seeding time after completion (exponential); 0: leave
    double abort_rate = 0;       // per second while downloading (churn, theta); 0: never
    double free_riders = 0;      // fraction of peers that never upload
    std::uint32_t contents = 1;  // zipf: contents, ranked by popularity
    double zipf_alpha = 0.8;     // zipf: P(rank k) proportional to 1 / (k + 1)^alpha
};

struct model_config {
    std::size_t pieces = 1000;
    std::uint32_t piece_size = 256 * 1024;
    std::vector<peer_class> classes;  // empty: default_classes()
    double css_up = 100 * mbit;       // the CSS seed's upload to peers
    std::uint32_t css_connections = 40;
    std::uint32_t css_slots = 16;     // concurrent uploads of the CSS
    double cdn_rate = 20 * mbit;      // per UE: the CDN has no capacity limit of its own
    // A UE's CDN flows take the downlink its peer flows leave (TCP against one fast server);
    // false: the CDN flows get per-connection fair shares like every other flow (the model
    // before 2026-11-25, kept for comparison: --cdn-share fair).
    bool cdn_spare = true;
    std::uint32_t connections = 20;   // peer connections per UE
    std::uint32_t upload_slots = 4;   // concurrent uploads per UE; more requests wait
    std::uint32_t requests = 16;      // requests in flight per UE (peers and CDN)
    std::uint32_t refill = 4;         // a UE plans when this many request slots are free
    std::uint32_t per_peer = 2;       // requests in flight to one peer
    std::uint32_t cdn_in_flight = 4;  // CDN requests in flight per UE
    // A request still queued at a peer after this long goes back to the planner while the UE
    // has a CDN request slot free, so that the CDN, or a faster peer, can take it (the endgame:
    // the last pieces otherwise wait in slow peers' queues while the CDN idles). 0: never.
    double peer_timeout = 1;
    // The planner's cdn_fill (P2PCDN_CDN_FILL_*): whether the CDN also gets pieces peers hold,
    // when no peer can take them now (idle) or before the peers (first).
    int cdn_fallback = P2PCDN_CDN_FILL_FIRST;
    // Rate-aware top-up (--cdn-fallback rate; cdn_fallback is then first): a UE measures its
    // download rate from peers over rate_window and keeps only as many CDN requests in flight
    // as the deficit against finishing by arrival + deadline needs (0: auto, see cdn_topup.cpp).
    bool cdn_topup = false;
    double deadline = 0;
    double rate_window = 5;
    double announce_interval = 30;
    double min_announce_interval = 5;  // a starving UE re-announces after this long
    double stats_interval = 10;        // tracker statistics to the NSCF
    double ingest_rate = 1000 * mbit;  // CSS to CDN, per ingest
    double ingest_latency = 0.5;       // per ingest, on top of the transfer
    std::uint32_t ingest_parallel = 16;
    double retry_delay = 1;      // a UE whose CDN GET failed plans again after this
    double have_delay = 0.25;    // a UE plans again this long after a HAVE it can use
    double duration = 86400;     // stop here even if peers remain
    double sample_interval = 0;  // time series step; 0: duration of the run / 400
    std::uint64_t seed = 1;
};

struct policy_config {
    policy_kind kind = policy_kind::threshold;
    p2pcdn_policy_threshold_options threshold = P2PCDN_POLICY_THRESHOLD_OPTIONS_INIT;
    p2pcdn_policy_budget_options budget = P2PCDN_POLICY_BUDGET_OPTIONS_INIT;
    p2pcdn_policy_ttl_options ttl = P2PCDN_POLICY_TTL_OPTIONS_INIT;
    // random (p2p-media-loader): every UE tries every `random_period` seconds; a try fetches one
    // of the q pieces the swarm lacks with probability min(q / (peers + 1), 1).
    double random_period = 2;
    std::uint32_t random_ttl_s = 60;
    // All contents together: ingests beyond it are dropped, the most wanted kept (0: none).
    std::uint64_t cdn_budget = 0;
};

struct scenario {
    workload_config workload;
    model_config model;
    policy_config policy;
};

std::vector<peer_class> default_classes();

}  // namespace p2pcdn_sim
