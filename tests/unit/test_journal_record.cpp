// The holdings journal's line format (src/wire/journal_record.hpp): CRC-32C, round trips of
// every record kind, and every rejection with the field it names.
#include <doctest/doctest.h>
#include <fmt/format.h>

#include <cstdint>
#include <limits>
#include <string>
#include <vector>

#include "core/bitmap.hpp"
#include "core/content_layout.hpp"
#include "test_support.hpp"
#include "wire/crc32c.hpp"
#include "wire/journal_record.hpp"

using p2pcdn::errc;
using p2pcdn::holding;
using p2pcdn::holding_state;
using p2pcdn::journal_kind;
using p2pcdn::journal_record;
using p2pcdn::test::code_of;

namespace {

constexpr std::int64_t t0 = 1764000000000;
const std::string uri3 = "http://cdn.example/movie-1/3";

// A body with its checksum appended, so a test reaches the field checks behind the CRC.
std::string with_crc(const std::string& body) {
    return fmt::format("{} crc={:08x}", body, p2pcdn::crc32c(body));
}

// Decoding `line` throws `code` with a message that contains `words`.
void rejected(const std::string& line, errc code, const std::string& words) {
    CAPTURE(line);
    try {
        p2pcdn::decode_journal_record(line);
        FAIL("decoded");
    } catch (const p2pcdn::error& e) {
        CHECK(e.code() == code);
        CHECK_MESSAGE(std::string(e.what()).find(words) != std::string::npos, e.what());
    }
}

// The body is refused with errc::parse naming `words`, and is not a torn line.
void body_rejected(const std::string& body, const std::string& words) {
    CHECK(p2pcdn::journal_line_intact(with_crc(body)));
    rejected(with_crc(body), errc::parse, words);
}

holding published_holding() {
    holding h;
    h.piece = 3;
    h.state = holding_state::published;
    h.uri = uri3;
    h.bytes = 262144;
    h.ingested_at_ms = t0;
    h.object_expires_at_ms = t0 + 3600000;
    h.object_gone_at_ms = t0 + 3600850;
    h.advertised_expires_at_ms = t0 + 3300000;
    return h;
}

// published_holding() with a re-upload of a one-hour TTL started 50 minutes in.
holding reuploading_holding() {
    holding h = published_holding();
    h.reupload_started_at_ms = t0 + 3000000;
    h.reupload_ttl_ms = 3600000;
    h.object_gone_at_ms = t0 + 6600000;
    return h;
}

std::vector<journal_record> one_of_each() {
    holding purging = published_holding();
    purging.piece = 4;
    purging.state = holding_state::purging;
    purging.advertised_expires_at_ms = 0;
    purging.purge_attempts = 7;
    return {
        journal_record::make_header({1, "ccs-1", "movie-1", 10}),
        journal_record::make_snapshot(published_holding()),
        journal_record::make_snapshot(purging),
        journal_record::make_header({2, "ccs-1", "movie-1", 10}),
        journal_record::make_snapshot(reuploading_holding()),
        journal_record::make_totals(0),
        journal_record::make_totals(943718.4),
        journal_record::make_totals(1e300),
        journal_record::ingest_started(3, t0, uri3, 262144, 3600000),
        journal_record::ingest_confirmed(3, t0 + 850),
        journal_record::ingest_failed(4, t0, false),
        journal_record::ingest_failed(4, t0, true),
        journal_record::published(3, t0 + 900, t0 + 3300000),
        journal_record::renewed(3, t0 + 901, t0 + 3300001),
        journal_record::withdrawn(3, 0),
        journal_record::purge_started(3, p2pcdn::max_journal_time_ms),
        journal_record::purge_confirmed(p2pcdn::bitmap::max_bits - 1, t0),
        journal_record::expired(0, t0),
        journal_record::reupload_started(3, t0, p2pcdn::max_journal_ttl_ms),
        journal_record::reupload_confirmed(3, t0 + 1),
        journal_record::reupload_failed(3, t0 + 2, false),
        journal_record::reupload_failed(3, t0 + 2, true),
    };
}

}  // namespace

