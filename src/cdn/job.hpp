// The CDN client's job model: one ingest or purge of a batch of pieces of one content, moving
// through the states of an RFC 8007 trigger status resource (section 5.2.2), with a result for
// every piece.
#pragma once

#include "core/error.hpp"

#include <cstdint>
#include <string>
#include <vector>

namespace p2pcdn::cdn {

enum class job_kind : int { ingest = 0, purge = 1 };

// RFC 8007's trigger states; the values are the public P2PCDN_JOB_* constants.
enum class job_state : int {
    pending = 0,     // accepted, nothing sent yet
    active = 1,      // requests in flight, waiting for a retry, or polling a trigger
    complete = 2,    // every piece done and confirmed
    processed = 3,   // every piece accepted, completion not confirmable (RFC 8007 "processed")
    failed = 4,      // at least one piece failed for good (the others carry their own results)
    cancelling = 5,  // cancel asked; waiting for what is in flight
    cancelled = 6,
};

enum class item_state : int { pending = 0, active = 1, done = 2, failed = 3, cancelled = 4 };

const char* to_string(job_kind kind) noexcept;
const char* to_string(job_state state) noexcept;   // "pending", ... as RFC 8007 spells them
const char* to_string(item_state state) noexcept;
bool is_terminal(job_state state) noexcept;        // complete, processed, failed, cancelled
bool is_terminal(item_state state) noexcept;       // done, failed, cancelled

// One piece of a job.
struct job_item {
    std::size_t piece = 0;
    item_state state = item_state::pending;
    // The delivery URI of the piece (the client's delivery template expanded): for an ingest
    // it is what the NSCF may publish once the item is done; for a purge what was removed.
    std::string uri;
    // The answer that decided the item (its last one when it failed); 0 when none arrived.
    long http_status = 0;
    errc error = errc::ok;   // ok unless failed or cancelled
    std::string message;     // one line, free of credentials; "" when done
    std::string driver;      // the driver ("css", "origin", "edge", "cit") that failed it
    // Requests sent that act on this item, retries included (a CI/T trigger counts for each
    // of its items; polls of its status resource and cancel commands do not).
    std::uint32_t attempts = 0;
    // A failed or cancelled ingest whose upload may have reached the CDN (a PUT without an
    // answer, or answered after the job gave up): the caller must purge it or verify it.
    bool uncertain = false;
};

struct job_status {
    std::uint64_t id = 0;
    job_kind kind = job_kind::ingest;
    job_state state = job_state::pending;
    std::string content_id;
    std::int64_t ttl_s = 0;          // ingest: the TTL sent with the objects
    std::vector<job_item> items;     // in submission order
    std::uint32_t retries = 0;       // retries spent (of the job's budget)
    std::int64_t created_ms = 0;     // steady clock
    std::int64_t finished_ms = 0;    // 0 until terminal
    // RFC 8007 driver: the trigger status resource(s) the CDN created; empty otherwise.
    std::vector<std::string> trigger_urls;
};

}  // namespace p2pcdn::cdn
