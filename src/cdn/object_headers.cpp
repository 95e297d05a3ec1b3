#include "cdn/object_headers.hpp"

#include "cdn/sha256.hpp"
#include "core/base64.hpp"
#include "core/error.hpp"

#include <ctime>

namespace p2pcdn::cdn {

std::string content_digest_sha256(std::string_view data) {
    const sha256_digest digest = sha256(data);
    std::string out = "sha-256=:";
    out += base64::encode(digest.data(), digest.size());
    out += ':';
    return out;
}

std::string cache_control_for_ttl(std::int64_t ttl_s) {
    return fmt::format("public, max-age={}", ttl_s);
}

std::string format_http_date(std::int64_t unix_s) {
    constexpr std::int64_t last = 253402300799;  // 9999-12-31 23:59:59 UTC
    if (unix_s < 0 || unix_s > last) {
        fail(errc::range, "time {} is outside the HTTP-date range", unix_s);
    }
    static constexpr const char* days[] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
    static constexpr const char* months[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                             "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
    const auto t = static_cast<std::time_t>(unix_s);
    std::tm tm{};
    gmtime_r(&t, &tm);
    return fmt::format("{}, {:02} {} {:04} {:02}:{:02}:{:02} GMT", days[tm.tm_wday], tm.tm_mday,
                       months[tm.tm_mon], tm.tm_year + 1900, tm.tm_hour, tm.tm_min, tm.tm_sec);
}

}  // namespace p2pcdn::cdn
