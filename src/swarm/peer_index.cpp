#include "swarm/peer_index.hpp"

#include <cstring>

namespace p2pcdn::swarm_detail {
namespace {

constexpr std::uint64_t multiplier = 0x9e3779b97f4a7c15ull;

// murmur3's 64-bit finalizer: every input bit affects every output bit.
constexpr std::uint64_t finalize(std::uint64_t h) noexcept {
    h ^= h >> 33;
    h *= 0xff51afd7ed558ccdull;
    h ^= h >> 33;
    h *= 0xc4ceb9fe1a85ec53ull;
    h ^= h >> 33;
    return h;
}

}  // namespace

std::uint64_t hash_peer_id(std::string_view id, std::uint64_t key) noexcept {
    std::uint64_t h = key ^ (id.size() * multiplier);
    std::size_t i = 0;
    for (; i + 8 <= id.size(); i += 8) {
        std::uint64_t word;
        std::memcpy(&word, id.data() + i, 8);
        h = finalize(h ^ word) + key;
    }
    if (i < id.size()) {
        std::uint64_t word = 0;
        std::memcpy(&word, id.data() + i, id.size() - i);
        h = finalize(h ^ word) + key;
    }
    return finalize(h);
}

}  // namespace p2pcdn::swarm_detail
