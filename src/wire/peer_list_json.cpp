#include "wire/peer_list_json.hpp"

#include <rapidjson/document.h>
#include <rapidjson/error/en.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <algorithm>
#include <cstdint>
#include <iterator>
#include <limits>

#include "core/base64.hpp"
#include "core/content_layout.hpp"
#include "core/error.hpp"
#include "core/hex.hpp"
#include "wire/bitfield.hpp"
#include "wire/uri_template.hpp"

namespace p2pcdn {
namespace {

using json_value = rapidjson::Value;
using json_writer = rapidjson::Writer<rapidjson::StringBuffer>;

constexpr std::uint64_t max_u32 = std::numeric_limits<std::uint32_t>::max();

// A member's name in messages: "interval", "peers[3].port", "cdn[0]".
struct where {
    const char* array;   // nullptr: a top-level member
    std::size_t index;   // with array
    const char* member;  // nullptr: the array element itself
};

std::string name_of(const where& w) {
    if (w.array == nullptr) {
        return w.member;
    }
    if (w.member == nullptr) {
        return fmt::format("{}[{}]", w.array, w.index);
    }
    return fmt::format("{}[{}].{}", w.array, w.index, w.member);
}

std::string_view text_of(const json_value& v) {
    return {v.GetString(), v.GetStringLength()};
}

// Each member the decoder reads may appear at most once in its object, so no other reader of
// the same text can pick a different one.
template <std::size_t N>
void check_duplicates(const json_value& object, const std::string_view (&known)[N],
                      const char* array, std::size_t index) {
    bool seen[N] = {};
    for (auto it = object.MemberBegin(); it != object.MemberEnd(); ++it) {
        const std::string_view name = text_of(it->name);
        for (std::size_t k = 0; k < N; ++k) {
            if (name == known[k]) {
                if (seen[k]) {
                    const std::string full(name);
                    fail(errc::parse, "member '{}' appears more than once",
                         name_of({array, index, full.c_str()}));
                }
                seen[k] = true;
                break;
            }
        }
    }
}

constexpr std::string_view root_members[] = {"v",        "type",         "content",  "pieces",
                                             "interval", "min_interval", "complete", "incomplete",
                                             "peers",    "cdn"};
constexpr std::string_view peer_members[] = {"id", "ip", "port", "role", "seed"};
constexpr std::string_view cdn_members[] = {"uri", "pieces", "expires", "range"};

const json_value* find(const json_value& object, const char* name) {
    const auto it = object.FindMember(name);
    return it == object.MemberEnd() ? nullptr : &it->value;
}

const json_value& require(const json_value& object, const where& w) {
    const json_value* v = find(object, w.member);
    if (v == nullptr) {
        fail(errc::parse, "member '{}' is missing", name_of(w));
    }
    return *v;
}

std::uint64_t as_uint64(const json_value& v, const where& w) {
    if (!v.IsUint64()) {
        fail(errc::parse, "member '{}' is not an unsigned integer", name_of(w));
    }
    return v.GetUint64();
}

std::uint32_t as_uint32(const json_value& v, const where& w) {
    const std::uint64_t x = as_uint64(v, w);
    if (x > max_u32) {
        fail(errc::parse, "{} is {}, above the maximum {}", name_of(w), x, max_u32);
    }
    return static_cast<std::uint32_t>(x);
}

std::string_view as_string(const json_value& v, const where& w) {
    if (!v.IsString()) {
        fail(errc::parse, "member '{}' is not a string", name_of(w));
    }
    return text_of(v);
}

bool as_bool(const json_value& v, const where& w) {
    if (!v.IsBool()) {
        fail(errc::parse, "member '{}' is not a boolean", name_of(w));
    }
    return v.GetBool();
}

peer_entry decode_peer(const json_value& v, std::size_t i) {
    if (!v.IsObject()) {
        fail(errc::parse, "{} is not an object", name_of({"peers", i, nullptr}));
    }
    check_duplicates(v, peer_members, "peers", i);
    peer_entry peer;
    if (const json_value* id = find(v, "id")) {
        const where w{"peers", i, "id"};
        const std::string_view text = as_string(*id, w);
        if (text.empty() || text.size() > 2 * max_peer_id_length || text.size() % 2 != 0) {
            fail(errc::parse, "{} is {} characters, expected an even number from 2 to {}",
                 name_of(w), text.size(), 2 * max_peer_id_length);
        }
        std::uint8_t raw[max_peer_id_length];
        try {
            hex::decode_into(text, raw, text.size() / 2);
        } catch (const error& e) {
            fail(errc::parse, "member '{}': {}", name_of(w), e.what());
        }
        peer.id.assign(reinterpret_cast<const char*>(raw), text.size() / 2);
    }
    {
        const where w{"peers", i, "ip"};
        const std::string_view text = as_string(require(v, w), w);
        try {
            peer.address = ip_address::parse(text);
        } catch (const error& e) {
            fail(errc::parse, "member '{}': {}", name_of(w), e.what());
        }
    }
    {
        const where w{"peers", i, "port"};
        const std::uint64_t port = as_uint64(require(v, w), w);
        if (port > 65535) {
            fail(errc::parse, "{} is {}, above 65535", name_of(w), port);
        }
        peer.port = static_cast<std::uint16_t>(port);
    }
    if (const json_value* role = find(v, "role")) {
        const where w{"peers", i, "role"};
        const std::string_view text = as_string(*role, w);
        if (text == "user") {
            peer.role = peer_role::user;
        } else if (text == "network") {
            peer.role = peer_role::network;
        } else {
            fail(errc::parse, "member '{}' is not \"user\" or \"network\"", name_of(w));
        }
    }
    if (const json_value* seed = find(v, "seed")) {
        peer.seed = as_bool(*seed, {"peers", i, "seed"});
    }
    return peer;
}

cdn_source decode_cdn(const json_value& v, std::size_t i, std::size_t pieces) {
    if (!v.IsObject()) {
        fail(errc::parse, "{} is not an object", name_of({"cdn", i, nullptr}));
    }
    check_duplicates(v, cdn_members, "cdn", i);
    cdn_source source;
    {
        const where w{"cdn", i, "uri"};
        const std::string_view uri = as_string(require(v, w), w);
        try {
            validate_cdn_uri(uri);
        } catch (const error& e) {
            fail(errc::parse, "member '{}': {}", name_of(w), e.what());
        }
        source.uri = std::string(uri);
    }
    {
        const where w{"cdn", i, "pieces"};
        const std::string_view text = as_string(require(v, w), w);
        const std::size_t bytes = bitfield::byte_size(pieces);
        const std::size_t chars = base64::encoded_size(bytes);
        // Checked before decoding, so nothing is allocated for an oversized string.
        if (text.size() != chars) {
            fail(errc::parse, "{} is {} characters, expected {} (base64 of {} bytes for {} pieces)",
                 name_of(w), text.size(), chars, bytes, pieces);
        }
        try {
            const auto raw = base64::decode(text);
            source.pieces =
                bitfield::decode(raw.data(), raw.size(), pieces, bitfield::spare_bits::reject);
        } catch (const error& e) {
            fail(errc::parse, "member '{}': {}", name_of(w), e.what());
        }
    }
    {
        const where w{"cdn", i, "expires"};
        const json_value& expires = require(v, w);
        if (!expires.IsInt64()) {
            fail(errc::parse, "member '{}' is not an integer", name_of(w));
        }
        source.expires_s = expires.GetInt64();
    }
    if (const json_value* range = find(v, "range")) {
        source.ranged = as_bool(*range, {"cdn", i, "range"});
    }
    return source;
}

void write_key(json_writer& w, std::string_view key) {
    w.Key(key.data(), static_cast<rapidjson::SizeType>(key.size()));
}

void write_string(json_writer& w, std::string_view text) {
    w.String(text.data(), static_cast<rapidjson::SizeType>(text.size()));
}

}  // namespace

void validate_peer_list(const peer_list& list) {
    content_layout::validate_id(list.content_id);
    if (list.piece_count > bitmap::max_bits) {
        fail(errc::invalid, "piece count {} is above the maximum {}", list.piece_count,
             bitmap::max_bits);
    }
    for (std::size_t i = 0; i < list.peers.size(); ++i) {
        if (list.peers[i].id.size() > max_peer_id_length) {
            fail(errc::invalid, "peers[{}].id is {} bytes, at most {} allowed", i,
                 list.peers[i].id.size(), max_peer_id_length);
        }
    }
    for (std::size_t i = 0; i < list.cdn.size(); ++i) {
        const cdn_source& source = list.cdn[i];
        try {
            validate_cdn_uri(source.uri);
        } catch (const error& e) {
            fail(errc::invalid, "cdn[{}].uri: {}", i, e.what());
        }
        if (source.pieces.size() != list.piece_count) {
            fail(errc::invalid, "cdn[{}].pieces has {} bits, expected the piece count {}", i,
                 source.pieces.size(), list.piece_count);
        }
    }
}

std::string encode_peer_list_json(const peer_list& list) {
    validate_peer_list(list);
    rapidjson::StringBuffer buffer;
    json_writer w(buffer);
    w.StartObject();
    write_key(w, "v");
    w.Uint(1);
    write_key(w, "type");
    w.String("peers");
    write_key(w, "content");
    write_string(w, list.content_id);
    write_key(w, "pieces");
    w.Uint64(list.piece_count);
    write_key(w, "interval");
    w.Uint(list.interval_s);
    write_key(w, "min_interval");
    w.Uint(list.min_interval_s);
    write_key(w, "complete");
    w.Uint(list.seeds);
    write_key(w, "incomplete");
    w.Uint(list.leechers);
    write_key(w, "peers");
    w.StartArray();
    for (const peer_entry& peer : list.peers) {
        w.StartObject();
        if (!peer.id.empty()) {
            write_key(w, "id");
            write_string(w, hex::encode(reinterpret_cast<const std::uint8_t*>(peer.id.data()),
                                        peer.id.size()));
        }
        write_key(w, "ip");
        write_string(w, peer.address.to_string());
        write_key(w, "port");
        w.Uint(peer.port);
        write_key(w, "role");
        w.String(peer.role == peer_role::network ? "network" : "user");
        write_key(w, "seed");
        w.Bool(peer.seed);
        w.EndObject();
    }
    w.EndArray();
    write_key(w, "cdn");
    w.StartArray();
    for (const cdn_source& source : list.cdn) {
        w.StartObject();
        write_key(w, "uri");
        write_string(w, source.uri);
        write_key(w, "pieces");
        const auto raw = bitfield::encode(source.pieces);
        write_string(w, base64::encode(raw.data(), raw.size()));
        write_key(w, "expires");
        w.Int64(source.expires_s);
        write_key(w, "range");
        w.Bool(source.ranged);
        w.EndObject();
    }
    w.EndArray();
    w.EndObject();
    return std::string(buffer.GetString(), buffer.GetSize());
}

peer_list decode_peer_list_json(std::string_view json, const peer_list_limits& limits) {
    if (json.size() > limits.max_bytes) {
        fail(errc::limit, "peer list is {} bytes, above the limit {}", json.size(),
             limits.max_bytes);
    }
    rapidjson::Document doc;
    // Iterative: deep nesting in an ignored member cannot exhaust the stack. Strings must be
    // valid UTF-8, as JSON requires.
    constexpr unsigned flags =
        rapidjson::kParseIterativeFlag | rapidjson::kParseValidateEncodingFlag;
    doc.Parse<flags>(json.data(), json.size());
    if (doc.HasParseError()) {
        fail(errc::parse, "peer list is not valid JSON: {} at offset {}",
             rapidjson::GetParseError_En(doc.GetParseError()), doc.GetErrorOffset());
    }
    if (!doc.IsObject()) {
        fail(errc::parse, "peer list is not a JSON object");
    }
    const json_value& root = doc;
    check_duplicates(root, root_members, nullptr, 0);
    auto top = [](const char* member) { return where{nullptr, 0, member}; };

    const json_value& version = require(root, top("v"));
    if (!version.IsInt64()) {
        fail(errc::parse, "member 'v' is not an integer");
    }
    if (version.GetInt64() != 1) {
        fail(errc::parse, "member 'v' is {}, only version 1 is supported", version.GetInt64());
    }
    if (const json_value* type = find(root, "type")) {
        if (as_string(*type, top("type")) != "peers") {
            fail(errc::parse, "member 'type' is not \"peers\"");
        }
    }

    peer_list list;
    const std::string_view id = as_string(require(root, top("content")), top("content"));
    try {
        content_layout::validate_id(id);
    } catch (const error& e) {
        fail(errc::parse, "member 'content': {}", e.what());
    }
    list.content_id = std::string(id);

    const std::uint64_t pieces = as_uint64(require(root, top("pieces")), top("pieces"));
    const std::size_t max_pieces = std::min(limits.max_pieces, bitmap::max_bits);
    if (pieces > max_pieces) {
        fail(errc::limit, "pieces is {}, above the limit {}", pieces, max_pieces);
    }
    list.piece_count = static_cast<std::size_t>(pieces);
    list.interval_s = as_uint32(require(root, top("interval")), top("interval"));
    list.min_interval_s = as_uint32(require(root, top("min_interval")), top("min_interval"));
    list.seeds = as_uint32(require(root, top("complete")), top("complete"));
    list.leechers = as_uint32(require(root, top("incomplete")), top("incomplete"));

    const json_value& peers = require(root, top("peers"));
    if (!peers.IsArray()) {
        fail(errc::parse, "member 'peers' is not an array");
    }
    if (peers.Size() > limits.max_peers) {
        fail(errc::limit, "peers has {} entries, above the limit {}", peers.Size(),
             limits.max_peers);
    }
    list.peers.reserve(peers.Size());
    for (rapidjson::SizeType i = 0; i < peers.Size(); ++i) {
        list.peers.push_back(decode_peer(peers[i], i));
    }

    if (const json_value* cdn = find(root, "cdn")) {
        if (!cdn->IsArray()) {
            fail(errc::parse, "member 'cdn' is not an array");
        }
        if (cdn->Size() > limits.max_cdn_sources) {
            fail(errc::limit, "cdn has {} entries, above the limit {}", cdn->Size(),
                 limits.max_cdn_sources);
        }
        list.cdn.reserve(cdn->Size());
        for (rapidjson::SizeType i = 0; i < cdn->Size(); ++i) {
            list.cdn.push_back(decode_cdn((*cdn)[i], i, list.piece_count));
        }
    }
    return list;
}

}  // namespace p2pcdn
