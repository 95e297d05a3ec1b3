// The peer list of docs/protocol.md's "Peer list" examples and a field-by-field comparison,
// shared by the JSON and bencode codec tests so both forms are checked the same way.
#pragma once

#include "wire/peer_list.hpp"

#include <doctest/doctest.h>

#include <cstdint>
#include <string>

namespace p2pcdn::test {

inline peer_entry peer(const std::string& id, const char* ip, std::uint16_t port, peer_role role,
                       bool seed) {
    peer_entry p;
    p.id = id;
    p.address = ip_address::parse(ip);
    p.port = port;
    p.role = role;
    p.seed = seed;
    return p;
}

// The example of docs/protocol.md, "Peer list".
inline peer_list example() {
    peer_list l;
    l.content_id = "movie-1";
    l.piece_count = 10;
    l.interval_s = 1800;
    l.min_interval_s = 60;
    l.seeds = 3;
    l.leechers = 12;
    l.peers.push_back(peer("peer-A", "192.0.2.1", 6881, peer_role::user, false));
    l.peers.push_back(peer("ccs-1", "2001:db8::7", 6882, peer_role::network, true));
    l.peers.push_back(
        peer(std::string("\x01\x02", 2), "198.51.100.9", 51413, peer_role::user, true));
    cdn_source s;
    s.uri = "https://cdn.example/{content}/{piece}";
    s.pieces = bitmap(10);
    s.pieces.set_range(7, 10);
    s.expires_s = 1764000000;
    l.cdn.push_back(s);
    return l;
}

// Field by field, so a failure names the field that differs.
inline void check_equal(const peer_list& a, const peer_list& b) {
    CHECK(a.content_id == b.content_id);
    CHECK(a.piece_count == b.piece_count);
    CHECK(a.interval_s == b.interval_s);
    CHECK(a.min_interval_s == b.min_interval_s);
    CHECK(a.seeds == b.seeds);
    CHECK(a.leechers == b.leechers);
    REQUIRE(a.peers.size() == b.peers.size());
    for (std::size_t i = 0; i < a.peers.size(); ++i) {
        CAPTURE(i);
        CHECK(a.peers[i].id == b.peers[i].id);
        CHECK(a.peers[i].address == b.peers[i].address);
        CHECK(a.peers[i].port == b.peers[i].port);
        CHECK(a.peers[i].role == b.peers[i].role);
        CHECK(a.peers[i].seed == b.peers[i].seed);
    }
    REQUIRE(a.cdn.size() == b.cdn.size());
    for (std::size_t i = 0; i < a.cdn.size(); ++i) {
        CAPTURE(i);
        CHECK(a.cdn[i].uri == b.cdn[i].uri);
        CHECK(a.cdn[i].pieces == b.cdn[i].pieces);
        CHECK(a.cdn[i].expires_s == b.cdn[i].expires_s);
        CHECK(a.cdn[i].ranged == b.cdn[i].ranged);
    }
}

}  // namespace p2pcdn::test
