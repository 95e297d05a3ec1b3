// CRC-32C (Castagnoli, the iSCSI / ext4 / SCTP checksum): reflected polynomial 0x82F63B78,
// initial value and final xor 0xFFFFFFFF. crc32c("123456789") is 0xE3069283.
#pragma once

#include <cstdint>
#include <string_view>

namespace p2pcdn {

// The checksum of `data`; pass a previous result as `crc` to continue over a second part.
std::uint32_t crc32c(std::string_view data, std::uint32_t crc = 0) noexcept;

}  // namespace p2pcdn
