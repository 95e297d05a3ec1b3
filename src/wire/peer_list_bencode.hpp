// The bencoded form of a peer list: a BitTorrent tracker's announce answer (BEP 3) with compact
// peers (BEP 23 "peers", 6 bytes each; BEP 7 "peers6", 18 bytes each) plus keys BitTorrent
// clients ignore: "cdn", "content", "network peers", "network peers6", "piece count"
// (docs/protocol.md, "Peer list", "Bencoded form").
//
// Compact peers carry an address and a port only: peer ids and seed flags do not survive, so
// decoded peers have an empty id and seed == false. Roles survive through "network peers" and
// "network peers6". Decoded peers come IPv4 first, then IPv6, each in the order written.
#pragma once

#include "wire/peer_list.hpp"
#include "wire/peer_list_limits.hpp"

#include <string>
#include <string_view>

namespace p2pcdn {

// Throws errc::invalid for a list the decoder would reject (as encode_peer_list_json).
std::string encode_peer_list_bencode(const peer_list& list);

// Throws errc::parse naming the key and the reason, errc::limit above `limits`, and
// errc::protocol with the tracker's text for a "failure reason" answer.
peer_list decode_peer_list_bencode(std::string_view data, const peer_list_limits& limits = {});

}  // namespace p2pcdn
