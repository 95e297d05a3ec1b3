#include <doctest/doctest.h>

#include "test_support.hpp"

#include <cstdint>
#include <limits>
#include <string>
#include <utility>
#include <vector>

#include "core/bitmap.hpp"
#include "core/error.hpp"
#include "wire/stats_report.hpp"

using p2pcdn::bitmap;
using p2pcdn::copies_encoding;
using p2pcdn::decode_stats_json;
using p2pcdn::encode_stats_json;
using p2pcdn::errc;
using p2pcdn::stats_limits;
using p2pcdn::stats_report;
using p2pcdn::test::code_of;

namespace {

// The example of docs/protocol.md, "Statistics report (JSON)".
stats_report example() {
    stats_report r;
    r.content_id = "movie-1";
    r.seq = 7;
    r.time_ms = 1764000000123;
    r.piece_count = 10;
    r.user_peers = 12;
    r.seeds = 2;
    r.network_peers = 1;
    r.copies = {5, 5, 5, 5, 3, 3, 3, 2, 2, 2};
    r.network_copies = {1, 1, 1, 1, 1, 0, 0, 0, 0, 0};
    r.cdn_pieces = bitmap(10);
    r.cdn_pieces.set_range(7, 10);
    return r;
}

const char* const example_head =
    R"({"v":1,"type":"stats","content":"movie-1","seq":7,"time":1764000000123,"pieces":10,)"
    R"("peers":12,"seeds":2,"leechers":10,"network_peers":1,)";
const char* const example_tail = R"("cdn":"AcA=","min_copies":2,"distributed_copies":2.7})";

const char* const example_plain_copies =
    R"("copies":[5,5,5,5,3,3,3,2,2,2],"network_copies":[1,1,1,1,1,0,0,0,0,0],)";
const char* const example_runs_copies =
    R"("copies_runs":[5,4,3,3,2,3],"network_copies_runs":[1,5,0,5],)";

void check_equal(const stats_report& a, const stats_report& b) {
    CHECK(a.content_id == b.content_id);
    CHECK(a.seq == b.seq);
    CHECK(a.time_ms == b.time_ms);
    CHECK(a.piece_count == b.piece_count);
    CHECK(a.user_peers == b.user_peers);
    CHECK(a.seeds == b.seeds);
    CHECK(a.network_peers == b.network_peers);
    CHECK(a.copies == b.copies);
    CHECK(a.network_copies == b.network_copies);
    CHECK(a.cdn_pieces == b.cdn_pieces);
}

// A JSON object built member by member, so each test changes only what it is about.
class members {
public:
    members() {
        list_ = {{"v", "1"},
                 {"type", R"("stats")"},
                 {"content", R"("c")"},
                 {"seq", "1"},
                 {"time", "2"},
                 {"pieces", "4"},
                 {"peers", "5"},
                 {"seeds", "1"},
                 {"leechers", "4"},
                 {"network_peers", "2"},
                 {"copies", "[1,2,5,1]"},
                 {"network_copies", "[0,2,1,0]"},
                 {"cdn", R"("8A==")"}};
    }
    members& set(const std::string& name, const std::string& raw) {
        for (auto& m : list_) {
            if (m.first == name) {
                m.second = raw;
                return *this;
            }
        }
        list_.emplace_back(name, raw);
        return *this;
    }
    members& erase(const std::string& name) {
        for (auto it = list_.begin(); it != list_.end(); ++it) {
            if (it->first == name) {
                list_.erase(it);
                break;
            }
        }
        return *this;
    }
    std::string json() const {
        std::string out = "{";
        for (const auto& m : list_) {
            if (out.size() > 1)
                out += ',';
            out += '"' + m.first + "\":" + m.second;
        }
        return out + "}";
    }

private:
    std::vector<std::pair<std::string, std::string>> list_;
};

void check_rejected(const std::string& json, const std::string& message, errc code = errc::parse,
                    const stats_limits& limits = {}) {
    CAPTURE(json);
    CHECK_THROWS_WITH_AS(decode_stats_json(json, limits), message.c_str(), p2pcdn::error&);
    CHECK(code_of([&] { decode_stats_json(json, limits); }) == code);
}

}  // namespace

