#include "wire/bitfield.hpp"

#include <cstring>

#include "core/error.hpp"

namespace p2pcdn::bitfield {
namespace {

using word = bitmap::word_type;
constexpr std::size_t word_bytes = sizeof(word);

// Bitmap words are MSB-first, as the wire is, so a word is its eight wire bytes read
// big-endian. memcpy plus a byte swap compiles to one load and bswap (or movbe).
inline word load_be(const std::uint8_t* p) noexcept {
    word w;
    std::memcpy(&w, p, word_bytes);
#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
    w = __builtin_bswap64(w);
#endif
    return w;
}

inline void store_be(word w, std::uint8_t* p) noexcept {
#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
    w = __builtin_bswap64(w);
#endif
    std::memcpy(p, &w, word_bytes);
}

}  // namespace

bitmap decode(const std::uint8_t* data, std::size_t len, std::size_t nbits, spare_bits mode) {
    if (nbits > bitmap::max_bits) {
        fail(errc::range, "bitfield of {} pieces exceeds the maximum of {}", nbits,
             bitmap::max_bits);
    }
    const std::size_t expected = byte_size(nbits);
    if (len != expected) {
        fail(errc::parse, "bitfield is {} bytes, expected {} for {} pieces", len, expected, nbits);
    }
    bitmap bits(nbits);
    word* words = bits.words();
    const std::size_t full = len / word_bytes;
    for (std::size_t i = 0; i < full; ++i) words[i] = load_be(data + i * word_bytes);

    const std::size_t rest = len % word_bytes;
    if (rest != 0) {
        word w = 0;
        for (std::size_t k = 0; k < rest; ++k) {
            w |= word{data[full * word_bytes + k]} << (56 - 8 * k);
        }
        words[full] = w;
    }

    const std::size_t used = nbits % bitmap::word_bits;
    if (used != 0) {
        word& last = words[bits.word_count() - 1];
        const word spare = last & (~word{0} >> used);
        if (spare != 0) {
            if (mode == spare_bits::reject) {
                const std::size_t bit = (bits.word_count() - 1) * bitmap::word_bits +
                                        static_cast<std::size_t>(__builtin_clzll(spare));
                fail(errc::parse, "spare bit {} is set in a {}-piece bitfield", bit, nbits);
            }
            last &= ~spare;
        }
    }
    return bits;
}

void encode_into(const bitmap& bits, std::uint8_t* out) {
    const std::size_t len = byte_size(bits.size());
    const word* words = bits.words();
    const std::size_t full = len / word_bytes;
    for (std::size_t i = 0; i < full; ++i) store_be(words[i], out + i * word_bytes);
    const std::size_t rest = len % word_bytes;
    if (rest != 0) {
        const word w = words[full];
        for (std::size_t k = 0; k < rest; ++k) {
            out[full * word_bytes + k] = static_cast<std::uint8_t>(w >> (56 - 8 * k));
        }
    }
}

std::vector<std::uint8_t> encode(const bitmap& bits) {
    std::vector<std::uint8_t> out(byte_size(bits.size()));
    encode_into(bits, out.data());
    return out;
}

}  // namespace p2pcdn::bitfield
