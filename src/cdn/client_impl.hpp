// The job engine behind cdn::client, shared by the files that implement it: jobs hold their
// items; each item walks the job's chain of drivers (the CSS fetch first for an ingest that
// needs bytes from it); at each step the driver plans operations for the items that arrived,
// and the engine sends their requests, reads the outcomes and applies the retry rules
// (driver.hpp has the division of work).
#pragma once

#include "cdn/cit_driver.hpp"
#include "cdn/client.hpp"
#include "cdn/css_driver.hpp"
#include "cdn/driver.hpp"
#include "cdn/edge_driver.hpp"
#include "cdn/origin_driver.hpp"
#include "http/client.hpp"

#include <array>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>
#include <vector>

namespace p2pcdn::cdn {

// The drivers metrics are kept for, in the order of client::impl::metrics.
inline constexpr std::array<std::string_view, 4> metric_names{"css", "origin", "edge", "cit"};

// The place of a driver name in metric_names; metric_names.size() for other names.
std::size_t metric_index(std::string_view name) noexcept;

struct client::impl {
    using timer_map = std::multimap<std::int64_t, std::uint64_t>;

    enum class place { ready, waiting, flight, nowhere };

    struct op_record {
        std::uint64_t job = 0;
        std::size_t step = 0;  // its driver's place in the job's chain
        operation op;
        place where = place::ready;
        std::uint32_t attempts = 0;  // of the current request
        // Its requests count in job_item::attempts: until its first follow-up.
        bool counted = true;
        bool cancelling = false;         // it now carries the driver's cancel request
        std::int64_t follow_since = -1;  // steady ms of its first follow-up
        std::uint64_t transfer = 0;      // in flight
        timer_map::iterator timer;       // waiting
    };

    struct job_record {
        job_data data;
        std::unique_ptr<css_driver> css;  // the job's own first step, when it fetches
        std::vector<const driver*> chain;
        // Items need their bytes until they reach this step of the chain.
        std::size_t bytes_until = 0;
        job_callback done;
        std::vector<std::size_t> step;    // per item: where in the chain it is
        std::vector<std::uint32_t> open;  // per item: operations of its step not finished
        std::vector<char> wrote;          // per item: a change may have reached the CDN
        std::vector<char> holds_bytes;    // per item: counted in bytes_items
        std::vector<std::deque<std::size_t>> arrived;  // per step: items not yet planned
        std::vector<std::size_t> live;  // per step: items at it that are not terminal
        std::set<std::uint64_t> ops;
        std::size_t items_left = 0;  // items not terminal
        std::uint32_t budget = 0;
        bool cancel_asked = false;
        bool unconfirmed = false;
        bool notified = false;
    };

    explicit impl(client_config c);

    const driver* driver_for(driver_kind kind) const noexcept;
    std::vector<const driver*> chain_of(const std::vector<driver_kind>& kinds) const;
    driver_metrics& metrics_of(const driver& d) noexcept;

    // ---- jobs and their items (client_jobs.cpp) --------------------------------------

    std::uint64_t add_job(job_kind kind, std::string content_id,
                          const std::vector<std::size_t>& pieces, std::int64_t ttl_s,
                          std::vector<std::string> bytes, std::unique_ptr<css_driver> css,
                          std::vector<const driver*> chain, job_callback done);
    job_record* find_job(std::uint64_t id) const noexcept;
    // Plans operations for the items that arrived at each step of a job's chain.
    void advance(std::uint64_t id);
    void release_bytes(job_record& job, std::size_t item);
    // An item leaves its step (to the next one, or because it is over).
    void leave_step(job_record& job, std::size_t item);
    void pass_step(job_record& job, std::size_t item, long status);
    void end_item(job_record& job, std::size_t item, item_state state, errc error,
                  std::string message, long status, std::string_view driver);
    // One of an item's operations at its step is over; after the last, the item moves on
    // (unless one of them ended it).
    void op_done_for(job_record& job, std::size_t item, long status);
    void settle(std::uint64_t id);
    void settle_dirty();
    void notify();
    bool cancel(std::uint64_t id);
    std::size_t active_jobs() const noexcept;

    // ---- operations: sending, timers, the step loop (client_send.cpp) ----------------

    // A new operation, queued to be sent unless `queued` is false (its caller schedules it).
    std::uint64_t add_op(std::uint64_t job_id, job_record& job, std::size_t step, operation op,
                         bool queued = true);
    void drop_op(std::uint64_t id);
    void launch();
    void send(std::uint64_t id, op_record& rec);
    void wait_then_send(std::uint64_t id, op_record& rec, std::int64_t delay_ms);
    void fire_timers();
    std::size_t step(int timeout_ms);
    // Plans what became plannable, sends what is due, until nothing changes.
    void pump();

    // ---- answers (client_answers.cpp) ------------------------------------------------

    void answered(std::uint64_t id, http::response& res);
    void finish_done(std::uint64_t id, op_record& rec, job_record& job, const driver& d,
                     outcome& out, long status);
    void retry_later(std::uint64_t id, op_record& rec, job_record& job, const driver& d,
                     const outcome& out, long status);
    void split(std::uint64_t id, op_record& rec, job_record& job, const outcome& out, long status);
    void follow_up(std::uint64_t id, op_record& rec, job_record& job, const driver& d,
                   const outcome& out, long status);
    // The operation failed for good: every item of it that is not over yet fails.
    void finish_failed(std::uint64_t id, op_record& rec, errc error, const std::string& message,
                       long status);
    void cancel_answered(std::uint64_t id, op_record& rec, const driver& d, const outcome& out);

    client_config config;
    retry_policy retry;
    std::unique_ptr<origin_driver> origin;
    std::unique_ptr<edge_driver> edge;
    std::unique_ptr<cit_driver> cit;
    std::array<driver_metrics, metric_names.size()> metrics{};

    std::map<std::uint64_t, std::unique_ptr<job_record>> jobs;
    std::unordered_map<std::uint64_t, op_record> ops;
    std::deque<std::uint64_t> ready;          // operations to send, oldest first
    timer_map timers;                         // operations waiting: due time (steady ms) -> id
    std::unordered_set<std::uint64_t> dirty;  // jobs to advance and settle
    std::unordered_set<std::uint64_t> css_waiting;  // jobs held back by bytes_cap
    std::deque<std::uint64_t> finished;             // terminal jobs to call back
    std::size_t in_flight = 0;
    std::size_t bytes_items = 0;  // items of CSS-fed jobs fetching or holding bytes
    std::size_t bytes_cap = 0;
    std::uint64_t next_job = 1;
    std::uint64_t next_op = 1;
    bool in_step = false;

    // Last: destroyed first, so no transfer outlives what its completion refers to.
    http::client http;
};

}  // namespace p2pcdn::cdn
