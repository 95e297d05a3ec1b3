#include <doctest/doctest.h>

#include <algorithm>
#include <cstdint>
#include <set>
#include <string>
#include <vector>

#include "core/bitmap.hpp"
#include "core/error.hpp"
#include "swarm/peer_index.hpp"
#include "swarm/swarm.hpp"
#include "test_support.hpp"

using p2pcdn::announce_event;
using p2pcdn::announce_request;
using p2pcdn::bitmap;
using p2pcdn::errc;
using p2pcdn::peer_list;
using p2pcdn::peer_role;
using p2pcdn::peer_selection;
using p2pcdn::stats_report;
using p2pcdn::swarm;
using p2pcdn::test::code_of;

namespace {

announce_request request_for(std::string id, peer_role role = peer_role::user) {
    announce_request r;
    r.peer_id = std::move(id);
    r.role = role;
    r.numwant = 0;
    return r;
}

bitmap bits_of(std::size_t n, std::initializer_list<std::size_t> set) {
    bitmap b(n);
    for (const std::size_t i : set) {
        b.set(i);
    }
    return b;
}

bitmap full_bitmap(std::size_t n) {
    bitmap b(n);
    b.fill(true);
    return b;
}

// Announces a whole bitmap for a peer.
peer_list announce_full(swarm& s, const std::string& id, const bitmap& b,
                        peer_role role = peer_role::user, std::int64_t now = 1000) {
    auto r = request_for(id, role);
    r.full = &b;
    return s.announce(r, now);
}

peer_list announce_deltas(swarm& s, const std::string& id, std::vector<std::uint32_t> have,
                          std::vector<std::uint32_t> donthave = {}, std::int64_t now = 1000) {
    auto r = request_for(id);
    r.have = std::move(have);
    r.donthave = std::move(donthave);
    return s.announce(r, now);
}

std::vector<std::uint32_t> copies(const swarm& s) {
    return s.snapshot(0).copies;
}

void check_consistent(const swarm& s) {
    const stats_report snap = s.snapshot(0);
    const stats_report again = s.recount();
    CHECK(snap.copies == again.copies);
    CHECK(snap.network_copies == again.network_copies);
    CHECK(snap.seeds == again.seeds);
    CHECK(snap.user_peers == again.user_peers);
    CHECK(snap.network_peers == again.network_peers);
}

using u32s = std::vector<std::uint32_t>;

}  // namespace

