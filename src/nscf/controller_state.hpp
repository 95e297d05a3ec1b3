// The controller's inside, shared by controller.cpp (set-up, recovery, the thread) and
// controller_round.cpp (one step: the policy's round, the CDN jobs, the tracker, purges).
#pragma once

#include "nscf/controller.hpp"

#include <condition_variable>
#include <cstdint>
#include <exception>
#include <map>
#include <mutex>
#include <optional>
#include <set>
#include <thread>
#include <vector>

namespace p2pcdn::nscf {

// The library's code of what a callback, the policy or the link threw; errc::error for any
// other exception.
errc error_code_of(const std::exception& failure) noexcept;

struct controller::impl {
    impl(controller_config&& config, content_layout layout);

    // ---- Configuration ----------------------------------------------------------------------
    controller_config cfg;
    content_layout layout;
    std::shared_ptr<const cdn::css_source> css;  // null: the chain needs no bytes
    std::unique_ptr<cdn::client> own_client;
    cdn::client* client = nullptr;
    std::string source_uri;  // the delivery template, as published
    std::optional<bitmap> self_pieces;
    std::unique_ptr<journal> jrn;

    // ---- Work in progress -------------------------------------------------------------------
    std::optional<stats_report> pending;               // the round step() carries out next
    std::map<std::size_t, std::uint64_t> ingest_jobs;  // piece -> job in flight
    std::map<std::size_t, std::uint64_t> purge_jobs;
    std::vector<cdn::job_status> finished;  // filled by the client's callbacks
    std::set<std::size_t> leaving;          // published, the policy purges: withdraw first
    std::set<std::size_t> purge_wanted;     // stored, the policy purges
    std::map<std::size_t, std::int64_t> purge_not_before;  // a failed purge's next attempt
    // What the tracker holds from this controller, as far as a returned call says; unknown
    // (synced false) at start and after a link failure, so the next step sends all of it.
    std::optional<cdn_source> advertised;
    bool synced = false;
    std::int64_t link_not_before = 0;
    bool shutting_down = false;
    controller_metrics counters;
    // Events wait here until the constructor has finished (a failed one delivers none).
    std::vector<controller_event> held_events;
    bool holding_events = true;

    // ---- The controller thread --------------------------------------------------------------
    mutable std::mutex mutex;
    std::condition_variable wake;
    std::thread thread;
    bool stop_thread = false;
    std::exception_ptr thread_error;

    std::int64_t now() const { return cfg.clock_ms(); }
    std::size_t piece_count() const noexcept { return layout.piece_count(); }
    const nscf::holdings& state() const noexcept { return jrn->state(); }
    void record(const journal_record& r) { jrn->append(r, cfg.safety_margin_ms); }

    // controller_events.cpp
    void emit(controller_event e);
    void release_events();
    // An event about `pieces` (none: no event), with their bitmap and their bytes.
    void emit_pieces(event_kind kind, const std::vector<std::size_t>& pieces, std::int64_t now_ms,
                     controller_event e = {});
    void emit_link_failed(const char* operation, const std::exception& e, std::int64_t now_ms);

    // controller_round.cpp
    std::size_t step(int timeout_ms);
    void run_round(std::int64_t now_ms);
    void start_ingests(const std::vector<policy::ingest_item>& items, std::int64_t now_ms);
    std::uint32_t ttl_s_of(const policy::ingest_item& item) const noexcept;
    bool reuploadable(const policy::ingest_item& item, std::int64_t now_ms) const;
    void finish_jobs(std::int64_t now_ms);
    void maintain_advertisement(std::int64_t now_ms);
    void start_purges(std::vector<std::size_t> pieces, std::int64_t now_ms);
    void start_due_purges(std::int64_t now_ms);
    void record_expiries(std::int64_t now_ms);
    void link_failed(std::int64_t now_ms);
    std::int64_t advertised_expiry(const holding& h, std::int64_t now_ms) const;
    cdn_source wanted_source() const;
};

}  // namespace p2pcdn::nscf
