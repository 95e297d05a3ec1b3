#include "core/bitmap.hpp"

#include <algorithm>
#include <cassert>

#include "core/error.hpp"
#include "core/popcount.hpp"

namespace p2pcdn {
namespace {

constexpr bitmap::word_type all_ones = ~bitmap::word_type{0};

// Bits [offset, 64) of a word in MSB-first order, i.e. pieces offset.. of that word.
constexpr bitmap::word_type from_offset(std::size_t offset) noexcept {
    return all_ones >> offset;
}

// Bits [0, offset] of a word in MSB-first order, i.e. pieces ..offset of that word.
constexpr bitmap::word_type through_offset(std::size_t offset) noexcept {
    return all_ones << (bitmap::word_bits - 1 - offset);
}

// Index of the first piece of a non-zero word.
inline std::size_t first_piece(bitmap::word_type w) noexcept {
    return static_cast<std::size_t>(__builtin_clzll(w));
}

}  // namespace

bitmap::bitmap(std::size_t nbits) {
    if (nbits > max_bits) {
        fail(errc::range, "bitmap of {} bits exceeds the maximum of {}", nbits, max_bits);
    }
    nbits_ = nbits;
    words_.assign((nbits + word_bits - 1) / word_bits, 0);
}

bitmap::word_type bitmap::tail_mask() const noexcept {
    const std::size_t used = nbits_ % word_bits;
    return used == 0 ? all_ones : through_offset(used - 1);
}

namespace {

// Calls apply(word, mask) for every word that [begin, end) touches, with the mask of the
// range's bits in that word: a partial first and last word, full words in between.
template <typename Apply>
void for_range_words(bitmap::word_type* words, std::size_t begin, std::size_t end,
                     Apply&& apply) noexcept {
    if (begin >= end) {
        return;
    }
    const std::size_t first = begin / bitmap::word_bits;
    const std::size_t last = (end - 1) / bitmap::word_bits;
    const bitmap::word_type head = from_offset(begin % bitmap::word_bits);
    const bitmap::word_type tail = through_offset((end - 1) % bitmap::word_bits);
    if (first == last) {
        apply(words[first], head & tail);
        return;
    }
    apply(words[first], head);
    for (std::size_t w = first + 1; w < last; ++w) {
        apply(words[w], all_ones);
    }
    apply(words[last], tail);
}

}  // namespace

void bitmap::set_range(std::size_t begin, std::size_t end) noexcept {
    assert(begin <= end && end <= nbits_);
    for_range_words(words_.data(), begin, end, [](word_type& w, word_type m) { w |= m; });
}

void bitmap::clear_range(std::size_t begin, std::size_t end) noexcept {
    assert(begin <= end && end <= nbits_);
    for_range_words(words_.data(), begin, end, [](word_type& w, word_type m) { w &= ~m; });
}

void bitmap::fill(bool value) noexcept {
    std::fill(words_.begin(), words_.end(), value ? all_ones : word_type{0});
    if (value && !words_.empty()) {
        words_.back() &= tail_mask();
    }
}

std::size_t bitmap::count() const noexcept {
    return popcount::count(words_.data(), words_.size());
}

bool bitmap::all() const noexcept {
    if (words_.empty()) {
        return true;
    }
    const std::size_t full = words_.size() - 1;
    for (std::size_t i = 0; i < full; ++i) {
        if (words_[i] != all_ones) {
            return false;
        }
    }
    return words_.back() == tail_mask();
}

bool bitmap::none() const noexcept {
    return std::all_of(words_.begin(), words_.end(), [](word_type w) { return w == 0; });
}

std::size_t bitmap::find_next_set(std::size_t from) const noexcept {
    if (from >= nbits_) {
        return npos;
    }
    std::size_t w = from / word_bits;
    // Spare bits are zero, so a set bit found here is always below size().
    word_type bits = words_[w] & from_offset(from % word_bits);
    while (bits == 0) {
        if (++w == words_.size()) {
            return npos;
        }
        bits = words_[w];
    }
    return w * word_bits + first_piece(bits);
}

std::size_t bitmap::find_next_clear(std::size_t from) const noexcept {
    if (from >= nbits_) {
        return npos;
    }
    const std::size_t last = words_.size() - 1;
    std::size_t w = from / word_bits;
    word_type bits = ~words_[w] & from_offset(from % word_bits);
    for (;;) {
        // The complement turns spare bits on: keep them out of the answer.
        if (w == last) {
            bits &= tail_mask();
        }
        if (bits != 0) {
            return w * word_bits + first_piece(bits);
        }
        if (w == last) {
            return npos;
        }
        bits = ~words_[++w];
    }
}

bitmap& bitmap::operator&=(const bitmap& other) noexcept {
    assert(nbits_ == other.nbits_);
    for (std::size_t i = 0; i < words_.size(); ++i) words_[i] &= other.words_[i];
    return *this;
}

bitmap& bitmap::operator|=(const bitmap& other) noexcept {
    assert(nbits_ == other.nbits_);
    for (std::size_t i = 0; i < words_.size(); ++i) words_[i] |= other.words_[i];
    return *this;
}

bitmap& bitmap::operator^=(const bitmap& other) noexcept {
    assert(nbits_ == other.nbits_);
    for (std::size_t i = 0; i < words_.size(); ++i) words_[i] ^= other.words_[i];
    return *this;
}

bitmap& bitmap::andnot(const bitmap& other) noexcept {
    assert(nbits_ == other.nbits_);
    for (std::size_t i = 0; i < words_.size(); ++i) words_[i] &= ~other.words_[i];
    return *this;
}

std::size_t bitmap::count_and(const bitmap& other) const noexcept {
    assert(nbits_ == other.nbits_);
    return popcount::count_and(words_.data(), other.words_.data(), words_.size());
}

std::size_t bitmap::count_andnot(const bitmap& other) const noexcept {
    assert(nbits_ == other.nbits_);
    return popcount::count_andnot(words_.data(), other.words_.data(), words_.size());
}

}  // namespace p2pcdn
