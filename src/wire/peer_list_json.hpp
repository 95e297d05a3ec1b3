// The JSON form of a peer list (docs/protocol.md, "Peer list"):
//   {"v":1,"type":"peers","content":"movie-1","pieces":10,"interval":1800,"min_interval":60,
//    "complete":3,"incomplete":12,
//    "peers":[{"id":"2d7030...","ip":"192.0.2.1","port":6881,"role":"user","seed":false}],
//    "cdn":[{"uri":"https://cdn.example/{content}/{piece}","pieces":"AcA=",
//            "expires":1764000000,"range":false}]}
#pragma once

#include "wire/peer_list.hpp"
#include "wire/peer_list_limits.hpp"

#include <string>
#include <string_view>

namespace p2pcdn {

// Throws errc::invalid with the reason when neither codec can write `list`: an invalid content
// id, a piece count above bitmap::max_bits, a peer id longer than max_peer_id_length, an
// invalid CDN URI (validate_cdn_uri) or a CDN bitmap whose size is not the piece count.
void validate_peer_list(const peer_list& list);

// Throws errc::invalid for a list the decoder would reject (an invalid content id or CDN URI,
// a peer id longer than 20 bytes, a CDN bitmap whose size is not the piece count), so whatever
// it writes decodes to the same list (limits aside). A peer with an empty id (unknown: the list
// came from compact bencode) is written without "id".
std::string encode_peer_list_json(const peer_list& list);

// Throws errc::parse naming the member and the reason ("peers[3].port is 70000, above 65535")
// and errc::limit when the text, the piece count, the peers or the CDN sources are above
// `limits`. Unknown members are ignored; "v" must be 1.
peer_list decode_peer_list_json(std::string_view json, const peer_list_limits& limits = {});

}  // namespace p2pcdn
