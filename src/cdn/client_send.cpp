// The operations of cdn::client's jobs on their way out: queued, signed and sent within the
// concurrency limit, held back by timers for a retry or follow-up, and the step loop that
// drives them.
#include "cdn/client_impl.hpp"

#include "core/error.hpp"

#include <algorithm>
#include <chrono>
#include <thread>

namespace p2pcdn::cdn {
namespace {

// Clears a flag when the scope ends, exceptions included.
struct flag_scope {
    explicit flag_scope(bool& flag) : flag_(flag) { flag_ = true; }
    ~flag_scope() { flag_ = false; }
    flag_scope(const flag_scope&) = delete;
    flag_scope& operator=(const flag_scope&) = delete;
    bool& flag_;
};

}  // namespace

std::uint64_t client::impl::add_op(std::uint64_t job_id, job_record& job, std::size_t step,
                                   operation op, bool queued) {
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

void client::impl::drop_op(std::uint64_t id) {
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

void client::impl::launch() {
    while (in_flight < config.http.max_parallel && !ready.empty()) {
        const std::uint64_t id = ready.front();
        ready.pop_front();
        const auto it = ops.find(id);
        if (it != ops.end() && it->second.where == place::ready) {
            send(id, it->second);
        }
    }
}

void client::impl::send(std::uint64_t id, op_record& rec) {
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

void client::impl::wait_then_send(std::uint64_t id, op_record& rec, std::int64_t delay_ms) {
    if (delay_ms <= 0) {
        rec.where = place::ready;
        ready.push_back(id);
        return;
    }
    rec.where = place::waiting;
    rec.timer = timers.emplace(config.steady_ms() + delay_ms, id);
}

void client::impl::fire_timers() {
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

std::size_t client::impl::step(int timeout_ms) {
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

void client::impl::pump() {
    do {
        settle_dirty();
        fire_timers();
        launch();
    } while (!dirty.empty());
}

}  // namespace p2pcdn::cdn
