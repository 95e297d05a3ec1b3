#include "ue/piece_response.hpp"

#include "core/piece_hasher.hpp"
#include "http/redact.hpp"

namespace p2pcdn::ue {
namespace {

bool parse_u64(std::string_view s, std::uint64_t& out) {
    if (s.empty() || s.size() > 19) {
        return false;
    }
    out = 0;
    for (char c : s) {
        if (c < '0' || c > '9') {
            return false;
        }
        out = out * 10 + static_cast<std::uint64_t>(c - '0');
    }
    return true;
}

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

std::optional<content_range> parse_content_range(std::string_view value) {
    while (!value.empty() && value.front() == ' ') {
        value.remove_prefix(1);
    }
    while (!value.empty() && value.back() == ' ') {
        value.remove_suffix(1);
    }
    constexpr std::string_view unit = "bytes ";
    if (value.substr(0, unit.size()) != unit) {
        return std::nullopt;
    }
    value.remove_prefix(unit.size());
    std::size_t dash = value.find('-');
    std::size_t slash = value.find('/');
    if (dash == std::string_view::npos || slash == std::string_view::npos || slash < dash) {
        return std::nullopt;
    }
    content_range range;
    if (!parse_u64(value.substr(0, dash), range.first) ||
        !parse_u64(value.substr(dash + 1, slash - dash - 1), range.last) ||
        range.first > range.last) {
        return std::nullopt;
    }
    std::string_view total = value.substr(slash + 1);
    if (total != "*") {
        std::uint64_t t = 0;
        if (!parse_u64(total, t) || t <= range.last) {
            return std::nullopt;
        }
        range.total = t;
    }
    return range;
}

std::string range_header(const byte_range& range) {
    return fmt::format("bytes={}-{}", range.offset, range.offset + range.length - 1);
}

fetch_result classify_piece_response(const content_layout& layout, const piece_hashes& hashes,
                                     std::size_t piece, bool ranged, http::response& res) {
    fetch_result r = base(piece, res);
    const std::string where = http::redact_url(res.final_url);

    if (res.error != errc::ok) {
        const bool transient = res.error == errc::network || res.error == errc::timeout;
        std::string message = res.message;
        if (res.error == errc::limit && ranged && res.status == 200) {
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
    std::string data;
    if (status == 206) {
        if (!ranged) {
            return finish(std::move(r), fetch_status::fatal, errc::protocol,
                          fmt::format("piece {}: 206 to a request without Range from {}", piece,
                                      where));
        }
        const std::string* header = res.header("content-range");
        auto cr = header != nullptr ? parse_content_range(*header) : std::nullopt;
        const std::uint64_t last = range.offset + range.length - 1;
        if (!cr || cr->first != range.offset || cr->last != last ||
            (cr->total && *cr->total != layout.total_length())) {
            return finish(std::move(r), fetch_status::fatal, errc::protocol,
                          fmt::format("piece {}: Content-Range '{}' does not match bytes {}-{}/{} "
                                      "from {}",
                                      piece, header != nullptr ? header->substr(0, 80) : "",
                                      range.offset, last, layout.total_length(), where));
        }
        if (res.body.size() != range.length) {
            return finish(std::move(r), fetch_status::fatal, errc::protocol,
                          fmt::format("piece {}: 206 body of {} bytes for a range of {} from {}",
                                      piece, res.body.size(), range.length, where));
        }
        data = std::move(res.body);
    } else if (ranged) {
        if (res.body.size() != layout.total_length()) {
            return finish(std::move(r), fetch_status::fatal, errc::protocol,
                          fmt::format("piece {}: Range answered with 200 and {} bytes, not the "
                                      "whole object of {} from {}",
                                      piece, res.body.size(), layout.total_length(), where));
        }
        data = res.body.substr(static_cast<std::size_t>(range.offset), range.length);
    } else {
        data = std::move(res.body);
    }

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
