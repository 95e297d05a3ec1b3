#include <doctest/doctest.h>

#include "test_support.hpp"

#include <cstdint>
#include <string>

#include "core/bitmap.hpp"
#include "core/error.hpp"
#include "core/ip_address.hpp"
#include "swarm/swarm.hpp"
#include "wire/bt_announce_query.hpp"
#include "wire/peer_list_bencode.hpp"

using p2pcdn::announce_event;
using p2pcdn::announce_request;
using p2pcdn::bitmap;
using p2pcdn::bt_announce;
using p2pcdn::bt_query_limits;
using p2pcdn::encode_bt_announce_query;
using p2pcdn::encode_bt_failure;
using p2pcdn::errc;
using p2pcdn::ip_address;
using p2pcdn::parse_bt_announce_query;
using p2pcdn::peer_role;
using p2pcdn::test::code_of;

namespace {

// BEP 3's example info_hash, 12 34 56 78 9a bc de f1 23 45 67 89 ab cd ef 12 34 56 78 9a, and
// its escaped form.
const std::string hash_query = "info_hash=%124Vx%9A%BC%DE%F1%23Eg%89%AB%CD%EF%124Vx%9A";
const std::string hash_hex = "123456789abcdef123456789abcdef123456789a";

// docs/protocol.md, "BitTorrent announce (GET /announce)".
const std::string example_query =
    hash_query +
    "&peer_id=-XX0001-abcdefghijkl&port=6881&uploaded=1024&downloaded=2048&left=4096"
    "&event=started&compact=1&numwant=50&p2pcdn_pieces=10&p2pcdn_bitfield=gMA";

bt_announce example() {
    bt_announce a;
    a.info_hash = {0x12, 0x34, 0x56, 0x78, 0x9a, 0xbc, 0xde, 0xf1, 0x23, 0x45,
                   0x67, 0x89, 0xab, 0xcd, 0xef, 0x12, 0x34, 0x56, 0x78, 0x9a};
    a.peer_id = "-XX0001-abcdefghijkl";
    a.port = 6881;
    a.uploaded = 1024;
    a.downloaded = 2048;
    a.left = 4096;
    a.event = announce_event::started;
    a.piece_count = 10;
    a.pieces = bitmap(10);
    a.pieces->set(0);
    a.pieces->set(8);
    a.pieces->set(9);
    return a;
}

// The three required parameters.
std::string minimal() {
    return hash_query + "&peer_id=-XX0001-abcdefghijkl&port=6881";
}

void check_rejected(const std::string& query, const std::string& message, errc code = errc::parse,
                    const bt_query_limits& limits = {}) {
    CAPTURE(query);
    CHECK_THROWS_WITH_AS(parse_bt_announce_query(query, limits), message.c_str(), p2pcdn::error&);
    CHECK(code_of([&] { parse_bt_announce_query(query, limits); }) == code);
}

void check_refused(const bt_announce& a, const std::string& message) {
    CHECK_THROWS_WITH_AS(encode_bt_announce_query(a), message.c_str(), p2pcdn::error&);
    CHECK(code_of([&] { encode_bt_announce_query(a); }) == errc::invalid);
}

}  // namespace

