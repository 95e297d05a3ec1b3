// RFC 4648 section 4 base64 (standard alphabet, '=' padding). Decoding is canonical-only: it
// throws errc::parse on characters outside the alphabet, missing or misplaced padding, and
// non-zero bits in the last character's unused low bits, so every byte string has exactly one
// accepted text form.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace p2pcdn::base64 {

std::size_t encoded_size(std::size_t len);
std::string encode(const std::uint8_t* data, std::size_t len);
std::vector<std::uint8_t> decode(std::string_view text);

}  // namespace p2pcdn::base64
