#include "ue/piece_response.hpp"

#include "core/piece_hasher.hpp"
#include "http/content_range.hpp"
#include "http/redact.hpp"

namespace p2pcdn::ue {
namespace {

fetch_result base(std::size_t piece, const http::response& res) {
    fetch_result r;
    r.piece = piece;
    r.http_status = res.status;
    r.final_url = res.final_url;
    r.redirects = res.redirects;
    r.bytes = res.body.size();
    return r;
}

fetch_result finish(fetch_result r, fetch_status status, errc error, std::string message) {
    r.status = status;
    r.error = error;
    r.message = std::move(message);
    return r;
}

}  // namespace

const char* to_string(fetch_status status) noexcept {
    switch (status) {
    case fetch_status::ok:
        return "ok";
    case fetch_status::hash_mismatch:
        return "hash mismatch";
    case fetch_status::gone:
        return "gone";
    case fetch_status::retry_later:
        return "retry later";
    case fetch_status::fatal:
        return "fatal";
    }
    return "unknown";
}

fetch_result classify_piece_response(const content_layout& layout, const piece_hashes& hashes,
                                     std::size_t piece, bool ranged, http::response& res) {
    fetch_result r = base(piece, res);
    const std::string where = http::redact_url(res.final_url);

    if (res.error != errc::ok) {
        const bool transient = res.error == errc::network || res.error == errc::timeout;
        std::string message = res.message;
        if (http::range_ignored_past_limit(res, ranged)) {
            message += "; the server ignored the Range and sent the whole object";
        }
        return finish(std::move(r), transient ? fetch_status::retry_later : fetch_status::fatal,
                      res.error, std::move(message));
    }

    const long status = res.status;
    if (status == 404 || status == 410) {
        return finish(std::move(r), fetch_status::gone, errc::not_found,
                      fmt::format("piece {}: HTTP {} from {}", piece, status, where));
    }
    if (status == 429 || status == 503 || status == 408 || (status >= 500 && status <= 599)) {
        if (res.retry_after_ms) {
            r.retry_after_ms = *res.retry_after_ms;
        }
        return finish(std::move(r), fetch_status::retry_later, errc::http,
                      fmt::format("piece {}: HTTP {} from {}", piece, status, where));
    }
    if (status != 200 && status != 206) {
        return finish(std::move(r), fetch_status::fatal, errc::http,
                      fmt::format("piece {}: HTTP {} from {}", piece, status, where));
    }

    const byte_range range = layout.piece_range(piece);
    http::range_body body = http::take_range_body(res, range, layout.total_length(), ranged);
    if (!body.problem.empty()) {
        return finish(std::move(r), fetch_status::fatal, errc::protocol,
                      fmt::format("piece {}: {} from {}", piece, body.problem, where));
    }
    std::string data = std::move(body.data);

    if (data.size() != range.length) {
        return finish(std::move(r), fetch_status::hash_mismatch, errc::hash_mismatch,
                      fmt::format("piece {}: {} bytes from {}, expected {}", piece, data.size(),
                                  where, range.length));
    }
    if (!verify_piece(layout, hashes, piece, reinterpret_cast<const std::uint8_t*>(data.data()),
                      data.size())) {
        return finish(std::move(r), fetch_status::hash_mismatch, errc::hash_mismatch,
                      fmt::format("piece {}: bytes from {} do not match its hash", piece, where));
    }
    r.status = fetch_status::ok;
    r.error = errc::ok;
    r.data = std::move(data);
    return r;
}

}  // namespace p2pcdn::ue