TEST_SUITE("bt_announce_query") {
    TEST_CASE("exact query of the documented example") {
        CHECK(encode_bt_announce_query(example()) == example_query);
        const bt_announce a = parse_bt_announce_query(example_query);
        CHECK(a == example());
        CHECK(a.content_id() == hash_hex);
    }

    TEST_CASE("only info_hash, peer_id and port are required") {
        const bt_announce a = parse_bt_announce_query(minimal());
        CHECK(a.content_id() == hash_hex);
        CHECK(a.peer_id == "-XX0001-abcdefghijkl");
        CHECK(a.port == 6881);
        CHECK(a.uploaded == 0);
        CHECK(a.downloaded == 0);
        CHECK_FALSE(a.left.has_value());
        CHECK(a.event == announce_event::update);
        CHECK(a.compact);
        CHECK(a.numwant == announce_request{}.numwant);
        CHECK_FALSE(a.address.has_value());
        CHECK(a.piece_count == 0);
        CHECK_FALSE(a.pieces.has_value());
    }

    TEST_CASE("escapes in either case, escaped names, any order, unknown parameters") {
        const bt_announce reference = parse_bt_announce_query(minimal());
        // Lowercase hex, and unreserved characters escaped needlessly.
        const std::string lower =
            "info_hash=%124Vx%9a%bc%de%f1%23Eg%89%ab%cd%ef%124Vx%9a"
            "&peer_id=%2DXX0001-abcdefghijk%6C&port=6881";
        CHECK(parse_bt_announce_query(lower) == reference);
        CHECK(parse_bt_announce_query("port=6881&info%5Fhash=" + hash_query.substr(10) +
                                      "&peer_id=-XX0001-abcdefghijkl") == reference);
        // What clients add: key, trackerid, supportcrypto, no_peer_id, BEP 7's ipv6 (raw
        // colons are query characters), repeated unknown parameters, empty values.
        CHECK(parse_bt_announce_query(
                  minimal() + "&key=1A2B&trackerid=&supportcrypto=1&no_peer_id=1"
                              "&ipv6=2001:db8::1&key=3&corrupt=0&x=!$'()*,;:@/?") == reference);
    }

    TEST_CASE("events, compact, numwant, ip") {
        const std::pair<const char*, announce_event> events[] = {
            {"", announce_event::update},
            {"empty", announce_event::update},
            {"paused", announce_event::update},
            {"started", announce_event::started},
            {"completed", announce_event::completed},
            {"stopped", announce_event::stopped},
        };
        for (const auto& [text, event] : events) {
            CAPTURE(text);
            CHECK(parse_bt_announce_query(minimal() + "&event=" + text).event == event);
        }
        CHECK_FALSE(parse_bt_announce_query(minimal() + "&compact=0").compact);
        CHECK(parse_bt_announce_query(minimal() + "&numwant=0").numwant == 0);
        CHECK(parse_bt_announce_query(minimal() + "&numwant=4294967295").numwant == 0xffffffffu);
        CHECK(parse_bt_announce_query(hash_query + "&port=0&peer_id=-XX0001-abcdefghijkl").port ==
              0);
        CHECK(parse_bt_announce_query(minimal() + "&left=0").left == std::uint64_t{0});
        CHECK(parse_bt_announce_query(minimal() + "&uploaded=18446744073709551615").uploaded ==
              ~std::uint64_t{0});
        CHECK(*parse_bt_announce_query(minimal() + "&ip=198.51.100.9").address ==
              ip_address::parse("198.51.100.9"));
        CHECK(*parse_bt_announce_query(minimal() + "&ip=2001%3Adb8%3A%3A1").address ==
              ip_address::parse("2001:db8::1"));
        CHECK(*parse_bt_announce_query(minimal() + "&ip=2001:db8::1").address ==
              ip_address::parse("2001:db8::1"));
    }

    TEST_CASE("every byte value and every bitfield length round-trip") {
        bt_announce a;
        for (std::size_t i = 0; i < a.info_hash.size(); ++i) {
            a.info_hash[i] = static_cast<std::uint8_t>(i * 13 + 200);
        }
        for (int first = 0; first < 256; first += 20) {
            a.peer_id.clear();
            for (int i = 0; i < 20; ++i) a.peer_id += static_cast<char>((first + i * 7) % 256);
            a.address = ip_address::parse(first % 40 == 0 ? "::ffff:192.0.2.1" : "2001:db8::5");
            a.left = static_cast<std::uint64_t>(first);
            a.event = static_cast<announce_event>(first % 4);
            a.compact = first % 3 == 0;
            const std::string q = encode_bt_announce_query(a);
            CAPTURE(q);
            CHECK(parse_bt_announce_query(q) == a);
        }
        for (const std::size_t n : {1, 2, 7, 8, 9, 15, 16, 17, 23, 24, 25, 1000}) {
            CAPTURE(n);
            a.piece_count = n;
            a.pieces = bitmap(n);
            for (std::size_t i = 0; i < n; i += 3) a.pieces->set(i);
            a.pieces->set(n - 1);
            CHECK(parse_bt_announce_query(encode_bt_announce_query(a)) == a);
        }
        // A piece count without a bitfield.
        a.pieces.reset();
        CHECK(parse_bt_announce_query(encode_bt_announce_query(a)) == a);
    }

    TEST_CASE("to_request and a swarm") {
        const bt_announce a = parse_bt_announce_query(example_query);
        const ip_address connection = ip_address::parse("203.0.113.5");
        const announce_request r = a.to_request(connection);
        CHECK(r.peer_id == a.peer_id);
        CHECK(r.address == connection);
        CHECK(r.port == 6881);
        CHECK(r.role == peer_role::user);
        CHECK(r.event == announce_event::started);
        CHECK(r.full == &*a.pieces);
        CHECK(r.have.empty());
        CHECK(r.numwant == 50);
        CHECK(r.uploaded == 1024);
        CHECK(r.downloaded == 2048);

        p2pcdn::swarm s(a.content_id(), a.piece_count, 10, 1);
        s.announce(r, 1000);
        CHECK(s.peer_bitmap(a.peer_id) == *a.pieces);

        const bt_announce own = parse_bt_announce_query(minimal() + "&ip=192.0.2.9");
        CHECK(own.to_request(connection).address == ip_address::parse("192.0.2.9"));
        CHECK(own.to_request(connection).full == nullptr);
    }

    TEST_CASE("limits") {
        bt_query_limits small;
        small.max_bytes = minimal().size() - 1;
        check_rejected(minimal(),
                       "announce query is " + std::to_string(minimal().size()) +
                           " bytes, above the limit " + std::to_string(small.max_bytes),
                       errc::limit, small);
        small.max_bytes = minimal().size();
        CHECK(parse_bt_announce_query(minimal(), small).port == 6881);
        bt_query_limits few;
        few.max_pieces = 9;
        check_rejected(example_query, "p2pcdn_pieces is 10, above the limit 9", errc::limit, few);
        check_rejected(minimal() + "&p2pcdn_pieces=67108865",
                       "p2pcdn_pieces is 67108865, above the limit 67108864", errc::limit);
    }

    TEST_CASE("syntax rejections") {
        check_rejected("", "parameter 'info_hash' is missing");
        check_rejected(hash_query + "&port=1", "parameter 'peer_id' is missing");
        check_rejected(hash_query + "&peer_id=-XX0001-abcdefghijkl", "parameter 'port' is missing");
        check_rejected("&" + minimal(), "announce query has an empty parameter at offset 0");
        check_rejected(minimal() + "&", "announce query has an empty parameter at offset " +
                                            std::to_string(minimal().size() + 1));
        check_rejected("a=1&&" + minimal(), "announce query has an empty parameter at offset 4");
        check_rejected("no_peer_id&" + minimal(),
                       "announce query has a parameter without '=' at offset 0");
        check_rejected("=1&" + minimal(),
                       "announce query has a parameter without a name at offset 0");
        check_rejected("a=%4&" + minimal(),
                       "an unknown parameter has a '%' not followed by two hex digits at offset 2");
        check_rejected(minimal() + "&port=%",
                       "parameter 'port' has a '%' not followed by two hex "
                       "digits at offset " +
                           std::to_string(minimal().size() + 6));
        check_rejected("a%zz=1&" + minimal(),
                       "a parameter name has a '%' not followed by two hex digits at offset 1");
        check_rejected("a=b+c&" + minimal(),
                       "an unknown parameter has an unescaped '+' at offset 3");
        check_rejected("a=b c&" + minimal(),
                       "an unknown parameter has an unescaped byte 0x20 at offset 3");
        check_rejected("a=\xff&" + minimal(),
                       "an unknown parameter has an unescaped byte 0xff at offset 2");
        check_rejected("a=b=c&" + minimal(),
                       "an unknown parameter has an unescaped '=' at offset 3");
        check_rejected("a#=1&" + minimal(), "a parameter name has an unescaped '#' at offset 1");
        check_rejected(minimal() + "&port=2", "parameter 'port' appears more than once");
        check_rejected(minimal() + "&peer%5Fid=-XX0001-abcdefghijkl",
                       "parameter 'peer_id' appears more than once");
    }

    TEST_CASE("value rejections") {
        const std::string id = "&peer_id=-XX0001-abcdefghijkl&port=6881";
        check_rejected("info_hash=%12" + id, "info_hash is 1 bytes, expected 20");
        check_rejected(hash_query + "%00" + id, "info_hash is 21 bytes, expected 20");
        check_rejected(hash_query + "&peer_id=-XX0001-abcdefghijk&port=1",
                       "peer_id is 19 bytes, expected 20");
        check_rejected(minimal() + "1", "port is 68811, above 65535");
        check_rejected(hash_query + "&peer_id=-XX0001-abcdefghijkl&port=65536",
                       "port is 65536, above 65535");
        check_rejected(hash_query + "&peer_id=-XX0001-abcdefghijkl&port=06881",
                       "parameter 'port' has a leading zero");
        check_rejected(hash_query + "&peer_id=-XX0001-abcdefghijkl&port=-1",
                       "parameter 'port' is not a decimal number");
        check_rejected(hash_query + "&peer_id=-XX0001-abcdefghijkl&port=",
                       "parameter 'port' is not a decimal number");
        check_rejected(minimal() + "&uploaded=18446744073709551616",
                       "uploaded is above 18446744073709551615");
        check_rejected(minimal() + "&downloaded=99999999999999999999999",
                       "downloaded is above 18446744073709551615");
        check_rejected(minimal() + "&left=1e3", "parameter 'left' is not a decimal number");
        check_rejected(minimal() + "&numwant=4294967296",
                       "numwant is 4294967296, above 4294967295");
        check_rejected(minimal() + "&numwant=-1", "parameter 'numwant' is not a decimal number");
        check_rejected(minimal() + "&compact=2", "compact is 2, above 1");
        check_rejected(minimal() + "&event=start",
                       "parameter 'event' is not started, completed, stopped, paused or empty");
        check_rejected(minimal() + "&ip=tracker.example",
                       "parameter 'ip': invalid IP address 'tracker.example'");
        check_rejected(minimal() + "&ip=%5B2001:db8::1%5D",
                       "parameter 'ip': invalid IP address '[2001:db8::1]'");
    }

    TEST_CASE("extension rejections") {
        check_rejected(minimal() + "&p2pcdn_pieces=0",
                       "p2pcdn_pieces is 0; a content has at least one piece");
        check_rejected(minimal() + "&p2pcdn_bitfield=gMA",
                       "parameter 'p2pcdn_bitfield' needs 'p2pcdn_pieces'");
        check_rejected(minimal() + "&p2pcdn_pieces=12&p2pcdn_bitfield=gM",
                       "p2pcdn_bitfield is 2 characters, expected 3 (unpadded base64url of 2 "
                       "bytes for 12 pieces)");
        check_rejected(minimal() + "&p2pcdn_pieces=12&p2pcdn_bitfield=gMA%3D",
                       "p2pcdn_bitfield is 4 characters, expected 3 (unpadded base64url of 2 "
                       "bytes for 12 pieces)");
        check_rejected(minimal() + "&p2pcdn_pieces=12&p2pcdn_bitfield=g%2BA",
                       "p2pcdn_bitfield has '+' at offset 1: not unpadded base64url");
        check_rejected(minimal() + "&p2pcdn_pieces=12&p2pcdn_bitfield=g%2FA",
                       "p2pcdn_bitfield has '/' at offset 1: not unpadded base64url");
        check_rejected(minimal() + "&p2pcdn_pieces=12&p2pcdn_bitfield=g.A",
                       "parameter 'p2pcdn_bitfield': invalid base64 character '.' at offset 1");
        check_rejected(minimal() + "&p2pcdn_pieces=12&p2pcdn_bitfield=gAB",
                       "parameter 'p2pcdn_bitfield': base64 character 'B' at offset 2 has "
                       "non-zero unused bits");
        check_rejected(minimal() + "&p2pcdn_pieces=12&p2pcdn_bitfield=gAg",
                       "parameter 'p2pcdn_bitfield': spare bit 12 is set in a 12-piece bitfield");
        // base64url's own characters: 0xfb 0xf0 is "-_A" in base64url.
        const bt_announce a =
            parse_bt_announce_query(minimal() + "&p2pcdn_bitfield=-_A&p2pcdn_pieces=12");
        REQUIRE(a.pieces.has_value());
        CHECK(a.pieces->count() == 11);
        CHECK_FALSE(a.pieces->test(5));
    }

    TEST_CASE("the encoder refuses what the parser would reject") {
        bt_announce a = example();
        a.peer_id = "short";
        check_refused(a, "peer id has 5 bytes, expected 20");
        a = example();
        a.pieces = bitmap(11);
        check_refused(a, "bitmap has 11 bits, expected the piece count 10 (at least 1)");
        a = example();
        a.piece_count = 0;
        a.pieces = bitmap(0);
        check_refused(a, "bitmap has 0 bits, expected the piece count 0 (at least 1)");
        a = example();
        a.pieces.reset();
        a.piece_count = bitmap::max_bits + 1;
        check_refused(a, "piece count 67108865 is above the maximum 67108864");
    }

    TEST_CASE("failure answer") {
        CHECK(encode_bt_failure("unknown info_hash") == "d14:failure reason17:unknown info_hashe");
        CHECK(encode_bt_failure("") == "d14:failure reason0:e");
        const std::string answer = encode_bt_failure(std::string("bad\0\n", 5));
        CHECK(answer == std::string("d14:failure reason5:bad\0\ne", 26));
        CHECK_THROWS_WITH_AS(p2pcdn::decode_peer_list_bencode(encode_bt_failure("swarm is full")),
                             "tracker failure: swarm is full", p2pcdn::error&);
        CHECK(code_of([] { p2pcdn::decode_peer_list_bencode(encode_bt_failure("x")); }) ==
              errc::protocol);
    }
}
