#include <doctest/doctest.h>

#include "test_support.hpp"

#include <cstdint>
#include <random>
#include <string>
#include <string_view>
#include <vector>

#include "core/base64.hpp"
#include "core/bitmap.hpp"
#include "core/error.hpp"
#include "core/hex.hpp"
#include "core/piece_ranges.hpp"

using p2pcdn::bitmap;
using p2pcdn::errc;
using p2pcdn::test::code_of;
namespace base64 = p2pcdn::base64;
namespace hex = p2pcdn::hex;
namespace piece_ranges = p2pcdn::piece_ranges;

namespace {

std::vector<std::uint8_t> bytes_of(std::string_view s) {
    return {s.begin(), s.end()};
}

}  // namespace

TEST_SUITE("hex") {
    TEST_CASE("encode is lowercase") {
        const std::vector<std::uint8_t> data{0x00, 0x01, 0xab, 0xcd, 0xef, 0xff};
        CHECK(hex::encode(data.data(), data.size()) == "0001abcdefff");
        CHECK(hex::encode(nullptr, 0).empty());
    }

    TEST_CASE("decode accepts either case") {
        const std::vector<std::uint8_t> want{0xab, 0xcd, 0xef, 0x09};
        CHECK(hex::decode("abcdef09") == want);
        CHECK(hex::decode("ABCDEF09") == want);
        CHECK(hex::decode("aBcDeF09") == want);
        CHECK(hex::decode("").empty());
    }

    TEST_CASE("round trip of every byte value") {
        std::vector<std::uint8_t> all(256);
        for (std::size_t i = 0; i < all.size(); ++i) all[i] = static_cast<std::uint8_t>(i);
        const std::string text = hex::encode(all.data(), all.size());
        CHECK(text.size() == 512);
        CHECK(hex::decode(text) == all);
    }

    TEST_CASE("malformed input") {
        CHECK_THROWS_WITH_AS(hex::decode("abc"), "hex text has odd length 3", p2pcdn::error&);
        CHECK(code_of([] { hex::decode("abc"); }) == errc::parse);
        CHECK_THROWS_WITH_AS(hex::decode("0g"), "invalid hex character 'g' at offset 1",
                             p2pcdn::error&);
        CHECK_THROWS_WITH_AS(hex::decode("00 1"), "invalid hex character ' ' at offset 2",
                             p2pcdn::error&);
        CHECK_THROWS_WITH_AS(hex::decode(std::string_view("0\n", 2)),
                             "invalid hex byte 0x0a at offset 1", p2pcdn::error&);
        CHECK_THROWS_WITH_AS(hex::decode(std::string_view("\0"
                                                          "0",
                                                          2)),
                             "invalid hex byte 0x00 at offset 0", p2pcdn::error&);
        CHECK(code_of([] { hex::decode("zz"); }) == errc::parse);
    }

    TEST_CASE("decode_into") {
        std::uint8_t out[3] = {};
        hex::decode_into("0A0b0C", out, sizeof out);
        CHECK(out[0] == 0x0a);
        CHECK(out[1] == 0x0b);
        CHECK(out[2] == 0x0c);
        CHECK_THROWS_WITH_AS(hex::decode_into("0a0b", out, sizeof out),
                             "hex text is 4 characters, expected 6", p2pcdn::error&);
        CHECK_THROWS_WITH_AS(hex::decode_into("0a0b0c0", out, sizeof out),
                             "hex text is 7 characters, expected 6", p2pcdn::error&);
        CHECK(code_of([&] { hex::decode_into("0a0b0c0d", out, sizeof out); }) == errc::parse);
        CHECK_THROWS_WITH_AS(hex::decode_into("0a0x0c", out, sizeof out),
                             "invalid hex character 'x' at offset 3", p2pcdn::error&);
    }
}

