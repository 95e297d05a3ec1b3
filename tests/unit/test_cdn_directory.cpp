#include <doctest/doctest.h>

#include <cstdint>
#include <initializer_list>
#include <string>
#include <vector>

#include "core/bitmap.hpp"
#include "core/error.hpp"
#include "swarm/cdn_directory.hpp"
#include "test_support.hpp"

using p2pcdn::bitmap;
using p2pcdn::cdn_source;
using p2pcdn::errc;
using p2pcdn::swarm_detail::cdn_directory;
using p2pcdn::swarm_detail::seconds_of;
using p2pcdn::test::code_of;

namespace {

constexpr std::int64_t now_ms = 1'000'000;  // 1000 s
constexpr std::int64_t later_s = 2000;      // a live expiry

bitmap bits_of(std::size_t n, std::initializer_list<std::size_t> set) {
    bitmap b(n);
    for (const std::size_t i : set) {
        b.set(i);
    }
    return b;
}

cdn_source source_of(std::string uri, bitmap pieces, std::int64_t expires_s = later_s,
                     bool ranged = false) {
    cdn_source s;
    s.uri = std::move(uri);
    s.pieces = std::move(pieces);
    s.expires_s = expires_s;
    s.ranged = ranged;
    return s;
}

std::vector<std::string> uris_of(const std::vector<cdn_source>& sources) {
    std::vector<std::string> out;
    for (const auto& s : sources) {
        out.push_back(s.uri);
    }
    return out;
}

// What a directory says, for "unchanged" checks.
struct view {
    std::vector<std::string> uris;
    std::vector<bitmap> pieces;
    std::vector<std::int64_t> expiries;
    bitmap all;
    friend bool operator==(const view& a, const view& b) {
        return a.uris == b.uris && a.pieces == b.pieces && a.expiries == b.expiries &&
               a.all == b.all;
    }
};

view view_of(const cdn_directory& d, std::int64_t at = now_ms) {
    view v;
    for (const auto& s : d.live(at)) {
        v.uris.push_back(s.uri);
        v.pieces.push_back(s.pieces);
        v.expiries.push_back(s.expires_s);
    }
    v.all = d.live_pieces(at);
    return v;
}

// The answer for a requester holding `held`, through both halves.
std::vector<cdn_source> answer_for(cdn_directory& d, const bitmap& held, std::uint32_t max,
                                   std::int64_t at = now_ms) {
    std::vector<cdn_source> out;
    d.prepare_answer(at, max, out);
    d.fill_answer(held.words(), at, out);
    return out;
}

std::size_t withdraw_some(cdn_directory& d, const std::string& uri, const bitmap& pieces) {
    return d.withdraw(uri, &pieces, now_ms);
}

std::string message_of(cdn_directory& d, cdn_source s) {
    try {
        d.publish(std::move(s), now_ms);
    } catch (const p2pcdn::error& e) {
        return e.what();
    }
    return "";
}

}  // namespace

