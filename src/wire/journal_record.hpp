// The NSCF holdings journal's records (docs/protocol.md, "NSCF holdings journal"): one record
// per line of text, "<kind> key=value ... crc=<8 hex>", where the CRC-32C covers everything
// before " crc=", so a torn or corrupted line is detected. The file starts with a header; a
// compacted file then has one snapshot record per live holding and a totals record; every
// change after that is one transition record. nscf::journal reads and writes the file and
// nscf::holdings applies the records.
#pragma once

#include "wire/holding.hpp"

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace p2pcdn {

// Version 2 added the re-upload records and the snapshot's re-upload fields. A version 1 file
// decodes as it is (it holds neither); nscf::journal rewrites it as version 2 before
// appending, so an older reader refuses a file it could not understand.
constexpr std::uint32_t journal_format_version = 2;
constexpr std::uint32_t min_journal_format_version = 1;
// Every line's bound, its newline excluded: a snapshot with a URI of max_cdn_uri_length fits.
constexpr std::size_t max_journal_line_bytes = 4096;

enum class journal_kind : int {
    header = 0,
    snapshot = 1,
    totals = 2,
    ingest_started = 3,    // before the upload is sent
    ingest_confirmed = 4,  // the upload is confirmed (or verified after a crash)
    ingest_failed = 5,     // the upload failed; `uncertain` when it may have reached the CDN
    published = 6,         // before the URI is sent to the tracker
    renewed = 7,           // before a new advertised expiry is sent to the tracker
    withdrawn = 8,         // the tracker confirmed the withdrawal
    purge_started = 9,     // before the purge is sent (each retry too)
    purge_confirmed = 10,  // the purge is confirmed
    expired = 11,          // the object's TTL has surely passed
    // Version 2: a renewal, the object uploaded again (overwritten) with a new TTL.
    reupload_started = 12,    // before the upload is sent
    reupload_confirmed = 13,  // the upload is confirmed
    reupload_failed = 14,     // the upload failed; `uncertain` when it may have reached the CDN
};

// The kind's spelling in the journal: "header", "ingest_started", ...
const char* to_string(journal_kind kind) noexcept;
// Every kind from ingest_started on.
bool is_transition(journal_kind kind) noexcept;

struct journal_header {
    std::uint32_t version = journal_format_version;
    std::string controller_id;  // same characters as a content id
    std::string content_id;
    std::size_t piece_count = 0;
};

bool operator==(const journal_header& a, const journal_header& b) noexcept;
inline bool operator!=(const journal_header& a, const journal_header& b) noexcept {
    return !(a == b);
}

// One line of the journal. Which members a kind uses is listed next to them; the others stay
// at their defaults (the decoder leaves them so and the encoder ignores them).
struct journal_record {
    journal_kind kind = journal_kind::header;

    journal_header header;            // header
    holding snapshot;                 // snapshot
    double retired_byte_seconds = 0;  // totals: the storage integral of holdings now gone

    std::size_t piece = 0;           // transitions
    std::int64_t at_ms = 0;          // transitions: when it happened, Unix milliseconds
    std::string uri;                 // ingest_started: the delivery URI
    std::uint64_t bytes = 0;         // ingest_started
    std::int64_t ttl_ms = 0;         // ingest_started, reupload_started: the TTL sent
    bool uncertain = false;          // ingest_failed, reupload_failed
    std::int64_t expires_at_ms = 0;  // published, renewed: the advertised expiry

    static journal_record make_header(journal_header header);
    static journal_record make_snapshot(holding h);
    static journal_record make_totals(double retired_byte_seconds);
    static journal_record ingest_started(std::size_t piece, std::int64_t at_ms, std::string uri,
                                         std::uint64_t bytes, std::int64_t ttl_ms);
    static journal_record ingest_confirmed(std::size_t piece, std::int64_t at_ms);
    static journal_record ingest_failed(std::size_t piece, std::int64_t at_ms, bool uncertain);
    static journal_record published(std::size_t piece, std::int64_t at_ms,
                                    std::int64_t expires_at_ms);
    static journal_record renewed(std::size_t piece, std::int64_t at_ms,
                                  std::int64_t expires_at_ms);
    static journal_record withdrawn(std::size_t piece, std::int64_t at_ms);
    static journal_record purge_started(std::size_t piece, std::int64_t at_ms);
    static journal_record purge_confirmed(std::size_t piece, std::int64_t at_ms);
    static journal_record expired(std::size_t piece, std::int64_t at_ms);
    static journal_record reupload_started(std::size_t piece, std::int64_t at_ms,
                                           std::int64_t ttl_ms);
    static journal_record reupload_confirmed(std::size_t piece, std::int64_t at_ms);
    static journal_record reupload_failed(std::size_t piece, std::int64_t at_ms, bool uncertain);
};

// The holding an ingest_started record starts: ingesting, its object expiring (earliest and
// latest) a TTL after `at`. Unchecked; validate_journal_record checks it.
holding started_holding(const journal_record& record);

// Every member, the unused ones included.
bool operator==(const journal_record& a, const journal_record& b) noexcept;
inline bool operator!=(const journal_record& a, const journal_record& b) noexcept {
    return !(a == b);
}

// Throws `code` naming the field unless the record's values are in bounds: a header of
// version 1 or 2 with valid ids and 1 to bitmap::max_bits pieces; a snapshot passing
// validate_holding; a finite, non-negative totals value; a transition's piece below
// bitmap::max_bits and time in [0, max_journal_time_ms]; an ingest_started whose URI, bytes and
// TTL make a valid holding; a reupload_started TTL in [1, max_journal_ttl_ms]; an advertised
// expiry after `at` and at most max_journal_time_ms.
void validate_journal_record(const journal_record& record, errc code);

// The line, without its newline. Throws errc::invalid (as validate_journal_record) for a record
// the decoder would reject, so whatever it writes decodes to the same record.
std::string encode_journal_record(const journal_record& record);

// Decodes one line (without its newline). Throws errc::limit for a line above
// max_journal_line_bytes, and errc::parse naming the field for everything else: no or a bad
// checksum, an unknown kind, a missing, misplaced, extra or repeated field, a value that is not
// canonical (leading zeros, upper-case hex, "1.0"), or one out of bounds. A snapshot's
// re-upload fields are a trailing pair, present exactly when a re-upload is in flight (so a
// version 1 snapshot still decodes, and every holding has one spelling).
journal_record decode_journal_record(std::string_view line);

// Whether the line is whole: within max_journal_line_bytes and ending in a checksum that
// matches. A line that is whole but does not decode was written that way (corruption, a bug),
// not torn by a crash.
bool journal_line_intact(std::string_view line) noexcept;

}  // namespace p2pcdn
