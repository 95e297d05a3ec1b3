#include "cdn/css_source.hpp"

#include "core/piece_hasher.hpp"
#include "http/content_range.hpp"
#include "http/redact.hpp"
#include "wire/uri_template.hpp"

#include <string_view>

namespace p2pcdn::cdn {
namespace {

// The statuses a CSS (an origin or a CDN in front of one) uses for "not now": the same set the
// CDN client retries its own requests on.
bool is_retryable_status(long status) noexcept {
    return status == 408 || status == 429 || status == 500 || status == 502 || status == 503 ||
           status == 504;
}

// validate_cdn_uri's reason, named for the CSS setting it is about (never the URL itself: an
// object URL may be presigned).
void validate_setting(std::string_view setting, std::string_view uri) {
    try {
        validate_cdn_uri(uri);
    } catch (const error& e) {
        fail(errc::invalid, "CSS {}: {}", setting, e.what());
    }
}

css_piece failed(css_piece r, errc error, bool retryable, std::string message) {
    r.error = error;
    r.retryable = retryable;
    r.message = std::move(message);
    return r;
}

}  // namespace

css_source::css_source(content_layout layout, piece_hashes hashes, css_config config)
    : layout_(std::move(layout)), hashes_(std::move(hashes)), config_(std::move(config)) {
    if (hashes_.empty()) {
        fail(errc::state, "content '{}' has no piece hashes to verify the CSS's bytes against",
             layout_.id());
    }
    if (hashes_.piece_count() != layout_.piece_count()) {
        fail(errc::invalid, "{} piece hashes for {} pieces", hashes_.piece_count(),
             layout_.piece_count());
    }
    const bool object = !config_.object_url.empty();
    const bool per_piece = !config_.piece_template.empty();
    if (object && per_piece) {
        fail(errc::invalid, "CSS config names both an object URL and a piece template");
    }
    if (!object && !per_piece) {
        fail(errc::invalid, "CSS config names neither an object URL nor a piece template");
    }
    if (object) {
        validate_setting("object URL", config_.object_url);
        if (config_.object_url.find_first_of("{}") != std::string::npos) {
            fail(errc::invalid,
                 "CSS object URL holds a placeholder; a URL per piece is a piece template");
        }
    } else {
        validate_setting("piece template", config_.piece_template);
        if (config_.piece_template.find("{piece}") == std::string::npos) {
            fail(errc::invalid, "CSS piece template has no {{piece}} placeholder");
        }
    }
}

http::request css_source::request_for(std::size_t piece) const {
    if (piece >= layout_.piece_count()) {
        fail(errc::range, "piece {} out of range for {} pieces", piece, layout_.piece_count());
    }
    const byte_range range = layout_.piece_range(piece);
    http::request req;
    req.max_response_bytes = range.length;
    if (ranged()) {
        req.url = config_.object_url;
        req.headers.emplace_back("Range", http::range_header(range));
    } else {
        req.url = expand_uri_template(config_.piece_template, layout_.id(), piece);
    }
    return req;
}

css_piece css_source::classify(std::size_t piece, http::response& res) const {
    if (piece >= layout_.piece_count()) {
        fail(errc::range, "piece {} out of range for {} pieces", piece, layout_.piece_count());
    }
    const byte_range range = layout_.piece_range(piece);
    css_piece r;
    r.piece = piece;
    r.http_status = res.status;
    const std::string where = http::redact_url(res.final_url);

    if (res.error != errc::ok) {
        const bool transient = res.error == errc::network || res.error == errc::timeout;
        const char* why = http::range_ignored_past_limit(res, ranged())
                              ? "; the CSS ignored the Range and sent the whole object"
                              : "";
        return failed(std::move(r), res.error, transient,
                      fmt::format("CSS piece {}: {}{}", piece, res.message, why));
    }
    const long status = res.status;
    if (status != 200 && status != 206) {
        const bool retryable = is_retryable_status(status);
        if (retryable && res.retry_after_ms) {
            r.retry_after_ms = *res.retry_after_ms;
        }
        const errc error = status == 404 || status == 410 ? errc::not_found : errc::http;
        return failed(std::move(r), error, retryable,
                      fmt::format("CSS piece {}: HTTP {} from {}", piece, status, where));
    }

    http::range_body body = http::take_range_body(res, range, layout_.total_length(), ranged());
    if (!body.problem.empty()) {
        return failed(std::move(r), errc::protocol, false,
                      fmt::format("CSS piece {}: {} from {}", piece, body.problem, where));
    }
    if (body.data.size() != range.length) {
        return failed(std::move(r), errc::hash_mismatch, false,
                      fmt::format("CSS piece {}: {} bytes from {}, expected {}", piece,
                                  body.data.size(), where, range.length));
    }
    if (!verify_piece(layout_, hashes_, piece,
                      reinterpret_cast<const std::uint8_t*>(body.data.data()), body.data.size())) {
        return failed(
            std::move(r), errc::hash_mismatch, false,
            fmt::format("CSS piece {}: bytes from {} do not match its hash", piece, where));
    }
    r.bytes = std::move(body.data);
    return r;
}

}  // namespace p2pcdn::cdn
