// The internal interface between the CDN client's job engine (client.cpp) and its drivers
// (origin push, edge purge, RFC 8007 triggers, and the CSS fetch that feeds an ingest).
//
// A driver turns the items of a job that reached it into operations, builds the request of an
// operation, and reads the answer into an outcome. The engine does the rest, the same way for
// every driver: it signs each attempt with the driver's signer, sends it, applies the retry
// rules (attempt limit, job budget, backoff), splits batches answered 413, waits between
// follow-ups, counts the metrics and moves the items along the job's chain. Drivers hold only
// their configuration, so one driver serves every job of a client (the CSS driver, whose
// source comes with the job, serves that job).
#pragma once

#include "cdn/job.hpp"
#include "cdn/signer.hpp"
#include "http/message.hpp"

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace p2pcdn::cdn {

// A job as its drivers see it.
struct job_data {
    job_status status;  // status.items[i].piece and .uri name the pieces
    // Ingest: the bytes of item i, from the caller or the CSS driver, while a driver still
    // needs them (released once the item is past the last such driver).
    std::vector<std::string> bytes;
    // Ingest: the Content-Digest of item i once computed, so that a retry does not hash again.
    std::vector<std::string> digests;
};

// One unit of work of a driver: a request acting on some items of a job, and what follows it
// (CI/T: polling the trigger status resource, or cancelling the trigger).
struct operation {
    std::vector<std::size_t> items;  // indexes into job_data::status.items, at least one
    std::size_t target = 0;          // driver-specific: the edge an edge purge goes to
    int phase = 0;                   // driver-specific; 0 is the operation's first request
    std::string resource;            // CI/T: the trigger status resource, once known
    std::string etag;                // CI/T: the resource's last ETag
};

enum class verdict {
    done,       // the items are done with this driver, except those in outcome::problems
    retry,      // a transient failure: the same request again, after a backoff
    split,      // the batch is too large (413): each half as an operation of its own
    fail,       // a final failure of every item of the operation
    follow_up,  // the operation goes on: request() again (its new phase) after delay_ms
};

// An item of a `done` operation that did not succeed.
struct item_problem {
    std::size_t item = 0;  // index into job_data::status.items
    errc error = errc::error;
    std::string message;  // one line, free of credentials
    bool retry = false;   // try it again, in a new operation, under the retry rules
};

struct outcome {
    verdict what = verdict::done;
    errc error = errc::ok;       // retry, split, fail: why
    std::string message;         // retry, split, fail: one line, free of credentials
    std::int64_t delay_ms = -1;  // retry: the server's Retry-After (-1: none); follow_up: wait
    // done: false when the CDN took the work on without confirming it (RFC 8007 "processed").
    bool confirmed = true;
    std::vector<item_problem> problems;  // done only
};

class driver {
public:
    virtual ~driver() = default;

    // "css", "origin", "edge" or "cit": metrics, job_item::driver and messages.
    virtual std::string_view name() const noexcept = 0;
    virtual const signer* request_signer() const noexcept = 0;
    // False for a driver whose requests cannot change what the CDN holds (the CSS fetch): an
    // ingest item that failed after such a change is reported uncertain.
    virtual bool changes_cdn() const noexcept { return true; }
    // True for a driver that reads job_data::bytes (the origin's PUT).
    virtual bool needs_bytes() const noexcept { return false; }
    // The most items one operation acts on. A driver that batches (more than 1) gets a job's
    // items only once none is left at an earlier driver of the chain, so its batches are full.
    virtual std::size_t batch_limit() const noexcept { return 1; }
    // How long an operation may go on with follow-ups before it fails with errc::timeout;
    // 0: no limit.
    virtual std::int64_t follow_up_limit_ms() const noexcept { return 0; }

    // The operations for items that reached this driver, each of at most batch_limit() items;
    // by default consecutive runs of the items.
    virtual std::vector<operation> plan(const job_data& job,
                                        const std::vector<std::size_t>& items) const;
    // The next request of an operation, unsigned, for a request sent at now_s (Unix seconds).
    // A driver may move a piece's bytes into the body; its classify() takes them back from
    // response::request_body. Throws errc::invalid when it cannot be built; the operation then
    // fails.
    virtual http::request request(job_data& job, const operation& op,
                                  std::int64_t now_s) const = 0;
    // Reads the answer (or the transport failure) to that request. May update the operation
    // for its follow-up, store bytes (CSS) and name trigger resources in the job status.
    virtual outcome classify(job_data& job, operation& op, http::response& res) const = 0;
    // Turns an operation the CDN may still be carrying out into the request that cancels it
    // (the next request()), and says whether there is one; false (the default): the
    // operation is just dropped.
    virtual bool begin_cancel(operation& op) const {
        (void)op;
        return false;
    }
};

// "PUT https://origin.example/pieces/c/1": a request named for messages, its URL redacted.
std::string describe(std::string_view method, std::string_view url);

// The outcome of an answer outside a driver's success set, or of no answer: retry for
// is_retryable_error / is_retryable_status (Retry-After as the delay floor), split for 413 on
// an operation of more than one item, fail otherwise (errc::not_found for 404 and 410,
// errc::limit for 413, errc::http for other statuses, the transport's errc when none came).
outcome failure_outcome(std::string_view request, const http::response& res, std::size_t items);

}  // namespace p2pcdn::cdn
