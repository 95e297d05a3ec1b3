#include "core/base64.hpp"

#include <array>
#include <limits>

#include "core/error.hpp"

namespace p2pcdn::base64 {
namespace {

constexpr char alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
constexpr std::uint8_t invalid = 0xff;

constexpr std::array<std::uint8_t, 256> make_values() {
    std::array<std::uint8_t, 256> v{};
    for (auto& x : v) x = invalid;
    for (std::size_t i = 0; i < 64; ++i) {
        v[static_cast<unsigned char>(alphabet[i])] = static_cast<std::uint8_t>(i);
    }
    return v;
}
constexpr std::array<std::uint8_t, 256> values = make_values();

// Called only once a character is known to be wrong; says which rule it broke, and keeps the
// message printable whatever byte the input held.
[[noreturn]] void bad_character(std::string_view text, std::size_t offset) {
    const auto c = static_cast<unsigned char>(text[offset]);
    if (c == '=') {
        fail(errc::parse, "misplaced base64 padding at offset {}", offset);
    }
    if (c >= 0x20 && c < 0x7f) {
        fail(errc::parse, "invalid base64 character '{}' at offset {}", static_cast<char>(c),
             offset);
    }
    fail(errc::parse, "invalid base64 byte 0x{:02x} at offset {}", c, offset);
}

}  // namespace

std::size_t encoded_size(std::size_t len) {
    const std::size_t groups = len / 3 + (len % 3 != 0 ? 1 : 0);
    if (groups > std::numeric_limits<std::size_t>::max() / 4) {
        fail(errc::range, "{} bytes are too many to base64-encode", len);
    }
    return groups * 4;
}

std::string encode(const std::uint8_t* data, std::size_t len) {
    std::string text(encoded_size(len), '=');
    char* out = text.data();
    std::size_t i = 0;
    for (; i + 3 <= len; i += 3) {
        const std::uint32_t v = std::uint32_t{data[i]} << 16 | std::uint32_t{data[i + 1]} << 8 |
                                std::uint32_t{data[i + 2]};
        *out++ = alphabet[v >> 18];
        *out++ = alphabet[v >> 12 & 0x3f];
        *out++ = alphabet[v >> 6 & 0x3f];
        *out++ = alphabet[v & 0x3f];
    }
    const std::size_t rest = len - i;
    if (rest > 0) {
        // The string was filled with '=', so only the data characters are written here.
        std::uint32_t v = std::uint32_t{data[i]} << 16;
        if (rest == 2) {
            v |= std::uint32_t{data[i + 1]} << 8;
        }
        *out++ = alphabet[v >> 18];
        *out++ = alphabet[v >> 12 & 0x3f];
        if (rest == 2) {
            *out = alphabet[v >> 6 & 0x3f];
        }
    }
    return text;
}

std::vector<std::uint8_t> decode(std::string_view text) {
    const std::size_t n = text.size();
    if (n % 4 != 0) {
        fail(errc::parse, "base64 text is {} characters, not a multiple of 4", n);
    }
    if (n == 0) {
        return {};
    }

    std::size_t pad = 0;
    if (text[n - 1] == '=') {
        pad = text[n - 2] == '=' ? 2 : 1;
    }
    const std::size_t groups = n / 4;
    std::vector<std::uint8_t> out(groups * 3 - pad);
    const auto* in = reinterpret_cast<const unsigned char*>(text.data());

    // Every group but the last is four alphabet characters; '=' maps to invalid there.
    for (std::size_t g = 0; g + 1 < groups; ++g) {
        const unsigned char* c = in + 4 * g;
        const std::uint8_t a = values[c[0]], b = values[c[1]], d = values[c[2]], e = values[c[3]];
        if ((a | b | d | e) & 0x80) {
            for (std::size_t k = 0;; ++k) {
                if (values[c[k]] == invalid) {
                    bad_character(text, 4 * g + k);
                }
            }
        }
        const std::uint32_t v = std::uint32_t{a} << 18 | std::uint32_t{b} << 12 |
                                std::uint32_t{d} << 6 | std::uint32_t{e};
        out[3 * g] = static_cast<std::uint8_t>(v >> 16);
        out[3 * g + 1] = static_cast<std::uint8_t>(v >> 8);
        out[3 * g + 2] = static_cast<std::uint8_t>(v);
    }

    const std::size_t base = 4 * (groups - 1);
    const std::size_t data_chars = 4 - pad;
    std::uint32_t v = 0;
    for (std::size_t k = 0; k < data_chars; ++k) {
        const std::uint8_t x = values[in[base + k]];
        if (x == invalid) {
            bad_character(text, base + k);
        }
        v |= std::uint32_t{x} << (18 - 6 * k);
    }
    // With padding, the last data character carries bits past the end of the data; a
    // canonical encoder leaves them zero, and accepting others would give one byte string
    // several text forms.
    const std::uint32_t unused = pad == 2 ? 0xffffu : pad == 1 ? 0xffu : 0u;
    if ((v & unused) != 0) {
        const std::size_t offset = base + data_chars - 1;
        fail(errc::parse, "base64 character '{}' at offset {} has non-zero unused bits",
             text[offset], offset);
    }
    const std::size_t o = 3 * (groups - 1);
    out[o] = static_cast<std::uint8_t>(v >> 16);
    if (pad < 2) {
        out[o + 1] = static_cast<std::uint8_t>(v >> 8);
    }
    if (pad < 1) {
        out[o + 2] = static_cast<std::uint8_t>(v);
    }
    return out;
}

}  // namespace p2pcdn::base64
