// Turns an HTTP answer to a piece request into a fetch_result: status classes, the Range
// contract of ranged sources, and the hash check.
//
// Ranged sources (one object, a piece is a byte Range of it):
//   - 206 with "Content-Range: bytes <first>-<last>/<total or *>" naming exactly the piece's
//     range (and the content's total length when given), and a body of exactly that length:
//     the body is the piece (then hash-checked).
//   - 200 (the server ignored the Range) whose body is exactly the whole object: the piece is
//     cut out of it. The body must fit the response limit, which is the piece length unless
//     max_response_bytes is raised, so by default this only accepts one-piece contents; a
//     bigger object aborts at the limit (fatal, errc::limit) without being downloaded.
//   - 200 of any other length, 206 not matching the piece: fatal, errc::protocol.
// Plain sources: 200 with the piece as body; a 206 is fatal (errc::protocol), since no Range
// was asked for.
#pragma once

#include "core/content_layout.hpp"
#include "core/piece_hashes.hpp"
#include "http/message.hpp"
#include "ue/fetch_result.hpp"

#include <cstdint>
#include <optional>
#include <string_view>

namespace p2pcdn::ue {

struct content_range {
    std::uint64_t first = 0;
    std::uint64_t last = 0;
    std::optional<std::uint64_t> total;  // nullopt for "*"
};

// "bytes 0-99/1000" or "bytes 0-99/*" (RFC 9110 section 14.4); nullopt when malformed or
// first > last.
std::optional<content_range> parse_content_range(std::string_view value);

// The "bytes=<first>-<last>" Range header value of a piece.
std::string range_header(const byte_range& range);

fetch_result classify_piece_response(const content_layout& layout, const piece_hashes& hashes,
                                     std::size_t piece, bool ranged, http::response& res);

}  // namespace p2pcdn::ue
