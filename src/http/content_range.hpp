// Byte ranges over HTTP (RFC 9110 section 14): the Range header a GET of some bytes of an object
// sends, the Content-Range a 206 answers with, and the contract that ties the two together, for
// every client that reads one piece of a larger object (the CDN fetcher, the CSS source).
//
// The contract of an answer to a GET of `range` of an object of `total_length` bytes:
//   - with a Range header: 206 with "Content-Range: bytes <first>-<last>/<total or *>" naming
//     exactly that range (and that total when given) and a body of exactly its length; or 200
//     (the server ignored the Range) whose body is exactly the whole object, from which the
//     range is cut. A 200 of any other length or a 206 for other bytes breaks the contract.
//   - without a Range header (the resource is those bytes alone): 200 with the bytes as body;
//     a 206 breaks the contract, since no Range was asked for.
#pragma once

#include "core/content_layout.hpp"
#include "http/message.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace p2pcdn::http {

struct content_range {
    std::uint64_t first = 0;
    std::uint64_t last = 0;
    std::optional<std::uint64_t> total;  // nullopt for "*"
};

// "bytes 0-99/1000" or "bytes 0-99/*" (RFC 9110 section 14.4); nullopt when malformed or
// first > last or last >= total.
std::optional<content_range> parse_content_range(std::string_view value);

// The "bytes=<first>-<last>" Range header value of a non-empty range.
std::string range_header(const byte_range& range);

// The bytes a 200 or 206 answer holds for `range`, or why it breaks the contract above.
struct range_body {
    // The bytes when `problem` is empty. Exactly range.length long for a ranged request; for an
    // unranged one it is the body as it came, which the caller checks (wrong bytes, not a
    // broken contract).
    std::string data;
    // Empty, or one line saying how the answer broke the contract, without any URL (e.g.
    // "206 to a request without Range"); the caller adds its context.
    std::string problem;
};

// Takes the bytes out of `res` (whose body it may move from) for a request of `range` of an
// object of total_length bytes, sent with range_header(range) when `ranged`. Statuses other
// than 200 and 206 are the caller's business; here they break the contract.
range_body take_range_body(response& res, const byte_range& range, std::uint64_t total_length,
                           bool ranged);

// True when the transfer of a ranged request stopped at the size limit on a 200: the server
// ignored the Range and was sending the whole object.
bool range_ignored_past_limit(const response& res, bool ranged) noexcept;

}  // namespace p2pcdn::http
