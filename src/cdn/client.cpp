// The job engine behind cdn::client. Jobs hold their items; each item walks the job's chain of
// drivers (the CSS fetch first for an ingest that needs bytes from it); at each step the driver
// plans operations for the items that arrived, and the engine sends their requests, reads the
// outcomes and applies the retry rules (driver.hpp has the division of work).
#include "cdn/client.hpp"

#include "cdn/cit_driver.hpp"
#include "cdn/css_driver.hpp"
#include "cdn/driver.hpp"
#include "cdn/edge_driver.hpp"
#include "cdn/origin_driver.hpp"
#include "cdn/request_check.hpp"
#include "http/client.hpp"
#include "wire/uri_template.hpp"

#include <algorithm>
#include <array>
#include <chrono>
#include <deque>
#include <map>
#include <set>
#include <thread>
#include <unordered_map>
#include <unordered_set>

namespace p2pcdn::cdn {
namespace {

constexpr std::array<std::string_view, 4> metric_names{"css", "origin", "edge", "cit"};

std::size_t metric_index(std::string_view name) noexcept {
    for (std::size_t i = 0; i < metric_names.size(); ++i) {
        if (metric_names[i] == name) {
            return i;
        }
    }
    return metric_names.size();
}

std::int64_t system_steady_ms() {
    using namespace std::chrono;
    return duration_cast<milliseconds>(steady_clock::now().time_since_epoch()).count();
}

std::int64_t system_unix_s() {
    using namespace std::chrono;
    return duration_cast<seconds>(system_clock::now().time_since_epoch()).count();
}

// Clears a flag when the scope ends, exceptions included.
struct flag_scope {
    explicit flag_scope(bool& flag) : flag_(flag) { flag_ = true; }
    ~flag_scope() { flag_ = false; }
    flag_scope(const flag_scope&) = delete;
    flag_scope& operator=(const flag_scope&) = delete;
    bool& flag_;
};

}  // namespace

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

    explicit impl(client_config c)
        : config((validate_client_config(c), std::move(c))),
          retry(config.retry),
          http(config.http) {
        if (!config.steady_ms) {
            config.steady_ms = system_steady_ms;
        }
        if (!config.unix_s) {
            config.unix_s = system_unix_s;
        }
        if (config.origin) {
            origin = std::make_unique<origin_driver>(*config.origin);
        }
        if (config.edge) {
            edge = std::make_unique<edge_driver>(*config.edge);
        }
        if (config.cit) {
            cit = std::make_unique<cit_driver>(*config.cit);
        }
        bytes_cap = 2 * config.http.max_parallel;
    }

    const driver* driver_for(driver_kind kind) const noexcept {
        switch (kind) {
            case driver_kind::origin: return origin.get();
            case driver_kind::edge: return edge.get();
            case driver_kind::cit: return cit.get();
        }
        return nullptr;
    }

    std::vector<const driver*> chain_of(const std::vector<driver_kind>& kinds) const {
        std::vector<const driver*> chain;
        for (const driver_kind kind : kinds) chain.push_back(driver_for(kind));
        return chain;
    }

    driver_metrics& metrics_of(const driver& d) noexcept {
        return metrics[std::min(metric_index(d.name()), metrics.size() - 1)];
    }

    // ---- jobs ---------------------------------------------------------------------------

    std::uint64_t add_job(job_kind kind, std::string content_id,
                          const std::vector<std::size_t>& pieces, std::int64_t ttl_s,
                          std::vector<std::string> bytes, std::unique_ptr<css_driver> css,
                          std::vector<const driver*> chain, job_callback done) {
        auto job = std::make_unique<job_record>();
        const std::size_t n = pieces.size();
        job_status& st = job->data.status;
        st.id = next_job;
        st.kind = kind;
        st.content_id = std::move(content_id);
        st.ttl_s = ttl_s;
        st.created_ms = config.steady_ms();
        st.items.resize(n);
        for (std::size_t i = 0; i < n; ++i) {
            st.items[i].piece = pieces[i];
            st.items[i].uri =
                expand_uri_template(config.delivery_template, st.content_id, pieces[i]);
        }
        if (css) {
            chain.insert(chain.begin(), css.get());
        }
        job->css = std::move(css);
        for (std::size_t s = 0; s < chain.size(); ++s) {
            if (chain[s]->needs_bytes()) {
                job->bytes_until = s + 1;
            }
        }
        job->data.bytes = job->bytes_until == 0 ? std::vector<std::string>(n) : std::move(bytes);
        job->data.bytes.resize(n);
        job->chain = std::move(chain);
        job->done = std::move(done);
        job->step.assign(n, 0);
        job->open.assign(n, 0);
        job->wrote.assign(n, 0);
        job->holds_bytes.assign(n, 0);
        job->arrived.resize(job->chain.size());
        job->live.assign(job->chain.size(), 0);
        for (std::size_t i = 0; i < n; ++i) job->arrived[0].push_back(i);
        job->live[0] = n;
        job->items_left = n;
        job->budget = retry.budget_for(n);
        const std::uint64_t id = next_job++;
        jobs.emplace(id, std::move(job));
        dirty.insert(id);
        return id;
    }

