// Lowercase hexadecimal text of bytes. Decoding accepts either case and throws errc::parse on
// an odd length or a non-hex character.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace p2pcdn::hex {

std::string encode(const std::uint8_t* data, std::size_t len);
std::vector<std::uint8_t> decode(std::string_view text);
// Decodes into exactly out_len bytes; throws errc::parse unless text.size() == 2 * out_len.
void decode_into(std::string_view text, std::uint8_t* out, std::size_t out_len);

}  // namespace p2pcdn::hex
