// Peer list JSON decoding. Input: the JSON text. A list that decodes must encode, decode again
// to the same list, and encode to the same text; its bencoded form must decode too.
#include <cstdlib>
#include <string>
#include <string_view>

#include "core/error.hpp"
#include "wire/peer_list_bencode.hpp"
#include "wire/peer_list_json.hpp"

#include "peer_list_fuzz_limits.hpp"
#include "wire/uri_template.hpp"

using p2pcdn::peer_list;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const p2pcdn::peer_list_limits limits = peer_list_fuzz_limits();
    const std::string_view json(reinterpret_cast<const char*>(data), size);

    peer_list list;
    try {
        list = p2pcdn::decode_peer_list_json(json, limits);
    } catch (const p2pcdn::error&) {
        return 0;
    }

    // The decoder's promises.
    for (const auto& source : list.cdn) {
        if (source.pieces.size() != list.piece_count || !source.pieces.spare_bits_clear()) {
            std::abort();
        }
        const std::size_t first = source.pieces.find_first_set();
        if (first != p2pcdn::bitmap::npos) {
            const std::string uri = p2pcdn::expand_cdn_uri(source, list.content_id, first);
            if (uri.find('{') != std::string::npos || uri.find('}') != std::string::npos) {
                std::abort();
            }
        }
    }

    try {
        const std::string text = p2pcdn::encode_peer_list_json(list);
        const peer_list again = p2pcdn::decode_peer_list_json(text, limits);
        if (!(list == again) || p2pcdn::encode_peer_list_json(again) != text) {
            std::abort();
        }
        // The bencoded form holds what compact peers can carry and decodes.
        const std::string bytes = p2pcdn::encode_peer_list_bencode(list);
        const peer_list compact = p2pcdn::decode_peer_list_bencode(bytes);
        if (compact.peers.size() != list.peers.size() || compact.cdn.size() != list.cdn.size() ||
            p2pcdn::encode_peer_list_bencode(compact) != bytes) {
            std::abort();
        }
    } catch (const p2pcdn::error&) {
        std::abort();
    }
    return 0;
}
