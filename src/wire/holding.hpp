// One piece a controller (the NSCF, src/nscf) holds in the CDN, as its holdings journal stores
// it (docs/protocol.md, "NSCF holdings journal"). The data and its consistency rules live here,
// with the journal's record format; the state machine that moves a holding from state to state
// is nscf::holdings.
#pragma once

#include "core/error.hpp"

#include <cstddef>
#include <cstdint>
#include <string>

namespace p2pcdn {

// A holding that reaches "gone" (purged, expired, or an ingest that surely failed) is dropped,
// so gone is not a state a holding is ever in.
enum class holding_state : int {
    ingesting = 0,  // upload started, outcome unknown: the object may or may not exist
    stored = 1,     // upload confirmed, not advertised
    published = 2,  // advertised to the tracker until advertised_expires_at_ms
    withdrawn = 3,  // not advertised, purge due (withdrawn, or an ingest failed uncertainly)
    purging = 4,    // purge started (and maybe failed: retried until done or the object is gone)
};
constexpr std::size_t holding_state_count = 5;

// "ingesting", "stored", "published", "withdrawn", "purging": the journal's spelling.
const char* to_string(holding_state state) noexcept;

// Bounds every holding and journal record keeps, so no sum of a time and a TTL can overflow.
// Times are Unix milliseconds.
constexpr std::int64_t max_journal_time_ms = std::int64_t{1} << 53;
constexpr std::int64_t max_journal_ttl_ms = std::int64_t{1} << 40;  // about 34 years

struct holding {
    std::size_t piece = 0;
    holding_state state = holding_state::ingesting;
    std::string uri;  // the delivery URI the UEs GET, and the one published to the tracker
    std::uint64_t bytes = 0;
    std::int64_t ingested_at_ms = 0;  // the upload started: the object may exist from then on
    // ingested_at_ms + the TTL sent with the object: the earliest the CDN may drop it, so the
    // bound every advertisement must stay a safety margin below.
    std::int64_t object_expires_at_ms = 0;
    // The latest the object may still exist: the TTL counted from the last moment the upload
    // may have landed (its confirmation, its uncertain failure, or the purge that settled an
    // unknown outcome). Past it nothing is left to purge.
    std::int64_t object_gone_at_ms = 0;
    std::int64_t advertised_expires_at_ms = 0;  // published only; 0 otherwise
    std::uint32_t purge_attempts = 0;           // purges started; non-zero exactly when purging
    // A re-upload of the object with a new TTL (a renewal) whose outcome is not known yet:
    // when it started and the TTL it sends. reupload_ttl_ms is non-zero exactly while one is
    // in flight; both are 0 otherwise. Once confirmed, the object is the new upload:
    // ingested_at_ms becomes reupload_started_at_ms and its TTL reupload_ttl_ms.
    std::int64_t reupload_started_at_ms = 0;
    std::int64_t reupload_ttl_ms = 0;

    std::int64_t ttl_ms() const noexcept { return object_expires_at_ms - ingested_at_ms; }
    bool reuploading() const noexcept { return reupload_ttl_ms != 0; }
};

bool operator==(const holding& a, const holding& b) noexcept;
inline bool operator!=(const holding& a, const holding& b) noexcept {
    return !(a == b);
}

// Throws `code` with the field and the reason unless `h` is one a run of transitions can
// produce: piece below bitmap::max_bits; a valid http(s) URI without placeholders; 1 to
// content_layout::max_piece_length bytes; times in [0, max_journal_time_ms]; a TTL in
// [1, max_journal_ttl_ms]; object_gone_at_ms at or after object_expires_at_ms (equal while
// ingesting); an advertised expiry in [1, object_expires_at_ms] when published and 0 otherwise;
// purge attempts non-zero exactly when purging; a re-upload in flight only while stored,
// published or withdrawn, starting in [0, max_journal_time_ms] with a TTL in
// [1, max_journal_ttl_ms] that ends after object_expires_at_ms and at or before
// object_gone_at_ms (both re-upload fields 0 otherwise).
void validate_holding(const holding& h, errc code);

}  // namespace p2pcdn