TEST_SUITE("swarm") {
    TEST_CASE("a new swarm is empty") {
        swarm s("movie", 10, 100, 1);
        CHECK(s.content_id() == "movie");
        CHECK(s.piece_count() == 10);
        CHECK(s.peer_count() == 0);
        const stats_report snap = s.snapshot(1234);
        CHECK(snap.content_id == "movie");
        CHECK(snap.seq == 1);
        CHECK(snap.time_ms == 1234);
        CHECK(snap.piece_count == 10);
        CHECK(snap.user_peers == 0);
        CHECK(snap.seeds == 0);
        CHECK(snap.network_peers == 0);
        CHECK(snap.copies == u32s(10, 0));
        CHECK(snap.network_copies.empty());
        CHECK(snap.cdn_pieces.size() == 0);
        CHECK(s.snapshot(0).seq == 2);
        CHECK(s.memory_bytes() < 1024);
    }

    TEST_CASE("a joining peer without a bitmap holds nothing") {
        swarm s("c", 10, 100, 1);
        const peer_list answer = s.announce(request_for("a"), 0);
        CHECK(answer.peers.empty());
        CHECK(answer.seeds == 0);
        CHECK(answer.leechers == 1);
        CHECK(s.peer_count() == 1);
        CHECK(copies(s) == u32s(10, 0));
        CHECK(s.peer_bitmap("a") == bitmap(10));
        CHECK(s.peer_bitmap("b").size() == 0);
    }

    TEST_CASE("full bitmaps count their pieces and apply only the difference") {
        swarm s("c", 10, 100, 1);
        announce_full(s, "a", bits_of(10, {0, 1, 2}));
        announce_full(s, "b", bits_of(10, {2, 3}));
        CHECK(copies(s) == u32s{1, 1, 2, 1, 0, 0, 0, 0, 0, 0});
        announce_full(s, "a", bits_of(10, {2, 9}));
        CHECK(copies(s) == u32s{0, 0, 2, 1, 0, 0, 0, 0, 0, 1});
        CHECK(s.peer_bitmap("a") == bits_of(10, {2, 9}));
        check_consistent(s);
    }

    TEST_CASE("have and donthave are idempotent") {
        swarm s("c", 100, 100, 1);
        announce_deltas(s, "a", {5, 70, 5});
        CHECK(copies(s)[5] == 1);
        CHECK(copies(s)[70] == 1);
        announce_deltas(s, "a", {5});
        CHECK(copies(s)[5] == 1);
        announce_deltas(s, "a", {}, {5, 6});
        CHECK(copies(s)[5] == 0);
        CHECK(copies(s)[6] == 0);
        announce_deltas(s, "a", {}, {5});
        CHECK(copies(s)[5] == 0);
        CHECK(s.peer_bitmap("a") == bits_of(100, {70}));
        check_consistent(s);
    }

    TEST_CASE("seeds are counted apart and go back to partial counting") {
        swarm s("c", 70, 100, 1);
        announce_full(s, "leech", bits_of(70, {1}));
        SUBCASE("by a full bitmap, then a bitmap missing a piece") {
            announce_full(s, "seed", full_bitmap(70));
            CHECK(s.snapshot(0).seeds == 1);
            CHECK(copies(s)[1] == 2);
            CHECK(copies(s)[69] == 1);
            bitmap almost = full_bitmap(70);
            almost.clear(69);
            announce_full(s, "seed", almost);
            CHECK(s.snapshot(0).seeds == 0);
            CHECK(copies(s)[69] == 0);
            CHECK(copies(s)[68] == 1);
        }
        SUBCASE("by event completed, then a donthave") {
            auto r = request_for("seed");
            r.event = announce_event::completed;
            const peer_list answer = s.announce(r, 0);
            CHECK(answer.seeds == 1);
            CHECK(answer.leechers == 1);
            CHECK(s.peer_bitmap("seed") == full_bitmap(70));
            announce_deltas(s, "seed", {}, {3});
            CHECK(s.snapshot(0).seeds == 0);
            CHECK(copies(s)[3] == 0);
            CHECK(copies(s)[4] == 1);
        }
        SUBCASE("by the last have") {
            bitmap almost = full_bitmap(70);
            almost.clear(64);
            announce_full(s, "seed", almost);
            CHECK(s.snapshot(0).seeds == 0);
            announce_deltas(s, "seed", {64});
            CHECK(s.snapshot(0).seeds == 1);
            CHECK(copies(s)[64] == 1);
            announce_deltas(s, "seed", {64, 3});  // a seed's haves change nothing
            CHECK(copies(s)[3] == 1);
        }
        check_consistent(s);
        CHECK(s.leave("seed"));
        CHECK(copies(s)[1] == 1);
        CHECK(s.snapshot(0).seeds == 0);
        check_consistent(s);
    }

    TEST_CASE("network peers are counted apart from user peers") {
        swarm s("c", 8, 100, 1);
        announce_full(s, "user", bits_of(8, {0}));
        s.announce(request_for("ccs", peer_role::network), 0);
        stats_report snap = s.snapshot(0);
        CHECK(snap.user_peers == 1);
        CHECK(snap.network_peers == 1);
        CHECK(snap.network_copies.empty());  // the network peer holds nothing yet
        announce_full(s, "ccs", bits_of(8, {0, 7}), peer_role::network);
        snap = s.snapshot(0);
        CHECK(snap.copies == u32s{1, 0, 0, 0, 0, 0, 0, 0});
        CHECK(snap.network_copies == u32s{1, 0, 0, 0, 0, 0, 0, 1});
        announce_full(s, "ccs2", full_bitmap(8), peer_role::network);
        snap = s.snapshot(0);
        CHECK(snap.seeds == 0);
        CHECK(snap.network_copies == u32s{2, 1, 1, 1, 1, 1, 1, 2});
        check_consistent(s);
        // A peer that changes role takes its pieces along.
        announce_full(s, "ccs", bits_of(8, {0, 7}), peer_role::user);
        snap = s.snapshot(0);
        CHECK(snap.copies == u32s{2, 0, 0, 0, 0, 0, 0, 1});
        CHECK(snap.network_copies == u32s(8, 1));
        CHECK(snap.network_peers == 1);
        check_consistent(s);
        s.leave("ccs2");
        CHECK(s.snapshot(0).network_copies.empty());
    }

    TEST_CASE("event stopped leaves and answers no peers") {
        swarm s("c", 4, 100, 1);
        announce_full(s, "a", full_bitmap(4));
        announce_full(s, "b", bits_of(4, {1}));
        auto r = request_for("a");
        r.event = announce_event::stopped;
        r.numwant = 10;
        const peer_list answer = s.announce(r, 0);
        CHECK(answer.peers.empty());
        CHECK(answer.seeds == 0);
        CHECK(answer.leechers == 1);
        CHECK(s.peer_count() == 1);
        CHECK(copies(s) == u32s{0, 1, 0, 0});
        CHECK(s.announce(r, 0).peers.empty());  // stopping an unknown peer is fine
        CHECK_FALSE(s.leave("a"));
        CHECK(s.leave("b"));
        CHECK(s.peer_count() == 0);
    }

    TEST_CASE("bad announces are rejected and change nothing") {
        swarm s("c", 10, 3, 1);
        announce_full(s, "a", bits_of(10, {1, 2}));
        const bitmap short_bits(9);
        auto r = request_for("a");

        r.full = &short_bits;
        CHECK_THROWS_WITH_AS(s.announce(r, 0), "bitmap has 9 pieces, the content has 10",
                             p2pcdn::error&);
        const bitmap ok_bits(10);
        r.full = &ok_bits;
        r.have = {3};
        CHECK_THROWS_WITH_AS(s.announce(r, 0),
                             "announce carries both a full bitmap and have/donthave changes",
                             p2pcdn::error&);
        r = request_for("a");
        r.have = {3, 10};
        CHECK_THROWS_WITH_AS(s.announce(r, 0), "piece 10 out of range for 10 pieces",
                             p2pcdn::error&);
        CHECK(code_of([&] { s.announce(r, 0); }) == errc::range);
        r.have = {3};
        r.donthave = {4, 3};
        CHECK_THROWS_WITH_AS(s.announce(r, 0), "piece 3 is in both have and donthave",
                             p2pcdn::error&);
        r.have.clear();
        r.donthave = {4000};
        CHECK(code_of([&] { s.announce(r, 0); }) == errc::range);
        r = request_for("a");
        r.event = announce_event::completed;
        r.donthave = {1};
        CHECK(code_of([&] { s.announce(r, 0); }) == errc::invalid);
        r.donthave.clear();
        r.full = &ok_bits;
        CHECK_THROWS_WITH_AS(s.announce(r, 0), "event completed with a bitmap missing 10 pieces",
                             p2pcdn::error&);
        r = request_for("");
        CHECK_THROWS_WITH_AS(s.announce(r, 0), "peer id has 0 bytes, expected 1 to 20",
                             p2pcdn::error&);
        r = request_for(std::string(21, 'x'));
        CHECK(code_of([&] { s.announce(r, 0); }) == errc::invalid);

        s.announce(request_for("b"), 0);
        s.announce(request_for("c"), 0);
        CHECK_THROWS_WITH_AS(s.announce(request_for("d"), 0),
                             "swarm of content 'c' is full: 3 peers", p2pcdn::error&);
        CHECK(code_of([&] { s.announce(request_for("d"), 0); }) == errc::limit);
        s.announce(request_for("c"), 0);  // a known peer still announces

        CHECK(s.peer_count() == 3);
        CHECK(s.peer_bitmap("a") == bits_of(10, {1, 2}));
        CHECK(copies(s) == u32s{0, 1, 1, 0, 0, 0, 0, 0, 0, 0});
        check_consistent(s);
    }

    TEST_CASE("long have and donthave lists are checked for overlap too") {
        swarm s("c", 5000, 10, 1);
        auto r = request_for("a");
        for (std::uint32_t i = 0; i < 100; ++i) {
            r.have.push_back(i * 2);
            r.donthave.push_back(i * 2 + 1);
        }
        s.announce(r, 0);
        CHECK(s.peer_bitmap("a").count() == 100);
        r.donthave.push_back(198);
        CHECK_THROWS_WITH_AS(s.announce(r, 0), "piece 198 is in both have and donthave",
                             p2pcdn::error&);
        r.donthave.back() = 4999;
        r.have.push_back(4998);
        s.announce(r, 0);
        CHECK(s.peer_bitmap("a").count() == 101);
        check_consistent(s);
    }

    TEST_CASE("peer ids are 1 to 20 bytes of any value") {
        swarm s("c", 3, 100, 1);
        const std::string zeros(20, '\0');
        const std::string one_zero(1, '\0');
        const std::string high("\xff\xfe\x80", 3);
        announce_full(s, zeros, bits_of(3, {0}));
        announce_full(s, one_zero, bits_of(3, {1}));
        announce_full(s, high, bits_of(3, {2}));
        CHECK(s.peer_count() == 3);
        CHECK(s.peer_bitmap(zeros) == bits_of(3, {0}));
        CHECK(s.peer_bitmap(one_zero) == bits_of(3, {1}));
        CHECK(s.peer_bitmap(std::string(19, '\0')).size() == 0);
        auto r = request_for(high);
        r.numwant = 10;
        const peer_list answer = s.announce(r, 0);
        std::set<std::string> ids;
        for (const auto& peer : answer.peers) {
            ids.insert(peer.id);
        }
        CHECK(ids == std::set<std::string>{zeros, one_zero});
    }

    TEST_CASE("a content of no pieces: every peer is a seed") {
        swarm s("c", 0, 100, 1);
        s.announce(request_for("a"), 0);
        const bitmap none(0);
        announce_full(s, "b", none);
        const stats_report snap = s.snapshot(0);
        CHECK(snap.seeds == 2);
        CHECK(snap.copies.empty());
        check_consistent(s);
        CHECK(s.leave("a"));
        CHECK(s.snapshot(0).seeds == 1);
    }

    TEST_CASE("expire removes peers not heard from since the cutoff") {
        swarm s("c", 5, 100, 1);
        announce_full(s, "old", bits_of(5, {0}), peer_role::user, 100);
        announce_full(s, "ccs", bits_of(5, {0}), peer_role::network, 150);
        announce_full(s, "new", bits_of(5, {0, 1}), peer_role::user, 200);
        announce_full(s, "seed", full_bitmap(5), peer_role::user, 50);
        CHECK(s.expire(200) == 3);
        CHECK(s.peer_count() == 1);
        CHECK(s.peer_bitmap("new") == bits_of(5, {0, 1}));
        CHECK(copies(s) == u32s{1, 1, 0, 0, 0});
        CHECK(s.snapshot(0).network_peers == 0);
        check_consistent(s);
        CHECK(s.expire(200) == 0);
    }

    TEST_CASE("the answer never holds the requester and holds up to numwant distinct peers") {
        swarm s("c", 64, 1000, 7);
        for (int i = 0; i < 200; ++i) {
            bitmap b(64);
            if (i % 10 == 0) {
                b.fill(true);
            } else {
                b.set(static_cast<std::size_t>(i % 64));
            }
            announce_full(s, "p" + std::to_string(i), b);
        }
        for (const std::uint32_t numwant : {0u, 1u, 5u, 50u, 150u, 199u, 500u}) {
            for (const auto mode : {peer_selection::random, peer_selection::complementary}) {
                CAPTURE(numwant);
                auto r = request_for("p3");
                r.numwant = numwant;
                r.selection = mode;
                const peer_list answer = s.announce(r, 0);
                CHECK(answer.peers.size() == std::min<std::uint32_t>(numwant, 199));
                CHECK(answer.seeds == 20);
                CHECK(answer.leechers == 180);
                std::set<std::string> ids;
                for (const auto& peer : answer.peers) {
                    CHECK(peer.id != "p3");
                    ids.insert(peer.id);
                    const int n = std::stoi(peer.id.substr(1));
                    CHECK(peer.seed == (n % 10 == 0));
                }
                CHECK(ids.size() == answer.peers.size());
            }
        }
    }

    TEST_CASE("network peers come first when wanted and count against numwant") {
        swarm s("c", 8, 1000, 3);
        for (int i = 0; i < 20; ++i) {
            s.announce(request_for("u" + std::to_string(i)), 0);
        }
        s.announce(request_for("ccs1", peer_role::network), 0);
        s.announce(request_for("ccs2", peer_role::network), 0);
        auto r = request_for("u0");
        r.numwant = 5;
        peer_list answer = s.announce(r, 0);
        REQUIRE(answer.peers.size() == 5);
        CHECK(answer.peers[0].role == peer_role::network);
        CHECK(answer.peers[1].role == peer_role::network);
        for (std::size_t i = 2; i < 5; ++i) {
            CHECK(answer.peers[i].role == peer_role::user);
        }
        r.include_network_peers = false;
        answer = s.announce(r, 0);
        REQUIRE(answer.peers.size() == 5);
        for (const auto& peer : answer.peers) {
            CHECK(peer.role == peer_role::user);
        }
        r.numwant = 100;
        CHECK(s.announce(r, 0).peers.size() == 19);
        r.include_network_peers = true;
        CHECK(s.announce(r, 0).peers.size() == 21);
        // A network peer asking gets the other network peer, not itself.
        auto from_ccs = request_for("ccs1", peer_role::network);
        from_ccs.numwant = 1;
        answer = s.announce(from_ccs, 0);
        REQUIRE(answer.peers.size() == 1);
        CHECK(answer.peers[0].id == "ccs2");
    }

    TEST_CASE("selection is deterministic for a seed") {
        auto run = [](std::uint64_t seed) {
            swarm s("c", 16, 1000, seed);
            std::vector<std::string> picked;
            for (int i = 0; i < 300; ++i) {
                auto r = request_for("p" + std::to_string(i));
                r.numwant = 7;
                r.selection = i % 2 == 0 ? peer_selection::random : peer_selection::complementary;
                for (const auto& peer : s.announce(r, 0).peers) {
                    picked.push_back(peer.id);
                }
            }
            return picked;
        };
        CHECK(run(42) == run(42));
        CHECK(run(42) != run(43));
    }

    TEST_CASE("complementary selection prefers peers holding what the requester lacks") {
        swarm s("c", 256, 1000, 5);
        bitmap mine(256);
        mine.set_range(0, 128);
        announce_full(s, "me", mine);
        for (int i = 0; i < 100; ++i) {
            bitmap b(256);
            // Peers r0..r9 hold the half "me" lacks; the others only what "me" has.
            if (i < 10) {
                b.set_range(128, 256);
            } else {
                b.set_range(0, 128);
            }
            announce_full(s, "r" + std::to_string(i), b);
        }
        auto r = request_for("me");
        r.full = &mine;
        r.selection = peer_selection::complementary;
        // numwant 25: the sample (4 * 25 + 16) covers all 100 peers, so r0..r9 must lead.
        r.numwant = 25;
        peer_list answer = s.announce(r, 0);
        REQUIRE(answer.peers.size() == 25);
        for (std::size_t i = 0; i < answer.peers.size(); ++i) {
            CHECK((std::stoi(answer.peers[i].id.substr(1)) < 10) == (i < 10));
        }
        // numwant 10: a sample of 56 of the 100; the useful peers in it still come first.
        r.numwant = 10;
        answer = s.announce(r, 0);
        REQUIRE(answer.peers.size() == 10);
        bool useful_first = true;
        bool seen_useless = false;
        for (const auto& peer : answer.peers) {
            const bool useful = std::stoi(peer.id.substr(1)) < 10;
            useful_first = useful_first && !(useful && seen_useless);
            seen_useless = seen_useless || !useful;
        }
        CHECK(useful_first);
    }

    TEST_CASE("complementary selection breaks ties at random, not by age") {
        // A flash crowd: nobody holds anything, so every peer is equally useful. numwant 25
        // samples all 100 peers; the answers must not all name the 25 oldest.
        swarm s("c", 256, 1000, 5);
        for (int i = 0; i < 100; ++i) {
            announce_full(s, "r" + std::to_string(i), bitmap(256));
        }
        std::set<std::string> named;
        std::size_t oldest_only = 0;
        for (int round = 0; round < 10; ++round) {
            auto r = request_for("r" + std::to_string(round));
            r.selection = peer_selection::complementary;
            r.numwant = 25;
            const peer_list answer = s.announce(r, 0);
            REQUIRE(answer.peers.size() == 25);
            bool all_old = true;
            for (const auto& peer : answer.peers) {
                named.insert(peer.id);
                all_old = all_old && std::stoi(peer.id.substr(1)) < 26;
            }
            oldest_only += all_old ? 1 : 0;
        }
        CHECK(oldest_only == 0);
        CHECK(named.size() > 60);
    }

    TEST_CASE("many peers: joins, leaves and the id index survive churn") {
        swarm s("c", 100, 100000, 9);
        for (int i = 0; i < 3000; ++i) {
            announce_deltas(s, "peer-" + std::to_string(i), {static_cast<std::uint32_t>(i % 100)});
        }
        for (int i = 0; i < 3000; i += 3) {
            CHECK(s.leave("peer-" + std::to_string(i)));
        }
        CHECK(s.peer_count() == 2000);
        bool all_found = true;
        for (int i = 0; i < 3000; ++i) {
            const bitmap b = s.peer_bitmap("peer-" + std::to_string(i));
            const bool expected = i % 3 != 0;
            all_found =
                all_found && (b.size() == 100) == expected &&
                (!expected || (b.count() == 1 && b.test(static_cast<std::size_t>(i % 100))));
        }
        CHECK(all_found);
        check_consistent(s);
        for (int i = 0; i < 3000; ++i) {
            s.leave("peer-" + std::to_string(i));
        }
        CHECK(s.peer_count() == 0);
        CHECK(copies(s) == u32s(100, 0));
    }

    TEST_CASE("memory per peer stays within the bitmap bytes plus 96") {
        const std::size_t pieces = 1000;
        const std::size_t peers = 20000;
        swarm s("c", pieces, 100000, 1);
        for (std::size_t i = 0; i < peers; ++i) {
            s.announce(request_for("peer-" + std::to_string(i)), 0);
        }
        const double per_peer = static_cast<double>(s.memory_bytes()) / peers;
        const double bitmap_bytes = (pieces + 63) / 64 * 8.0;
        CAPTURE(per_peer);
        CHECK(per_peer <= bitmap_bytes + 96);
        CHECK(per_peer >= bitmap_bytes + 72);
    }

    TEST_CASE("piece count above the bitmap limit") {
        CHECK(code_of([] { swarm s("c", bitmap::max_bits + 1, 10, 1); }) == errc::range);
    }
}