    job_record* find_job(std::uint64_t id) const noexcept {
        const auto it = jobs.find(id);
        return it == jobs.end() ? nullptr : it->second.get();
    }

    // Plans operations for the items that arrived at each step of a job's chain.
    void advance(std::uint64_t id) {
        job_record* job = find_job(id);
        if (job == nullptr || job->cancel_asked) {
            return;
        }
        for (std::size_t s = 0; s < job->chain.size(); ++s) {
            std::deque<std::size_t>& queue = job->arrived[s];
            if (queue.empty()) {
                continue;
            }
            const driver& d = *job->chain[s];
            // A batching driver waits for the steps before it, so its batches are full.
            if (d.batch_limit() > 1 &&
                std::any_of(job->live.begin(), job->live.begin() + static_cast<std::ptrdiff_t>(s),
                            [](std::size_t n) { return n != 0; })) {
                continue;
            }
            std::vector<std::size_t> take;
            if (&d == job->css.get()) {
                // Fetched bytes wait for their upload: bound how many are held at once.
                while (!queue.empty() && bytes_items < bytes_cap) {
                    job->holds_bytes[queue.front()] = 1;
                    ++bytes_items;
                    take.push_back(queue.front());
                    queue.pop_front();
                }
                if (!queue.empty()) {
                    css_waiting.insert(id);
                }
            } else {
                take.assign(queue.begin(), queue.end());
                queue.clear();
            }
            if (take.empty()) {
                continue;
            }
            for (operation& op : d.plan(job->data, take)) {
                for (const std::size_t item : op.items) ++job->open[item];
                add_op(id, *job, s, std::move(op));
            }
            for (const std::size_t item : take) {
                if (job->open[item] == 0) {
                    pass_step(*job, item, 0);  // the driver had nothing to do for it
                }
            }
        }
    }

    // A new operation, queued to be sent unless `queued` is false (its caller schedules it).
    std::uint64_t add_op(std::uint64_t job_id, job_record& job, std::size_t step, operation op,
                         bool queued = true) {
        const std::uint64_t id = next_op++;
        op_record rec;
        rec.job = job_id;
        rec.step = step;
        rec.op = std::move(op);
        rec.where = queued ? place::ready : place::nowhere;
        ops.emplace(id, std::move(rec));
        job.ops.insert(id);
        if (queued) {
            ready.push_back(id);
        }
        return id;
    }

    void drop_op(std::uint64_t id) {
        const auto it = ops.find(id);
        if (it == ops.end()) {
            return;
        }
        if (job_record* job = find_job(it->second.job)) {
            job->ops.erase(id);
        }
        if (it->second.where == place::waiting) {
            timers.erase(it->second.timer);
        }
        ops.erase(it);
    }

    void release_bytes(job_record& job, std::size_t item) {
        if (job.holds_bytes[item] != 0) {
            job.holds_bytes[item] = 0;
            --bytes_items;
            for (const std::uint64_t waiting : css_waiting) dirty.insert(waiting);
            css_waiting.clear();
        }
        std::string& bytes = job.data.bytes[item];
        if (bytes.capacity() != 0) {
            http.recycle(std::move(bytes));
            bytes = std::string();
        }
    }

    // An item leaves its step (to the next one, or because it is over).
    void leave_step(job_record& job, std::size_t item) {
        const std::size_t s = job.step[item];
        if (s < job.live.size()) {
            --job.live[s];
        }
    }

