// A fixed-size set of piece indices, the model of "which pieces a peer holds".
//
// Storage is 64-bit words, most significant bit first: piece i is bit (63 - i % 64) of word
// i / 64. That is the BitTorrent wire order, so encoding to BEP 3 bytes is a byte swap per word
// rather than a bit shuffle. Bits past size() are always zero (every operation keeps that), so
// whole-word loops need no masking.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

namespace p2pcdn {

class bitmap {
public:
    using word_type = std::uint64_t;
    static constexpr std::size_t word_bits = 64;
    static constexpr std::size_t max_bits = std::size_t{1} << 26;
    static constexpr std::size_t npos = static_cast<std::size_t>(-1);

    bitmap() = default;
    // Throws errc::range above max_bits.
    explicit bitmap(std::size_t nbits);

    std::size_t size() const noexcept { return nbits_; }
    std::size_t word_count() const noexcept { return words_.size(); }
    const word_type* words() const noexcept { return words_.data(); }
    // Mutable word access for decoders; the caller must leave the spare bits zero.
    word_type* words() noexcept { return words_.data(); }
    // The invariant every whole-word loop relies on: no bit past size() is set. For decoders'
    // and tests' checks.
    bool spare_bits_clear() const noexcept {
        return words_.empty() || (words_.back() & ~tail_mask()) == 0;
    }

    // Unchecked: i < size().
    bool test(std::size_t i) const noexcept { return (words_[i / word_bits] & mask(i)) != 0; }
    void set(std::size_t i) noexcept { words_[i / word_bits] |= mask(i); }
    void clear(std::size_t i) noexcept { words_[i / word_bits] &= ~mask(i); }

    // [begin, end), unchecked: begin <= end <= size().
    void set_range(std::size_t begin, std::size_t end) noexcept;
    void clear_range(std::size_t begin, std::size_t end) noexcept;
    void fill(bool value) noexcept;

    std::size_t count() const noexcept;
    bool all() const noexcept;
    bool none() const noexcept;
    // npos when there is none.
    std::size_t find_next_set(std::size_t from) const noexcept;
    std::size_t find_next_clear(std::size_t from) const noexcept;
    std::size_t find_first_set() const noexcept { return find_next_set(0); }
    std::size_t find_first_clear() const noexcept { return find_next_clear(0); }

    // Set algebra. The operands must have the same size (unchecked here; the C ABI checks).
    bitmap& operator&=(const bitmap& other) noexcept;
    bitmap& operator|=(const bitmap& other) noexcept;
    bitmap& operator^=(const bitmap& other) noexcept;
    bitmap& andnot(const bitmap& other) noexcept;
    std::size_t count_and(const bitmap& other) const noexcept;
    std::size_t count_andnot(const bitmap& other) const noexcept;

    friend bool operator==(const bitmap& a, const bitmap& b) noexcept {
        return a.nbits_ == b.nbits_ && a.words_ == b.words_;
    }
    friend bool operator!=(const bitmap& a, const bitmap& b) noexcept { return !(a == b); }

private:
    static word_type mask(std::size_t i) noexcept {
        return word_type{1} << (word_bits - 1 - i % word_bits);
    }
    // The bits of the last word that belong to the bitmap.
    word_type tail_mask() const noexcept;

    std::size_t nbits_ = 0;
    std::vector<word_type> words_;
};

}  // namespace p2pcdn
