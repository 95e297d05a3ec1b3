#include "http/client.hpp"

#include "http/origin.hpp"

#include <algorithm>
#include <optional>

namespace p2pcdn::http {
namespace {

void check_multi(CURLMcode rc, const char* what) {
    if (rc == CURLM_OUT_OF_MEMORY) {
        throw std::bad_alloc();
    }
    if (rc != CURLM_OK) {
        fail(errc::error, "{} failed: {}", what, curl_multi_strerror(rc));
    }
}

// Clears a flag when the scope ends, exceptions included.
struct step_scope {
    explicit step_scope(bool& flag) : flag_(flag) { flag_ = true; }
    ~step_scope() { flag_ = false; }
    step_scope(const step_scope&) = delete;
    step_scope& operator=(const step_scope&) = delete;
    bool& flag_;
};

}  // namespace

void validate(const client_config& config) {
    validate(config.policy);
    if (config.connect_timeout_ms < 0 || config.timeout_ms < 0) {
        fail(errc::invalid, "timeouts must not be negative");
    }
    if (config.connect_timeout_ms > 0x7fffffff || config.timeout_ms > 0x7fffffff) {
        fail(errc::invalid, "timeouts must be below 2^31 ms");
    }
    if (config.low_speed_bytes_per_s < 0 || config.low_speed_time_s < 0) {
        fail(errc::invalid, "low-speed limits must not be negative");
    }
    if (config.max_redirects < 0 || config.max_redirects > 100) {
        fail(errc::invalid, "max_redirects {} is not in 0 to 100", config.max_redirects);
    }
    if (config.max_response_bytes == 0 ||
        config.max_response_bytes > static_cast<std::uint64_t>(INT64_MAX)) {
        fail(errc::invalid, "max_response_bytes must be 1 to 2^63-1");
    }
    if (config.max_per_host == 0 || config.max_parallel == 0 || config.max_per_host > 1024 ||
        config.max_parallel > 4096) {
        fail(errc::invalid, "max_per_host must be 1 to 1024 and max_parallel 1 to 4096");
    }
}

client::client(client_config config) : config_(std::move(config)) {
    validate(config_);
    multi_ = curl_multi_init();
    if (multi_ == nullptr) {
        throw std::bad_alloc();
    }
    try {
        check_multi(curl_multi_setopt(multi_, CURLMOPT_MAX_HOST_CONNECTIONS,
                                      static_cast<long>(config_.max_per_host)),
                    "CURLMOPT_MAX_HOST_CONNECTIONS");
        check_multi(curl_multi_setopt(multi_, CURLMOPT_MAX_TOTAL_CONNECTIONS,
                                      static_cast<long>(config_.max_parallel)),
                    "CURLMOPT_MAX_TOTAL_CONNECTIONS");
        check_multi(curl_multi_setopt(multi_, CURLMOPT_PIPELINING, CURLPIPE_MULTIPLEX),
                    "CURLMOPT_PIPELINING");
    } catch (...) {
        curl_multi_cleanup(multi_);
        throw;
    }
}

client::~client() {
    for (auto& [id, t] : transfers_) {
        release(*t);
    }
    transfers_.clear();
    for (CURL* easy : idle_) {
        curl_easy_cleanup(easy);
    }
    curl_multi_cleanup(multi_);
}

void client::recycle(std::string&& body) noexcept {
    if (body.capacity() == 0 || body.capacity() > config_.max_response_bytes ||
        spare_bodies_.size() >= config_.max_parallel) {
        return;
    }
    try {
        spare_bodies_.push_back(std::move(body));
        spare_bodies_.back().clear();
    } catch (...) {
        // Only an optimisation: without room to keep it, the buffer is simply freed.
    }
}

std::uint64_t client::submit(request req, completion done) {
    check_url(config_.policy, req.url);
    std::string origin = origin_of(req.url);
    const std::uint64_t id = next_id_++;
    auto t = std::make_unique<transfer>(id, std::move(req), std::move(done), std::move(origin));
    transfers_.emplace(id, std::move(t));
    try {
        queue_.push_back(id);
    } catch (...) {
        transfers_.erase(id);
        throw;
    }
    return id;
}

void client::release(transfer& t) noexcept {
    if (t.easy() == nullptr) {
        return;
    }
    curl_multi_remove_handle(multi_, t.easy());
    CURL* easy = t.detach();
    auto it = running_per_origin_.find(t.origin());
    if (it != running_per_origin_.end() && --it->second == 0) {
        running_per_origin_.erase(it);
    }
    --running_;
    try {
        if (idle_.size() < config_.max_parallel) {
            idle_.push_back(easy);
            return;
        }
    } catch (...) {
    }
    curl_easy_cleanup(easy);
}

void client::start(transfer& t) {
    CURL* easy = nullptr;
    if (!idle_.empty()) {
        easy = idle_.back();
        idle_.pop_back();
    } else {
        easy = curl_easy_init();
        if (easy == nullptr) {
            throw std::bad_alloc();
        }
    }
    std::string buffer;
    if (!spare_bodies_.empty()) {
        buffer = std::move(spare_bodies_.back());
        spare_bodies_.pop_back();
    }
    try {
        t.attach(easy, config_, std::move(buffer));
        check_multi(curl_multi_add_handle(multi_, easy), "curl_multi_add_handle");
    } catch (...) {
        t.detach();
        curl_easy_cleanup(easy);
        throw;
    }
    ++running_;
    ++running_per_origin_[t.origin()];
}

void client::start_queued() {
    for (auto it = queue_.begin(); it != queue_.end() && running_ < config_.max_parallel;) {
        auto found = transfers_.find(*it);
        if (found == transfers_.end()) {
            it = queue_.erase(it);
            continue;
        }
        transfer& t = *found->second;
        auto per = running_per_origin_.find(t.origin());
        if (per != running_per_origin_.end() && per->second >= config_.max_per_host) {
            ++it;
            continue;
        }
        start(t);
        it = queue_.erase(it);
    }
}

void client::collect_finished() {
    int left = 0;
    while (CURLMsg* msg = curl_multi_info_read(multi_, &left)) {
        if (msg->msg != CURLMSG_DONE) {
            continue;
        }
        void* self = nullptr;
        curl_easy_getinfo(msg->easy_handle, CURLINFO_PRIVATE, &self);
        auto* t = static_cast<transfer*>(self);
        const CURLcode result = msg->data.result;  // msg is invalid after remove_handle
        response res = t->finish(result);
        const std::uint64_t id = t->id();
        ready_.emplace_back(id, std::move(res));
        release(*t);
    }
}

void client::drive(int timeout_ms) {
    start_queued();
    int still = 0;
    check_multi(curl_multi_perform(multi_, &still), "curl_multi_perform");
    collect_finished();
    if (ready_.empty() && running_ > 0 && timeout_ms > 0) {
        check_multi(curl_multi_poll(multi_, nullptr, 0, timeout_ms, nullptr), "curl_multi_poll");
        check_multi(curl_multi_perform(multi_, &still), "curl_multi_perform");
        collect_finished();
    }
    // Freed slots go to waiting transfers at once, so they start while completions run.
    if (!queue_.empty()) {
        start_queued();
        check_multi(curl_multi_perform(multi_, &still), "curl_multi_perform");
        collect_finished();
    }
}

void client::deliver() {
    while (!ready_.empty()) {
        auto [id, res] = std::move(ready_.front());
        ready_.pop_front();
        auto it = transfers_.find(id);
        if (it == transfers_.end()) {
            continue;  // cancelled by an earlier completion
        }
        std::unique_ptr<transfer> t = std::move(it->second);
        transfers_.erase(it);
        completion done = std::move(t->done());
        t.reset();
        if (done) {
            done(res);
        }
        recycle(std::move(res.body));
    }
}

std::size_t client::step(int timeout_ms) {
    if (in_step_) {
        fail(errc::state, "step called from a completion");
    }
    step_scope scope(in_step_);
    if (transfers_.empty()) {
        return 0;
    }
    drive(timeout_ms < 0 ? 0 : timeout_ms);
    deliver();
    return transfers_.size();
}

bool client::cancel(std::uint64_t id) {
    auto it = transfers_.find(id);
    if (it == transfers_.end()) {
        return false;
    }
    release(*it->second);
    transfers_.erase(it);
    auto q = std::find(queue_.begin(), queue_.end(), id);
    if (q != queue_.end()) {
        queue_.erase(q);
    }
    // A finished one in ready_ is skipped by deliver() now that it is gone from transfers_.
    return true;
}

response client::perform(request req) {
    if (in_step_) {
        fail(errc::state, "perform called from a completion");
    }
    std::optional<response> result;
    const std::uint64_t id = submit(std::move(req), [&result](response& r) {
        result = std::move(r);
    });
    try {
        while (!result) {
            step(1000);
        }
    } catch (...) {
        cancel(id);
        throw;
    }
    return std::move(*result);
}

}  // namespace p2pcdn::http
