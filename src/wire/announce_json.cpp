#include "wire/announce_json.hpp"

#include <algorithm>
#include <cstdint>
#include <string>

#include "core/base64.hpp"
#include "core/content_layout.hpp"
#include "core/error.hpp"
#include "core/hex.hpp"
#include "wire/bitfield.hpp"
#include "wire/json_support.hpp"

namespace p2pcdn {
namespace {

using wire_json::as_bool;
using wire_json::as_string;
using wire_json::as_uint32;
using wire_json::as_uint64;
using wire_json::fail_member;
using wire_json::fail_not;
using wire_json::find;
using wire_json::json_value;
using wire_json::json_writer;
using wire_json::require;
using wire_json::top;
using wire_json::write_key;
using wire_json::write_string;

// The members the decoder reads; each may appear at most once.
constexpr std::string_view known_members[] = {
    "v",        "type",       "content", "pieces",    "peer_id",
    "ip",       "port",       "role",    "event",     "bitfield",
    "have",     "donthave",   "numwant", "selection", "include_network_peers",
    "uploaded", "downloaded",
};

constexpr const char* event_names[] = {"update", "started", "completed", "stopped"};
constexpr const char* selection_names[] = {"random", "complementary"};
constexpr const char* role_names[] = {"user", "network"};

// The index of `text` in `names`, which the enum's values follow; fails naming the choices.
template <std::size_t N>
std::size_t choice(const json_value& v, const char* member, const char* const (&names)[N],
                   const char* expected) {
    const std::string_view text = as_string(v, top(member));
    for (std::size_t i = 0; i < N; ++i) {
        if (text == names[i]) {
            return i;
        }
    }
    fail_not(top(member), expected);
}

// A piece named twice, in one list or in both, leaves the announce ambiguous. Sorted copies
// keep the check O(k log k) in time and O(k) in memory, whatever the piece count.
void check_distinct(const std::vector<std::uint32_t>& have,
                    const std::vector<std::uint32_t>& donthave, errc code) {
    std::vector<std::uint32_t> sorted_have(have);
    std::vector<std::uint32_t> sorted_donthave(donthave);
    for (auto* list : {&sorted_have, &sorted_donthave}) {
        std::sort(list->begin(), list->end());
        const auto twice = std::adjacent_find(list->begin(), list->end());
        if (twice != list->end()) {
            fail(code, "{} lists piece {} more than once",
                 list == &sorted_have ? "have" : "donthave", *twice);
        }
    }
    auto h = sorted_have.begin();
    auto d = sorted_donthave.begin();
    while (h != sorted_have.end() && d != sorted_donthave.end()) {
        if (*h == *d) {
            fail(code, "piece {} is in both have and donthave", *h);
        }
        if (*h < *d) {
            ++h;
        } else {
            ++d;
        }
    }
}

std::vector<std::uint32_t> decode_indexes(const json_value& root, const char* name,
                                          std::size_t pieces) {
    const json_value* v = find(root, name);
    if (v == nullptr) {
        return {};
    }
    wire_json::as_array(*v, top(name));
    // A list naming no piece twice has at most one entry per piece.
    if (v->Size() > pieces) {
        fail(errc::parse, "{} has {} entries, more than the {} pieces", name, v->Size(), pieces);
    }
    std::vector<std::uint32_t> out;
    out.reserve(v->Size());
    for (rapidjson::SizeType i = 0; i < v->Size(); ++i) {
        const json_value& e = (*v)[i];
        if (!e.IsUint64()) {
            fail(errc::parse, "{}[{}] is not an unsigned integer", name, i);
        }
        if (e.GetUint64() >= pieces) {
            fail(errc::parse, "{}[{}] is {}, not below the piece count {}", name, i, e.GetUint64(),
                 pieces);
        }
        out.push_back(static_cast<std::uint32_t>(e.GetUint64()));
    }
    return out;
}

std::string decode_peer_id(const json_value& root) {
    const auto w = top("peer_id");
    const std::string_view text = as_string(require(root, w), w);
    if (text.empty() || text.size() > 2 * max_peer_id_length || text.size() % 2 != 0) {
        fail(errc::parse, "peer_id is {} characters, expected an even number from 2 to {}",
             text.size(), 2 * max_peer_id_length);
    }
    std::uint8_t raw[max_peer_id_length];
    try {
        hex::decode_into(text, raw, text.size() / 2);
    } catch (const error& e) {
        fail_member(w, e.what());
    }
    return std::string(reinterpret_cast<const char*>(raw), text.size() / 2);
}

void write_indexes(json_writer& w, const char* name, const std::vector<std::uint32_t>& list) {
    if (list.empty()) {
        return;
    }
    write_key(w, name);
    w.StartArray();
    for (const std::uint32_t piece : list) w.Uint(piece);
    w.EndArray();
}

}  // namespace

announce_request announce_message::to_request(const ip_address& connection_address) const {
    announce_request r;
    r.peer_id = peer_id;
    r.address = address.value_or(connection_address);
    r.port = port;
    r.role = role;
    r.event = event;
    r.full = full ? &*full : nullptr;
    r.have = have;
    r.donthave = donthave;
    r.numwant = numwant;
    r.selection = selection;
    r.include_network_peers = include_network_peers;
    r.uploaded = uploaded;
    r.downloaded = downloaded;
    return r;
}

bool operator==(const announce_message& a, const announce_message& b) noexcept {
    return a.content_id == b.content_id && a.piece_count == b.piece_count &&
           a.peer_id == b.peer_id && a.address == b.address && a.port == b.port &&
           a.role == b.role && a.event == b.event && a.full == b.full && a.have == b.have &&
           a.donthave == b.donthave && a.numwant == b.numwant && a.selection == b.selection &&
           a.include_network_peers == b.include_network_peers && a.uploaded == b.uploaded &&
           a.downloaded == b.downloaded;
}

void validate_announce_message(const announce_message& m) {
    content_layout::validate_id(m.content_id);
    if (m.piece_count > bitmap::max_bits) {
        fail(errc::invalid, "piece count {} is above the maximum {}", m.piece_count,
             bitmap::max_bits);
    }
    if (m.peer_id.empty() || m.peer_id.size() > max_peer_id_length) {
        fail(errc::invalid, "peer id has {} bytes, expected 1 to {}", m.peer_id.size(),
             max_peer_id_length);
    }
    if (m.full) {
        if (m.full->size() != m.piece_count) {
            fail(errc::invalid, "bitmap has {} bits, expected the piece count {}", m.full->size(),
                 m.piece_count);
        }
        if (!m.have.empty() || !m.donthave.empty()) {
            fail(errc::invalid, "announce carries both a full bitmap and have/donthave changes");
        }
    }
    for (const auto* list : {&m.have, &m.donthave}) {
        for (const std::uint32_t piece : *list) {
            if (piece >= m.piece_count) {
                fail(errc::invalid, "{} names piece {}, not below the piece count {}",
                     list == &m.have ? "have" : "donthave", piece, m.piece_count);
            }
        }
    }
    check_distinct(m.have, m.donthave, errc::invalid);
}

std::string encode_announce_json(const announce_message& m) {
    validate_announce_message(m);
    rapidjson::StringBuffer buffer;
    json_writer w(buffer);
    w.StartObject();
    write_key(w, "v");
    w.Uint(1);
    write_key(w, "type");
    w.String("announce");
    write_key(w, "content");
    write_string(w, m.content_id);
    write_key(w, "pieces");
    w.Uint64(m.piece_count);
    write_key(w, "peer_id");
    write_string(
        w, hex::encode(reinterpret_cast<const std::uint8_t*>(m.peer_id.data()), m.peer_id.size()));
    if (m.address) {
        write_key(w, "ip");
        write_string(w, m.address->to_string());
    }
    write_key(w, "port");
    w.Uint(m.port);
    write_key(w, "role");
    w.String(role_names[static_cast<std::size_t>(m.role)]);
    write_key(w, "event");
    w.String(event_names[static_cast<std::size_t>(m.event)]);
    if (m.full) {
        const auto raw = bitfield::encode(*m.full);
        write_key(w, "bitfield");
        write_string(w, base64::encode(raw.data(), raw.size()));
    }
    write_indexes(w, "have", m.have);
    write_indexes(w, "donthave", m.donthave);
    write_key(w, "numwant");
    w.Uint(m.numwant);
    write_key(w, "selection");
    w.String(selection_names[static_cast<std::size_t>(m.selection)]);
    write_key(w, "include_network_peers");
    w.Bool(m.include_network_peers);
    write_key(w, "uploaded");
    w.Uint64(m.uploaded);
    write_key(w, "downloaded");
    w.Uint64(m.downloaded);
    w.EndObject();
    return std::string(buffer.GetString(), buffer.GetSize());
}

announce_message decode_announce_json(std::string_view json, const announce_limits& limits) {
    if (json.size() > limits.max_bytes) {
        fail(errc::limit, "announce request is {} bytes, above the limit {}", json.size(),
             limits.max_bytes);
    }
    rapidjson::Document doc;
    const json_value& root = wire_json::parse_object(doc, json, "announce request");
    wire_json::check_duplicates(root, known_members, nullptr, 0);
    wire_json::check_version(root, "announce");

    announce_message m;
    m.content_id = std::string(wire_json::content_id(root));
    m.piece_count = wire_json::piece_count(root, limits.max_pieces);
    m.peer_id = decode_peer_id(root);
    if (const json_value* ip = find(root, "ip")) {
        const std::string_view text = as_string(*ip, top("ip"));
        try {
            m.address = ip_address::parse(text);
        } catch (const error& e) {
            fail_member(top("ip"), e.what());
        }
    }
    const std::uint64_t port = as_uint64(require(root, top("port")), top("port"));
    if (port > 65535) {
        fail(errc::parse, "port is {}, above 65535", port);
    }
    m.port = static_cast<std::uint16_t>(port);
    if (const json_value* v = find(root, "role")) {
        m.role = static_cast<peer_role>(choice(*v, "role", role_names, "\"user\" or \"network\""));
    }
    if (const json_value* v = find(root, "event")) {
        m.event = static_cast<announce_event>(choice(
            *v, "event", event_names, "\"update\", \"started\", \"completed\" or \"stopped\""));
    }

    const json_value* bits = find(root, "bitfield");
    if (bits != nullptr && (find(root, "have") != nullptr || find(root, "donthave") != nullptr)) {
        fail(errc::parse, "member 'bitfield' excludes 'have' and 'donthave'");
    }
    if (bits != nullptr) {
        m.full = wire_json::decode_pieces(*bits, m.piece_count, top("bitfield"));
    }
    m.have = decode_indexes(root, "have", m.piece_count);
    m.donthave = decode_indexes(root, "donthave", m.piece_count);
    check_distinct(m.have, m.donthave, errc::parse);

    if (const json_value* v = find(root, "numwant")) {
        m.numwant = as_uint32(*v, top("numwant"));
    }
    if (const json_value* v = find(root, "selection")) {
        m.selection = static_cast<peer_selection>(
            choice(*v, "selection", selection_names, "\"random\" or \"complementary\""));
    }
    if (const json_value* v = find(root, "include_network_peers")) {
        m.include_network_peers = as_bool(*v, top("include_network_peers"));
    }
    if (const json_value* v = find(root, "uploaded")) {
        m.uploaded = as_uint64(*v, top("uploaded"));
    }
    if (const json_value* v = find(root, "downloaded")) {
        m.downloaded = as_uint64(*v, top("downloaded"));
    }
    return m;
}

}  // namespace p2pcdn
