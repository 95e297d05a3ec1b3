#include <doctest/doctest.h>

#include "json_members.hpp"
#include "test_support.hpp"

#include <cstdint>
#include <string>

#include "core/bitmap.hpp"
#include "core/error.hpp"
#include "core/ip_address.hpp"
#include "swarm/swarm.hpp"
#include "wire/announce_json.hpp"

using p2pcdn::announce_event;
using p2pcdn::announce_limits;
using p2pcdn::announce_message;
using p2pcdn::announce_request;
using p2pcdn::bitmap;
using p2pcdn::decode_announce_json;
using p2pcdn::encode_announce_json;
using p2pcdn::errc;
using p2pcdn::ip_address;
using p2pcdn::peer_role;
using p2pcdn::peer_selection;
using p2pcdn::test::code_of;
using p2pcdn::test::json_members;

namespace {

// docs/protocol.md, "Announce request (JSON)": the full-bitmap example.
const std::string example_json =
    R"({"v":1,"type":"announce","content":"movie-1","pieces":10,"peer_id":"706565722d41",)"
    R"("ip":"192.0.2.1","port":6881,"role":"user","event":"started","bitfield":"gMA=",)"
    R"("numwant":50,"selection":"random","include_network_peers":true,"uploaded":0,)"
    R"("downloaded":0})";

announce_message example() {
    announce_message m;
    m.content_id = "movie-1";
    m.piece_count = 10;
    m.peer_id = "peer-A";
    m.address = ip_address::parse("192.0.2.1");
    m.port = 6881;
    m.event = announce_event::started;
    m.full = bitmap(10);
    m.full->set(0);
    m.full->set(8);
    m.full->set(9);
    return m;
}

// The documented changes example: a CCS that gained pieces 3 and 4 and dropped piece 0.
const std::string changes_json =
    R"({"v":1,"type":"announce","content":"movie-1","pieces":10,"peer_id":"6363732d31",)"
    R"("port":6882,"role":"network","event":"update","have":[3,4],"donthave":[0],"numwant":0,)"
    R"("selection":"complementary","include_network_peers":false,"uploaded":1048576,)"
    R"("downloaded":524288})";

announce_message changes() {
    announce_message m;
    m.content_id = "movie-1";
    m.piece_count = 10;
    m.peer_id = "ccs-1";
    m.port = 6882;
    m.role = peer_role::network;
    m.have = {3, 4};
    m.donthave = {0};
    m.numwant = 0;
    m.selection = peer_selection::complementary;
    m.include_network_peers = false;
    m.uploaded = 1048576;
    m.downloaded = 524288;
    return m;
}

// A valid request with only the required members, 12 pieces.
json_members minimal() {
    return {{"v", "1"},
            {"content", R"("c")"},
            {"pieces", "12"},
            {"peer_id", R"("0102")"},
            {"port", "1"}};
}

void check_rejected(const std::string& json, const std::string& message, errc code = errc::parse,
                    const announce_limits& limits = {}) {
    CAPTURE(json);
    CHECK_THROWS_WITH_AS(decode_announce_json(json, limits), message.c_str(), p2pcdn::error&);
    CHECK(code_of([&] { decode_announce_json(json, limits); }) == code);
}

void check_refused(const announce_message& m, const std::string& message) {
    CHECK_THROWS_WITH_AS(encode_announce_json(m), message.c_str(), p2pcdn::error&);
    CHECK(code_of([&] { encode_announce_json(m); }) == errc::invalid);
}

}  // namespace

