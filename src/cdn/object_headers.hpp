// The header values an origin push sends with a piece object: its integrity (RFC 9530
// Content-Digest) and its lifetime (Cache-Control max-age, and an Expires HTTP-date for
// caches that predate max-age).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace p2pcdn::cdn {

// "sha-256=:<base64 of the SHA-256 of data>:" (RFC 9530 section 2).
std::string content_digest_sha256(std::string_view data);

// "public, max-age=<ttl_s>".
std::string cache_control_for_ttl(std::int64_t ttl_s);

// An IMF-fixdate (RFC 9110 section 5.6.7), "Sun, 06 Nov 1994 08:49:37 GMT", of Unix seconds
// from 0 to year 9999. Throws errc::range outside that.
std::string format_http_date(std::int64_t unix_s);

}  // namespace p2pcdn::cdn
