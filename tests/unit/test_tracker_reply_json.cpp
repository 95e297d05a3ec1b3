#include <doctest/doctest.h>

#include "json_members.hpp"
#include "test_support.hpp"

#include <optional>
#include <string>

#include "core/error.hpp"
#include "wire/stats_subscription_json.hpp"
#include "wire/tracker_reply_json.hpp"

using p2pcdn::decode_stats_subscription_json;
using p2pcdn::decode_tracker_error_json;
using p2pcdn::encode_stats_subscription_json;
using p2pcdn::encode_tracker_error_json;
using p2pcdn::errc;
using p2pcdn::fail_tracker_status;
using p2pcdn::find_tracker_error_json;
using p2pcdn::stats_subscription;
using p2pcdn::test::code_of;
using p2pcdn::test::json_members;

namespace {

json_members error_root() {
    return {{"v", "1"}, {"type", R"("error")"}, {"code", "-6"}, {"message", R"("bad")"}};
}

json_members subscription_root() {
    return {{"v", "1"},
            {"content", R"("movie-1")"},
            {"interval_ms", "30000"},
            {"url", R"("http://ccs.example:8080/stats")"}};
}

template <typename Decode>
void check_rejected(Decode decode, const std::string& json, const std::string& message,
                    errc code = errc::parse) {
    CAPTURE(json);
    CHECK_THROWS_WITH_AS(decode(json), message.c_str(), p2pcdn::error&);
    CHECK(code_of([&] { decode(json); }) == code);
}

void check_error_rejected(const std::string& json, const std::string& message,
                          errc code = errc::parse) {
    check_rejected([](const std::string& j) { return decode_tracker_error_json(j); }, json, message,
                   code);
}

void check_subscription_rejected(const std::string& json, const std::string& message,
                                 errc code = errc::parse) {
    check_rejected([](const std::string& j) { return decode_stats_subscription_json(j); }, json,
                   message, code);
}

}  // namespace

TEST_SUITE("tracker_reply_json") {
    TEST_CASE("acknowledgements") {
        CHECK(p2pcdn::encode_cdn_published_json("movie-1", 2) ==
              R"({"v":1,"type":"cdn_published","content":"movie-1","sources":2})");
        CHECK(p2pcdn::encode_cdn_withdrawn_json("movie-1", 0) ==
              R"({"v":1,"type":"cdn_withdrawn","content":"movie-1","changed":0})");
        CHECK(code_of([] { p2pcdn::encode_cdn_published_json("a b", 1); }) == errc::invalid);
    }

    TEST_CASE("error answers round-trip") {
        const std::string json = encode_tracker_error_json(errc::parse, "member 'port' is missing");
        CHECK(json == R"({"v":1,"type":"error","code":-6,"message":"member 'port' is missing"})");
        const auto e = decode_tracker_error_json(json);
        CHECK(e.code == errc::parse);
        CHECK(e.message == "member 'port' is missing");
        // "type" may be left out; unknown members are ignored; codes the library does not have
        // (a newer daemon's) still read.
        const auto other = decode_tracker_error_json(
            error_root().erase("type").set("code", "-99").set("x", "[1]").json());
        CHECK(static_cast<int>(other.code) == -99);
    }

    TEST_CASE("error messages become one printable line, cut at the maximum") {
        const auto e = decode_tracker_error_json(
            encode_tracker_error_json(errc::invalid, std::string("a\nb\"c\\\xff", 7)));
        CHECK(e.message == "a?b\"c\\?");
        const std::string long_message(5000, 'x');
        const auto cut =
            decode_tracker_error_json(encode_tracker_error_json(errc::error, long_message));
        CHECK(cut.message.size() == p2pcdn::max_tracker_error_message);
        CHECK(cut.message.substr(cut.message.size() - 3) == "...");
        CHECK(code_of([] { encode_tracker_error_json(errc::ok, "fine"); }) == errc::invalid);
    }

    TEST_CASE("error answer rejections") {
        check_error_rejected("[]", "error answer is not a JSON object");
        check_error_rejected(error_root().set("type", R"("peers")").json(),
                             "member 'type' is not \"error\"");
        check_error_rejected(error_root().erase("code").json(), "member 'code' is missing");
        check_error_rejected(error_root().set("code", "6").json(),
                             "member 'code' is not a negative integer");
        check_error_rejected(error_root().set("code", "-1.5").json(),
                             "member 'code' is not a negative integer");
        check_error_rejected(error_root().set("code", "-3000000000").json(),
                             "member 'code' is not a negative integer");
        check_error_rejected(error_root().set("message", "1").json(),
                             "member 'message' is not a string");
        check_error_rejected(error_root().append("code", "-2").json(),
                             "member 'code' appears more than once");
        const std::string big(70000, ' ');
        check_error_rejected(big, "error answer is 70000 bytes, above the limit 65536",
                             errc::limit);
    }

    TEST_CASE("a failure answer's body: the error answer or nothing") {
        const auto found =
            find_tracker_error_json(encode_tracker_error_json(errc::not_found, "no swarm"));
        REQUIRE(found);
        CHECK(found->code == errc::not_found);
        CHECK(found->message == "no swarm");
        CHECK_FALSE(find_tracker_error_json("<html>502 Bad Gateway</html>"));
        CHECK_FALSE(find_tracker_error_json(""));
        CHECK_FALSE(find_tracker_error_json(error_root().set("code", "6").json()));
    }

    TEST_CASE("a failure status is errc::http, with the error answer's message when sent") {
        const auto message_of = [](const std::optional<p2pcdn::tracker_error>& answer) {
            try {
                fail_tracker_status("http://t.example", 503, "POST /cdn/publish", answer);
            } catch (const p2pcdn::error& e) {
                CHECK(e.code() == errc::http);
                return std::string(e.what());
            }
            return std::string("no error");
        };
        CHECK(message_of(std::nullopt) ==
              "tracker http://t.example answered 503 to POST /cdn/publish");
        CHECK(message_of(p2pcdn::tracker_error{errc::state, "shutting down"}) ==
              "tracker http://t.example answered 503 to POST /cdn/publish: shutting down");
    }
}

TEST_SUITE("stats_subscription_json") {
    TEST_CASE("round trip and the documented form") {
        stats_subscription s;
        s.content_id = "movie-1";
        s.interval_ms = 30000;
        s.url = "http://ccs.example:8080/stats";
        const std::string json = encode_stats_subscription_json(s);
        CHECK(json == R"({"v":1,"type":"subscribe","content":"movie-1","interval_ms":30000,)"
                      R"("url":"http://ccs.example:8080/stats"})");
        CHECK(decode_stats_subscription_json(json) == s);
        CHECK(decode_stats_subscription_json(subscription_root().set("x", "{}").json()) == s);
    }

    TEST_CASE("interval bounds") {
        CHECK(decode_stats_subscription_json(subscription_root().set("interval_ms", "100").json())
                  .interval_ms == 100);
        CHECK(decode_stats_subscription_json(
                  subscription_root().set("interval_ms", "86400000").json())
                  .interval_ms == 86400000);
        check_subscription_rejected(subscription_root().set("interval_ms", "99").json(),
                                    "interval_ms is 99, below the minimum 100");
        check_subscription_rejected(subscription_root().set("interval_ms", "86400001").json(),
                                    "interval_ms is 86400001, above the maximum 86400000");
        stats_subscription s;
        s.content_id = "c";
        s.url = "http://h/";
        s.interval_ms = 0;
        CHECK(code_of([&] { encode_stats_subscription_json(s); }) == errc::invalid);
    }

    TEST_CASE("subscription rejections name the member") {
        check_subscription_rejected("{",
                                    "subscription is not valid JSON: Missing a name for "
                                    "object member. at offset 1");
        check_subscription_rejected(subscription_root().set("type", R"("announce")").json(),
                                    "member 'type' is not \"subscribe\"");
        check_subscription_rejected(subscription_root().erase("content").json(),
                                    "member 'content' is missing");
        check_subscription_rejected(subscription_root().erase("url").json(),
                                    "member 'url' is missing");
        check_subscription_rejected(subscription_root().set("interval_ms", "\"1s\"").json(),
                                    "member 'interval_ms' is not an integer");
        check_subscription_rejected(
            subscription_root().set("url", R"("ftp://h/")").json(),
            "member 'url': CDN URI does not start with http:// or https://");
        check_subscription_rejected(subscription_root().set("url", R"("http://h/{piece}")").json(),
                                    "member 'url': URL has a '{' or '}' at offset 9");
        check_subscription_rejected(subscription_root().append("url", R"("http://h/")").json(),
                                    "member 'url' appears more than once");
        check_subscription_rejected(std::string(70000, ' '),
                                    "subscription is 70000 bytes, above the limit 65536",
                                    errc::limit);
    }
}
