#include "stats_pusher.hpp"

#include <curl/curl.h>

#include <algorithm>
#include <chrono>
#include <stdexcept>
#include <utility>

namespace p2pcdn_cli {
namespace {

using clock = std::chrono::steady_clock;

constexpr auto first_backoff = std::chrono::seconds(1);
constexpr auto max_backoff = std::chrono::seconds(60);

// "http://ccs.example:8080": where a subscriber is, for log lines. The URL's userinfo, path and
// query may hold credentials or tokens, so they are left out; libcurl's own parser says where
// the parts are.
std::string origin_of(const std::string& url) {
    CURLU* parts = curl_url();
    std::string origin = "(unparsable URL)";
    char* scheme = nullptr;
    char* host = nullptr;
    char* port = nullptr;
    if (parts != nullptr && curl_url_set(parts, CURLUPART_URL, url.c_str(), 0) == CURLUE_OK &&
        curl_url_get(parts, CURLUPART_SCHEME, &scheme, 0) == CURLUE_OK &&
        curl_url_get(parts, CURLUPART_HOST, &host, 0) == CURLUE_OK) {
        origin = std::string(scheme) + "://" + host;
        if (curl_url_get(parts, CURLUPART_PORT, &port, 0) == CURLUE_OK) {
            origin += std::string(":") + port;
        }
    }
    curl_free(scheme);
    curl_free(host);
    curl_free(port);
    curl_url_cleanup(parts);
    return origin;
}

std::size_t discard(char*, std::size_t size, std::size_t count, void*) {
    return size * count;
}

// libcurl's progress callback: a non-zero answer aborts the transfer, so shutting down does
// not wait out a slow subscriber's timeout.
int abort_when_stopping(void* stopping, curl_off_t, curl_off_t, curl_off_t, curl_off_t) {
    return static_cast<const std::atomic<bool>*>(stopping)->load() ? 1 : 0;
}

std::string library_error(const char* what, int rc) {
    return std::string(what) + ": " + p2pcdn_strerror(rc) + ": " + p2pcdn_last_error();
}

}  // namespace

struct stats_pusher::subscriber {
    stats_pusher* owner = nullptr;
    std::uint64_t number = 0;  // names it in log lines
    std::string content_id;
    std::string url;
    std::string origin;
    std::uint64_t tracker_id = 0;
    // The rest is guarded by the owner's mutex.
    std::string pending;  // the newest report not yet delivered
    bool has_pending = false;
    std::uint64_t version = 0;  // of `pending`: a push clears it only if no newer one came
    clock::time_point retry_at{};
    unsigned failures = 0;

