// The tracker's HTTP protocol without the HTTP (docs/protocol.md, "Tracker HTTP API"): each
// call takes a request body or query string as it arrived, applies it to the tracker and gives
// back the answer body, so an HTTP front-end (the `p2pcdn tracker` daemon, or a vendor's web
// server through the C ABI) serves the protocol without reading or writing a message itself.
//
// Every call throws on failure and has then changed nothing: errc::parse or errc::limit for a
// malformed message (the codecs' messages), then the tracker's own errors. Thread-safe as the
// tracker is.
#pragma once

#include "core/error.hpp"
#include "core/ip_address.hpp"
#include "swarm/tracker.hpp"
#include "wire/stats_report.hpp"

#include <cstddef>
#include <string>
#include <string_view>

namespace p2pcdn {

// POST /announce: a JSON announce request; the answer is the JSON peer list. The peer's
// address is the message's "ip", or else `remote` (the connection's address); with neither,
// errc::invalid.
std::string serve_announce_json(tracker& t, std::string_view body, const ip_address* remote);

// GET /announce: a BitTorrent announce query (what follows '?'); the answer is the bencoded
// peer list. A client that reports left=0 without the p2pcdn_bitfield extension is a seed
// (as event completed), unless it is stopping; with left above 0 and no bitfield, what the
// tracker knows of its pieces does not change (a new peer holds none).
std::string serve_bt_announce(tracker& t, std::string_view query, const ip_address* remote);

// POST /cdn/publish: every source of the message or none. The tracker publishes source by
// source; when one fails, those already published are taken back (restored as they were, or
// withdrawn), so the failure changes nothing. The answer is the cdn_published acknowledgement.
std::string serve_cdn_publish(tracker& t, std::string_view body);

// POST /cdn/withdraw: the answer is the cdn_withdrawn acknowledgement; `changed` (may be
// nullptr) gets how many sources lost pieces.
std::string serve_cdn_withdraw(tracker& t, std::string_view body, std::size_t* changed);

// GET /stats/<content>: the statistics report of one content now, as JSON.
std::string serve_stats_json(const tracker& t, std::string_view content_id,
                             copies_encoding encoding);

// The HTTP status a JSON endpoint answers a failure with: 400 for a malformed or invalid
// request (parse, invalid, range, limit), 404 for an unknown content or source (not_found),
// 409 for a conflict (exists, state), 503 when out of memory, 500 otherwise; 200 for ok.
int http_status_for(errc code) noexcept;

}  // namespace p2pcdn
