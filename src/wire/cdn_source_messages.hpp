// CDN source publish and withdraw (docs/protocol.md, "CDN source publish and withdraw
// (JSON)"): what a CCS sends a tracker after uploading pieces to the CDN (TR 23.844 step 5)
// and before purging them (step 10):
//   {"v":1,"type":"cdn_publish","content":"movie-1","pieces":10,"sources":[
//     {"uri":"https://cdn.example/{content}/{piece}","pieces":"AcA=","expires":1764000000,
//      "range":false}]}
//   {"v":1,"type":"cdn_withdraw","content":"movie-1",
//    "uri":"https://cdn.example/{content}/{piece}","pieces":10,"bitfield":"AEA="}
// At the root "pieces" is the piece count and "bitfield" a bitmap, as in the announce request;
// inside a source, "pieces" is the source's bitmap, as in the peer list.
#pragma once

#include "core/bitmap.hpp"
#include "wire/peer_list.hpp"

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace p2pcdn {

// Adds each source to the content's CDN directory, or replaces the one with the same URI
// (tracker::publish_cdn).
struct cdn_publish {
    std::string content_id;
    std::size_t piece_count = 0;
    std::vector<cdn_source> sources;  // at least one; distinct URIs; bitmaps of piece_count bits
};

// Removes `pieces` (absent: all) from the source with this URI (empty: every source of the
// content), as tracker::withdraw_cdn does.
struct cdn_withdraw {
    std::string content_id;
    std::string uri;
    std::optional<bitmap> pieces;  // size: the content's piece count
};

bool operator==(const cdn_publish& a, const cdn_publish& b) noexcept;
bool operator==(const cdn_withdraw& a, const cdn_withdraw& b) noexcept;

// Bounds the decoders apply before allocating; a size above one is errc::limit.
struct cdn_message_limits {
    std::size_t max_bytes = std::size_t{16} << 20;  // the whole text
    std::size_t max_sources = 256;                  // "sources" of a publish
    std::size_t max_pieces = bitmap::max_bits;      // "pieces" (never above bitmap::max_bits)
};

// Throw errc::invalid with the reason for a message the decoders would reject (an invalid
// content id or URI template, a piece count above bitmap::max_bits, a bitmap whose size is not
// the piece count, no source, two sources with one URI), so whatever they write decodes to the
// same message (limits aside).
std::string encode_cdn_publish_json(const cdn_publish& message);
std::string encode_cdn_withdraw_json(const cdn_withdraw& message);

// Throw errc::parse naming the member and the reason ("member 'sources[1].uri': CDN URI is
// empty", "sources[2].uri repeats sources[0].uri") and errc::limit when the text, the piece
// count or the sources are above `limits`. Unknown members are ignored; "v" must be 1; "type",
// when present, must be "cdn_publish" or "cdn_withdraw" respectively.
cdn_publish decode_cdn_publish_json(std::string_view json, const cdn_message_limits& limits = {});
cdn_withdraw decode_cdn_withdraw_json(std::string_view json, const cdn_message_limits& limits = {});

}  // namespace p2pcdn
