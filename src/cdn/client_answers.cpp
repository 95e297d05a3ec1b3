// What cdn::client does with the answer to an operation's request, as its driver classified it:
// done, retried later within the attempt limit and the job's budget, split (a batch too
// large), followed up (a status to poll), or failed for good.
#include "cdn/client_impl.hpp"

#include <fmt/format.h>

#include <algorithm>

namespace p2pcdn::cdn {

void client::impl::answered(std::uint64_t id, http::response& res) {
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

void client::impl::finish_done(std::uint64_t id, op_record& rec, job_record& job, const driver& d,
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

void client::impl::retry_later(std::uint64_t id, op_record& rec, job_record& job, const driver& d,
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

void client::impl::split(std::uint64_t id, op_record& rec, job_record& job, const outcome& out,
                         long status) {
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

void client::impl::follow_up(std::uint64_t id, op_record& rec, job_record& job, const driver& d,
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

void client::impl::finish_failed(std::uint64_t id, op_record& rec, errc error,
                                 const std::string& message, long status) {
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

void client::impl::cancel_answered(std::uint64_t id, op_record& rec, const driver& d,
                                   const outcome& out) {
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

}  // namespace p2pcdn::cdn