TEST_SUITE("swarm.peer_index") {
    TEST_CASE("the keyed hash depends on the key and every byte") {
        using p2pcdn::swarm_detail::hash_peer_id;
        CHECK(hash_peer_id("abc", 1) != hash_peer_id("abc", 2));
        CHECK(hash_peer_id("abc", 1) == hash_peer_id("abc", 1));
        CHECK(hash_peer_id(std::string_view("\0", 1), 1) !=
              hash_peer_id(std::string_view("\0\0", 2), 1));
        CHECK(hash_peer_id("0123456789abcdefghij", 1) != hash_peer_id("0123456789abcdefghiJ", 1));
    }
}

namespace {

using p2pcdn::cdn_limits;
using p2pcdn::cdn_source;

constexpr std::int64_t cdn_now_ms = 5'000'000;  // 5000 s

cdn_source cdn_of(std::string uri, bitmap pieces, std::int64_t expires_s = 9000) {
    cdn_source source;
    source.uri = std::move(uri);
    source.pieces = std::move(pieces);
    source.expires_s = expires_s;
    return source;
}

std::vector<std::string> cdn_uris(const peer_list& answer) {
    std::vector<std::string> out;
    for (const auto& source : answer.cdn) {
        out.push_back(source.uri);
    }
    return out;
}

using strings = std::vector<std::string>;

}  // namespace

