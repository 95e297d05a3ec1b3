#include "swarm/availability.hpp"

#include <algorithm>

namespace p2pcdn::swarm_detail {
namespace {

constexpr std::size_t word_bits = 64;

// counters[piece] op 1 for every set bit of the word, pieces MSB first. Visiting set bits one
// by one (ctz) measured faster than a branch-free pass over all 64 counters even for dense
// words, since at -O2 that pass is not vectorised (bench_swarm, availability_change).
template <typename Op>
void apply_word(std::uint32_t* counters, std::uint64_t word, Op op) noexcept {
    while (word != 0) {
        // The lowest set bit is the highest piece index of the word.
        const auto bit = static_cast<std::size_t>(__builtin_ctzll(word));
        op(counters[word_bits - 1 - bit]);
        word &= word - 1;
    }
}

template <typename Op>
std::uint64_t apply_all(std::uint32_t* counters, std::size_t piece_count,
                        const std::uint64_t* words, Op op) noexcept {
    std::uint64_t bits = 0;
    const std::size_t nwords = (piece_count + word_bits - 1) / word_bits;
    for (std::size_t w = 0; w < nwords; ++w) {
        if (words[w] != 0) {
            apply_word(counters + w * word_bits, words[w], op);
            bits += static_cast<std::uint64_t>(__builtin_popcountll(words[w]));
        }
    }
    return bits;
}

struct increment {
    void operator()(std::uint32_t& counter) const noexcept { ++counter; }
};
struct decrement {
    void operator()(std::uint32_t& counter) const noexcept { --counter; }
};

}  // namespace

void availability::ensure_allocated() {
    if (!allocated()) {
        partial_.assign(piece_count_, 0);
    }
}

void availability::add(const std::uint64_t* words) noexcept {
    partial_total_ += apply_all(partial_.data(), piece_count_, words, increment{});
}

void availability::remove(const std::uint64_t* words) noexcept {
    if (partial_total_ == 0) {
        return;  // nothing counted, so the words are empty (and partial_ may be unallocated)
    }
    partial_total_ -= apply_all(partial_.data(), piece_count_, words, decrement{});
}

void availability::change(const std::uint64_t* before, const std::uint64_t* after) noexcept {
    const std::size_t nwords = word_count();
    std::uint32_t* counters = partial_.data();
    for (std::size_t w = 0; w < nwords; ++w) {
        const std::uint64_t diff = before[w] ^ after[w];
        if (diff == 0) {
            continue;
        }
        const std::uint64_t gained = diff & after[w];
        const std::uint64_t lost = diff & before[w];
        // Only the changed pieces are visited.
        apply_word(counters + w * word_bits, gained, increment{});
        apply_word(counters + w * word_bits, lost, decrement{});
        partial_total_ += static_cast<std::uint64_t>(__builtin_popcountll(gained));
        partial_total_ -= static_cast<std::uint64_t>(__builtin_popcountll(lost));
    }
}

void availability::copies(std::vector<std::uint32_t>& out) const {
    out.resize(piece_count_);
    if (allocated()) {
        for (std::size_t i = 0; i < piece_count_; ++i) {
            out[i] = partial_[i] + seeds_;
        }
    } else {
        std::fill(out.begin(), out.end(), seeds_);
    }
}

}  // namespace p2pcdn::swarm_detail
