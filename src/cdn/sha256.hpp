// SHA-256 and HMAC-SHA256 through OpenSSL EVP, as request signing needs them.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <string_view>

namespace p2pcdn::cdn {

using sha256_digest = std::array<std::uint8_t, 32>;

sha256_digest sha256(std::string_view data);
// Lowercase hex of sha256(data).
std::string sha256_hex(std::string_view data);
sha256_digest hmac_sha256(std::string_view key, std::string_view data);

// The digest's bytes, to feed one HMAC's output in as the next one's key.
inline std::string_view bytes_of(const sha256_digest& digest) noexcept {
    return {reinterpret_cast<const char*>(digest.data()), digest.size()};
}

}  // namespace p2pcdn::cdn
