// What a peer tells the tracker when it announces, as the swarm takes it (swarm.hpp). It lives
// in wire, next to the announce answer (peer_list.hpp), so the announce codecs
// (announce_json.hpp, bt_announce_query.hpp) can produce it without depending on the swarm.
#pragma once

#include "core/bitmap.hpp"
#include "core/ip_address.hpp"
#include "wire/peer_list.hpp"

#include <cstdint>
#include <string>
#include <vector>

namespace p2pcdn {

enum class announce_event : std::uint8_t { update = 0, started = 1, completed = 2, stopped = 3 };

enum class peer_selection : std::uint8_t {
    random = 0,
    // Prefer peers holding many pieces the requester lacks (count_andnot), from a random
    // sample of candidates, so the cost stays bounded in large swarms.
    complementary = 1,
};

struct announce_request {
    std::string peer_id;  // 1 to max_peer_id_length bytes
    ip_address address;
    std::uint16_t port = 0;
    peer_role role = peer_role::user;
    announce_event event = announce_event::update;

    // What the peer holds: either its whole bitmap, or changes since its last announce (HAVE:
    // pieces gained, DONTHAVE: pieces lost), or neither (nothing changed; a new peer holds
    // nothing, or everything with event completed).
    const bitmap* full = nullptr;
    std::vector<std::uint32_t> have;
    std::vector<std::uint32_t> donthave;

    std::uint32_t numwant = 50;
    peer_selection selection = peer_selection::random;
    bool include_network_peers = true;
    std::uint64_t uploaded = 0;
    std::uint64_t downloaded = 0;
};

}  // namespace p2pcdn
