// The random-injection baseline of p2p-media-loader (reference/hybrid.md section 2.1), as a
// host policy on the library's callback interface. In p2p-media-loader every peer, every 1 to 3
// seconds, takes the q segments nobody in the swarm holds or loads and fetches one of them
// over HTTP with probability min(q / (connected peers + 1), 1). Here the swarm's peers make
// those tries between two statistics rounds (peers x interval / period of them), each a
// success with probability min(q / (peers + 1), 1); the NSCF ingests as many distinct pieces,
// uniformly at random among the q, with a TTL, and never purges: the TTL ends them.
#pragma once

#include "random.hpp"

#include <p2pcdn/p2pcdn.h>

#include <cstdint>

namespace p2pcdn_sim {

struct random_injection {
    rng draws;
    double tries_per_peer = 5;  // statistics interval / try period
    std::uint32_t ttl_s = 60;

    random_injection(std::uint64_t seed, double interval, double period, std::uint32_t ttl)
        : draws(seed), tries_per_peer(interval / period), ttl_s(ttl) {}
};

// The p2pcdn_policy_cb; payload is a random_injection.
int P2PCDN_CALLBACK random_injection_decide(const p2pcdn_policy_input* input,
                                            p2pcdn_decision* decision, void* payload);

}  // namespace p2pcdn_sim
