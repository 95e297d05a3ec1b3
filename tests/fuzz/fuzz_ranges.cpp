// Piece-ranges parsing. Input: two bytes of piece count (little endian; 0xffff stands for one
// past the bitmap limit), then the text.
#include <cstdlib>
#include <string_view>

#include "core/error.hpp"
#include "core/piece_ranges.hpp"

using p2pcdn::bitmap;
namespace piece_ranges = p2pcdn::piece_ranges;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    if (size < 2) {
        return 0;
    }
    std::size_t nbits = std::size_t{data[0]} | std::size_t{data[1]} << 8;
    if (nbits == 0xffff) {
        nbits = bitmap::max_bits + 1;
    }
    const std::string_view text(reinterpret_cast<const char*>(data + 2), size - 2);

    bitmap bits;
    try {
        bits = piece_ranges::parse(text, nbits);
    } catch (const p2pcdn::error&) {
        return 0;
    }
    if (bits.size() != nbits) {
        std::abort();
    }
    if (!bits.spare_bits_clear()) {
        std::abort();
    }

    const std::string formatted = piece_ranges::format(bits);
    const bitmap again = piece_ranges::parse(formatted, nbits);
    if (again != bits) {
        std::abort();
    }
    // The formatted form is canonical: formatting it again changes nothing.
    if (piece_ranges::format(again) != formatted) {
        std::abort();
    }
    return 0;
}
