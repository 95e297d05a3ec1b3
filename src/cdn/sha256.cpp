#include "cdn/sha256.hpp"

#include "core/error.hpp"
#include "core/hex.hpp"

#include <openssl/err.h>
#include <openssl/evp.h>

namespace p2pcdn::cdn {
namespace {

// OpenSSL's reason text names the failing operation only, never the key or data.
[[noreturn]] void fail_openssl(const char* call) {
    const unsigned long code = ERR_get_error();
    ERR_clear_error();
    if (code == 0) {
        fail(errc::error, "{} failed", call);
    }
    char text[256];
    ERR_error_string_n(code, text, sizeof text);
    fail(errc::error, "{} failed: {}", call, text);
}

}  // namespace

sha256_digest sha256(std::string_view data) {
    sha256_digest out{};
    unsigned int len = 0;
    if (EVP_Digest(data.data(), data.size(), out.data(), &len, EVP_sha256(), nullptr) != 1 ||
        len != out.size()) {
        fail_openssl("EVP_Digest");
    }
    return out;
}

std::string sha256_hex(std::string_view data) {
    const sha256_digest digest = sha256(data);
    return hex::encode(digest.data(), digest.size());
}

sha256_digest hmac_sha256(std::string_view key, std::string_view data) {
    sha256_digest out{};
    std::size_t len = 0;
    const auto* in = reinterpret_cast<const unsigned char*>(data.data());
    if (EVP_Q_mac(nullptr, "HMAC", nullptr, "SHA256", nullptr, key.data(), key.size(), in,
                  data.size(), out.data(), out.size(), &len) == nullptr ||
        len != out.size()) {
        fail_openssl("EVP_Q_mac");
    }
    return out;
}

}  // namespace p2pcdn::cdn
