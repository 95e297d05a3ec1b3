// Announce request JSON decoding. Input: the JSON text. A request that decodes must keep the
// decoder's promises, encode and decode again to the same request and the same text, and be
// taken by a swarm (which may refuse only what it checks itself: event completed with pieces
// missing).
#include <cstdlib>
#include <string>
#include <string_view>

#include "core/error.hpp"
#include "swarm/swarm.hpp"
#include "wire/announce_json.hpp"

using p2pcdn::announce_message;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    p2pcdn::announce_limits limits;
    limits.max_bytes = std::size_t{1} << 20;
    limits.max_pieces = std::size_t{1} << 16;
    const std::string_view json(reinterpret_cast<const char*>(data), size);

    announce_message m;
    try {
        m = p2pcdn::decode_announce_json(json, limits);
    } catch (const p2pcdn::error&) {
        return 0;
    }

    // The decoder's promises.
    if (m.peer_id.empty() || m.peer_id.size() > p2pcdn::max_peer_id_length) {
        std::abort();
    }
    if (m.full && (m.full->size() != m.piece_count || !m.full->spare_bits_clear() ||
                   !m.have.empty() || !m.donthave.empty())) {
        std::abort();
    }
    if (m.have.size() + m.donthave.size() > m.piece_count) {
        std::abort();
    }

    try {
        const std::string text = p2pcdn::encode_announce_json(m);
        const announce_message again = p2pcdn::decode_announce_json(text, limits);
        if (!(again == m) || p2pcdn::encode_announce_json(again) != text) {
            std::abort();
        }
    } catch (const p2pcdn::error&) {
        std::abort();
    }

    p2pcdn::swarm s(m.content_id, m.piece_count, 4, 1);
    try {
        s.announce(m.to_request(p2pcdn::ip_address::parse("192.0.2.1")), 1000);
    } catch (const p2pcdn::error& e) {
        if (e.code() != p2pcdn::errc::invalid || m.event != p2pcdn::announce_event::completed) {
            std::abort();
        }
    }
    return 0;
}
