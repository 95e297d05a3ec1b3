#include <doctest/doctest.h>

#include "peer_list_example.hpp"
#include "test_support.hpp"

#include <cstdint>
#include <limits>
#include <string>

#include "core/bitmap.hpp"
#include "core/error.hpp"
#include "core/ip_address.hpp"
#include "wire/peer_list_json.hpp"

using p2pcdn::bitmap;
using p2pcdn::cdn_source;
using p2pcdn::decode_peer_list_json;
using p2pcdn::encode_peer_list_json;
using p2pcdn::errc;
using p2pcdn::ip_address;
using p2pcdn::peer_entry;
using p2pcdn::peer_list;
using p2pcdn::peer_list_limits;
using p2pcdn::peer_role;
using p2pcdn::test::check_equal;
using p2pcdn::test::code_of;
using p2pcdn::test::example;
using p2pcdn::test::peer;

namespace {


const std::string example_json =
    R"({"v":1,"type":"peers","content":"movie-1","pieces":10,"interval":1800,"min_interval":60,)"
    R"("complete":3,"incomplete":12,"peers":[)"
    R"({"id":"706565722d41","ip":"192.0.2.1","port":6881,"role":"user","seed":false},)"
    R"({"id":"6363732d31","ip":"2001:db8::7","port":6882,"role":"network","seed":true},)"
    R"({"id":"0102","ip":"198.51.100.9","port":51413,"role":"user","seed":true}],)"
    R"("cdn":[{"uri":"https://cdn.example/{content}/{piece}","pieces":"AcA=",)"
    R"("expires":1764000000,"range":false}]})";


// A valid list whose root members, one peer and one CDN source can be replaced one by one. The
// peer under test is peers[1] and the source cdn[1], after a valid one each.
struct doc {
    std::string head = R"("v":1,"type":"peers","content":"c","pieces":12,"interval":10,)"
                       R"("min_interval":5,"complete":1,"incomplete":2)";
    std::string peer_json = R"("ip":"192.0.2.2","port":1,"role":"user","seed":false)";
    std::string cdn_json = R"("uri":"http://h/{piece}","pieces":"gBA=","expires":5,"range":true)";
    std::string extra;

    std::string json() const {
        return "{" + head + extra + R"(,"peers":[{"ip":"192.0.2.1","port":1},{)" + peer_json +
               R"(}],"cdn":[{"uri":"http://h/","pieces":"AAA=","expires":0},{)" + cdn_json + "}]}";
    }
    // Replaces "name":old with "name":raw (or appends it) in one of the three parts.
    static std::string set(std::string part, const std::string& name, const std::string& raw) {
        const std::string key = "\"" + name + "\":";
        const auto at = part.find(key);
        if (at == std::string::npos) {
            return part + "," + key + raw;
        }
        std::size_t end = at + key.size();
        int depth = 0;
        bool in_string = false;
        for (; end < part.size(); ++end) {
            const char c = part[end];
            if (in_string) {
                if (c == '\\')
                    ++end;
                else if (c == '"')
                    in_string = false;
            } else if (c == '"') {
                in_string = true;
            } else if (c == '[' || c == '{') {
                ++depth;
            } else if (c == ']' || c == '}') {
                --depth;
            } else if (c == ',' && depth == 0) {
                break;
            }
        }
        return part.substr(0, at) + key + raw + part.substr(end);
    }
    static std::string erase(std::string part, const std::string& name) {
        const std::string marker = "\x01";
        part = set(part, name, marker);
        const auto at = part.find("\"" + name + "\":" + marker);
        std::size_t begin = at;
        std::size_t end = at + name.size() + 3 + marker.size();
        if (begin > 0 && part[begin - 1] == ',')
            --begin;
        else if (end < part.size() && part[end] == ',')
            ++end;
        return part.substr(0, begin) + part.substr(end);
    }
    doc& root(const std::string& name, const std::string& raw) {
        head = set(head, name, raw);
        return *this;
    }
    doc& root_erase(const std::string& name) {
        head = erase(head, name);
        return *this;
    }
    doc& peer(const std::string& name, const std::string& raw) {
        peer_json = set(peer_json, name, raw);
        return *this;
    }
    doc& peer_erase(const std::string& name) {
        peer_json = erase(peer_json, name);
        return *this;
    }
    doc& cdn(const std::string& name, const std::string& raw) {
        cdn_json = set(cdn_json, name, raw);
        return *this;
    }
    doc& cdn_erase(const std::string& name) {
        cdn_json = erase(cdn_json, name);
        return *this;
    }
};

void check_rejected(const std::string& json, const std::string& message, errc code = errc::parse,
                    const peer_list_limits& limits = {}) {
    CAPTURE(json);
    CHECK_THROWS_WITH_AS(decode_peer_list_json(json, limits), message.c_str(), p2pcdn::error&);
    CHECK(code_of([&] { decode_peer_list_json(json, limits); }) == code);
}

}  // namespace

