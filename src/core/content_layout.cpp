#include "core/content_layout.hpp"

#include "core/bitmap.hpp"
#include "core/error.hpp"

namespace p2pcdn {

namespace {

// RFC 3986 unreserved: an id is then safe as a URI path segment, a query value and a file name
// without any escaping.
bool is_unreserved(char c) noexcept {
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' ||
           c == '.' || c == '_' || c == '~';
}

}  // namespace

void content_layout::validate_id(std::string_view id) {
    if (id.empty()) {
        fail(errc::invalid, "content id is empty");
    }
    if (id.size() > max_id_length) {
        fail(errc::invalid, "content id is {} characters, at most {} allowed", id.size(),
             max_id_length);
    }
    for (std::size_t i = 0; i < id.size(); ++i) {
        const char c = id[i];
        if (is_unreserved(c)) {
            continue;
        }
        const auto byte = static_cast<unsigned char>(c);
        // Control and non-ASCII bytes would make the message itself unreadable or invalid UTF-8.
        if (byte >= 0x20 && byte < 0x7f) {
            fail(errc::invalid, "content id has character '{}' at offset {}; allowed: {}", c, i,
                 "A-Z a-z 0-9 - . _ ~");
        }
        fail(errc::invalid, "content id has byte 0x{:02x} at offset {}; allowed: {}", byte, i,
             "A-Z a-z 0-9 - . _ ~");
    }
}

content_layout::content_layout(std::string_view id, std::uint64_t total_length,
                               std::uint32_t piece_length)
    : total_length_(total_length), piece_length_(piece_length), piece_count_(0) {
    validate_id(id);
    if (piece_length == 0) {
        fail(errc::invalid, "piece length 0 is not allowed");
    }
    if (piece_length > max_piece_length) {
        fail(errc::invalid, "piece length {} is above the maximum {}", piece_length,
             max_piece_length);
    }
    if (total_length == 0) {
        fail(errc::invalid, "total length 0 is not allowed");
    }
    // Division and remainder instead of (total + piece - 1) / piece, which wraps near UINT64_MAX.
    const std::uint64_t count =
        total_length / piece_length + (total_length % piece_length != 0 ? 1 : 0);
    if (count > bitmap::max_bits) {
        fail(errc::range,
             "content of {} bytes in pieces of {} bytes has {} pieces, above the maximum {}",
             total_length, piece_length, count, bitmap::max_bits);
    }
    piece_count_ = static_cast<std::size_t>(count);
    id_ = std::string(id);
}

byte_range content_layout::piece_range(std::size_t i) const {
    if (i >= piece_count_) {
        fail(errc::range, "piece {} is out of range, the content has {} pieces", i, piece_count_);
    }
    // Cannot overflow: i < 2^26 and piece_length_ <= 2^30.
    const std::uint64_t offset = std::uint64_t{i} * piece_length_;
    const std::uint64_t rest = total_length_ - offset;
    const std::uint32_t length =
        rest < piece_length_ ? static_cast<std::uint32_t>(rest) : piece_length_;
    return byte_range{offset, length};
}

}  // namespace p2pcdn
