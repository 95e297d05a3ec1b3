// The CDN ingest and purge client (TR 23.844 steps 4 and 11): one job model over the ingest
// interfaces CDNs offer, host-driven like the rest of the library.
//
// A job is an ingest or a purge of a batch of pieces of one content. An ingest gets each
// piece's bytes (given by the caller, or fetched from the CSS and verified) and runs them
// through the ingest chain of drivers; a purge runs the purge chain. The chains are
// configured, so drivers compose: "PUT at the origin" for ingest and "DELETE at the origin,
// then PURGE at every edge" for purge, or RFC 8007 triggers, or an origin push followed by a
// CI/T preposition. A piece goes on to the next driver of the chain only after the previous
// one succeeded for it; a driver that batches (CI/T) starts once no piece of the job is left
// at an earlier driver, so that its triggers are full.
//
// Every request of a driver is signed by that driver's signer, and retried on 408, 429, 500,
// 502, 503, 504, connection errors and timeouts with exponential backoff and full jitter
// (Retry-After honoured as a floor), within a per-request attempt limit and a per-job retry
// budget; other 4xx are final; a batch answered 413 is split in two. PUT, DELETE and PURGE are
// idempotent, and CI/T commands name the same URLs each time, so a repeated request cannot
// leave a different state than a single one.
//
// One thread at a time. step() runs the transfers and the state machines; no thread of its
// own; wait() is the blocking form.
#pragma once

