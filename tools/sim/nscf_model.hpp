// The CCS with the NSCF, modelled: on every statistics round it takes each swarm's statistics
// from the tracker (p2pcdn_tracker_stats), asks the storage-control policy (p2pcdn_policy_decide)
// and carries the decision out. Purges withdraw the pieces from the tracker's CDN directory
// first and leave the CDN at once. Ingests queue for ingest_parallel workers; each takes
// ingest_latency plus the bytes at ingest_rate (CSS to CDN), then the piece is published to the
// tracker (p2pcdn_tracker_publish_cdn). A TTL counts from the decision; pieces with the same
// expiry share one CDN source, so the directory holds one source per decision round. A TTL
// renewal is a new upload, as the real NSCF renews by re-uploading. Expired pieces leave the
// CDN at their expiry. One global byte budget (policy cdn_budget) may cap all contents: each
// round's ingests are admitted most wanted first, the contents taking turns.
#pragma once

#include "event_queue.hpp"
#include "library.hpp"
#include "metrics.hpp"
#include "random_policy.hpp"
#include "scenario.hpp"

#include <cstdint>
#include <deque>
#include <map>
#include <memory>
#include <string>
#include <vector>

namespace p2pcdn_sim {

class nscf_model {
public:
    nscf_model(const scenario& s, p2pcdn_tracker* tracker, std::vector<std::string> content_ids,
               event_queue& queue, metrics& m);

    void round(double now);
    void ingest_done(std::uint32_t job, double now);
    void expiry(std::uint32_t content, double now);
    // Whether the CDN can serve the piece at `now`.
    bool serves(std::uint32_t content, std::size_t piece, double now) const;
    std::uint64_t stored() const noexcept { return stored_; }
    // Counts the storage of what is still held at the end of the run.
    void finish(double end);

private:
    struct holding_state {
        bool live = false;
        bool ever = false;      // held at some time before
        bool pending = false;   // an ingest of it is queued or running
        std::uint32_t job = 0;  // that ingest
        double since = 0;       // held without a break since
        std::int64_t ingested_ms = 0;
        std::int64_t expires_ms = 0;  // 0: no TTL
    };
    struct source_state {
        std::string uri;
        bitmap_ptr pieces;
        std::size_t count = 0;
    };
    struct content_state {
        std::string id;
        content_ptr layout;
        std::vector<holding_state> held;
        std::map<std::int64_t, source_state> sources;  // by expiry, Unix s; 0: no TTL
    };
    struct job {
        std::uint32_t content = 0;
        std::uint32_t piece = 0;
        std::int64_t expires_s = 0;
        bool cancelled = false;
    };

    void decide(std::uint32_t c, double now, std::vector<p2pcdn_ingest_item>& ingests);
    void purge(std::uint32_t c, const std::vector<std::size_t>& pieces, double now);
    void admit(std::uint32_t c, const p2pcdn_ingest_item& item, double now);
    void start_jobs(double now);
    void drop(std::uint32_t c, std::size_t piece, double end);
    source_state& source_for(std::uint32_t c, std::int64_t expires_s);
    void publish(std::uint32_t c, std::int64_t expires_s);
    void remove_from_source(std::uint32_t c, std::size_t piece, std::int64_t expires_s,
                            bool withdraw);

    const scenario& s_;
    p2pcdn_tracker* tracker_;
    event_queue& queue_;
    metrics& m_;
    policy_ptr policy_;
    std::unique_ptr<random_injection> random_;
    std::vector<content_state> contents_;
    std::vector<job> jobs_;
    std::deque<std::uint32_t> waiting_;
    std::uint32_t running_ = 0;
    std::uint64_t stored_ = 0;
    std::uint64_t pending_bytes_ = 0;
};

}  // namespace p2pcdn_sim
