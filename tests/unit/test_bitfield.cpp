#include <doctest/doctest.h>

#include <cstdint>
#include <random>
#include <vector>

#include "core/error.hpp"
#include "wire/bitfield.hpp"

using p2pcdn::bitmap;
namespace bitfield = p2pcdn::bitfield;
using bitfield::spare_bits;

namespace {


p2pcdn::errc code_of(const std::vector<std::uint8_t>& bytes, std::size_t nbits, spare_bits mode) {
    try {
        bitfield::decode(bytes.data(), bytes.size(), nbits, mode);
    } catch (const p2pcdn::error& e) {
        return e.code();
    }
    return p2pcdn::errc::ok;
}

}  // namespace

TEST_SUITE("bitfield") {
    TEST_CASE("byte_size") {
        CHECK(bitfield::byte_size(0) == 0);
        CHECK(bitfield::byte_size(1) == 1);
        CHECK(bitfield::byte_size(8) == 1);
        CHECK(bitfield::byte_size(9) == 2);
        CHECK(bitfield::byte_size(65) == 9);
    }

    TEST_CASE("BEP 3 bit order: piece 0 is the high bit of byte 0") {
        bitmap b(10);
        b.set(0);
        CHECK(bitfield::encode(b) == std::vector<std::uint8_t>{0x80, 0x00});
        b.clear(0);
        b.set(7);
        b.set(8);
        CHECK(bitfield::encode(b) == std::vector<std::uint8_t>{0x01, 0x80});
        b.set(9);
        CHECK(bitfield::encode(b) == std::vector<std::uint8_t>{0x01, 0xc0});

        const std::vector<std::uint8_t> wire{0x80, 0x40};
        const bitmap d = bitfield::decode(wire.data(), wire.size(), 10, spare_bits::reject);
        CHECK(d.test(0));
        CHECK(d.test(9));
        CHECK(d.count() == 2);
    }

    TEST_CASE("word-wise decode across a word boundary") {
        std::vector<std::uint8_t> wire(9, 0);
        wire[0] = 0x01;  // piece 7
        wire[7] = 0x01;  // piece 63
        wire[8] = 0x80;  // piece 64
        const bitmap d = bitfield::decode(wire.data(), wire.size(), 72, spare_bits::reject);
        CHECK(d.count() == 3);
        CHECK(d.test(7));
        CHECK(d.test(63));
        CHECK(d.test(64));
        CHECK(d.words()[0] == 0x0100000000000001ULL);
        CHECK(d.words()[1] == 0x8000000000000000ULL);
    }

    TEST_CASE("round trips on random bitmaps") {
        std::mt19937_64 rng(1234);
        for (std::size_t n : {0, 1, 7, 8, 9, 63, 64, 65, 127, 128, 1000}) {
            CAPTURE(n);
            bitmap b(n);
            for (std::size_t i = 0; i < n; ++i) {
                if (rng() & 1) {
                    b.set(i);
                }
            }
            const auto wire = bitfield::encode(b);
            REQUIRE(wire.size() == bitfield::byte_size(n));
            bool order_ok = true;
            for (std::size_t i = 0; i < n; ++i) {
                order_ok = order_ok && b.test(i) == ((wire[i / 8] & (0x80 >> (i % 8))) != 0);
            }
            CHECK(order_ok);
            for (spare_bits mode : {spare_bits::reject, spare_bits::clear}) {
                const bitmap d = bitfield::decode(wire.data(), wire.size(), n, mode);
                CHECK(d == b);
                CHECK(d.spare_bits_clear());
            }
            std::vector<std::uint8_t> into(wire.size() + 1, 0xee);
            bitfield::encode_into(b, into.data());
            CHECK(std::vector<std::uint8_t>(into.begin(), into.end() - 1) == wire);
            CHECK(into.back() == 0xee);
        }
    }

    TEST_CASE("all pieces set") {
        for (std::size_t n : {1, 7, 8, 63, 64, 65, 1000}) {
            CAPTURE(n);
            bitmap b(n);
            b.fill(true);
            const auto wire = bitfield::encode(b);
            for (std::size_t i = 0; i + 1 < wire.size(); ++i) CHECK(wire[i] == 0xff);
            const unsigned tail_bits = n % 8 == 0 ? 8 : static_cast<unsigned>(n % 8);
            CHECK(wire.back() == static_cast<std::uint8_t>(0xff00u >> tail_bits));
        }
    }

    TEST_CASE("spare bits: strict rejects, lenient clears") {
        const std::vector<std::uint8_t> wire{0xff, 0xff};
        CHECK_THROWS_WITH_AS(bitfield::decode(wire.data(), wire.size(), 10, spare_bits::reject),
                             "spare bit 10 is set in a 10-piece bitfield", p2pcdn::error&);
        CHECK(code_of(wire, 10, spare_bits::reject) == p2pcdn::errc::parse);

        const std::vector<std::uint8_t> one_spare{0x00, 0x08};
        CHECK_THROWS_WITH_AS(
            bitfield::decode(one_spare.data(), one_spare.size(), 10, spare_bits::reject),
            "spare bit 12 is set in a 10-piece bitfield", p2pcdn::error&);

        const bitmap d = bitfield::decode(wire.data(), wire.size(), 10, spare_bits::clear);
        CHECK(d.count() == 10);
        CHECK(d.all());
        CHECK(d.spare_bits_clear());
        CHECK(bitfield::encode(d) == std::vector<std::uint8_t>{0xff, 0xc0});

        // A spare bit in the last byte of a multi-word bitfield.
        std::vector<std::uint8_t> long_wire(9, 0);
        long_wire[8] = 0x01;
        CHECK_THROWS_WITH_AS(
            bitfield::decode(long_wire.data(), long_wire.size(), 65, spare_bits::reject),
            "spare bit 71 is set in a 65-piece bitfield", p2pcdn::error&);
        CHECK(bitfield::decode(long_wire.data(), long_wire.size(), 65, spare_bits::clear).none());
    }

    TEST_CASE("wrong lengths") {
        const std::vector<std::uint8_t> three{0, 0, 0};
        CHECK_THROWS_WITH_AS(bitfield::decode(three.data(), three.size(), 10, spare_bits::clear),
                             "bitfield is 3 bytes, expected 2 for 10 pieces", p2pcdn::error&);
        CHECK(code_of(three, 10, spare_bits::clear) == p2pcdn::errc::parse);
        CHECK_THROWS_WITH_AS(bitfield::decode(three.data(), 0, 10, spare_bits::reject),
                             "bitfield is 0 bytes, expected 2 for 10 pieces", p2pcdn::error&);
        CHECK_THROWS_WITH_AS(bitfield::decode(three.data(), 1, 0, spare_bits::reject),
                             "bitfield is 1 bytes, expected 0 for 0 pieces", p2pcdn::error&);
        CHECK(bitfield::decode(nullptr, 0, 0, spare_bits::reject).size() == 0);
    }

    TEST_CASE("piece count limit") {
        const std::vector<std::uint8_t> none;
        CHECK_THROWS_WITH_AS(
            bitfield::decode(none.data(), 0, bitmap::max_bits + 1, spare_bits::reject),
            "bitfield of 67108865 pieces exceeds the maximum of 67108864", p2pcdn::error&);
        CHECK(code_of(none, bitmap::max_bits + 1, spare_bits::reject) == p2pcdn::errc::range);
        CHECK(code_of(none, static_cast<std::size_t>(-1), spare_bits::clear) ==
              p2pcdn::errc::range);
    }
}
