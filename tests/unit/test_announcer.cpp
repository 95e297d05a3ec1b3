// The UE's HTTP announce without a network: the C announce as the JSON request carries it
// (capi/announce_input), its round trip through the tracker's decoder, and what every kind of
// answer means (ue/announce_answer): the peer list, the tracker's verdict, or the error.
#include <doctest/doctest.h>

#include "peer_list_example.hpp"
#include "test_support.hpp"

#include "capi/announce_input.hpp"
#include "capi/bitmap_handle.hpp"
#include "core/error.hpp"
#include "ue/announce_answer.hpp"
#include "wire/announce_json.hpp"
#include "wire/peer_list_json.hpp"
#include "wire/tracker_reply_json.hpp"

#include <p2pcdn/p2pcdn.h>

#include <cstdint>
#include <string>

using p2pcdn::announce_message;
using p2pcdn::decode_announce_json;
using p2pcdn::encode_announce_json;
using p2pcdn::errc;
using p2pcdn::peer_list;
using p2pcdn::capi::announce_message_from;
using p2pcdn::test::code_of;
using p2pcdn::ue::read_announce_answer;

namespace {

const unsigned char peer_a[] = {'p', 'e', 'e', 'r', '-', 'A'};

p2pcdn_announce c_announce() {
    p2pcdn_announce a = P2PCDN_ANNOUNCE_INIT;
    a.content_id = "movie-1";
    a.piece_count = 10;
    a.peer_id = peer_a;
    a.peer_id_len = sizeof peer_a;
    a.address = "192.0.2.1";
    a.port = 6881;
    return a;
}

// The message must survive the trip to the tracker: encode, decode, compare.
announce_message round_trip(const p2pcdn_announce& a) {
    const announce_message m = announce_message_from(a);
    const announce_message back = decode_announce_json(encode_announce_json(m));
    CHECK(back == m);
    return back;
}

p2pcdn::http::response answer(long status, std::string body) {
    p2pcdn::http::response res;
    res.status = status;
    res.body = std::move(body);
    return res;
}

announce_message sent() {
    return announce_message_from(c_announce());
}

constexpr std::size_t max_bytes = std::size_t{16} << 20;
constexpr const char* where = "http://tracker.test/announce";

// The error read_announce_answer throws for `res`, checked for code and message.
void check_refused(const p2pcdn::http::response& res, errc code, const std::string& text) {
    try {
        read_announce_answer(res, sent(), where, max_bytes);
        FAIL("no error for status ", res.status);
    } catch (const p2pcdn::error& e) {
        CHECK(e.code() == code);
        CHECK_MESSAGE(std::string(e.what()).find(text) != std::string::npos, e.what());
    }
}

}  // namespace

