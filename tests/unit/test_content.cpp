#include "core/content_layout.hpp"
#include "core/error.hpp"

#include <doctest/doctest.h>

#include "test_support.hpp"

#include <cstdint>
#include <limits>
#include <string>

using p2pcdn::byte_range;
using p2pcdn::content_layout;
using p2pcdn::errc;
using p2pcdn::test::code_of;

namespace {

bool same(const byte_range& a, const byte_range& b) {
    return a.offset == b.offset && a.length == b.length;
}

constexpr std::uint64_t kib = 1024;
constexpr std::uint64_t mib = kib * 1024;

}  // namespace

TEST_SUITE("content_layout") {

TEST_CASE("accessors") {
    const content_layout layout("movie-1080p.mp4", 10 * mib, 256 * kib);
    CHECK(layout.id() == "movie-1080p.mp4");
    CHECK(layout.total_length() == 10 * mib);
    CHECK(layout.piece_length() == 256 * kib);
    CHECK(layout.piece_count() == 40);
}

TEST_CASE("piece ranges with a short last piece") {
    const content_layout layout("a", 10, 4);
    REQUIRE(layout.piece_count() == 3);
    CHECK(same(layout.piece_range(0), {0, 4}));
    CHECK(same(layout.piece_range(1), {4, 4}));
    CHECK(same(layout.piece_range(2), {8, 2}));
}

TEST_CASE("piece ranges of an exact multiple") {
    const content_layout layout("a", 12, 4);
    REQUIRE(layout.piece_count() == 3);
    CHECK(same(layout.piece_range(0), {0, 4}));
    CHECK(same(layout.piece_range(2), {8, 4}));
}

TEST_CASE("one piece longer than the content") {
    const content_layout layout("a", 5, 1 << 20);
    REQUIRE(layout.piece_count() == 1);
    CHECK(same(layout.piece_range(0), {0, 5}));
}

TEST_CASE("one-byte pieces") {
    const content_layout layout("a", 3, 1);
    REQUIRE(layout.piece_count() == 3);
    CHECK(same(layout.piece_range(2), {2, 1}));
}

TEST_CASE("piece index out of range") {
    const content_layout layout("a", 10, 4);
    CHECK_THROWS_WITH_AS(layout.piece_range(3), "piece 3 is out of range, the content has 3 pieces",
                         p2pcdn::error&);
    CHECK(code_of([&] { layout.piece_range(3); }) == errc::range);
    CHECK(code_of([&] { layout.piece_range(std::numeric_limits<std::size_t>::max()); }) ==
          errc::range);
}

TEST_CASE("huge contents") {
    SUBCASE("2^40 bytes in 2^20-byte pieces") {
        const content_layout layout("big", std::uint64_t{1} << 40, 1 << 20);
        REQUIRE(layout.piece_count() == std::size_t{1} << 20);
        CHECK(same(layout.piece_range((std::size_t{1} << 20) - 1),
                   {(std::uint64_t{1} << 40) - (1 << 20), 1 << 20}));
    }
    SUBCASE("the largest piece count with the largest pieces and a one-byte last piece") {
        const std::uint64_t pieces = std::uint64_t{1} << 26;
        const std::uint64_t total = (pieces - 1) * content_layout::max_piece_length + 1;
        const content_layout layout("big", total, content_layout::max_piece_length);
        REQUIRE(layout.piece_count() == pieces);
        CHECK(same(layout.piece_range(pieces - 1), {total - 1, 1}));
        CHECK(same(layout.piece_range(pieces - 2),
                   {total - 1 - content_layout::max_piece_length,
                    content_layout::max_piece_length}));
    }
    SUBCASE("exactly the maximum piece count") {
        const content_layout layout("big", std::uint64_t{1} << 26, 1);
        CHECK(layout.piece_count() == std::size_t{1} << 26);
    }
    SUBCASE("one piece above the maximum") {
        CHECK_THROWS_WITH_AS(content_layout("big", (std::uint64_t{1} << 26) + 1, 1),
                             "content of 67108865 bytes in pieces of 1 bytes has 67108865 pieces, "
                             "above the maximum 67108864",
                             p2pcdn::error&);
    }
    SUBCASE("2^63 bytes in one-byte pieces") {
        CHECK_THROWS_WITH_AS(content_layout("big", std::uint64_t{1} << 63, 1),
                             "content of 9223372036854775808 bytes in pieces of 1 bytes has "
                             "9223372036854775808 pieces, above the maximum 67108864",
                             p2pcdn::error&);
        CHECK(code_of([] { content_layout("big", std::uint64_t{1} << 63, 1); }) == errc::range);
    }
    SUBCASE("UINT64_MAX bytes does not wrap the piece count") {
        const std::uint64_t total = std::numeric_limits<std::uint64_t>::max();
        CHECK_THROWS_WITH_AS(content_layout("big", total, content_layout::max_piece_length),
                             "content of 18446744073709551615 bytes in pieces of 1073741824 bytes "
                             "has 17179869184 pieces, above the maximum 67108864",
                             p2pcdn::error&);
        CHECK(code_of([&] { content_layout("big", total, 1); }) == errc::range);
    }
}

TEST_CASE("lengths") {
    CHECK_THROWS_WITH_AS(content_layout("a", 10, 0), "piece length 0 is not allowed",
                         p2pcdn::error&);
    CHECK_THROWS_WITH_AS(content_layout("a", 10, std::uint32_t{1} << 31),
                         "piece length 2147483648 is above the maximum 1073741824", p2pcdn::error&);
    CHECK_THROWS_WITH_AS(content_layout("a", 0, 4), "total length 0 is not allowed",
                         p2pcdn::error&);
    CHECK(code_of([] { content_layout("a", 10, 0); }) == errc::invalid);
    CHECK(code_of([] { content_layout("a", 10, content_layout::max_piece_length + 1); }) ==
          errc::invalid);
    CHECK(code_of([] { content_layout("a", 0, 4); }) == errc::invalid);
    CHECK(content_layout("a", 10, content_layout::max_piece_length).piece_count() == 1);
}

TEST_CASE("id validation") {
    CHECK_NOTHROW(content_layout::validate_id("AZaz09-._~"));
    CHECK_NOTHROW(content_layout::validate_id(std::string(128, 'x')));
    CHECK_THROWS_WITH_AS(content_layout::validate_id(""), "content id is empty", p2pcdn::error&);
    CHECK_THROWS_WITH_AS(content_layout::validate_id(std::string(129, 'x')),
                         "content id is 129 characters, at most 128 allowed", p2pcdn::error&);
    CHECK_THROWS_WITH_AS(content_layout::validate_id("abc/d"),
                         "content id has character '/' at offset 3; allowed: A-Z a-z 0-9 - . _ ~",
                         p2pcdn::error&);
    CHECK_THROWS_WITH_AS(content_layout::validate_id("a b"),
                         "content id has character ' ' at offset 1; allowed: A-Z a-z 0-9 - . _ ~",
                         p2pcdn::error&);
    CHECK_THROWS_WITH_AS(content_layout::validate_id("ab\n"),
                         "content id has byte 0x0a at offset 2; allowed: A-Z a-z 0-9 - . _ ~",
                         p2pcdn::error&);
    CHECK_THROWS_WITH_AS(content_layout::validate_id(std::string("a\0b", 3)),
                         "content id has byte 0x00 at offset 1; allowed: A-Z a-z 0-9 - . _ ~",
                         p2pcdn::error&);
    CHECK_THROWS_WITH_AS(content_layout::validate_id("\xc3\xa9t\xc3\xa9"),
                         "content id has byte 0xc3 at offset 0; allowed: A-Z a-z 0-9 - . _ ~",
                         p2pcdn::error&);
    for (const char* bad : {"%41", "a?b", "a#b", "a:b", "a+b", "a@b"}) {
        CAPTURE(bad);
        CHECK(code_of([&] { content_layout::validate_id(bad); }) == errc::invalid);
    }
}

TEST_CASE("the constructor validates the id first") {
    CHECK_THROWS_WITH_AS(content_layout("", 0, 0), "content id is empty", p2pcdn::error&);
    CHECK_THROWS_WITH_AS(content_layout("a/b", 10, 4),
                         "content id has character '/' at offset 1; allowed: A-Z a-z 0-9 - . _ ~",
                         p2pcdn::error&);
}

}  // TEST_SUITE
