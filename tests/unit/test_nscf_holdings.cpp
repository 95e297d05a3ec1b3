// The NSCF holdings state machine (src/nscf/holdings.hpp): every transition from every state,
// allowed or refused, what each changes, and the queries the controller runs.
#include <doctest/doctest.h>

#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <vector>

#include "nscf/holdings.hpp"
#include "test_support.hpp"

using p2pcdn::errc;
using p2pcdn::holding;
using p2pcdn::holding_state;
using p2pcdn::journal_kind;
using p2pcdn::journal_record;
using p2pcdn::nscf::holdings;
using p2pcdn::test::code_of;

namespace {

constexpr std::int64_t t0 = 1764000000000;
constexpr std::int64_t ttl = 3600000;  // one hour
constexpr std::uint64_t piece_bytes = 262144;
constexpr std::int64_t far_future = t0 + 10 * ttl;

std::string uri_of(std::size_t piece) {
    return "http://cdn.example/movie-1/" + std::to_string(piece);
}

journal_record start(std::size_t piece, std::int64_t at = t0) {
    return journal_record::ingest_started(piece, at, uri_of(piece), piece_bytes, ttl);
}

// Moves a new piece into `state` (nullopt: no holding) through the allowed transitions.
void drive(holdings& h, std::size_t piece, std::optional<holding_state> state) {
    if (!state) {
        return;
    }
    h.apply(start(piece));
    switch (*state) {
        case holding_state::ingesting: return;
        case holding_state::stored:
            h.apply(journal_record::ingest_confirmed(piece, t0 + 10));
            return;
        case holding_state::published:
            h.apply(journal_record::ingest_confirmed(piece, t0 + 10));
            h.apply(journal_record::published(piece, t0 + 20, t0 + ttl / 2));
            return;
        case holding_state::withdrawn:
            h.apply(journal_record::ingest_confirmed(piece, t0 + 10));
            h.apply(journal_record::published(piece, t0 + 20, t0 + ttl / 2));
            h.apply(journal_record::withdrawn(piece, t0 + 30));
            return;
        case holding_state::purging:
            h.apply(journal_record::ingest_confirmed(piece, t0 + 10));
            h.apply(journal_record::purge_started(piece, t0 + 40));
            return;
    }
}

// One record of each transition for `piece`, with values that only the state can refuse.
std::vector<journal_record> every_transition(std::size_t piece) {
    return {
        start(piece, t0 + 100),
        journal_record::ingest_confirmed(piece, t0 + 100),
        journal_record::ingest_failed(piece, t0 + 100, false),
        journal_record::ingest_failed(piece, t0 + 100, true),
        journal_record::published(piece, t0 + 100, t0 + 200),
        journal_record::renewed(piece, t0 + 100, t0 + 200),
        journal_record::withdrawn(piece, t0 + 100),
        journal_record::purge_started(piece, t0 + 100),
        journal_record::purge_confirmed(piece, t0 + 100),
        journal_record::expired(piece, far_future),
        journal_record::reupload_started(piece, t0 + 100, ttl),
        journal_record::reupload_confirmed(piece, t0 + 100),
        journal_record::reupload_failed(piece, t0 + 100, false),
        journal_record::reupload_failed(piece, t0 + 100, true),
    };
}

bool allowed(std::optional<holding_state> from, journal_kind kind) {
    using k = journal_kind;
    if (!from) {
        return kind == k::ingest_started;
    }
    switch (*from) {
        case holding_state::ingesting:
            return kind == k::ingest_confirmed || kind == k::ingest_failed ||
                   kind == k::purge_started;
        case holding_state::stored:
            return kind == k::published || kind == k::purge_started || kind == k::expired ||
                   kind == k::reupload_started;
        case holding_state::published:
            return kind == k::renewed || kind == k::withdrawn || kind == k::reupload_started;
        case holding_state::withdrawn: return kind == k::purge_started || kind == k::expired;
        case holding_state::purging:
            return kind == k::purge_started || kind == k::purge_confirmed || kind == k::expired;
    }
    return false;
}

// With a re-upload in flight: the state's own moves that cannot lose track of the upload,
// and the re-upload's outcome.
bool allowed_reuploading(holding_state from, journal_kind kind) {
    using k = journal_kind;
    if (kind == k::reupload_confirmed || kind == k::reupload_failed) {
        return true;
    }
    switch (from) {
        case holding_state::stored: return kind == k::published;
        case holding_state::published: return kind == k::renewed || kind == k::withdrawn;
        default: return false;
    }
}

// A re-upload of a one-hour TTL, started half an hour in.
journal_record reupload(std::size_t piece) {
    return journal_record::reupload_started(piece, t0 + ttl / 2, ttl);
}

const std::optional<holding_state> every_state[] = {
    std::nullopt,
    holding_state::ingesting,
    holding_state::stored,
    holding_state::published,
    holding_state::withdrawn,
    holding_state::purging,
};

std::string name_of(std::optional<holding_state> s) {
    return s ? p2pcdn::to_string(*s) : "no holding";
}

}  // namespace