TEST_SUITE("announcer") {
    TEST_CASE("a C announce reaches the tracker's decoder unchanged") {
        p2pcdn_announce a = c_announce();
        const announce_message plain = round_trip(a);
        CHECK(plain.content_id == "movie-1");
        CHECK(plain.peer_id == "peer-A");
        CHECK(plain.address->to_string() == "192.0.2.1");
        CHECK(plain.numwant == P2PCDN_NUMWANT_DEFAULT);
        CHECK(plain.include_network_peers);

        // Every field set, the bitmap giving the piece count.
        p2pcdn_bitmap bits{p2pcdn_bitmap::type_tag, p2pcdn::bitmap(12)};
        p2pcdn::capi::register_handle(&bits, p2pcdn_bitmap::type_tag);
        bits.bits.set(0);
        bits.bits.set(11);
        a.piece_count = 0;
        a.bitmap = &bits;
        a.address = "2001:db8::7";
        a.role = P2PCDN_PEER_NETWORK;
        a.event = P2PCDN_EVENT_COMPLETED;
        a.numwant = P2PCDN_NUMWANT_NONE;
        a.selection = P2PCDN_SELECT_COMPLEMENTARY;
        a.exclude_network_peers = 1;
        a.uploaded = UINT64_MAX;
        a.downloaded = 7;
        const announce_message full = round_trip(a);
        CHECK(full.piece_count == 12);
        REQUIRE(full.full);
        CHECK(*full.full == bits.bits);
        CHECK(full.numwant == 0);
        CHECK(full.role == p2pcdn::peer_role::network);
        CHECK(full.event == p2pcdn::announce_event::completed);
        CHECK(full.selection == p2pcdn::peer_selection::complementary);
        CHECK_FALSE(full.include_network_peers);
        CHECK(full.uploaded == UINT64_MAX);
        p2pcdn::capi::unregister_handle(&bits, p2pcdn_bitmap::type_tag);

        // No address: none is sent, for the tracker to take the connection's. Have-lists.
        const std::uint32_t have[] = {9, 0};
        const std::uint32_t donthave[] = {3};
        a = c_announce();
        a.address = nullptr;
        a.have = have;
        a.have_count = 2;
        a.donthave = donthave;
        a.donthave_count = 1;
        const announce_message changes = round_trip(a);
        CHECK_FALSE(changes.address);
        CHECK(changes.have == std::vector<std::uint32_t>{9, 0});
        CHECK(changes.donthave == std::vector<std::uint32_t>{3});
        CHECK(encode_announce_json(changes).find("\"ip\"") == std::string::npos);
    }

    TEST_CASE("announces the request cannot carry are refused before anything is sent") {
        p2pcdn_announce a = c_announce();
        a.piece_count = std::size_t{P2PCDN_BITMAP_MAX_BITS} + 1;
        CHECK(code_of([&] { announce_message_from(a); }) == errc::invalid);
        const unsigned char long_id[P2PCDN_PEER_ID_MAX + 1] = {};
        a = c_announce();
        a.peer_id = long_id;
        a.peer_id_len = sizeof long_id;
        CHECK(code_of([&] { announce_message_from(a); }) == errc::invalid);
        a = c_announce();
        a.peer_id = nullptr;
        CHECK(code_of([&] { announce_message_from(a); }) == errc::invalid);
        a = c_announce();
        a.selection = -1;
        CHECK(code_of([&] { announce_message_from(a); }) == errc::invalid);
        a = c_announce();
        a.content_id = "";
        CHECK(code_of([&] { announce_message_from(a); }) == errc::invalid);
        a = c_announce();
        a.address = "example.org";
        CHECK(code_of([&] { announce_message_from(a); }) == errc::parse);
        const std::uint32_t pieces[] = {2};
        a = c_announce();
        a.have = pieces;
        a.have_count = 1;
        a.donthave = pieces;
        a.donthave_count = 1;
        CHECK(code_of([&] { announce_message_from(a); }) == errc::invalid);
        a.donthave_count = 0;
        a.have = nullptr;  // with a count of 1
        CHECK(code_of([&] { announce_message_from(a); }) == errc::invalid);
    }

    TEST_CASE("a 2xx peer list for the announced content is the answer") {
        peer_list list = p2pcdn::test::example();
        const peer_list got = read_announce_answer(answer(200, p2pcdn::encode_peer_list_json(list)),
                                                   sent(), where, max_bytes);
        CHECK(got == list);
    }

    TEST_CASE("a 2xx answer that is not this content's peer list is a protocol error") {
        check_refused(answer(200, "not json"), errc::protocol, "no peer list");
        check_refused(answer(200, encode_announce_json(sent())), errc::protocol, "no peer list");
        check_refused(answer(204, ""), errc::protocol, "no peer list");
        peer_list other = p2pcdn::test::example();
        other.content_id = "movie-2";
        check_refused(answer(200, p2pcdn::encode_peer_list_json(other)), errc::protocol,
                      "peer list of 'movie-2'");
        peer_list longer = p2pcdn::test::example();
        longer.piece_count = 11;
        for (auto& source : longer.cdn) {
            source.pieces = p2pcdn::bitmap(11);
            source.pieces.set(1);
        }
        check_refused(answer(200, p2pcdn::encode_peer_list_json(longer)), errc::protocol,
                      "11 pieces, not 10");
        // Above the decoder's bound: refused before it is parsed.
        const std::string list = p2pcdn::encode_peer_list_json(p2pcdn::test::example());
        try {
            read_announce_answer(answer(200, list), sent(), where, list.size() - 1);
            FAIL("a peer list above max_bytes was read");
        } catch (const p2pcdn::error& e) {
            CHECK(e.code() == errc::protocol);
            CHECK(std::string(e.what()).find("above the limit") != std::string::npos);
        }
    }

    TEST_CASE("the tracker's verdict on the request keeps its code and message") {
        check_refused(answer(400, p2pcdn::encode_tracker_error_json(errc::parse, "member 'port'")),
                      errc::parse, "refused the announce (400): member 'port'");
        check_refused(answer(404, p2pcdn::encode_tracker_error_json(errc::not_found,
                                                                    "unknown content 'movie-1'")),
                      errc::not_found, "unknown content 'movie-1'");
        check_refused(
            answer(409, p2pcdn::encode_tracker_error_json(errc::exists, "has 8 pieces, not 10")),
            errc::exists, "has 8 pieces");
        // Codes about the tracker itself, or unknown ones, are only an HTTP failure here.
        check_refused(answer(503, p2pcdn::encode_tracker_error_json(errc::no_memory, "full")),
                      errc::http, "answered 503 to the announce: full");
        check_refused(answer(500, R"({"v":1,"type":"error","code":-99,"message":"new"})"),
                      errc::http, "answered 500 to the announce: new");
        // A message from any server ends up one printable line.
        check_refused(answer(400, R"({"v":1,"code":-2,"message":"a\nb\u0001"})"), errc::invalid,
                      "(400): a?b?");
    }

    TEST_CASE("other failure statuses and failed transfers") {
        check_refused(answer(502, "<html>bad gateway</html>"), errc::http,
                      "answered 502 to the announce");
        check_refused(answer(302, ""), errc::http, "answered 302");
        check_refused(answer(400, "{}"), errc::http, "answered 400");
        p2pcdn::http::response none;
        none.error = errc::timeout;
        none.message = "timed out after 30000 ms";
        check_refused(none, errc::timeout, "timed out after 30000 ms");
        none.error = errc::limit;
        none.message = "body above 4096 bytes";
        check_refused(none, errc::limit, "above 4096");
    }
}
