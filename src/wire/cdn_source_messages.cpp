#include "wire/cdn_source_messages.hpp"

#include <algorithm>
#include <numeric>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "core/base64.hpp"
#include "core/content_layout.hpp"
#include "core/error.hpp"
#include "wire/bitfield.hpp"
#include "wire/cdn_source_json.hpp"
#include "wire/json_support.hpp"
#include "wire/uri_template.hpp"

namespace p2pcdn {
namespace {

using wire_json::as_string;
using wire_json::find;
using wire_json::json_value;
using wire_json::json_writer;
using wire_json::require;
using wire_json::top;
using wire_json::write_key;
using wire_json::write_string;

// The members each decoder reads; each may appear at most once.
constexpr std::string_view publish_members[] = {"v", "type", "content", "pieces", "sources"};
constexpr std::string_view withdraw_members[] = {"v",   "type",   "content",
                                                 "uri", "pieces", "bitfield"};

// The first source whose URI an earlier one has, and that earlier one: (earlier, later), or
// none. Sorting indexes keeps it O(k log k) whatever the number of sources.
std::optional<std::pair<std::size_t, std::size_t>> repeated_uri(
    const std::vector<cdn_source>& sources) {
    std::vector<std::size_t> order(sources.size());
    std::iota(order.begin(), order.end(), std::size_t{0});
    std::stable_sort(order.begin(), order.end(),
                     [&](std::size_t a, std::size_t b) { return sources[a].uri < sources[b].uri; });
    std::optional<std::pair<std::size_t, std::size_t>> found;
    for (std::size_t k = 1; k < order.size(); ++k) {
        if (sources[order[k]].uri == sources[order[k - 1]].uri) {
            // Stable: order[k - 1] < order[k].
            const std::pair<std::size_t, std::size_t> pair{order[k - 1], order[k]};
            if (!found || pair.second < found->second) {
                found = pair;
            }
        }
    }
    return found;
}

void check_content(const std::string& content_id, std::size_t piece_count) {
    content_layout::validate_id(content_id);
    if (piece_count > bitmap::max_bits) {
        fail(errc::invalid, "piece count {} is above the maximum {}", piece_count,
             bitmap::max_bits);
    }
}

void check_size(std::string_view json, const cdn_message_limits& limits, const char* what) {
    if (json.size() > limits.max_bytes) {
        fail(errc::limit, "{} is {} bytes, above the limit {}", what, json.size(),
             limits.max_bytes);
    }
}

void write_header(json_writer& w, const char* type, const std::string& content_id) {
    write_key(w, "v");
    w.Uint(1);
    write_key(w, "type");
    w.String(type);
    write_key(w, "content");
    write_string(w, content_id);
}

}  // namespace

bool operator==(const cdn_publish& a, const cdn_publish& b) noexcept {
    return a.content_id == b.content_id && a.piece_count == b.piece_count && a.sources == b.sources;
}

bool operator==(const cdn_withdraw& a, const cdn_withdraw& b) noexcept {
    return a.content_id == b.content_id && a.uri == b.uri && a.pieces == b.pieces;
}

std::string encode_cdn_publish_json(const cdn_publish& m) {
    check_content(m.content_id, m.piece_count);
    if (m.sources.empty()) {
        fail(errc::invalid, "CDN publish has no source");
    }
    for (std::size_t i = 0; i < m.sources.size(); ++i) {
        wire_json::validate_cdn_source(m.sources[i], m.piece_count, "sources", i);
    }
    if (const auto twice = repeated_uri(m.sources)) {
        fail(errc::invalid, "sources[{}].uri repeats sources[{}].uri", twice->second, twice->first);
    }
    rapidjson::StringBuffer buffer;
    json_writer w(buffer);
    w.StartObject();
    write_header(w, "cdn_publish", m.content_id);
    write_key(w, "pieces");
    w.Uint64(m.piece_count);
    write_key(w, "sources");
    w.StartArray();
    for (const cdn_source& source : m.sources) wire_json::write_cdn_source(w, source);
    w.EndArray();
    w.EndObject();
    return std::string(buffer.GetString(), buffer.GetSize());
}

std::string encode_cdn_withdraw_json(const cdn_withdraw& m) {
    check_content(m.content_id, m.pieces ? m.pieces->size() : 0);
    if (!m.uri.empty()) {
        try {
            validate_cdn_uri(m.uri);
        } catch (const error& e) {
            fail(errc::invalid, "uri: {}", e.what());
        }
    }
    rapidjson::StringBuffer buffer;
    json_writer w(buffer);
    w.StartObject();
    write_header(w, "cdn_withdraw", m.content_id);
    if (!m.uri.empty()) {
        write_key(w, "uri");
        write_string(w, m.uri);
    }
    if (m.pieces) {
        write_key(w, "pieces");
        w.Uint64(m.pieces->size());
        const auto raw = bitfield::encode(*m.pieces);
        write_key(w, "bitfield");
        write_string(w, base64::encode(raw.data(), raw.size()));
    }
    w.EndObject();
    return std::string(buffer.GetString(), buffer.GetSize());
}

cdn_publish decode_cdn_publish_json(std::string_view json, const cdn_message_limits& limits) {
    check_size(json, limits, "CDN publish");
    rapidjson::Document doc;
    const json_value& root = wire_json::parse_object(doc, json, "CDN publish");
    wire_json::check_duplicates(root, publish_members, nullptr, 0);
    wire_json::check_version(root, "cdn_publish");

    cdn_publish m;
    m.content_id = std::string(wire_json::content_id(root));
    m.piece_count = wire_json::piece_count(root, limits.max_pieces);
    const json_value& sources = wire_json::as_array(require(root, top("sources")), top("sources"));
    if (sources.Empty()) {
        fail(errc::parse, "sources is empty");
    }
    if (sources.Size() > limits.max_sources) {
        fail(errc::limit, "sources has {} entries, above the limit {}", sources.Size(),
             limits.max_sources);
    }
    m.sources.reserve(sources.Size());
    for (rapidjson::SizeType i = 0; i < sources.Size(); ++i) {
        m.sources.push_back(wire_json::decode_cdn_source(sources[i], "sources", i, m.piece_count));
    }
    if (const auto twice = repeated_uri(m.sources)) {
        fail(errc::parse, "sources[{}].uri repeats sources[{}].uri", twice->second, twice->first);
    }
    return m;
}

cdn_withdraw decode_cdn_withdraw_json(std::string_view json, const cdn_message_limits& limits) {
    check_size(json, limits, "CDN withdraw");
    rapidjson::Document doc;
    const json_value& root = wire_json::parse_object(doc, json, "CDN withdraw");
    wire_json::check_duplicates(root, withdraw_members, nullptr, 0);
    wire_json::check_version(root, "cdn_withdraw");

    cdn_withdraw m;
    m.content_id = std::string(wire_json::content_id(root));
    if (const json_value* uri = find(root, "uri")) {
        const std::string_view text = as_string(*uri, top("uri"));
        try {
            validate_cdn_uri(text);
        } catch (const error& e) {
            wire_json::fail_member(top("uri"), e.what());
        }
        m.uri = std::string(text);
    }
    const json_value* bits = find(root, "bitfield");
    if ((bits != nullptr) != (find(root, "pieces") != nullptr)) {
        fail(errc::parse, "members 'pieces' and 'bitfield' come together or not at all");
    }
    if (bits != nullptr) {
        const std::size_t pieces = wire_json::piece_count(root, limits.max_pieces);
        m.pieces = wire_json::decode_pieces(*bits, pieces, top("bitfield"));
    }
    return m;
}

}  // namespace p2pcdn
