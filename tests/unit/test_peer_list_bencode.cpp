#include <doctest/doctest.h>

#include "peer_list_example.hpp"
#include "test_support.hpp"

#include <cstdint>
#include <limits>
#include <map>
#include <string>
#include <vector>

#include "core/bitmap.hpp"
#include "core/error.hpp"
#include "core/ip_address.hpp"
#include "wire/bencode.hpp"
#include "wire/peer_list_bencode.hpp"
#include "wire/peer_list_json.hpp"

using p2pcdn::bitmap;
using p2pcdn::cdn_source;
using p2pcdn::decode_peer_list_bencode;
using p2pcdn::encode_peer_list_bencode;
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


std::string bytes(std::initializer_list<int> values) {
    std::string out;
    for (const int v : values) out += static_cast<char>(v);
    return out;
}

const std::string v6_7 = bytes({0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x07});

const std::string example_bencode =
    "d3:cdnld7:expiresi1764000000e6:pieces2:" + bytes({0x01, 0xc0}) +
    "5:rangei0e3:url37:https://cdn.example/{content}/{piece}ee"
    "8:completei3e7:content7:movie-110:incompletei12e8:intervali1800e12:min intervali60e"
    "14:network peers618:" +
    v6_7 + bytes({0x1a, 0xe2}) +
    "5:peers12:" + bytes({192, 0, 2, 1, 0x1a, 0xe1, 198, 51, 100, 9, 0xc8, 0xd5}) +
    "6:peers618:" + v6_7 + bytes({0x1a, 0xe2}) + "11:piece counti10ee";

std::string str(const std::string& s) {
    return std::to_string(s.size()) + ":" + s;
}
std::string num(long long v) {
    return "i" + std::to_string(v) + "e";
}

// A dictionary of raw bencoded values, written with its keys sorted.
struct dict {
    std::map<std::string, std::string> keys;
    dict& set(const std::string& k, const std::string& raw) {
        keys[k] = raw;
        return *this;
    }
    dict& erase(const std::string& k) {
        keys.erase(k);
        return *this;
    }
    std::string text() const {
        std::string out = "d";
        for (const auto& [k, v] : keys) out += str(k) + v;
        return out + "e";
    }
};

// A valid list: 12 pieces, two IPv4 peers (the second a network peer), one IPv6 peer, and two
// CDN sources; cdn[1] is the one the tests change.
dict cdn_entry() {
    return dict()
        .set("url", str("http://h/{piece}"))
        .set("pieces", str(bytes({0x80, 0x10})))
        .set("expires", num(5))
        .set("range", num(1));
}

std::string cdn_list(const dict& second) {
    return "l" +
           dict()
               .set("url", str("http://h/"))
               .set("pieces", str(bytes({0, 0})))
               .set("expires", num(0))
               .text() +
           second.text() + "e";
}

dict base() {
    return dict()
        .set("content", str("c"))
        .set("piece count", num(12))
        .set("interval", num(10))
        .set("min interval", num(5))
        .set("complete", num(1))
        .set("incomplete", num(2))
        .set("peers", str(bytes({10, 0, 0, 1, 0, 1, 10, 0, 0, 2, 0, 2})))
        .set("peers6", str(v6_7 + bytes({0, 3})))
        .set("network peers", str(bytes({10, 0, 0, 2, 0, 2})))
        .set("cdn", cdn_list(cdn_entry()));
}

void check_rejected(const std::string& data, const std::string& message, errc code = errc::parse,
                    const peer_list_limits& limits = {}) {
    CAPTURE(data);
    CHECK_THROWS_WITH_AS(decode_peer_list_bencode(data, limits), message.c_str(), p2pcdn::error&);
    CHECK(code_of([&] { decode_peer_list_bencode(data, limits); }) == code);
}

// What survives compact form: peers IPv4 first, without ids or seed flags.
peer_list compacted(peer_list l) {
    std::vector<peer_entry> v4;
    std::vector<peer_entry> v6;
    for (auto p : l.peers) {
        p.id.clear();
        p.seed = false;
        (p.address.is_v4() ? v4 : v6).push_back(p);
    }
    l.peers = v4;
    l.peers.insert(l.peers.end(), v6.begin(), v6.end());
    return l;
}


}  // namespace