    void pass_step(job_record& job, std::size_t item, long status) {
        job_item& it = job.data.status.items[item];
        if (is_terminal(it.state)) {
            return;
        }
        it.http_status = status;
        leave_step(job, item);
        const std::size_t next = ++job.step[item];
        if (next >= job.bytes_until) {
            release_bytes(job, item);
        }
        if (next < job.chain.size()) {
            ++job.live[next];
            job.arrived[next].push_back(item);
            return;
        }
        it.state = item_state::done;
        it.error = errc::ok;
        it.message.clear();
        --job.items_left;
    }

    void end_item(job_record& job, std::size_t item, item_state state, errc error,
                  std::string message, long status, std::string_view driver) {
        job_item& it = job.data.status.items[item];
        if (is_terminal(it.state)) {
            return;
        }
        it.state = state;
        it.error = error;
        it.message = std::move(message);
        if (status != 0 || state == item_state::failed) {
            it.http_status = status;
        }
        it.driver = std::string(driver);
        leave_step(job, item);
        job.step[item] = job.chain.size();
        release_bytes(job, item);
        --job.items_left;
    }

    // One of an item's operations at its step is over; after the last, the item moves on
    // (unless one of them ended it).
    void op_done_for(job_record& job, std::size_t item, long status) {
        if (job.open[item] > 0) {
            --job.open[item];
        }
        if (job.open[item] == 0) {
            pass_step(job, item, status);
        }
    }

    // ---- sending ------------------------------------------------------------------------

    void launch() {
        while (in_flight < config.http.max_parallel && !ready.empty()) {
            const std::uint64_t id = ready.front();
            ready.pop_front();
            const auto it = ops.find(id);
            if (it != ops.end() && it->second.where == place::ready) {
                send(id, it->second);
            }
        }
    }

    void send(std::uint64_t id, op_record& rec) {
        job_record& job = *find_job(rec.job);
        const driver& d = *job.chain[rec.step];
        const std::int64_t now_s = config.unix_s();
        http::request req;
        try {
            req = d.request(job.data, rec.op, now_s);
            if (req.timeout_ms == 0) {
                req.timeout_ms = config.request_timeout_ms;
            }
            if (const signer* s = d.request_signer()) {
                s->sign(req, now_s);
            }
        } catch (const error& e) {
            finish_failed(id, rec, e.code(), e.what(), 0);
            return;
        }
        driver_metrics& m = metrics_of(d);
        ++m.requests;
        m.bytes_sent += req.body.size();
        ++rec.attempts;
        if (!rec.cancelling) {
            for (const std::size_t item : rec.op.items) {
                job_item& it = job.data.status.items[item];
                if (rec.counted) {
                    ++it.attempts;
                }
                if (it.state == item_state::pending) {
                    it.state = item_state::active;
                }
            }
        }
        if (job.data.status.state == job_state::pending) {
            job.data.status.state = job_state::active;
        }
        try {
            rec.transfer =
                http.submit(std::move(req), [this, id](http::response& res) { answered(id, res); });
        } catch (const error& e) {
            // A URL the HTTP client refuses (malformed, a scheme the policy forbids): final.
            finish_failed(id, rec, e.code(), e.what(), 0);
            return;
        }
        rec.where = place::flight;
        ++in_flight;
    }

    void wait_then_send(std::uint64_t id, op_record& rec, std::int64_t delay_ms) {
        if (delay_ms <= 0) {
            rec.where = place::ready;
            ready.push_back(id);
            return;
        }
        rec.where = place::waiting;
        rec.timer = timers.emplace(config.steady_ms() + delay_ms, id);
    }

    void fire_timers() {
        const std::int64_t now = config.steady_ms();
        while (!timers.empty() && timers.begin()->first <= now) {
            const std::uint64_t id = timers.begin()->second;
            timers.erase(timers.begin());
            const auto it = ops.find(id);
            if (it != ops.end()) {
                it->second.where = place::ready;
                ready.push_back(id);
            }
        }
    }

    // ---- answers ------------------------------------------------------------------------

