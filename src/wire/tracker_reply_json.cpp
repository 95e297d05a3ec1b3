#include "wire/tracker_reply_json.hpp"

#include <climits>
#include <cstdint>

#include "core/content_layout.hpp"
#include "wire/json_support.hpp"

namespace p2pcdn {
namespace {

using wire_json::json_value;
using wire_json::json_writer;
using wire_json::top;
using wire_json::write_key;
using wire_json::write_string;

constexpr std::string_view error_members[] = {"v", "type", "code", "message"};

std::string encode_ack(const char* type, std::string_view content_id, const char* count_name,
                       std::size_t count) {
    content_layout::validate_id(content_id);
    rapidjson::StringBuffer buffer;
    json_writer w(buffer);
    w.StartObject();
    write_key(w, "v");
    w.Uint(1);
    write_key(w, "type");
    w.String(type);
    write_key(w, "content");
    write_string(w, content_id);
    write_key(w, count_name);
    w.Uint64(count);
    w.EndObject();
    return std::string(buffer.GetString(), buffer.GetSize());
}

// One line of printable ASCII, at most max_tracker_error_message bytes: whatever the message
// holds (a byte of a peer's input, a newline), the answer stays valid JSON and one log line.
std::string printable_message(std::string_view message) {
    constexpr std::string_view ellipsis = "...";
    const bool cut = message.size() > max_tracker_error_message;
    if (cut) {
        message = message.substr(0, max_tracker_error_message - ellipsis.size());
    }
    std::string out;
    out.reserve(message.size() + (cut ? ellipsis.size() : 0));
    for (const char c : message) {
        const auto byte = static_cast<unsigned char>(c);
        out += (byte >= 0x20 && byte < 0x7f) ? c : '?';
    }
    if (cut) {
        out += ellipsis;
    }
    return out;
}

}  // namespace

std::string encode_cdn_published_json(std::string_view content_id, std::size_t sources) {
    return encode_ack("cdn_published", content_id, "sources", sources);
}

std::string encode_cdn_withdrawn_json(std::string_view content_id, std::size_t changed) {
    return encode_ack("cdn_withdrawn", content_id, "changed", changed);
}

std::string encode_tracker_error_json(errc code, std::string_view message) {
    if (static_cast<int>(code) >= 0) {
        fail(errc::invalid, "error code {} is not negative", static_cast<int>(code));
    }
    rapidjson::StringBuffer buffer;
    json_writer w(buffer);
    w.StartObject();
    write_key(w, "v");
    w.Uint(1);
    write_key(w, "type");
    w.String("error");
    write_key(w, "code");
    w.Int(static_cast<int>(code));
    write_key(w, "message");
    write_string(w, printable_message(message));
    w.EndObject();
    return std::string(buffer.GetString(), buffer.GetSize());
}

tracker_error decode_tracker_error_json(std::string_view json, std::size_t max_bytes) {
    if (json.size() > max_bytes) {
        fail(errc::limit, "error answer is {} bytes, above the limit {}", json.size(), max_bytes);
    }
    rapidjson::Document doc;
    const json_value& root = wire_json::parse_object(doc, json, "error answer");
    wire_json::check_duplicates(root, error_members, nullptr, 0);
    wire_json::check_version(root, "error");
    const json_value& code = wire_json::require(root, top("code"));
    if (!code.IsInt64() || code.GetInt64() >= 0 || code.GetInt64() < INT_MIN) {
        wire_json::fail_not(top("code"), "a negative integer");
    }
    tracker_error e;
    e.code = static_cast<errc>(code.GetInt64());
    // Made one printable line as the encoder makes it: the answer may come from any server,
    // and its message ends up in the reader's error messages and logs.
    e.message = printable_message(
        wire_json::as_string(wire_json::require(root, top("message")), top("message")));
    return e;
}

std::optional<tracker_error> find_tracker_error_json(std::string_view body) {
    try {
        return decode_tracker_error_json(body);
    } catch (const error&) {
        return std::nullopt;
    }
}

void fail_tracker_status(std::string_view where, long status, std::string_view request,
                         const std::optional<tracker_error>& answer) {
    if (answer) {
        fail(errc::http, "tracker {} answered {} to {}: {}", where, status, request,
             answer->message);
    }
    fail(errc::http, "tracker {} answered {} to {}", where, status, request);
}

}  // namespace p2pcdn