TEST_SUITE("announce_json") {
    TEST_CASE("exact JSON of the documented examples") {
        CHECK(encode_announce_json(example()) == example_json);
        CHECK(decode_announce_json(example_json) == example());
        CHECK(encode_announce_json(changes()) == changes_json);
        CHECK(decode_announce_json(changes_json) == changes());
    }

    TEST_CASE("absent members take announce_request's defaults") {
        const announce_message m = decode_announce_json(minimal().json());
        const announce_request defaults;
        CHECK(m.content_id == "c");
        CHECK(m.piece_count == 12);
        CHECK(m.peer_id == std::string("\x01\x02", 2));
        CHECK(m.port == 1);
        CHECK_FALSE(m.address.has_value());
        CHECK_FALSE(m.full.has_value());
        CHECK(m.have.empty());
        CHECK(m.donthave.empty());
        CHECK(m.role == defaults.role);
        CHECK(m.event == defaults.event);
        CHECK(m.numwant == defaults.numwant);
        CHECK(m.selection == defaults.selection);
        CHECK(m.include_network_peers == defaults.include_network_peers);
        CHECK(m.uploaded == defaults.uploaded);
        CHECK(m.downloaded == defaults.downloaded);
    }

    TEST_CASE("every enum value, both address families and the extremes round-trip") {
        for (const auto event : {announce_event::update, announce_event::started,
                                 announce_event::completed, announce_event::stopped}) {
            for (const auto selection : {peer_selection::random, peer_selection::complementary}) {
                announce_message m = changes();
                m.event = event;
                m.selection = selection;
                m.role = event == announce_event::started ? peer_role::user : peer_role::network;
                m.address = ip_address::parse(
                    selection == peer_selection::random ? "2001:db8::1" : "::ffff:192.0.2.7");
                m.peer_id = std::string(20, '\xff');
                m.port = 65535;
                m.numwant = 0xffffffffu;
                m.uploaded = ~std::uint64_t{0};
                const std::string text = encode_announce_json(m);
                CAPTURE(text);
                CHECK(decode_announce_json(text) == m);
            }
        }
        announce_message zero;
        zero.content_id = "z";
        zero.peer_id = "p";
        zero.full = bitmap(0);
        CHECK(decode_announce_json(encode_announce_json(zero)) == zero);
    }

    TEST_CASE("peer id hex is accepted in either case") {
        const auto m = decode_announce_json(minimal().set("peer_id", R"("aBcD")").json());
        CHECK(m.peer_id == "\xab\xcd");
    }

    TEST_CASE("unknown members are ignored, whatever they hold") {
        json_members j = minimal();
        j.set("future", R"({"a":[1,{"b":null}],"c":"d"})").set("left", "-3");
        CHECK(decode_announce_json(j.json()) == decode_announce_json(minimal().json()));
    }

    TEST_CASE("to_request borrows the bitmap and falls back to the connection's address") {
        const announce_message m = example();
        const ip_address connection = ip_address::parse("203.0.113.5");
        const announce_request r = m.to_request(connection);
        CHECK(r.full == &*m.full);
        CHECK(r.address == *m.address);
        CHECK(r.peer_id == m.peer_id);
        CHECK(r.port == m.port);
        CHECK(r.event == announce_event::started);

        const announce_request c = changes().to_request(connection);
        CHECK(c.full == nullptr);
        CHECK(c.address == connection);
        CHECK(c.role == peer_role::network);
        CHECK(c.have == std::vector<std::uint32_t>{3, 4});
        CHECK(c.donthave == std::vector<std::uint32_t>{0});
        CHECK(c.numwant == 0);
        CHECK(c.selection == peer_selection::complementary);
        CHECK_FALSE(c.include_network_peers);
        CHECK(c.uploaded == 1048576);
        CHECK(c.downloaded == 524288);
    }

    TEST_CASE("a decoded announce drives a swarm") {
        p2pcdn::swarm s("movie-1", 10, 100, 1);
        const announce_message joined = decode_announce_json(example_json);
        s.announce(joined.to_request(ip_address::parse("203.0.113.5")), 1000);
        CHECK(s.peer_bitmap("peer-A") == *joined.full);

        const announce_message update = decode_announce_json(
            R"({"v":1,"content":"movie-1","pieces":10,"peer_id":"706565722d41","port":6881,)"
            R"("have":[1],"donthave":[8]})");
        s.announce(update.to_request(ip_address::parse("203.0.113.5")), 2000);
        bitmap expected(10);
        expected.set(0);
        expected.set(1);
        expected.set(9);
        CHECK(s.peer_bitmap("peer-A") == expected);
    }

    TEST_CASE("limits") {
        announce_limits small;
        small.max_bytes = minimal().json().size() - 1;
        check_rejected(minimal().json(),
                       "announce request is " + std::to_string(minimal().json().size()) +
                           " bytes, above the limit " + std::to_string(small.max_bytes),
                       errc::limit, small);
        announce_limits few;
        few.max_pieces = 11;
        check_rejected(minimal().json(), "pieces is 12, above the limit 11", errc::limit, few);
        check_rejected(minimal().set("pieces", "67108865").json(),
                       "pieces is 67108865, above the limit 67108864", errc::limit);
        // At exactly the limits it decodes.
        announce_limits exact;
        exact.max_bytes = minimal().json().size();
        exact.max_pieces = 12;
        CHECK(decode_announce_json(minimal().json(), exact).piece_count == 12);
    }

    TEST_CASE("rejections name the member") {
        check_rejected("",
                       "announce request is not valid JSON: The document is empty. at offset 0");
        check_rejected("[1]", "announce request is not a JSON object");
        check_rejected(minimal().erase("v").json(), "member 'v' is missing");
        check_rejected(minimal().set("v", "2").json(),
                       "member 'v' is 2, only version 1 is supported");
        check_rejected(minimal().set("type", R"("peers")").json(),
                       "member 'type' is not \"announce\"");
        check_rejected(minimal().erase("content").json(), "member 'content' is missing");
        check_rejected(minimal().set("content", R"("a b")").json(),
                       "member 'content': content id has character ' ' at offset 1; allowed: "
                       "A-Z a-z 0-9 - . _ ~");
        check_rejected(minimal().erase("pieces").json(), "member 'pieces' is missing");
        check_rejected(minimal().set("pieces", "-1").json(),
                       "member 'pieces' is not an unsigned integer");
        check_rejected(minimal().erase("peer_id").json(), "member 'peer_id' is missing");
        check_rejected(minimal().set("peer_id", "1").json(), "member 'peer_id' is not a string");
        check_rejected(minimal().set("peer_id", R"("")").json(),
                       "peer_id is 0 characters, expected an even number from 2 to 40");
        check_rejected(minimal().set("peer_id", R"("012")").json(),
                       "peer_id is 3 characters, expected an even number from 2 to 40");
        check_rejected(minimal().set("peer_id", '"' + std::string(42, 'a') + '"').json(),
                       "peer_id is 42 characters, expected an even number from 2 to 40");
        check_rejected(minimal().set("peer_id", R"("0g")").json(),
                       "member 'peer_id': invalid hex character 'g' at offset 1");
        check_rejected(minimal().set("ip", R"("192.0.2")").json(),
                       "member 'ip': invalid IP address '192.0.2'");
        check_rejected(minimal().set("ip", "3").json(), "member 'ip' is not a string");
        check_rejected(minimal().erase("port").json(), "member 'port' is missing");
        check_rejected(minimal().set("port", "65536").json(), "port is 65536, above 65535");
        check_rejected(minimal().set("port", "1.5").json(),
                       "member 'port' is not an unsigned integer");
        check_rejected(minimal().set("role", R"("seed")").json(),
                       "member 'role' is not \"user\" or \"network\"");
        check_rejected(
            minimal().set("event", R"("")").json(),
            "member 'event' is not \"update\", \"started\", \"completed\" or \"stopped\"");
        check_rejected(minimal().set("event", "1").json(), "member 'event' is not a string");
        check_rejected(minimal().set("selection", R"("rarest")").json(),
                       "member 'selection' is not \"random\" or \"complementary\"");
        check_rejected(minimal().set("include_network_peers", "1").json(),
                       "member 'include_network_peers' is not a boolean");
        check_rejected(minimal().set("numwant", "4294967296").json(),
                       "numwant is 4294967296, above the maximum 4294967295");
        check_rejected(minimal().set("numwant", "-1").json(),
                       "member 'numwant' is not an unsigned integer");
        check_rejected(minimal().set("uploaded", "-1").json(),
                       "member 'uploaded' is not an unsigned integer");
        check_rejected(minimal().set("downloaded", "18446744073709551616").json(),
                       "member 'downloaded' is not an unsigned integer");
        check_rejected(minimal().append("port", "2").json(),
                       "member 'port' appears more than once");
        check_rejected(R"({"v":1,"content":"c","pieces":1,"peer_id":"01","port":1,"x":nan})",
                       "announce request is not valid JSON: Invalid value. at offset 61");
        check_rejected("{\"v\":1,\"content\":\"\xff\"}",
                       "announce request is not valid JSON: Invalid encoding in string. at offset "
                       "18");
    }

    TEST_CASE("bitmap rejections") {
        check_rejected(minimal().set("bitfield", R"("gA==")").json(),
                       "member 'bitfield': bitfield is 1 bytes, expected 2 for 12 pieces");
        check_rejected(minimal().set("bitfield", R"("gAB=")").json(),
                       "member 'bitfield': base64 character 'B' at offset 2 has non-zero unused "
                       "bits");
        check_rejected(minimal().set("bitfield", R"("gA")").json(),
                       "bitfield is 2 characters, expected 4 (base64 of 2 bytes for 12 pieces)");
        check_rejected(minimal().set("bitfield", R"("gAg=")").json(),
                       "member 'bitfield': spare bit 12 is set in a 12-piece bitfield");
        check_rejected(minimal().set("bitfield", "1").json(), "member 'bitfield' is not a string");
        check_rejected(minimal().set("bitfield", R"("gAA=")").set("have", "[]").json(),
                       "member 'bitfield' excludes 'have' and 'donthave'");
        check_rejected(minimal().set("bitfield", R"("gAA=")").set("donthave", "[1]").json(),
                       "member 'bitfield' excludes 'have' and 'donthave'");
        check_rejected(minimal().set("have", "{}").json(), "member 'have' is not an array");
        check_rejected(minimal().set("have", R"([1,"2"])").json(),
                       "have[1] is not an unsigned integer");
        check_rejected(minimal().set("donthave", "[-1]").json(),
                       "donthave[0] is not an unsigned integer");
        check_rejected(minimal().set("have", "[0,12]").json(),
                       "have[1] is 12, not below the piece count 12");
        check_rejected(minimal().set("donthave", "[4294967296]").json(),
                       "donthave[0] is 4294967296, not below the piece count 12");
        check_rejected(minimal().set("have", "[0,1,2,3,4,5,6,7,8,9,10,11,0]").json(),
                       "have has 13 entries, more than the 12 pieces");
        check_rejected(minimal().set("have", "[5,1,5]").json(),
                       "have lists piece 5 more than once");
        check_rejected(minimal().set("donthave", "[7,7]").json(),
                       "donthave lists piece 7 more than once");
        check_rejected(minimal().set("have", "[1,2,9]").set("donthave", "[3,9]").json(),
                       "piece 9 is in both have and donthave");
    }

    TEST_CASE("the encoder refuses what the decoder would reject") {
        announce_message m = changes();
        m.content_id = "";
        check_refused(m, "content id is empty");
        m = changes();
        m.piece_count = bitmap::max_bits + 1;
        check_refused(m, "piece count 67108865 is above the maximum 67108864");
        m = changes();
        m.peer_id.clear();
        check_refused(m, "peer id has 0 bytes, expected 1 to 20");
        m.peer_id = std::string(21, 'x');
        check_refused(m, "peer id has 21 bytes, expected 1 to 20");
        m = example();
        m.full = bitmap(11);
        check_refused(m, "bitmap has 11 bits, expected the piece count 10");
        m = example();
        m.have = {1};
        check_refused(m, "announce carries both a full bitmap and have/donthave changes");
        m = changes();
        m.donthave = {10};
        check_refused(m, "donthave names piece 10, not below the piece count 10");
        m = changes();
        m.have = {3, 4, 3};
        check_refused(m, "have lists piece 3 more than once");
        m = changes();
        m.donthave = {4};
        check_refused(m, "piece 4 is in both have and donthave");
    }
}
