// Hex decoding: the whole input is the text.
#include <cstdlib>
#include <string_view>

#include "core/error.hpp"
#include "core/hex.hpp"

namespace hex = p2pcdn::hex;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view text(reinterpret_cast<const char*>(data), size);

    // Encoding any bytes must decode back to them.
    const std::string encoded = hex::encode(data, size);
    if (encoded.size() != 2 * size ||
        hex::decode(encoded) != std::vector<std::uint8_t>(data, data + size)) {
        std::abort();
    }

    std::vector<std::uint8_t> bytes;
    try {
        bytes = hex::decode(text);
    } catch (const p2pcdn::error&) {
        // decode_into must agree that the text is bad.
        std::vector<std::uint8_t> out(size / 2);
        try {
            hex::decode_into(text, out.data(), out.size());
        } catch (const p2pcdn::error&) {
            return 0;
        }
        std::abort();
    }
    const std::string again = hex::encode(bytes.data(), bytes.size());
    if (again.size() != size) {
        std::abort();
    }
    for (std::size_t i = 0; i < size; ++i) {
        char c = text[i];
        if (c >= 'A' && c <= 'F') {
            c = static_cast<char>(c - 'A' + 'a');
        }
        if (again[i] != c) {
            std::abort();
        }
    }
    std::vector<std::uint8_t> into(bytes.size());
    hex::decode_into(text, into.data(), into.size());
    if (into != bytes) {
        std::abort();
    }
    return 0;
}
