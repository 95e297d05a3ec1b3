#include "swarm/tracker_service.hpp"

#include "core/error.hpp"
#include "wire/peer_list_bencode.hpp"
#include "wire/peer_list_json.hpp"
#include "wire/stats_report.hpp"

#include <doctest/doctest.h>

#include "test_support.hpp"

#include <string>

using p2pcdn::errc;
using p2pcdn::ip_address;
using p2pcdn::tracker;
using p2pcdn::tracker_config;
using p2pcdn::test::code_of;

namespace {

// Unix time 1,000 s: CDN sources expiring after it are live.
tracker_config config() {
    tracker_config c;
    c.rng_seed = 3;
    c.clock = [] { return std::int64_t{1'000'000}; };
    c.max_cdn_sources = 3;
    return c;
}

const ip_address remote = ip_address::parse("198.51.100.7");

std::string announce_json(const std::string& peer_id, const std::string& extra = "") {
    return R"({"v":1,"content":"movie-1","pieces":10,"peer_id":")" + peer_id + R"(","port":6881)" +
           extra + "}";
}

std::string publish_json(const std::string& sources) {
    return R"({"v":1,"content":"movie-1","pieces":10,"sources":[)" + sources + "]}";
}

std::string source_json(const std::string& uri, const char* pieces, std::int64_t expires) {
    return R"({"uri":")" + uri + R"(","pieces":")" + pieces + R"(","expires":)" +
           std::to_string(expires) + "}";
}

// BEP 3's example info hash; its swarm is "123456789abcdef123456789abcdef123456789a".
const std::string bt_hash = "info_hash=%124Vx%9A%BC%DE%F1%23Eg%89%AB%CD%EF%124Vx%9A";
const std::string bt_content = "123456789abcdef123456789abcdef123456789a";

}  // namespace

