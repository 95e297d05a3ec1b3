#include "wire/peer_list_bencode.hpp"

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <limits>
#include <vector>

#include "core/content_layout.hpp"
#include "core/error.hpp"
#include "wire/bencode.hpp"
#include "wire/bitfield.hpp"
#include "wire/peer_list_json.hpp"
#include "wire/uri_template.hpp"

namespace p2pcdn {
namespace {

using bencode::kind;
using bencode::value;

constexpr std::size_t v4_size = 6;   // BEP 23: 4 address bytes, 2 port bytes, network order
constexpr std::size_t v6_size = 18;  // BEP 7: 16 address bytes, 2 port bytes
constexpr std::int64_t max_u32 = std::numeric_limits<std::uint32_t>::max();
// Items a peer list needs besides its CDN sources (the root, its keys and scalars, and room
// for the few extra keys trackers add), and per CDN source (its dict, 4 keys, 4 values).
constexpr std::size_t base_items = 256;
constexpr std::size_t items_per_source = 16;

// A key's name in messages: "interval", "cdn[2].url", "cdn[2]".
struct where {
    const char* array;  // nullptr: a key of the root
    std::size_t index;
    const char* key;  // nullptr: the list element itself
};

std::string name_of(const where& w) {
    if (w.array == nullptr) {
        return w.key;
    }
    if (w.key == nullptr) {
        return fmt::format("{}[{}]", w.array, w.index);
    }
    return fmt::format("{}[{}].{}", w.array, w.index, w.key);
}

// The text of a tracker's failure reason as it can appear in a one-line message.
std::string quote(std::string_view text) {
    std::string out;
    const std::size_t n = std::min<std::size_t>(text.size(), 200);
    for (std::size_t i = 0; i < n; ++i) {
        const auto byte = static_cast<unsigned char>(text[i]);
        if (byte >= 0x20 && byte < 0x7f && byte != '\\') {
            out += static_cast<char>(byte);
        } else {
            out += fmt::format("\\x{:02x}", byte);
        }
    }
    if (n < text.size()) {
        out += "...";
    }
    return out;
}

value require(value dict, const where& w) {
    const auto v = dict.find(w.key);
    if (!v) {
        fail(errc::parse, "key '{}' is missing", name_of(w));
    }
    return *v;
}

std::int64_t as_integer(value v, const where& w, std::int64_t min, std::int64_t max) {
    if (!v.is(kind::integer)) {
        fail(errc::parse, "key '{}' is {}, not an integer", name_of(w),
             bencode::kind_name(v.type()));
    }
    const std::int64_t x = v.integer();
    if (x < min) {
        fail(errc::parse, "{} is {}, below {}", name_of(w), x, min);
    }
    if (x > max) {
        fail(errc::parse, "{} is {}, above {}", name_of(w), x, max);
    }
    return x;
}

std::uint32_t optional_u32(value dict, const char* key) {
    const auto v = dict.find(key);
    return v ? static_cast<std::uint32_t>(as_integer(*v, {nullptr, 0, key}, 0, max_u32)) : 0;
}

std::string_view as_bytes(value v, const where& w) {
    if (!v.is(kind::bytes)) {
        fail(errc::parse, "key '{}' is {}, not a byte string", name_of(w),
             bencode::kind_name(v.type()));
    }
    return v.bytes();
}

// A compact string of `entry` bytes per peer, or empty when the key is absent.
std::string_view compact(value dict, const char* key, std::size_t entry) {
    const auto v = dict.find(key);
    if (!v) {
        return {};
    }
    const std::string_view bytes = as_bytes(*v, {nullptr, 0, key});
    if (bytes.size() % entry != 0) {
        fail(errc::parse, "{} is {} bytes, not a multiple of {}", key, bytes.size(), entry);
    }
    return bytes;
}

std::string endpoint_text(std::string_view entry) {
    const auto* p = reinterpret_cast<const std::uint8_t*>(entry.data());
    const unsigned port = (unsigned{p[entry.size() - 2]} << 8) | p[entry.size() - 1];
    if (entry.size() == v4_size) {
        return fmt::format("{}.{}.{}.{}:{}", p[0], p[1], p[2], p[3], port);
    }
    std::uint8_t bytes[16];
    std::memcpy(bytes, p, 16);
    return fmt::format("[{}]:{}", ip_address::v6(bytes).to_string(), port);
}

// Appends the peers of one compact string; marks those listed in `network` (a compact string
// of the same family) as network peers.
void add_peers(std::vector<peer_entry>& out, std::string_view peers, std::string_view network,
               const char* network_key, const char* peers_key, std::size_t entry) {
    const std::size_t count = peers.size() / entry;
    const std::size_t network_count = network.size() / entry;
    if (network_count > count) {
        fail(errc::parse, "{} has {} entries, more than the {} in {}", network_key, network_count,
             count, peers_key);
    }
    std::vector<std::string_view> keys;
    keys.reserve(network_count);
    for (std::size_t i = 0; i < network_count; ++i)
        keys.push_back(network.substr(i * entry, entry));
    std::sort(keys.begin(), keys.end());
    const auto dup = std::adjacent_find(keys.begin(), keys.end());
    if (dup != keys.end()) {
        fail(errc::parse, "{} lists {} more than once", network_key, endpoint_text(*dup));
    }
    std::vector<bool> matched(network_count, false);
    for (std::size_t i = 0; i < count; ++i) {
        const std::string_view e = peers.substr(i * entry, entry);
        const auto* p = reinterpret_cast<const std::uint8_t*>(e.data());
        peer_entry peer;
        if (entry == v4_size) {
            const std::uint8_t a[4] = {p[0], p[1], p[2], p[3]};
            peer.address = ip_address::v4(a);
        } else {
            std::uint8_t a[16];
            std::memcpy(a, p, 16);
            peer.address = ip_address::v6(a);
        }
        peer.port = static_cast<std::uint16_t>((unsigned{p[entry - 2]} << 8) | p[entry - 1]);
        const auto it = std::lower_bound(keys.begin(), keys.end(), e);
        if (it != keys.end() && *it == e) {
            peer.role = peer_role::network;
            matched[static_cast<std::size_t>(it - keys.begin())] = true;
        }
        out.push_back(std::move(peer));
    }
    for (std::size_t k = 0; k < network_count; ++k) {
        if (!matched[k]) {
            fail(errc::parse, "{} lists {}, which is not in {}", network_key,
                 endpoint_text(keys[k]), peers_key);
        }
    }
}

cdn_source decode_cdn(value v, std::size_t i, std::size_t pieces) {
    if (!v.is(kind::dict)) {
        fail(errc::parse, "{} is {}, not a dictionary", name_of({"cdn", i, nullptr}),
             bencode::kind_name(v.type()));
    }
    cdn_source source;
    {
        const where w{"cdn", i, "url"};
        const std::string_view uri = as_bytes(require(v, w), w);
        try {
            validate_cdn_uri(uri);
        } catch (const error& e) {
            fail(errc::parse, "key '{}': {}", name_of(w), e.what());
        }
        source.uri = std::string(uri);
    }
    {
        const where w{"cdn", i, "pieces"};
        const std::string_view raw = as_bytes(require(v, w), w);
        const std::size_t bytes = bitfield::byte_size(pieces);
        if (raw.size() != bytes) {
            fail(errc::parse, "{} is {} bytes, expected {} for {} pieces", name_of(w), raw.size(),
                 bytes, pieces);
        }
        try {
            source.pieces = bitfield::decode(reinterpret_cast<const std::uint8_t*>(raw.data()),
                                             raw.size(), pieces, bitfield::spare_bits::reject);
        } catch (const error& e) {
            fail(errc::parse, "key '{}': {}", name_of(w), e.what());
        }
    }
    {
        const where w{"cdn", i, "expires"};
        source.expires_s = as_integer(require(v, w), w, std::numeric_limits<std::int64_t>::min(),
                                      std::numeric_limits<std::int64_t>::max());
    }
    if (const auto range = v.find("range")) {
        source.ranged = as_integer(*range, {"cdn", i, "range"}, 0, 1) == 1;
    }
    return source;
}

void append_endpoint(std::string& out, const peer_entry& peer) {
    out.append(reinterpret_cast<const char*>(peer.address.bytes()), peer.address.size());
    out += static_cast<char>(peer.port >> 8);
    out += static_cast<char>(peer.port & 0xff);
}

// The endpoints of the network peers of one family, each once, in ascending byte order.
std::string network_endpoints(const std::vector<peer_entry>& peers, bool v4) {
    const std::size_t entry = v4 ? v4_size : v6_size;
    std::string all;
    for (const peer_entry& peer : peers) {
        if (peer.role == peer_role::network && peer.address.is_v4() == v4) {
            append_endpoint(all, peer);
        }
    }
    std::vector<std::string_view> keys;
    keys.reserve(all.size() / entry);
    for (std::size_t at = 0; at < all.size(); at += entry) {
        keys.push_back(std::string_view(all).substr(at, entry));
    }
    std::sort(keys.begin(), keys.end());
    keys.erase(std::unique(keys.begin(), keys.end()), keys.end());
    std::string out;
    out.reserve(keys.size() * entry);
    for (const std::string_view key : keys) out.append(key);
    return out;
}

}  // namespace

std::string encode_peer_list_bencode(const peer_list& list) {
    validate_peer_list(list);
    std::string peers4;
    std::string peers6;
    for (const peer_entry& peer : list.peers)
        append_endpoint(peer.address.is_v4() ? peers4 : peers6, peer);
    const std::string network4 = network_endpoints(list.peers, true);
    const std::string network6 = network_endpoints(list.peers, false);

    std::string out;
    out.reserve(160 + peers4.size() + peers6.size() + network4.size() + network6.size() +
                list.cdn.size() * (64 + bitfield::byte_size(list.piece_count)));
    bencode::writer w(std::move(out));
    w.begin_dict();
    if (!list.cdn.empty()) {
        w.key("cdn");
        w.begin_list();
        std::string raw;
        for (const cdn_source& source : list.cdn) {
            raw.resize(bitfield::byte_size(source.pieces.size()));
            bitfield::encode_into(source.pieces, reinterpret_cast<std::uint8_t*>(raw.data()));
            w.begin_dict();
            w.entry("expires", source.expires_s);
            w.entry("pieces", raw);
            w.entry("range", source.ranged ? 1 : 0);
            w.entry("url", source.uri);
            w.end();
        }
        w.end();
    }
    w.entry("complete", list.seeds);
    w.entry("content", list.content_id);
    w.entry("incomplete", list.leechers);
    w.entry("interval", list.interval_s);
    w.entry("min interval", list.min_interval_s);
    if (!network4.empty()) {
        w.entry("network peers", network4);
    }
    if (!network6.empty()) {
        w.entry("network peers6", network6);
    }
    w.entry("peers", peers4);
    if (!peers6.empty()) {
        w.entry("peers6", peers6);
    }
    w.entry("piece count", static_cast<std::int64_t>(list.piece_count));
    w.end();
    return w.take();
}

peer_list decode_peer_list_bencode(std::string_view data, const peer_list_limits& limits) {
    if (data.size() > limits.max_bytes) {
        fail(errc::limit, "peer list is {} bytes, above the limit {}", data.size(),
             limits.max_bytes);
    }
    bencode::reader_limits reader;
    reader.max_depth = 32;
    reader.max_items =
        base_items + items_per_source * std::min<std::size_t>(limits.max_cdn_sources, 1u << 20);
    const auto doc = bencode::document::parse(data, reader);
    const value root = doc.root();
    if (!root.is(kind::dict)) {
        fail(errc::parse, "peer list is {}, not a dictionary", bencode::kind_name(root.type()));
    }
    if (const auto failure = root.find("failure reason")) {
        fail(errc::protocol, "tracker failure: {}",
             quote(as_bytes(*failure, {nullptr, 0, "failure reason"})));
    }

    peer_list list;
    {
        const where w{nullptr, 0, "content"};
        const std::string_view id = as_bytes(require(root, w), w);
        try {
            content_layout::validate_id(id);
        } catch (const error& e) {
            fail(errc::parse, "key 'content': {}", e.what());
        }
        list.content_id = std::string(id);
    }
    {
        const where w{nullptr, 0, "piece count"};
        const value v = require(root, w);
        const std::int64_t pieces = as_integer(v, w, 0, std::numeric_limits<std::int64_t>::max());
        const std::size_t max_pieces = std::min(limits.max_pieces, bitmap::max_bits);
        if (static_cast<std::uint64_t>(pieces) > max_pieces) {
            fail(errc::limit, "piece count is {}, above the limit {}", pieces, max_pieces);
        }
        list.piece_count = static_cast<std::size_t>(pieces);
    }
    {
        const where w{nullptr, 0, "interval"};
        list.interval_s = static_cast<std::uint32_t>(as_integer(require(root, w), w, 0, max_u32));
    }
    list.min_interval_s = optional_u32(root, "min interval");
    list.seeds = optional_u32(root, "complete");
    list.leechers = optional_u32(root, "incomplete");

    if (const auto peers = root.find("peers"); peers && peers->is(kind::list)) {
        fail(errc::parse, "key 'peers' is a list: only the compact form (BEP 23) is supported");
    }
    const std::string_view peers4 = compact(root, "peers", v4_size);
    const std::string_view peers6 = compact(root, "peers6", v6_size);
    const std::string_view network4 = compact(root, "network peers", v4_size);
    const std::string_view network6 = compact(root, "network peers6", v6_size);
    const std::size_t count = peers4.size() / v4_size + peers6.size() / v6_size;
    if (count > limits.max_peers) {
        fail(errc::limit, "peers and peers6 hold {} peers, above the limit {}", count,
             limits.max_peers);
    }
    list.peers.reserve(count);
    add_peers(list.peers, peers4, network4, "network peers", "peers", v4_size);
    add_peers(list.peers, peers6, network6, "network peers6", "peers6", v6_size);

    if (const auto cdn = root.find("cdn")) {
        if (!cdn->is(kind::list)) {
            fail(errc::parse, "key 'cdn' is {}, not a list", bencode::kind_name(cdn->type()));
        }
        if (cdn->size() > limits.max_cdn_sources) {
            fail(errc::limit, "cdn has {} entries, above the limit {}", cdn->size(),
                 limits.max_cdn_sources);
        }
        list.cdn.reserve(cdn->size());
        std::size_t i = 0;
        for (const value source : *cdn)
            list.cdn.push_back(decode_cdn(source, i++, list.piece_count));
    }
    return list;
}

}  // namespace p2pcdn