TEST_SUITE("stats_report") {
    TEST_CASE("exact JSON of the documented example") {
        const auto r = example();
        CHECK(encode_stats_json(r, copies_encoding::plain) ==
              std::string(example_head) + example_plain_copies + example_tail);
        CHECK(encode_stats_json(r, copies_encoding::runs) ==
              std::string(example_head) + example_runs_copies + example_tail);
        // Automatic: 3 runs (6 entries) are more than half of 10, 2 runs (4 entries) are not.
        CHECK(encode_stats_json(r) ==
              std::string(example_head) +
                  R"("copies":[5,5,5,5,3,3,3,2,2,2],"network_copies_runs":[1,5,0,5],)" +
                  example_tail);
        check_equal(
            decode_stats_json(std::string(example_head) + example_plain_copies + example_tail), r);
        check_equal(
            decode_stats_json(std::string(example_head) + example_runs_copies + example_tail), r);
    }

    TEST_CASE("the smallest report") {
        stats_report r;
        r.content_id = "x";
        const std::string want =
            R"({"v":1,"type":"stats","content":"x","seq":0,"time":0,"pieces":0,"peers":0,)"
            R"("seeds":0,"leechers":0,"network_peers":0,"copies":[],"min_copies":0,)"
            R"("distributed_copies":0.0})";
        CHECK(encode_stats_json(r) == want);
        CHECK(encode_stats_json(r, copies_encoding::plain) == want);
        CHECK(encode_stats_json(r, copies_encoding::runs).find(R"("copies_runs":[])") !=
              std::string::npos);
        check_equal(decode_stats_json(want), r);
        check_equal(decode_stats_json(encode_stats_json(r, copies_encoding::runs)), r);
    }

    TEST_CASE("round trips") {
        auto base = example();
        for (const bool network : {false, true}) {
            for (const bool cdn : {false, true}) {
                auto r = base;
                if (!network)
                    r.network_copies.clear();
                if (!cdn)
                    r.cdn_pieces = bitmap();
                for (const auto enc :
                     {copies_encoding::plain, copies_encoding::runs, copies_encoding::automatic}) {
                    CAPTURE(network);
                    CAPTURE(cdn);
                    const std::string json = encode_stats_json(r, enc);
                    CHECK((json.find("network_copies") != std::string::npos) == network);
                    CHECK((json.find("\"cdn\"") != std::string::npos) == cdn);
                    check_equal(decode_stats_json(json), r);
                }
            }
        }
    }

    TEST_CASE("round trip of a large report with extreme values") {
        stats_report r;
        r.content_id = std::string(128, '~');
        r.seq = std::numeric_limits<std::uint64_t>::max();
        r.time_ms = std::numeric_limits<std::int64_t>::min();
        r.piece_count = 100000;
        r.user_peers = std::numeric_limits<std::uint32_t>::max();
        r.seeds = 7;
        r.network_peers = std::numeric_limits<std::uint32_t>::max();
        r.copies.resize(r.piece_count);
        r.network_copies.resize(r.piece_count);
        for (std::size_t i = 0; i < r.piece_count; ++i) {
            r.copies[i] = i % 1000 == 0 ? r.user_peers : static_cast<std::uint32_t>(7 + i / 10000);
            r.network_copies[i] = static_cast<std::uint32_t>(i * 2654435761u);
        }
        r.cdn_pieces = bitmap(r.piece_count);
        for (std::size_t i = 0; i < r.piece_count; i += 3) r.cdn_pieces.set(i);
        for (const auto enc :
             {copies_encoding::plain, copies_encoding::runs, copies_encoding::automatic}) {
            check_equal(decode_stats_json(encode_stats_json(r, enc)), r);
        }
        // Automatic: the copies repeat (runs), the network copies do not (plain).
        const std::string json = encode_stats_json(r);
        CHECK(json.find("\"copies_runs\"") != std::string::npos);
        CHECK(json.find("\"network_copies\"") != std::string::npos);
        r.time_ms = std::numeric_limits<std::int64_t>::max();
        check_equal(decode_stats_json(encode_stats_json(r)), r);
    }

    TEST_CASE("automatic picks runs at exactly half") {
        stats_report r;
        r.content_id = "c";
        r.user_peers = 3;
        r.piece_count = 8;
        r.copies = {1, 1, 1, 1, 2, 2, 2, 2};  // 2 runs: 4 entries, half of 8
        CHECK(encode_stats_json(r).find(R"("copies_runs":[1,4,2,4])") != std::string::npos);
        r.copies = {1, 1, 1, 1, 2, 2, 2, 3};  // 3 runs: 6 entries
        CHECK(encode_stats_json(r).find(R"("copies":[1,1,1,1,2,2,2,3])") != std::string::npos);
    }

    TEST_CASE("the decoder accepts unmerged runs, unknown members, any member order") {
        const auto r = decode_stats_json(
            R"({"copies_runs":[2,1,2,2,3,1],"x":{"y":[1,[2,{}]]},"pieces":4,"leechers":2,)"
            R"("v":1,"seeds":1,"peers":3,"seq":9,"time":-5,"content":"a","network_peers":0,)"
            R"("min_copies":"ignored","distributed_copies":null})");
        CHECK(r.copies == std::vector<std::uint32_t>{2, 2, 2, 3});
        CHECK(r.time_ms == -5);
        CHECK(r.network_copies.empty());
        CHECK(r.cdn_pieces.size() == 0);
        // "type" is optional.
        CHECK_NOTHROW(decode_stats_json(members().erase("type").json()));
        // Deep nesting in an ignored member does not recurse.
        const std::string deep = std::string(100000, '[') + std::string(100000, ']');
        CHECK_NOTHROW(decode_stats_json(members().set("deep", deep).json()));
    }

    TEST_CASE("summarize") {
        const auto s = p2pcdn::summarize(example());
        CHECK(s.min_copies == 2);
        CHECK(s.pieces_at_min == 3);
        CHECK(s.max_copies == 5);
        CHECK(s.distributed_copies == doctest::Approx(2.7));
        using bin = std::pair<std::uint32_t, std::size_t>;
        CHECK(s.histogram == std::vector<bin>{{2, 3}, {3, 3}, {5, 4}});

        stats_report r;
        const auto empty = p2pcdn::summarize(r);
        CHECK(empty.min_copies == 0);
        CHECK(empty.pieces_at_min == 0);
        CHECK(empty.max_copies == 0);
        CHECK(empty.distributed_copies == 0);
        CHECK(empty.histogram.empty());

        // All equal: distributed copies is exactly the minimum.
        r.piece_count = 3;
        r.copies = {4, 4, 4};
        const auto flat = p2pcdn::summarize(r);
        CHECK(flat.min_copies == 4);
        CHECK(flat.pieces_at_min == 3);
        CHECK(flat.distributed_copies == 4.0);
        CHECK(flat.histogram == std::vector<bin>{{4, 3}});

        // A wide spread takes the map path and gives the same shape.
        r.piece_count = 4;
        r.copies = {4000000000u, 0, 70000, 0};
        const auto wide = p2pcdn::summarize(r);
        CHECK(wide.min_copies == 0);
        CHECK(wide.pieces_at_min == 2);
        CHECK(wide.max_copies == 4000000000u);
        CHECK(wide.distributed_copies == 0.5);
        CHECK(wide.histogram == std::vector<bin>{{0, 2}, {70000, 1}, {4000000000u, 1}});
    }

    TEST_CASE("rarest_pieces") {
        const auto rare = p2pcdn::rarest_pieces(example());
        CHECK(rare.size() == 10);
        CHECK(rare.count() == 3);
        CHECK(rare.find_first_set() == 7);
        CHECK(rare.test(8));
        CHECK(rare.test(9));
        CHECK(p2pcdn::rarest_pieces(stats_report{}).size() == 0);
        stats_report r;
        r.piece_count = 130;
        r.copies.assign(130, 1);
        r.copies[0] = 0;
        r.copies[64] = 0;
        r.copies[129] = 0;
        const auto some = p2pcdn::rarest_pieces(r);
        CHECK(some.count() == 3);
        CHECK(some.test(0));
        CHECK(some.test(64));
        CHECK(some.test(129));
        CHECK(some.spare_bits_clear());
    }

    TEST_CASE("the base test object is valid") {
        const auto r = decode_stats_json(members().json());
        CHECK(r.copies == std::vector<std::uint32_t>{1, 2, 5, 1});
        CHECK(r.network_copies == std::vector<std::uint32_t>{0, 2, 1, 0});
        CHECK(r.cdn_pieces.count() == 4);
    }

    TEST_CASE("syntax and envelope errors") {
        check_rejected("",
                       "statistics report is not valid JSON: The document is empty. at offset 0");
        check_rejected("{\"v\":1,}",
                       "statistics report is not valid JSON: Missing a name for object member. "
                       "at offset 7");
        check_rejected(members().json() + " x",
                       "statistics report is not valid JSON: The document root must not be "
                       "followed by other values. at offset " +
                           std::to_string(members().json().size() + 1));
        check_rejected(R"({"v":1,"time":NaN})",
                       "statistics report is not valid JSON: Invalid value. at offset 14");
        check_rejected(R"({"v":1,"time":Infinity})",
                       "statistics report is not valid JSON: Invalid value. at offset 14");
        check_rejected(members().set("x", "\"\xff\"").json(),
                       "statistics report is not valid JSON: Invalid encoding in string. at "
                       "offset " +
                           std::to_string(members().json().size() + 5));
        check_rejected("[1]", "statistics report is not a JSON object");
        check_rejected(members().erase("v").json(), "member 'v' is missing");
        check_rejected(members().set("v", "2").json(),
                       "member 'v' is 2, only version 1 is supported");
        check_rejected(members().set("v", "1.0").json(), "member 'v' is not an integer");
        check_rejected(members().set("v", "\"1\"").json(), "member 'v' is not an integer");
        check_rejected(members().set("type", "\"peers\"").json(), "member 'type' is not \"stats\"");
        check_rejected(members().set("type", "1").json(), "member 'type' is not a string");
        check_rejected(R"({"v":1,"v":1})", "member 'v' appears more than once");
        check_rejected(R"({"copies":[1,2,5,1],)" + members().json().substr(1),
                       "member 'copies' appears more than once");
        // Ignored members may repeat.
        CHECK_NOTHROW(decode_stats_json(R"({"x":1,"x":2,)" + members().json().substr(1)));
    }

    TEST_CASE("scalar member errors") {
        check_rejected(members().erase("content").json(), "member 'content' is missing");
        check_rejected(members().set("content", "7").json(), "member 'content' is not a string");
        check_rejected(members().set("content", R"("")").json(),
                       "member 'content': content id is empty");
        check_rejected(members().set("content", R"("a/b")").json(),
                       "member 'content': content id has character '/' at offset 1; allowed: "
                       "A-Z a-z 0-9 - . _ ~");
        check_rejected(members().set("content", R"("a\u0000")").json(),
                       "member 'content': content id has byte 0x00 at offset 1; allowed: "
                       "A-Z a-z 0-9 - . _ ~");
        for (const char* name : {"seq", "pieces", "peers", "seeds", "leechers", "network_peers"}) {
            CAPTURE(name);
            check_rejected(members().erase(name).json(),
                           std::string("member '") + name + "' is missing");
            check_rejected(members().set(name, "-1").json(),
                           std::string("member '") + name + "' is not an unsigned integer");
            check_rejected(members().set(name, "1.5").json(),
                           std::string("member '") + name + "' is not an unsigned integer");
            check_rejected(members().set(name, "1e2").json(),
                           std::string("member '") + name + "' is not an unsigned integer");
            check_rejected(members().set(name, "true").json(),
                           std::string("member '") + name + "' is not an unsigned integer");
            check_rejected(members().set(name, "18446744073709551616").json(),
                           std::string("member '") + name + "' is not an unsigned integer");
        }
        check_rejected(members().erase("time").json(), "member 'time' is missing");
        check_rejected(members().set("time", "9223372036854775808").json(),
                       "member 'time' is not an integer");
        check_rejected(members().set("time", "\"2\"").json(), "member 'time' is not an integer");
        check_rejected(members().set("peers", "4294967296").json(),
                       "peers is 4294967296, above the maximum 4294967295");
        check_rejected(members().set("network_peers", "4294967296").json(),
                       "network_peers is 4294967296, above the maximum 4294967295");
        check_rejected(members().set("seeds", "6").json(), "seeds is 6, above the 5 user peers");
        check_rejected(members().set("leechers", "5").json(),
                       "leechers is 5, expected peers - seeds = 4");
    }

    TEST_CASE("copies errors") {
        check_rejected(members().erase("copies").json(),
                       "member 'copies' or 'copies_runs' is missing");
        check_rejected(members().set("copies_runs", "[1,4]").json(),
                       "members 'copies' and 'copies_runs' are both present");
        check_rejected(members().set("copies", "{}").json(), "member 'copies' is not an array");
        check_rejected(members().set("copies", "[1,2,5]").json(),
                       "copies has 3 entries, expected 4");
        check_rejected(members().set("copies", "[1,2,5,1,1]").json(),
                       "copies has 5 entries, expected 4");
        check_rejected(members().set("copies", "[1,2,6,1]").json(),
                       "copies[2] is 6, above the 5 user peers");
        check_rejected(members().set("copies", "[1,2,5,0]").json(),
                       "copies[3] is 0, below the 1 seeds");
        check_rejected(members().set("copies", "[1,-2,5,1]").json(),
                       "copies[1] is not an unsigned integer");
        check_rejected(members().set("copies", "[1,2.0,5,1]").json(),
                       "copies[1] is not an unsigned integer");
        check_rejected(members().set("copies", "[1,null,5,1]").json(),
                       "copies[1] is not an unsigned integer");
        check_rejected(members().set("network_copies", "[0,2,3,0]").json(),
                       "network_copies[2] is 3, above the 2 network peers");
        check_rejected(members().set("network_copies", "[]").json(),
                       "network_copies has 0 entries, expected 4");
        check_rejected(members().set("network_copies_runs", "[0,4]").json(),
                       "members 'network_copies' and 'network_copies_runs' are both present");
        check_rejected(members().set("network_copies", "1").json(),
                       "member 'network_copies' is not an array");
    }

    TEST_CASE("copies_runs errors") {
        const auto runs = [](const std::string& raw) {
            return members().erase("copies").set("copies_runs", raw).json();
        };
        CHECK(decode_stats_json(runs("[1,1,2,1,5,1,1,1]")).copies ==
              std::vector<std::uint32_t>{1, 2, 5, 1});
        check_rejected(runs("\"1,4\""), "member 'copies_runs' is not an array");
        check_rejected(runs("[1,4,2]"), "copies_runs has 3 entries, expected value,run pairs");
        check_rejected(runs("[1,0,1,4]"), "copies_runs[1] is 0, a run is at least 1");
        check_rejected(runs("[1,3,2,2]"), "copies_runs[3] is 2, above the 1 pieces left");
        check_rejected(runs("[1,18446744073709551615]"),
                       "copies_runs[1] is 18446744073709551615, above the 4 pieces left");
        check_rejected(runs("[1,3]"), "copies_runs covers 3 pieces, expected 4");
        check_rejected(runs("[]"), "copies_runs covers 0 pieces, expected 4");
        check_rejected(runs("[6,4]"), "copies_runs[0] is 6, above the 5 user peers");
        check_rejected(runs("[1,2,0,2]"), "copies_runs[2] is 0, below the 1 seeds");
        check_rejected(runs("[1,-1]"), "copies_runs[1] is not an unsigned integer");
        check_rejected(runs("[1,1.5,1,3]"), "copies_runs[1] is not an unsigned integer");
        check_rejected(runs("[\"1\",4]"), "copies_runs[0] is not an unsigned integer");
        check_rejected(
            members().erase("network_copies").set("network_copies_runs", "[0,2,3,2]").json(),
            "network_copies_runs[2] is 3, above the 2 network peers");
        check_rejected(members().erase("network_copies").set("network_copies_runs", "[0,5]").json(),
                       "network_copies_runs[1] is 5, above the 4 pieces left");
    }

    TEST_CASE("cdn errors") {
        CHECK(decode_stats_json(members().erase("cdn").json()).cdn_pieces.size() == 0);
        check_rejected(members().set("cdn", "[]").json(), "member 'cdn' is not a string");
        check_rejected(members().set("cdn", R"("8A")").json(),
                       "cdn is 2 characters, expected 4 (base64 of 1 bytes for 4 pieces)");
        check_rejected(members().set("cdn", R"("8AAA")").json(),
                       "member 'cdn': bitfield is 3 bytes, expected 1 for 4 pieces");
        check_rejected(members().set("cdn", R"("8B==")").json(),
                       "member 'cdn': base64 character 'B' at offset 1 has non-zero unused bits");
        check_rejected(members().set("cdn", R"("+A==")").json(),
                       "member 'cdn': spare bit 4 is set in a 4-piece bitfield");
        check_rejected(members().set("cdn", R"("8A=!")").json(),
                       "member 'cdn': misplaced base64 padding at offset 2");
    }

    TEST_CASE("limits") {
        const std::string json = members().json();
        stats_limits small;
        small.max_json_bytes = json.size();
        CHECK_NOTHROW(decode_stats_json(json, small));
        small.max_json_bytes = json.size() - 1;
        check_rejected(json,
                       "statistics report is " + std::to_string(json.size()) +
                           " bytes, above the limit " + std::to_string(json.size() - 1),
                       errc::limit, small);

        stats_limits few;
        few.max_pieces = 4;
        CHECK_NOTHROW(decode_stats_json(json, few));
        few.max_pieces = 3;
        check_rejected(json, "pieces is 4, above the limit 3", errc::limit, few);
        // No limit goes past what a bitmap holds.
        stats_limits none;
        none.max_pieces = std::numeric_limits<std::size_t>::max();
        check_rejected(members().set("pieces", "67108865").json(),
                       "pieces is 67108865, above the limit 67108864", errc::limit, none);
        // A huge piece count is refused before anything is allocated for it.
        check_rejected(members().set("pieces", "18446744073709551615").json(),
                       "pieces is 18446744073709551615, above the limit 67108864", errc::limit);
    }

    TEST_CASE("the encoder refuses reports the decoder would reject") {
        const auto invalid = [](auto&& change) {
            auto r = example();
            change(r);
            return code_of([&] { encode_stats_json(r); });
        };
        const auto message = [](auto&& change) -> std::string {
            auto r = example();
            change(r);
            try {
                encode_stats_json(r);
            } catch (const p2pcdn::error& e) {
                return e.what();
            }
            return "";
        };
        const auto bad_id = [](stats_report& r) { r.content_id = "a b"; };
        CHECK(invalid(bad_id) == errc::invalid);
        const auto seeds = [](stats_report& r) { r.seeds = 13; };
        CHECK(message(seeds) == "seeds is 13, above the 12 user peers");
        CHECK(invalid(seeds) == errc::invalid);
        const auto short_copies = [](stats_report& r) { r.copies.pop_back(); };
        CHECK(message(short_copies) == "copies has 9 entries, expected 10");
        const auto high = [](stats_report& r) { r.copies[4] = 13; };
        CHECK(message(high) == "copies[4] is 13, above the 12 user peers");
        const auto low = [](stats_report& r) { r.copies[4] = 1; };
        CHECK(message(low) == "copies[4] is 1, below the 2 seeds");
        const auto net_size = [](stats_report& r) { r.network_copies.pop_back(); };
        CHECK(message(net_size) == "network_copies has 9 entries, expected 0 or 10");
        const auto net_high = [](stats_report& r) { r.network_copies[0] = 2; };
        CHECK(message(net_high) == "network_copies[0] is 2, above the 1 network peers");
        const auto cdn = [](stats_report& r) { r.cdn_pieces = bitmap(11); };
        CHECK(message(cdn) == "cdn_pieces has 11 bits, expected 0 or 10");
        CHECK(invalid(cdn) == errc::invalid);
    }
}