TEST_SUITE("base64") {
    TEST_CASE("RFC 4648 section 10 test vectors") {
        const std::pair<const char*, const char*> vectors[] = {
            {"", ""},
            {"f", "Zg=="},
            {"fo", "Zm8="},
            {"foo", "Zm9v"},
            {"foob", "Zm9vYg=="},
            {"fooba", "Zm9vYmE="},
            {"foobar", "Zm9vYmFy"},
        };
        for (const auto& vector : vectors) {
            const char* plain = vector.first;
            const std::string_view encoded = vector.second;
            CAPTURE(plain);
            const auto data = bytes_of(plain);
            CHECK(base64::encoded_size(data.size()) == encoded.size());
            CHECK(base64::encode(data.data(), data.size()) == encoded);
            CHECK(base64::decode(encoded) == data);
        }
    }

    TEST_CASE("the whole alphabet and binary bytes") {
        const std::vector<std::uint8_t> data{0xfb, 0xff, 0xbf, 0x00, 0x10, 0x83};
        CHECK(base64::encode(data.data(), data.size()) == "+/+/ABCD");
        CHECK(base64::decode("+/+/ABCD") == data);

        std::mt19937_64 rng(5);
        for (std::size_t n = 0; n < 70; ++n) {
            std::vector<std::uint8_t> random(n);
            for (auto& b : random) b = static_cast<std::uint8_t>(rng());
            CAPTURE(n);
            CHECK(base64::decode(base64::encode(random.data(), random.size())) == random);
        }
    }

    TEST_CASE("length must be a multiple of 4") {
        CHECK_THROWS_WITH_AS(base64::decode("Zg="),
                             "base64 text is 3 characters, not a multiple of 4", p2pcdn::error&);
        CHECK_THROWS_WITH_AS(base64::decode("Zg"),
                             "base64 text is 2 characters, not a multiple of 4", p2pcdn::error&);
        CHECK(code_of([] { base64::decode("Zm9vY"); }) == errc::parse);
    }

    TEST_CASE("characters outside the alphabet") {
        CHECK_THROWS_WITH_AS(base64::decode("Zm9v%mFy"), "invalid base64 character '%' at offset 4",
                             p2pcdn::error&);
        CHECK_THROWS_WITH_AS(base64::decode("Zm9-"), "invalid base64 character '-' at offset 3",
                             p2pcdn::error&);
        CHECK_THROWS_WITH_AS(base64::decode("Zm_="), "invalid base64 character '_' at offset 2",
                             p2pcdn::error&);
        CHECK_THROWS_WITH_AS(base64::decode("Zm9v\nmFy"), "invalid base64 byte 0x0a at offset 4",
                             p2pcdn::error&);
        CHECK_THROWS_WITH_AS(base64::decode("Zm 9"), "invalid base64 character ' ' at offset 2",
                             p2pcdn::error&);
        CHECK(code_of([] { base64::decode("Zm9v%mFy"); }) == errc::parse);
    }

    TEST_CASE("padding only at the end, and only where needed") {
        CHECK_THROWS_WITH_AS(base64::decode("Zg==Zg=="), "misplaced base64 padding at offset 2",
                             p2pcdn::error&);
        CHECK_THROWS_WITH_AS(base64::decode("===="), "misplaced base64 padding at offset 0",
                             p2pcdn::error&);
        CHECK_THROWS_WITH_AS(base64::decode("Z==="), "misplaced base64 padding at offset 1",
                             p2pcdn::error&);
        CHECK_THROWS_WITH_AS(base64::decode("Zg=a"), "misplaced base64 padding at offset 2",
                             p2pcdn::error&);
        CHECK_THROWS_WITH_AS(base64::decode("=m9v"), "misplaced base64 padding at offset 0",
                             p2pcdn::error&);
    }

    TEST_CASE("non-zero unused bits are not canonical") {
        // "Zh==" and "Zm9=" decode to the same bytes as "Zg==" and "Zm8=" in lax decoders.
        CHECK_THROWS_WITH_AS(base64::decode("Zh=="),
                             "base64 character 'h' at offset 1 has non-zero unused bits",
                             p2pcdn::error&);
        CHECK_THROWS_WITH_AS(base64::decode("Zm9="),
                             "base64 character '9' at offset 2 has non-zero unused bits",
                             p2pcdn::error&);
        CHECK(code_of([] { base64::decode("Zm9vYh=="); }) == errc::parse);
    }
}