TEST_SUITE("cdn.directory") {
    TEST_CASE("expiry reads the clock in whole seconds, rounded down") {
        CHECK(seconds_of(0) == 0);
        CHECK(seconds_of(999) == 0);
        CHECK(seconds_of(1000) == 1);
        CHECK(seconds_of(-1) == -1);
        CHECK(seconds_of(-1000) == -1);
        CHECK(seconds_of(-1001) == -2);
        const cdn_source s = source_of("http://cdn/x", bits_of(4, {0}), 10);
        CHECK_FALSE(p2pcdn::swarm_detail::expired(s, 9'999));
        CHECK(p2pcdn::swarm_detail::expired(s, 10'000));
    }

    TEST_CASE("an empty directory") {
        cdn_directory d(10, 4);
        CHECK(d.empty());
        CHECK(d.live(now_ms).empty());
        CHECK(d.live_pieces(now_ms).size() == 0);
        CHECK(answer_for(d, bitmap(10), 8).empty());
        CHECK(d.withdraw("", nullptr, now_ms) == 0);
        CHECK(d.drop_expired(now_ms) == 0);
        CHECK(d.memory_bytes() == 0);
    }

    TEST_CASE("publish adds sources in URI order and replaces by URI") {
        cdn_directory d(10, 4);
        d.publish(source_of("https://b.example/{piece}", bits_of(10, {1, 2})), now_ms);
        d.publish(source_of("https://a.example/{piece}", bits_of(10, {5}), 1500, true), now_ms);
        CHECK_FALSE(d.empty());
        const auto live = d.live(now_ms);
        REQUIRE(live.size() == 2);
        CHECK(live[0].uri == "https://a.example/{piece}");
        CHECK(live[0].pieces == bits_of(10, {5}));
        CHECK(live[0].expires_s == 1500);
        CHECK(live[0].ranged);
        CHECK(live[1].uri == "https://b.example/{piece}");
        CHECK_FALSE(live[1].ranged);
        CHECK(d.live_pieces(now_ms) == bits_of(10, {1, 2, 5}));

        // Same URI: the whole source is replaced, pieces, expiry and ranged alike.
        d.publish(source_of("https://b.example/{piece}", bits_of(10, {7}), 3000, true), now_ms);
        const auto after = d.live(now_ms);
        REQUIRE(after.size() == 2);
        CHECK(after[1].pieces == bits_of(10, {7}));
        CHECK(after[1].expires_s == 3000);
        CHECK(after[1].ranged);
        CHECK(d.live_pieces(now_ms) == bits_of(10, {5, 7}));
    }

    TEST_CASE("publishing no pieces withdraws that URI") {
        cdn_directory d(10, 4);
        d.publish(source_of("http://a/{piece}", bits_of(10, {1})), now_ms);
        d.publish(source_of("http://a/{piece}", bitmap(10)), now_ms);
        CHECK(d.empty());
        d.publish(source_of("http://never/{piece}", bitmap(10)), now_ms);  // nothing to remove
        CHECK(d.empty());
    }

    TEST_CASE("withdraw some pieces of one source") {
        cdn_directory d(10, 4);
        d.publish(source_of("http://a/{piece}", bits_of(10, {1, 2, 3})), now_ms);
        d.publish(source_of("http://b/{piece}", bits_of(10, {2, 3})), now_ms);
        CHECK(withdraw_some(d, "http://a/{piece}", bits_of(10, {2, 9})) == 1);
        CHECK(view_of(d).pieces == std::vector<bitmap>{bits_of(10, {1, 3}), bits_of(10, {2, 3})});
        // Pieces the source does not serve: nothing changes, and that is no error.
        CHECK(withdraw_some(d, "http://a/{piece}", bits_of(10, {2, 9})) == 0);
        // The last pieces: the source goes.
        CHECK(withdraw_some(d, "http://a/{piece}", bits_of(10, {1, 3})) == 1);
        CHECK(uris_of(d.live(now_ms)) == std::vector<std::string>{"http://b/{piece}"});
        CHECK(d.live_pieces(now_ms) == bits_of(10, {2, 3}));
    }

    TEST_CASE("withdraw from every source, or everything") {
        cdn_directory d(10, 4);
        d.publish(source_of("http://a/{piece}", bits_of(10, {1, 2})), now_ms);
        d.publish(source_of("http://b/{piece}", bits_of(10, {2})), now_ms);
        d.publish(source_of("http://c/{piece}", bits_of(10, {4})), now_ms);
        CHECK(withdraw_some(d, "", bits_of(10, {2})) == 2);
        CHECK(uris_of(d.live(now_ms)) ==
              std::vector<std::string>{"http://a/{piece}", "http://c/{piece}"});
        CHECK(d.live_pieces(now_ms) == bits_of(10, {1, 4}));

        SUBCASE("all pieces of one URI") {
            CHECK(d.withdraw("http://c/{piece}", nullptr, now_ms) == 1);
            CHECK(uris_of(d.live(now_ms)) == std::vector<std::string>{"http://a/{piece}"});
        }
        SUBCASE("all of every source") {
            CHECK(d.withdraw("", nullptr, now_ms) == 2);
            CHECK(d.empty());
            CHECK(d.live_pieces(now_ms).size() == 0);
        }
    }

    TEST_CASE("the source limit counts live sources, a replacement is not a new one") {
        cdn_directory d(10, 2);
        d.publish(source_of("http://a/{piece}", bits_of(10, {1})), now_ms);
        d.publish(source_of("http://b/{piece}", bits_of(10, {2}), 1001), now_ms);
        const view before = view_of(d);
        CHECK(code_of([&] {
                  d.publish(source_of("http://c/{piece}", bits_of(10, {3})), now_ms);
              }) == errc::limit);
        CHECK(message_of(d, source_of("http://c/{piece}", bits_of(10, {3}))) ==
              "content has the maximum of 2 CDN sources");
        CHECK(view_of(d) == before);
        d.publish(source_of("http://a/{piece}", bits_of(10, {4})), now_ms);  // replace: fine
        CHECK(d.live_pieces(now_ms) == bits_of(10, {2, 4}));

        // Once b has expired it no longer counts, and the publish erases it.
        const std::int64_t after_b = 1'001'000;
        d.publish(source_of("http://c/{piece}", bits_of(10, {3})), after_b);
        CHECK(uris_of(d.live(after_b)) ==
              std::vector<std::string>{"http://a/{piece}", "http://c/{piece}"});
        CHECK(d.drop_expired(after_b) == 0);
    }

    TEST_CASE("an expired source is never handed out nor counted") {
        cdn_directory d(10, 4);
        d.publish(source_of("http://a/{piece}", bits_of(10, {1}), 1001), now_ms);
        d.publish(source_of("http://b/{piece}", bits_of(10, {2}), 1002), now_ms);
        CHECK(answer_for(d, bitmap(10), 8).size() == 2);

        const std::int64_t at_a = 1'001'000;  // now_ms / 1000 == expires_s: expired
        CHECK(uris_of(d.live(at_a)) == std::vector<std::string>{"http://b/{piece}"});
        CHECK(d.live_pieces(at_a) == bits_of(10, {2}));
        CHECK(uris_of(answer_for(d, bitmap(10), 8, at_a)) ==
              std::vector<std::string>{"http://b/{piece}"});
        // A named withdrawal of an expired source: already gone.
        CHECK(code_of([&] { d.withdraw("http://a/{piece}", nullptr, at_a); }) == errc::not_found);

        const std::int64_t at_b = 1'002'500;
        CHECK(d.live(at_b).empty());
        CHECK(d.live_pieces(at_b).size() == 0);
        CHECK(answer_for(d, bitmap(10), 8, at_b).empty());
        CHECK_FALSE(d.empty());  // still stored, until erased
        CHECK(d.drop_expired(at_b) == 2);
        CHECK(d.empty());
    }

    TEST_CASE("bad publishes and withdrawals change nothing") {
        cdn_directory d(10, 4);
        d.publish(source_of("http://a/{piece}", bits_of(10, {1, 2})), now_ms);
        const view before = view_of(d);
        auto publish_code = [&](cdn_source s) {
            return code_of([&] { d.publish(std::move(s), now_ms); });
        };
        CHECK(publish_code(source_of("http://a/{piece}", bits_of(11, {1}))) == errc::invalid);
        CHECK(publish_code(source_of("http://a/{piece}", bitmap())) == errc::invalid);
        CHECK(message_of(d, source_of("http://a/{piece}", bits_of(9, {1}))) ==
              "CDN source has 9 pieces, the content has 10");
        CHECK(publish_code(source_of("http://a/{piece}", bits_of(10, {3}), 1000)) == errc::invalid);
        CHECK(publish_code(source_of("http://a/{piece}", bits_of(10, {3}), 0)) == errc::invalid);
        CHECK(message_of(d, source_of("http://a/{piece}", bits_of(10, {3}), 999)) ==
              "CDN source expires at 999, not after now (1000)");
        for (const char* uri :
             {"", "ftp://a/{piece}", "http://", "http:///x", "a/{piece}", "http://a/{slice}",
              "http://a/x}", "http://a/\x01", "http://a/ b"}) {
            CAPTURE(uri);
            CHECK(publish_code(source_of(uri, bits_of(10, {3}))) == errc::invalid);
        }
        CHECK(code_of([&] { withdraw_some(d, "http://a/{piece}", bits_of(9, {1})); }) ==
              errc::invalid);
        CHECK(code_of([&] { withdraw_some(d, "", bits_of(11, {1})); }) == errc::invalid);
        CHECK(code_of([&] { d.withdraw("http://z/{piece}", nullptr, now_ms); }) == errc::not_found);
        CHECK(code_of([&] { withdraw_some(d, "http://z/{piece}", bits_of(10, {1})); }) ==
              errc::not_found);
        CHECK(view_of(d) == before);
    }

    TEST_CASE("answers: what the requester lacks, the most wanted first, at most the cap") {
        cdn_directory d(130, 8);
        d.publish(source_of("http://a/{piece}", bits_of(130, {0, 1, 2})), now_ms);
        d.publish(source_of("http://b/{piece}", bits_of(130, {0, 64, 65, 129})), now_ms);
        d.publish(source_of("http://c/{piece}", bits_of(130, {5})), now_ms);
        d.publish(source_of("http://d/{piece}", bits_of(130, {6}), later_s, true), now_ms);

        const bitmap held = bits_of(130, {0, 64, 129, 5});
        const auto all = answer_for(d, held, 8);
        // b keeps 65 only, a keeps 1 and 2, c is dropped (all held), d keeps 6.
        REQUIRE(uris_of(all) == std::vector<std::string>{"http://a/{piece}", "http://b/{piece}",
                                                         "http://d/{piece}"});
        CHECK(all[0].pieces == bits_of(130, {1, 2}));
        CHECK(all[1].pieces == bits_of(130, {65}));
        CHECK(all[2].pieces == bits_of(130, {6}));
        CHECK(all[2].ranged);
        CHECK(all[2].expires_s == later_s);
        for (const auto& s : all) {
            CHECK(s.pieces.spare_bits_clear());
            CHECK(s.pieces.count_and(held) == 0);
        }

        // The cap keeps the most wanted; equal counts go in URI order.
        CHECK(uris_of(answer_for(d, held, 1)) == std::vector<std::string>{"http://a/{piece}"});
        CHECK(uris_of(answer_for(d, held, 2)) ==
              std::vector<std::string>{"http://a/{piece}", "http://b/{piece}"});
        CHECK(uris_of(answer_for(d, bitmap(130), 2)) ==
              std::vector<std::string>{"http://b/{piece}", "http://a/{piece}"});
        CHECK(answer_for(d, held, 0).empty());

        bitmap everything(130);
        everything.fill(true);
        CHECK(answer_for(d, everything, 8).empty());
    }

    TEST_CASE("a withdrawn piece is gone from the next answer") {
        cdn_directory d(10, 4);
        d.publish(source_of("http://a/{piece}", bits_of(10, {1, 2})), now_ms);
        CHECK(answer_for(d, bitmap(10), 8)[0].pieces == bits_of(10, {1, 2}));
        withdraw_some(d, "http://a/{piece}", bits_of(10, {2}));
        CHECK(answer_for(d, bitmap(10), 8)[0].pieces == bits_of(10, {1}));
        d.withdraw("", nullptr, now_ms);
        CHECK(answer_for(d, bitmap(10), 8).empty());
    }
}
