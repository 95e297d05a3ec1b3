#include "ue/fetcher.hpp"

#include "http/content_range.hpp"
#include "http/redact.hpp"
#include "ue/piece_response.hpp"

#include <optional>

namespace p2pcdn::ue {

fetcher::fetcher(content_layout layout, piece_hashes hashes, fetcher_config config)
    : layout_(std::move(layout)),
      hashes_(std::move(hashes)),
      config_(std::move(config)),
      client_(config_.http) {
    if (hashes_.empty()) {
        fail(errc::state, "content '{}' has no piece hashes to verify against", layout_.id());
    }
    if (hashes_.piece_count() != layout_.piece_count()) {
        fail(errc::invalid, "{} piece hashes for {} pieces", hashes_.piece_count(),
             layout_.piece_count());
    }
}

http::request fetcher::make_request(std::size_t piece, const std::string& uri,
                                    bool ranged) const {
    if (piece >= layout_.piece_count()) {
        fail(errc::range, "piece {} out of range for {} pieces", piece, layout_.piece_count());
    }
    const byte_range range = layout_.piece_range(piece);
    http::request req;
    req.url = uri;
    req.max_response_bytes =
        config_.max_response_bytes != 0 ? config_.max_response_bytes : range.length;
    if (ranged) {
        req.headers.emplace_back("Range", http::range_header(range));
    }
    return req;
}

fetch_result fetcher::gone_result(std::size_t piece, const std::string& uri) const {
    fetch_result r;
    r.piece = piece;
    r.status = fetch_status::gone;
    r.error = errc::not_found;
    r.message = fmt::format("piece {}: {} answered 404 or 410 before", piece, http::redact_url(uri));
    return r;
}

bool fetcher::is_gone(const std::string& uri, std::size_t piece) const {
    return gone_.count({uri, piece}) != 0;
}

fetch_result fetcher::get(std::size_t piece, const std::string& uri, bool ranged) {
    if (in_step_) {
        fail(errc::state, "get called from a fetch completion");
    }
    http::request req = make_request(piece, uri, ranged);
    if (is_gone(uri, piece)) {
        return gone_result(piece, uri);
    }
    http::response res = client_.perform(std::move(req));
    fetch_result r = classify_piece_response(layout_, hashes_, piece, ranged, res);
    if (r.status == fetch_status::gone) {
        gone_.emplace(uri, piece);
    }
    return r;
}

std::uint64_t fetcher::submit(std::size_t piece, std::string uri, bool ranged, completion done) {
    http::request req = make_request(piece, uri, ranged);
    const std::uint64_t id = next_id_++;
    const bool gone = is_gone(uri, piece);
    auto [it, inserted] = fetches_.emplace(id, fetch{piece, std::move(uri), ranged, std::move(done), 0});
    (void)inserted;
    try {
        if (gone) {
            gone_ready_.push_back(id);
        } else {
            it->second.transfer = client_.submit(
                std::move(req), [this, id](http::response& res) { on_response(id, res); });
        }
    } catch (...) {
        fetches_.erase(id);
        throw;
    }
    return id;
}

void fetcher::on_response(std::uint64_t id, http::response& res) {
    auto it = fetches_.find(id);
    if (it == fetches_.end()) {
        return;
    }
    fetch f = std::move(it->second);
    fetches_.erase(it);
    fetch_result r = classify_piece_response(layout_, hashes_, f.piece, f.ranged, res);
    r.id = id;
    if (r.status == fetch_status::gone) {
        gone_.emplace(f.uri, f.piece);
    }
    if (f.done) {
        f.done(r);
    }
    // The piece's bytes were the response body: its buffer serves the next transfer.
    client_.recycle(std::move(r.data));
}

std::size_t fetcher::step(int timeout_ms) {
    if (in_step_) {
        fail(errc::state, "step called from a fetch completion");
    }
    struct scope {
        bool& flag;
        explicit scope(bool& f) : flag(f) { flag = true; }
        ~scope() { flag = false; }
    } hold(in_step_);
    // Fetches refused as gone complete first, without waiting for the network.
    std::deque<std::uint64_t> ready;
    ready.swap(gone_ready_);
    const bool had_ready = !ready.empty();
    while (!ready.empty()) {
        const std::uint64_t id = ready.front();
        ready.pop_front();
        auto it = fetches_.find(id);
        if (it == fetches_.end()) {
            continue;
        }
        fetch f = std::move(it->second);
        fetches_.erase(it);
        fetch_result r = gone_result(f.piece, f.uri);
        r.id = id;
        if (f.done) {
            f.done(r);
        }
    }
    client_.step(had_ready ? 0 : timeout_ms);
    return fetches_.size();
}

bool fetcher::cancel(std::uint64_t id) {
    auto it = fetches_.find(id);
    if (it == fetches_.end()) {
        return false;
    }
    if (it->second.transfer != 0) {
        client_.cancel(it->second.transfer);
    }
    fetches_.erase(it);
    return true;
}

}  // namespace p2pcdn::ue
