// Peer list bencode decoding. Input: the bencoded tracker answer. A list that decodes must
// encode, decode again to the same list and encode to the same bytes; its JSON form must
// decode to the same list too.
#include <cstdlib>
#include <string>
#include <string_view>

#include "core/error.hpp"
#include "wire/peer_list_bencode.hpp"
#include "wire/peer_list_json.hpp"

#include "peer_list_fuzz_limits.hpp"

using p2pcdn::peer_list;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const p2pcdn::peer_list_limits limits = peer_list_fuzz_limits();
    const std::string_view bytes(reinterpret_cast<const char*>(data), size);

    peer_list list;
    try {
        list = p2pcdn::decode_peer_list_bencode(bytes, limits);
    } catch (const p2pcdn::error&) {
        return 0;
    }

    // The decoder's promises: compact peers carry no id and no seed flag; IPv4 come first.
    bool v6_seen = false;
    for (const auto& peer : list.peers) {
        if (!peer.id.empty() || peer.seed || (v6_seen && peer.address.is_v4())) {
            std::abort();
        }
        v6_seen = v6_seen || !peer.address.is_v4();
    }
    for (const auto& source : list.cdn) {
        if (source.pieces.size() != list.piece_count || !source.pieces.spare_bits_clear()) {
            std::abort();
        }
    }

    try {
        const std::string again_bytes = p2pcdn::encode_peer_list_bencode(list);
        const peer_list again = p2pcdn::decode_peer_list_bencode(again_bytes, limits);
        if (!(list == again) || p2pcdn::encode_peer_list_bencode(again) != again_bytes) {
            std::abort();
        }
        const peer_list via_json =
            p2pcdn::decode_peer_list_json(p2pcdn::encode_peer_list_json(list));
        if (!(list == via_json)) {
            std::abort();
        }
    } catch (const p2pcdn::error&) {
        std::abort();
    }
    return 0;
}
