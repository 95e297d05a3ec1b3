#include "wire/bt_announce_query.hpp"

#include <algorithm>
#include <limits>
#include <string>

#include "core/base64.hpp"
#include "core/error.hpp"
#include "core/hex.hpp"
#include "wire/bencode.hpp"
#include "wire/bitfield.hpp"
#include "wire/uri_template.hpp"

namespace p2pcdn {
namespace {

// The parameters the parser reads, in the encoder's order.
enum param : std::uint8_t {
    p_info_hash,
    p_peer_id,
    p_port,
    p_uploaded,
    p_downloaded,
    p_left,
    p_event,
    p_compact,
    p_numwant,
    p_ip,
    p_pieces,
    p_bitfield,
    p_count,
};

constexpr std::string_view param_names[p_count] = {
    "info_hash", "peer_id", "port",    "uploaded", "downloaded",    "left",
    "event",     "compact", "numwant", "ip",       "p2pcdn_pieces", "p2pcdn_bitfield",
};

constexpr std::uint64_t max_u64 = std::numeric_limits<std::uint64_t>::max();

// RFC 3986 query characters that may stand unescaped: unreserved, the sub-delims but '&' and
// '=' (the separators) and '+' (a space to HTML forms, a plus to RFC 3986: ambiguous), and
// ':' '@' '/' '?'.
bool plain_query_char(unsigned char c) noexcept {
    if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')) {
        return true;
    }
    constexpr std::string_view others = "-._~!$'()*,;:@/?";
    return others.find(static_cast<char>(c)) != std::string_view::npos;
}

int hex_value(char c) noexcept {
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

// Percent-decodes `raw`, which starts at `offset` of the query, into `out`. `what` names the
// text in messages ("parameter 'port'", "a parameter name").
void percent_decode(std::string_view raw, std::size_t offset, std::string_view what,
                    std::string& out) {
    out.clear();
    for (std::size_t i = 0; i < raw.size(); ++i) {
        const auto c = static_cast<unsigned char>(raw[i]);
        if (c == '%') {
            const int hi = i + 2 < raw.size() ? hex_value(raw[i + 1]) : -1;
            const int lo = i + 2 < raw.size() ? hex_value(raw[i + 2]) : -1;
            if (hi < 0 || lo < 0) {
                fail(errc::parse, "{} has a '%' not followed by two hex digits at offset {}", what,
                     offset + i);
            }
            out += static_cast<char>(hi * 16 + lo);
            i += 2;
        } else if (plain_query_char(c)) {
            out += static_cast<char>(c);
        } else if (c > 0x20 && c < 0x7f) {
            fail(errc::parse, "{} has an unescaped '{}' at offset {}", what, static_cast<char>(c),
                 offset + i);
        } else {
            fail(errc::parse, "{} has an unescaped byte 0x{:02x} at offset {}", what, c,
                 offset + i);
        }
    }
}

// A decimal number without sign or leading zero, at most `max`.
std::uint64_t parse_number(std::string_view text, std::string_view name, std::uint64_t max) {
    if (text.empty() ||
        !std::all_of(text.begin(), text.end(), [](char c) { return c >= '0' && c <= '9'; })) {
        fail(errc::parse, "parameter '{}' is not a decimal number", name);
    }
    if (text.size() > 1 && text[0] == '0') {
        fail(errc::parse, "parameter '{}' has a leading zero", name);
    }
    std::uint64_t value = 0;
    for (const char c : text) {
        const auto digit = static_cast<std::uint64_t>(c - '0');
        if (value > (max_u64 - digit) / 10) {
            fail(errc::parse, "{} is above {}", name, max);
        }
        value = value * 10 + digit;
    }
    if (value > max) {
        fail(errc::parse, "{} is {}, above {}", name, value, max);
    }
    return value;
}

announce_event parse_event(std::string_view text) {
    // BEP 3: absent, empty or "empty" is a regular announce; BEP 21's "paused" (a partial seed
    // that stopped downloading) changes nothing the swarm keeps.
    if (text.empty() || text == "empty" || text == "paused")
        return announce_event::update;
    if (text == "started")
        return announce_event::started;
    if (text == "completed")
        return announce_event::completed;
    if (text == "stopped")
        return announce_event::stopped;
    fail(errc::parse, "parameter 'event' is not started, completed, stopped, paused or empty");
}

ip_address parse_ip(std::string_view text) {
    try {
        return ip_address::parse(text);
    } catch (const error& e) {
        fail(errc::parse, "parameter 'ip': {}", e.what());
    }
}

// Unpadded base64url (RFC 4648 section 5) of a bitfield, as canonical as the base64 decoder:
// the exact length for the piece count and zero unused bits.
bitmap decode_bitfield(std::string_view text, std::size_t pieces) {
    const std::size_t bytes = bitfield::byte_size(pieces);
    const std::size_t chars = (bytes * 4 + 2) / 3;
    if (text.size() != chars) {
        fail(errc::parse,
             "p2pcdn_bitfield is {} characters, expected {} (unpadded base64url of {} bytes for "
             "{} pieces)",
             text.size(), chars, bytes, pieces);
    }
    std::string standard;
    standard.reserve(base64::encoded_size(bytes));
    for (std::size_t i = 0; i < text.size(); ++i) {
        const char c = text[i];
        if (c == '+' || c == '/' || c == '=') {
            fail(errc::parse, "p2pcdn_bitfield has '{}' at offset {}: not unpadded base64url", c,
                 i);
        }
        standard += c == '-' ? '+' : c == '_' ? '/' : c;
    }
    standard.append((4 - standard.size() % 4) % 4, '=');
    try {
        const auto raw = base64::decode(standard);
        return bitfield::decode(raw.data(), raw.size(), pieces, bitfield::spare_bits::reject);
    } catch (const error& e) {
        fail(errc::parse, "parameter 'p2pcdn_bitfield': {}", e.what());
    }
}

std::string encode_bitfield(const bitmap& bits) {
    const auto raw = bitfield::encode(bits);
    std::string text = base64::encode(raw.data(), raw.size());
    while (!text.empty() && text.back() == '=') text.pop_back();
    std::replace(text.begin(), text.end(), '+', '-');
    std::replace(text.begin(), text.end(), '/', '_');
    return text;
}

// The query's parameters as read, before the ones that depend on each other are checked.
struct raw_params {
    bool seen[p_count] = {};
    std::string bitfield_text;
};

void apply(bt_announce& a, raw_params& raw, param p, const std::string& value,
           const bt_query_limits& limits) {
    const std::string_view name = param_names[p];
    switch (p) {
        case p_info_hash:
        case p_peer_id:
            if (value.size() != bt_hash_length) {
                fail(errc::parse, "{} is {} bytes, expected {}", name, value.size(),
                     bt_hash_length);
            }
            if (p == p_info_hash) {
                std::copy(value.begin(), value.end(), a.info_hash.begin());
            } else {
                a.peer_id = value;
            }
            break;
        case p_port: a.port = static_cast<std::uint16_t>(parse_number(value, name, 65535)); break;
        case p_uploaded: a.uploaded = parse_number(value, name, max_u64); break;
        case p_downloaded: a.downloaded = parse_number(value, name, max_u64); break;
        case p_left: a.left = parse_number(value, name, max_u64); break;
        case p_event: a.event = parse_event(value); break;
        case p_compact: a.compact = parse_number(value, name, 1) == 1; break;
        case p_numwant:
            a.numwant = static_cast<std::uint32_t>(
                parse_number(value, name, std::numeric_limits<std::uint32_t>::max()));
            break;
        case p_ip: a.address = parse_ip(value); break;
        case p_pieces: {
            const std::uint64_t n = parse_number(value, name, max_u64);
            const std::size_t max_pieces = std::min(limits.max_pieces, bitmap::max_bits);
            if (n == 0) {
                fail(errc::parse, "p2pcdn_pieces is 0; a content has at least one piece");
            }
            if (n > max_pieces) {
                fail(errc::limit, "p2pcdn_pieces is {}, above the limit {}", n, max_pieces);
            }
            a.piece_count = static_cast<std::size_t>(n);
            break;
        }
        case p_bitfield: raw.bitfield_text = value; break;
        case p_count: break;
    }
}

}  // namespace

std::string bt_announce::content_id() const {
    return hex::encode(info_hash.data(), info_hash.size());
}

announce_request bt_announce::to_request(const ip_address& connection_address) const {
    announce_request r;
    r.peer_id = peer_id;
    r.address = address.value_or(connection_address);
    r.port = port;
    r.role = peer_role::user;
    r.event = event;
    r.full = pieces ? &*pieces : nullptr;
    r.numwant = numwant;
    r.uploaded = uploaded;
    r.downloaded = downloaded;
    return r;
}

bool operator==(const bt_announce& a, const bt_announce& b) noexcept {
    return a.info_hash == b.info_hash && a.peer_id == b.peer_id && a.address == b.address &&
           a.port == b.port && a.uploaded == b.uploaded && a.downloaded == b.downloaded &&
           a.left == b.left && a.event == b.event && a.compact == b.compact &&
           a.numwant == b.numwant && a.piece_count == b.piece_count && a.pieces == b.pieces;
}

bt_announce parse_bt_announce_query(std::string_view query, const bt_query_limits& limits) {
    if (query.size() > limits.max_bytes) {
        fail(errc::limit, "announce query is {} bytes, above the limit {}", query.size(),
             limits.max_bytes);
    }
    bt_announce a;
    raw_params raw;
    std::string name;
    std::string value;
    // An empty query has no parameter; otherwise every '&' separates two non-empty ones.
    for (std::size_t start = 0; !query.empty();) {
        const std::size_t amp = std::min(query.find('&', start), query.size());
        const std::string_view pair = query.substr(start, amp - start);
        if (pair.empty()) {
            fail(errc::parse, "announce query has an empty parameter at offset {}", start);
        }
        const std::size_t eq = pair.find('=');
        if (eq == std::string_view::npos) {
            fail(errc::parse, "announce query has a parameter without '=' at offset {}", start);
        }
        percent_decode(pair.substr(0, eq), start, "a parameter name", name);
        if (name.empty()) {
            fail(errc::parse, "announce query has a parameter without a name at offset {}", start);
        }
        const auto known = std::find(std::begin(param_names), std::end(param_names), name);
        const auto p = static_cast<param>(known - std::begin(param_names));
        const std::string label =
            p == p_count ? "an unknown parameter" : fmt::format("parameter '{}'", name);
        percent_decode(pair.substr(eq + 1), start + eq + 1, label, value);
        if (p != p_count) {
            if (raw.seen[p]) {
                fail(errc::parse, "parameter '{}' appears more than once", name);
            }
            raw.seen[p] = true;
            apply(a, raw, p, value, limits);
        }
        if (amp == query.size()) {
            break;
        }
        start = amp + 1;
    }

    for (const param p : {p_info_hash, p_peer_id, p_port}) {
        if (!raw.seen[p]) {
            fail(errc::parse, "parameter '{}' is missing", param_names[p]);
        }
    }
    if (raw.seen[p_bitfield]) {
        if (a.piece_count == 0) {
            fail(errc::parse, "parameter 'p2pcdn_bitfield' needs 'p2pcdn_pieces'");
        }
        a.pieces = decode_bitfield(raw.bitfield_text, a.piece_count);
    }
    return a;
}

std::string encode_bt_announce_query(const bt_announce& a) {
    if (a.peer_id.size() != bt_hash_length) {
        fail(errc::invalid, "peer id has {} bytes, expected {}", a.peer_id.size(), bt_hash_length);
    }
    if (a.piece_count > bitmap::max_bits) {
        fail(errc::invalid, "piece count {} is above the maximum {}", a.piece_count,
             bitmap::max_bits);
    }
    if (a.pieces && (a.piece_count == 0 || a.pieces->size() != a.piece_count)) {
        fail(errc::invalid, "bitmap has {} bits, expected the piece count {} (at least 1)",
             a.pieces->size(), a.piece_count);
    }
    const std::string_view hash(reinterpret_cast<const char*>(a.info_hash.data()),
                                a.info_hash.size());
    std::string q = fmt::format("info_hash={}&peer_id={}&port={}&uploaded={}&downloaded={}",
                                percent_encode(hash), percent_encode(a.peer_id), a.port, a.uploaded,
                                a.downloaded);
    if (a.left) {
        fmt::format_to(std::back_inserter(q), "&left={}", *a.left);
    }
    if (a.event != announce_event::update) {
        constexpr const char* names[] = {"", "started", "completed", "stopped"};
        fmt::format_to(std::back_inserter(q), "&event={}",
                       names[static_cast<std::size_t>(a.event)]);
    }
    fmt::format_to(std::back_inserter(q), "&compact={}&numwant={}", a.compact ? 1 : 0, a.numwant);
    if (a.address) {
        fmt::format_to(std::back_inserter(q), "&ip={}", percent_encode(a.address->to_string()));
    }
    if (a.piece_count != 0) {
        fmt::format_to(std::back_inserter(q), "&p2pcdn_pieces={}", a.piece_count);
    }
    if (a.pieces) {
        fmt::format_to(std::back_inserter(q), "&p2pcdn_bitfield={}", encode_bitfield(*a.pieces));
    }
    return q;
}

std::string encode_bt_failure(std::string_view reason) {
    bencode::writer w;
    w.begin_dict();
    w.entry("failure reason", reason);
    w.end();
    return w.take();
}

}  // namespace p2pcdn