    void answered(std::uint64_t id, http::response& res) {
        const auto it = ops.find(id);
        if (it == ops.end()) {
            return;
        }
        op_record& rec = it->second;
        rec.where = place::nowhere;
        --in_flight;
        job_record& job = *find_job(rec.job);
        const driver& d = *job.chain[rec.step];
        metrics_of(d).bytes_received += res.body.size();
        dirty.insert(rec.job);
        outcome out = d.classify(job.data, rec.op, res);
        if (rec.cancelling) {
            cancel_answered(id, rec, d, out);
            return;
        }
        if (d.changes_cdn() && res.status == 0 && res.error != errc::tls) {
            // No answer: the request may have been carried out all the same (unless the TLS
            // handshake failed, which comes before anything is sent).
            for (const std::size_t item : rec.op.items) job.wrote[item] = 1;
        }
        switch (out.what) {
            case verdict::done: return finish_done(id, rec, job, d, out, res.status);
            case verdict::retry: return retry_later(id, rec, job, d, out, res.status);
            case verdict::split: return split(id, rec, job, out, res.status);
            case verdict::fail: return finish_failed(id, rec, out.error, out.message, res.status);
            case verdict::follow_up: return follow_up(id, rec, job, d, out, res.status);
        }
    }

    void finish_done(std::uint64_t id, op_record& rec, job_record& job, const driver& d,
                     outcome& out, long status) {
        if (!out.confirmed) {
            job.unconfirmed = true;
        }
        // Items the CDN reported a transient error for go again, as an operation of their own.
        operation again;
        std::uint32_t tried = 0;
        outcome why;
        why.what = verdict::retry;
        bool failures = false;
        for (item_problem& p : out.problems) {
            if (p.retry) {
                if (again.items.empty()) {
                    why.error = p.error;
                    why.message = p.message;
                }
                again.items.push_back(p.item);
                tried = std::max(tried, job.data.status.items[p.item].attempts);
            } else {
                end_item(job, p.item, item_state::failed, p.error, std::move(p.message), status,
                         d.name());
                failures = true;
            }
        }
        for (const std::size_t item : rec.op.items) {
            if (std::find(again.items.begin(), again.items.end(), item) != again.items.end()) {
                continue;  // still open: the new operation takes it over
            }
            if (d.changes_cdn() && job.data.status.items[item].state != item_state::failed) {
                job.wrote[item] = 1;
            }
            op_done_for(job, item, status);
        }
        if (failures) {
            ++metrics_of(d).failures;
        }
        const std::uint64_t job_id = rec.job;
        const std::size_t step = rec.step;
        drop_op(id);
        if (!again.items.empty()) {
            const std::uint64_t retry_id = add_op(job_id, job, step, std::move(again), false);
            op_record& fresh = ops.at(retry_id);
            fresh.attempts = tried;
            retry_later(retry_id, fresh, job, d, why, status);
        }
    }

    void retry_later(std::uint64_t id, op_record& rec, job_record& job, const driver& d,
                     const outcome& out, long status) {
        if (rec.attempts >= retry.max_attempts()) {
            finish_failed(id, rec, out.error,
                          fmt::format("{}; gave up after {} attempts", out.message, rec.attempts),
                          status);
            return;
        }
        if (job.budget == 0) {
            finish_failed(id, rec, out.error,
                          fmt::format("{}; the job's retry budget is spent", out.message), status);
            return;
        }
        --job.budget;
        ++job.data.status.retries;
        ++metrics_of(d).retries;
        wait_then_send(id, rec, retry.delay_ms(rec.attempts, out.delay_ms));
    }

    void split(std::uint64_t id, op_record& rec, job_record& job, const outcome& out, long status) {
        if (rec.op.items.size() < 2) {
            finish_failed(id, rec, out.error, out.message, status);
            return;
        }
        const std::uint64_t job_id = rec.job;
        const std::size_t step = rec.step;
        std::vector<std::size_t> items = std::move(rec.op.items);
        drop_op(id);
        const auto half = items.begin() + static_cast<std::ptrdiff_t>(items.size() / 2);
        operation first;
        first.items.assign(items.begin(), half);
        operation second;
        second.items.assign(half, items.end());
        add_op(job_id, job, step, std::move(first));
        add_op(job_id, job, step, std::move(second));
    }

