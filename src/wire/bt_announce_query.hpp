// A BitTorrent HTTP tracker announce (docs/protocol.md, "BitTorrent announce (GET /announce)"):
// the query string of BEP 3's GET /announce, as BitTorrent clients send it, plus two p2pcdn
// extension parameters a p2pcdn-aware client adds so the tracker learns which pieces it holds:
//   info_hash=%124Vx%9A...&peer_id=-XX0001-...&port=6881&uploaded=0&downloaded=0&left=0
//   &event=started&compact=1&numwant=50&p2pcdn_pieces=10&p2pcdn_bitfield=gMA
// The answer is a bencoded peer list (peer_list_bencode.hpp) or a failure (encode_bt_failure).
#pragma once

#include "core/bitmap.hpp"
#include "core/ip_address.hpp"
#include "wire/announce_request.hpp"

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace p2pcdn {

constexpr std::size_t bt_hash_length = 20;  // info_hash and peer_id, BEP 3

struct bt_announce {
    std::array<std::uint8_t, bt_hash_length> info_hash{};
    std::string peer_id;                // exactly bt_hash_length raw bytes
    std::optional<ip_address> address;  // "ip"; absent: the tracker uses the connection's
    std::uint16_t port = 0;
    std::uint64_t uploaded = 0;
    std::uint64_t downloaded = 0;
    // Bytes the client still lacks; 0 says it is a seed. What that means for its bitmap
    // without "p2pcdn_bitfield" (every piece, as event completed) is the tracker's decision.
    std::optional<std::uint64_t> left;
    announce_event event = announce_event::update;
    bool compact = true;  // BEP 23: advisory; the tracker may answer compact anyway
    std::uint32_t numwant = 50;
    // Extension "p2pcdn_pieces": the piece count, 0 when absent (a content has at least one).
    std::size_t piece_count = 0;
    // Extension "p2pcdn_bitfield": the client's whole BEP 3 bitfield, size piece_count.
    std::optional<bitmap> pieces;

    // The content id the tracker files this swarm under: the lowercase hex of info_hash
    // (40 characters, a valid content id).
    std::string content_id() const;
    // The swarm's view: a user peer; `full` points into this announce, which must outlive the
    // request. connection_address stands in for an absent address.
    announce_request to_request(const ip_address& connection_address) const;
};

bool operator==(const bt_announce& a, const bt_announce& b) noexcept;

// Bounds the parser applies; above one is errc::limit.
struct bt_query_limits {
    // The query string. A bitfield travels in it, so this caps the piece count too (64 KiB
    // holds the bitfield of about 390,000 pieces).
    std::size_t max_bytes = std::size_t{64} << 10;
    std::size_t max_pieces = bitmap::max_bits;  // "p2pcdn_pieces" (never above bitmap::max_bits)
};

// Parses the query string (what follows '?', without it). Parameters are name=value pairs
// split by '&'; names and values are percent-decoded strictly: "%" must be followed by two hex
// digits, and only RFC 3986 query characters other than '&', '=', '+' and '#' may appear
// unescaped. Every parameter this parser reads appears at most once; unknown ones are checked
// for the same syntax and ignored. Throws errc::parse naming the parameter and the reason
// (values are never echoed: an announce URL may carry a passkey) and errc::limit above
// `limits`. Required: info_hash, peer_id, port.
bt_announce parse_bt_announce_query(std::string_view query, const bt_query_limits& limits = {});

// The query string of `announce` (parameters in a fixed order, binary values percent-encoded
// as RFC 3986 says, "left", "ip" and the extension parameters only when present, "event" only
// when it is not update). Throws errc::invalid for an announce the parser would reject (a
// peer id that is not 20 bytes, a bitmap whose size is not the piece count or without one, a
// piece count above bitmap::max_bits).
std::string encode_bt_announce_query(const bt_announce& announce);

// The bencoded failure answer of BEP 3: d14:failure reason<len>:<reason>e. BitTorrent clients
// show the reason to their user; decode_peer_list_bencode reports it as errc::protocol.
std::string encode_bt_failure(std::string_view reason);

}  // namespace p2pcdn
