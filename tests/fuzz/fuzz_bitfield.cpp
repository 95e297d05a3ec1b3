// BEP 3 bitfield decoding. Input: a mode byte, then either four bytes of piece count (little
// endian) and the bitfield, or (more often useful) just the bitfield with the piece count
// derived from its length, so most inputs get past the length check.
#include <cstdlib>
#include <cstring>

#include "core/error.hpp"
#include "wire/bitfield.hpp"

using p2pcdn::bitmap;
namespace bitfield = p2pcdn::bitfield;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    if (size < 1) {
        return 0;
    }
    const std::uint8_t mode_byte = data[0];
    const auto mode = (mode_byte & 1) ? bitfield::spare_bits::clear : bitfield::spare_bits::reject;
    const std::uint8_t* payload = data + 1;
    std::size_t len = size - 1;
    std::size_t nbits = 0;
    if (mode_byte & 2) {
        if (len < 4) {
            return 0;
        }
        std::uint32_t n = 0;
        for (int k = 0; k < 4; ++k) n |= std::uint32_t{payload[k]} << (8 * k);
        nbits = n;
        payload += 4;
        len -= 4;
    } else {
        const std::size_t short_by = (mode_byte >> 2) & 7;
        nbits = len * 8 > short_by ? len * 8 - short_by : 0;
    }

    bitmap bits;
    try {
        bits = bitfield::decode(payload, len, nbits, mode);
    } catch (const p2pcdn::error&) {
        return 0;
    }

    if (bits.size() != nbits) {
        std::abort();
    }
    if (!bits.spare_bits_clear()) {
        std::abort();
    }

    const auto wire = bitfield::encode(bits);
    if (wire.size() != len) {
        std::abort();
    }
    // Strict decoding returns exactly the input; lenient may only have dropped spare bits.
    for (std::size_t i = 0; i < len; ++i) {
        const std::size_t bits_here = i + 1 < len || nbits % 8 == 0 ? 8 : nbits % 8;
        const auto keep = static_cast<std::uint8_t>(0xff00u >> bits_here);
        const std::uint8_t want =
            mode == bitfield::spare_bits::reject ? payload[i] : payload[i] & keep;
        if (wire[i] != want) {
            std::abort();
        }
    }
    std::size_t naive = 0;
    for (std::size_t i = 0; i < nbits; ++i) naive += (wire[i / 8] >> (7 - i % 8)) & 1;
    if (naive != bits.count()) {
        std::abort();
    }
    if (bitfield::decode(wire.data(), wire.size(), nbits, bitfield::spare_bits::reject) != bits) {
        std::abort();
    }
    return 0;
}
