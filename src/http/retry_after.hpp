// Retry-After (RFC 9110 section 10.2.3): delta-seconds or an HTTP-date.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

namespace p2pcdn::http {

// The longest wait a Retry-After may ask for; longer values are cut to it.
constexpr std::int64_t max_retry_after_ms = std::int64_t{24} * 3600 * 1000;

// Milliseconds to wait from now_s (Unix seconds): delta-seconds ("120") or an HTTP-date in
// any of the three forms recipients must accept (IMF-fixdate "Sun, 06 Nov 1994 08:49:37 GMT",
// RFC 850 "Sunday, 06-Nov-94 08:49:37 GMT", asctime "Sun Nov  6 08:49:37 1994"). A date in the
// past gives 0; values above max_retry_after_ms are cut to it. Surrounding spaces are allowed;
// anything else malformed gives nullopt.
std::optional<std::int64_t> parse_retry_after(std::string_view value, std::int64_t now_s);

// An HTTP-date as Unix seconds, or nullopt.
std::optional<std::int64_t> parse_http_date(std::string_view text);

}  // namespace p2pcdn::http
