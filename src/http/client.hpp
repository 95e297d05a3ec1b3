// The library's one HTTP client: a libcurl multi handle with its connection cache (HTTP/1.1
// keep-alive and HTTP/2 multiplexing), a pool of reused easy handles, and a queue that keeps
// at most max_per_host transfers per origin and max_parallel in all running.
//
// Host-driven: submit() queues a request, step() runs libcurl and calls the completions of
// finished transfers on the calling thread; no thread of its own. perform() is the blocking
// form, built on the same loop. One thread at a time; completions may call submit() and
// cancel(), not step() or perform().
#pragma once

#include "http/config.hpp"
#include "http/message.hpp"
#include "http/transfer.hpp"

#include <curl/curl.h>

#include <cstdint>
#include <deque>
#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

namespace p2pcdn::http {

class client {
public:
    // Throws errc::invalid for bad settings. libcurl's global init must have happened
    // (p2pcdn_global_init in the C ABI).
    explicit client(client_config config);
    // Cancels every transfer; no completion runs.
    ~client();
    client(const client&) = delete;
    client& operator=(const client&) = delete;

    const client_config& config() const noexcept { return config_; }

    // Queues a request and returns its id (never 0). Throws, without queueing and without
    // calling `done`, for a malformed URL (errc::invalid) or a scheme the policy refuses
    // (errc::protocol). `done` runs exactly once, from step() or perform(), unless cancelled.
    std::uint64_t submit(request req, completion done);

    // Runs transfers for up to timeout_ms (0: only what is ready now; returns at once when
    // nothing is pending) and calls the completions of those that finished. Returns the number
    // of transfers still pending (running or queued). errc::state from inside a completion.
    std::size_t step(int timeout_ms);

    // Drops a pending transfer; its completion will not run. False when the id is unknown
    // (never submitted, finished, or cancelled already).
    bool cancel(std::uint64_t id);

    // Submits and steps until this request is done (other transfers progress meanwhile and
    // their completions run). Errors come back in the response, not as exceptions, except
    // those submit() throws.
    response perform(request req);

    std::size_t pending() const noexcept { return transfers_.size(); }

    // Hands a response body back once its bytes are no longer needed, so that a later
    // transfer receives into its already-touched memory instead of fresh pages (at CDN speeds
    // the page faults of a new buffer per piece cost more than the copy). Kept: at most
    // max_parallel buffers, none above max_response_bytes.
    void recycle(std::string&& body) noexcept;

private:
    void start_queued();
    void start(transfer& t);
    void collect_finished();
    void deliver();
    void release(transfer& t) noexcept;
    void drive(int timeout_ms);

    client_config config_;
    CURLM* multi_ = nullptr;
    std::vector<CURL*> idle_;  // reset easy handles waiting for reuse
    std::vector<std::string> spare_bodies_;  // recycled body buffers, emptied
    std::unordered_map<std::uint64_t, std::unique_ptr<transfer>> transfers_;
    std::deque<std::uint64_t> queue_;  // waiting to start, oldest first
    std::deque<std::pair<std::uint64_t, response>> ready_;  // finished, completion not yet run
    std::unordered_map<std::string, std::size_t> running_per_origin_;
    std::size_t running_ = 0;
    std::uint64_t next_id_ = 1;
    bool in_step_ = false;
};

}  // namespace p2pcdn::http
