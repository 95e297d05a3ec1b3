#include <doctest/doctest.h>

#include "test_support.hpp"

#include <string>

#include "core/error.hpp"
#include "wire/uri_template.hpp"

using p2pcdn::cdn_source;
using p2pcdn::errc;
using p2pcdn::expand_cdn_uri;
using p2pcdn::percent_encode;
using p2pcdn::validate_cdn_uri;
using p2pcdn::test::code_of;

namespace {

cdn_source source(const std::string& uri, std::size_t pieces = 10) {
    cdn_source s;
    s.uri = uri;
    s.pieces = p2pcdn::bitmap(pieces);
    s.pieces.set_range(7, pieces);
    return s;
}

void check_invalid(const std::string& uri, const std::string& message) {
    CAPTURE(uri);
    CHECK_THROWS_WITH_AS(validate_cdn_uri(uri), message.c_str(), p2pcdn::error&);
    CHECK(code_of([&] { validate_cdn_uri(uri); }) == errc::invalid);
}

}  // namespace

TEST_SUITE("uri_template") {
    TEST_CASE("percent_encode keeps exactly the unreserved set") {
        CHECK(percent_encode("") == "");
        CHECK(percent_encode("AZaz09-._~") == "AZaz09-._~");
        CHECK(percent_encode("a b/c?d#e%f{g}") == "a%20b%2Fc%3Fd%23e%25f%7Bg%7D");
        CHECK(percent_encode("\xc3\xbc") == "%C3%BC");
        CHECK(percent_encode(std::string("\0\x7f\xff", 3)) == "%00%7F%FF");
        // Every byte: unreserved ones stay, the others become three characters.
        for (int b = 0; b < 256; ++b) {
            const char c = static_cast<char>(b);
            const std::string out = percent_encode(std::string(1, c));
            const bool unreserved = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
                                    (c >= '0' && c <= '9') || c == '-' || c == '.' || c == '_' ||
                                    c == '~';
            CHECK(out.size() == (unreserved ? 1u : 3u));
        }
    }

    TEST_CASE("expand fills both placeholders") {
        const auto s = source("https://cdn.example/{content}/{piece}");
        CHECK(expand_cdn_uri(s, "movie-1", 7) == "https://cdn.example/movie-1/7");
        CHECK(expand_cdn_uri(s, "movie-1", 9) == "https://cdn.example/movie-1/9");
        CHECK(expand_cdn_uri(s, "a b/c", 8) == "https://cdn.example/a%20b%2Fc/8");
        const auto twice = source("http://h/{piece}/{content}/{piece}-{content}.bin?p={piece}");
        CHECK(expand_cdn_uri(twice, "x", 7) == "http://h/7/x/7-x.bin?p=7");
        const auto fixed = source("http://h/piece-7.bin");
        CHECK(expand_cdn_uri(fixed, "x", 7) == "http://h/piece-7.bin");
        const auto big = source("http://h/{piece}", 100000);
        CHECK(expand_cdn_uri(big, "x", 99999) == "http://h/99999");
        // Unknown braces (a template that would not validate) are copied.
        CHECK(expand_cdn_uri(source("http://h/{x}{piece"), "x", 7) == "http://h/{x}{piece");
    }

    TEST_CASE("expand refuses a piece the source does not serve") {
        const auto s = source("http://h/{piece}");
        CHECK_THROWS_WITH_AS(expand_cdn_uri(s, "x", 6), "piece 6 is not served by this CDN source",
                             p2pcdn::error&);
        CHECK(code_of([&] { expand_cdn_uri(s, "x", 6); }) == errc::range);
        CHECK(code_of([&] { expand_cdn_uri(s, "x", 10); }) == errc::range);
        CHECK(code_of([&] { expand_cdn_uri(s, "x", static_cast<std::size_t>(-1)); }) ==
              errc::range);
        CHECK(code_of([&] { expand_cdn_uri(cdn_source{}, "x", 0); }) == errc::range);
    }

    TEST_CASE("expand_uri_template: any piece, no piece bitmap") {
        using p2pcdn::expand_uri_template;
        CHECK(expand_uri_template("http://h/{content}/{piece}", "a b/c", 0) ==
              "http://h/a%20b%2Fc/0");
        CHECK(expand_uri_template("http://h/{piece}?c={content}&p={piece}", "x~y", 123456) ==
              "http://h/123456?c=x~y&p=123456");
        CHECK(expand_uri_template("http://h/fixed", "x", 3) == "http://h/fixed");
        CHECK(expand_uri_template("http://h/{content}{content}", "", 3) == "http://h/");
        CHECK(expand_uri_template("", "x", 3) == "");
        CHECK(expand_uri_template("http://h/{pie}{piece}", "x", 3) == "http://h/{pie}3");
    }

    TEST_CASE("valid templates") {
        for (const char* uri : {
                 "http://h",
                 "https://cdn.example/{content}/{piece}",
                 "HTTP://H/",
                 "HtTpS://cdn.example:8443/x?piece={piece}&c={content}#frag",
                 "http://[2001:db8::1]:80/{piece}",
                 "http://[::1]/",
                 "http://user:pw@h:1/",
                 "http://h:/x",
                 "http://h:65535",
                 "http://{content}.cdn.example/{piece}",
                 "http://h/%7Bpiece%7D",
             }) {
            CAPTURE(uri);
            CHECK_NOTHROW(validate_cdn_uri(uri));
        }
        CHECK_NOTHROW(validate_cdn_uri("http://h/" + std::string(2048 - 9, 'a')));
    }

    TEST_CASE("invalid templates") {
        check_invalid("", "CDN URI is empty");
        check_invalid("http://h/" + std::string(2048 - 8, 'a'),
                      "CDN URI is 2049 bytes, at most 2048 allowed");
        check_invalid("http://h/a b", "CDN URI has byte 0x20 at offset 10");
        check_invalid("http://h/a\tb", "CDN URI has byte 0x09 at offset 10");
        check_invalid(std::string("http://h/\0", 10), "CDN URI has byte 0x00 at offset 9");
        check_invalid("http://h/\x7f", "CDN URI has byte 0x7f at offset 9");
        check_invalid("http://h/\xc3\xbc", "CDN URI has byte 0xc3 at offset 9");
        check_invalid("ftp://h/x", "CDN URI does not start with http:// or https://");
        check_invalid("http:/h/x", "CDN URI does not start with http:// or https://");
        check_invalid("httpx://h", "CDN URI does not start with http:// or https://");
        check_invalid("/relative/{piece}", "CDN URI does not start with http:// or https://");
        check_invalid("http://", "CDN URI has no host");
        check_invalid("http:///x", "CDN URI has no host");
        check_invalid("http://:80/x", "CDN URI has no host");
        check_invalid("http://u@/x", "CDN URI has no host");
        check_invalid("http://[]/x", "CDN URI has no host");
        check_invalid("http://[::1/x", "CDN URI has an unclosed '[' in its host");
        check_invalid("http://[::1]x/", "CDN URI has 'x' after its IPv6 host");
        check_invalid("http://h:65536/", "CDN URI port is not a number from 0 to 65535");
        check_invalid("http://h:8a/", "CDN URI port is not a number from 0 to 65535");
        check_invalid("http://h:000080/", "CDN URI port is not a number from 0 to 65535");
        check_invalid("http://h/{pieces}",
                      "CDN URI has an unknown placeholder at offset 9; known: {piece} {content}");
        check_invalid("http://h/{piece",
                      "CDN URI has an unknown placeholder at offset 9; known: {piece} {content}");
        check_invalid("http://h/{}",
                      "CDN URI has an unknown placeholder at offset 9; known: {piece} {content}");
        check_invalid("http://h/{{piece}}",
                      "CDN URI has an unknown placeholder at offset 9; known: {piece} {content}");
        check_invalid("http://h/{PIECE}",
                      "CDN URI has an unknown placeholder at offset 9; known: {piece} {content}");
        check_invalid("http://h/piece}", "CDN URI has '}' at offset 14 outside a placeholder");
    }
}
