// The jobs of cdn::client and their items: creation, planning at each step of the chain,
// items moving on or ending, the end of a job and its callback, cancellation.
#include "cdn/client_impl.hpp"

#include "wire/uri_template.hpp"

#include <algorithm>

namespace p2pcdn::cdn {

std::uint64_t client::impl::add_job(job_kind kind, std::string content_id,
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
        st.items[i].uri = expand_uri_template(config.delivery_template, st.content_id, pieces[i]);
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

client::impl::job_record* client::impl::find_job(std::uint64_t id) const noexcept {
    const auto it = jobs.find(id);
    return it == jobs.end() ? nullptr : it->second.get();
}

void client::impl::advance(std::uint64_t id) {
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

void client::impl::release_bytes(job_record& job, std::size_t item) {
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

void client::impl::leave_step(job_record& job, std::size_t item) {
    const std::size_t s = job.step[item];
    if (s < job.live.size()) {
        --job.live[s];
    }
}

void client::impl::pass_step(job_record& job, std::size_t item, long status) {
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

void client::impl::end_item(job_record& job, std::size_t item, item_state state, errc error,
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

void client::impl::op_done_for(job_record& job, std::size_t item, long status) {
    if (job.open[item] > 0) {
        --job.open[item];
    }
    if (job.open[item] == 0) {
        pass_step(job, item, status);
    }
}

void client::impl::settle(std::uint64_t id) {
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

void client::impl::settle_dirty() {
    while (!dirty.empty()) {
        std::unordered_set<std::uint64_t> now;
        now.swap(dirty);
        for (const std::uint64_t id : now) advance(id);
        for (const std::uint64_t id : now) settle(id);
    }
}

void client::impl::notify() {
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

bool client::impl::cancel(std::uint64_t id) {
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

std::size_t client::impl::active_jobs() const noexcept {
    std::size_t n = 0;
    for (const auto& [id, job] : jobs) {
        n += is_terminal(job->data.status.state) ? 0 : 1;
    }
    return n;
}

}  // namespace p2pcdn::cdn
