// The NSCF controller: set-up, recovery, the controller thread and shutdown; one step's work
// is in controller_round.cpp.
//
// Order per piece. Every journal append is durable before the action after it starts.
//   ingest:  journal ingest_started -> CDN PUT -> journal ingest_confirmed (or ingest_failed,
//            uncertain when the PUT may have landed)
//   publish: journal published -> tracker publish (the whole source: replaces what it had)
//   renew:   journal renewed -> tracker publish (new earliest expiry)
//   re-upload (the policy ingests a piece held, stored or published: a new TTL):
//            journal reupload_started -> CDN PUT (same URI, overwrites) -> journal
//            reupload_confirmed (or reupload_failed, uncertain when the PUT may have landed);
//            then renew may extend the advertisement up to the new TTL less the margin
//   leave:   tracker withdraw -> journal withdrawn -> journal purge_started -> CDN purge ->
//            journal purge_confirmed (or, once the object's TTL has surely passed, expired)
//
// Crash windows (kill -9 between any two of the steps above) and what recover() does:
//   - after ingest_started, before or during the PUT: the holding is ingesting with no job,
//     so the object may or may not exist. recover() journals purge_started (which moves the
//     object's latest life to a TTL from now) and purges it: no untracked object, and it was
//     never advertised.
//   - after the PUT returned, before ingest_confirmed: the same (ingesting): purged.
//   - after ingest_confirmed, before published: stored; the next step publishes it (or purges
//     it when its TTL is too close).
//   - after published, before or during the tracker call: the journal says published, the
//     tracker may not; recover() sends the whole published set again (synced is false at
//     start). The object exists (confirmed), so invariant 1 holds whichever happened.
//   - after reupload_started, before, during or after the PUT, before its outcome is
//     journaled: the holding keeps its state with a re-upload in flight. Its object_gone
//     already covers the new TTL, its object_expires (the advertisements' bound) is still the
//     old one, so whichever object the CDN has, the advertisement ends in time and nothing
//     outlives the journal's object_gone. recover() records reupload_failed (uncertain, which
//     raises object_gone to a TTL from now); the policy may renew it again in a later round.
//   - after reupload_confirmed: the holding has the new expiry; the next step renews the
//     advertisement as usual.
//   - after renewed, before the tracker call: the tracker still has the older, earlier expiry;
//     the republish sends the new one. Either is within the margin.
//   - after the tracker withdraw, before withdrawn: the journal still says published. recover()
//     publishes it again if its advertisement is still valid (to_withdraw withdraws it first
//     when not); nothing was purged, so the tracker never names a purged object. The policy's
//     wish to purge it is lost with the process; the next round decides again.
//   - after withdrawn, before purge_started: withdrawn is purge due: purged again.
//   - after purge_started, during or after the purge, before purge_confirmed: purging is
//     purge due: purged again (a DELETE of a missing object is a success).
//   - a purge that keeps failing stays purging and is retried every purge_retry_ms until it
//     succeeds or the object's latest life has passed (expired).
// A tracker link failure leaves the journal as it was before the call (published stays
// published), so the next step tries again; a published holding is never purged, so a link
// that stays down only delays purges until the advertisement could be withdrawn.
// The tracker's own copy of an advertisement expires (cdn_source.expires_s) no later than the
// earliest latest_advertised_expiry of its pieces, so a controller that never comes back
// leaves nothing advertised past its objects' TTL less the margin.
#include "nscf/controller.hpp"

#include "core/error.hpp"
#include "nscf/controller_state.hpp"
#include "swarm/tracker.hpp"
#include "wire/uri_template.hpp"

#include <chrono>
#include <thread>
#include <utility>

