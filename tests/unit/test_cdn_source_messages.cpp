#include <doctest/doctest.h>

#include "json_members.hpp"
#include "test_support.hpp"

#include <string>

#include "core/bitmap.hpp"
#include "core/error.hpp"
#include "swarm/swarm.hpp"
#include "wire/cdn_source_messages.hpp"

using p2pcdn::bitmap;
using p2pcdn::cdn_message_limits;
using p2pcdn::cdn_publish;
using p2pcdn::cdn_source;
using p2pcdn::cdn_withdraw;
using p2pcdn::decode_cdn_publish_json;
using p2pcdn::decode_cdn_withdraw_json;
using p2pcdn::encode_cdn_publish_json;
using p2pcdn::encode_cdn_withdraw_json;
using p2pcdn::errc;
using p2pcdn::test::code_of;
using p2pcdn::test::json_members;

namespace {

// docs/protocol.md, "CDN source publish and withdraw (JSON)".
const std::string publish_json =
    R"({"v":1,"type":"cdn_publish","content":"movie-1","pieces":10,"sources":[)"
    R"({"uri":"https://cdn.example/{content}/{piece}","pieces":"AcA=","expires":1764000000,)"
    R"("range":false},)"
    R"({"uri":"https://edge.example/movie-1.mkv","pieces":"/8A=","expires":1764003600,)"
    R"("range":true}]})";
const std::string withdraw_json =
    R"({"v":1,"type":"cdn_withdraw","content":"movie-1",)"
    R"("uri":"https://cdn.example/{content}/{piece}","pieces":10,"bitfield":"AEA="})";
const std::string withdraw_all_json = R"({"v":1,"type":"cdn_withdraw","content":"movie-1"})";

cdn_source source(const char* uri, std::size_t first, std::size_t end, std::int64_t expires,
                  bool ranged) {
    cdn_source s;
    s.uri = uri;
    s.pieces = bitmap(10);
    s.pieces.set_range(first, end);
    s.expires_s = expires;
    s.ranged = ranged;
    return s;
}

cdn_publish publish_example() {
    cdn_publish m;
    m.content_id = "movie-1";
    m.piece_count = 10;
    m.sources.push_back(source("https://cdn.example/{content}/{piece}", 7, 10, 1764000000, false));
    m.sources.push_back(source("https://edge.example/movie-1.mkv", 0, 10, 1764003600, true));
    return m;
}

cdn_withdraw withdraw_example() {
    cdn_withdraw m;
    m.content_id = "movie-1";
    m.uri = "https://cdn.example/{content}/{piece}";
    m.pieces = bitmap(10);
    m.pieces->set(9);
    return m;
}

// A valid publish of 12 pieces whose second source can be replaced member by member.
json_members publish_root() {
    return {{"v", "1"}, {"content", R"("c")"}, {"pieces", "12"}};
}
std::string publish_with(const json_members& second) {
    return publish_root()
        .set("sources",
             R"([{"uri":"http://a/","pieces":"gAA=","expires":1},)" + second.json() + "]")
        .json();
}
json_members second_source() {
    return {{"uri", R"("http://b/{piece}")"}, {"pieces", R"("AAA=")"}, {"expires", "-5"}};
}

json_members withdraw_root() {
    return {{"v", "1"}, {"content", R"("c")"}, {"pieces", "12"}, {"bitfield", R"("gAA=")"}};
}

template <typename Decode>
void check_rejected(Decode decode, const std::string& json, const std::string& message,
                    errc code = errc::parse, const cdn_message_limits& limits = {}) {
    CAPTURE(json);
    CHECK_THROWS_WITH_AS(decode(json, limits), message.c_str(), p2pcdn::error&);
    CHECK(code_of([&] { decode(json, limits); }) == code);
}

void check_publish_rejected(const std::string& json, const std::string& message,
                            errc code = errc::parse, const cdn_message_limits& limits = {}) {
    check_rejected(decode_cdn_publish_json, json, message, code, limits);
}

void check_withdraw_rejected(const std::string& json, const std::string& message,
                             errc code = errc::parse, const cdn_message_limits& limits = {}) {
    check_rejected(decode_cdn_withdraw_json, json, message, code, limits);
}

template <typename Message, typename Encode>
void check_refused(Encode encode, const Message& m, const std::string& message) {
    CHECK_THROWS_WITH_AS(encode(m), message.c_str(), p2pcdn::error&);
    CHECK(code_of([&] { encode(m); }) == errc::invalid);
}

}  // namespace

TEST_SUITE("cdn_source_messages") {
    TEST_CASE("exact JSON of the documented examples") {
        CHECK(encode_cdn_publish_json(publish_example()) == publish_json);
        CHECK(decode_cdn_publish_json(publish_json) == publish_example());
        CHECK(encode_cdn_withdraw_json(withdraw_example()) == withdraw_json);
        CHECK(decode_cdn_withdraw_json(withdraw_json) == withdraw_example());
        cdn_withdraw all;
        all.content_id = "movie-1";
        CHECK(encode_cdn_withdraw_json(all) == withdraw_all_json);
        CHECK(decode_cdn_withdraw_json(withdraw_all_json) == all);
    }

    TEST_CASE("optional members and unknown ones") {
        // "type" and "range" may be left out; unknown members are ignored at every level.
        const cdn_publish p = decode_cdn_publish_json(
            R"({"v":1,"content":"c","pieces":1,"x":[{}],"sources":[)"
            R"({"uri":"http://h/","pieces":"gA==","expires":0,"ttl":{"a":1}}]})");
        REQUIRE(p.sources.size() == 1);
        CHECK_FALSE(p.sources[0].ranged);
        CHECK(p.sources[0].pieces.count() == 1);
        // Withdraw a URI from every piece; withdraw some pieces from every source.
        const cdn_withdraw u =
            decode_cdn_withdraw_json(R"({"v":1,"content":"c","uri":"http://h/{piece}"})");
        CHECK(u.uri == "http://h/{piece}");
        CHECK_FALSE(u.pieces.has_value());
        const cdn_withdraw b = decode_cdn_withdraw_json(withdraw_root().json());
        CHECK(b.uri.empty());
        REQUIRE(b.pieces.has_value());
        CHECK(b.pieces->size() == 12);
        CHECK(b.pieces->test(0));
        // A withdraw of zero pieces round-trips.
        cdn_withdraw zero;
        zero.content_id = "z";
        zero.pieces = bitmap(0);
        CHECK(decode_cdn_withdraw_json(encode_cdn_withdraw_json(zero)) == zero);
    }

    TEST_CASE("decoded messages drive a swarm's CDN directory") {
        p2pcdn::swarm s("movie-1", 10, 10, 1);
        const std::int64_t now_ms = 1763999000000;
        for (const cdn_source& src : decode_cdn_publish_json(publish_json).sources) {
            s.publish_cdn(src, now_ms);
        }
        CHECK(s.cdn_sources(now_ms).size() == 2);
        const cdn_withdraw w = decode_cdn_withdraw_json(withdraw_json);
        CHECK(s.withdraw_cdn(w.uri, w.pieces ? &*w.pieces : nullptr, now_ms) == 1);
        const auto live = s.cdn_sources(now_ms);
        REQUIRE(live.size() == 2);
        CHECK(live[0].uri == "https://cdn.example/{content}/{piece}");
        CHECK(live[0].pieces.count() == 2);
        const cdn_withdraw all = decode_cdn_withdraw_json(withdraw_all_json);
        CHECK(s.withdraw_cdn(all.uri, nullptr, now_ms) == 2);
        CHECK(s.cdn_sources(now_ms).empty());
    }

    TEST_CASE("limits") {
        cdn_message_limits small;
        small.max_bytes = publish_json.size() - 1;
        check_publish_rejected(publish_json,
                               "CDN publish is " + std::to_string(publish_json.size()) +
                                   " bytes, above the limit " + std::to_string(small.max_bytes),
                               errc::limit, small);
        small.max_bytes = withdraw_json.size() - 1;
        check_withdraw_rejected(withdraw_json,
                                "CDN withdraw is " + std::to_string(withdraw_json.size()) +
                                    " bytes, above the limit " + std::to_string(small.max_bytes),
                                errc::limit, small);
        cdn_message_limits one;
        one.max_sources = 1;
        check_publish_rejected(publish_json, "sources has 2 entries, above the limit 1",
                               errc::limit, one);
        cdn_message_limits few;
        few.max_pieces = 9;
        check_publish_rejected(publish_json, "pieces is 10, above the limit 9", errc::limit, few);
        check_withdraw_rejected(withdraw_json, "pieces is 10, above the limit 9", errc::limit, few);
        // At exactly the limits they decode.
        cdn_message_limits exact;
        exact.max_bytes = publish_json.size();
        exact.max_sources = 2;
        exact.max_pieces = 10;
        CHECK(decode_cdn_publish_json(publish_json, exact).sources.size() == 2);
    }

    TEST_CASE("publish rejections name the member") {
        check_publish_rejected("{",
                               "CDN publish is not valid JSON: Missing a name for object "
                               "member. at offset 1");
        check_publish_rejected("null", "CDN publish is not a JSON object");
        check_publish_rejected(publish_root().set("v", "0").json(),
                               "member 'v' is 0, only version 1 is supported");
        check_publish_rejected(publish_root().set("type", R"("cdn_withdraw")").json(),
                               "member 'type' is not \"cdn_publish\"");
        check_publish_rejected(publish_root().set("content", R"("")").json(),
                               "member 'content': content id is empty");
        check_publish_rejected(publish_root().erase("pieces").json(), "member 'pieces' is missing");
        check_publish_rejected(publish_root().json(), "member 'sources' is missing");
        check_publish_rejected(publish_root().set("sources", "{}").json(),
                               "member 'sources' is not an array");
        check_publish_rejected(publish_root().set("sources", "[]").json(), "sources is empty");
        check_publish_rejected(publish_root().set("sources", "[1]").json(),
                               "sources[0] is not an object");
        check_publish_rejected(publish_with(second_source().erase("uri")),
                               "member 'sources[1].uri' is missing");
        check_publish_rejected(publish_with(second_source().set("uri", R"("ftp://b/")")),
                               "member 'sources[1].uri': CDN URI does not start with http:// or "
                               "https://");
        check_publish_rejected(publish_with(second_source().set("uri", R"("http://b/{x}")")),
                               "member 'sources[1].uri': CDN URI has an unknown placeholder at "
                               "offset 9; known: {piece} {content}");
        check_publish_rejected(publish_with(second_source().erase("pieces")),
                               "member 'sources[1].pieces' is missing");
        check_publish_rejected(publish_with(second_source().set("pieces", R"("AA==")")),
                               "member 'sources[1].pieces': bitfield is 1 bytes, expected 2 for "
                               "12 pieces");
        check_publish_rejected(publish_with(second_source().set("pieces", R"("AAA")")),
                               "sources[1].pieces is 3 characters, expected 4 (base64 of 2 bytes "
                               "for 12 pieces)");
        check_publish_rejected(publish_with(second_source().set("pieces", R"("AAg=")")),
                               "member 'sources[1].pieces': spare bit 12 is set in a 12-piece "
                               "bitfield");
        check_publish_rejected(publish_with(second_source().erase("expires")),
                               "member 'sources[1].expires' is missing");
        check_publish_rejected(publish_with(second_source().set("expires", "1.0")),
                               "member 'sources[1].expires' is not an integer");
        check_publish_rejected(publish_with(second_source().set("expires", "9223372036854775808")),
                               "member 'sources[1].expires' is not an integer");
        check_publish_rejected(publish_with(second_source().set("range", "0")),
                               "member 'sources[1].range' is not a boolean");
        check_publish_rejected(publish_with(second_source().append("uri", R"("http://c/")")),
                               "member 'sources[1].uri' appears more than once");
        check_publish_rejected(publish_with(second_source().set("uri", R"("http://a/")")),
                               "sources[1].uri repeats sources[0].uri");
        check_publish_rejected(publish_root().append("pieces", "12").set("sources", "[]").json(),
                               "member 'pieces' appears more than once");
    }

    TEST_CASE("the first repeated URI is the one reported") {
        const std::string a = R"({"uri":"http://a/","pieces":"gA==","expires":1})";
        const std::string b = R"({"uri":"http://b/","pieces":"gA==","expires":1})";
        const std::string c = R"({"uri":"http://c/","pieces":"gA==","expires":1})";
        const std::string head = R"({"v":1,"content":"c","pieces":1,"sources":[)";
        check_publish_rejected(head + c + "," + b + "," + a + "," + b + "," + c + "]}",
                               "sources[3].uri repeats sources[1].uri");
        check_publish_rejected(head + a + "," + b + "," + a + "," + a + "]}",
                               "sources[2].uri repeats sources[0].uri");
    }

    TEST_CASE("withdraw rejections name the member") {
        check_withdraw_rejected("[]", "CDN withdraw is not a JSON object");
        check_withdraw_rejected(withdraw_root().set("type", R"("cdn_publish")").json(),
                                "member 'type' is not \"cdn_withdraw\"");
        check_withdraw_rejected(withdraw_root().erase("content").json(),
                                "member 'content' is missing");
        check_withdraw_rejected(withdraw_root().set("uri", R"("")").json(),
                                "member 'uri': CDN URI is empty");
        check_withdraw_rejected(withdraw_root().set("uri", "[]").json(),
                                "member 'uri' is not a string");
        check_withdraw_rejected(withdraw_root().erase("bitfield").json(),
                                "members 'pieces' and 'bitfield' come together or not at all");
        check_withdraw_rejected(withdraw_root().erase("pieces").json(),
                                "members 'pieces' and 'bitfield' come together or not at all");
        check_withdraw_rejected(withdraw_root().set("pieces", R"("12")").json(),
                                "member 'pieces' is not an unsigned integer");
        check_withdraw_rejected(withdraw_root().set("bitfield", R"("gAA")").json(),
                                "bitfield is 3 characters, expected 4 (base64 of 2 bytes for 12 "
                                "pieces)");
        check_withdraw_rejected(withdraw_root().set("bitfield", R"("gAE=")").json(),
                                "member 'bitfield': spare bit 15 is set in a 12-piece bitfield");
        check_withdraw_rejected(
            withdraw_root().append("uri", R"("http://h/")").append("uri", R"("http://h/")").json(),
            "member 'uri' appears more than once");
    }

    TEST_CASE("the encoders refuse what the decoders would reject") {
        cdn_publish p = publish_example();
        p.content_id = "a/b";
        check_refused(encode_cdn_publish_json, p,
                      "content id has character '/' at offset 1; allowed: A-Z a-z 0-9 - . _ ~");
        p = publish_example();
        p.sources.clear();
        check_refused(encode_cdn_publish_json, p, "CDN publish has no source");
        p = publish_example();
        p.sources[1].uri = "https://edge.example/{piece";
        check_refused(encode_cdn_publish_json, p,
                      "sources[1].uri: CDN URI has an unknown placeholder at offset 21; known: "
                      "{piece} {content}");
        p = publish_example();
        p.sources[0].pieces = bitmap(11);
        check_refused(encode_cdn_publish_json, p,
                      "sources[0].pieces has 11 bits, expected the piece count 10");
        p = publish_example();
        p.sources[1].uri = p.sources[0].uri;
        check_refused(encode_cdn_publish_json, p, "sources[1].uri repeats sources[0].uri");
        p = publish_example();
        p.piece_count = bitmap::max_bits + 1;
        check_refused(encode_cdn_publish_json, p,
                      "piece count 67108865 is above the maximum 67108864");

        cdn_withdraw w = withdraw_example();
        w.uri = "cdn.example/x";
        check_refused(encode_cdn_withdraw_json, w,
                      "uri: CDN URI does not start with http:// or https://");
        w = withdraw_example();
        w.content_id.clear();
        check_refused(encode_cdn_withdraw_json, w, "content id is empty");
    }
}