    void follow_up(std::uint64_t id, op_record& rec, job_record& job, const driver& d,
                   const outcome& out, long status) {
        const std::int64_t now = config.steady_ms();
        if (rec.follow_since < 0) {
            rec.follow_since = now;
        }
        const std::int64_t limit = d.follow_up_limit_ms();
        if (limit > 0 && now - rec.follow_since >= limit) {
            finish_failed(id, rec, errc::timeout,
                          fmt::format("{}: no final status after {} ms", d.name(), limit), status);
            return;
        }
        (void)job;
        rec.counted = false;
        rec.attempts = 0;
        wait_then_send(id, rec, out.delay_ms);
    }

    // The operation failed for good: every item of it that is not over yet fails.
    void finish_failed(std::uint64_t id, op_record& rec, errc error, const std::string& message,
                       long status) {
        job_record& job = *find_job(rec.job);
        const driver& d = *job.chain[rec.step];
        ++metrics_of(d).failures;
        if (!rec.cancelling) {
            for (const std::size_t item : rec.op.items) {
                end_item(job, item, item_state::failed, error, message, status, d.name());
                op_done_for(job, item, status);
            }
        }
        dirty.insert(rec.job);
        drop_op(id);
    }

    void cancel_answered(std::uint64_t id, op_record& rec, const driver& d, const outcome& out) {
        if (out.what == verdict::retry && rec.attempts < retry.max_attempts()) {
            ++metrics_of(d).retries;
            wait_then_send(id, rec, retry.delay_ms(rec.attempts, out.delay_ms));
            return;
        }
        if (out.what != verdict::done) {
            ++metrics_of(d).failures;
        }
        drop_op(id);
    }

    // ---- the end of jobs ----------------------------------------------------------------

    void settle(std::uint64_t id) {
        job_record* job = find_job(id);
        if (job == nullptr || job->notified) {
            return;
        }
        job_status& st = job->data.status;
        if (is_terminal(st.state) || job->items_left != 0 || !job->ops.empty()) {
            return;
        }
        bool failed = false;
        for (std::size_t i = 0; i < st.items.size(); ++i) {
            job_item& it = st.items[i];
            failed = failed || it.state == item_state::failed;
            it.uncertain =
                st.kind == job_kind::ingest && it.state != item_state::done && job->wrote[i] != 0;
        }
        if (job->cancel_asked) {
            st.state = job_state::cancelled;
        } else if (failed) {
            st.state = job_state::failed;
        } else {
            st.state = job->unconfirmed ? job_state::processed : job_state::complete;
        }
        st.finished_ms = config.steady_ms();
        finished.push_back(id);
    }

    void settle_dirty() {
        while (!dirty.empty()) {
            std::unordered_set<std::uint64_t> now;
            now.swap(dirty);
            for (const std::uint64_t id : now) advance(id);
            for (const std::uint64_t id : now) settle(id);
        }
    }

    void notify() {
        while (!finished.empty()) {
            const std::uint64_t id = finished.front();
            finished.pop_front();
            job_record* job = find_job(id);
            if (job == nullptr || job->notified) {
                continue;
            }
            job->notified = true;
            if (job->done) {
                const job_callback done = std::move(job->done);
                // A copy: the callback may forget the job.
                const job_status copy = job->data.status;
                done(copy);
            }
        }
    }

    bool cancel(std::uint64_t id) {
        job_record* job = find_job(id);
        if (job == nullptr || is_terminal(job->data.status.state)) {
            return false;
        }
        if (job->cancel_asked) {
            return true;
        }
        job->cancel_asked = true;
        const std::set<std::uint64_t> live_ops = job->ops;
        for (const std::uint64_t op_id : live_ops) {
            op_record& rec = ops.at(op_id);
            const driver& d = *job->chain[rec.step];
            if (rec.where == place::flight) {
                http.cancel(rec.transfer);
                --in_flight;
                if (d.changes_cdn()) {
                    for (const std::size_t item : rec.op.items) job->wrote[item] = 1;
                }
            } else if (rec.where == place::waiting) {
                timers.erase(rec.timer);
            }
            rec.where = place::nowhere;
            if (d.begin_cancel(rec.op)) {
                rec.cancelling = true;
                rec.attempts = 0;
                rec.where = place::ready;
                ready.push_back(op_id);
            } else {
                drop_op(op_id);
            }
        }
        for (std::size_t i = 0; i < job->data.status.items.size(); ++i) {
            end_item(*job, i, item_state::cancelled, errc::cancelled, "cancelled", 0, "");
        }
        for (auto& queue : job->arrived) queue.clear();
        css_waiting.erase(id);
        job->data.status.state = job_state::cancelling;
        dirty.insert(id);
        return true;
    }

