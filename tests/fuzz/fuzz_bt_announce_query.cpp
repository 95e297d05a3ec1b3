// BitTorrent announce query parsing. Input: the query string. An announce that parses must
// keep the parser's promises, encode and parse again to the same announce and the same text,
// and be taken by a swarm (which may refuse only event completed with a partial bitfield).
#include <cstdlib>
#include <string>
#include <string_view>

#include "core/error.hpp"
#include "swarm/swarm.hpp"
#include "wire/bt_announce_query.hpp"

using p2pcdn::bt_announce;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    p2pcdn::bt_query_limits limits;
    limits.max_pieces = std::size_t{1} << 16;
    const std::string_view query(reinterpret_cast<const char*>(data), size);

    bt_announce a;
    try {
        a = p2pcdn::parse_bt_announce_query(query, limits);
    } catch (const p2pcdn::error&) {
        return 0;
    }

    // The parser's promises.
    const std::string id = a.content_id();
    if (a.peer_id.size() != p2pcdn::bt_hash_length || id.size() != 40 ||
        id.find_first_not_of("0123456789abcdef") != std::string::npos) {
        std::abort();
    }
    if (a.pieces && (a.piece_count == 0 || a.pieces->size() != a.piece_count ||
                     !a.pieces->spare_bits_clear())) {
        std::abort();
    }

    try {
        const std::string text = p2pcdn::encode_bt_announce_query(a);
        const bt_announce again = p2pcdn::parse_bt_announce_query(text, limits);
        if (!(again == a) || p2pcdn::encode_bt_announce_query(again) != text) {
            std::abort();
        }
    } catch (const p2pcdn::error&) {
        std::abort();
    }

    p2pcdn::swarm s(id, a.piece_count, 4, 1);
    try {
        s.announce(a.to_request(p2pcdn::ip_address::parse("2001:db8::1")), 1000);
    } catch (const p2pcdn::error& e) {
        if (e.code() != p2pcdn::errc::invalid || a.event != p2pcdn::announce_event::completed) {
            std::abort();
        }
    }
    return 0;
}
