// A content's identity and its division into pieces: id, total length, piece length, and the
// byte range of each piece (every piece is piece_length long except possibly the last).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace p2pcdn {

struct byte_range {
    std::uint64_t offset;
    std::uint32_t length;
};

class content_layout {
public:
    static constexpr std::size_t max_id_length = 128;
    static constexpr std::uint32_t max_piece_length = std::uint32_t{1} << 30;

    // Throws errc::invalid on a bad id, a zero total or piece length, or a piece length above
    // max_piece_length; errc::range when the piece count exceeds bitmap::max_bits.
    content_layout(std::string_view id, std::uint64_t total_length, std::uint32_t piece_length);

    const std::string& id() const noexcept { return id_; }
    std::uint64_t total_length() const noexcept { return total_length_; }
    std::uint32_t piece_length() const noexcept { return piece_length_; }
    std::size_t piece_count() const noexcept { return piece_count_; }
    // Throws errc::range when i >= piece_count().
    byte_range piece_range(std::size_t i) const;

    // Throws errc::invalid with the reason when `id` is not a valid content id: 1 to
    // max_id_length characters from RFC 3986's unreserved set.
    static void validate_id(std::string_view id);

private:
    std::string id_;
    std::uint64_t total_length_;
    std::uint32_t piece_length_;
    std::size_t piece_count_;
};

}  // namespace p2pcdn