TEST_SUITE("wire.journal_record") {
    TEST_CASE("CRC-32C: the check value, the empty string, and continuation") {
        CHECK(p2pcdn::crc32c("123456789") == 0xE3069283u);
        CHECK(p2pcdn::crc32c("") == 0u);
        CHECK(p2pcdn::crc32c("6789", p2pcdn::crc32c("12345")) == 0xE3069283u);
        CHECK(p2pcdn::crc32c(std::string(32, '\0')) == 0x8A9136AAu);  // RFC 3720 B.4
    }

    TEST_CASE("the documented lines, checksums from an independent implementation") {
        // docs/protocol.md, "NSCF holdings journal".
        const std::vector<std::pair<journal_record, std::string>> lines = {
            {journal_record::make_header({1, "ccs-1", "movie-1", 10}),
             "header version=1 controller=ccs-1 content=movie-1 pieces=10 crc=6cf91f7f"},
            {journal_record::ingest_started(3, t0, uri3, 262144, 3600000),
             "ingest_started piece=3 at=1764000000000 uri=http://cdn.example/movie-1/3 "
             "bytes=262144 ttl=3600000 crc=e3006e1d"},
            {journal_record::ingest_confirmed(3, t0 + 850),
             "ingest_confirmed piece=3 at=1764000000850 crc=a5c91b7b"},
            {journal_record::published(3, t0 + 900, t0 + 3300000),
             "published piece=3 at=1764000000900 expires=1764003300000 crc=22f0ade9"},
            {journal_record::ingest_failed(4, t0 + 31000, true),
             "ingest_failed piece=4 at=1764000031000 uncertain=1 crc=1dfd19bf"},
            {journal_record::purge_started(4, t0 + 31100),
             "purge_started piece=4 at=1764000031100 crc=dc900ede"},
            {journal_record::make_snapshot(published_holding()),
             "snapshot piece=3 state=published uri=http://cdn.example/movie-1/3 bytes=262144 "
             "ingested_at=1764000000000 object_expires=1764003600000 object_gone=1764003600850 "
             "advertised_expires=1764003300000 purge_attempts=0 crc=9b136740"},
            {journal_record::make_totals(943718.4), "totals retired_byte_s=943718.4 crc=1718af1a"},
            // Version 2: a re-upload with a new one-hour TTL 50 minutes in.
            {journal_record::make_header({2, "ccs-1", "movie-1", 10}),
             "header version=2 controller=ccs-1 content=movie-1 pieces=10 crc=cc0a733e"},
            {journal_record::reupload_started(3, t0 + 3000000, 3600000),
             "reupload_started piece=3 at=1764003000000 ttl=3600000 crc=0727be54"},
            {journal_record::reupload_confirmed(3, t0 + 3000700),
             "reupload_confirmed piece=3 at=1764003000700 crc=0472c572"},
            {journal_record::reupload_failed(3, t0 + 3000700, true),
             "reupload_failed piece=3 at=1764003000700 uncertain=1 crc=9356f6e6"},
            {journal_record::renewed(3, t0 + 3000800, t0 + 6300000),
             "renewed piece=3 at=1764003000800 expires=1764006300000 crc=9f2b96f2"},
            {journal_record::make_snapshot(reuploading_holding()),
             "snapshot piece=3 state=published uri=http://cdn.example/movie-1/3 bytes=262144 "
             "ingested_at=1764000000000 object_expires=1764003600000 object_gone=1764006600000 "
             "advertised_expires=1764003300000 purge_attempts=0 reupload_at=1764003000000 "
             "reupload_ttl=3600000 crc=c67630a0"},
        };
        for (const auto& [record, line] : lines) {
            CHECK(p2pcdn::encode_journal_record(record) == line);
            CHECK(p2pcdn::decode_journal_record(line) == record);
        }
    }

    TEST_CASE("every kind round-trips, and the decoded record encodes to the same line") {
        for (const journal_record& r : one_of_each()) {
            const std::string line = p2pcdn::encode_journal_record(r);
            CAPTURE(line);
            CHECK(line.find('\n') == std::string::npos);
            CHECK(line.size() <= p2pcdn::max_journal_line_bytes);
            CHECK(p2pcdn::journal_line_intact(line));
            const journal_record back = p2pcdn::decode_journal_record(line);
            CHECK(back == r);
            CHECK(p2pcdn::encode_journal_record(back) == line);
        }
    }

    TEST_CASE("a snapshot with the longest URI fits the line limit") {
        holding h = published_holding();
        h.uri = "http://cdn.example/" + std::string(2048 - 19, 'a');
        h.piece = p2pcdn::bitmap::max_bits - 1;
        h.bytes = p2pcdn::content_layout::max_piece_length;
        const std::string line = p2pcdn::encode_journal_record(journal_record::make_snapshot(h));
        CHECK(line.size() <= p2pcdn::max_journal_line_bytes);
        CHECK(p2pcdn::decode_journal_record(line).snapshot == h);
    }

    TEST_CASE("kinds and states have their journal spellings") {
        CHECK(std::string(p2pcdn::to_string(journal_kind::purge_confirmed)) == "purge_confirmed");
        CHECK(std::string(p2pcdn::to_string(holding_state::withdrawn)) == "withdrawn");
        CHECK_FALSE(p2pcdn::is_transition(journal_kind::totals));
        CHECK(p2pcdn::is_transition(journal_kind::ingest_started));
        CHECK(p2pcdn::is_transition(journal_kind::expired));
        CHECK(p2pcdn::is_transition(journal_kind::reupload_started));
        CHECK(p2pcdn::is_transition(journal_kind::reupload_failed));
        CHECK_FALSE(p2pcdn::is_transition(static_cast<journal_kind>(15)));
        CHECK(std::string(p2pcdn::to_string(journal_kind::reupload_confirmed)) ==
              "reupload_confirmed");
    }

    TEST_CASE("torn and corrupted lines: the checksum frame") {
        const std::string line =
            p2pcdn::encode_journal_record(journal_record::ingest_confirmed(3, t0));
        // Every proper prefix is torn.
        for (std::size_t n = 0; n < line.size(); ++n) {
            CAPTURE(n);
            CHECK_FALSE(p2pcdn::journal_line_intact(line.substr(0, n)));
            CHECK(code_of([&] { p2pcdn::decode_journal_record(line.substr(0, n)); }) ==
                  errc::parse);
        }
        // Every flipped byte is detected.
        for (std::size_t i = 0; i < line.size(); ++i) {
            std::string bad = line;
            bad[i] = static_cast<char>(bad[i] ^ 0x01);
            CAPTURE(bad);
            CHECK_FALSE(p2pcdn::journal_line_intact(bad));
            CHECK(code_of([&] { p2pcdn::decode_journal_record(bad); }) == errc::parse);
        }
        rejected("ingest_confirmed piece=3 at=1", errc::parse, "field 'crc' is missing");
        std::string upper = line;
        upper.replace(upper.size() - 8, 8, "ABCDEF01");
        rejected(upper, errc::parse, "lower-case hex");
        std::string wrong = line;
        wrong.replace(wrong.size() - 8, 8, "00000000");
        rejected(wrong, errc::parse, "the line's checksum is");
        rejected(line + "\n", errc::parse, "field 'crc'");
    }

    TEST_CASE("a line above the limit is errc::limit before anything else") {
        const std::string body = "totals retired_byte_s=" + std::string(4096, '1');
        rejected(with_crc(body), errc::limit, "above the limit 4096");
        CHECK_FALSE(p2pcdn::journal_line_intact(with_crc(body)));
    }

    TEST_CASE("syntax: kinds, field names, order, separators") {
        body_rejected("", "record kind '' is unknown");
        body_rejected("sideways piece=3 at=1", "record kind 'sideways' is unknown");
        body_rejected("ingest_confirmed", "field 'piece' is missing");
        body_rejected("ingest_confirmed piece=3", "field 'at' is missing");
        body_rejected("ingest_confirmed at=1 piece=3", "field 'piece' is missing where 'at' is");
        body_rejected("ingest_confirmed piece=3 at=1 at=1", "field 'at' is not expected");
        body_rejected("ingest_confirmed piece=3 at=1 extra=2", "field 'extra' is not expected");
        body_rejected("ingest_confirmed piece=3  at=1", "field 'at' is missing where '' is");
        body_rejected("ingest_confirmed piece=3 at=1 ", "field '' is not expected");
        body_rejected("ingest_confirmed piece= at=1", "field 'piece' is empty");
        body_rejected("ingest_confirmed piece at=1", "field 'piece' is missing where 'piece' is");
        body_rejected("ingest_confirmed pieces=3 at=1", "field 'piece' is missing where 'pieces'");
        body_rejected(" ingest_confirmed piece=3 at=1", "record kind '' is unknown");
    }

    TEST_CASE("integers are canonical unsigned decimals within their type") {
        body_rejected("ingest_confirmed piece=03 at=1", "field 'piece' is not a canonical");
        body_rejected("ingest_confirmed piece=+3 at=1", "field 'piece' is not a canonical");
        body_rejected("ingest_confirmed piece=3 at=-1", "field 'at' is not a canonical");
        body_rejected("ingest_confirmed piece=3 at=1x", "field 'at' is not a canonical");
        body_rejected("ingest_confirmed piece=3 at=0x10", "field 'at' is not a canonical");
        body_rejected("ingest_confirmed piece=3 at=9223372036854775808", "field 'at' is above");
        body_rejected("ingest_confirmed piece=3 at=99999999999999999999", "field 'at' is above");
        body_rejected("header version=4294967296 controller=a content=b pieces=1",
                      "field 'version' is above 4294967295");
        CHECK(p2pcdn::decode_journal_record(with_crc("ingest_confirmed piece=0 at=0")) ==
              journal_record::ingest_confirmed(0, 0));
    }

    TEST_CASE("values out of bounds name their field") {
        const auto max_time = std::to_string(p2pcdn::max_journal_time_ms);
        body_rejected("ingest_confirmed piece=67108864 at=1", "field 'piece' is 67108864");
        body_rejected(
            "ingest_confirmed piece=1 at=" + std::to_string(p2pcdn::max_journal_time_ms + 1),
            "field 'at' is 9007199254740993, expected 0 to");
        body_rejected("ingest_failed piece=1 at=1 uncertain=2", "field 'uncertain' is '2'");
        body_rejected("published piece=1 at=5 expires=5", "field 'expires' is 5, not after 'at' 5");
        body_rejected(
            "renewed piece=1 at=5 expires=" + std::to_string(p2pcdn::max_journal_time_ms + 1),
            "field 'expires' is");
        body_rejected("ingest_started piece=1 at=1 uri=http://a/1 bytes=1 ttl=0",
                      "field 'ttl' is 0");
        body_rejected("ingest_started piece=1 at=1 uri=http://a/1 bytes=1 ttl=1099511627777",
                      "field 'ttl' is 1099511627777");
        body_rejected("ingest_started piece=1 at=1 uri=http://a/1 bytes=0 ttl=1", "bytes is 0");
        body_rejected("ingest_started piece=1 at=1 uri=http://a/1 bytes=1073741825 ttl=1",
                      "bytes is 1073741825");
        body_rejected("ingest_started piece=1 at=1 uri=ftp://a/1 bytes=1 ttl=1", "piece 1 uri:");
        body_rejected("ingest_started piece=1 at=1 uri=http://a/{piece} bytes=1 ttl=1",
                      "uri has a '{' or '}'");
        body_rejected("header version=3 controller=a content=b pieces=1",
                      "field 'version' is 3, expected 1 to 2");
        body_rejected("header version=0 controller=a content=b pieces=1",
                      "field 'version' is 0, expected 1 to 2");
        body_rejected("reupload_started piece=1 at=1 ttl=0", "field 'ttl' is 0");
        body_rejected("reupload_started piece=1 at=1 ttl=1099511627777",
                      "field 'ttl' is 1099511627777");
        body_rejected("reupload_started piece=1 at=1", "field 'ttl' is missing");
        body_rejected("reupload_confirmed piece=1 at=1 ttl=5", "field 'ttl' is not expected");
        body_rejected("reupload_failed piece=1 at=1 uncertain=2", "field 'uncertain' is '2'");
        body_rejected("reupload_failed piece=1 at=1", "field 'uncertain' is missing");
        body_rejected("header version=1 controller=a/b content=b pieces=1",
                      "field 'controller': content id has character '/'");
        body_rejected("header version=1 controller=a content=b%20 pieces=1", "field 'content'");
        body_rejected("header version=1 controller=a content=b pieces=0", "field 'pieces' is 0");
        body_rejected("header version=1 controller=a content=b pieces=67108865",
                      "field 'pieces' is 67108865");
        CHECK(max_time == "9007199254740992");
    }

    TEST_CASE("totals: canonical finite non-negative numbers only") {
        for (const char* bad :
             {"1.0", "-0", "-1", "nan", "inf", "1e400", "1E+20", "+1", ".5", "0.50", "1e+20x"}) {
            CAPTURE(bad);
            body_rejected(std::string("totals retired_byte_s=") + bad, "field 'retired_byte_s'");
        }
        for (const double good : {0.0, 0.5, 1e20, 123456789.125, 5e-324}) {
            const journal_record r = journal_record::make_totals(good);
            CHECK(p2pcdn::decode_journal_record(p2pcdn::encode_journal_record(r)) == r);
        }
    }

    TEST_CASE("snapshots must be consistent holdings") {
        const auto snapshot_body = [](const std::string& state, const std::string& gone,
                                      const std::string& advertised, const std::string& attempts) {
            return "snapshot piece=3 state=" + state +
                   " uri=http://cdn.example/movie-1/3 bytes=262144 ingested_at=1000 "
                   "object_expires=5000 object_gone=" +
                   gone + " advertised_expires=" + advertised + " purge_attempts=" + attempts;
        };
        CHECK(p2pcdn::decode_journal_record(with_crc(snapshot_body("stored", "6000", "0", "0")))
                  .snapshot.state == holding_state::stored);
        body_rejected(snapshot_body("gone", "6000", "0", "0"), "field 'state' is 'gone'");
        body_rejected(snapshot_body("published", "6000", "0", "0"), "advertised_expires is 0");
        body_rejected(snapshot_body("published", "6000", "5001", "0"),
                      "advertised_expires is 5001");
        body_rejected(snapshot_body("stored", "6000", "4000", "0"),
                      "is stored with advertised_expires 4000");
        body_rejected(snapshot_body("purging", "6000", "0", "0"), "purging with 0 purge attempts");
        body_rejected(snapshot_body("withdrawn", "6000", "0", "1"),
                      "withdrawn with 1 purge attempts");
        body_rejected(snapshot_body("stored", "4999", "0", "0"), "object_gone is 4999");
        body_rejected(snapshot_body("ingesting", "6000", "0", "0"),
                      "ingesting with object_gone 6000");
        body_rejected(
            "snapshot piece=3 state=stored uri=http://a/3 bytes=1 ingested_at=1000 "
            "object_expires=1000 object_gone=1000 advertised_expires=0 purge_attempts=0",
            "object_expires is 1000");
    }

    TEST_CASE("snapshots: the re-upload pair, present exactly while one is in flight") {
        const auto body = [](const std::string& state, const std::string& attempts,
                             const std::string& gone, const std::string& tail) {
            return "snapshot piece=3 state=" + state +
                   " uri=http://cdn.example/movie-1/3 bytes=262144 ingested_at=1000 "
                   "object_expires=5000 object_gone=" +
                   gone + " advertised_expires=0 purge_attempts=" + attempts + tail;
        };
        for (const char* state : {"stored", "withdrawn"}) {
            CAPTURE(state);
            const holding h =
                p2pcdn::decode_journal_record(
                    with_crc(body(state, "0", "9000", " reupload_at=4000 reupload_ttl=5000")))
                    .snapshot;
            CHECK(h.reuploading());
            CHECK(h.reupload_started_at_ms == 4000);
            CHECK(h.reupload_ttl_ms == 5000);
        }
        // A version 1 snapshot (no pair) is a holding with no re-upload.
        CHECK_FALSE(p2pcdn::decode_journal_record(with_crc(body("stored", "0", "9000", "")))
                        .snapshot.reuploading());
        body_rejected(body("stored", "0", "9000", " reupload_at=0 reupload_ttl=0"),
                      "field 'reupload_ttl' is 0");
        body_rejected(body("stored", "0", "9000", " reupload_at=4000"),
                      "field 'reupload_ttl' is missing");
        body_rejected(body("stored", "0", "9000", " reupload_ttl=5000 reupload_at=4000"),
                      "field 'reupload_at' is missing where 'reupload_ttl' is");
        body_rejected(body("stored", "0", "9000", " reupload_at=4000 reupload_ttl=5000 x=1"),
                      "field 'x' is not expected");
        body_rejected(body("stored", "0", "9000", " reupload_at=4000 reupload_ttl=1099511627777"),
                      "reupload_ttl is 1099511627777");
        body_rejected(body("stored", "0", "9000", " reupload_at=9007199254740993 reupload_ttl=1"),
                      "reupload_at is 9007199254740993");
        body_rejected(body("ingesting", "0", "5000", " reupload_at=4000 reupload_ttl=5000"),
                      "is ingesting with a re-upload in flight");
        body_rejected(body("purging", "1", "9000", " reupload_at=4000 reupload_ttl=5000"),
                      "is purging with a re-upload in flight");
        // It must outlast the object's expiry, and its end must be tracked in object_gone.
        body_rejected(body("stored", "0", "9000", " reupload_at=2000 reupload_ttl=3000"),
                      "re-upload ends at 5000, expected after object_expires 5000");
        body_rejected(body("stored", "0", "8999", " reupload_at=4000 reupload_ttl=5000"),
                      "re-upload ends at 9000");
    }

    TEST_CASE("the encoder refuses, with errc::invalid, what the decoder would") {
        const auto refused = [](const journal_record& r) {
            CHECK(code_of([&] { p2pcdn::encode_journal_record(r); }) == errc::invalid);
        };
        refused(journal_record::make_header({1, "", "movie-1", 10}));
        refused(journal_record::make_header({1, "ccs 1", "movie-1", 10}));
        refused(journal_record::make_header({1, "ccs-1", "movie-1", 0}));
        refused(journal_record::make_totals(-1));
        refused(journal_record::make_totals(std::numeric_limits<double>::infinity()));
        refused(journal_record::make_totals(std::numeric_limits<double>::quiet_NaN()));
        refused(journal_record::make_totals(-0.0));
        refused(journal_record::ingest_started(3, t0, "http://a b/3", 1, 1));
        refused(journal_record::ingest_started(3, t0, uri3, 1, 0));
        refused(journal_record::ingest_started(3, t0, uri3, 1,
                                               std::numeric_limits<std::int64_t>::max()));
        refused(journal_record::ingest_started(3, -1, uri3, 1, 1));
        refused(journal_record::published(3, t0, t0));
        refused(journal_record::withdrawn(p2pcdn::bitmap::max_bits, t0));
        holding h = published_holding();
        h.purge_attempts = 1;
        refused(journal_record::make_snapshot(h));
        h = published_holding();
        h.reupload_started_at_ms = t0;  // without a TTL: no re-upload, so no start either
        refused(journal_record::make_snapshot(h));
        refused(journal_record::make_header({3, "ccs-1", "movie-1", 10}));
        refused(journal_record::reupload_started(3, t0, 0));
        refused(journal_record::reupload_started(3, t0, p2pcdn::max_journal_ttl_ms + 1));
        refused(journal_record::reupload_confirmed(3, -1));
        journal_record unknown = journal_record::expired(1, 1);
        unknown.kind = static_cast<journal_kind>(42);
        refused(unknown);
    }
}
