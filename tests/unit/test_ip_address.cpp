#include <doctest/doctest.h>

#include "test_support.hpp"

#include <cstdint>
#include <string>
#include <string_view>

#include "core/error.hpp"
#include "core/ip_address.hpp"

using p2pcdn::errc;
using p2pcdn::ip_address;
using p2pcdn::test::code_of;

namespace {

std::string canonical(std::string_view text) {
    return ip_address::parse(text).to_string();
}

}  // namespace

TEST_SUITE("ip_address") {
    TEST_CASE("IPv4") {
        const auto a = ip_address::parse("192.0.2.1");
        CHECK(a.is_v4());
        CHECK(a.kind() == ip_address::family::v4);
        CHECK(a.size() == 4);
        CHECK(a.bytes()[0] == 192);
        CHECK(a.bytes()[1] == 0);
        CHECK(a.bytes()[2] == 2);
        CHECK(a.bytes()[3] == 1);
        CHECK(a.to_string() == "192.0.2.1");
        CHECK(canonical("0.0.0.0") == "0.0.0.0");
        CHECK(canonical("255.255.255.255") == "255.255.255.255");

        const std::uint8_t raw[4] = {192, 0, 2, 1};
        CHECK(ip_address::v4(raw) == a);
        CHECK(ip_address() == ip_address::parse("0.0.0.0"));
    }

    TEST_CASE("IPv6 and RFC 5952 text") {
        const auto a = ip_address::parse("2001:db8::1");
        CHECK_FALSE(a.is_v4());
        CHECK(a.kind() == ip_address::family::v6);
        CHECK(a.size() == 16);
        CHECK(a.bytes()[0] == 0x20);
        CHECK(a.bytes()[1] == 0x01);
        CHECK(a.bytes()[15] == 0x01);
        std::uint8_t raw[16] = {0x20, 0x01, 0x0d, 0xb8};
        raw[15] = 1;
        CHECK(ip_address::v6(raw) == a);

        // RFC 5952 section 4: lowercase, no leading zeros, the longest run of zero groups
        // compressed (the first of equal runs), a single zero group not compressed.
        CHECK(canonical("2001:DB8:0:0:0:0:0:1") == "2001:db8::1");
        CHECK(canonical("2001:0db8:0000:0000:0000:0000:0000:0001") == "2001:db8::1");
        CHECK(canonical("2001:db8:0:0:1:0:0:1") == "2001:db8::1:0:0:1");
        CHECK(canonical("2001:0:0:1:0:0:0:1") == "2001:0:0:1::1");
        CHECK(canonical("2001:db8:0:1:1:1:1:1") == "2001:db8:0:1:1:1:1:1");
        CHECK(canonical("::") == "::");
        CHECK(canonical("::1") == "::1");
        CHECK(canonical("fe80::") == "fe80::");
        CHECK(canonical("ffff:ffff:ffff:ffff:ffff:ffff:255.255.255.255") ==
              "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff");
    }

    TEST_CASE("an IPv4-mapped IPv6 address stays IPv6") {
        const auto a = ip_address::parse("::ffff:192.0.2.1");
        CHECK_FALSE(a.is_v4());
        CHECK(a.size() == 16);
        CHECK(a.to_string() == "::ffff:192.0.2.1");
        CHECK(canonical("::FFFF:c000:0201") == "::ffff:192.0.2.1");
        CHECK_FALSE(a == ip_address::parse("192.0.2.1"));
    }

    TEST_CASE("families differ even with equal leading bytes") {
        const std::uint8_t raw4[4] = {0, 0, 0, 0};
        const std::uint8_t raw6[16] = {};
        CHECK_FALSE(ip_address::v4(raw4) == ip_address::v6(raw6));
        CHECK(ip_address::v6(raw6) == ip_address::parse("::"));
    }

    TEST_CASE("rejected forms") {
        for (const char* bad : {"",           "1.2.3",        "1.2.3.4.5",
                                "1.2.3.256",  "01.2.3.4",     "1.2.3.4.",
                                ".1.2.3.4",   "1.2.3.-4",     "0x1.2.3.4",
                                "1..2.3",     "[::1]",        "[2001:db8::1]:443",
                                "1.2.3.4:80", "fe80::1%eth0", "fe80::1%1",
                                ":::",        "1::2::3",      "1:2:3:4:5:6:7:8:9",
                                "12345::",    "::g",          "2001:db8::1/64",
                                " 1.2.3.4",   "1.2.3.4 ",     "localhost",
                                "1.2.3.4\n",  "::ffff:1.2.3", "::ffff:1.2.3.4.5"}) {
            CAPTURE(bad);
            CHECK(code_of([&] { ip_address::parse(bad); }) == errc::parse);
        }
        CHECK_THROWS_WITH_AS(ip_address::parse("[::1]"), "invalid IP address '[::1]'",
                             p2pcdn::error&);
        CHECK_THROWS_WITH_AS(ip_address::parse(""), "invalid IP address ''", p2pcdn::error&);
        CHECK_THROWS_WITH_AS(ip_address::parse("fe80::1%eth0"), "invalid IP address 'fe80::1%eth0'",
                             p2pcdn::error&);
    }

    TEST_CASE("an embedded NUL does not cut the text short") {
        using namespace std::string_view_literals;
        CHECK_THROWS_WITH_AS(ip_address::parse("1.2.3.4\0junk"sv),
                             "invalid IP address '1.2.3.4\\x00junk'", p2pcdn::error&);
        CHECK_THROWS_WITH_AS(ip_address::parse("::1\0"sv), "invalid IP address '::1\\x00'",
                             p2pcdn::error&);
    }

    TEST_CASE("length limit: 45 characters") {
        // 45 characters is the longest valid form; one more is refused before inet_pton.
        const std::string longest = "ffff:ffff:ffff:ffff:ffff:ffff:255.255.255.255";
        REQUIRE(longest.size() == 45);
        CHECK_NOTHROW(ip_address::parse(longest));
        CHECK(code_of([&] { ip_address::parse("0" + longest); }) == errc::parse);
    }

    TEST_CASE("messages stay one printable line") {
        CHECK_THROWS_WITH_AS(ip_address::parse("1.2.3.4\r\n\x7f\xff\\"),
                             "invalid IP address '1.2.3.4\\x0d\\x0a\\x7f\\xff\\x5c'",
                             p2pcdn::error&);
        // At most 64 bytes of the input are quoted.
        const std::string huge(1000, 'a');
        CHECK_THROWS_WITH_AS(ip_address::parse(huge),
                             ("invalid IP address '" + std::string(64, 'a') + "...'").c_str(),
                             p2pcdn::error&);
        const std::string exact(64, '1');
        CHECK_THROWS_WITH_AS(ip_address::parse(exact),
                             ("invalid IP address '" + exact + "'").c_str(), p2pcdn::error&);
    }
}
