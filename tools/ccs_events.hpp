// The log lines of `p2pcdn ccs`: one per NSCF event (p2pcdn_nscf_event), with the members a
// script reads (docs/protocol.md, "`p2pcdn ccs` log").
#pragma once

#include "daemon_log.hpp"

#include <p2pcdn/p2pcdn.h>

#include <string>
#include <vector>

namespace p2pcdn_cli {

// The event's members for its log line, named after the p2pcdn_nscf_event fields: pieces
// (ranges text), count, bytes, uri, ttl_s, expires_at_ms; seq, min_copies, ingest, purge,
// deferred (round); held (recovered); uncertain, error, error_name, message, operation
// (failures). Only the ones its kind names.
std::vector<log_field> event_fields(const p2pcdn_nscf_event& event);

// A URL as a log may show it: without userinfo, query or fragment (they may hold credentials).
std::string loggable_url(const std::string& url);
// Scheme, host and port only: a tracker's path may hold a passkey.
std::string url_origin(const std::string& url);

}  // namespace p2pcdn_cli
