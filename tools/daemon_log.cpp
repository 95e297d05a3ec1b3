#include "daemon_log.hpp"

#include <cstdio>
#include <ctime>

namespace p2pcdn_cli {
namespace {

// Longest text kept from a request's path or a message: a log line stays a line. A structured
// field (a piece ranges text) may be longer, still bounded.
constexpr std::size_t max_field = 300;
constexpr std::size_t max_structured_field = 4096;

// Printable ASCII only, at most max_field bytes: a client's path or an error message may hold
// any byte, and must neither break the line nor forge another one.
std::string printable(const std::string& text, std::size_t limit = max_field) {
    std::string out;
    for (const char c : text.substr(0, limit)) {
        const auto byte = static_cast<unsigned char>(c);
        out += (byte >= 0x20 && byte < 0x7f) ? c : '?';
    }
    if (text.size() > limit) {
        out += "...";
    }
    return out;
}

// A JSON string of printable text: only '"' and '\' need escaping.
std::string quoted(const std::string& text, std::size_t limit = max_field) {
    std::string out = "\"";
    for (const char c : printable(text, limit)) {
        if (c == '"' || c == '\\') {
            out += '\\';
        }
        out += c;
    }
    return out + "\"";
}

std::string utc_now() {
    const auto now = std::chrono::system_clock::now();
    const std::time_t seconds = std::chrono::system_clock::to_time_t(now);
    const auto ms =
        std::chrono::duration_cast<std::chrono::milliseconds>(now.time_since_epoch()).count() %
        1000;
    std::tm tm{};
    gmtime_r(&seconds, &tm);
    char text[32];
    std::strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%S", &tm);
    char millis[8];
    std::snprintf(millis, sizeof millis, ".%03dZ", static_cast<int>(ms));
    return std::string(text) + millis;
}

}  // namespace

void daemon_log::request(const http_request& request, const http_reply& reply,
                         std::chrono::microseconds took) {
    char ms[32];
    std::snprintf(ms, sizeof ms, "%.3f", static_cast<double>(took.count()) / 1000.0);
    std::string line;
    if (json_) {
        line = "{\"time\":\"" + utc_now() + "\",\"remote\":" + quoted(request.remote) +
               ",\"method\":" + quoted(request.method) + ",\"path\":" + quoted(request.path) +
               ",\"status\":" + std::to_string(reply.status) +
               ",\"bytes\":" + std::to_string(reply.body.size()) + ",\"ms\":" + ms;
        if (!reply.error.empty()) {
            line += ",\"error\":" + quoted(reply.error);
        }
        line += "}";
    } else {
        line = utc_now() + " " + printable(request.remote) + " " + printable(request.method) + " " +
               printable(request.path) + " " + std::to_string(reply.status) + " " +
               std::to_string(reply.body.size()) + "B " + ms + "ms";
        if (!reply.error.empty()) {
            line += " error=" + quoted(reply.error);
        }
    }
    write(line);
}

void daemon_log::event(const char* what, const std::string& detail) {
    if (json_) {
        write("{\"time\":\"" + utc_now() + "\",\"event\":\"" + what +
              "\",\"detail\":" + quoted(detail) + "}");
    } else {
        write(utc_now() + " " + what + " " + printable(detail));
    }
}

void daemon_log::fields(const char* what, const std::vector<log_field>& fields) {
    std::string line;
    if (json_) {
        line = "{\"time\":\"" + utc_now() + "\",\"event\":" + quoted(what);
        for (const log_field& f : fields) {
            line += ",\"" + f.key +
                    "\":" + (f.number ? f.value : quoted(f.value, max_structured_field));
        }
        line += "}";
    } else {
        line = utc_now() + " " + printable(what);
        for (const log_field& f : fields) {
            const bool bare =
                f.number || (!f.value.empty() && f.value.find_first_of(" \"") == std::string::npos);
            line += " " + f.key + "=" +
                    (bare ? printable(f.value, max_structured_field)
                          : quoted(f.value, max_structured_field));
        }
    }
    write(line);
}

void daemon_log::write(const std::string& line) {
    const std::lock_guard lock(mutex_);
    std::fputs(line.c_str(), stderr);
    std::fputc('\n', stderr);
    std::fflush(stderr);
}

}  // namespace p2pcdn_cli
