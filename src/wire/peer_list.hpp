// An announce answer: the re-announce interval, the swarm's counts, and the selected peers.
// The peer-list issue adds CDN sources and the JSON and bencode forms.
#pragma once

#include "core/ip_address.hpp"

#include <cstdint>
#include <string>
#include <vector>

namespace p2pcdn {

enum class peer_role : std::uint8_t { user = 0, network = 1 };

constexpr std::size_t max_peer_id_length = 20;  // BitTorrent's peer_id size

struct peer_entry {
    std::string id;  // 1 to max_peer_id_length bytes, any values
    ip_address address;
    std::uint16_t port = 0;
    peer_role role = peer_role::user;
    bool seed = false;
};

struct peer_list {
    std::uint32_t interval_s = 0;      // when to announce again
    std::uint32_t min_interval_s = 0;  // not before this
    std::uint32_t seeds = 0;           // user seeds in the swarm ("complete")
    std::uint32_t leechers = 0;        // user leechers in the swarm ("incomplete")
    std::vector<peer_entry> peers;
};

}  // namespace p2pcdn
