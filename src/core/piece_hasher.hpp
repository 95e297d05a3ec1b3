// Computes piece hashes with OpenSSL EVP, from a buffer or streamed from a file in constant
// memory, and verifies one piece's bytes.
#pragma once

#include "core/content_layout.hpp"
#include "core/piece_hashes.hpp"

#include <cstdint>
#include <functional>
#include <string>

namespace p2pcdn {

// Called after each piece with (bytes done, total bytes); returning false stops the work with
// errc::user.
using hash_progress = std::function<bool(std::uint64_t, std::uint64_t)>;

struct hash_settings {
    hash_algo algo = hash_algo::sha1;
    std::size_t read_size = std::size_t{1} << 20;  // file reads: 1 to max_read_size bytes
    hash_progress progress;
    static constexpr std::size_t max_read_size = std::size_t{64} << 20;
};

// Throws errc::invalid when len != layout.total_length().
piece_hashes hash_buffer(const content_layout& layout, const std::uint8_t* data, std::size_t len,
                         const hash_settings& settings);
// Throws errc::io when the file cannot be read, errc::invalid when its size is not the
// layout's total length (or changes while it is read).
piece_hashes hash_file(const content_layout& layout, const std::string& path,
                       const hash_settings& settings);
// The size of a regular file; errc::io otherwise.
std::uint64_t file_size(const std::string& path);

// True when data is exactly piece i of the layout with the digest held in hashes (false for
// NULL data or a wrong length). Throws errc::invalid when hashes is empty or was made for another
// piece count, errc::range when i is past the last piece.
bool verify_piece(const content_layout& layout, const piece_hashes& hashes, std::size_t i,
                  const std::uint8_t* data, std::size_t len);

}  // namespace p2pcdn
