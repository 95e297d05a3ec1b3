// The list of per-piece digests of a content (SHA-1 as in BitTorrent v1, or SHA-256), with
// import and export as raw concatenated digests (a torrent's `pieces` string) or hex.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace p2pcdn {

enum class hash_algo : int { none = 0, sha1 = 1, sha256 = 2 };

// 20 for SHA-1, 32 for SHA-256; throws errc::invalid for anything else.
std::size_t digest_size(hash_algo algo);
// Throws errc::invalid unless value names sha1 or sha256.
hash_algo hash_algo_from_int(int value);

class piece_hashes {
public:
    piece_hashes() = default;
    piece_hashes(hash_algo algo, std::size_t piece_count);

    hash_algo algo() const noexcept { return algo_; }
    std::size_t piece_count() const noexcept { return count_; }
    bool empty() const noexcept { return algo_ == hash_algo::none; }
    // Unchecked: i < piece_count(). digest_size(algo()) bytes.
    const std::uint8_t* digest(std::size_t i) const noexcept { return &bytes_[i * size_]; }
    std::uint8_t* digest(std::size_t i) noexcept { return &bytes_[i * size_]; }
    // All digests concatenated in piece order.
    const std::vector<std::uint8_t>& raw() const noexcept { return bytes_; }
    std::string hex() const;

    // Throw errc::parse unless the input holds exactly piece_count digests of `algo`;
    // errc::invalid for an unsupported algo or NULL data with a length, errc::range for a piece
    // count above bitmap::max_bits. Lengths are checked before anything is allocated.
    static piece_hashes from_raw(hash_algo algo, std::size_t piece_count, const std::uint8_t* data,
                                 std::size_t len);
    static piece_hashes from_hex(hash_algo algo, std::size_t piece_count, std::string_view text);

private:
    hash_algo algo_ = hash_algo::none;
    std::size_t count_ = 0;
    std::size_t size_ = 0;
    std::vector<std::uint8_t> bytes_;
};

}  // namespace p2pcdn
