// What the tracker daemon's answer to an announce means (docs/protocol.md, "Tracker HTTP API"):
// the peer list, or the error to report. Apart from the HTTP exchange (announcer.hpp) so that
// every case can be tested without a server.
#pragma once

#include "http/message.hpp"
#include "wire/announce_json.hpp"
#include "wire/peer_list.hpp"

#include <cstddef>
#include <string_view>

namespace p2pcdn::ue {

// The peer list of a 2xx answer to `sent`. Throws, with `where` (the redacted announce URL) in
// the message:
//   - the transfer's own error (errc::network, timeout, tls, limit, ...) when no answer came;
//   - the tracker's code when its error answer carries one of invalid, range, parse,
//     not_found, exists, state or limit (what the tracker judged of the request), with its
//     message; errc::http for any other failure status;
//   - errc::protocol for a 2xx answer that is not a peer list (the decoder's reason), or one
//     for another content or another piece count than `sent` names.
// `max_bytes` bounds the peer list decoder (the transfer was bounded by the client).
peer_list read_announce_answer(const http::response& res, const announce_message& sent,
                               std::string_view where, std::size_t max_bytes);

}  // namespace p2pcdn::ue
