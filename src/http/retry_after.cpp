#include "http/retry_after.hpp"

#include <array>
#include <cstddef>

namespace p2pcdn::http {
namespace {

std::string_view trim(std::string_view s) {
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) {
        s.remove_prefix(1);
    }
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) {
        s.remove_suffix(1);
    }
    return s;
}

bool is_digit(char c) {
    return c >= '0' && c <= '9';
}

// Exactly `n` digits at s[pos..]; advances pos.
std::optional<int> digits(std::string_view s, std::size_t& pos, std::size_t n) {
    if (pos + n > s.size()) {
        return std::nullopt;
    }
    int value = 0;
    for (std::size_t i = 0; i < n; ++i) {
        char c = s[pos + i];
        if (!is_digit(c)) {
            return std::nullopt;
        }
        value = value * 10 + (c - '0');
    }
    pos += n;
    return value;
}

bool literal(std::string_view s, std::size_t& pos, std::string_view lit) {
    if (s.substr(pos, lit.size()) != lit) {
        return false;
    }
    pos += lit.size();
    return true;
}

constexpr std::array<std::string_view, 12> months = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                                     "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
constexpr std::array<std::string_view, 7> short_days = {"Mon", "Tue", "Wed", "Thu",
                                                        "Fri", "Sat", "Sun"};
constexpr std::array<std::string_view, 7> long_days = {"Monday", "Tuesday", "Wednesday",
                                                       "Thursday", "Friday", "Saturday",
                                                       "Sunday"};

std::optional<int> month(std::string_view s, std::size_t& pos) {
    for (std::size_t i = 0; i < months.size(); ++i) {
        if (literal(s, pos, months[i])) {
            return static_cast<int>(i) + 1;
        }
    }
    return std::nullopt;
}

template <std::size_t N>
bool day_name(std::string_view s, std::size_t& pos, const std::array<std::string_view, N>& names) {
    for (auto name : names) {
        if (literal(s, pos, name)) {
            return true;
        }
    }
    return false;
}

// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's days_from_civil).
std::int64_t days_from_civil(std::int64_t y, int m, int d) {
    y -= m <= 2 ? 1 : 0;
    const std::int64_t era = (y >= 0 ? y : y - 399) / 400;
    const std::int64_t yoe = y - era * 400;
    const std::int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    const std::int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

bool leap(int y) {
    return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

std::optional<std::int64_t> to_unix(int year, int mon, int day, int hh, int mm, int ss) {
    static constexpr int month_days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    int max_day = month_days[mon - 1] + (mon == 2 && leap(year) ? 1 : 0);
    if (day < 1 || day > max_day || hh > 23 || mm > 59 || ss > 60) {
        return std::nullopt;
    }
    return days_from_civil(year, mon, day) * 86400 + hh * 3600 + mm * 60 + ss;
}

// "hh:mm:ss"
bool time_of_day(std::string_view s, std::size_t& pos, int& hh, int& mm, int& ss) {
    auto h = digits(s, pos, 2);
    if (!h || !literal(s, pos, ":")) {
        return false;
    }
    auto m = digits(s, pos, 2);
    if (!m || !literal(s, pos, ":")) {
        return false;
    }
    auto sec = digits(s, pos, 2);
    if (!sec) {
        return false;
    }
    hh = *h;
    mm = *m;
    ss = *sec;
    return true;
}

// IMF-fixdate: "Sun, 06 Nov 1994 08:49:37 GMT"
std::optional<std::int64_t> imf_fixdate(std::string_view s) {
    std::size_t pos = 0;
    if (!day_name(s, pos, short_days) || !literal(s, pos, ", ")) {
        return std::nullopt;
    }
    auto day = digits(s, pos, 2);
    if (!day || !literal(s, pos, " ")) {
        return std::nullopt;
    }
    auto mon = month(s, pos);
    if (!mon || !literal(s, pos, " ")) {
        return std::nullopt;
    }
    auto year = digits(s, pos, 4);
    int hh = 0, mm = 0, ss = 0;
    if (!year || !literal(s, pos, " ") || !time_of_day(s, pos, hh, mm, ss) ||
        !literal(s, pos, " GMT") || pos != s.size()) {
        return std::nullopt;
    }
    return to_unix(*year, *mon, *day, hh, mm, ss);
}

// RFC 850: "Sunday, 06-Nov-94 08:49:37 GMT". Two-digit years more than 50 years in the future
// mean the previous century (RFC 9110 section 5.6.7); 70-99 as 19xx is close enough here.
std::optional<std::int64_t> rfc850(std::string_view s) {
    std::size_t pos = 0;
    if (!day_name(s, pos, long_days) || !literal(s, pos, ", ")) {
        return std::nullopt;
    }
    auto day = digits(s, pos, 2);
    if (!day || !literal(s, pos, "-")) {
        return std::nullopt;
    }
    auto mon = month(s, pos);
    if (!mon || !literal(s, pos, "-")) {
        return std::nullopt;
    }
    auto yy = digits(s, pos, 2);
    int hh = 0, mm = 0, ss = 0;
    if (!yy || !literal(s, pos, " ") || !time_of_day(s, pos, hh, mm, ss) ||
        !literal(s, pos, " GMT") || pos != s.size()) {
        return std::nullopt;
    }
    int year = *yy < 70 ? 2000 + *yy : 1900 + *yy;
    return to_unix(year, *mon, *day, hh, mm, ss);
}

// asctime: "Sun Nov  6 08:49:37 1994"
std::optional<std::int64_t> asctime_date(std::string_view s) {
    std::size_t pos = 0;
    if (!day_name(s, pos, short_days) || !literal(s, pos, " ")) {
        return std::nullopt;
    }
    auto mon = month(s, pos);
    if (!mon || !literal(s, pos, " ")) {
        return std::nullopt;
    }
    int day = 0;
    if (pos < s.size() && s[pos] == ' ') {
        ++pos;
        auto d = digits(s, pos, 1);
        if (!d) {
            return std::nullopt;
        }
        day = *d;
    } else {
        auto d = digits(s, pos, 2);
        if (!d) {
            return std::nullopt;
        }
        day = *d;
    }
    int hh = 0, mm = 0, ss = 0;
    if (!literal(s, pos, " ") || !time_of_day(s, pos, hh, mm, ss) || !literal(s, pos, " ")) {
        return std::nullopt;
    }
    auto year = digits(s, pos, 4);
    if (!year || pos != s.size()) {
        return std::nullopt;
    }
    return to_unix(*year, *mon, day, hh, mm, ss);
}

}  // namespace

std::optional<std::int64_t> parse_http_date(std::string_view text) {
    text = trim(text);
    if (auto t = imf_fixdate(text)) {
        return t;
    }
    if (auto t = rfc850(text)) {
        return t;
    }
    return asctime_date(text);
}

std::optional<std::int64_t> parse_retry_after(std::string_view value, std::int64_t now_s) {
    value = trim(value);
    if (value.empty()) {
        return std::nullopt;
    }
    if (is_digit(value.front())) {
        std::int64_t seconds = 0;
        for (char c : value) {
            if (!is_digit(c)) {
                return std::nullopt;
            }
            seconds = seconds * 10 + (c - '0');
            if (seconds * 1000 > max_retry_after_ms) {
                seconds = max_retry_after_ms / 1000;  // keep scanning for bad characters
            }
        }
        return seconds * 1000;
    }
    auto when = parse_http_date(value);
    if (!when) {
        return std::nullopt;
    }
    std::int64_t delta_s = *when - now_s;
    if (delta_s <= 0) {
        return 0;
    }
    if (delta_s > max_retry_after_ms / 1000) {
        return max_retry_after_ms;
    }
    return delta_s * 1000;
}

}  // namespace p2pcdn::http
