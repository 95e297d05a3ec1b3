#include "http/content_range.hpp"

#include <fmt/format.h>

namespace p2pcdn::http {
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

range_body broken(std::string problem) {
    range_body out;
    out.problem = std::move(problem);
    return out;
}

}  // namespace

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

range_body take_range_body(response& res, const byte_range& range, std::uint64_t total_length,
                           bool ranged) {
    if (res.status != 200 && res.status != 206) {
        return broken(fmt::format("HTTP {} is not an answer with the bytes", res.status));
    }
    range_body out;
    if (res.status == 206) {
        if (!ranged) {
            return broken("206 to a request without Range");
        }
        const std::string* header = res.header("content-range");
        auto cr = header != nullptr ? parse_content_range(*header) : std::nullopt;
        const std::uint64_t last = range.offset + range.length - 1;
        if (!cr || cr->first != range.offset || cr->last != last ||
            (cr->total && *cr->total != total_length)) {
            // The header is the server's text: cut so a hostile one cannot bloat the message.
            std::string shown = header != nullptr ? header->substr(0, 80) : std::string();
            for (char& c : shown) {
                if (static_cast<unsigned char>(c) < 0x20 || static_cast<unsigned char>(c) >= 0x7f) {
                    c = '?';
                }
            }
            return broken(fmt::format("Content-Range '{}' does not match bytes {}-{}/{}", shown,
                                      range.offset, last, total_length));
        }
        if (res.body.size() != range.length) {
            return broken(fmt::format("206 body of {} bytes for a range of {}", res.body.size(),
                                      range.length));
        }
        out.data = std::move(res.body);
    } else if (ranged) {
        if (res.body.size() != total_length) {
            return broken(
                fmt::format("Range answered with 200 and {} bytes, not the whole "
                            "object of {}",
                            res.body.size(), total_length));
        }
        out.data = res.body.substr(static_cast<std::size_t>(range.offset), range.length);
    } else {
        out.data = std::move(res.body);
    }
    return out;
}

bool range_ignored_past_limit(const response& res, bool ranged) noexcept {
    return ranged && res.error == errc::limit && res.status == 200;
}

}  // namespace p2pcdn::http
