// An IPv4 or IPv6 address, stored as 16 bytes (IPv4 in the first 4), with text conversion.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <string_view>

namespace p2pcdn {

class ip_address {
public:
    enum class family : std::uint8_t { v4 = 4, v6 = 6 };

    ip_address() = default;
    // Dotted IPv4 ("192.0.2.1") or RFC 4291/5952 IPv6 text ("2001:db8::1"); no brackets, no
    // zone, no port, at most 45 characters. Throws errc::parse otherwise. An IPv4-mapped IPv6
    // address stays IPv6 and prints as ::ffff:a.b.c.d.
    static ip_address parse(std::string_view text);
    static ip_address v4(const std::uint8_t (&bytes)[4]);
    static ip_address v6(const std::uint8_t (&bytes)[16]);

    family kind() const noexcept { return family_; }
    bool is_v4() const noexcept { return family_ == family::v4; }
    // 4 or 16 bytes in network order.
    const std::uint8_t* bytes() const noexcept { return bytes_.data(); }
    std::size_t size() const noexcept { return is_v4() ? 4 : 16; }
    // Canonical text: dotted quad, or RFC 5952 compressed lowercase IPv6.
    std::string to_string() const;

    friend bool operator==(const ip_address& a, const ip_address& b) noexcept {
        return a.family_ == b.family_ && a.bytes_ == b.bytes_;
    }

private:
    family family_ = family::v4;
    std::array<std::uint8_t, 16> bytes_{};
};

}  // namespace p2pcdn
