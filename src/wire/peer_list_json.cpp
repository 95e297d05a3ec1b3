#include "wire/peer_list_json.hpp"

#include <cstdint>
#include <string>

#include "core/base64.hpp"
#include "core/content_layout.hpp"
#include "core/error.hpp"
#include "core/hex.hpp"
#include "wire/bitfield.hpp"
#include "wire/json_support.hpp"
#include "wire/uri_template.hpp"

namespace p2pcdn {
namespace {

using wire_json::as_bool;
using wire_json::as_int64;
using wire_json::as_string;
using wire_json::as_uint32;
using wire_json::as_uint64;
using wire_json::check_duplicates;
using wire_json::fail_member;
using wire_json::fail_not;
using wire_json::find;
using wire_json::json_value;
using wire_json::json_writer;
using wire_json::name_of;
using wire_json::require;
using wire_json::top;
using wire_json::write_key;
using wire_json::write_string;
// A member's name in messages: "interval", "peers[3].port", "cdn[0]".
using where = wire_json::member_path;

// The members the decoder reads in each object; each may appear at most once.
constexpr std::string_view root_members[] = {"v",        "type",         "content",  "pieces",
                                             "interval", "min_interval", "complete", "incomplete",
                                             "peers",    "cdn"};
constexpr std::string_view peer_members[] = {"id", "ip", "port", "role", "seed"};
constexpr std::string_view cdn_members[] = {"uri", "pieces", "expires", "range"};

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
            fail_member(w, e.what());
        }
        peer.id.assign(reinterpret_cast<const char*>(raw), text.size() / 2);
    }
    {
        const where w{"peers", i, "ip"};
        const std::string_view text = as_string(require(v, w), w);
        try {
            peer.address = ip_address::parse(text);
        } catch (const error& e) {
            fail_member(w, e.what());
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
            fail_not(w, "\"user\" or \"network\"");
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
            fail_member(w, e.what());
        }
        source.uri = std::string(uri);
    }
    {
        const where w{"cdn", i, "pieces"};
        source.pieces = wire_json::decode_pieces(require(v, w), pieces, w);
    }
    {
        const where w{"cdn", i, "expires"};
        source.expires_s = as_int64(require(v, w), w);
    }
    if (const json_value* range = find(v, "range")) {
        source.ranged = as_bool(*range, {"cdn", i, "range"});
    }
    return source;
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
    const json_value& root = wire_json::parse_object(doc, json, "peer list");
    check_duplicates(root, root_members, nullptr, 0);
    wire_json::check_version(root, "peers");

    peer_list list;
    list.content_id = std::string(wire_json::content_id(root));
    list.piece_count = wire_json::piece_count(root, limits.max_pieces);
    list.interval_s = as_uint32(require(root, top("interval")), top("interval"));
    list.min_interval_s = as_uint32(require(root, top("min_interval")), top("min_interval"));
    list.seeds = as_uint32(require(root, top("complete")), top("complete"));
    list.leechers = as_uint32(require(root, top("incomplete")), top("incomplete"));

    const json_value& peers = wire_json::as_array(require(root, top("peers")), top("peers"));
    if (peers.Size() > limits.max_peers) {
        fail(errc::limit, "peers has {} entries, above the limit {}", peers.Size(),
             limits.max_peers);
    }
    list.peers.reserve(peers.Size());
    for (rapidjson::SizeType i = 0; i < peers.Size(); ++i) {
        list.peers.push_back(decode_peer(peers[i], i));
    }

    if (const json_value* cdn = find(root, "cdn")) {
        wire_json::as_array(*cdn, top("cdn"));
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
