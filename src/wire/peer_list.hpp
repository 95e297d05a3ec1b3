// An announce answer: the re-announce interval, the swarm's counts, the selected peers and the
// CDN sources (DESIGN.md section 4). Its JSON and bencode forms are in peer_list_json.hpp and
// peer_list_bencode.hpp.
#pragma once

#include "core/bitmap.hpp"
#include "core/ip_address.hpp"

#include <cstdint>
#include <string>
#include <vector>

namespace p2pcdn {

enum class peer_role : std::uint8_t { user = 0, network = 1 };

constexpr std::size_t max_peer_id_length = 20;  // BitTorrent's peer_id size

struct peer_entry;
struct cdn_source;
struct peer_list;
bool operator==(const peer_entry& a, const peer_entry& b) noexcept;
bool operator==(const cdn_source& a, const cdn_source& b) noexcept;
// Field by field; for tests and for detecting changes.
bool operator==(const peer_list& a, const peer_list& b) noexcept;

struct peer_entry {
    // 1 to max_peer_id_length bytes, any values; empty when unknown (decoded from compact
    // bencode, which carries no ids).
    std::string id;
    ip_address address;
    std::uint16_t port = 0;
    peer_role role = peer_role::user;
    bool seed = false;
};

// Where some pieces can be fetched from the CDN: a URI template whose "{piece}" (decimal piece
// index) and "{content}" (percent-encoded content id) placeholders are filled per piece, the
// pieces it serves, and when it stops being usable. A fixed one-piece URI is a template without
// placeholders and a one-piece set. With `ranged`, the URI names the whole content object and
// piece i is fetched with a byte Range from the content layout.
struct cdn_source {
    std::string uri;
    bitmap pieces;               // size: the content's piece count
    std::int64_t expires_s = 0;  // Unix seconds; never used at or after this time
    bool ranged = false;
};

struct peer_list {
    std::string content_id;
    std::size_t piece_count = 0;
    std::uint32_t interval_s = 0;      // when to announce again
    std::uint32_t min_interval_s = 0;  // not before this
    std::uint32_t seeds = 0;           // user seeds in the swarm ("complete")
    std::uint32_t leechers = 0;        // user leechers in the swarm ("incomplete")
    std::vector<peer_entry> peers;
    // Restricted to pieces the requester lacks; sources left empty are dropped.
    std::vector<cdn_source> cdn;
};

inline bool operator==(const peer_entry& a, const peer_entry& b) noexcept {
    return a.id == b.id && a.address == b.address && a.port == b.port && a.role == b.role &&
           a.seed == b.seed;
}

inline bool operator==(const cdn_source& a, const cdn_source& b) noexcept {
    return a.uri == b.uri && a.pieces == b.pieces && a.expires_s == b.expires_s &&
           a.ranged == b.ranged;
}

inline bool operator==(const peer_list& a, const peer_list& b) noexcept {
    return a.content_id == b.content_id && a.piece_count == b.piece_count &&
           a.interval_s == b.interval_s && a.min_interval_s == b.min_interval_s &&
           a.seeds == b.seeds && a.leechers == b.leechers && a.peers == b.peers && a.cdn == b.cdn;
}

}  // namespace p2pcdn