    // The tracker's subscription callback, on the tracker's thread: it encodes the report and
    // hands it to the pusher thread; no network here. Nothing may escape into the C frames.
    static int P2PCDN_CALLBACK on_report(const p2pcdn_stats* stats, void* payload) noexcept {
        auto& self = *static_cast<subscriber*>(payload);
        try {
            std::size_t size = 0;
            if (p2pcdn_stats_to_json(stats, P2PCDN_COPIES_AUTO, nullptr, 0, &size) != P2PCDN_OK) {
                return 0;
            }
            std::string json(size, '\0');
            if (p2pcdn_stats_to_json(stats, P2PCDN_COPIES_AUTO, json.data(), json.size(), &size) !=
                P2PCDN_OK) {
                return 0;
            }
            json.resize(size - 1);  // the NUL
            stats_pusher& owner = *self.owner;
            {
                const std::lock_guard lock(owner.mutex_);
                self.pending = std::move(json);
                self.has_pending = true;
                ++self.version;
            }
            owner.wake_.notify_one();
        } catch (...) {
            // Out of memory: this report is lost; the next one comes at the next interval.
        }
        return 0;
    }
};

stats_pusher::stats_pusher(p2pcdn_tracker* tracker, push_settings settings, daemon_log& log)
    : tracker_(tracker), settings_(settings), log_(log) {
    thread_ = std::thread([this] { run(); });
}

stats_pusher::~stats_pusher() {
    std::map<std::string, std::shared_ptr<subscriber>> ended;
    {
        const std::lock_guard lock(mutex_);
        ended.swap(subscribers_);
    }
    // Waits for a report callback in flight, so none runs once the subscriber is gone.
    for (const auto& entry : ended) {
        p2pcdn_tracker_unsubscribe(tracker_, entry.second->tracker_id);
    }
    {
        const std::lock_guard lock(mutex_);
        stop_ = true;
    }
    stopping_ = true;
    wake_.notify_one();
    thread_.join();
}

stats_pusher::outcome stats_pusher::subscribe(const std::string& content_id, const std::string& url,
                                              std::int64_t interval_ms) {
    const std::lock_guard serial(subscribe_mutex_);
    // A NUL cannot be in either (the library's strings), so it separates them unambiguously.
    const std::string key = content_id + '\0' + url;
    std::shared_ptr<subscriber> sub;
    bool replacing = false;
    {
        const std::lock_guard lock(mutex_);
        const auto it = subscribers_.find(key);
        if (it != subscribers_.end()) {
            sub = it->second;
            replacing = true;
        } else if (subscribers_.size() >= settings_.max_subscriptions) {
            return outcome::full;
        } else {
            sub = std::make_shared<subscriber>();
            sub->owner = this;
            sub->number = next_number_++;
            sub->content_id = content_id;
            sub->url = url;
            sub->origin = origin_of(url);
        }
    }
    // The new schedule first, so a failure leaves the old one running.
    std::uint64_t id = 0;
    const int rc = p2pcdn_tracker_subscribe(tracker_, content_id.c_str(), interval_ms,
                                            &subscriber::on_report, sub.get(), &id);
    if (rc != P2PCDN_OK) {
        throw std::runtime_error(library_error("subscribe", rc));
    }
    const std::uint64_t old_id = sub->tracker_id;
    {
        const std::lock_guard lock(mutex_);
        sub->tracker_id = id;
        subscribers_[key] = sub;
    }
    if (replacing) {
        p2pcdn_tracker_unsubscribe(tracker_, old_id);
    }
    log_.event(replacing ? "subscription_changed" : "subscription_added",
               "subscription=" + std::to_string(sub->number) + " content=" + content_id +
                   " to=" + sub->origin + " interval_ms=" + std::to_string(interval_ms));
    return replacing ? outcome::replaced : outcome::added;
}

std::size_t stats_pusher::size() const {
    const std::lock_guard lock(mutex_);
    return subscribers_.size();
}

void stats_pusher::run() {
    std::unique_lock lock(mutex_);
    for (;;) {
        // The subscriber whose report is due first, if any.
        std::shared_ptr<subscriber> next;
        for (const auto& entry : subscribers_) {
            const auto& sub = entry.second;
            if (sub->has_pending && (next == nullptr || sub->retry_at < next->retry_at)) {
                next = sub;
            }
        }
        if (stop_) {
            return;
        }
        if (next == nullptr) {
            wake_.wait(lock);
            continue;
        }
        if (next->retry_at > clock::now()) {
            wake_.wait_until(lock, next->retry_at);
            continue;
        }
        const std::string body = next->pending;
        const std::uint64_t version = next->version;
        lock.unlock();
        std::string why;
        const bool delivered = post(next->url, body, why);
        lock.lock();
        if (delivered) {
            next->failures = 0;
            next->retry_at = clock::time_point{};
            if (next->version == version) {
                next->has_pending = false;
                next->pending.clear();
            }
            continue;
        }
        ++next->failures;
        const auto backoff = std::min<clock::duration>(
            first_backoff * (1u << std::min(next->failures - 1, 6u)), max_backoff);
        next->retry_at = clock::now() + backoff;
        lock.unlock();
        log_.event("push_failed",
                   "subscription=" + std::to_string(next->number) + " content=" + next->content_id +
                       " to=" + next->origin + " failures=" + std::to_string(next->failures) +
                       " retry_in_ms=" +
                       std::to_string(
                           std::chrono::duration_cast<std::chrono::milliseconds>(backoff).count()) +
                       ": " + why);
        lock.lock();
    }
}

bool stats_pusher::post(const std::string& url, const std::string& body, std::string& why) {
    CURL* curl = curl_easy_init();
    if (curl == nullptr) {
        why = "cannot make a libcurl handle";
        return false;
    }
    char error[CURL_ERROR_SIZE] = "";
    curl_slist* headers = curl_slist_append(nullptr, "Content-Type: application/json");
    curl_easy_setopt(curl, CURLOPT_URL, url.c_str());
    curl_easy_setopt(curl, CURLOPT_PROTOCOLS_STR, "http,https");
    curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(curl, CURLOPT_HTTPHEADER, headers);
    curl_easy_setopt(curl, CURLOPT_POSTFIELDS, body.data());
    curl_easy_setopt(curl, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(body.size()));
    curl_easy_setopt(curl, CURLOPT_CONNECTTIMEOUT_MS, settings_.connect_timeout_ms);
    curl_easy_setopt(curl, CURLOPT_TIMEOUT_MS, settings_.timeout_ms);
    curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, &discard);
    curl_easy_setopt(curl, CURLOPT_ERRORBUFFER, error);
    curl_easy_setopt(curl, CURLOPT_NOPROGRESS, 0L);
    curl_easy_setopt(curl, CURLOPT_XFERINFOFUNCTION, &abort_when_stopping);
    curl_easy_setopt(curl, CURLOPT_XFERINFODATA, &stopping_);
    const CURLcode rc = curl_easy_perform(curl);
    long status = 0;
    curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &status);
    curl_slist_free_all(headers);
    curl_easy_cleanup(curl);
    if (rc != CURLE_OK) {
        why = error[0] != '\0' ? error : curl_easy_strerror(rc);
        return false;
    }
    if (status < 200 || status > 299) {
        why = "HTTP status " + std::to_string(status);
        return false;
    }
    return true;
}

}  // namespace p2pcdn_cli
