// What a run measured: byte counters, CDN storage and operations, completion times, piece
// availability, and the time series the plot draws. The simulator feeds it; the report reads it.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

namespace p2pcdn_sim {

struct sample_point {
    double time = 0;
    double cdn_rate = 0;           // CDN egress at that instant, bytes/s
    double peer_rate = 0;          // peer-to-peer rate at that instant, bytes/s
    std::uint32_t min_copies = 0;  // rarest piece's user copies (over contents with peers)
    std::uint32_t peers = 0;       // UEs present
    std::uint64_t cdn_stored = 0;  // bytes the CDN holds
};

// p-th percentile (0 < p <= 100) by nearest rank; 0 for no values. Sorts `values`.
double percentile(std::vector<double>& values, double p);

struct cdn_counters {
    std::uint64_t ingests = 0;     // uploads into the CDN, renewals included
    std::uint64_t renewals = 0;    // ingests of a piece the CDN held (TTL renewal)
    std::uint64_t reingested = 0;  // ingests of a piece the CDN had held and dropped before
    std::uint64_t purges = 0;
    std::uint64_t expiries = 0;
    std::uint64_t dropped_by_budget = 0;  // ingests the global byte budget refused
    double ingest_bytes = 0;              // CSS to CDN
    double byte_seconds = 0;              // storage: bytes x time held
    std::uint64_t peak_stored = 0;
    std::uint64_t cdn_misses = 0;  // UE GETs of a piece the CDN no longer held
};

struct metrics {
    // Bytes delivered to UEs, by source (partial transfers of cancelled flows included).
    double peer_bytes = 0;
    double css_bytes = 0;
    double cdn_bytes = 0;
    double peak_cdn_rate = 0;  // highest instantaneous CDN egress, bytes/s
    cdn_counters cdn;

    std::vector<double> completion_times;  // seconds from arrival to the last piece
    std::uint32_t arrived = 0;
    std::uint32_t completed = 0;
    std::uint32_t aborted = 0;
    std::uint32_t unfinished = 0;  // still downloading when the run ended

    double zero_copy_time = 0;  // time during which a swarm with peers lacked some piece
    std::uint32_t lowest_min_copies = 0;
    double end_time = 0;
    std::uint64_t events = 0;
    std::uint64_t withdrawn_requests = 0;  // queued at a peer past peer_timeout, planned again

    // Fluid-model inputs, for the bounds (hybrid.md section 4).
    double content_bytes = 0;    // F of the first content
    double sum_peer_upload = 0;  // sum of the upload capacity of sharing peers, bytes/s
    double css_upload = 0;

    std::vector<sample_point> series;

    double delivered() const { return peer_bytes + css_bytes + cdn_bytes; }
    double offload() const { return delivered() > 0 ? peer_bytes / delivered() : 0; }
};

}  // namespace p2pcdn_sim
