// The Network Storage Control Function (TR 23.844 steps 2 to 5 and 9 to 11): joins the swarm
// as a network peer, runs the storage-control policy on the swarm's statistics, ingests the
// pieces it picks into the CDN, advertises the confirmed uploads to the tracker, and withdraws
// then purges what the policy lets go, or what comes near its TTL.
//
// Every change is journaled (journal.hpp) before it is acted on, so that after a crash
// recover() brings the CDN, the tracker and the journal back in line; controller.cpp lists the
// crash windows. The invariants it keeps:
//   1. a CDN URI is published to the tracker only after its upload is confirmed;
//   2. a URI is withdrawn from the tracker before its object is purged;
//   3. an advertised source expires a safety margin before its objects' TTL, and holdings are
//      renewed or withdrawn before then;
//   4. a failed ingest leaves no advertised URI and no untracked CDN object; a failed purge is
//      retried until it succeeds or the object's TTL has passed.
//
// Host-driven: on_stats() queues a round, step() carries it out and drives the CDN client.
// start() runs step() on a controller thread instead. A controller is used from one thread at
// a time; with the controller thread running, only on_stats, holdings, metrics, stop and
// shutdown may be called (they synchronise with it).
#pragma once

#include "cdn/client.hpp"
#include "cdn/css_source.hpp"
#include "core/content_layout.hpp"
#include "core/piece_hashes.hpp"
#include "nscf/controller_event.hpp"
#include "nscf/holdings.hpp"
#include "nscf/journal.hpp"
#include "nscf/tracker_link.hpp"
#include "policy/policy.hpp"
#include "wire/stats_report.hpp"

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>

namespace p2pcdn::nscf {

struct controller_config {
    // The content: its layout (required), piece hashes and where the CSS serves it.
    std::optional<content_layout> layout;
    piece_hashes hashes;
    cdn::css_config css;

    // The CDN client the controller drives: `cdn_client` when set (it must outlive the
    // controller and run no other jobs of this content), else one made from `cdn`.
    cdn::client_config cdn;
    cdn::client* cdn_client = nullptr;
    // The URI template published to the tracker (the delivery template of the client); empty:
    // cdn.delivery_template. Required with cdn_client.
    std::string delivery_template;

    std::shared_ptr<const policy::policy> policy;  // required
    std::unique_ptr<tracker_link> link;            // required

    std::string journal_path;   // required
    std::string controller_id;  // the journal header's; content id characters
    journal_options journal;

    // Advertisements end at least this long before their objects' TTL, and are renewed or
    // withdrawn this long before they end: 1 s to max_journal_ttl_ms.
    std::int64_t safety_margin_ms = 60'000;
    // How long one advertisement lasts at most (renewed before it ends); 0: up to the
    // object's TTL less the margin.
    std::int64_t advertisement_ms = 0;
    // The TTL of an ingest the policy gives none (ttl 0): 1 s to 10 years.
    std::uint32_t default_ttl_s = 3600;
    // Waits after a tracker link failure before the link is tried again, and between the
    // attempts of a failed purge.
    std::int64_t link_retry_ms = 1000;
    std::int64_t purge_retry_ms = 1000;

    network_peer self;  // pieces: the CCS's own storage (copied); nullptr: none

    std::function<std::int64_t()> clock_ms;  // Unix milliseconds; empty: the system clock
    bool recover_on_start = true;            // run recover() in the constructor
    // Told of every decision and action (controller_event.hpp); empty: nobody. The events of
    // the constructor's recovery are delivered at its very end, so a constructor that throws
    // has delivered none.
    event_fn on_event;
};

// Counters since the controller started; pieces and bytes count confirmed changes.
struct controller_metrics {
    std::uint64_t rounds = 0;           // statistics rounds whose decision was carried out
    std::uint64_t pieces_ingested = 0;  // uploads confirmed
    std::uint64_t bytes_ingested = 0;
    std::uint64_t pieces_purged = 0;  // purges confirmed
    std::uint64_t bytes_purged = 0;
    std::uint64_t pieces_expired = 0;  // left to their TTL
    std::uint64_t bytes_expired = 0;
    std::uint64_t publishes = 0;          // source publications the tracker took
    std::uint64_t withdrawals = 0;        // withdrawals the tracker took
    std::uint64_t renewals = 0;           // advertisements extended
    std::uint64_t reuploads = 0;          // re-uploads with a new TTL (policy renewals) confirmed
    std::uint64_t deferred = 0;           // decision items left for a later round (see step)
    std::uint64_t ingest_failures = 0;    // pieces whose upload (or re-upload) failed
    std::uint64_t purge_failures = 0;     // purge attempts that failed (retried)
    std::uint64_t link_failures = 0;      // tracker link calls that threw
    std::uint64_t policy_failures = 0;    // rounds the policy refused or failed
    std::uint64_t uncertain_settled = 0;  // unknown uploads (and re-uploads) recover() settled
    double storage_byte_seconds = 0;      // CDN storage over the journal's whole history
};

class controller {
public:
    // Checks the config (errc::invalid naming the field), makes the CDN client, opens the
    // journal (what journal's constructor throws), and recovers when recover_on_start.
    explicit controller(controller_config config);
    ~controller();  // stops the controller thread; leaves the CDN and the tracker as they are
    controller(const controller&) = delete;
    controller& operator=(const controller&) = delete;

    // Announces the controller to the swarm as a network peer. Throws what the link throws.
    void join();

    // Queues a round for this statistics report (a newer one replaces one not yet carried
    // out). errc::invalid for another content or piece count; the report is copied.
    void on_stats(const stats_report& report);
    // Fetches statistics through the link and queues them.
    void request_stats();

    // Carries out the queued round (the policy's decision), drives the CDN client for up to
    // timeout_ms, journals what finished, publishes confirmed uploads, renews or withdraws
    // advertisements near their end, purges what was withdrawn (retrying failed purges) and
    // records expiries. Returns the CDN jobs still running. Tracker link and CDN failures are
    // counted and retried by later steps; a journal failure (errc::io) throws, after which
    // the controller does nothing more (reopen it to recover). errc::state with the
    // controller thread running.
    std::size_t step(int timeout_ms);

    // Settles what a crash left: unknown uploads are purged, the tracker gets the journal's
    // published set again (or is told to drop everything when it is empty), due purges are
    // started. Idempotent; pieces with a job in flight are left alone.
    void recover();

    // Runs step() on a controller thread, `interval_ms` at most between steps. errc::state
    // when already running.
    void start(int interval_ms = 100);
    // Stops the controller thread (waits for its step to end); the first error it met, if
    // any, is thrown here.
    void stop();
    bool running() const noexcept;

    // A copy of the holdings, as journaled.
    nscf::holdings holdings() const;
    controller_metrics metrics() const;
    const std::string& content_id() const noexcept;

    // Stops the thread. With purge_all: withdraws everything from the tracker, then purges
    // every object of the content (in-flight ingests are cancelled and purged too), driving
    // the CDN client for up to timeout_ms. Returns true when nothing is left held.
    bool shutdown(bool purge_all, int timeout_ms = 30000);

private:
    struct impl;
    std::unique_ptr<impl> impl_;
};

}  // namespace p2pcdn::nscf