TEST_SUITE("nscf.holdings") {
    TEST_CASE(
        "every transition from every state: allowed, or refused with errc::state and no change") {
        for (const auto from : every_state) {
            for (const journal_record& r : every_transition(2)) {
                CAPTURE(name_of(from));
                CAPTURE(p2pcdn::to_string(r.kind));
                holdings h(10);
                drive(h, 2, from);
                drive(h, 5, holding_state::published);  // a bystander
                const holdings before = h;
                const errc checked = code_of([&] { h.check(r); });
                CHECK(h == before);
                const errc applied = code_of([&] { h.apply(r); });
                CHECK(checked == applied);
                if (allowed(from, r.kind)) {
                    CHECK(applied == errc::ok);
                } else {
                    CHECK(applied == errc::state);
                    CHECK(h == before);
                }
                CHECK(*h.find(5) == *before.find(5));
            }
        }
    }

    TEST_CASE("every transition with a re-upload in flight: allowed, or refused with no change") {
        for (const auto from :
             {holding_state::stored, holding_state::published, holding_state::withdrawn}) {
            for (const journal_record& r : every_transition(2)) {
                CAPTURE(p2pcdn::to_string(from));
                CAPTURE(p2pcdn::to_string(r.kind));
                holdings h(10);
                if (from == holding_state::withdrawn) {
                    drive(h, 2, holding_state::published);
                    h.apply(reupload(2));
                    h.apply(journal_record::withdrawn(2, t0 + ttl / 2 + 1));
                } else {
                    drive(h, 2, from);
                    h.apply(reupload(2));
                }
                REQUIRE(h.find(2)->reuploading());
                const holdings before = h;
                const errc checked = code_of([&] { h.check(r); });
                CHECK(h == before);
                const errc applied = code_of([&] { h.apply(r); });
                CHECK(checked == applied);
                if (allowed_reuploading(from, r.kind)) {
                    CHECK(applied == errc::ok);
                } else {
                    CHECK(applied == errc::state);
                    CHECK(h == before);
                }
            }
        }
    }

    TEST_CASE("refusals say why") {
        holdings h(10);
        drive(h, 1, holding_state::ingesting);
        drive(h, 2, holding_state::published);
        const auto message = [&](const journal_record& r) {
            try {
                h.apply(r);
            } catch (const p2pcdn::error& e) {
                return std::string(e.what());
            }
            return std::string("(applied)");
        };
        CHECK(message(journal_record::published(1, t0, t0 + 1)) ==
              "piece 1 is ingesting: published refused, only a confirmed upload that is not "
              "advertised (stored) is published");
        CHECK(message(journal_record::purge_started(2, t0)) ==
              "piece 2 is published: purge_started refused, withdraw it from the tracker before "
              "purging");
        CHECK(message(journal_record::expired(2, far_future)) ==
              "piece 2 is published: expired refused, withdraw it from the tracker first");
        CHECK(message(journal_record::expired(1, far_future)) ==
              "piece 1 is ingesting: expired refused, its upload's outcome is unknown: purge or "
              "verify it first");
        CHECK(message(start(2)) ==
              "piece 2 is published: ingest_started refused, a piece is ingested again only once "
              "its holding is gone");
        CHECK(message(journal_record::withdrawn(7, t0)) ==
              "piece 7 has no holding: withdrawn refused");
        CHECK(message(journal_record::reupload_started(1, t0, ttl)) ==
              "piece 1 is ingesting: reupload_started refused, only a confirmed upload (stored or "
              "published) is uploaded again");
        CHECK(message(journal_record::reupload_confirmed(2, t0)) ==
              "piece 2 is published: reupload_confirmed refused, no re-upload is in flight");
        CHECK(message(journal_record::reupload_started(2, t0 + 10, ttl - 10)) ==
              "piece 2: reupload_started refused, it would end at 1764003600000, not after the "
              "object's expiry 1764003600000");
        h.apply(reupload(2));
        CHECK(message(reupload(2)) ==
              "piece 2 is published: reupload_started refused, a re-upload is already in flight");
        h.apply(journal_record::withdrawn(2, t0 + ttl / 2));
        CHECK(message(journal_record::purge_started(2, t0 + ttl / 2)) ==
              "piece 2 is withdrawn: purge_started refused, its re-upload's outcome is unknown: "
              "record it first");
    }

    TEST_CASE("re-upload: a new TTL, bounding advertisements only once confirmed") {
        holdings h(10);
        drive(h, 2, holding_state::published);
        const holding old = *h.find(2);
        const std::int64_t started = t0 + ttl / 2;
        h.apply(reupload(2));
        holding now = *h.find(2);
        CHECK(now.state == holding_state::published);
        CHECK(now.reupload_started_at_ms == started);
        CHECK(now.reupload_ttl_ms == ttl);
        // The object may live a TTL from the start; its earliest expiry is still the old one.
        CHECK(now.object_gone_at_ms == started + ttl);
        CHECK(now.object_expires_at_ms == old.object_expires_at_ms);
        CHECK(now.ingested_at_ms == old.ingested_at_ms);
        CHECK(h.reuploads() == std::vector<std::size_t>{2});
        // Advertisements stay bounded by the old expiry until the re-upload is confirmed.
        CHECK(code_of([&] {
                  h.check(journal_record::renewed(2, started, old.object_expires_at_ms + 1));
              }) == errc::state);
        h.apply(journal_record::renewed(2, started, old.object_expires_at_ms - 1000), 1000);

        const double retired_before = h.retired_byte_seconds();
        h.apply(journal_record::reupload_confirmed(2, started + 700));
        now = *h.find(2);
        CHECK_FALSE(now.reuploading());
        CHECK(now.reupload_started_at_ms == 0);
        CHECK(now.ingested_at_ms == started);
        CHECK(now.ttl_ms() == ttl);
        CHECK(now.object_expires_at_ms == started + ttl);
        CHECK(now.object_gone_at_ms == started + 700 + ttl);
        CHECK(now.advertised_expires_at_ms == old.object_expires_at_ms - 1000);
        CHECK(h.reuploads().empty());
        // The old upload's storage up to the re-upload is retired; the new one counts from it.
        CHECK(h.retired_byte_seconds() - retired_before ==
              static_cast<double>(piece_bytes) * (ttl / 2) / 1000.0);
        CHECK(h.storage_byte_seconds(started + 1000) ==
              doctest::Approx(static_cast<double>(piece_bytes) * (ttl / 2 + 1000) / 1000.0));
        // Now the advertisement may go on up to the new expiry less the margin.
        CHECK(h.to_renew(old.object_expires_at_ms - 2000, 1000) == std::vector<std::size_t>{2});
        CHECK(h.to_withdraw(old.object_expires_at_ms - 2000, 1000).empty());
        h.apply(journal_record::renewed(2, started + 800, started + ttl - 1000), 1000);
        CHECK(h.find(2)->advertised_expires_at_ms == started + ttl - 1000);
    }

    TEST_CASE("re-upload failures: certain keeps the expiries, uncertain extends object_gone") {
        holdings h(10);
        drive(h, 1, holding_state::stored);
        drive(h, 2, holding_state::stored);
        const holding old = *h.find(1);
        const std::int64_t started = t0 + ttl / 2;
        h.apply(reupload(1));
        h.apply(reupload(2));
        // Neither purged nor expired while the upload may land, whatever the time.
        CHECK(h.expiry_due(far_future).empty());
        h.apply(journal_record::reupload_failed(1, started + 500, false));
        h.apply(journal_record::reupload_failed(2, started + 500, true));
        const holding certain = *h.find(1);
        const holding uncertain = *h.find(2);
        CHECK_FALSE(certain.reuploading());
        CHECK_FALSE(uncertain.reuploading());
        CHECK(certain.object_expires_at_ms == old.object_expires_at_ms);
        CHECK(certain.ingested_at_ms == old.ingested_at_ms);
        CHECK(certain.object_gone_at_ms == started + ttl);  // stays raised: safe
        CHECK(uncertain.object_expires_at_ms == old.object_expires_at_ms);
        CHECK(uncertain.object_gone_at_ms == started + 500 + ttl);
        CHECK(h.expiry_due(started + ttl) == std::vector<std::size_t>{1});
        // A failed re-upload can be tried again.
        h.apply(journal_record::reupload_started(1, started + 600, ttl));
        CHECK(h.find(1)->reuploading());
    }

    TEST_CASE("a withdrawn holding with a re-upload in flight is purged only after its outcome") {
        holdings h(10);
        drive(h, 3, holding_state::published);
        h.apply(reupload(3));
        h.apply(journal_record::withdrawn(3, t0 + ttl / 2 + 1));
        CHECK(h.find(3)->reuploading());
        CHECK(h.purge_due(t0 + ttl / 2 + 2).empty());
        h.apply(journal_record::reupload_confirmed(3, t0 + ttl / 2 + 3));
        CHECK(h.find(3)->state == holding_state::withdrawn);
        CHECK(h.purge_due(t0 + ttl / 2 + 4) == std::vector<std::size_t>{3});
        h.apply(journal_record::purge_started(3, t0 + ttl / 2 + 4));
    }

    TEST_CASE("ingest: started, confirmed, failed with a certain and an uncertain outcome") {
        holdings h(10);
        h.apply(start(1));
        const holding& started = *h.find(1);
        CHECK(started.state == holding_state::ingesting);
        CHECK(started.uri == uri_of(1));
        CHECK(started.bytes == piece_bytes);
        CHECK(started.ingested_at_ms == t0);
        CHECK(started.object_expires_at_ms == t0 + ttl);
        CHECK(started.object_gone_at_ms == t0 + ttl);
        CHECK(started.ttl_ms() == ttl);
        CHECK(h.uncertain() == std::vector<std::size_t>{1});

        h.apply(journal_record::ingest_confirmed(1, t0 + 5000));
        CHECK(h.find(1)->state == holding_state::stored);
        CHECK(h.find(1)->object_expires_at_ms == t0 + ttl);      // the earliest expiry stays
        CHECK(h.find(1)->object_gone_at_ms == t0 + 5000 + ttl);  // the latest moves
        CHECK(h.uncertain().empty());

        h.apply(start(2));
        h.apply(journal_record::ingest_failed(2, t0 + 9000, false));
        CHECK(h.find(2) == nullptr);
        CHECK(h.retired_byte_seconds() == 0);  // nothing reached the CDN

        h.apply(start(3));
        h.apply(journal_record::ingest_failed(3, t0 + 9000, true));
        CHECK(h.find(3)->state == holding_state::withdrawn);
        CHECK(h.find(3)->object_gone_at_ms == t0 + 9000 + ttl);
        CHECK(h.purge_due(t0 + 9000) == std::vector<std::size_t>{3});

        // A piece whose holding is gone is ingested anew.
        h.apply(start(2, t0 + 20000));
        CHECK(h.find(2)->ingested_at_ms == t0 + 20000);
    }

    TEST_CASE("publish and renew keep the safety margin below the object's expiry") {
        const std::int64_t margin = 60000;
        holdings h(10);
        drive(h, 1, holding_state::stored);
        const std::int64_t latest = t0 + ttl - margin;
        CHECK(p2pcdn::nscf::latest_advertised_expiry(*h.find(1), margin) == latest);

        CHECK(code_of([&] {
                  h.apply(journal_record::published(1, t0 + 100, latest + 1), margin);
              }) == errc::state);
        CHECK(h.find(1)->state == holding_state::stored);
        h.apply(journal_record::published(1, t0 + 100, latest), margin);
        CHECK(h.find(1)->state == holding_state::published);
        CHECK(h.find(1)->advertised_expires_at_ms == latest);

        CHECK(code_of([&] { h.apply(journal_record::renewed(1, t0 + 200, latest + 1), margin); }) ==
              errc::state);
        h.apply(journal_record::renewed(1, t0 + 200, t0 + 1000), margin);  // may shorten
        CHECK(h.find(1)->advertised_expires_at_ms == t0 + 1000);
        // Replay applies with margin 0: only the object's expiry itself bounds it.
        h.apply(journal_record::renewed(1, t0 + 300, t0 + ttl));
        CHECK(code_of([&] { h.apply(journal_record::renewed(1, t0 + 300, t0 + ttl + 1)); }) ==
              errc::state);

        h.apply(journal_record::withdrawn(1, t0 + 400));
        CHECK(h.find(1)->state == holding_state::withdrawn);
        CHECK(h.find(1)->advertised_expires_at_ms == 0);
    }

    TEST_CASE("purge: started from every unadvertised state, retried, confirmed") {
        holdings h(10);
        drive(h, 1, holding_state::withdrawn);
        h.apply(journal_record::purge_started(1, t0 + 100));
        CHECK(h.find(1)->state == holding_state::purging);
        CHECK(h.find(1)->purge_attempts == 1);
        h.apply(journal_record::purge_started(1, t0 + 200));
        CHECK(h.find(1)->purge_attempts == 2);
        CHECK(h.purge_due(t0 + 300) == std::vector<std::size_t>{1});
        h.apply(journal_record::purge_confirmed(1, t0 + 1000));
        CHECK(h.find(1) == nullptr);
        CHECK(h.retired_byte_seconds() == static_cast<double>(piece_bytes) * 1.0);  // 1000 ms

        // Settling an unknown upload by purging it: the object may have landed until now.
        h.apply(start(2));
        h.apply(journal_record::purge_started(2, t0 + 7000));
        CHECK(h.find(2)->state == holding_state::purging);
        CHECK(h.find(2)->object_gone_at_ms == t0 + 7000 + ttl);

        drive(h, 3, holding_state::stored);  // never advertised: no withdrawal needed
        h.apply(journal_record::purge_started(3, t0 + 100));
        CHECK(h.find(3)->state == holding_state::purging);
    }

    TEST_CASE("expired only once the object is surely gone") {
        holdings h(10);
        drive(h, 1, holding_state::purging);  // confirmed at t0 + 10
        const std::int64_t gone = h.find(1)->object_gone_at_ms;
        CHECK(gone == t0 + 10 + ttl);
        CHECK(h.expiry_due(gone - 1).empty());
        CHECK(h.purge_due(gone - 1) == std::vector<std::size_t>{1});
        CHECK(code_of([&] { h.apply(journal_record::expired(1, gone - 1)); }) == errc::state);
        CHECK(h.expiry_due(gone) == std::vector<std::size_t>{1});
        CHECK(h.purge_due(gone).empty());
        h.apply(journal_record::expired(1, gone));
        CHECK(h.find(1) == nullptr);
        // Counted until the object's nominal expiry, not until it was noticed.
        CHECK(h.retired_byte_seconds() == static_cast<double>(piece_bytes) * 3600.0);
    }

    TEST_CASE("bad records and margins: errc::range, errc::invalid, errc::limit") {
        holdings h(10);
        CHECK(code_of([&] { h.apply(start(10)); }) == errc::range);
        CHECK(code_of([&] { h.check(start(10)); }) == errc::range);
        CHECK(code_of([&] {
                  h.apply(journal_record::make_header({1, "c", "m", 10}));
              }) == errc::invalid);
        CHECK(code_of([&] { h.apply(journal_record::make_totals(1)); }) == errc::invalid);
        CHECK(code_of([&] { h.apply(journal_record::ingest_started(1, t0, uri_of(1), 0, ttl)); }) ==
              errc::invalid);
        CHECK(code_of([&] {
                  h.apply(journal_record::ingest_started(1, t0, "ftp://x/1", 1, ttl));
              }) == errc::invalid);
        CHECK(code_of([&] { h.apply(start(1), -1); }) == errc::invalid);
        CHECK(code_of([&] { h.apply(start(1), p2pcdn::max_journal_ttl_ms + 1); }) == errc::invalid);
        CHECK(code_of([&] { h.to_renew(t0, -1); }) == errc::invalid);
        CHECK(code_of([&] { h.to_withdraw(t0, p2pcdn::max_journal_ttl_ms + 1); }) == errc::invalid);
        CHECK(h.size() == 0);

        holding worn;
        worn.piece = 4;
        worn.state = holding_state::purging;
        worn.uri = uri_of(4);
        worn.bytes = 1;
        worn.ingested_at_ms = t0;
        worn.object_expires_at_ms = worn.object_gone_at_ms = t0 + ttl;
        worn.purge_attempts = std::numeric_limits<std::uint32_t>::max();
        h.restore(journal_record::make_snapshot(worn));
        CHECK(code_of([&] { h.apply(journal_record::purge_started(4, t0)); }) == errc::limit);
        CHECK(h.find(4)->purge_attempts == std::numeric_limits<std::uint32_t>::max());

        CHECK(code_of([] { holdings none(0); }) == errc::invalid);
        CHECK(code_of([] { holdings many(p2pcdn::bitmap::max_bits + 1); }) == errc::invalid);
        CHECK(holdings(p2pcdn::bitmap::max_bits).piece_count() == p2pcdn::bitmap::max_bits);
    }

    TEST_CASE("renew or withdraw: which advertisements need action, given now and the margin") {
        const std::int64_t margin = 60000;
        holdings h(10);
        // Object expires at t0 + ttl; the latest advertisement allowed is t0 + ttl - margin.
        for (const std::size_t p : {1, 2, 3, 4}) drive(h, p, holding_state::stored);
        h.apply(journal_record::published(1, t0, t0 + 600000), margin);        // far from its end
        h.apply(journal_record::published(2, t0, t0 + 600000), margin);        // renewed below
        h.apply(journal_record::published(3, t0, t0 + ttl - margin), margin);  // at the limit
        h.apply(journal_record::published(4, t0, t0 + ttl - 1000));            // breaks the margin

        const std::int64_t now = t0 + 600000 - margin;  // 1 and 2 end within the margin
        CHECK(h.to_renew(now - 1, margin).empty());
        CHECK(h.to_renew(now, margin) == std::vector<std::size_t>{1, 2});
        CHECK(h.to_withdraw(now, margin) == std::vector<std::size_t>{4});
        CHECK(h.to_withdraw(now, 0).empty());  // with no margin, 4 is fine

        h.apply(journal_record::renewed(2, now, t0 + ttl - margin), margin);
        CHECK(h.to_renew(now, margin) == std::vector<std::size_t>{1});

        // Near the object's end nothing can be extended: withdraw.
        const std::int64_t late = t0 + ttl - 2 * margin;
        CHECK(h.to_renew(late, margin) == std::vector<std::size_t>{1});  // lapsed, room left
        CHECK(h.to_withdraw(late, margin) == std::vector<std::size_t>{2, 3, 4});
        CHECK(h.to_withdraw(t0 + ttl - margin, margin) == std::vector<std::size_t>{1, 2, 3, 4});
        CHECK(h.to_renew(t0 + ttl - margin, margin).empty());
    }

    TEST_CASE("counts, bytes, bitmaps and the uncertain list follow every transition") {
        holdings h(10);
        drive(h, 0, holding_state::ingesting);
        drive(h, 1, holding_state::stored);
        drive(h, 2, holding_state::published);
        drive(h, 3, holding_state::withdrawn);
        drive(h, 4, holding_state::purging);
        drive(h, 5, holding_state::published);
        h.apply(journal_record::ingest_started(6, t0, uri_of(6), 100, ttl));
        CHECK(h.size() == 7);
        CHECK(h.count(holding_state::ingesting) == 2);
        CHECK(h.count(holding_state::published) == 2);
        CHECK(h.bytes(holding_state::ingesting) == piece_bytes + 100);
        CHECK(h.bytes(holding_state::published) == 2 * piece_bytes);
        CHECK(h.total_bytes() == 6 * piece_bytes + 100);
        CHECK(h.uncertain() == std::vector<std::size_t>{0, 6});
        const auto published = h.pieces(holding_state::published);
        CHECK(published.size() == 10);
        CHECK(published.count() == 2);
        CHECK(published.test(2));
        CHECK(published.test(5));
        CHECK(h.purge_due(t0) == std::vector<std::size_t>{3, 4});

        h.apply(journal_record::purge_confirmed(4, t0 + 100));
        h.apply(journal_record::ingest_failed(6, t0 + 100, false));
        CHECK(h.count(holding_state::purging) == 0);
        CHECK(h.count(holding_state::ingesting) == 1);
        CHECK(h.total_bytes() == 5 * piece_bytes);
        std::size_t counted = 0;
        for (const auto s :
             {holding_state::ingesting, holding_state::stored, holding_state::published,
              holding_state::withdrawn, holding_state::purging}) {
            counted += h.count(s);
        }
        CHECK(counted == h.size());
    }

    TEST_CASE("storage byte-seconds: retired plus live up to now, capped at the object's expiry") {
        holdings h(10);
        h.apply(journal_record::ingest_started(1, t0, uri_of(1), 1000, ttl));
        h.apply(journal_record::ingest_started(2, t0 + 1000, uri_of(2), 2000, ttl));
        CHECK(h.storage_byte_seconds(t0 - 5) == 0);
        CHECK(h.storage_byte_seconds(t0 + 2000) == 1000.0 * 2 + 2000.0 * 1);
        h.apply(journal_record::ingest_confirmed(1, t0 + 10));
        h.apply(journal_record::purge_started(1, t0 + 3000));
        h.apply(journal_record::purge_confirmed(1, t0 + 4000));
        CHECK(h.retired_byte_seconds() == 1000.0 * 4);
        CHECK(h.storage_byte_seconds(t0 + 5000) == 1000.0 * 4 + 2000.0 * 4);
        CHECK(h.storage_byte_seconds(far_future) == 1000.0 * 4 + 2000.0 * 3600);
    }

    TEST_CASE("snapshot and restore give an equal holdings, restore refuses bad input") {
        holdings h(10);
        for (std::size_t p = 0; p < 5; ++p) {
            drive(h, p,
                  p == 0 ? holding_state::ingesting
                         : static_cast<holding_state>(static_cast<int>(p)));
        }
        drive(h, 7, holding_state::stored);
        h.apply(journal_record::purge_started(7, t0 + 50));
        h.apply(journal_record::purge_confirmed(7, t0 + 1050));
        drive(h, 8, holding_state::published);
        h.apply(reupload(8));
        const auto records = h.snapshot();
        REQUIRE(records.size() == 7);
        CHECK(records[5].snapshot.reuploading());
        CHECK(records.back().kind == journal_kind::totals);
        CHECK(records.back().retired_byte_seconds == h.retired_byte_seconds());

        holdings copy(10);
        for (const auto& r : records) copy.restore(r);
        CHECK(copy == h);
        CHECK(copy.count(holding_state::purging) == 1);
        CHECK(copy.total_bytes() == h.total_bytes());

        CHECK(code_of([&] { copy.restore(records[0]); }) == errc::state);
        CHECK(code_of([&] { copy.restore(start(9)); }) == errc::invalid);
        holding bad_reupload = records[5].snapshot;
        bad_reupload.piece = 9;
        bad_reupload.object_gone_at_ms = bad_reupload.object_expires_at_ms;  // upload untracked
        CHECK(code_of([&] { copy.restore(journal_record::make_snapshot(bad_reupload)); }) ==
              errc::invalid);
        CHECK(copy.find(9) == nullptr);
        holdings small(2);
        CHECK(code_of([&] { small.restore(records[3]); }) == errc::range);
        holding broken = records[1].snapshot;
        broken.purge_attempts = 3;  // stored with purge attempts
        CHECK(code_of([&] { small.restore(journal_record::make_snapshot(broken)); }) ==
              errc::invalid);
        CHECK(code_of([&] { small.restore(journal_record::make_totals(-1)); }) == errc::invalid);
        CHECK(small.size() == 0);
        CHECK(holdings(10) != h);
    }
}
