// The bounds the peer-list decoders (JSON and bencode) apply before allocating anything for the
// input; a size above one of them is errc::limit.
#pragma once

#include "core/bitmap.hpp"

#include <cstddef>

namespace p2pcdn {

struct peer_list_limits {
    std::size_t max_bytes = std::size_t{16} << 20;  // the whole encoded text
    std::size_t max_peers = 10000;                  // peers of every role and family together
    std::size_t max_cdn_sources = 256;
    std::size_t max_pieces = bitmap::max_bits;  // the piece count (never above bitmap::max_bits)
};

}  // namespace p2pcdn
