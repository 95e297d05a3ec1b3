// Copies of every piece among the peers of one role, kept incrementally.
//
// Seeds are counted apart (libtorrent's piece_picker m_seeds): a seed adds one to `seeds` and
// nothing per piece, so it joins, announces and leaves in O(1); copies of piece i are
// partial(i) + seeds. Partial counts change only for the pieces a non-seed gains or loses, found
// word by word from the XOR of its old and new bitmap words.
//
// Words use the bitmap layout (MSB first: piece i is bit 63 - i % 64 of word i / 64) and the
// spare bits past the piece count must be zero. Not thread-safe: the swarm's lock guards it.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

namespace p2pcdn::swarm_detail {

class availability {
public:
    explicit availability(std::size_t piece_count) : piece_count_(piece_count) {}

    // Allocates the per-piece counters, which the network role only needs once a network peer
    // holds part of the content. May throw std::bad_alloc; call before any mutation.
    void ensure_allocated();
    bool allocated() const noexcept { return partial_.size() == piece_count_; }

    // A non-seed's pieces start or stop counting. The counters must be allocated (add) or the
    // words must have been added before (remove).
    void add(const std::uint64_t* words) noexcept;
    void remove(const std::uint64_t* words) noexcept;
    // A non-seed's bitmap changed from `before` to `after`: only the differing bits are applied.
    void change(const std::uint64_t* before, const std::uint64_t* after) noexcept;
    void add_piece(std::size_t piece) noexcept {
        ++partial_[piece];
        ++partial_total_;
    }
    void remove_piece(std::size_t piece) noexcept {
        --partial_[piece];
        --partial_total_;
    }

    void add_seed() noexcept { ++seeds_; }
    void remove_seed() noexcept { --seeds_; }
    std::uint32_t seeds() const noexcept { return seeds_; }

    // Whether any peer of this role holds any piece.
    bool holds_anything() const noexcept {
        return partial_total_ != 0 || (seeds_ != 0 && piece_count_ != 0);
    }
    // copies[i] = partial[i] + seeds, into a vector of piece_count entries.
    void copies(std::vector<std::uint32_t>& out) const;

    std::size_t word_count() const noexcept { return (piece_count_ + 63) / 64; }

private:
    std::size_t piece_count_;
    std::vector<std::uint32_t> partial_;  // per piece, non-seed holders only; empty until needed
    std::uint64_t partial_total_ = 0;     // sum of partial_
    std::uint32_t seeds_ = 0;
};

}  // namespace p2pcdn::swarm_detail
