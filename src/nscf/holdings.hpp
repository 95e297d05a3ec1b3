// What one controller holds in the CDN for one content: a holding per piece, each moving
// through the states of wire/holding.hpp as the journal's transition records say. Pure logic:
// the journal (journal.hpp) persists the records, the controller performs the actions.
//
// The transitions refuse what the NSCF invariants forbid, so a controller that journals a
// record only after check() accepted it, and acts only after the record is durable, keeps them
// across crashes:
//   1. a URI is published only once its upload is confirmed (published needs stored);
//   2. a URI is withdrawn before its object is purged (no purge_started while published);
//   3. an advertisement ends a safety margin before the object's earliest expiry (published
//      and renewed check it), and to_renew()/to_withdraw() say which to act on before then;
//   4. a failed ingest leaves nothing behind untracked: one that may have reached the CDN
//      becomes withdrawn (purge due), and a holding leaves purging only by purge_confirmed or
//      by expired once its object is surely gone.
//
// Not thread-safe; one controller owns it.
#pragma once

#include "core/bitmap.hpp"
#include "wire/holding.hpp"
#include "wire/journal_record.hpp"

#include <array>
#include <cstddef>
#include <cstdint>
#include <map>
#include <optional>
#include <vector>

namespace p2pcdn::nscf {

// The latest advertised expiry the margin allows for `h`: its object's earliest expiry less
// the margin.
constexpr std::int64_t latest_advertised_expiry(const holding& h, std::int64_t margin_ms) noexcept {
    return h.object_expires_at_ms - margin_ms;
}

class holdings {
public:
    // Throws errc::invalid for 0 pieces or more than bitmap::max_bits.
    explicit holdings(std::size_t piece_count);

    std::size_t piece_count() const noexcept { return piece_count_; }

    // ---- Transitions -------------------------------------------------------------------------
    // apply() changes the record's piece as the record says; check() throws what apply() would
    // and changes nothing. All or nothing. margin_ms (0 to max_journal_ttl_ms) is the safety
    // margin published and renewed must keep below the object's expiry; replaying a journal
    // uses 0, so a margin changed between runs never makes a journal unreadable (to_withdraw()
    // then finds the advertisements the new margin forbids).
    //
    //   ingest_started     (no holding)                       -> ingesting
    //   ingest_confirmed   ingesting                          -> stored
    //   ingest_failed      ingesting -> withdrawn when uncertain, else gone
    //   published          stored                             -> published
    //   renewed            published                          -> published (new expiry)
    //   withdrawn          published                          -> withdrawn
    //   purge_started      ingesting, stored, withdrawn, purging -> purging (attempts + 1)
    //   purge_confirmed    purging                            -> gone
    //   expired            stored, withdrawn, purging, at or after object_gone_at_ms -> gone
    //   reupload_started   stored, published, none in flight  -> same state, re-upload in flight
    //   reupload_confirmed a re-upload in flight              -> same state, the new TTL's expiry
    //   reupload_failed    a re-upload in flight              -> same state, the old expiry
    //
    // Settling an unknown upload (ingest_confirmed, an uncertain ingest_failed, or
    // purge_started from ingesting) moves object_gone_at_ms to at least `at` + TTL.
    //
    // A re-upload (a renewal: the object uploaded again with a new TTL) must end after the
    // object's current expiry. reupload_started raises object_gone_at_ms to `at` + its TTL but
    // leaves object_expires_at_ms (the advertisements' bound) alone until reupload_confirmed
    // makes the new upload the object: ingested_at_ms becomes the re-upload's start and
    // object_expires_at_ms that plus its TTL. reupload_confirmed and an uncertain
    // reupload_failed raise object_gone_at_ms to `at` + the new TTL; a certain failure changes
    // no expiry. While a re-upload is in flight the holding may be renewed or withdrawn (the
    // advertisement still ends in time) but not purged or expired: the upload may still land.
    //
    // Throws errc::state with the reason for a transition the table refuses or an advertised
    // expiry within the margin of the object's expiry; errc::range for a piece at or above
    // piece_count(); errc::invalid for a record that is not a transition, a value
    // validate_journal_record refuses, or a margin out of bounds; errc::limit when purge
    // attempts would pass 2^32 - 1.
    void check(const journal_record& record, std::int64_t margin_ms = 0) const;
    void apply(const journal_record& record, std::int64_t margin_ms = 0);

