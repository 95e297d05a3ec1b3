// The Content Source Server (CSS) as the source of ingested pieces (TR 23.844 step 4): fetches
// the bytes of piece i and verifies them against the content's piece hash before they may be
// uploaded anywhere.
//
// Two ways to address a piece:
//   - object_url: the whole content object; piece i is asked for as the byte Range of the
//     content layout (206 with a matching Content-Range expected; a 200 carrying exactly the
//     whole object is accepted and cut, within the response limit);
//   - piece_template: one URL per piece, a URI template with {piece} and optional {content}
//     (wire/uri_template.hpp), answered 200 with exactly the piece.
// Both follow the Range contract of http/content_range.hpp. Every request is limited to the
// piece's length, so a CSS that sends more than a piece (or ignores the Range of an object of
// several pieces) is cut off at once with errc::limit instead of being read to the end; a
// one-piece object is the whole object, so its 200 fits.
#pragma once

#include "core/content_layout.hpp"
#include "core/error.hpp"
#include "core/piece_hashes.hpp"
#include "http/client.hpp"

#include <cstdint>
#include <functional>
#include <memory>
#include <string>

namespace p2pcdn::cdn {

class signer;

struct css_config {
    std::string object_url;  // exactly one of object_url and piece_template
    std::string piece_template;
    std::shared_ptr<const cdn::signer> signer;  // may be null
};

struct css_piece {
    std::size_t piece = 0;
    // ok: `bytes` is the verified piece. Otherwise hash_mismatch (wrong bytes), not_found (404,
    // 410), http (another status), protocol (the Range contract broken), or what the transfer
    // failed with (network, timeout, tls, limit, ...).
    errc error = errc::ok;
    long http_status = 0;    // of the final answer; 0 when none arrived
    bool retryable = false;  // 408, 429, 500, 502, 503, 504, timeouts, connection failures
    std::int64_t retry_after_ms = -1;  // retryable only: from Retry-After; -1 when none
    std::string message;               // one line, credential-free
    std::string bytes;
};

class css_source {
public:
    // Throws errc::invalid for a config naming both or neither URL form, a malformed URL or
    // template (validate_cdn_uri; a template without {piece}, an object URL with a
    // placeholder), or hashes made for another piece count; errc::state without hashes.
    css_source(content_layout layout, piece_hashes hashes, css_config config);

    const content_layout& layout() const noexcept { return layout_; }
    // True for object_url (pieces are byte Ranges), false for piece_template.
    bool ranged() const noexcept { return !config_.object_url.empty(); }

    // The request for piece i, unsigned (the caller signs each attempt). Throws errc::range
    // past the last piece.
    http::request request_for(std::size_t piece) const;
    // Reads an answer to request_for(piece): status classes, Range contract, hash check. The
    // body may be moved from. Throws errc::range past the last piece.
    css_piece classify(std::size_t piece, http::response& res) const;
    const signer* request_signer() const noexcept { return config_.signer.get(); }

private:
    content_layout layout_;
    piece_hashes hashes_;
    css_config config_;
};

}  // namespace p2pcdn::cdn
