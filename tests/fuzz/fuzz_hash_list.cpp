// Piece hash list imports. Input: one selector byte (low two bits: algorithm 0-3, so invalid
// ones are tried too; bit 7: an 8-byte piece count instead of a 2-byte one, to reach the
// overflow guards), the little-endian piece count, then the list, fed both as raw digests and
// as hex text. Whatever is accepted must export back to the same bytes.
#include "core/error.hpp"
#include "core/piece_hashes.hpp"

#include <algorithm>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

namespace {

using p2pcdn::hash_algo;
using p2pcdn::piece_hashes;

void expect(bool ok) {
    if (!ok) {
        std::abort();
    }
}

bool same(const piece_hashes& a, const piece_hashes& b) {
    return a.algo() == b.algo() && a.piece_count() == b.piece_count() && a.raw() == b.raw();
}

char lower(char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; }

void try_raw(hash_algo algo, std::size_t count, const std::uint8_t* data, std::size_t len) {
    piece_hashes hashes;
    try {
        hashes = piece_hashes::from_raw(algo, count, data, len);
    } catch (const p2pcdn::error&) {
        return;
    }
    expect(hashes.algo() == algo && hashes.piece_count() == count);
    expect(hashes.raw().size() == len);
    expect(len == 0 || std::equal(data, data + len, hashes.raw().begin()));
    const std::string hex = hashes.hex();
    expect(hex.size() == 2 * len);
    expect(same(piece_hashes::from_hex(algo, count, hex), hashes));
}

void try_hex(hash_algo algo, std::size_t count, std::string_view text) {
    piece_hashes hashes;
    try {
        hashes = piece_hashes::from_hex(algo, count, text);
    } catch (const p2pcdn::error&) {
        return;
    }
    expect(hashes.algo() == algo && hashes.piece_count() == count);
    const std::string hex = hashes.hex();
    expect(hex.size() == text.size());
    for (std::size_t i = 0; i < text.size(); ++i) {
        expect(hex[i] == lower(text[i]));
    }
    const auto& raw = hashes.raw();
    expect(same(piece_hashes::from_raw(algo, count, raw.data(), raw.size()), hashes));
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    if (size < 1) {
        return 0;
    }
    const auto algo = static_cast<hash_algo>(data[0] & 0x03);
    const std::size_t count_bytes = (data[0] & 0x80) != 0 ? 8 : 2;
    if (size < 1 + count_bytes) {
        return 0;
    }
    std::uint64_t count = 0;
    for (std::size_t i = 0; i < count_bytes; ++i) {
        count |= std::uint64_t{data[1 + i]} << (8 * i);
    }
    const std::uint8_t* rest = data + 1 + count_bytes;
    const std::size_t rest_size = size - 1 - count_bytes;
    try_raw(algo, static_cast<std::size_t>(count), rest, rest_size);
    try_hex(algo, static_cast<std::size_t>(count),
            std::string_view(reinterpret_cast<const char*>(rest), rest_size));
    return 0;
}
