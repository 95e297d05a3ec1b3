// What the NSCF controller tells its host about its decisions and actions, one event per batch
// (a round, a job's outcome, a tracker call), fired right after the journal record or the call
// it reports. The C ABI's p2pcdn_nscf_event mirrors it (kind values included).
#pragma once

#include "core/bitmap.hpp"
#include "core/error.hpp"

#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>

namespace p2pcdn::nscf {

enum class event_kind : int {
    round = 1,           // a statistics round's decision: seq, min_copies, ingest, purge, deferred
    policy_failed,       // the policy refused the round: seq, error, message
    ingest_started,      // uploads started: pieces, bytes, ttl_s, uri
    ingest_confirmed,    // uploads confirmed: pieces, bytes, uri
    ingest_failed,       // uploads failed: pieces, bytes, uncertain, error, message
    reupload_started,    // held pieces uploaded again with a new TTL: pieces, bytes, ttl_s
    reupload_confirmed,  // pieces, bytes
    reupload_failed,     // pieces, bytes, uncertain, error, message
    published,           // confirmed uploads journaled as advertised: pieces, uri, expires_at_ms
    renewed,             // advertisements extended: pieces, expires_at_ms (the earliest end)
    tracker_updated,     // the tracker took the content's source: pieces (all it advertises now;
                         // none: withdrawn whole), uri, expires_at_ms
    withdrawn,           // the tracker stopped advertising these: pieces, uri
    purge_started,       // pieces, bytes
    purged,              // purges confirmed: pieces, bytes
    purge_failed,        // pieces, error, message (retried)
    expired,             // left to their TTL: pieces, bytes
    link_failed,         // a tracker call failed (retried): operation, error, message
    recovered,           // recover() ran: pieces (uploads of unknown outcome it settled), bytes,
                         // held (holdings in the journal)
};
constexpr int event_kind_last = static_cast<int>(event_kind::recovered);

// "round", "ingest_started", ...: the C enum's names in lower case.
const char* event_name(event_kind kind) noexcept;

struct controller_event {
    event_kind kind = event_kind::round;
    std::int64_t time_ms = 0;  // the controller's clock
    bitmap pieces;             // of the content's piece count; empty (size 0) when none apply
    std::uint64_t bytes = 0;
    std::string uri;  // the delivery URI template, when the event names the CDN objects
    std::uint32_t ttl_s = 0;
    std::int64_t expires_at_ms = 0;
    std::uint64_t seq = 0;
    std::uint32_t min_copies = 0;
    std::size_t ingest = 0;
    std::size_t purge = 0;
    std::size_t deferred = 0;
    std::size_t held = 0;
    bool uncertain = false;
    errc error = errc::ok;
    std::string message;    // one line, free of credentials
    std::string operation;  // link_failed: "publish" or "withdraw"
};

// Runs where step() runs, with the controller's lock held: it must not call the controller.
// What it throws is dropped (an event never changes what the controller does).
using event_fn = std::function<void(const controller_event&)>;

}  // namespace p2pcdn::nscf
