#include "http/url_policy.hpp"

#include "core/error.hpp"
#include "http/redact.hpp"

#include <netinet/in.h>
#include <sys/socket.h>

#include <cstring>

namespace p2pcdn::http {
namespace {

bool scheme_char(char c, bool first) {
    bool alpha = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
    return first ? alpha : (alpha || (c >= '0' && c <= '9') || c == '+' || c == '-' || c == '.');
}

const char* v4_kind(const std::uint8_t* b) noexcept {
    if (b[0] == 0) {
        return b[1] == 0 && b[2] == 0 && b[3] == 0 ? "unspecified" : "reserved";  // 0/8
    }
    if (b[0] == 127) {
        return "loopback";
    }
    if (b[0] == 10 || (b[0] == 172 && (b[1] & 0xf0) == 16) || (b[0] == 192 && b[1] == 168)) {
        return "private";
    }
    if (b[0] == 100 && (b[1] & 0xc0) == 64) {
        return "private";  // 100.64/10, carrier-grade NAT shared space
    }
    if (b[0] == 169 && b[1] == 254) {
        return "link-local";
    }
    if (b[0] >= 224 && b[0] <= 239) {
        return "multicast";
    }
    if (b[0] >= 240) {
        return "reserved";  // 240/4 and the broadcast address
    }
    if (b[0] == 192 && b[1] == 0 && b[2] == 0) {
        return "reserved";  // 192.0.0/24 IETF protocol assignments
    }
    return nullptr;
}

}  // namespace

void validate(const url_policy& policy) {
    if (policy.schemes.empty()) {
        fail(errc::invalid, "the url policy allows no scheme");
    }
    for (const auto& scheme : policy.schemes) {
        if (scheme != "http" && scheme != "https") {
            fail(errc::invalid, "scheme '{}' is not supported (http and https are)", scheme);
        }
    }
}

std::string scheme_of(std::string_view url) {
    std::size_t colon = url.find(':');
    if (colon == std::string_view::npos || colon == 0) {
        return {};
    }
    std::string scheme;
    for (std::size_t i = 0; i < colon; ++i) {
        if (!scheme_char(url[i], i == 0)) {
            return {};
        }
        char c = url[i];
        scheme += (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
    }
    return scheme;
}

void check_url(const url_policy& policy, std::string_view url) {
    std::string scheme = scheme_of(url);
    if (scheme.empty()) {
        fail(errc::invalid, "'{}' is not an absolute URL", redact_url(url));
    }
    for (const auto& allowed : policy.schemes) {
        if (scheme == allowed) {
            return;
        }
    }
    fail(errc::protocol, "scheme '{}' is not allowed ({})", scheme, redact_url(url));
}

const char* special_address_kind(const ip_address& address) noexcept {
    const std::uint8_t* b = address.bytes();
    if (address.is_v4()) {
        return v4_kind(b);
    }
    static constexpr std::uint8_t zeros[16] = {};
    static constexpr std::uint8_t mapped[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
    if (std::memcmp(b, zeros, 15) == 0) {
        return b[15] == 0 ? "unspecified" : b[15] == 1 ? "loopback" : "reserved";
    }
    if (std::memcmp(b, mapped, 12) == 0) {
        return v4_kind(b + 12);  // ::ffff:a.b.c.d reaches the IPv4 address
    }
    if (std::memcmp(b, zeros, 12) == 0) {
        return "reserved";  // deprecated IPv4-compatible ::a.b.c.d
    }
    if ((b[0] & 0xfe) == 0xfc) {
        return "private";  // fc00::/7 unique local
    }
    if (b[0] == 0xfe && (b[1] & 0xc0) == 0x80) {
        return "link-local";  // fe80::/10
    }
    if (b[0] == 0xfe && (b[1] & 0xc0) == 0xc0) {
        return "private";  // fec0::/10, deprecated site-local
    }
    if (b[0] == 0xff) {
        return "multicast";
    }
    if (b[0] == 0x00 && b[1] == 0x64 && b[2] == 0xff && b[3] == 0x9b) {
        // 64:ff9b::/96 NAT64 reaches the embedded IPv4 address
        std::uint8_t zero_mid[8] = {};
        if (std::memcmp(b + 4, zero_mid, 8) == 0) {
            return v4_kind(b + 12);
        }
    }
    if (b[0] == 0x20 && b[1] == 0x02) {
        return v4_kind(b + 2);  // 2002::/16 6to4 embeds an IPv4 address
    }
    return nullptr;
}

bool address_of(const struct sockaddr* sa, ip_address& out) noexcept {
    if (sa == nullptr) {
        return false;
    }
    if (sa->sa_family == AF_INET) {
        sockaddr_in in{};
        std::memcpy(&in, sa, sizeof in);
        std::uint8_t bytes[4];
        std::memcpy(bytes, &in.sin_addr, 4);
        out = ip_address::v4(bytes);
        return true;
    }
    if (sa->sa_family == AF_INET6) {
        sockaddr_in6 in6{};
        std::memcpy(&in6, sa, sizeof in6);
        std::uint8_t bytes[16];
        std::memcpy(bytes, &in6.sin6_addr, 16);
        out = ip_address::v6(bytes);
        return true;
    }
    return false;
}

}  // namespace p2pcdn::http
