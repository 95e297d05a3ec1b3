// BitTorrent BEP 3 bitfields: piece i is bit 0x80 >> (i % 8) of byte i / 8, exactly
// ceil(nbits / 8) bytes, spare bits zero. The only place bitmaps cross the wire.
#pragma once

#include "core/bitmap.hpp"

#include <cstdint>
#include <vector>

namespace p2pcdn::bitfield {

enum class spare_bits { reject, clear };

inline std::size_t byte_size(std::size_t nbits) { return (nbits + 7) / 8; }

// Throws errc::range if nbits > bitmap::max_bits, errc::parse if len != byte_size(nbits) or,
// with spare_bits::reject, if a bit past nbits is set.
bitmap decode(const std::uint8_t* data, std::size_t len, std::size_t nbits, spare_bits mode);
// Writes exactly byte_size(bits.size()) bytes.
void encode_into(const bitmap& bits, std::uint8_t* out);
std::vector<std::uint8_t> encode(const bitmap& bits);

}  // namespace p2pcdn::bitfield