TEST_SUITE("piece_ranges") {
    TEST_CASE("parse") {
        const bitmap b = piece_ranges::parse("0-3,10,62-65", 100);
        CHECK(b.count() == 4 + 1 + 4);
        CHECK(b.test(0));
        CHECK(b.test(3));
        CHECK_FALSE(b.test(4));
        CHECK(b.test(10));
        CHECK(b.test(62));
        CHECK(b.test(65));
        CHECK_FALSE(b.test(66));

        CHECK(piece_ranges::parse("", 10).none());
        CHECK(piece_ranges::parse("", 0).size() == 0);
        CHECK(piece_ranges::parse("9", 10).count() == 1);
        CHECK(piece_ranges::parse("0-9", 10).all());
        CHECK(piece_ranges::parse("007", 10).test(7));
    }

    TEST_CASE("any order and overlapping") {
        const bitmap b = piece_ranges::parse("500-999,0-10,5-600,3,999", 1000);
        CHECK(b.all());
        const bitmap c = piece_ranges::parse("200-299,0-99,150,50-120", 1000);
        CHECK(piece_ranges::format(c) == "0-120,150,200-299");
        const bitmap d = piece_ranges::parse("0-999,0-999,0-999,64-127,1-1", 1000);
        CHECK(d.all());
    }

    TEST_CASE("parse agrees with set_range on word edges") {
        std::mt19937_64 rng(77);
        for (int round = 0; round < 200; ++round) {
            const std::size_t n = 1 + rng() % 700;
            bitmap want(n);
            std::string text;
            const std::size_t items = rng() % 6;
            for (std::size_t k = 0; k < items; ++k) {
                std::size_t a = rng() % n, b = rng() % n;
                if (b < a) {
                    std::swap(a, b);
                }
                want.set_range(a, b + 1);
                if (!text.empty()) {
                    text += ',';
                }
                text += a == b && (rng() & 1) ? std::to_string(a)
                                              : std::to_string(a) + "-" + std::to_string(b);
            }
            CAPTURE(text);
            const bitmap got = piece_ranges::parse(text, n);
            CHECK(got == want);
            CHECK(piece_ranges::parse(piece_ranges::format(got), n) == got);
        }
    }

    TEST_CASE("format") {
        bitmap b(200);
        CHECK(piece_ranges::format(b).empty());
        b.set(0);
        CHECK(piece_ranges::format(b) == "0");
        b.set(1);
        CHECK(piece_ranges::format(b) == "0-1");
        b.set_range(63, 130);
        b.set(199);
        CHECK(piece_ranges::format(b) == "0-1,63-129,199");
        b.fill(true);
        CHECK(piece_ranges::format(b) == "0-199");
        CHECK(piece_ranges::format(bitmap(0)).empty());
        bitmap one(1);
        one.set(0);
        CHECK(piece_ranges::format(one) == "0");
        bitmap last(64);
        last.set(63);
        CHECK(piece_ranges::format(last) == "63");
    }

    TEST_CASE("malformed input") {
        CHECK_THROWS_WITH_AS(piece_ranges::parse("1-", 10),
                             "expected a digit at offset 2 of piece ranges, found end of text",
                             p2pcdn::error&);
        CHECK_THROWS_WITH_AS(piece_ranges::parse("-1", 10),
                             "expected a digit at offset 0 of piece ranges, found '-'",
                             p2pcdn::error&);
        CHECK_THROWS_WITH_AS(piece_ranges::parse("1,,2", 10),
                             "expected a digit at offset 2 of piece ranges, found ','",
                             p2pcdn::error&);
        CHECK_THROWS_WITH_AS(piece_ranges::parse("1,", 10),
                             "expected a digit at offset 2 of piece ranges, found end of text",
                             p2pcdn::error&);
        CHECK_THROWS_WITH_AS(piece_ranges::parse(",1", 10),
                             "expected a digit at offset 0 of piece ranges, found ','",
                             p2pcdn::error&);
        CHECK_THROWS_WITH_AS(piece_ranges::parse("5-3", 10), "range 5-3 ends before it starts",
                             p2pcdn::error&);
        CHECK_THROWS_WITH_AS(piece_ranges::parse("+1", 10),
                             "expected a digit at offset 0 of piece ranges, found '+'",
                             p2pcdn::error&);
        CHECK_THROWS_WITH_AS(piece_ranges::parse(" 1", 10),
                             "expected a digit at offset 0 of piece ranges, found ' '",
                             p2pcdn::error&);
        CHECK_THROWS_WITH_AS(piece_ranges::parse("1 ", 10),
                             "expected ',' at offset 1 of piece ranges, found ' '", p2pcdn::error&);
        CHECK_THROWS_WITH_AS(piece_ranges::parse("1-2-3", 10),
                             "expected ',' at offset 3 of piece ranges, found '-'", p2pcdn::error&);
        CHECK_THROWS_WITH_AS(piece_ranges::parse(std::string_view("1\0", 2), 10),
                             "expected ',' at offset 1 of piece ranges, found byte 0x00",
                             p2pcdn::error&);
        CHECK_THROWS_WITH_AS(piece_ranges::parse("99999999999999999999999", 10),
                             "number at offset 0 of piece ranges overflows size_t", p2pcdn::error&);
        CHECK_THROWS_WITH_AS(piece_ranges::parse("1-99999999999999999999999", 10),
                             "number at offset 2 of piece ranges overflows size_t", p2pcdn::error&);
        // The largest size_t parses as a number, then fails the range check.
        CHECK_THROWS_WITH_AS(piece_ranges::parse("18446744073709551615", 10),
                             "piece 18446744073709551615 out of range for 10 pieces",
                             p2pcdn::error&);
        CHECK_THROWS_WITH_AS(piece_ranges::parse("18446744073709551616", 10),
                             "number at offset 0 of piece ranges overflows size_t", p2pcdn::error&);
        CHECK_THROWS_WITH_AS(piece_ranges::parse("10", 10), "piece 10 out of range for 10 pieces",
                             p2pcdn::error&);
        CHECK_THROWS_WITH_AS(piece_ranges::parse("0-10", 10), "piece 10 out of range for 10 pieces",
                             p2pcdn::error&);
        CHECK_THROWS_WITH_AS(piece_ranges::parse("0", 0), "piece 0 out of range for 0 pieces",
                             p2pcdn::error&);
        for (const char* bad : {"1-", "-1", "1,,2", "5-3", "+1", " 1", "99999999999999999999999",
                                "10", "a", "1-a", "0x1"}) {
            CAPTURE(bad);
            CHECK(code_of([&] { piece_ranges::parse(bad, 10); }) == errc::parse);
        }
    }

    TEST_CASE("bitmap size limit") {
        CHECK_THROWS_WITH_AS(piece_ranges::parse("", bitmap::max_bits + 1),
                             "bitmap of 67108865 bits exceeds the maximum of 67108864",
                             p2pcdn::error&);
        CHECK(code_of([] { piece_ranges::parse("0", bitmap::max_bits + 1); }) == errc::range);
        const bitmap big = piece_ranges::parse("0-67108863", bitmap::max_bits);
        CHECK(big.all());
    }

    TEST_CASE("many overlapping large ranges stay cheap") {
        // Each item covers the whole bitmap; parsing them one by one would rewrite a million words
        // per item, this text has 20000 of them.
        std::string text;
        for (int i = 0; i < 20000; ++i) {
            if (i) {
                text += ',';
            }
            text += "1-67108862";
        }
        const bitmap b = piece_ranges::parse(text, bitmap::max_bits);
        CHECK(b.count() == bitmap::max_bits - 2);
        CHECK_FALSE(b.test(0));
        CHECK_FALSE(b.test(bitmap::max_bits - 1));
    }
}
