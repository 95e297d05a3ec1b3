// The NSCF holdings journal (src/nscf/journal.hpp) on real files in a temporary directory:
// append and replay, torn tails at every byte, corruption, compaction, the lock, I/O errors,
// and processes killed with SIGKILL while appending.
#include <doctest/doctest.h>

#include <signal.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdint>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <random>
#include <string>
#include <vector>

#include "nscf/journal.hpp"
#include "test_support.hpp"

using p2pcdn::errc;
using p2pcdn::holding_state;
using p2pcdn::journal_header;
using p2pcdn::journal_record;
using p2pcdn::nscf::holdings;
using p2pcdn::nscf::journal;
using p2pcdn::nscf::journal_options;
using p2pcdn::test::code_of;

namespace {

constexpr std::int64_t t0 = 1764000000000;
constexpr std::int64_t ttl = 1000000000;  // long enough for every script step to advertise
constexpr std::size_t pieces = 16;

const journal_header header{p2pcdn::journal_format_version, "ccs-1", "movie-1", pieces};

class temp_dir {
public:
    temp_dir() {
        std::string pattern =
            (std::filesystem::temp_directory_path() / "p2pcdn-journal-XXXXXX").string();
        REQUIRE(::mkdtemp(pattern.data()) != nullptr);
        path_ = pattern;
    }
    ~temp_dir() {
        std::error_code ignored;
        std::filesystem::remove_all(path_, ignored);
    }
    temp_dir(const temp_dir&) = delete;
    temp_dir& operator=(const temp_dir&) = delete;