TEST_SUITE("swarm.cdn") {
    TEST_CASE("answers name the content and carry no CDN source without a directory") {
        swarm s("movie", 10, 100, 1);
        const peer_list answer = announce_deltas(s, "a", {1}, {}, cdn_now_ms);
        CHECK(answer.content_id == "movie");
        CHECK(answer.piece_count == 10);
        CHECK(answer.cdn.empty());
        auto stop = request_for("a");
        stop.event = announce_event::stopped;
        const peer_list stopped = s.announce(stop, cdn_now_ms);
        CHECK(stopped.content_id == "movie");
        CHECK(stopped.piece_count == 10);
    }

    TEST_CASE("answers carry only the pieces the requester lacks after the announce") {
        swarm s("c", 100, 100, 1);
        s.publish_cdn(cdn_of("http://a/{piece}", bits_of(100, {1, 2, 3, 70})), cdn_now_ms);
        s.publish_cdn(cdn_of("http://b/{piece}", bits_of(100, {2})), cdn_now_ms);
        s.publish_cdn(cdn_of("http://c/{piece}", bits_of(100, {99})), cdn_now_ms);

        // The HAVE of 2 is applied first: b is left empty and dropped.
        peer_list answer = announce_deltas(s, "p", {2, 99}, {}, cdn_now_ms);
        REQUIRE(cdn_uris(answer) == strings{"http://a/{piece}"});
        CHECK(answer.cdn[0].pieces == bits_of(100, {1, 3, 70}));
        CHECK(answer.cdn[0].expires_s == 9000);

        // A full bitmap too; and a DONTHAVE brings a source back.
        answer = announce_full(s, "p", bits_of(100, {1, 3, 70}), peer_role::user, cdn_now_ms);
        CHECK(cdn_uris(answer) ==
              strings{"http://a/{piece}", "http://b/{piece}", "http://c/{piece}"});
        CHECK(answer.cdn[0].pieces == bits_of(100, {2}));
        answer = announce_deltas(s, "p", {2, 99}, {}, cdn_now_ms);
        CHECK(answer.cdn.empty());
        answer = announce_deltas(s, "p", {}, {99}, cdn_now_ms);
        CHECK(cdn_uris(answer) == strings{"http://c/{piece}"});
        // The announce itself changed the swarm as usual.
        CHECK(s.peer_bitmap("p") == bits_of(100, {1, 2, 3, 70}));
    }

    TEST_CASE("seeds and stopping peers get no CDN source") {
        swarm s("c", 10, 100, 1);
        s.publish_cdn(cdn_of("http://a/{piece}", bits_of(10, {1})), cdn_now_ms);
        auto done = request_for("seed");
        done.event = announce_event::completed;
        CHECK(s.announce(done, cdn_now_ms).cdn.empty());
        CHECK(announce_full(s, "full", full_bitmap(10), peer_role::user, cdn_now_ms).cdn.empty());
        CHECK(announce_deltas(s, "seed", {}, {}, cdn_now_ms).cdn.empty());  // stays a seed
        // A leecher's last HAVE makes it a seed: nothing either.
        std::vector<std::uint32_t> all_but_last;
        for (std::uint32_t i = 0; i < 9; ++i) {
            all_but_last.push_back(i);
        }
        CHECK(announce_deltas(s, "late", all_but_last, {}, cdn_now_ms).cdn.empty());  // holds 1
        CHECK(announce_deltas(s, "late2", {0}, {}, cdn_now_ms).cdn.size() == 1);
        CHECK(announce_deltas(s, "late2", {1, 2, 3, 4, 5, 6, 7, 8, 9}, {}, cdn_now_ms).cdn.empty());
        auto stop = request_for("late2");
        stop.event = announce_event::stopped;
        CHECK(s.announce(stop, cdn_now_ms).cdn.empty());
        CHECK(s.announce(request_for("fresh"), cdn_now_ms).cdn.size() == 1);
        // A network peer wants what it lacks like anyone else.
        CHECK(s.announce(request_for("ccs", peer_role::network), cdn_now_ms).cdn.size() == 1);
    }

    TEST_CASE("the answer cap keeps the sources covering the most wanted pieces") {
        swarm s("c", 10, 100, 1, cdn_limits{64, 2});
        s.publish_cdn(cdn_of("http://d/{piece}", bits_of(10, {0})), cdn_now_ms);
        s.publish_cdn(cdn_of("http://c/{piece}", bits_of(10, {0, 1, 2})), cdn_now_ms);
        s.publish_cdn(cdn_of("http://b/{piece}", bits_of(10, {3, 4})), cdn_now_ms);
        s.publish_cdn(cdn_of("http://a/{piece}", bits_of(10, {5, 6})), cdn_now_ms);
        CHECK(cdn_uris(s.announce(request_for("p"), cdn_now_ms)) ==
              strings{"http://c/{piece}", "http://a/{piece}"});
        // Holding 1 and 2 ties c with d; a and b lead, in URI order.
        CHECK(cdn_uris(announce_deltas(s, "p", {1, 2}, {}, cdn_now_ms)) ==
              strings{"http://a/{piece}", "http://b/{piece}"});
        CHECK(cdn_uris(announce_deltas(s, "p", {3, 4, 5, 6}, {}, cdn_now_ms)) ==
              strings{"http://c/{piece}", "http://d/{piece}"});
        // The same state answers the same way: no randomness in the choice.
        CHECK(cdn_uris(announce_deltas(s, "p", {}, {}, cdn_now_ms)) ==
              strings{"http://c/{piece}", "http://d/{piece}"});

        swarm none("c", 10, 100, 1, cdn_limits{64, 0});
        none.publish_cdn(cdn_of("http://a/{piece}", bits_of(10, {5})), cdn_now_ms);
        CHECK(none.announce(request_for("p"), cdn_now_ms).cdn.empty());
    }

    TEST_CASE("a withdrawn piece is gone from the very next answer and snapshot") {
        swarm s("c", 10, 100, 1);
        s.publish_cdn(cdn_of("http://a/{piece}", bits_of(10, {1, 2})), cdn_now_ms);
        s.publish_cdn(cdn_of("http://b/{piece}", bits_of(10, {2})), cdn_now_ms);
        CHECK(s.snapshot(cdn_now_ms).cdn_pieces == bits_of(10, {1, 2}));

        const bitmap two = bits_of(10, {2});
        CHECK(s.withdraw_cdn("", &two, cdn_now_ms) == 2);
        const peer_list answer = s.announce(request_for("p"), cdn_now_ms);
        REQUIRE(cdn_uris(answer) == strings{"http://a/{piece}"});
        CHECK(answer.cdn[0].pieces == bits_of(10, {1}));
        CHECK(s.snapshot(cdn_now_ms).cdn_pieces == bits_of(10, {1}));
        CHECK(s.cdn_sources(cdn_now_ms).size() == 1);

        CHECK(s.withdraw_cdn("http://a/{piece}", nullptr, cdn_now_ms) == 1);
        CHECK(s.announce(request_for("p"), cdn_now_ms).cdn.empty());
        CHECK(s.snapshot(cdn_now_ms).cdn_pieces.size() == 0);
        CHECK(code_of([&] { s.withdraw_cdn("http://a/{piece}", nullptr, cdn_now_ms); }) ==
              errc::not_found);
    }

    TEST_CASE("an expired source is never handed out nor counted") {
        swarm s("c", 10, 100, 1);
        s.publish_cdn(cdn_of("http://a/{piece}", bits_of(10, {1}), 5001), cdn_now_ms);
        s.publish_cdn(cdn_of("http://b/{piece}", bits_of(10, {2}), 6000), cdn_now_ms);
        CHECK(s.announce(request_for("p"), cdn_now_ms).cdn.size() == 2);

        const std::int64_t at_a = 5'001'000;
        CHECK(cdn_uris(s.announce(request_for("p"), at_a)) == strings{"http://b/{piece}"});
        CHECK(s.snapshot(at_a).cdn_pieces == bits_of(10, {2}));
        CHECK(s.cdn_sources(at_a).size() == 1);
        CHECK(s.expire_cdn(at_a) == 1);

        const std::int64_t at_b = 6'000'000;
        CHECK(s.announce(request_for("p"), at_b).cdn.empty());
        CHECK(s.snapshot(at_b).cdn_pieces.size() == 0);
        CHECK(s.cdn_sources(at_b).empty());
        CHECK(s.expire_cdn(at_b) == 1);
        CHECK(s.expire_cdn(at_b) == 0);
        // Publishing in the past is refused.
        CHECK(code_of([&] {
                  s.publish_cdn(cdn_of("http://c/{piece}", bits_of(10, {1}), 6000), at_b);
              }) == errc::invalid);
    }

    TEST_CASE("cdn_pieces is the union of the live sources, copies stay peer copies") {
        swarm s("c", 70, 100, 1);
        announce_full(s, "p", bits_of(70, {1, 65}), peer_role::user, cdn_now_ms);
        s.publish_cdn(cdn_of("http://a/{piece}", bits_of(70, {1, 2})), cdn_now_ms);
        s.publish_cdn(cdn_of("http://b/{piece}", bits_of(70, {2, 69})), cdn_now_ms);
        const stats_report snap = s.snapshot(cdn_now_ms);
        CHECK(snap.cdn_pieces == bits_of(70, {1, 2, 69}));
        CHECK(snap.copies[1] == 1);
        CHECK(snap.copies[2] == 0);  // only the CDN holds it
        CHECK(snap.copies[69] == 0);
        CHECK(snap.copies[65] == 1);
        check_consistent(s);
    }

    TEST_CASE("the source limit and bad sources change nothing") {
        swarm s("c", 10, 100, 1, cdn_limits{1, 8});
        s.publish_cdn(cdn_of("http://a/{piece}", bits_of(10, {1})), cdn_now_ms);
        CHECK(code_of([&] {
                  s.publish_cdn(cdn_of("http://b/{piece}", bits_of(10, {2})), cdn_now_ms);
              }) == errc::limit);
        CHECK(code_of([&] {
                  s.publish_cdn(cdn_of("gopher://a/", bits_of(10, {2})), cdn_now_ms);
              }) == errc::invalid);
        CHECK(code_of([&] {
                  s.publish_cdn(cdn_of("http://a/{piece}", bits_of(9, {2})), cdn_now_ms);
              }) == errc::invalid);
        const bitmap wrong(11);
        CHECK(code_of([&] { s.withdraw_cdn("", &wrong, cdn_now_ms); }) == errc::invalid);
        const auto live = s.cdn_sources(cdn_now_ms);
        REQUIRE(live.size() == 1);
        CHECK(live[0].pieces == bits_of(10, {1}));
        s.publish_cdn(cdn_of("http://a/{piece}", bits_of(10, {3})), cdn_now_ms);  // replace
        CHECK(s.snapshot(cdn_now_ms).cdn_pieces == bits_of(10, {3}));
    }

    TEST_CASE("a bad announce with CDN sources around still changes nothing") {
        swarm s("c", 10, 2, 1);
        s.publish_cdn(cdn_of("http://a/{piece}", bits_of(10, {1})), cdn_now_ms);
        announce_deltas(s, "a", {1}, {}, cdn_now_ms);
        announce_deltas(s, "b", {2}, {}, cdn_now_ms);
        const stats_report before = s.snapshot(cdn_now_ms);
        CHECK(code_of([&] { announce_deltas(s, "c", {3}, {}, cdn_now_ms); }) == errc::limit);
        CHECK(code_of([&] { announce_deltas(s, "a", {30}, {}, cdn_now_ms); }) == errc::range);
        const stats_report after = s.snapshot(cdn_now_ms);
        CHECK(after.copies == before.copies);
        CHECK(after.cdn_pieces == before.cdn_pieces);
        CHECK(s.peer_bitmap("a") == bits_of(10, {1}));
    }
}
