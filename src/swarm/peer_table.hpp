// The peers of a swarm: fixed-size records and bitmap words, stored by slot.
//
// Slots are dense (0 .. size-1); removing a peer moves the last slot into the hole. Slot i's
// record and its bitmap words (words_per_peer of them) live in chunks: a few small chunks
// (1, 1, 2, 4, ... slots) and then chunks of a fixed power-of-two size of about 256 KiB. So a
// small swarm holds little, and a large one never holds much more than it uses, unlike one
// doubling vector, which can hold twice the bitmaps it needs. No per-peer heap object.
//
// Not thread-safe: the swarm's lock guards it.
#pragma once

#include "core/ip_address.hpp"
#include "wire/peer_list.hpp"

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string_view>
#include <vector>

namespace p2pcdn::swarm_detail {

// 72 bytes: the id inline, the address, and the counters; the bitmap is in the chunk's words.
struct peer_record {
    char id[max_peer_id_length];
    std::uint8_t id_length = 0;
    peer_role role = peer_role::user;
    bool seed = false;  // holds every piece: counted in its role's seed counter, not per piece
    ip_address address;
    std::uint16_t port = 0;
    std::uint32_t held = 0;  // pieces held, so "now a seed" needs no popcount
    std::int64_t last_seen_ms = 0;
    std::uint64_t uploaded = 0;
    std::uint64_t downloaded = 0;

    std::string_view id_view() const noexcept { return {id, id_length}; }
};

class peer_table {
public:
    explicit peer_table(std::size_t words_per_peer);

    std::uint32_t size() const noexcept { return size_; }
    std::size_t words_per_peer() const noexcept { return words_per_peer_; }

    peer_record& record(std::uint32_t slot) noexcept {
        const location at = locate(slot);
        return chunks_[at.chunk].records[at.offset];
    }
    const peer_record& record(std::uint32_t slot) const noexcept {
        const location at = locate(slot);
        return chunks_[at.chunk].records[at.offset];
    }
    std::uint64_t* words(std::uint32_t slot) noexcept {
        const location at = locate(slot);
        return chunks_[at.chunk].words.get() + at.offset * words_per_peer_;
    }
    const std::uint64_t* words(std::uint32_t slot) const noexcept {
        const location at = locate(slot);
        return chunks_[at.chunk].words.get() + at.offset * words_per_peer_;
    }

    // Makes sure push() has room. May throw std::bad_alloc; call before any other mutation.
    void reserve_one();
    // Adds a slot with a default record and no pieces; reserve_one() must have been called.
    std::uint32_t push() noexcept;
    // Moves the last slot into `hole` (unless hole is the last) and drops the last slot.
    void pop_into(std::uint32_t hole) noexcept;

    std::size_t memory_bytes() const noexcept;

private:
    struct chunk {
        std::unique_ptr<peer_record[]> records;
        std::unique_ptr<std::uint64_t[]> words;
    };
    struct location {
        std::size_t chunk;
        std::size_t offset;
    };

    location locate(std::uint32_t slot) const noexcept {
        if (slot >= big_chunk_slots_) {
            return {big_chunk_shift_ + (slot >> big_chunk_shift_), slot & (big_chunk_slots_ - 1)};
        }
        if (slot == 0) {
            return {0, 0};
        }
        // Small chunk c >= 1 holds slots [2^(c-1), 2^c).
        const auto width = static_cast<std::size_t>(64 - __builtin_clzll(slot));
        return {width, slot - (std::size_t{1} << (width - 1))};
    }
    std::size_t chunk_slots(std::size_t c) const noexcept {
        if (c == 0) {
            return 1;
        }
        return c <= big_chunk_shift_ ? std::size_t{1} << (c - 1) : big_chunk_slots_;
    }

    std::size_t words_per_peer_;
    std::size_t big_chunk_shift_;
    std::uint32_t big_chunk_slots_;
    std::uint32_t size_ = 0;
    std::vector<chunk> chunks_;
};

}  // namespace p2pcdn::swarm_detail
