// Limits the peer-list fuzz targets decode with: small enough that a run explores many
// inputs, large enough for every kind of member.
#pragma once

#include "wire/peer_list_limits.hpp"

#include <cstddef>

inline p2pcdn::peer_list_limits peer_list_fuzz_limits() {
    p2pcdn::peer_list_limits limits;
    limits.max_bytes = std::size_t{1} << 20;
    limits.max_peers = 64;
    limits.max_cdn_sources = 8;
    limits.max_pieces = std::size_t{1} << 16;
    return limits;
}
