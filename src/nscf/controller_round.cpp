// One step of the controller: the policy's round, the CDN jobs that finished, the tracker's
// advertisement, purges and expiries. The order of journal records and actions, and why it
// survives a crash, is in controller.cpp.
#include "core/error.hpp"
#include "nscf/controller_state.hpp"

#include <algorithm>
#include <exception>
#include <limits>
#include <utility>

namespace p2pcdn::nscf {
namespace {

bool in_state(const nscf::holdings& hs, std::size_t piece, holding_state s) {
    const holding* h = hs.find(piece);
    return h != nullptr && h->state == s;
}

// What one finished CDN job did, piece by piece, for its events: one per outcome.
struct job_outcome {
    std::vector<std::size_t> ingested, ingest_failed, reuploaded, reupload_failed, purged,
        purge_failed;
    controller_event failure;  // the first failed item's error, and whether any was uncertain

    void note_failure(const cdn::job_item& item) {
        if (failure.error == errc::ok) {
            failure.error = item.error != errc::ok ? item.error : errc::error;
            failure.message =
                item.driver.empty() ? item.message : item.driver + ": " + item.message;
        }
        failure.uncertain = failure.uncertain || item.uncertain;
    }
};

std::vector<std::size_t> set_pieces(const bitmap& bits) {
    std::vector<std::size_t> out;
    for (std::size_t p = bits.find_first_set(); p != bitmap::npos; p = bits.find_next_set(p + 1)) {
        out.push_back(p);
    }
    return out;
}

std::vector<std::size_t> pieces_in(const nscf::holdings& hs, holding_state s) {
    std::vector<std::size_t> out;
    for (const auto& item : hs.all()) {
        if (item.second.state == s) {
            out.push_back(item.first);
        }
    }
    return out;
}

}  // namespace

std::size_t controller::impl::step(int timeout_ms) {
    if (pending && !shutting_down) {
        run_round(now());
    }
    if (client->active_jobs() > 0) {
        client->step(timeout_ms);
    }
    const std::int64_t t = now();
    finish_jobs(t);
    maintain_advertisement(t);
    start_due_purges(t);
    record_expiries(t);
    return client->active_jobs();
}

// ---- The policy's round ------------------------------------------------------------------------

void controller::impl::run_round(std::int64_t now_ms) {
    const stats_report stats = std::move(*pending);
    pending.reset();
    // The policy sees what the CDN serves or may serve: pieces on their way out are not held
    // (the policy may neither purge them again nor count them).
    std::vector<policy::holding> held;
    for (const auto& item : state().all()) {
        const holding& h = item.second;
        if (h.state == holding_state::ingesting || h.state == holding_state::stored ||
            h.state == holding_state::published) {
            held.push_back({h.piece, h.bytes, h.ingested_at_ms, h.object_expires_at_ms});
        }
    }
    policy::decision d;
    controller_event round;
    round.time_ms = now_ms;
    round.seq = stats.seq;
    try {
        d = cfg.policy->decide({stats, held, layout, now_ms});
    } catch (const std::exception& e) {
        ++counters.policy_failures;
        round.kind = event_kind::policy_failed;
        round.error = error_code_of(e);
        round.message = e.what();
        emit(std::move(round));
        return;
    }
    ++counters.rounds;
    const std::uint64_t deferred_before = counters.deferred;

    std::vector<std::size_t> purge_now;
    for (const std::size_t piece : d.purge) {
        const holding* h = state().find(piece);
        if (h == nullptr) {
            continue;
        }
        // A published piece is withdrawn now even with a re-upload in flight: only its purge
        // waits for the upload's outcome.
        if (h->state == holding_state::published) {
            leaving.insert(piece);
        } else if (h->state == holding_state::stored && !h->reuploading()) {
            purge_now.push_back(piece);
        } else {
            ++counters.deferred;  // an upload in flight: a later round decides
        }
    }
    // An ingest of a piece held is a renewal: the object is uploaded again (overwritten) with
    // the new TTL, so its advertisement can go on past the old TTL without a gap.
    std::vector<policy::ingest_item> ingests;
    for (const policy::ingest_item& item : d.ingest) {
        if (state().find(item.piece) == nullptr || reuploadable(item, now_ms)) {
            ingests.push_back(item);
        } else {
            ++counters.deferred;
        }
    }
    round.kind = event_kind::round;
    round.min_copies = summarize(stats).min_copies;
    round.ingest = d.ingest.size();
    round.purge = d.purge.size();
    round.deferred = static_cast<std::size_t>(counters.deferred - deferred_before);
    emit(std::move(round));
    start_purges(std::move(purge_now), now_ms);
    start_ingests(ingests, now_ms);
}

std::uint32_t controller::impl::ttl_s_of(const policy::ingest_item& item) const noexcept {
    return item.ttl_s == 0 ? cfg.default_ttl_s : item.ttl_s;
}

// A held piece is uploaded again only when it is confirmed and staying (stored or published,
// not on its way out), has no upload in flight, and the new TTL outlasts the object's.
bool controller::impl::reuploadable(const policy::ingest_item& item, std::int64_t now_ms) const {
    const holding* h = state().find(item.piece);
    return h != nullptr &&
           (h->state == holding_state::stored || h->state == holding_state::published) &&
           !h->reuploading() && leaving.count(item.piece) == 0 &&
           purge_wanted.count(item.piece) == 0 && ingest_jobs.count(item.piece) == 0 &&
           now_ms + std::int64_t{ttl_s_of(item)} * 1000 > h->object_expires_at_ms;
}

void controller::impl::start_ingests(const std::vector<policy::ingest_item>& items,
                                     std::int64_t now_ms) {
    // One job per TTL: a job sends one TTL with all of its objects. A held piece's upload is
    // a re-upload: same object, same URI, the PUT overwrites it.
    std::map<std::uint32_t, std::vector<std::size_t>> by_ttl;
    for (const policy::ingest_item& item : items) {
        by_ttl[ttl_s_of(item)].push_back(item.piece);
    }
    for (auto& group : by_ttl) {
        const std::int64_t ttl_ms = std::int64_t{group.first} * 1000;
        std::vector<std::size_t> fresh;
        std::vector<std::size_t> again;
        for (const std::size_t piece : group.second) {
            if (state().find(piece) != nullptr) {
                record(journal_record::reupload_started(piece, now_ms, ttl_ms));
                again.push_back(piece);
            } else {
                record(journal_record::ingest_started(piece, now_ms,
                                                      client->delivery_uri(layout.id(), piece),
                                                      layout.piece_range(piece).length, ttl_ms));
                fresh.push_back(piece);
            }
        }
        controller_event started;
        started.uri = source_uri;
        started.ttl_s = group.first;
        emit_pieces(event_kind::ingest_started, fresh, now_ms, started);
        emit_pieces(event_kind::reupload_started, again, now_ms, started);
        cdn::ingest_request req;
        req.content_id = layout.id();
        req.pieces = group.second;
        req.css = css;
        req.ttl_s = group.first;
        try {
            const std::uint64_t id = client->submit_ingest(
                std::move(req), [this](const cdn::job_status& st) { finished.push_back(st); });
            for (const std::size_t piece : group.second) ingest_jobs[piece] = id;
        } catch (const error& e) {
            // Refused before anything was sent: surely nothing reached the CDN.
            for (const std::size_t piece : group.second) {
                record(state().find(piece)->reuploading()
                           ? journal_record::reupload_failed(piece, now_ms, false)
                           : journal_record::ingest_failed(piece, now_ms, false));
                ++counters.ingest_failures;
            }
            controller_event failed;
            failed.error = e.code();
            failed.message = e.what();
            emit_pieces(event_kind::ingest_failed, fresh, now_ms, failed);
            emit_pieces(event_kind::reupload_failed, again, now_ms, failed);
        }
    }
}

// ---- CDN jobs ----------------------------------------------------------------------------------

void controller::impl::finish_jobs(std::int64_t now_ms) {
    std::vector<cdn::job_status> done;
    done.swap(finished);
    for (const cdn::job_status& st : done) {
        job_outcome outcome;
        for (const cdn::job_item& item : st.items) {
            const holding* h = state().find(item.piece);
            const bool ok = item.state == cdn::item_state::done;
            if (st.kind == cdn::job_kind::ingest) {
                ingest_jobs.erase(item.piece);
                if (h != nullptr && h->reuploading()) {
                    if (ok) {
                        record(journal_record::reupload_confirmed(item.piece, now_ms));
                        ++counters.reuploads;
                        outcome.reuploaded.push_back(item.piece);
                    } else {
                        record(journal_record::reupload_failed(item.piece, now_ms, item.uncertain));
                        ++counters.ingest_failures;
                        outcome.reupload_failed.push_back(item.piece);
                        outcome.note_failure(item);
                    }
                    continue;
                }
                if (!in_state(state(), item.piece, holding_state::ingesting)) {
                    continue;
                }
                const std::uint64_t bytes = h->bytes;
                if (ok) {
                    record(journal_record::ingest_confirmed(item.piece, now_ms));
                    ++counters.pieces_ingested;
                    counters.bytes_ingested += bytes;
                    outcome.ingested.push_back(item.piece);
                } else {
                    record(journal_record::ingest_failed(item.piece, now_ms, item.uncertain));
                    ++counters.ingest_failures;
                    outcome.ingest_failed.push_back(item.piece);
                    outcome.note_failure(item);
                }
            } else {
                purge_jobs.erase(item.piece);
                if (!in_state(state(), item.piece, holding_state::purging)) {
                    continue;
                }
                if (ok) {
                    const std::uint64_t bytes = h->bytes;
                    record(journal_record::purge_confirmed(item.piece, now_ms));
                    purge_not_before.erase(item.piece);
                    ++counters.pieces_purged;
                    counters.bytes_purged += bytes;
                    outcome.purged.push_back(item.piece);
                } else {
                    purge_not_before[item.piece] = now_ms + cfg.purge_retry_ms;
                    ++counters.purge_failures;
                    outcome.purge_failed.push_back(item.piece);
                    outcome.note_failure(item);
                }
            }
        }
        client->forget(st.id);
        controller_event confirmed;
        confirmed.uri = source_uri;
        emit_pieces(event_kind::ingest_confirmed, outcome.ingested, now_ms, confirmed);
        emit_pieces(event_kind::reupload_confirmed, outcome.reuploaded, now_ms, confirmed);
        emit_pieces(event_kind::ingest_failed, outcome.ingest_failed, now_ms, outcome.failure);
        emit_pieces(event_kind::reupload_failed, outcome.reupload_failed, now_ms, outcome.failure);
        emit_pieces(event_kind::purged, outcome.purged, now_ms, confirmed);
        emit_pieces(event_kind::purge_failed, outcome.purge_failed, now_ms, outcome.failure);
    }
}

// ---- The tracker -------------------------------------------------------------------------------

std::int64_t controller::impl::advertised_expiry(const holding& h, std::int64_t now_ms) const {
    const std::int64_t latest = latest_advertised_expiry(h, cfg.safety_margin_ms);
    return cfg.advertisement_ms == 0 ? latest : std::min(latest, now_ms + cfg.advertisement_ms);
}

// One source for the content: the delivery template, the published pieces, and the earliest
// of their advertised expiries (rounded down to the second the tracker keeps).
cdn_source controller::impl::wanted_source() const {
    cdn_source s;
    s.uri = source_uri;
    s.pieces = state().pieces(holding_state::published);
    std::int64_t earliest = std::numeric_limits<std::int64_t>::max();
    for (const auto& item : state().all()) {
        if (item.second.state == holding_state::published) {
            earliest = std::min(earliest, item.second.advertised_expires_at_ms);
        }
    }
    s.expires_s = s.pieces.none() ? 0 : earliest / 1000;
    return s;
}

void controller::impl::link_failed(std::int64_t now_ms) {
    ++counters.link_failures;
    synced = false;
    link_not_before = now_ms + cfg.link_retry_ms;
}

void controller::impl::maintain_advertisement(std::int64_t now_ms) {
    if (now_ms < link_not_before) {
        return;
    }
    // Withdrawals first: the tracker stops handing out a URI before anything may purge it.
    bitmap out(piece_count());
    for (const std::size_t piece : state().to_withdraw(now_ms, cfg.safety_margin_ms)) {
        out.set(piece);
    }
    for (auto it = leaving.begin(); it != leaving.end();) {
        if (in_state(state(), *it, holding_state::published)) {
            out.set(*it++);
        } else {
            it = leaving.erase(it);
        }
    }
    if (shutting_down) {
        out |= state().pieces(holding_state::published);
    }
    if (!out.none()) {
        try {
            cfg.link->withdraw(layout.id(), source_uri, &out);
        } catch (const std::exception& e) {
            link_failed(now_ms);
            emit_link_failed("withdraw", e, now_ms);
            return;
        }
        ++counters.withdrawals;
        if (advertised) {
            advertised->pieces.andnot(out);
        }
        for (std::size_t p = out.find_first_set(); p != bitmap::npos;
             p = out.find_next_set(p + 1)) {
            record(journal_record::withdrawn(p, now_ms));
            leaving.erase(p);
        }
        controller_event withdrawn;
        withdrawn.uri = source_uri;
        emit_pieces(event_kind::withdrawn, set_pieces(out), now_ms, withdrawn);
    }

    std::vector<std::size_t> renewed;
    controller_event renewal;
    renewal.uri = source_uri;
    renewal.expires_at_ms = std::numeric_limits<std::int64_t>::max();
    for (const std::size_t piece : state().to_renew(now_ms, cfg.safety_margin_ms)) {
        const std::int64_t until = advertised_expiry(*state().find(piece), now_ms);
        if (until > state().find(piece)->advertised_expires_at_ms) {
            record(journal_record::renewed(piece, now_ms, until));
            ++counters.renewals;
            renewed.push_back(piece);
            renewal.expires_at_ms = std::min(renewal.expires_at_ms, until);
        }
    }
    emit_pieces(event_kind::renewed, renewed, now_ms, renewal);

    // Confirmed uploads: advertised while they have more than a margin to live, else purged.
    std::vector<std::size_t> unpublishable;
    std::vector<std::size_t> published;
    controller_event publication;
    publication.uri = source_uri;
    publication.expires_at_ms = std::numeric_limits<std::int64_t>::max();
    for (const std::size_t piece : pieces_in(state(), holding_state::stored)) {
        // One being uploaded again is decided on once the new TTL is known.
        if (purge_wanted.count(piece) != 0 || state().find(piece)->reuploading()) {
            continue;
        }
        const std::int64_t until = advertised_expiry(*state().find(piece), now_ms);
        if (shutting_down || until - cfg.safety_margin_ms <= now_ms) {
            unpublishable.push_back(piece);
        } else {
            record(journal_record::published(piece, now_ms, until));
            published.push_back(piece);
            publication.expires_at_ms = std::min(publication.expires_at_ms, until);
        }
    }
    purge_wanted.insert(unpublishable.begin(), unpublishable.end());
    emit_pieces(event_kind::published, published, now_ms, publication);

    const cdn_source want = wanted_source();
    if (synced && advertised && *advertised == want) {
        return;
    }
    try {
        if (want.pieces.none()) {
            cfg.link->withdraw(layout.id(), source_uri, nullptr);
        } else {
            cfg.link->publish(layout.id(), want);
        }
    } catch (const std::exception& e) {
        link_failed(now_ms);
        emit_link_failed(want.pieces.none() ? "withdraw" : "publish", e, now_ms);
        return;
    }
    ++counters.publishes;
    advertised = want;
    synced = true;
    if (cfg.on_event) {
        controller_event updated;
        updated.kind = event_kind::tracker_updated;
        updated.time_ms = now_ms;
        updated.uri = source_uri;
        updated.pieces = want.pieces;
        for (const std::size_t piece : set_pieces(want.pieces)) {
            updated.bytes += layout.piece_range(piece).length;
        }
        updated.expires_at_ms = want.expires_s * 1000;
        emit(std::move(updated));
    }
}

// ---- Purges and expiries -----------------------------------------------------------------------

void controller::impl::start_purges(std::vector<std::size_t> pieces, std::int64_t now_ms) {
    std::vector<std::size_t> batch;
    for (const std::size_t piece : pieces) {
        const holding* h = state().find(piece);
        const auto retry = purge_not_before.find(piece);
        if (h == nullptr || h->state == holding_state::published || h->reuploading() ||
            purge_jobs.count(piece) != 0 || ingest_jobs.count(piece) != 0 ||
            (retry != purge_not_before.end() && now_ms < retry->second) ||
            std::find(batch.begin(), batch.end(), piece) != batch.end()) {
            continue;
        }
        record(journal_record::purge_started(piece, now_ms));
        purge_wanted.erase(piece);
        batch.push_back(piece);
    }
    if (batch.empty()) {
        return;
    }
    emit_pieces(event_kind::purge_started, batch, now_ms);
    cdn::purge_request req;
    req.content_id = layout.id();
    req.pieces = batch;
    try {
        const std::uint64_t id = client->submit_purge(
            std::move(req), [this](const cdn::job_status& st) { finished.push_back(st); });
        for (const std::size_t piece : batch) purge_jobs[piece] = id;
    } catch (const error& e) {
        for (const std::size_t piece : batch) {
            purge_not_before[piece] = now_ms + cfg.purge_retry_ms;
            ++counters.purge_failures;
        }
        controller_event failed;
        failed.error = e.code();
        failed.message = e.what();
        emit_pieces(event_kind::purge_failed, batch, now_ms, failed);
    }
}

void controller::impl::start_due_purges(std::int64_t now_ms) {
    std::vector<std::size_t> due = state().purge_due(now_ms);
    due.insert(due.end(), purge_wanted.begin(), purge_wanted.end());
    start_purges(std::move(due), now_ms);
}

void controller::impl::record_expiries(std::int64_t now_ms) {
    std::vector<std::size_t> expired;
    for (const std::size_t piece : state().expiry_due(now_ms)) {
        if (purge_jobs.count(piece) != 0) {
            continue;  // its purge's answer comes first
        }
        const std::uint64_t bytes = state().find(piece)->bytes;
        record(journal_record::expired(piece, now_ms));
        purge_wanted.erase(piece);
        purge_not_before.erase(piece);
        ++counters.pieces_expired;
        counters.bytes_expired += bytes;
        expired.push_back(piece);
    }
    emit_pieces(event_kind::expired, expired, now_ms);
}

}  // namespace p2pcdn::nscf