    std::string file(const std::string& name) const { return path_ + "/" + name; }

private:
    std::string path_;
};

std::string read_file(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

void write_file(const std::string& path, const std::string& content) {
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out << content;
}

// A long, valid run of transitions over the first `span` pieces: each piece in turn is
// ingested, confirmed, published, renewed, withdrawn, purged twice (a retry) and confirmed
// purged, then starts again; every fifth cycle an ingest fails uncertainly and is purged
// instead.
std::vector<journal_record> script(std::size_t count, std::size_t span = pieces) {
    std::vector<journal_record> out;
    out.reserve(count);
    for (std::size_t i = 0; i < count; ++i) {
        const std::size_t piece = i % span;
        const std::size_t round = i / span;
        const std::int64_t at = t0 + static_cast<std::int64_t>(i) * 1000;
        const bool failing = round / 8 % 5 == 4;
        switch (round % 8) {
            case 0:
                out.push_back(journal_record::ingest_started(
                    piece, at, "http://cdn.example/movie-1/" + std::to_string(piece), 1000 + piece,
                    ttl));
                break;
            case 1:
                out.push_back(failing ? journal_record::ingest_failed(piece, at, true)
                                      : journal_record::ingest_confirmed(piece, at));
                break;
            case 2:
                out.push_back(failing ? journal_record::purge_started(piece, at)
                                      : journal_record::published(piece, at, at + 1000000));
                break;
            case 3:
                out.push_back(failing ? journal_record::purge_started(piece, at)
                                      : journal_record::renewed(piece, at, at + 2000000));
                break;
            case 4:
                out.push_back(failing ? journal_record::purge_started(piece, at)
                                      : journal_record::withdrawn(piece, at));
                break;
            case 5:
            case 6: out.push_back(journal_record::purge_started(piece, at)); break;
            default: out.push_back(journal_record::purge_confirmed(piece, at)); break;
        }
    }
    return out;
}

holdings applied(const std::vector<journal_record>& records, std::size_t count) {
    holdings h(pieces);
    for (std::size_t i = 0; i < count; ++i) h.apply(records[i]);
    return h;
}

// Error code and message of opening `path`.
std::pair<errc, std::string> open_failure(const std::string& path, const journal_header& h = header,
                                          const journal_options& options = {}) {
    try {
        journal j(path, h, options);
    } catch (const p2pcdn::error& e) {
        return {e.code(), e.what()};
    }
    return {errc::ok, ""};
}

}  // namespace

TEST_SUITE("nscf.journal") {
    TEST_CASE("a new journal holds its header, reopening replays every record") {
        temp_dir dir;
        const std::string path = dir.file("ccs.journal");
        const auto records = script(200);
        {
            journal j(path, header);
            CHECK(j.replayed().created);
            CHECK(j.replayed().records == 1);
            CHECK(j.state().size() == 0);
            CHECK(read_file(path) ==
                  p2pcdn::encode_journal_record(journal_record::make_header(header)) + "\n");
            for (const auto& r : records) j.append(r);
            CHECK(j.state() == applied(records, records.size()));
            CHECK(j.file_bytes() == read_file(path).size());
            CHECK(j.compactions() == 0);
        }
        journal again(path, header);
        CHECK_FALSE(again.replayed().created);
        CHECK(again.replayed().records == 201);
        CHECK(again.replayed().dropped_bytes == 0);
        CHECK(again.state() == applied(records, records.size()));
        CHECK(again.state().size() > 0);
    }

    TEST_CASE("every record kind goes through the file") {
        temp_dir dir;
        const std::string path = dir.file("j");
        const std::string uri = "http://cdn.example/m/";
        const std::vector<journal_record> records = {
            journal_record::ingest_started(1, t0, uri + "1", 10, ttl),
            journal_record::ingest_started(2, t0, uri + "2", 20, ttl),
            journal_record::ingest_started(3, t0, uri + "3", 30, 5000),
            journal_record::ingest_confirmed(1, t0 + 1),
            journal_record::ingest_failed(2, t0 + 2, true),
            journal_record::ingest_failed(3, t0 + 3, false),
            journal_record::published(1, t0 + 4, t0 + 100000),
            journal_record::renewed(1, t0 + 5, t0 + 200000),
            journal_record::withdrawn(1, t0 + 6),
            journal_record::purge_started(1, t0 + 7),
            journal_record::purge_confirmed(1, t0 + 8),
            journal_record::ingest_started(4, t0, uri + "4", 40, 5000),
            journal_record::ingest_confirmed(4, t0 + 9),
            journal_record::expired(4, t0 + 9 + 5000),
            // Version 2: a re-upload confirmed, one failed uncertainly, one left in flight.
            journal_record::ingest_started(5, t0, uri + "5", 50, 5000),
            journal_record::ingest_confirmed(5, t0 + 10),
            journal_record::reupload_started(5, t0 + 11, 8000),
            journal_record::reupload_confirmed(5, t0 + 12),
            journal_record::reupload_started(5, t0 + 13, 9000),
            journal_record::reupload_failed(5, t0 + 14, true),
            journal_record::reupload_started(5, t0 + 15, 9000),
        };
        {
            journal j(path, header);
            for (const auto& r : records) j.append(r, 1000);
        }
        journal again(path, header);
        CHECK(again.state() == applied(records, records.size()));
        CHECK(again.state().size() == 2);
        CHECK(again.state().find(2)->state == holding_state::withdrawn);
        CHECK(again.state().find(5)->object_expires_at_ms == t0 + 11 + 8000);
        CHECK(again.state().reuploads() == std::vector<std::size_t>{5});
        // Compacted, the re-upload in flight is in its snapshot.
        again.compact();
        CHECK(read_file(path).find(" reupload_at=") != std::string::npos);
        CHECK(again.state().retired_byte_seconds() > 0);
    }

    TEST_CASE("append refuses what the holdings refuse, writing nothing") {
        temp_dir dir;
        const std::string path = dir.file("j");
        journal j(path, header);
        const auto size = j.file_bytes();
        CHECK(code_of([&] { j.append(journal_record::published(1, t0, t0 + 5)); }) == errc::state);
        CHECK(code_of([&] { j.append(journal_record::make_header(header)); }) == errc::invalid);
        CHECK(code_of([&] { j.append(journal_record::withdrawn(pieces, t0)); }) == errc::range);
        j.append(journal_record::ingest_started(1, t0, "http://a/1", 1, 1000));
        j.append(journal_record::ingest_confirmed(1, t0));
        // The margin applies when appending.
        CHECK(code_of([&] { j.append(journal_record::published(1, t0, t0 + 901), 100); }) ==
              errc::state);
        j.append(journal_record::published(1, t0, t0 + 900), 100);
        CHECK(j.usable());
        CHECK(read_file(path).size() == j.file_bytes());
        CHECK(j.file_bytes() > size);
    }

    TEST_CASE("a torn last record, cut at every byte, gives back the state before it") {
        temp_dir dir;
        const std::string path = dir.file("j");
        const auto records = script(40);
        std::string before;
        std::string full;
        {
            journal j(path, header);
            for (std::size_t i = 0; i + 1 < records.size(); ++i) j.append(records[i]);
            before = read_file(path);
            j.append(records.back());
            full = read_file(path);
        }
        const holdings expected_before = applied(records, records.size() - 1);
        REQUIRE(full.size() > before.size());
        for (std::size_t cut = before.size(); cut < full.size(); ++cut) {
            CAPTURE(cut);
            write_file(path, full.substr(0, cut));
            journal j(path, header);
            CHECK(j.state() == expected_before);
            CHECK(j.replayed().dropped_bytes == cut - before.size());
            CHECK(read_file(path) == before);
            CHECK(j.file_bytes() == before.size());
        }
        // Whole, it is kept; and the journal goes on from a recovered tail.
        write_file(path, full);
        {
            journal j(path, header);
            CHECK(j.state() == applied(records, records.size()));
        }
        write_file(path, full.substr(0, full.size() - 3));
        {
            journal j(path, header);
            j.append(records.back());
            CHECK(read_file(path) == full);
        }
    }

    TEST_CASE("a last line whose checksum fails, or a tail of zeros, is dropped too") {
        temp_dir dir;
        const std::string path = dir.file("j");
        const auto records = script(20);
        std::string full;
        {
            journal j(path, header);
            for (const auto& r : records) j.append(r);
            full = read_file(path);
        }
        const auto last_start = full.rfind('\n', full.size() - 2) + 1;
        std::string flipped = full;
        flipped[last_start + 5] = static_cast<char>(flipped[last_start + 5] ^ 0x20);
        write_file(path, flipped);
        {
            journal j(path, header);
            CHECK(j.state() == applied(records, records.size() - 1));
            CHECK(j.replayed().dropped_bytes == full.size() - last_start);
        }
        // A crash after the size grew but before the data landed leaves zeros.
        write_file(path, full + std::string(100, '\0'));
        {
            journal j(path, header);
            CHECK(j.state() == applied(records, records.size()));
            CHECK(j.replayed().dropped_bytes == 100);
        }
        // A torn header: the file starts over.
        write_file(path, full.substr(0, 10));
        {
            journal j(path, header);
            CHECK(j.replayed().created);
            CHECK(j.state().size() == 0);
        }
    }

    TEST_CASE("corruption before the end is errc::parse and changes nothing") {
        temp_dir dir;
        const std::string path = dir.file("j");
        const auto records = script(30);
        std::string full;
        {
            journal j(path, header);
            for (const auto& r : records) j.append(r);
            full = read_file(path);
        }
        const auto expect_parse = [&](const std::string& content, const std::string& words) {
            write_file(path, content);
            const auto [code, message] = open_failure(path);
            CHECK(code == errc::parse);
            CHECK_MESSAGE(message.find(words) != std::string::npos, message);
            CHECK(message.find(path) != std::string::npos);
            CHECK(read_file(path) == content);
        };
        // A flipped byte in every line but the last.
        std::size_t line = 1;
        for (std::size_t start = 0; start < full.size();) {
            const std::size_t end = full.find('\n', start);
            if (end + 1 == full.size()) {
                break;
            }
            std::string bad = full;
            bad[(start + end) / 2] = static_cast<char>(bad[(start + end) / 2] ^ 0x04);
            CAPTURE(line);
            expect_parse(bad, "line " + std::to_string(line) + ": field 'crc'");
            start = end + 1;
            ++line;
        }
        const std::string head = p2pcdn::encode_journal_record(journal_record::make_header(header));
        const auto line_of = [](const journal_record& r) {
            return p2pcdn::encode_journal_record(r) + "\n";
        };
        const std::string start1 =
            line_of(journal_record::ingest_started(1, t0, "http://a/1", 1, 9));
        expect_parse(start1 + head + "\n", "line 1: a ingest_started record, expected the header");
        expect_parse(head + "\n" + head + "\n" + start1, "line 2: a second header");
        expect_parse(head + "\n" + start1 + start1 + start1,
                     "line 3: piece 1 is ingesting: ingest_started refused");
        expect_parse(head + "\n" + start1 + line_of(journal_record::make_totals(1)) + start1,
                     "line 3: a totals record after a transition");
        expect_parse(head + "\n" + line_of(journal_record::make_totals(1)) +
                         line_of(journal_record::make_totals(2)) + start1,
                     "line 3: a second totals record");
        expect_parse(head + "\n" + "junk\n" + start1, "line 2: field 'crc' is missing");
        // A torn fragment after a bad last complete line: two damaged records.
        std::string two = full;
        two[full.size() - 5] = 'x';
        expect_parse(two + "torn", "field 'crc'");
        // A line over the limit is corruption, not a tear, when it is not last.
        expect_parse(head + "\n" + std::string(5000, 'a') + "\n" + start1, "line 2:");
    }

    TEST_CASE("a journal of another controller, content or piece count is errc::state") {
        temp_dir dir;
        const std::string path = dir.file("j");
        { journal j(path, header); }
        const std::string content = read_file(path);
        for (const journal_header& other : {journal_header{2, "ccs-2", "movie-1", pieces},
                                            journal_header{2, "ccs-1", "movie-2", pieces},
                                            journal_header{2, "ccs-1", "movie-1", pieces + 1}}) {
            const auto [code, message] = open_failure(path, other);
            CHECK(code == errc::state);
            CHECK(message.find("belongs to controller 'ccs-1', content 'movie-1' of 16 pieces") !=
                  std::string::npos);
            CHECK(read_file(path) == content);
        }
    }

    TEST_CASE("a version 1 journal is read, then rewritten as version 2 before anything else") {
        temp_dir dir;
        const std::string path = dir.file("j");
        // The lines a version 1 writer wrote (docs/protocol.md's example): no re-upload fields.
        const std::string v1 =
            p2pcdn::encode_journal_record(
                journal_record::make_header({1, "ccs-1", "movie-1", 16})) +
            "\n" +
            p2pcdn::encode_journal_record(
                journal_record::ingest_started(3, t0, "http://cdn.example/m/3", 10, ttl)) +
            "\n" + p2pcdn::encode_journal_record(journal_record::ingest_confirmed(3, t0 + 5)) +
            "\n";
        REQUIRE(v1.rfind("header version=1 ", 0) == 0);
        write_file(path, v1);
        {
            journal j(path, header);
            CHECK(j.replayed().upgraded);
            CHECK(j.compactions() == 1);
            CHECK(j.state().find(3)->state == holding_state::stored);
            const std::string text = read_file(path);
            CHECK(text.rfind(
                      p2pcdn::encode_journal_record(journal_record::make_header(header)) + "\n",
                      0) == 0);
            j.append(journal_record::reupload_started(3, t0 + 10, ttl));
        }
        journal again(path, header);
        CHECK_FALSE(again.replayed().upgraded);
        CHECK(again.state().find(3)->reuploading());
        // A journal is never written in an older version.
        CHECK(code_of([&] {
                  journal old(dir.file("k"), journal_header{1, "ccs-1", "movie-1", pieces});
              }) == errc::invalid);
    }

    TEST_CASE("compaction keeps the state, shrinks the file, and keeps the lock") {
        temp_dir dir;
        const std::string path = dir.file("j");
        const auto records = script(300);
        const auto more = script(350);
        {
            journal j(path, header);
            for (const auto& r : records) j.append(r);
            const auto grown = j.file_bytes();
            j.compact();
            CHECK(j.compactions() == 1);
            CHECK(j.file_bytes() < grown / 3);
            CHECK(j.file_bytes() == j.live_bytes());
            CHECK(read_file(path).size() == j.file_bytes());
            CHECK(j.state() == applied(records, records.size()));
            CHECK_FALSE(std::filesystem::exists(path + ".tmp"));
            // The lock moved to the new file with the rename.
            CHECK(open_failure(path).first == errc::state);
            for (std::size_t i = records.size(); i < more.size(); ++i) j.append(more[i]);
        }
        journal again(path, header);
        CHECK(again.state() == applied(more, more.size()));
        // The header, a snapshot per holding, the totals, then what followed the compaction.
        CHECK(again.replayed().records == 2 + applied(records, records.size()).size() + 50);
    }

    TEST_CASE("compaction runs by itself once the file outgrows the live size") {
        temp_dir dir;
        const std::string path = dir.file("j");
        journal_options options;
        options.min_compact_bytes = 1024;
        options.compact_ratio = 2;
        const auto records = script(300, 4);
        {
            journal j(path, header, options);
            for (const auto& r : records) {
                j.append(r);
                CHECK(j.file_bytes() <=
                      std::max<std::uint64_t>(options.min_compact_bytes, 2 * j.live_bytes()));
            }
            CHECK(j.compactions() > 3);
            CHECK(j.compaction_error().empty());
        }
        journal again(path, header, options);
        CHECK(again.state() == applied(records, records.size()));

        // An uncompacted journal past the threshold is compacted when opened.
        const std::string other = dir.file("k");
        {
            journal j(other, header);
            for (const auto& r : records) j.append(r);
        }
        journal opened(other, header, options);
        CHECK(opened.compactions() == 1);
        CHECK(opened.state() == applied(records, records.size()));
    }

    TEST_CASE("the lock refuses a second opener until the first closes") {
        temp_dir dir;
        const std::string path = dir.file("j");
        {
            journal first(path, header);
            const auto [code, message] = open_failure(path);
            CHECK(code == errc::state);
            CHECK(message == "journal " + path + " is locked by another controller");
        }
        CHECK(open_failure(path).first == errc::ok);
    }

    TEST_CASE("a temporary file a crashed compaction left is removed on open") {
        temp_dir dir;
        const std::string path = dir.file("j");
        { journal j(path, header); }
        write_file(path + ".tmp", "half a snapshot");
        journal j(path, header);
        CHECK_FALSE(std::filesystem::exists(path + ".tmp"));
    }

    TEST_CASE("bad arguments and system errors") {
        temp_dir dir;
        const auto missing = open_failure(dir.file("no/such/dir/j"));
        CHECK(missing.first == errc::io);
        CHECK(missing.second ==
              "open " + dir.file("no/such/dir/j") + " failed: No such file or directory");
        std::filesystem::create_directory(dir.file("d"));
        const auto directory = open_failure(dir.file("d"));
        CHECK(directory.first == errc::io);
        CHECK(directory.second.find("Is a directory") != std::string::npos);

        journal_header bad = header;
        bad.controller_id = "";
        CHECK(open_failure(dir.file("j"), bad).first == errc::invalid);
        journal_options ratio;
        ratio.compact_ratio = 1;
        CHECK(open_failure(dir.file("j"), header, ratio).first == errc::invalid);
        CHECK_FALSE(std::filesystem::exists(dir.file("j")));

        { journal j(dir.file("j"), header); }
        journal_options small;
        small.max_file_bytes = 10;
        CHECK(open_failure(dir.file("j"), header, small).first == errc::limit);
    }

    TEST_CASE("write failures: compaction fails cleanly, a failed append makes it unusable") {
        temp_dir dir;
        const std::string path = dir.file("j");
        const auto records = script(20);
        {
            journal j(path, header);
            for (const auto& r : records) j.append(r);
        }
        const std::string before = read_file(path);

        // In a child: the file size limit makes writes fail with EFBIG there only.
        const pid_t child = ::fork();
        REQUIRE(child >= 0);
        if (child == 0) {
            int failures = 0;
            try {
                ::signal(SIGXFSZ, SIG_IGN);
                journal j(path, header);
                const rlimit limit{before.size() + 30, RLIM_INFINITY};
                ::setrlimit(RLIMIT_FSIZE, &limit);
                // The snapshot is larger than the limit; the journal stays as it was.
                try {
                    j.compact();
                    failures |= 1;
                } catch (const p2pcdn::error& e) {
                    failures |= e.code() == errc::io ? 0 : 2;
                }
                failures |= j.usable() && !std::filesystem::exists(path + ".tmp") ? 0 : 4;
                // The line crosses the limit: part of it is written, then truncated away.
                try {
                    j.append(script(21).back());
                    failures |= 8;
                } catch (const p2pcdn::error& e) {
                    const std::string m = e.what();
                    failures |= e.code() == errc::io && m.find(path) != std::string::npos &&
                                        m.find("File too large") != std::string::npos
                                    ? 0
                                    : 16;
                }
                failures |= j.usable() ? 32 : 0;
                failures |= code_of([&] { j.append(script(21).back()); }) == errc::io ? 0 : 64;
            } catch (...) {
                failures |= 128;
            }
            ::_exit(failures);
        }
        int status = 0;
        REQUIRE(::waitpid(child, &status, 0) == child);
        REQUIRE(WIFEXITED(status));
        CHECK(WEXITSTATUS(status) == 0);
        CHECK(read_file(path) == before);
        journal j(path, header);
        CHECK(j.state() == applied(records, records.size()));
    }

    TEST_CASE("killed with SIGKILL anywhere: the journal replays a prefix of what was appended") {
        constexpr std::size_t count = 3000;
        // Two pieces keep the live size small, so compactions are frequent and kills land in
        // them too.
        const auto records = script(count, 2);
        journal_options options;
        options.min_compact_bytes = 512;
        options.compact_ratio = 2;
        std::mt19937 random(20240611);

        for (int iteration = 0; iteration < 30; ++iteration) {
            CAPTURE(iteration);
            temp_dir dir;
            const std::string path = dir.file("j");
            int acks[2];
            REQUIRE(::pipe(acks) == 0);
            const pid_t child = ::fork();
            REQUIRE(child >= 0);
            if (child == 0) {
                ::close(acks[0]);
                try {
                    journal j(path, header, options);
                    for (std::size_t i = 0; i < count; ++i) {
                        j.append(records[i]);
                        const char ack = 1;  // "record i is durable"
                        if (::write(acks[1], &ack, 1) != 1) {
                            ::_exit(3);
                        }
                    }
                } catch (...) {
                    ::_exit(2);
                }
                ::_exit(0);
            }
            ::close(acks[1]);
            ::usleep(std::uniform_int_distribution<useconds_t>(0, 60000)(random));
            ::kill(child, SIGKILL);
            int status = 0;
            REQUIRE(::waitpid(child, &status, 0) == child);
            CHECK((WIFSIGNALED(status) || (WIFEXITED(status) && WEXITSTATUS(status) == 0)));
            std::size_t acked = 0;
            char buffer[4096];
            for (ssize_t n; (n = ::read(acks[0], buffer, sizeof buffer)) > 0;) {
                acked += static_cast<std::size_t>(n);
            }
            ::close(acks[0]);

            // Every acknowledged record is there; the one in flight may be.
            journal j(path, header, options);
            holdings expected = applied(records, acked);
            bool found = j.state() == expected;
            if (!found && acked < count) {
                expected.apply(records[acked]);
                found = j.state() == expected;
            }
            CAPTURE(acked);
            CHECK(found);
        }
    }
}