TEST_SUITE("peer_list_bencode") {
    TEST_CASE("exact bytes of the documented example") {
        CHECK(encode_peer_list_bencode(example()) == example_bencode);
        const auto l = decode_peer_list_bencode(example_bencode);
        check_equal(l, compacted(example()));
        // Ids and seed flags are gone; roles are not.
        REQUIRE(l.peers.size() == 3);
        CHECK(l.peers[0].address.to_string() == "192.0.2.1");
        CHECK(l.peers[1].address.to_string() == "198.51.100.9");
        CHECK(l.peers[2].address.to_string() == "2001:db8::7");
        CHECK(l.peers[2].role == peer_role::network);
        CHECK(l.peers[0].id.empty());
        CHECK(!l.peers[1].seed);
        // Re-encoding the decoded list gives the same bytes.
        CHECK(encode_peer_list_bencode(l) == example_bencode);
    }

    TEST_CASE("what a BitTorrent client sees") {
        const std::string data = encode_peer_list_bencode(example());
        const auto doc = p2pcdn::bencode::document::parse(data);
        const auto root = doc.root();
        // Keys in libtorrent's (BEP 3's) sorted byte order.
        std::vector<std::string> keys;
        for (const auto& [k, v] : root.entries()) keys.emplace_back(k);
        CHECK(keys == std::vector<std::string>{"cdn", "complete", "content", "incomplete",
                                               "interval", "min interval", "network peers6",
                                               "peers", "peers6", "piece count"});
        CHECK(root.find("interval")->integer() == 1800);
        CHECK(root.find("min interval")->integer() == 60);
        CHECK(root.find("complete")->integer() == 3);
        CHECK(root.find("incomplete")->integer() == 12);
        // BEP 23: 6 bytes per IPv4 peer, the address then the port, both in network order.
        const std::string_view peers = root.find("peers")->bytes();
        REQUIRE(peers.size() == 12);
        CHECK(peers.substr(0, 6) == bytes({192, 0, 2, 1, 6881 >> 8, 6881 & 0xff}));
        CHECK(peers.substr(6, 6) == bytes({198, 51, 100, 9, 51413 >> 8, 51413 & 0xff}));
        // BEP 7: 18 bytes per IPv6 peer.
        const std::string_view peers6 = root.find("peers6")->bytes();
        REQUIRE(peers6.size() == 18);
        CHECK(peers6.substr(0, 16) == v6_7);
        CHECK(peers6.substr(16) == bytes({0x1a, 0xe2}));
    }

    TEST_CASE("the smallest list and optional keys") {
        peer_list l;
        l.content_id = "x";
        const std::string want =
            "d8:completei0e7:content1:x10:incompletei0e8:intervali0e12:min intervali0e"
            "5:peers0:11:piece counti0ee";
        CHECK(encode_peer_list_bencode(l) == want);
        check_equal(decode_peer_list_bencode(want), l);
        // Only content, piece count and interval are required.
        const auto d = decode_peer_list_bencode("d7:content1:x8:intervali7e11:piece counti0ee");
        CHECK(d.interval_s == 7);
        CHECK(d.peers.empty());
        CHECK(d.cdn.empty());
        // Unknown keys (BEP 3's "tracker id", "warning message", ...) are ignored.
        CHECK_NOTHROW(decode_peer_list_bencode(base()
                                                   .set("tracker id", str("t"))
                                                   .set("warning message", str("w"))
                                                   .set("x", "ld1:ai1eee")
                                                   .text()));
    }

    TEST_CASE("the test document is valid") {
        const auto l = decode_peer_list_bencode(base().text());
        REQUIRE(l.peers.size() == 3);
        CHECK(l.peers[0].role == peer_role::user);
        CHECK(l.peers[1].role == peer_role::network);
        CHECK(l.peers[1].port == 2);
        CHECK(l.peers[2].role == peer_role::user);
        CHECK(!l.peers[2].address.is_v4());
        REQUIRE(l.cdn.size() == 2);
        CHECK(l.cdn[1].ranged);
        CHECK(l.cdn[1].pieces.count() == 2);
        CHECK(l.cdn[1].pieces.test(11));
        CHECK(!l.cdn[0].ranged);
    }

    TEST_CASE("round trips through compact form") {
        peer_list l = example();
        // An IPv4 network peer, two peers on one endpoint (a restarted client), an IPv4-mapped
        // IPv6 address (stays in peers6), extreme values.
        l.peers.push_back(peer("n4", "203.0.113.5", 0, peer_role::network, false));
        l.peers.push_back(peer("n4b", "203.0.113.5", 0, peer_role::network, true));
        l.peers.push_back(peer("m", "::ffff:192.0.2.3", 65535, peer_role::user, false));
        l.peers.push_back(peer("n6", "::", 1, peer_role::network, false));
        l.interval_s = std::numeric_limits<std::uint32_t>::max();
        l.seeds = std::numeric_limits<std::uint32_t>::max();
        l.cdn[0].expires_s = std::numeric_limits<std::int64_t>::min();
        cdn_source ranged;
        ranged.uri = "http://h/all.bin";
        ranged.pieces = bitmap(10);
        ranged.pieces.fill(true);
        ranged.expires_s = std::numeric_limits<std::int64_t>::max();
        ranged.ranged = true;
        l.cdn.push_back(ranged);
        const std::string data = encode_peer_list_bencode(l);
        const auto back = decode_peer_list_bencode(data);
        check_equal(back, compacted(l));
        CHECK(encode_peer_list_bencode(back) == data);
        // Each network endpoint is written once, sorted.
        const auto doc = p2pcdn::bencode::document::parse(data);
        CHECK(doc.root().find("network peers")->bytes() == bytes({203, 0, 113, 5, 0, 0}));
        CHECK(doc.root().find("network peers6")->bytes().size() == 36);
        CHECK(doc.root().find("cdn")->size() == 2);

        // A large list: 10000 peers and 256 sources at 100k pieces.
        peer_list big;
        big.content_id = "big";
        big.piece_count = 100001;
        for (std::uint32_t i = 0; i < 10000; ++i) {
            const std::uint8_t a[16] = {0x20,
                                        1,
                                        0xd,
                                        0xb8,
                                        0,
                                        0,
                                        0,
                                        0,
                                        0,
                                        0,
                                        0,
                                        0,
                                        0,
                                        0,
                                        static_cast<std::uint8_t>(i >> 8),
                                        static_cast<std::uint8_t>(i)};
            const std::uint8_t b[4] = {10, 1, static_cast<std::uint8_t>(i >> 8),
                                       static_cast<std::uint8_t>(i)};
            peer_entry p;
            p.address = i % 2 == 0 ? ip_address::v4(b) : ip_address::v6(a);
            p.port = static_cast<std::uint16_t>(i);
            p.role = i % 3 == 0 ? peer_role::network : peer_role::user;
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
        check_equal(decode_peer_list_bencode(encode_peer_list_bencode(big)), compacted(big));
    }

    TEST_CASE("envelope errors") {
        check_rejected("", "bencode: input ends early at offset 0");
        check_rejected("le", "peer list is a list, not a dictionary");
        check_rejected("i1e", "peer list is an integer, not a dictionary");
        check_rejected(base().text() + "x", "bencode: 1 bytes after the end at offset " +
                                                std::to_string(base().text().size()));
        check_rejected("d8:intervali1e7:content1:xe",
                       "bencode: dictionary key at offset 14 sorts before the previous key");
        check_rejected("d8:intervali01ee", "bencode: integer at offset 11 has a leading zero");
        check_rejected("d14:failure reason11:not allowede", "tracker failure: not allowed",
                       errc::protocol);
        check_rejected(base().set("failure reason", str("bad\n\xff")).text(),
                       "tracker failure: bad\\x0a\\xff", errc::protocol);
        check_rejected(base().set("failure reason", num(1)).text(),
                       "key 'failure reason' is an integer, not a byte string");
    }

    TEST_CASE("scalar key errors") {
        check_rejected(base().erase("content").text(), "key 'content' is missing");
        check_rejected(base().set("content", str("a/b")).text(),
                       "key 'content': content id has character '/' at offset 1; allowed: A-Z "
                       "a-z 0-9 - . _ ~");
        check_rejected(base().set("content", num(1)).text(),
                       "key 'content' is an integer, not a byte string");
        check_rejected(base().erase("piece count").text(), "key 'piece count' is missing");
        check_rejected(base().set("piece count", num(-1)).text(), "piece count is -1, below 0");
        check_rejected(base().set("piece count", str("12")).text(),
                       "key 'piece count' is a byte string, not an integer");
        check_rejected(base().erase("interval").text(), "key 'interval' is missing");
        for (const char* key : {"interval", "min interval", "complete", "incomplete"}) {
            CAPTURE(key);
            check_rejected(base().set(key, num(-1)).text(), std::string(key) + " is -1, below 0");
            check_rejected(base().set(key, num(4294967296)).text(),
                           std::string(key) + " is 4294967296, above 4294967295");
            check_rejected(base().set(key, "le").text(),
                           std::string("key '") + key + "' is a list, not an integer");
        }
    }

    TEST_CASE("compact peer errors") {
        check_rejected(base().set("peers", str(bytes({1, 2, 3, 4, 5, 6, 7}))).text(),
                       "peers is 7 bytes, not a multiple of 6");
        check_rejected(base().set("peers6", str(std::string(17, 'x'))).text(),
                       "peers6 is 17 bytes, not a multiple of 18");
        check_rejected(base().set("peers", "ld2:ip7:1.2.3.47:peer id1:a4:porti1eee").text(),
                       "key 'peers' is a list: only the compact form (BEP 23) is supported");
        check_rejected(base().set("peers6", "de").text(),
                       "key 'peers6' is a dictionary, not a byte string");
        check_rejected(base().set("network peers", str(bytes({10, 0, 0, 3, 0, 2}))).text(),
                       "network peers lists 10.0.0.3:2, which is not in peers");
        check_rejected(base().set("network peers6", str(v6_7 + bytes({0, 4}))).text(),
                       "network peers6 lists [2001:db8::7]:4, which is not in peers6");
        check_rejected(
            base().set("network peers", str(bytes({10, 0, 0, 2, 0, 2, 10, 0, 0, 2, 0, 2}))).text(),
            "network peers lists 10.0.0.2:2 more than once");
        check_rejected(base().set("network peers", str(std::string(18, 'x'))).text(),
                       "network peers has 3 entries, more than the 2 in peers");
        check_rejected(base().set("network peers", str(std::string(5, 'x'))).text(),
                       "network peers is 5 bytes, not a multiple of 6");
        // Network entries in any order are accepted.
        const auto l = decode_peer_list_bencode(
            base().set("network peers", str(bytes({10, 0, 0, 2, 0, 2, 10, 0, 0, 1, 0, 1}))).text());
        CHECK(l.peers[0].role == peer_role::network);
        CHECK(l.peers[1].role == peer_role::network);
    }

    TEST_CASE("CDN source errors") {
        check_rejected(base().set("cdn", "de").text(), "key 'cdn' is a dictionary, not a list");
        check_rejected(base().set("cdn", "li1ee").text(), "cdn[0] is an integer, not a dictionary");
        check_rejected(base().set("cdn", cdn_list(cdn_entry().erase("url"))).text(),
                       "key 'cdn[1].url' is missing");
        check_rejected(
            base().set("cdn", cdn_list(cdn_entry().set("url", str("http://h/{x}")))).text(),
            "key 'cdn[1].url': CDN URI has an unknown placeholder at offset 9; known: "
            "{piece} {content}");
        check_rejected(base().set("cdn", cdn_list(cdn_entry().set("url", str("file:///x")))).text(),
                       "key 'cdn[1].url': CDN URI does not start with http:// or https://");
        check_rejected(base().set("cdn", cdn_list(cdn_entry().set("url", num(1)))).text(),
                       "key 'cdn[1].url' is an integer, not a byte string");
        check_rejected(base().set("cdn", cdn_list(cdn_entry().erase("pieces"))).text(),
                       "key 'cdn[1].pieces' is missing");
        check_rejected(base().set("cdn", cdn_list(cdn_entry().set("pieces", str("\x80")))).text(),
                       "cdn[1].pieces is 1 bytes, expected 2 for 12 pieces");
        check_rejected(
            base().set("cdn", cdn_list(cdn_entry().set("pieces", str(bytes({0x80, 0x18}))))).text(),
            "key 'cdn[1].pieces': spare bit 12 is set in a 12-piece bitfield");
        check_rejected(base().set("cdn", cdn_list(cdn_entry().erase("expires"))).text(),
                       "key 'cdn[1].expires' is missing");
        check_rejected(base().set("cdn", cdn_list(cdn_entry().set("expires", str("5")))).text(),
                       "key 'cdn[1].expires' is a byte string, not an integer");
        check_rejected(base().set("cdn", cdn_list(cdn_entry().set("range", num(2)))).text(),
                       "cdn[1].range is 2, above 1");
        check_rejected(base().set("cdn", cdn_list(cdn_entry().set("range", num(-1)))).text(),
                       "cdn[1].range is -1, below 0");
        // "range" is optional; unknown keys in a source are ignored.
        const auto l = decode_peer_list_bencode(
            base().set("cdn", cdn_list(cdn_entry().erase("range").set("zz", "le"))).text());
        CHECK(!l.cdn[1].ranged);
    }

    TEST_CASE("limits") {
        const std::string data = base().text();
        peer_list_limits limits;
        limits.max_bytes = data.size();
        CHECK_NOTHROW(decode_peer_list_bencode(data, limits));
        limits.max_bytes = data.size() - 1;
        check_rejected(data,
                       "peer list is " + std::to_string(data.size()) + " bytes, above the limit " +
                           std::to_string(data.size() - 1),
                       errc::limit, limits);
        limits = {};
        limits.max_peers = 3;
        CHECK_NOTHROW(decode_peer_list_bencode(data, limits));
        limits.max_peers = 2;
        check_rejected(data, "peers and peers6 hold 3 peers, above the limit 2", errc::limit,
                       limits);
        limits = {};
        limits.max_cdn_sources = 1;
        check_rejected(data, "cdn has 2 entries, above the limit 1", errc::limit, limits);
        limits.max_cdn_sources = 0;
        std::string items = "l";
        for (int i = 0; i < 300; ++i) items += "i0e";
        // The item limit is 256 plus 16 per CDN source allowed.
        check_rejected(base().set("x", items + "e").text(), "bencode: more than 256 items",
                       errc::limit, limits);
        limits = {};
        limits.max_pieces = 11;
        check_rejected(data, "piece count is 12, above the limit 11", errc::limit, limits);
        check_rejected(base().set("piece count", num(67108865)).text(),
                       "piece count is 67108865, above the limit 67108864", errc::limit);
        const std::string deep =
            base().set("x", std::string(33, 'l') + std::string(33, 'e')).text();
        check_rejected(deep,
                       "bencode: nesting at offset " +
                           std::to_string(deep.find(std::string(33, 'l')) + 31) +
                           " is deeper than 32",
                       errc::limit);
    }

    TEST_CASE("the encoder refuses what the decoder would reject") {
        auto code = [](auto&& change) {
            peer_list l = example();
            change(l);
            return code_of([&] { encode_peer_list_bencode(l); });
        };
        CHECK(code([](peer_list&) {}) == errc::ok);
        CHECK(code([](peer_list& l) { l.content_id.clear(); }) == errc::invalid);
        CHECK(code([](peer_list& l) { l.cdn[0].uri = "http://h/{x}"; }) == errc::invalid);
        CHECK(code([](peer_list& l) { l.cdn[0].pieces = bitmap(3); }) == errc::invalid);
        CHECK(code([](peer_list& l) { l.peers[0].id = std::string(21, 'a'); }) == errc::invalid);
    }

    TEST_CASE("JSON and bencode describe the same list") {
        const peer_list l = example();
        const auto via_bencode = decode_peer_list_bencode(encode_peer_list_bencode(l));
        const auto via_json =
            p2pcdn::decode_peer_list_json(p2pcdn::encode_peer_list_json(via_bencode));
        check_equal(via_json, compacted(l));
    }
}
