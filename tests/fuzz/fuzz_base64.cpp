// Base64 decoding: the whole input is the text. The decoder is canonical, so anything it
// accepts must re-encode to exactly the same text.
#include <cstdlib>
#include <string_view>

#include "core/base64.hpp"
#include "core/error.hpp"

namespace base64 = p2pcdn::base64;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view text(reinterpret_cast<const char*>(data), size);

    // Encoding any bytes must decode back to them.
    const std::string encoded = base64::encode(data, size);
    if (encoded.size() != base64::encoded_size(size) ||
        base64::decode(encoded) != std::vector<std::uint8_t>(data, data + size)) {
        std::abort();
    }

    std::vector<std::uint8_t> bytes;
    try {
        bytes = base64::decode(text);
    } catch (const p2pcdn::error&) {
        return 0;
    }
    if (base64::encode(bytes.data(), bytes.size()) != text) {
        std::abort();
    }
    return 0;
}