TEST_SUITE("tracker_service") {
    TEST_CASE("JSON announces: the peer's own ip, else the connection's") {
        tracker t(config());
        const auto first = p2pcdn::decode_peer_list_json(
            p2pcdn::serve_announce_json(t, announce_json("01", R"(,"bitfield":"gMA=")"), &remote));
        CHECK(first.content_id == "movie-1");
        CHECK(first.peers.empty());
        const auto second = p2pcdn::decode_peer_list_json(
            p2pcdn::serve_announce_json(t, announce_json("02", R"(,"ip":"192.0.2.1")"), nullptr));
        REQUIRE(second.peers.size() == 1);
        CHECK(second.peers[0].address == remote);
        const auto third = p2pcdn::decode_peer_list_json(
            p2pcdn::serve_announce_json(t, announce_json("03"), &remote));
        REQUIRE(third.peers.size() == 2);
        bool own_ip_kept = false;
        for (const auto& peer : third.peers) {
            own_ip_kept = own_ip_kept || peer.address == ip_address::parse("192.0.2.1");
        }
        CHECK(own_ip_kept);
        CHECK(t.stats("movie-1").copies[0] == 1);
    }

    TEST_CASE("failed JSON announces change nothing") {
        tracker t(config());
        CHECK_THROWS_WITH_AS(p2pcdn::serve_announce_json(t, announce_json("01"), nullptr),
                             "the announce has no 'ip' and the connection's address is unknown",
                             p2pcdn::error&);
        CHECK(code_of([&] { p2pcdn::serve_announce_json(t, announce_json("01"), nullptr); }) ==
              errc::invalid);
        CHECK(code_of([&] { p2pcdn::serve_announce_json(t, "{", &remote); }) == errc::parse);
        CHECK(code_of([&] {
                  p2pcdn::serve_announce_json(t,
                                              announce_json("01", R"(,"event":"completed",)"
                                                                  R"("bitfield":"gMA=")"),
                                              &remote);
              }) == errc::invalid);
        CHECK(t.content_count() == 0);
    }

    TEST_CASE("BitTorrent announces: bencoded answers, left=0 is a seed, failures thrown") {
        tracker t(config());
        const std::string seed =
            bt_hash + "&peer_id=-XX0001-abcdefghijkl&port=6881&left=0" + "&p2pcdn_pieces=10";
        const auto first =
            p2pcdn::decode_peer_list_bencode(p2pcdn::serve_bt_announce(t, seed, &remote));
        CHECK(first.content_id == bt_content);
        CHECK(first.seeds == 1);
        CHECK(t.stats(bt_content).seeds == 1);
        // A leecher without a bitfield holds nothing; a plain client (no piece count) joins a
        // swarm the tracker knows.
        const std::string leecher = bt_hash + "&peer_id=-XX0001-000000000001&port=6882&left=5";
        const auto second =
            p2pcdn::decode_peer_list_bencode(p2pcdn::serve_bt_announce(t, leecher, &remote));
        CHECK(second.peers.size() == 1);
        CHECK(t.stats(bt_content).user_peers == 2);
        CHECK(t.stats(bt_content).seeds == 1);
        // A stopping seed leaves instead of completing.
        p2pcdn::serve_bt_announce(t, seed + "&event=stopped", &remote);
        CHECK(t.stats(bt_content).seeds == 0);
        // Malformed, and an unknown swarm without a piece count: errors, nothing made.
        CHECK(code_of([&] { p2pcdn::serve_bt_announce(t, "info_hash=zz", &remote); }) ==
              errc::parse);
        const std::string other =
            "info_hash=%00%00%00%00%00%00%00%00%00%00%00%00%00%00%00%00"
            "%00%00%00%00&peer_id=-XX0001-abcdefghijkl&port=1";
        CHECK(code_of([&] { p2pcdn::serve_bt_announce(t, other, &remote); }) == errc::not_found);
        CHECK(t.content_count() == 1);
    }

    TEST_CASE("publish is all or nothing") {
        tracker t(config());
        p2pcdn::serve_announce_json(t, announce_json("01"), &remote);
        const std::string a = source_json("http://a/{piece}", "/8A=", 2000);
        CHECK(p2pcdn::serve_cdn_publish(t, publish_json(a)) ==
              R"({"v":1,"type":"cdn_published","content":"movie-1","sources":1})");
        // The second source expired already: the first one's replacement (pieces 7-9) and the
        // new third one are taken back.
        const std::string replaced = source_json("http://a/{piece}", "AcA=", 3000);
        const std::string added = source_json("http://c/{piece}", "AcA=", 3000);
        const std::string expired = source_json("http://b/{piece}", "AcA=", 999);
        CHECK(code_of([&] {
                  p2pcdn::serve_cdn_publish(t,
                                            publish_json(replaced + "," + added + "," + expired));
              }) == errc::invalid);
        auto live = t.cdn_sources("movie-1");
        REQUIRE(live.size() == 1);
        CHECK(live[0].pieces.count() == 10);
        CHECK(live[0].expires_s == 2000);
        // Past max_cdn_sources (3): the two new ones that fitted are withdrawn again.
        const std::string more = source_json("http://d/", "AcA=", 3000) + "," +
                                 source_json("http://e/", "AcA=", 3000) + "," +
                                 source_json("http://f/", "AcA=", 3000);
        CHECK(code_of([&] { p2pcdn::serve_cdn_publish(t, publish_json(more)); }) == errc::limit);
        CHECK(t.cdn_sources("movie-1").size() == 1);
        // Unknown content, malformed message.
        CHECK(code_of([&] {
                  p2pcdn::serve_cdn_publish(
                      t, R"({"v":1,"content":"other","pieces":10,"sources":[)" + a + "]}");
              }) == errc::not_found);
        CHECK(code_of([&] { p2pcdn::serve_cdn_publish(t, publish_json("")); }) == errc::parse);
        CHECK(t.cdn_sources("movie-1").size() == 1);
    }

    TEST_CASE("withdraw and statistics") {
        tracker t(config());
        p2pcdn::serve_announce_json(t, announce_json("01"), &remote);
        p2pcdn::serve_cdn_publish(t, publish_json(source_json("http://a/{piece}", "/8A=", 2000)));
        std::size_t changed = 99;
        CHECK(
            p2pcdn::serve_cdn_withdraw(
                t,
                R"({"v":1,"content":"movie-1","uri":"http://a/{piece}","pieces":10,"bitfield":"AEA="})",
                &changed) == R"({"v":1,"type":"cdn_withdrawn","content":"movie-1","changed":1})");
        CHECK(changed == 1);
        const auto report = p2pcdn::decode_stats_json(
            p2pcdn::serve_stats_json(t, "movie-1", p2pcdn::copies_encoding::plain));
        CHECK(report.cdn_pieces.count() == 9);
        CHECK(report.user_peers == 1);
        CHECK(code_of([&] {
                  p2pcdn::serve_cdn_withdraw(t, R"({"v":1,"content":"movie-1","uri":"http://x/"})",
                                             nullptr);
              }) == errc::not_found);
        CHECK(code_of([&] { p2pcdn::serve_stats_json(t, "nope", {}); }) == errc::not_found);
    }

    TEST_CASE("HTTP statuses") {
        CHECK(p2pcdn::http_status_for(errc::ok) == 200);
        for (const errc c : {errc::parse, errc::invalid, errc::range, errc::limit}) {
            CHECK(p2pcdn::http_status_for(c) == 400);
        }
        CHECK(p2pcdn::http_status_for(errc::not_found) == 404);
        CHECK(p2pcdn::http_status_for(errc::exists) == 409);
        CHECK(p2pcdn::http_status_for(errc::state) == 409);
        CHECK(p2pcdn::http_status_for(errc::no_memory) == 503);
        CHECK(p2pcdn::http_status_for(errc::network) == 500);
        CHECK(p2pcdn::http_status_for(static_cast<errc>(-1000)) == 500);
    }
}
