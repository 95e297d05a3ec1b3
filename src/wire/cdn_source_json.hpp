// One CDN source as a JSON object, the same in every message that carries one (the CDN publish
// message; the peer list's "cdn" array has the same shape):
//   {"uri":"https://cdn.example/{content}/{piece}","pieces":"AcA=","expires":1764000000,
//    "range":false}
// Internal to src/wire, like json_support.hpp.
#pragma once

#include "wire/json_support.hpp"
#include "wire/peer_list.hpp"

#include <cstddef>

namespace p2pcdn::wire_json {

// Throws errc::invalid ("sources[2].uri: <reason>") for a source the decoder would reject: an
// invalid URI template (validate_cdn_uri) or a bitmap whose size is not `piece_count`. The
// source is array[index] of its message.
void validate_cdn_source(const cdn_source& source, std::size_t piece_count, const char* array,
                         std::size_t index);

void write_cdn_source(json_writer& w, const cdn_source& source);

// array[index] of a message, serving pieces of a content of `piece_count` pieces. Throws
// errc::parse naming the member ("member 'sources[0].uri': CDN URI is empty"). "range" is
// optional (default false); unknown members are ignored.
cdn_source decode_cdn_source(const json_value& v, const char* array, std::size_t index,
                             std::size_t piece_count);

}  // namespace p2pcdn::wire_json
