// Statistics pushed to subscribed CCSs (POST /subscribe; TR 23.844 steps 3 and 9): the
// tracker's own subscriptions make each content's report on the tracker's thread, and one
// pusher thread POSTs the reports as JSON to the subscribers' URLs with libcurl.
//
// A subscriber that fails or is slow delays only the other pushes, never an announce: a push
// is bounded by its timeouts, and a failed one is logged and retried after a backoff (1 s,
// doubling, at most 60 s). Only the newest report of a subscriber waits to be sent; a newer one
// replaces it, so a subscriber back from an outage gets the current state, not a backlog.
#pragma once

#include "daemon_log.hpp"

#include <p2pcdn/p2pcdn.h>

#include <atomic>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

namespace p2pcdn_cli {

struct push_settings {
    std::size_t max_subscriptions = 64;
    long connect_timeout_ms = 2000;
    long timeout_ms = 5000;
};

class stats_pusher {
public:
    // libcurl's global state must be set up (curl_global_init) before, and the tracker must
    // deliver its subscriptions (p2pcdn_tracker_start); both outlive the pusher.
    stats_pusher(p2pcdn_tracker* tracker, push_settings settings, daemon_log& log);
    // Ends every subscription, then stops the pusher thread (a push in flight ends first).
    ~stats_pusher();
    stats_pusher(const stats_pusher&) = delete;
    stats_pusher& operator=(const stats_pusher&) = delete;

    enum class outcome { added, replaced, full };
    // Pushes the content's report to url every interval_ms, the first at once; the same
    // content and url again changes the interval. Throws std::runtime_error with the
    // library's message when the tracker refuses the subscription.
    outcome subscribe(const std::string& content_id, const std::string& url,
                      std::int64_t interval_ms);
    std::size_t size() const;

    struct subscriber;

private:
    void run();
    bool post(const std::string& url, const std::string& body, std::string& why);

    p2pcdn_tracker* tracker_;
    push_settings settings_;
    daemon_log& log_;
    std::mutex subscribe_mutex_;  // one subscribe() at a time: each key gets one subscriber
    mutable std::mutex mutex_;
    std::condition_variable wake_;
    bool stop_ = false;
    std::atomic<bool> stopping_{false};  // read by a push in flight, to end it early
    std::map<std::string, std::shared_ptr<subscriber>> subscribers_;  // by content and url
    std::uint64_t next_number_ = 1;
    std::thread thread_;
};

}  // namespace p2pcdn_cli
