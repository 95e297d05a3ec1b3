#include "wire/stats_subscription_json.hpp"

#include "core/content_layout.hpp"
#include "core/error.hpp"
#include "wire/json_support.hpp"
#include "wire/uri_template.hpp"

namespace p2pcdn {
namespace {

using wire_json::json_value;
using wire_json::json_writer;
using wire_json::require;
using wire_json::top;
using wire_json::write_key;
using wire_json::write_string;

constexpr std::string_view known_members[] = {"v", "type", "content", "interval_ms", "url"};

// errc::invalid with the reason. A URL is a URI template without placeholders: the daemon
// posts to it as it is.
void validate_url(std::string_view url) {
    validate_cdn_uri(url);
    if (url.find_first_of("{}") != std::string_view::npos) {
        fail(errc::invalid, "URL has a '{{' or '}}' at offset {}", url.find_first_of("{}"));
    }
}

// errc::invalid with the reason ("interval_ms is 50, below the minimum 100").
void validate_interval(std::int64_t interval_ms) {
    if (interval_ms < min_subscription_interval_ms) {
        fail(errc::invalid, "interval_ms is {}, below the minimum {}", interval_ms,
             min_subscription_interval_ms);
    }
    if (interval_ms > max_subscription_interval_ms) {
        fail(errc::invalid, "interval_ms is {}, above the maximum {}", interval_ms,
             max_subscription_interval_ms);
    }
}

}  // namespace

bool operator==(const stats_subscription& a, const stats_subscription& b) noexcept {
    return a.content_id == b.content_id && a.interval_ms == b.interval_ms && a.url == b.url;
}

std::string encode_stats_subscription_json(const stats_subscription& s) {
    content_layout::validate_id(s.content_id);
    validate_interval(s.interval_ms);
    try {
        validate_url(s.url);
    } catch (const error& e) {
        fail(errc::invalid, "url: {}", e.what());
    }
    rapidjson::StringBuffer buffer;
    json_writer w(buffer);
    w.StartObject();
    write_key(w, "v");
    w.Uint(1);
    write_key(w, "type");
    w.String("subscribe");
    write_key(w, "content");
    write_string(w, s.content_id);
    write_key(w, "interval_ms");
    w.Int64(s.interval_ms);
    write_key(w, "url");
    write_string(w, s.url);
    w.EndObject();
    return std::string(buffer.GetString(), buffer.GetSize());
}

stats_subscription decode_stats_subscription_json(std::string_view json, std::size_t max_bytes) {
    if (json.size() > max_bytes) {
        fail(errc::limit, "subscription is {} bytes, above the limit {}", json.size(), max_bytes);
    }
    rapidjson::Document doc;
    const json_value& root = wire_json::parse_object(doc, json, "subscription");
    wire_json::check_duplicates(root, known_members, nullptr, 0);
    wire_json::check_version(root, "subscribe");

    stats_subscription s;
    s.content_id = std::string(wire_json::content_id(root));
    s.interval_ms = wire_json::as_int64(require(root, top("interval_ms")), top("interval_ms"));
    try {
        validate_interval(s.interval_ms);
    } catch (const error& e) {
        fail(errc::parse, "{}", e.what());
    }
    const std::string_view url = wire_json::as_string(require(root, top("url")), top("url"));
    try {
        validate_url(url);
    } catch (const error& e) {
        wire_json::fail_member(top("url"), e.what());
    }
    s.url = std::string(url);
    return s;
}

}  // namespace p2pcdn
