#include "core/piece_hashes.hpp"

#include "core/bitmap.hpp"
#include "core/error.hpp"
#include "core/hex.hpp"

#include <algorithm>

namespace p2pcdn {

namespace {

const char* algo_name(hash_algo algo) noexcept {
    return algo == hash_algo::sha1 ? "SHA-1" : "SHA-256";
}

const char* pieces_word(std::size_t count) noexcept { return count == 1 ? "piece" : "pieces"; }

// Bounds the count before any size arithmetic, so count * digest size cannot wrap and a hostile
// count cannot ask for more than a layout could ever need.
void check_piece_count(std::size_t piece_count) {
    if (piece_count > bitmap::max_bits) {
        fail(errc::range, "piece count {} is above the maximum {}", piece_count, bitmap::max_bits);
    }
}

}  // namespace

std::size_t digest_size(hash_algo algo) {
    switch (algo) {
    case hash_algo::sha1:
        return 20;
    case hash_algo::sha256:
        return 32;
    case hash_algo::none:
        break;
    }
    fail(errc::invalid, "hash algorithm {} is not supported; allowed: 1 (sha1), 2 (sha256)",
         static_cast<int>(algo));
}

hash_algo hash_algo_from_int(int value) {
    const auto algo = static_cast<hash_algo>(value);
    digest_size(algo);
    return algo;
}

piece_hashes::piece_hashes(hash_algo algo, std::size_t piece_count)
    : algo_(algo), count_(piece_count), size_(digest_size(algo)) {
    check_piece_count(piece_count);
    bytes_.resize(piece_count * size_);
}

std::string piece_hashes::hex() const { return hex::encode(bytes_.data(), bytes_.size()); }

piece_hashes piece_hashes::from_raw(hash_algo algo, std::size_t piece_count,
                                    const std::uint8_t* data, std::size_t len) {
    const std::size_t size = digest_size(algo);
    check_piece_count(piece_count);
    const std::size_t expected = piece_count * size;
    if (len != expected) {
        fail(errc::parse, "hash list is {} bytes, expected {} for {} {} {}", len, expected,
             piece_count, algo_name(algo), pieces_word(piece_count));
    }
    if (data == nullptr && len != 0) {
        fail(errc::invalid, "hash list data is null");
    }
    piece_hashes hashes(algo, piece_count);
    if (len != 0) {
        std::copy(data, data + len, hashes.bytes_.begin());
    }
    return hashes;
}

piece_hashes piece_hashes::from_hex(hash_algo algo, std::size_t piece_count,
                                    std::string_view text) {
    const std::size_t size = digest_size(algo);
    check_piece_count(piece_count);
    const std::size_t expected = piece_count * size * 2;
    if (text.size() != expected) {
        fail(errc::parse, "hex hash list is {} characters, expected {} for {} {} {}", text.size(),
             expected, piece_count, algo_name(algo), pieces_word(piece_count));
    }
    piece_hashes hashes(algo, piece_count);
    hex::decode_into(text, hashes.bytes_.data(), hashes.bytes_.size());
    return hashes;
}

}  // namespace p2pcdn
