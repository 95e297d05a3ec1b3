// The UE-side CDN piece fetcher (TR 23.844 step 7): GETs a piece by URI, or a byte Range of
// the one content object for ranged sources, follows the CDN's redirect to a surrogate,
// verifies the piece hash and says what came of it (fetch_result.hpp). Sources that answered
// 404 or 410 for a piece are remembered and refused for that piece afterwards.
//
// get() blocks; submit() + step() run many fetches at once, host-driven, with the HTTP
// client's per-host cap. One thread at a time; completions run on the thread calling step()
// and may call submit(), cancel() and is_gone(), not step() or get().
#pragma once

#include "core/content_layout.hpp"
#include "core/piece_hashes.hpp"
#include "http/client.hpp"
#include "ue/fetch_result.hpp"

#include <cstdint>
#include <deque>
#include <functional>
#include <set>
#include <string>
#include <unordered_map>
#include <utility>

namespace p2pcdn::ue {

struct fetcher_config {
    http::client_config http;
    // The largest body accepted; 0: the piece length (see piece_response.hpp for ranged 200s).
    std::uint64_t max_response_bytes = 0;
};

class fetcher {
public:
    using completion = std::function<void(fetch_result&)>;

    // Throws errc::state when `hashes` is empty (nothing to verify against), errc::invalid
    // when it was made for another piece count or the settings are bad.
    fetcher(content_layout layout, piece_hashes hashes, fetcher_config config);

    const content_layout& layout() const noexcept { return layout_; }

    // Fetches one piece and waits for the outcome. Throws (without fetching) errc::range for a
    // piece past the last, errc::invalid / errc::protocol for a URI the client refuses.
    fetch_result get(std::size_t piece, const std::string& uri, bool ranged);

    // Queues a fetch; `done` runs once from step() unless cancelled. Same throws as get(). A
    // (uri, piece) marked gone completes with status gone at the next step, without a request.
    std::uint64_t submit(std::size_t piece, std::string uri, bool ranged, completion done);
    // Runs fetches for up to timeout_ms and calls completions; returns the fetches pending.
    std::size_t step(int timeout_ms);
    // False when the id is unknown or already finished. A cancelled fetch never completes.
    bool cancel(std::uint64_t id);
    std::size_t pending() const noexcept { return fetches_.size(); }

    bool is_gone(const std::string& uri, std::size_t piece) const;
    std::size_t gone_count() const noexcept { return gone_.size(); }

private:
    struct fetch {
        std::size_t piece;
        std::string uri;
        bool ranged;
        completion done;
        std::uint64_t transfer = 0;  // the client's id; 0 while it waits to complete as gone
    };

    http::request make_request(std::size_t piece, const std::string& uri, bool ranged) const;
    fetch_result gone_result(std::size_t piece, const std::string& uri) const;
    void on_response(std::uint64_t id, http::response& res);

    content_layout layout_;
    piece_hashes hashes_;
    fetcher_config config_;
    http::client client_;
    std::set<std::pair<std::string, std::size_t>> gone_;
    std::unordered_map<std::uint64_t, fetch> fetches_;
    std::deque<std::uint64_t> gone_ready_;  // fetches to complete as gone at the next step
    std::uint64_t next_id_ = 1;
    bool in_step_ = false;
};

}  // namespace p2pcdn::ue