    std::size_t active_jobs() const noexcept {
        std::size_t n = 0;
        for (const auto& [id, job] : jobs) {
            n += is_terminal(job->data.status.state) ? 0 : 1;
        }
        return n;
    }

    std::size_t step(int timeout_ms) {
        if (in_step) {
            fail(errc::state, "step or wait called from a job callback");
        }
        const flag_scope scope(in_step);
        pump();
        int wait = timeout_ms < 0 ? 0 : timeout_ms;
        if (!timers.empty()) {
            const std::int64_t until = timers.begin()->first - config.steady_ms();
            wait = static_cast<int>(std::clamp<std::int64_t>(until, 0, wait));
        }
        if (http.pending() > 0) {
            http.step(wait);
        } else if (wait > 0 && !timers.empty()) {
            std::this_thread::sleep_for(std::chrono::milliseconds(wait));
        }
        pump();
        notify();
        return active_jobs();
    }

    // Plans what became plannable, sends what is due, until nothing changes.
    void pump() {
        do {
            settle_dirty();
            fire_timers();
            launch();
        } while (!dirty.empty());
    }

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

client::client(client_config config) : impl_(std::make_unique<impl>(std::move(config))) {}

client::~client() = default;

std::uint64_t client::submit_ingest(ingest_request req, job_callback done) {
    if (impl_->config.ingest_chain.empty()) {
        fail(errc::state, "no ingest chain is configured");
    }
    std::vector<const driver*> chain = impl_->chain_of(impl_->config.ingest_chain);
    const bool uploads =
        std::any_of(chain.begin(), chain.end(), [](const driver* d) { return d->needs_bytes(); });
    validate_ingest(req, uploads);
    std::unique_ptr<css_driver> css;
    if (uploads && req.bytes.empty()) {
        css = std::make_unique<css_driver>(req.css);
    }
    return impl_->add_job(job_kind::ingest, std::move(req.content_id), req.pieces, req.ttl_s,
                          std::move(req.bytes), std::move(css), std::move(chain), std::move(done));
}

std::uint64_t client::submit_purge(purge_request req, job_callback done) {
    if (impl_->config.purge_chain.empty()) {
        fail(errc::state, "no purge chain is configured");
    }
    validate_pieces(req.content_id, req.pieces, nullptr);
    return impl_->add_job(job_kind::purge, std::move(req.content_id), req.pieces, 0, {}, nullptr,
                          impl_->chain_of(impl_->config.purge_chain), std::move(done));
}

std::size_t client::step(int timeout_ms) {
    return impl_->step(timeout_ms);
}

job_status client::wait(std::uint64_t job) {
    if (impl_->in_step) {
        fail(errc::state, "step or wait called from a job callback");
    }
    for (;;) {
        const impl::job_record* rec = impl_->find_job(job);
        if (rec == nullptr) {
            fail(errc::not_found, "no job {}", job);
        }
        if (is_terminal(rec->data.status.state)) {
            job_status copy = rec->data.status;
            impl_->step(0);  // runs the callback, if it has not run yet
            return copy;
        }
        impl_->step(200);
    }
}

bool client::cancel(std::uint64_t job) {
    return impl_->cancel(job);
}

const job_status* client::status(std::uint64_t job) const {
    const impl::job_record* rec = impl_->find_job(job);
    return rec == nullptr ? nullptr : &rec->data.status;
}

void client::forget(std::uint64_t job) {
    const impl::job_record* rec = impl_->find_job(job);
    if (rec != nullptr && is_terminal(rec->data.status.state)) {
        impl_->jobs.erase(job);
    }
}

std::size_t client::active_jobs() const noexcept {
    return impl_->active_jobs();
}

std::string client::delivery_uri(const std::string& content_id, std::size_t piece) const {
    return expand_uri_template(impl_->config.delivery_template, content_id, piece);
}

driver_metrics client::metrics(std::string_view driver) const {
    const std::size_t i = metric_index(driver);
    return i < impl_->metrics.size() ? impl_->metrics[i] : driver_metrics{};
}

}  // namespace p2pcdn::cdn