    // ---- Compaction --------------------------------------------------------------------------
    // One snapshot record per holding in piece order, then the totals record: restoring them
    // into an empty holdings gives an equal one.
    std::vector<journal_record> snapshot() const;
    // Adds a snapshot record's holding or sets the totals record's value. errc::invalid for
    // another kind or an inconsistent holding, errc::range for a piece out of range,
    // errc::state when the piece already has a holding.
    void restore(const journal_record& record);

    // ---- Queries -----------------------------------------------------------------------------
    const holding* find(std::size_t piece) const noexcept;
    const std::map<std::size_t, holding>& all() const noexcept { return items_; }
    std::size_t size() const noexcept { return items_.size(); }

    // Pieces in ascending order.
    // Ingesting: after recovery, the uploads whose outcome is unknown; purge them, or verify
    // them (HEAD) and record ingest_confirmed or a certain ingest_failed.
    std::vector<std::size_t> uncertain() const;
    // Holdings with a re-upload in flight: after recovery, record an uncertain
    // reupload_failed for those with no upload running.
    std::vector<std::size_t> reuploads() const;
    // Published pieces to withdraw now: their advertisement breaks the margin, or it ends
    // within the margin of now and cannot be extended (latest_advertised_expiry is not after
    // both now and the current expiry). margin_ms as for apply().
    std::vector<std::size_t> to_withdraw(std::int64_t now_ms, std::int64_t margin_ms) const;
    // Published pieces whose advertisement ends within the margin of now and can still be
    // extended, up to latest_advertised_expiry().
    std::vector<std::size_t> to_renew(std::int64_t now_ms, std::int64_t margin_ms) const;
    // Withdrawn and purging pieces whose object may still exist and with no re-upload in
    // flight: purge them (again).
    std::vector<std::size_t> purge_due(std::int64_t now_ms) const;
    // Stored, withdrawn and purging pieces whose object is surely gone (and with no re-upload
    // in flight): record expired.
    std::vector<std::size_t> expiry_due(std::int64_t now_ms) const;

    bitmap pieces(holding_state state) const;  // size piece_count()
    std::size_t count(holding_state state) const noexcept;
    std::uint64_t bytes(holding_state state) const noexcept;
    std::uint64_t total_bytes() const noexcept;

    // CDN storage in byte-seconds, each holding counted from ingested_at_ms to its purge or
    // to its object's expiry, whichever is first (an uncertain upload counts as stored). The
    // retired part is that of holdings now gone, kept across compaction by the totals record;
    // storage_byte_seconds() adds the live holdings up to now_ms.
    double retired_byte_seconds() const noexcept { return retired_byte_seconds_; }
    double storage_byte_seconds(std::int64_t now_ms) const noexcept;

    friend bool operator==(const holdings& a, const holdings& b) noexcept;
    friend bool operator!=(const holdings& a, const holdings& b) noexcept { return !(a == b); }

private:
    // What a transition leaves: the piece's new holding (nullopt: gone) and the storage it
    // retires.
    struct outcome {
        std::optional<holding> next;
        double retired_byte_seconds = 0;
    };

    outcome step(const journal_record& record, std::int64_t margin_ms) const;
    void commit(std::size_t piece, outcome&& result);
    void tally(const holding& h, bool add) noexcept;
    template <typename Pred>
    std::vector<std::size_t> select(Pred&& pred) const;

    std::size_t piece_count_;
    std::map<std::size_t, holding> items_;
    std::array<std::size_t, holding_state_count> counts_{};
    std::array<std::uint64_t, holding_state_count> bytes_{};
    double retired_byte_seconds_ = 0;
};

}  // namespace p2pcdn::nscf