namespace p2pcdn::nscf {
namespace {

constexpr std::uint32_t max_ttl_s = 10u * 366u * 24u * 3600u;

content_layout checked_layout(const controller_config& c) {
    if (!c.layout) {
        fail(errc::invalid, "nscf controller: no content layout");
    }
    if (!c.policy) {
        fail(errc::invalid, "nscf controller: no policy");
    }
    if (!c.link) {
        fail(errc::invalid, "nscf controller: no tracker link");
    }
    if (c.journal_path.empty()) {
        fail(errc::invalid, "nscf controller: no journal path");
    }
    if (c.safety_margin_ms < 1000 || c.safety_margin_ms > max_journal_ttl_ms) {
        fail(errc::invalid, "nscf controller: safety margin {} ms: expected 1000 to {}",
             c.safety_margin_ms, max_journal_ttl_ms);
    }
    if (c.advertisement_ms != 0 &&
        (c.advertisement_ms <= 2 * c.safety_margin_ms || c.advertisement_ms > max_journal_ttl_ms)) {
        fail(errc::invalid,
             "nscf controller: advertisement {} ms: expected 0 or more than twice the safety "
             "margin ({} ms), at most {}",
             c.advertisement_ms, c.safety_margin_ms, max_journal_ttl_ms);
    }
    if (c.default_ttl_s == 0 || c.default_ttl_s > max_ttl_s) {
        fail(errc::invalid, "nscf controller: default TTL {} s: expected 1 to {}", c.default_ttl_s,
             max_ttl_s);
    }
    if (c.link_retry_ms < 0 || c.purge_retry_ms < 0) {
        fail(errc::invalid, "nscf controller: negative retry interval");
    }
    if (c.self.peer_id.empty() || c.self.peer_id.size() > 20) {
        fail(errc::invalid, "nscf controller: peer id of {} bytes: expected 1 to 20",
             c.self.peer_id.size());
    }
    if (c.self.pieces != nullptr && c.self.pieces->size() != c.layout->piece_count()) {
        fail(errc::invalid, "nscf controller: own pieces bitmap of {} bits for {} pieces",
             c.self.pieces->size(), c.layout->piece_count());
    }
    return *c.layout;
}

std::int64_t system_unix_ms() {
    return system_clock_ms();
}

}  // namespace

controller::impl::impl(controller_config&& config, content_layout lay)
    : cfg(std::move(config)), layout(std::move(lay)) {
    if (!cfg.clock_ms) {
        cfg.clock_ms = system_unix_ms;
    }
    if (cfg.self.pieces != nullptr) {
        self_pieces = *cfg.self.pieces;
    }
    cfg.self.pieces = nullptr;  // the caller's bitmap need not outlive the call
    if (!cfg.css.object_url.empty() || !cfg.css.piece_template.empty()) {
        css = std::make_shared<cdn::css_source>(layout, cfg.hashes, cfg.css);
    }
    if (cfg.cdn_client != nullptr) {
        client = cfg.cdn_client;
        if (cfg.delivery_template.empty()) {
            fail(errc::invalid, "nscf controller: a given CDN client needs the delivery template");
        }
    } else {
        own_client = std::make_unique<cdn::client>(cfg.cdn);
        client = own_client.get();
        if (cfg.delivery_template.empty()) {
            cfg.delivery_template = cfg.cdn.delivery_template;
        }
    }
    validate_cdn_uri(cfg.delivery_template);
    // The published template must name the very objects the client ingests and purges.
    if (expand_uri_template(cfg.delivery_template, layout.id(), 0) !=
        client->delivery_uri(layout.id(), 0)) {
        fail(errc::invalid,
             "nscf controller: the delivery template does not match the CDN client's");
    }
    source_uri = cfg.delivery_template;
    journal_header header;
    header.controller_id = cfg.controller_id;
    header.content_id = layout.id();
    header.piece_count = layout.piece_count();
    jrn = std::make_unique<journal>(cfg.journal_path, header, cfg.journal);
}

controller::controller(controller_config config) {
    content_layout layout = checked_layout(config);
    impl_ = std::make_unique<impl>(std::move(config), std::move(layout));
    if (impl_->cfg.recover_on_start) {
        recover();
    }
    // Last: nothing after it can fail, so a constructor that throws has told nobody anything.
    impl_->release_events();
}

controller::~controller() {
    try {
        stop();
    } catch (...) {
        // The thread's error has nobody left to read it.
    }
}

const std::string& controller::content_id() const noexcept {
    return impl_->layout.id();
}

void controller::join() {
    std::lock_guard<std::mutex> lock(impl_->mutex);
    network_peer self = impl_->cfg.self;
    self.pieces = impl_->self_pieces ? &*impl_->self_pieces : nullptr;
    impl_->cfg.link->join(impl_->layout.id(), impl_->piece_count(), self);
}

void controller::on_stats(const stats_report& report) {
    if (report.content_id != impl_->layout.id() || report.piece_count != impl_->piece_count()) {
        fail(errc::invalid, "nscf controller: statistics of {} ({} pieces) for content {} ({})",
             report.content_id, report.piece_count, impl_->layout.id(), impl_->piece_count());
    }
    stats_report copy = report;
    std::lock_guard<std::mutex> lock(impl_->mutex);
    impl_->pending = std::move(copy);
    impl_->wake.notify_all();
}

void controller::request_stats() {
    stats_report report = [&] {
        std::lock_guard<std::mutex> lock(impl_->mutex);
        return impl_->cfg.link->fetch_stats(impl_->layout.id());
    }();
    on_stats(report);
}

std::size_t controller::step(int timeout_ms) {
    std::lock_guard<std::mutex> lock(impl_->mutex);
    if (impl_->thread.joinable()) {
        fail(errc::state, "nscf controller: step() while the controller thread runs");
    }
    return impl_->step(timeout_ms < 0 ? 0 : timeout_ms);
}

void controller::recover() {
    std::lock_guard<std::mutex> lock(impl_->mutex);
    impl& s = *impl_;
    const std::int64_t now = s.now();
    // Unknown uploads: purging is always safe, and settles how long the object may live.
    std::vector<std::size_t> unknown;
    for (const std::size_t piece : s.state().uncertain()) {
        if (s.ingest_jobs.count(piece) == 0) {
            unknown.push_back(piece);
        }
    }
    s.counters.uncertain_settled += unknown.size();
    std::vector<std::size_t> settled = unknown;
    s.start_purges(std::move(unknown), now);
    // Unknown re-uploads: settled as uncertain failures. The object's latest life already
    // covers the new TTL (and now moves to a TTL from now), its earliest expiry stays the old
    // one, so neither an advertisement nor an untracked object can outlive what is recorded.
    for (const std::size_t piece : s.state().reuploads()) {
        if (s.ingest_jobs.count(piece) == 0) {
            s.record(journal_record::reupload_failed(piece, now, true));
            ++s.counters.uncertain_settled;
            settled.push_back(piece);
        }
    }
    // The tracker gets the journal's published set again at the next contact.
    s.synced = false;
    s.advertised.reset();
    s.link_not_before = 0;
    s.maintain_advertisement(now);
    s.start_due_purges(now);
    s.record_expiries(now);
    controller_event done;
    done.kind = event_kind::recovered;
    done.time_ms = now;
    done.held = s.state().size();
    if (!settled.empty()) {
        s.emit_pieces(event_kind::recovered, settled, now, std::move(done));
    } else {
        s.emit(std::move(done));
    }
}

void controller::start(int interval_ms) {
    std::lock_guard<std::mutex> lock(impl_->mutex);
    if (impl_->thread.joinable()) {
        fail(errc::state, "nscf controller: the controller thread already runs");
    }
    const int interval = interval_ms <= 0 ? 100 : interval_ms;
    impl_->stop_thread = false;
    impl_->thread_error = nullptr;
    impl_->thread = std::thread([this, interval] {
        impl& s = *impl_;
        std::unique_lock<std::mutex> held(s.mutex);
        while (!s.stop_thread) {
            try {
                // With jobs running the client's own wait paces the loop; without, the
                // thread sleeps until a report or stop wakes it.
                if (s.step(interval) == 0 && !s.pending) {
                    s.wake.wait_for(held, std::chrono::milliseconds(interval));
                }
            } catch (...) {
                s.thread_error = std::current_exception();
                return;
            }
        }
    });
}

void controller::stop() {
    std::thread t;
    {
        std::lock_guard<std::mutex> lock(impl_->mutex);
        impl_->stop_thread = true;
        impl_->wake.notify_all();
        t = std::move(impl_->thread);
    }
    if (t.joinable()) {
        t.join();
    }
    std::lock_guard<std::mutex> lock(impl_->mutex);
    if (impl_->thread_error) {
        std::exception_ptr e = std::exchange(impl_->thread_error, nullptr);
        std::rethrow_exception(e);
    }
}

bool controller::running() const noexcept {
    std::lock_guard<std::mutex> lock(impl_->mutex);
    return impl_->thread.joinable() && !impl_->stop_thread;
}

nscf::holdings controller::holdings() const {
    std::lock_guard<std::mutex> lock(impl_->mutex);
    return impl_->state();
}

controller_metrics controller::metrics() const {
    std::lock_guard<std::mutex> lock(impl_->mutex);
    controller_metrics m = impl_->counters;
    m.storage_byte_seconds = impl_->state().storage_byte_seconds(impl_->now());
    return m;
}

bool controller::shutdown(bool purge_all, int timeout_ms) {
    stop();
    std::lock_guard<std::mutex> lock(impl_->mutex);
    impl& s = *impl_;
    if (!purge_all) {
        return s.state().size() == 0;
    }
    s.shutting_down = true;
    s.pending.reset();
    for (const auto& job : s.ingest_jobs) s.client->cancel(job.second);
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
    while (s.state().size() != 0 && std::chrono::steady_clock::now() < deadline) {
        // Uploads whose outcome the cancel left unknown are purged like the rest.
        if (s.ingest_jobs.empty()) {
            for (const std::size_t piece : s.state().uncertain()) s.purge_wanted.insert(piece);
        }
        if (s.step(50) == 0) {
            std::this_thread::sleep_for(std::chrono::milliseconds(20));  // a link retry's wait
        }
    }
    s.shutting_down = false;
    return s.state().size() == 0;
}

}  // namespace p2pcdn::nscf
