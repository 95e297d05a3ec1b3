#include "core/ip_address.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>

#include <cstring>

#include "core/error.hpp"

namespace p2pcdn {
namespace {

// The longest text form: an IPv6 address with an embedded IPv4 tail,
// "ffff:ffff:ffff:ffff:ffff:ffff:255.255.255.255".
constexpr std::size_t max_text_length = 45;
// How much of a bad input the message quotes.
constexpr std::size_t max_quoted = 64;

bool allowed(char c) noexcept {
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F') || c == '.' ||
           c == ':';
}

// The input as it can appear in a one-line message: at most max_quoted bytes, control and
// non-ASCII bytes and the backslash as \xNN, "..." when cut.
std::string quote(std::string_view text) {
    std::string out;
    const std::size_t n = text.size() < max_quoted ? text.size() : max_quoted;
    for (std::size_t i = 0; i < n; ++i) {
        const auto byte = static_cast<unsigned char>(text[i]);
        if (byte >= 0x20 && byte < 0x7f && byte != '\\') {
            out += static_cast<char>(byte);
        } else {
            out += fmt::format("\\x{:02x}", byte);
        }
    }
    if (n < text.size()) {
        out += "...";
    }
    return out;
}

[[noreturn]] void invalid(std::string_view text) {
    fail(errc::parse, "invalid IP address '{}'", quote(text));
}

}  // namespace

ip_address ip_address::parse(std::string_view text) {
    // inet_pton already refuses brackets, zones and ports; checking the alphabet first also
    // keeps an embedded NUL from cutting the text short when it is copied for inet_pton.
    if (text.empty() || text.size() > max_text_length) {
        invalid(text);
    }
    bool colon = false;
    for (const char c : text) {
        if (!allowed(c)) {
            invalid(text);
        }
        colon = colon || c == ':';
    }
    char buf[max_text_length + 1];
    std::memcpy(buf, text.data(), text.size());
    buf[text.size()] = '\0';

    ip_address result;
    if (colon) {
        in6_addr addr{};
        if (inet_pton(AF_INET6, buf, &addr) != 1) {
            invalid(text);
        }
        result.family_ = family::v6;
        std::memcpy(result.bytes_.data(), &addr, 16);
    } else {
        in_addr addr{};
        if (inet_pton(AF_INET, buf, &addr) != 1) {
            invalid(text);
        }
        result.family_ = family::v4;
        std::memcpy(result.bytes_.data(), &addr, 4);
    }
    return result;
}

ip_address ip_address::v4(const std::uint8_t (&bytes)[4]) {
    ip_address result;
    result.family_ = family::v4;
    std::memcpy(result.bytes_.data(), bytes, 4);
    return result;
}

ip_address ip_address::v6(const std::uint8_t (&bytes)[16]) {
    ip_address result;
    result.family_ = family::v6;
    std::memcpy(result.bytes_.data(), bytes, 16);
    return result;
}

std::string ip_address::to_string() const {
    char buf[INET6_ADDRSTRLEN];
    const int af = is_v4() ? AF_INET : AF_INET6;
    // Cannot fail: the family is valid and the buffer holds the longest form.
    if (inet_ntop(af, bytes_.data(), buf, sizeof buf) == nullptr) {
        fail(errc::error, "inet_ntop failed");
    }
    return buf;
}

}  // namespace p2pcdn
