// The holdings journal of one controller (docs/protocol.md, "NSCF holdings journal"): an
// append-only file of journal records, one per line, each made durable (fsync) before
// append() returns, so a controller that acts only after append() returned never acts on
// something a crash could make it forget. Opening replays the file into holdings; compaction
// rewrites it as a snapshot of the live holdings.
//
// One file per controller, held under an exclusive flock(2) for the journal's lifetime, so a
// second controller (process or object) cannot open it. One thread at a time.
//
// Crash safety: a kill -9 or power loss during append leaves at most the last line torn (no
// newline, or a checksum that does not match); opening drops it and truncates it away, which
// restores the state before that append, which had not returned. Compaction writes a temporary
// file in the same directory, fsyncs it, renames it over the journal and fsyncs the
// directory, so the path always names a complete journal, old or new.
#pragma once

#include "nscf/holdings.hpp"
#include "nscf/locked_file.hpp"
#include "wire/journal_record.hpp"

#include <cstddef>
#include <cstdint>
#include <string>

namespace p2pcdn::nscf {

struct journal_options {
    // Automatic compaction once the file is above both min_compact_bytes and compact_ratio
    // times the live size (what a compaction would write).
    std::uint64_t min_compact_bytes = std::uint64_t{1} << 20;
    std::uint32_t compact_ratio = 4;  // at least 2
    // A larger file is refused on open (errc::limit) rather than read into memory.
    std::uint64_t max_file_bytes = std::uint64_t{1} << 30;
};

// What opening found.
struct replay_report {
    bool created = false;             // the file was new or empty: the header was written
    std::size_t records = 0;          // records read, the header included
    std::uint64_t dropped_bytes = 0;  // a torn last record, truncated away
    bool upgraded = false;  // the file had an older format version: compacted into the current
};

class journal {
public:
    // Opens (creating it when missing) and locks the journal at `path`, removes a temporary
    // file a compaction interrupted by a crash left, replays the records into state(), drops
    // a torn last record, and writes `header` into a new or empty file. A file of an older
    // format version (header.version aside, the same header) is compacted at once, so it is
    // rewritten with the current version (errc::io when that fails). Compacts when the
    // file is already past the threshold (a failure is only noted, as for append()).
    //
    // Throws, changing nothing in the file: errc::state when another controller holds the
    // lock, or the file's header is not `header` (another controller, content or piece
    // count); errc::parse naming the line for a record before the last that is not whole or
    // does not decode, a first record that is not a header, a header, snapshot or totals
    // record out of place, or a transition the holdings refuse; errc::limit for a file above
    // max_file_bytes; errc::io with the path and strerror for a failed system call;
    // errc::invalid for a bad header (or one of another version than journal_format_version)
    // or options.
    journal(std::string path, journal_header header, journal_options options = {});
    journal(const journal&) = delete;
    journal& operator=(const journal&) = delete;

    const std::string& path() const noexcept { return path_; }
    const journal_header& header() const noexcept { return header_; }
    const holdings& state() const noexcept { return state_; }
    const replay_report& replayed() const noexcept { return replayed_; }

    // Checks the transition against state() (holdings::check, margin_ms included), writes its
    // line, fsyncs, then applies it to state(); compacts afterwards when due. Throws what
    // check() throws with nothing written, and errc::io when writing or syncing fails: the
    // line is truncated away when possible, state() is unchanged, and the journal refuses
    // every later call (usable() is false) until it is opened again, since after a failed
    // fsync the file's content on disk is unknown.
    void append(const journal_record& record, std::int64_t margin_ms = 0);

    // Rewrites the file as the header, state()'s snapshot records and its totals record.
    // errc::io on failure: before the rename the journal is unchanged and still usable; a
    // failed directory fsync after it leaves it unusable.
    void compact();

    bool usable() const noexcept { return usable_; }
    std::uint64_t file_bytes() const noexcept { return file_bytes_; }
    // What compact() would write now.
    std::uint64_t live_bytes() const noexcept;
    std::size_t compactions() const noexcept { return compactions_; }
    // Why the last automatic compaction failed; empty when it succeeded or none was tried.
    // The next one is tried after min_compact_bytes more of growth.
    const std::string& compaction_error() const noexcept { return compaction_error_; }

private:
    void replay();
    void check_usable() const;
    void maybe_compact();
    std::uint64_t snapshot_line_bytes(std::size_t piece) const;
    std::string temporary_path() const { return path_ + ".tmp"; }

    std::string path_;
    journal_header header_;
    journal_options options_;
    locked_file file_;
    holdings state_;
    replay_report replayed_;
    bool usable_ = true;
    std::uint64_t file_bytes_ = 0;
    std::uint64_t header_line_bytes_ = 0;
    std::uint64_t holding_lines_bytes_ = 0;  // the snapshot lines of state(), newlines included
    std::uint64_t next_compact_bytes_ = 0;   // after a failed automatic compaction
    std::size_t compactions_ = 0;
    std::string compaction_error_;
};

}  // namespace p2pcdn::nscf
