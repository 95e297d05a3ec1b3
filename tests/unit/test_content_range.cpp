// The Range header, Content-Range parsing and the Range contract of a piece's answer.
#include "http/content_range.hpp"

#include <doctest/doctest.h>

#include <string>

using p2pcdn::byte_range;
using p2pcdn::errc;
using p2pcdn::http::parse_content_range;
using p2pcdn::http::range_body;
using p2pcdn::http::range_header;
using p2pcdn::http::response;
using p2pcdn::http::take_range_body;

namespace {

// An object of 2500 bytes; the range asked for is bytes 1000-1999.
const std::string object = [] {
    std::string s(2500, '\0');
    for (std::size_t i = 0; i < s.size(); ++i) {
        s[i] = static_cast<char>(i % 253);
    }
    return s;
}();
constexpr byte_range wanted{1000, 1000};

response answer(long status, std::string body, p2pcdn::http::header_list headers = {}) {
    response r;
    r.status = status;
    r.body = std::move(body);
    r.headers = std::move(headers);
    return r;
}

range_body take(response res, bool ranged) {
    return take_range_body(res, wanted, object.size(), ranged);
}

range_body partial(const std::string& content_range, std::string body) {
    return take(answer(206, std::move(body), {{"content-range", content_range}}), true);
}

}  // namespace

TEST_SUITE("http.content_range") {
    TEST_CASE("Content-Range parsing") {
        auto cr = parse_content_range("bytes 0-99/1000");
        REQUIRE(cr);
        CHECK(cr->first == 0);
        CHECK(cr->last == 99);
        CHECK(cr->total == 1000u);
        auto star = parse_content_range("  bytes 5-9/*  ");
        REQUIRE(star);
        CHECK(star->first == 5);
        CHECK_FALSE(star->total.has_value());
        CHECK(parse_content_range("bytes 0-9999999999999999998/9999999999999999999"));
        CHECK_FALSE(parse_content_range("bytes 9-5/100"));
        CHECK_FALSE(parse_content_range("bytes 0-99/99"));
        CHECK_FALSE(parse_content_range("items 0-99/1000"));
        CHECK_FALSE(parse_content_range("bytes */1000"));
        CHECK_FALSE(parse_content_range("bytes 0-99"));
        CHECK_FALSE(parse_content_range("bytes 0/99-100"));
        CHECK_FALSE(parse_content_range("bytes -1-99/1000"));
        CHECK_FALSE(parse_content_range("bytes 0-99/x"));
        CHECK_FALSE(parse_content_range("bytes 0-99999999999999999999/*"));
        CHECK_FALSE(parse_content_range(""));
    }

    TEST_CASE("Range header") {
        CHECK(range_header({1000, 1000}) == "bytes=1000-1999");
        CHECK(range_header({0, 1}) == "bytes=0-0");
        CHECK(range_header({std::uint64_t{1} << 40, 5}) == "bytes=1099511627776-1099511627780");
    }

    TEST_CASE("ranged: 206 with exactly the range") {
        for (const char* header : {"bytes 1000-1999/2500", "bytes 1000-1999/*"}) {
            CAPTURE(header);
            range_body b = partial(header, object.substr(1000, 1000));
            CHECK(b.problem.empty());
            CHECK(b.data == object.substr(1000, 1000));
        }
    }

    TEST_CASE("ranged: 206 breaking the contract") {
        range_body other = partial("bytes 1001-2000/2500", object.substr(1001, 1000));
        CHECK(other.problem ==
              "Content-Range 'bytes 1001-2000/2500' does not match bytes "
              "1000-1999/2500");
        CHECK(other.data.empty());
        CHECK_FALSE(partial("bytes 1000-1999/9999", object.substr(1000, 1000)).problem.empty());
        CHECK_FALSE(partial("garbage", object.substr(1000, 1000)).problem.empty());
        CHECK(partial("bytes 1000-1999/2500", object.substr(1000, 999)).problem ==
              "206 body of 999 bytes for a range of 1000");
        CHECK(take(answer(206, object.substr(1000, 1000)), true).problem ==
              "Content-Range '' does not match bytes 1000-1999/2500");
        // The server's header text is cut and kept on one line.
        range_body hostile = partial("bytes 1\r\nX: y" + std::string(200, 'z'), "");
        CHECK(hostile.problem.find('\n') == std::string::npos);
        CHECK(hostile.problem.find("bytes 1??X: y") != std::string::npos);
        CHECK(hostile.problem.size() < 160);
    }

    TEST_CASE("ranged: 200 with the whole object is cut, any other 200 is refused") {
        range_body whole = take(answer(200, object), true);
        CHECK(whole.problem.empty());
        CHECK(whole.data == object.substr(1000, 1000));
        CHECK(take(answer(200, object.substr(1000, 1000)), true).problem ==
              "Range answered with 200 and 1000 bytes, not the whole object of 2500");
    }

    TEST_CASE("unranged: the 200 body as it came, a 206 is refused") {
        CHECK(take(answer(200, "short"), false).data == "short");
        CHECK(take(answer(200, "short"), false).problem.empty());
        range_body unasked = take(
            answer(206, object.substr(1000, 1000), {{"content-range", "bytes 1000-1999/2500"}}),
            false);
        CHECK(unasked.problem == "206 to a request without Range");
    }

    TEST_CASE("other statuses are not answers with the bytes") {
        CHECK(take(answer(204, ""), false).problem == "HTTP 204 is not an answer with the bytes");
        CHECK_FALSE(take(answer(404, ""), true).problem.empty());
    }

    TEST_CASE("range_ignored_past_limit") {
        response res = answer(200, "");
        res.error = errc::limit;
        CHECK(p2pcdn::http::range_ignored_past_limit(res, true));
        CHECK_FALSE(p2pcdn::http::range_ignored_past_limit(res, false));
        res.status = 206;
        CHECK_FALSE(p2pcdn::http::range_ignored_past_limit(res, true));
        res.status = 200;
        res.error = errc::network;
        CHECK_FALSE(p2pcdn::http::range_ignored_past_limit(res, true));
    }

}  // TEST_SUITE