TEST_SUITE("peer_list_json") {
    TEST_CASE("exact JSON of the documented example") {
        CHECK(encode_peer_list_json(example()) == example_json);
        check_equal(decode_peer_list_json(example_json), example());
    }

    TEST_CASE("the smallest list") {
        peer_list l;
        l.content_id = "x";
        const std::string want =
            R"({"v":1,"type":"peers","content":"x","pieces":0,"interval":0,"min_interval":0,)"
            R"("complete":0,"incomplete":0,"peers":[],"cdn":[]})";
        CHECK(encode_peer_list_json(l) == want);
        check_equal(decode_peer_list_json(want), l);
        // "type" and "cdn" are optional.
        check_equal(decode_peer_list_json(
                        R"({"v":1,"content":"x","pieces":0,"interval":0,"min_interval":0,)"
                        R"("complete":0,"incomplete":0,"peers":[]})"),
                    l);
    }

    TEST_CASE("the test document is valid") {
        const auto l = decode_peer_list_json(doc().json());
        REQUIRE(l.peers.size() == 2);
        CHECK(l.peers[0].id.empty());
        CHECK(l.peers[0].role == peer_role::user);
        CHECK(!l.peers[0].seed);
        REQUIRE(l.cdn.size() == 2);
        CHECK(l.cdn[1].pieces.count() == 2);
        CHECK(l.cdn[1].pieces.test(0));
        CHECK(l.cdn[1].pieces.test(11));
        CHECK(l.cdn[1].ranged);
        CHECK(!l.cdn[0].ranged);
        CHECK(l.cdn[0].pieces.none());
    }

    TEST_CASE("peers without an id, extreme values, round trips") {
        peer_list l = example();
        l.peers[0].id.clear();  // as decoded from compact bencode
        l.peers.push_back(
            peer(std::string(20, '\xff'), "::ffff:192.0.2.3", 0, peer_role::network, false));
        l.peers.push_back(
            peer(std::string(1, '\0'), "255.255.255.255", 65535, peer_role::user, true));
        l.interval_s = std::numeric_limits<std::uint32_t>::max();
        l.min_interval_s = std::numeric_limits<std::uint32_t>::max();
        l.seeds = std::numeric_limits<std::uint32_t>::max();
        l.leechers = 0;
        l.content_id = std::string(128, '~');
        l.cdn[0].expires_s = std::numeric_limits<std::int64_t>::min();
        cdn_source ranged;
        ranged.uri = "http://[2001:db8::1]:8080/objects/{content}.bin";
        ranged.pieces = bitmap(10);
        ranged.pieces.fill(true);
        ranged.expires_s = std::numeric_limits<std::int64_t>::max();
        ranged.ranged = true;
        l.cdn.push_back(ranged);
        const std::string json = encode_peer_list_json(l);
        CHECK(json.find(R"({"ip":"192.0.2.1")") != std::string::npos);
        CHECK(json.find(
                  R"("id":"ffffffffffffffffffffffffffffffffffffffff","ip":"::ffff:192.0.2.3")") !=
              std::string::npos);
        check_equal(decode_peer_list_json(json), l);
        CHECK(encode_peer_list_json(decode_peer_list_json(json)) == json);

        // A large list.
        peer_list big;
        big.content_id = "big";
        big.piece_count = 100001;
        for (std::uint32_t i = 0; i < 10000; ++i) {
            const std::uint8_t a[4] = {10, static_cast<std::uint8_t>(i >> 8),
                                       static_cast<std::uint8_t>(i), 1};
            peer_entry p;
            p.id = "p" + std::to_string(i);
            p.address = ip_address::v4(a);
            p.port = static_cast<std::uint16_t>(i);
            big.peers.push_back(p);
        }
        for (int k = 0; k < 256; ++k) {
            cdn_source s;
            s.uri = "https://e" + std::to_string(k) + ".example/{piece}";
            s.pieces = bitmap(big.piece_count);
            s.pieces.set(static_cast<std::size_t>(k) * 390);
            s.pieces.set(big.piece_count - 1);
            big.cdn.push_back(s);
        }
        check_equal(decode_peer_list_json(encode_peer_list_json(big)), big);
    }

    TEST_CASE("the decoder ignores unknown members and takes defaults") {
        const auto l = decode_peer_list_json(
            R"({"peers":[{"port":2,"ip":"2001:DB8:0:0:0:0:0:1","x":[{}],"id":"ABcd"}],"x":{"y":[1,[2]]},)"
            R"("pieces":3,"incomplete":0,"complete":0,"min_interval":0,"interval":1,)"
            R"("cdn":[{"expires":-1,"pieces":"gA==","uri":"HTTP://H/{content}","z":null}],)"
            R"("content":"a","v":1})");
        REQUIRE(l.peers.size() == 1);
        CHECK(l.peers[0].id == "\xab\xcd");
        CHECK(l.peers[0].address.to_string() == "2001:db8::1");
        CHECK(l.peers[0].role == peer_role::user);
        CHECK(!l.peers[0].seed);
        REQUIRE(l.cdn.size() == 1);
        CHECK(l.cdn[0].expires_s == -1);
        CHECK(!l.cdn[0].ranged);
        CHECK(l.cdn[0].pieces.test(0));
        const std::string deep = std::string(100000, '[') + std::string(100000, ']');
        CHECK_NOTHROW(decode_peer_list_json(doc().root("deep", deep).json()));
        // Ignored members may repeat.
        CHECK_NOTHROW(decode_peer_list_json(doc().root("x", "1").root("y", "2").json()));
    }

    TEST_CASE("envelope errors") {
        check_rejected("", "peer list is not valid JSON: The document is empty. at offset 0");
        check_rejected(doc().root("x", "\"\xff\"").json().substr(0, 20) + "\xff\"}",
                       "peer list is not valid JSON: Invalid encoding in string. at offset 20");
        check_rejected("[]", "peer list is not a JSON object");
        check_rejected(doc().root_erase("v").json(), "member 'v' is missing");
        check_rejected(doc().root("v", "2").json(), "member 'v' is 2, only version 1 is supported");
        check_rejected(doc().root("v", "true").json(), "member 'v' is not an integer");
        check_rejected(doc().root("type", "\"stats\"").json(), "member 'type' is not \"peers\"");
        check_rejected(doc().root("type", "0").json(), "member 'type' is not a string");
        check_rejected(R"({"v":1,)" + doc().json().substr(1), "member 'v' appears more than once");
        check_rejected(R"({"peers":[],)" + doc().json().substr(1),
                       "member 'peers' appears more than once");
    }

    TEST_CASE("root member errors") {
        check_rejected(doc().root_erase("content").json(), "member 'content' is missing");
        check_rejected(doc().root("content", "\"a b\"").json(),
                       "member 'content': content id has character ' ' at offset 1; allowed: "
                       "A-Z a-z 0-9 - . _ ~");
        check_rejected(doc().root("content", "[]").json(), "member 'content' is not a string");
        for (const char* name : {"pieces", "interval", "min_interval", "complete", "incomplete"}) {
            CAPTURE(name);
            check_rejected(doc().root_erase(name).json(),
                           std::string("member '") + name + "' is missing");
            check_rejected(doc().root(name, "-1").json(),
                           std::string("member '") + name + "' is not an unsigned integer");
            check_rejected(doc().root(name, "1.0").json(),
                           std::string("member '") + name + "' is not an unsigned integer");
            check_rejected(doc().root(name, "\"1\"").json(),
                           std::string("member '") + name + "' is not an unsigned integer");
        }
        for (const char* name : {"interval", "min_interval", "complete", "incomplete"}) {
            check_rejected(doc().root(name, "4294967296").json(),
                           std::string(name) + " is 4294967296, above the maximum 4294967295");
        }
        CHECK_NOTHROW(decode_peer_list_json(doc().root("interval", "4294967295").json()));
        const std::string head =
            R"({"v":1,"content":"c","pieces":0,"interval":0,"min_interval":0,"complete":0,)"
            R"("incomplete":0)";
        check_rejected(head + "}", "member 'peers' is missing");
        check_rejected(head + R"(,"peers":{}})", "member 'peers' is not an array");
        check_rejected(head + R"(,"peers":[1]})", "peers[0] is not an object");
        check_rejected(head + R"(,"peers":[],"cdn":{}})", "member 'cdn' is not an array");
        check_rejected(head + R"(,"peers":[],"cdn":[null]})", "cdn[0] is not an object");
        check_rejected(head + R"(,"peers":[],"cdn":[],"cdn":[]})",
                       "member 'cdn' appears more than once");
        // The CDN bitmap follows "pieces": 0 pieces take 0 bytes, the empty string.
        const auto empty = decode_peer_list_json(
            head + R"(,"peers":[],"cdn":[{"uri":"http://h/","pieces":"","expires":0}]})");
        REQUIRE(empty.cdn.size() == 1);
        CHECK(empty.cdn[0].pieces.size() == 0);
    }

    TEST_CASE("peer errors") {
        check_rejected(doc().peer_erase("ip").json(), "member 'peers[1].ip' is missing");
        check_rejected(doc().peer("ip", "\"1.2.3\"").json(),
                       "member 'peers[1].ip': invalid IP address '1.2.3'");
        check_rejected(doc().peer("ip", "\"[::1]\"").json(),
                       "member 'peers[1].ip': invalid IP address '[::1]'");
        check_rejected(doc().peer("ip", "4").json(), "member 'peers[1].ip' is not a string");
        check_rejected(doc().peer_erase("port").json(), "member 'peers[1].port' is missing");
        check_rejected(doc().peer("port", "70000").json(), "peers[1].port is 70000, above 65535");
        check_rejected(doc().peer("port", "-1").json(),
                       "member 'peers[1].port' is not an unsigned integer");
        CHECK(decode_peer_list_json(doc().peer("port", "65535").json()).peers[1].port == 65535);
        check_rejected(doc().peer("id", "\"abc\"").json(),
                       "peers[1].id is 3 characters, expected an even number from 2 to 40");
        check_rejected(doc().peer("id", "\"\"").json(),
                       "peers[1].id is 0 characters, expected an even number from 2 to 40");
        check_rejected(doc().peer("id", '"' + std::string(42, 'a') + '"').json(),
                       "peers[1].id is 42 characters, expected an even number from 2 to 40");
        CHECK(decode_peer_list_json(doc().peer("id", '"' + std::string(40, 'a') + '"').json())
                  .peers[1]
                  .id == std::string(20, '\xaa'));
        check_rejected(doc().peer("id", "\"0g\"").json(),
                       "member 'peers[1].id': invalid hex character 'g' at offset 1");
        check_rejected(doc().peer("id", "12").json(), "member 'peers[1].id' is not a string");
        check_rejected(doc().peer("role", "\"seed\"").json(),
                       "member 'peers[1].role' is not \"user\" or \"network\"");
        check_rejected(doc().peer("role", "1").json(), "member 'peers[1].role' is not a string");
        check_rejected(doc().peer("seed", "1").json(), "member 'peers[1].seed' is not a boolean");
        check_rejected(doc().peer("seed", "\"true\"").json(),
                       "member 'peers[1].seed' is not a boolean");
        check_rejected(doc().peer("port", "2,\"port\":3").json(),
                       "member 'peers[1].port' appears more than once");
        CHECK(decode_peer_list_json(doc().peer("role", "\"network\"").json()).peers[1].role ==
              peer_role::network);
    }

    TEST_CASE("CDN source errors") {
        check_rejected(doc().cdn_erase("uri").json(), "member 'cdn[1].uri' is missing");
        check_rejected(doc().cdn("uri", "\"ftp://h/\"").json(),
                       "member 'cdn[1].uri': CDN URI does not start with http:// or https://");
        check_rejected(doc().cdn("uri", "\"http://h/{x}\"").json(),
                       "member 'cdn[1].uri': CDN URI has an unknown placeholder at offset 9; "
                       "known: {piece} {content}");
        check_rejected(doc().cdn("uri", "\"http://h/a b\"").json(),
                       "member 'cdn[1].uri': CDN URI has byte 0x20 at offset 10");
        check_rejected(doc().cdn("uri", "1").json(), "member 'cdn[1].uri' is not a string");
        check_rejected(doc().cdn_erase("pieces").json(), "member 'cdn[1].pieces' is missing");
        check_rejected(doc().cdn("pieces", "\"gBA\"").json(),
                       "cdn[1].pieces is 3 characters, expected 4 (base64 of 2 bytes for 12 "
                       "pieces)");
        check_rejected(doc().cdn("pieces", "\"gBAAAA==\"").json(),
                       "cdn[1].pieces is 8 characters, expected 4 (base64 of 2 bytes for 12 "
                       "pieces)");
        check_rejected(doc().cdn("pieces", "\"gBg=\"").json(),
                       "member 'cdn[1].pieces': spare bit 12 is set in a 12-piece bitfield");
        check_rejected(doc().cdn("pieces", "\"gBB=\"").json(),
                       "member 'cdn[1].pieces': base64 character 'B' at offset 2 has non-zero "
                       "unused bits");
        check_rejected(doc().cdn("pieces", "\"gB!=\"").json(),
                       "member 'cdn[1].pieces': invalid base64 character '!' at offset 2");
        check_rejected(doc().cdn_erase("expires").json(), "member 'cdn[1].expires' is missing");
        check_rejected(doc().cdn("expires", "1.5").json(),
                       "member 'cdn[1].expires' is not an integer");
        check_rejected(doc().cdn("expires", "9223372036854775808").json(),
                       "member 'cdn[1].expires' is not an integer");
        check_rejected(doc().cdn("expires", "\"5\"").json(),
                       "member 'cdn[1].expires' is not an integer");
        check_rejected(doc().cdn("range", "0").json(), "member 'cdn[1].range' is not a boolean");
        check_rejected(doc().cdn("uri", "\"http://h/\",\"uri\":\"http://i/\"").json(),
                       "member 'cdn[1].uri' appears more than once");
    }

    TEST_CASE("limits") {
        const std::string json = doc().json();
        peer_list_limits limits;
        limits.max_bytes = json.size();
        CHECK_NOTHROW(decode_peer_list_json(json, limits));
        limits.max_bytes = json.size() - 1;
        check_rejected(json,
                       "peer list is " + std::to_string(json.size()) + " bytes, above the limit " +
                           std::to_string(json.size() - 1),
                       errc::limit, limits);
        limits = {};
        limits.max_peers = 2;
        CHECK_NOTHROW(decode_peer_list_json(json, limits));
        limits.max_peers = 1;
        check_rejected(json, "peers has 2 entries, above the limit 1", errc::limit, limits);
        limits = {};
        limits.max_cdn_sources = 1;
        check_rejected(json, "cdn has 2 entries, above the limit 1", errc::limit, limits);
        limits = {};
        limits.max_pieces = 11;
        check_rejected(json, "pieces is 12, above the limit 11", errc::limit, limits);
        check_rejected(doc().root("pieces", "67108865").json(),
                       "pieces is 67108865, above the limit 67108864", errc::limit);
        limits.max_pieces = std::size_t{1} << 40;  // never above bitmap::max_bits
        check_rejected(doc().root("pieces", "67108865").json(),
                       "pieces is 67108865, above the limit 67108864", errc::limit, limits);
    }

    TEST_CASE("the encoder refuses what the decoder would reject") {
        auto code = [](auto&& change) {
            peer_list l = example();
            change(l);
            return code_of([&] { encode_peer_list_json(l); });
        };
        CHECK(code([](peer_list&) {}) == errc::ok);
        CHECK(code([](peer_list& l) { l.content_id = ""; }) == errc::invalid);
        CHECK(code([](peer_list& l) { l.content_id = "a/b"; }) == errc::invalid);
        CHECK(code([](peer_list& l) { l.peers[1].id = std::string(21, 'x'); }) == errc::invalid);
        CHECK(code([](peer_list& l) { l.cdn[0].uri = "gopher://h/"; }) == errc::invalid);
        CHECK(code([](peer_list& l) { l.cdn[0].pieces = bitmap(11); }) == errc::invalid);
        CHECK(code([](peer_list& l) {
                  l.piece_count = p2pcdn::bitmap::max_bits + 1;
                  l.cdn.clear();
              }) == errc::invalid);
        peer_list l = example();
        l.cdn[0].uri = "http://h/{x}";
        CHECK_THROWS_WITH_AS(encode_peer_list_json(l),
                             "cdn[0].uri: CDN URI has an unknown placeholder at offset 9; known: "
                             "{piece} {content}",
                             p2pcdn::error&);
        l = example();
        l.cdn[0].pieces = bitmap(9);
        CHECK_THROWS_WITH_AS(encode_peer_list_json(l),
                             "cdn[0].pieces has 9 bits, expected the piece count 10",
                             p2pcdn::error&);
        l = example();
        l.peers[2].id = std::string(21, 'x');
        CHECK_THROWS_WITH_AS(encode_peer_list_json(l),
                             "peers[2].id is 21 bytes, at most 20 allowed", p2pcdn::error&);
    }
}
