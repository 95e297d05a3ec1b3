// What the tracker daemon answers when the answer is neither a peer list nor a statistics
// report (docs/protocol.md, "Tracker HTTP API"): the acknowledgement of a CDN publish or
// withdraw, and the error answer of any failed request:
//   {"v":1,"type":"cdn_published","content":"movie-1","sources":2}
//   {"v":1,"type":"cdn_withdrawn","content":"movie-1","changed":1}
//   {"v":1,"type":"error","code":-6,"message":"member 'port' is missing"}
// "code" is the library's error code (P2PCDN_E*, errc), which never changes its value.
#pragma once

#include "core/error.hpp"

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace p2pcdn {

// Longest message an error answer carries; a longer one is cut (with "...").
constexpr std::size_t max_tracker_error_message = 1024;

struct tracker_error {
    errc code = errc::error;  // negative
    std::string message;
};

// The acknowledgements. Throw errc::invalid for an invalid content id.
std::string encode_cdn_published_json(std::string_view content_id, std::size_t sources);
std::string encode_cdn_withdrawn_json(std::string_view content_id, std::size_t changed);

// The error answer. The message is made one line of printable ASCII (other bytes become '?')
// and cut to max_tracker_error_message bytes, so any text gives a valid answer. Throws
// errc::invalid for a code that is not negative.
std::string encode_tracker_error_json(errc code, std::string_view message);

// Throws errc::limit when the text is above max_bytes, errc::parse naming the member and the
// reason otherwise ("member 'code' is not a negative integer"). Unknown members are ignored;
// "v" must be 1; "type", when present, must be "error". The message is made one printable line
// as the encoder makes it, whatever the server sent.
tracker_error decode_tracker_error_json(std::string_view json,
                                        std::size_t max_bytes = std::size_t{64} << 10);

// The error answer in the body of a failure answer, or nothing when the body is not one (a
// proxy's page, no body): then the status says enough.
std::optional<tracker_error> find_tracker_error_json(std::string_view body);

// Throws errc::http for a failure status of the tracker at `where` (its redacted URL) to
// `request` ("POST /cdn/publish"): "tracker <where> answered <status> to <request>", with the
// error answer's message when there is one.
[[noreturn]] void fail_tracker_status(std::string_view where, long status, std::string_view request,
                                      const std::optional<tracker_error>& answer);

}  // namespace p2pcdn
