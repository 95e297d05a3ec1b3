#include "swarm/tracker_service.hpp"

#include "wire/announce_json.hpp"
#include "wire/bt_announce_query.hpp"
#include "wire/cdn_source_messages.hpp"
#include "wire/peer_list_bencode.hpp"
#include "wire/peer_list_json.hpp"
#include "wire/tracker_reply_json.hpp"

#include <algorithm>
#include <vector>

namespace p2pcdn {
namespace {

// The address an announce without its own "ip" stands for: the connection's.
const ip_address& connection_address(bool has_own, const ip_address* remote) {
    static const ip_address unused;
    if (has_own) {
        return remote != nullptr ? *remote : unused;
    }
    if (remote == nullptr) {
        fail(errc::invalid, "the announce has no 'ip' and the connection's address is unknown");
    }
    return *remote;
}

bool republish(tracker& t, const std::string& content_id, const cdn_source& source) noexcept {
    try {
        t.publish_cdn(content_id, source);
        return true;
    } catch (const std::exception&) {
        return false;  // it expired meanwhile (gone is what it would be now), or no memory
    }
}

// Puts back what a failed publish changed: each URI published so far gets the source it had
// before, or is withdrawn when it had none or the old one cannot come back. Best effort, and
// never throws: the publish's own error is the one to report.
void take_back(tracker& t, const std::string& content_id, const std::vector<cdn_source>& before,
               const std::vector<cdn_source>& sources, std::size_t published) noexcept {
    for (std::size_t i = 0; i < published; ++i) {
        const cdn_source& source = sources[i];
        const auto old = std::find_if(before.begin(), before.end(),
                                      [&](const cdn_source& s) { return s.uri == source.uri; });
        if (old != before.end() && republish(t, content_id, *old)) {
            continue;
        }
        try {
            t.withdraw_cdn(content_id, source.uri, nullptr);
        } catch (const std::exception&) {
            // The content was removed meanwhile, or memory ran out: nothing more to do.
        }
    }
}

}  // namespace

std::string serve_announce_json(tracker& t, std::string_view body, const ip_address* remote) {
    const announce_message m = decode_announce_json(body);
    const announce_request request =
        m.to_request(connection_address(m.address.has_value(), remote));
    return encode_peer_list_json(t.announce(m.content_id, m.piece_count, request));
}

std::string serve_bt_announce(tracker& t, std::string_view query, const ip_address* remote) {
    const bt_announce a = parse_bt_announce_query(query);
    announce_request request = a.to_request(connection_address(a.address.has_value(), remote));
    if (!a.pieces && a.left == std::uint64_t{0} && request.event != announce_event::stopped) {
        request.event = announce_event::completed;
    }
    return encode_peer_list_bencode(t.announce(a.content_id(), a.piece_count, request));
}

std::string serve_cdn_publish(tracker& t, std::string_view body) {
    const cdn_publish m = decode_cdn_publish_json(body);
    std::string ack = encode_cdn_published_json(m.content_id, m.sources.size());
    // Also the check that the content exists, before anything changes.
    const std::vector<cdn_source> before = t.cdn_sources(m.content_id);
    std::size_t published = 0;
    try {
        for (const cdn_source& source : m.sources) {
            t.publish_cdn(m.content_id, source);
            ++published;
        }
    } catch (...) {
        take_back(t, m.content_id, before, m.sources, published);
        throw;
    }
    return ack;
}

std::string serve_cdn_withdraw(tracker& t, std::string_view body, std::size_t* changed) {
    const cdn_withdraw m = decode_cdn_withdraw_json(body);
    const std::size_t n = t.withdraw_cdn(m.content_id, m.uri, m.pieces ? &*m.pieces : nullptr);
    if (changed != nullptr) {
        *changed = n;
    }
    return encode_cdn_withdrawn_json(m.content_id, n);
}

std::string serve_stats_json(const tracker& t, std::string_view content_id,
                             copies_encoding encoding) {
    return encode_stats_json(t.stats(content_id), encoding);
}

int http_status_for(errc code) noexcept {
    switch (code) {
        case errc::ok: return 200;
        case errc::parse:
        case errc::invalid:
        case errc::range:
        case errc::limit: return 400;
        case errc::not_found: return 404;
        case errc::exists:
        case errc::state: return 409;
        case errc::no_memory: return 503;
        default: return 500;
    }
}

}  // namespace p2pcdn
