// Copies of every piece among a UE's connected peers, and the pieces it still wants ordered by
// those copies: the planner's rarest-first index.
//
// One array holds every piece index, partitioned (libtorrent's piece_picker keeps its pieces the
// same way): first the pieces the UE does not want now (held, or in flight), then bucket 0 (wanted,
// no connected peer holds them), bucket 1, ... bucket max_copies. A copy count changing by one
// moves a piece across one bucket boundary with one swap; leaving or rejoining the wanted set
// walks c + 1 boundaries for a piece with c copies. Nothing allocates after construction. Order
// inside a bucket is arbitrary: the planner draws from it at random.
//
// `held` mirrors copies > 0 as a bitmap (same word layout as p2pcdn::bitmap), so the CDN scan can
// find the pieces no peer holds word by word. Not thread-safe.
#pragma once

#include "core/bitmap.hpp"

#include <cstddef>
#include <cstdint>
#include <utility>
#include <vector>

namespace p2pcdn::ue::detail {

class piece_availability {
public:
    // Every piece starts wanted with 0 copies. max_copies bounds any piece's count (the number
    // of peers that may be connected at once).
    piece_availability(std::size_t piece_count, std::uint32_t max_copies)
        : copies_(piece_count, 0),
          order_(piece_count),
          pos_(piece_count),
          start_(std::size_t{max_copies} + 2, piece_count),
          held_(piece_count),
          max_copies_(max_copies) {
        for (std::size_t i = 0; i < piece_count; ++i) {
            order_[i] = static_cast<std::uint32_t>(i);
            pos_[i] = static_cast<std::uint32_t>(i);
        }
        start_[0] = 0;  // nothing excluded; bucket 0 is everything
    }

    std::size_t piece_count() const noexcept { return copies_.size(); }
    std::uint32_t max_copies() const noexcept { return max_copies_; }
    std::uint32_t copies(std::size_t piece) const noexcept { return copies_[piece]; }
    const bitmap& held() const noexcept { return held_; }
    // In the ordered part (not excluded).
    bool wanted(std::size_t piece) const noexcept { return pos_[piece] >= start_[0]; }

    // Bucket c is positions [bucket_begin(c), bucket_end(c)) of the order; c <= max_copies.
    std::size_t bucket_begin(std::uint32_t c) const noexcept { return start_[c]; }
    std::size_t bucket_end(std::uint32_t c) const noexcept { return start_[c + 1]; }
    std::size_t piece_at(std::size_t position) const noexcept { return order_[position]; }
    // Swaps two positions of the same bucket (the planner's in-place shuffle).
    void swap_positions(std::size_t a, std::size_t b) noexcept { swap_at(a, b); }

    // One more peer holds the piece. Precondition: copies < max_copies.
    void increment(std::size_t piece) noexcept {
        const std::uint32_t c = copies_[piece]++;
        if (c == 0) {
            held_.set(piece);
        }
        if (wanted(piece)) {
            // Last of bucket c becomes first of bucket c + 1.
            const std::size_t last = start_[c + 1] - 1;
            swap_at(pos_[piece], last);
            --start_[c + 1];
        }
    }

    // One peer fewer holds the piece. Precondition: copies > 0.
    void decrement(std::size_t piece) noexcept {
        const std::uint32_t c = copies_[piece]--;
        if (c == 1) {
            held_.clear(piece);
        }
        if (wanted(piece)) {
            // First of bucket c becomes last of bucket c - 1.
            swap_at(pos_[piece], start_[c]);
            ++start_[c];
        }
    }

    // The piece leaves the wanted order (held by the UE, or in flight). Precondition: wanted.
    void exclude(std::size_t piece) noexcept {
        for (std::uint32_t b = copies_[piece] + 1; b-- > 0;) {
            swap_at(pos_[piece], start_[b]);
            ++start_[b];
        }
    }

    // The piece rejoins the wanted order in its bucket. Precondition: not wanted.
    void include(std::size_t piece) noexcept {
        const std::uint32_t c = copies_[piece];
        for (std::uint32_t b = 0; b <= c; ++b) {
            --start_[b];
            swap_at(pos_[piece], start_[b]);
        }
    }

private:
    void swap_at(std::size_t a, std::size_t b) noexcept {
        const std::uint32_t pa = order_[a];
        const std::uint32_t pb = order_[b];
        order_[a] = pb;
        order_[b] = pa;
        pos_[pb] = static_cast<std::uint32_t>(a);
        pos_[pa] = static_cast<std::uint32_t>(b);
    }

    std::vector<std::uint32_t> copies_;  // per piece
    std::vector<std::uint32_t> order_;   // position -> piece
    std::vector<std::uint32_t> pos_;     // piece -> position
    // start_[0]: first wanted position (= excluded count); start_[c]: first position of bucket
    // c; start_[max_copies + 1] = piece_count.
    std::vector<std::size_t> start_;
    bitmap held_;
    std::uint32_t max_copies_;
};

}  // namespace p2pcdn::ue::detail
