// The JSON announce request (docs/protocol.md, "Announce request (JSON)"): what a user peer or a
// CCS sends the HTTP tracker daemon to join, update or leave a swarm (TR 23.844 steps 1, 2, 6):
//   {"v":1,"type":"announce","content":"movie-1","pieces":10,"peer_id":"706565722d41",
//    "ip":"192.0.2.1","port":6881,"role":"user","event":"started","bitfield":"gMA=",
//    "numwant":50,"selection":"random","include_network_peers":true,
//    "uploaded":0,"downloaded":0}
// The peer's pieces travel as its whole BEP 3 bitfield ("bitfield", base64) or as the changes
// since its last announce ("have", "donthave": piece indexes), or not at all.
#pragma once

#include "core/bitmap.hpp"
#include "core/ip_address.hpp"
#include "wire/announce_request.hpp"
#include "wire/peer_list.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace p2pcdn {

// A decoded announce request. Unlike announce_request, it owns the peer's bitmap.
struct announce_message {
    std::string content_id;
    std::size_t piece_count = 0;
    std::string peer_id;                // raw bytes, 1 to max_peer_id_length
    std::optional<ip_address> address;  // absent: the tracker uses the connection's
    std::uint16_t port = 0;
    peer_role role = peer_role::user;
    announce_event event = announce_event::update;
    // At most one of the two forms; neither: nothing changed since the last announce.
    std::optional<bitmap> full;  // size piece_count
    std::vector<std::uint32_t> have;
    std::vector<std::uint32_t> donthave;
    std::uint32_t numwant = 50;  // announce_request's default
    peer_selection selection = peer_selection::random;
    bool include_network_peers = true;
    std::uint64_t uploaded = 0;
    std::uint64_t downloaded = 0;

    // The swarm's view of this message. Its `full` points into this message, which must
    // outlive the request. connection_address stands in for an absent `address`; a daemon
    // that does not trust peers' own addresses passes the connection's and clears `address`.
    announce_request to_request(const ip_address& connection_address) const;
};

bool operator==(const announce_message& a, const announce_message& b) noexcept;

// Bounds the decoder applies before allocating; a size above one is errc::limit.
struct announce_limits {
    std::size_t max_bytes = std::size_t{16} << 20;  // the whole text
    std::size_t max_pieces = bitmap::max_bits;      // "pieces" (never above bitmap::max_bits)
};

// Throws errc::invalid with the reason for a message the decoder would reject: an invalid
// content id, a piece count above bitmap::max_bits, a peer id of 0 or more than 20 bytes, a
// bitmap whose size is not the piece count, a bitmap together with have/donthave, a piece
// index not below the piece count, or a piece named twice (in one list or in both).
void validate_announce_message(const announce_message& message);

// Writes every member except the absent ones ("ip" without an address, "bitfield" without a
// bitmap, empty "have" and "donthave"), in a fixed order; lists keep their order. Throws as
// validate_announce_message, so whatever it writes decodes to the same message.
std::string encode_announce_json(const announce_message& message);

// Throws errc::parse naming the member and the reason ("member 'port' is missing",
// "have[2] is 10, not below the piece count 10", "piece 4 is in both have and donthave") and
// errc::limit when the text or the piece count is above `limits`. Unknown members are
// ignored; "v" must be 1. The rules the swarm applies itself (event completed with donthave
// pieces or with a partial bitmap) are left to the tracker.
announce_message decode_announce_json(std::string_view json, const announce_limits& limits = {});

}  // namespace p2pcdn