#include "cdn/css_source.hpp"
#include "cdn/job.hpp"
#include "cdn/retry_policy.hpp"
#include "cdn/signer.hpp"
#include "http/config.hpp"

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace p2pcdn::cdn {

// Origin push (nginx WebDAV, S3 and S3-compatible stores, any HTTP origin taking PUT): PUT of
// each piece object with Content-Type, Content-Length, "Cache-Control: public, max-age=<ttl>"
// (and Expires when send_expires), and "Content-Digest: sha-256=:<base64>:" (RFC 9530);
// DELETE to remove. 200, 201 and 204 are success; 404 on DELETE is success (already gone).
struct origin_config {
    // The object's URL at the ingest interface: a URI template with {piece} and optional
    // {content}, e.g. "http://origin:8081/pieces/{content}/{piece}".
    std::string ingest_template;
    std::string content_type = "application/octet-stream";
    bool send_expires = false;
    // Content-Digest on every PUT; off for origins that ignore it (each piece is hashed once
    // per job, not per attempt).
    bool send_digest = true;
    std::shared_ptr<const cdn::signer> signer;  // may be null
};

// Edge purge: <method> of the piece's delivery URL on every edge (the edge's scheme, host and
// port with the delivery URL's path and query). 200, 204 and 404 are success (Varnish answers
// 200 whether or not the object was cached, ATS 404 when it was not).
struct edge_config {
    std::vector<std::string> edges;  // base URLs, e.g. "http://127.0.0.1:6081"
    std::string method = "PURGE";
    std::shared_ptr<const cdn::signer> signer;
};

// RFC 8007 CI/T v1: trigger commands POSTed to the trigger collection with the CDNI media
// type; the status resource named by Location polled (If-None-Match with its ETag) until it
// is complete, processed, failed or cancelled; cancel POSTed on cancel(). The errors of a
// failed trigger fail the pieces they name; "ecdn" (the CDN's own trouble) is retried as a
// new trigger for its pieces; an error code the RFC does not define is fatal and never
// retried.
struct cit_config {
    std::string collection_url;          // e.g. "https://dcdn.example/triggers"
    std::vector<std::string> cdn_path{"AS64496:1"};  // the uCDN's PID first
    std::string ingest_type = "preposition";  // the trigger type an ingest sends
    std::string purge_type = "purge";         // "purge" or "invalidate"
    std::int64_t poll_interval_ms = 1000;     // unless the status resource's max-age says more
    std::int64_t max_poll_ms = 600000;        // give up (failed, errc::timeout) after this
    std::size_t max_urls_per_trigger = 1000;  // bigger jobs send several triggers
    std::shared_ptr<const cdn::signer> signer;
};

enum class driver_kind : int { origin = 0, edge = 1, cit = 2 };

// The most pieces one job may name.
constexpr std::size_t max_job_pieces = std::size_t{1} << 18;

struct client_config {
    http::client_config http;             // TLS, timeouts, per-host and total concurrency
    retry_config retry;                   // retry_policy.hpp
    // Each request's time limit, so that a stalled one ends (errc::timeout, retried); 0: the
    // http config's timeout_ms.
    std::int64_t request_timeout_ms = 60000;
    // The URI the UEs use to GET a piece from the CDN, a template with {piece} and optional
    // {content}; it is what an ingest hands back and what edge purges and CI/T act on.
    std::string delivery_template;
    std::optional<origin_config> origin;
    std::optional<edge_config> edge;
    std::optional<cit_config> cit;
    // The drivers an ingest and a purge run, in order; each must be configured above. Empty
    // ingest chain: no ingest (errc::state); empty purge chain: no purge.
    std::vector<driver_kind> ingest_chain{driver_kind::origin};
    std::vector<driver_kind> purge_chain{driver_kind::origin};
    // Time sources, replaceable for tests: a steady clock in milliseconds (job times, backoff
    // and poll timers) and the Unix time in seconds (signing, Expires). Empty: the system's.
    std::function<std::int64_t()> steady_ms;
    std::function<std::int64_t()> unix_s;
};

// Per driver ("css", "origin", "edge", "cit"): requests sent (attempts), body bytes sent and
// received, retries, requests that failed for good.
struct driver_metrics {
    std::uint64_t requests = 0;
    std::uint64_t bytes_sent = 0;
    std::uint64_t bytes_received = 0;
    std::uint64_t retries = 0;
    std::uint64_t failures = 0;
};

// Where an ingest gets its bytes, when its chain uploads them (an origin push): given per
// piece (same order as the pieces), or fetched from a CSS and verified. A chain that only
// triggers (CI/T preposition: the CDN fetches for itself) needs neither. The bytes are moved
// into the job and released once the piece is past the last driver that uploads it.
struct ingest_request {
    std::string content_id;
    std::vector<std::size_t> pieces;      // no duplicates; 1 to max_job_pieces
    std::vector<std::string> bytes;       // empty, or one non-empty string per piece
    std::shared_ptr<const css_source> css;  // when bytes is empty; for this content
    std::int64_t ttl_s = 0;               // 1 to 10 years
};

struct purge_request {
    std::string content_id;
    std::vector<std::size_t> pieces;      // no duplicates; 1 to max_job_pieces
};

class client {
public:
    using job_callback = std::function<void(const job_status&)>;

    // Throws errc::invalid for a bad setting (a chain naming an unconfigured driver, a
    // malformed template or URL, an edge chain without edges); libcurl's global init must
    // have happened.
    explicit client(client_config config);
    ~client();  // cancels every job; no callback runs
    client(const client&) = delete;
    client& operator=(const client&) = delete;

    // Queues a job and returns its id (never 0); `done` (may be empty) runs once from step()
    // or wait() when the job reaches a terminal state, with a copy of its status (it may
    // forget the job). Throws, queueing nothing, errc::invalid for an empty, oversized or
    // duplicated piece list, a TTL out of range, bytes of the wrong count or length for the
    // css layout, no bytes and no CSS for a chain that uploads, a CSS for another content or
    // piece count, an invalid content id; errc::state for a kind without a chain.
    std::uint64_t submit_ingest(ingest_request req, job_callback done = {});
    std::uint64_t submit_purge(purge_request req, job_callback done = {});

    // Runs transfers and timers for up to timeout_ms (0: only what is ready) and calls the
    // callbacks of jobs that finished. Returns the jobs not yet terminal. errc::state from a
    // callback. Callbacks may submit, cancel, read status and forget.
    std::size_t step(int timeout_ms);
    // Steps until that job is terminal, then returns its status. Other jobs progress too.
    // errc::not_found for an unknown (or forgotten) id, errc::state from a callback.
    job_status wait(std::uint64_t job);

    // Asks a job to stop: nothing new is sent, transfers in flight are dropped (ingest items
    // whose PUT was in flight become uncertain), CI/T triggers get a cancel command. False
    // when the id is unknown or the job is terminal.
    bool cancel(std::uint64_t job);

    // The status of a job until forget(); nullptr for an unknown id. Valid until the next
    // non-const call.
    const job_status* status(std::uint64_t job) const;
    // Terminal jobs only; others are left alone. A callback not yet run is dropped.
    void forget(std::uint64_t job);
    std::size_t active_jobs() const noexcept;

    // The delivery URI of a piece (the delivery template expanded).
    std::string delivery_uri(const std::string& content_id, std::size_t piece) const;

    // Metrics per driver name, "css" included; zeros for drivers not configured and for
    // names that are not drivers.
    driver_metrics metrics(std::string_view driver) const;

private:
    struct impl;
    std::unique_ptr<impl> impl_;
};

}  // namespace p2pcdn::cdn
