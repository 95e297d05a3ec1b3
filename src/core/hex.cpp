#include "core/hex.hpp"

#include <array>

#include "core/error.hpp"

namespace p2pcdn::hex {
namespace {

constexpr char digits[] = "0123456789abcdef";
constexpr std::uint8_t invalid = 0xff;

constexpr std::array<std::uint8_t, 256> make_values() {
    std::array<std::uint8_t, 256> v{};
    for (auto& x : v) x = invalid;
    for (int c = 0; c < 10; ++c) {
        v[static_cast<std::size_t>('0' + c)] = static_cast<std::uint8_t>(c);
    }
    for (int c = 0; c < 6; ++c) {
        v[static_cast<std::size_t>('a' + c)] = static_cast<std::uint8_t>(10 + c);
        v[static_cast<std::size_t>('A' + c)] = static_cast<std::uint8_t>(10 + c);
    }
    return v;
}
constexpr std::array<std::uint8_t, 256> values = make_values();

// Messages stay one line and printable whatever byte the input held.
[[noreturn]] void bad_character(std::string_view text, std::size_t offset) {
    const auto c = static_cast<unsigned char>(text[offset]);
    if (c >= 0x20 && c < 0x7f) {
        fail(errc::parse, "invalid hex character '{}' at offset {}", static_cast<char>(c), offset);
    }
    fail(errc::parse, "invalid hex byte 0x{:02x} at offset {}", c, offset);
}

void decode_unchecked_length(std::string_view text, std::uint8_t* out) {
    const auto* in = reinterpret_cast<const unsigned char*>(text.data());
    const std::size_t n = text.size() / 2;
    for (std::size_t i = 0; i < n; ++i) {
        const std::uint8_t hi = values[in[2 * i]];
        const std::uint8_t lo = values[in[2 * i + 1]];
        if (hi == invalid || lo == invalid) {
            bad_character(text, hi == invalid ? 2 * i : 2 * i + 1);
        }
        out[i] = static_cast<std::uint8_t>(hi << 4 | lo);
    }
}

}  // namespace

std::string encode(const std::uint8_t* data, std::size_t len) {
    std::string text(2 * len, '\0');
    for (std::size_t i = 0; i < len; ++i) {
        text[2 * i] = digits[data[i] >> 4];
        text[2 * i + 1] = digits[data[i] & 0x0f];
    }
    return text;
}

std::vector<std::uint8_t> decode(std::string_view text) {
    if (text.size() % 2 != 0) {
        fail(errc::parse, "hex text has odd length {}", text.size());
    }
    std::vector<std::uint8_t> out(text.size() / 2);
    decode_unchecked_length(text, out.data());
    return out;
}

void decode_into(std::string_view text, std::uint8_t* out, std::size_t out_len) {
    if (text.size() / 2 != out_len || text.size() % 2 != 0) {
        fail(errc::parse, "hex text is {} characters, expected {}", text.size(), 2 * out_len);
    }
    decode_unchecked_length(text, out);
}

}  // namespace p2pcdn::hex
