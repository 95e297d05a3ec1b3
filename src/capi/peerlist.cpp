// p2pcdn_peerlist: the C face of an announce answer.
#include "capi/bitmap_handle.hpp"
#include "capi/guard.hpp"
#include "capi/output.hpp"
#include "capi/stats_handle.hpp"
#include "wire/peer_list_bencode.hpp"
#include "wire/peer_list_json.hpp"
#include "wire/uri_template.hpp"

#include <cstring>
#include <string_view>

using p2pcdn::errc;
using p2pcdn::fail;
using p2pcdn::capi::checked;
using p2pcdn::capi::guard;
using p2pcdn::capi::out_param;

namespace {

const p2pcdn::cdn_source& source_at(const p2pcdn::peer_list& list, std::size_t i) {
    if (i >= list.cdn.size()) {
        fail(errc::range, "CDN source {} out of range for {} sources", i, list.cdn.size());
    }
    return list.cdn[i];
}

template <typename Decode>
int decode_new(p2pcdn_peerlist** out, Decode&& decode) {
    return guard([&] {
        auto& result = out_param(out, "out");
        result = p2pcdn::capi::make_handle<p2pcdn_peerlist>(decode());
        return P2PCDN_OK;
    });
}

}  // namespace

extern "C" {

P2PCDN_API int p2pcdn_peerlist_copy(p2pcdn_peerlist** out, const p2pcdn_peerlist* src) {
    return decode_new(out, [&] { return checked(src).list; });
}

P2PCDN_API void p2pcdn_peerlist_free(p2pcdn_peerlist* list) {
    p2pcdn::capi::release_handle(list);
}

P2PCDN_API int p2pcdn_peerlist_interval(const p2pcdn_peerlist* list, uint32_t* interval_s,
                                        uint32_t* min_interval_s) {
    return guard([&] {
        const auto& l = checked(list).list;
        if (interval_s != nullptr) {
            *interval_s = l.interval_s;
        }
        if (min_interval_s != nullptr) {
            *min_interval_s = l.min_interval_s;
        }
        return P2PCDN_OK;
    });
}

P2PCDN_API int p2pcdn_peerlist_swarm_counts(const p2pcdn_peerlist* list, uint32_t* seeds,
                                            uint32_t* leechers) {
    return guard([&] {
        const auto& l = checked(list).list;
        if (seeds != nullptr) {
            *seeds = l.seeds;
        }
        if (leechers != nullptr) {
            *leechers = l.leechers;
        }
        return P2PCDN_OK;
    });
}

P2PCDN_API int p2pcdn_peerlist_peer_count(const p2pcdn_peerlist* list, size_t* out) {
    return guard([&] {
        const auto& l = checked(list).list;
        out_param(out, "out") = l.peers.size();
        return P2PCDN_OK;
    });
}

P2PCDN_API int p2pcdn_peerlist_peer_at(const p2pcdn_peerlist* list, size_t i,
                                       p2pcdn_peer_info* out) {
    return guard([&] {
        const auto& l = checked(list).list;
        auto& info = out_param(out, "out");
        if (i >= l.peers.size()) {
            fail(errc::range, "peer {} out of range for {} peers", i, l.peers.size());
        }
        const p2pcdn::peer_entry& peer = l.peers[i];
        const std::string address = peer.address.to_string();
        p2pcdn_peer_info filled{};
        std::memcpy(filled.id, peer.id.data(), peer.id.size());
        filled.id_len = peer.id.size();
        std::memcpy(filled.address, address.c_str(), address.size() + 1);
        filled.port = peer.port;
        filled.role = static_cast<int>(peer.role);
        filled.seed = peer.seed ? 1 : 0;
        info = filled;
        return P2PCDN_OK;
    });
}

P2PCDN_API const char* p2pcdn_peerlist_content_id(const p2pcdn_peerlist* list) {
    return p2pcdn::capi::guard_pointer([&] { return checked(list).list.content_id.c_str(); });
}

P2PCDN_API int p2pcdn_peerlist_piece_count(const p2pcdn_peerlist* list, size_t* out) {
    return guard([&] {
        const auto& l = checked(list).list;
        out_param(out, "out") = l.piece_count;
        return P2PCDN_OK;
    });
}

P2PCDN_API int p2pcdn_peerlist_cdn_count(const p2pcdn_peerlist* list, size_t* out) {
    return guard([&] {
        const auto& l = checked(list).list;
        out_param(out, "out") = l.cdn.size();
        return P2PCDN_OK;
    });
}

P2PCDN_API int p2pcdn_peerlist_cdn_at(const p2pcdn_peerlist* list, size_t i, const char** uri,
                                      int64_t* expires_s, int* ranged) {
    return guard([&] {
        const p2pcdn::cdn_source& source = source_at(checked(list).list, i);
        if (uri != nullptr) {
            *uri = source.uri.c_str();
        }
        if (expires_s != nullptr) {
            *expires_s = source.expires_s;
        }
        if (ranged != nullptr) {
            *ranged = source.ranged ? 1 : 0;
        }
        return P2PCDN_OK;
    });
}

P2PCDN_API int p2pcdn_peerlist_cdn_pieces(const p2pcdn_peerlist* list, size_t i,
                                          p2pcdn_bitmap** out) {
    return guard([&] {
        const p2pcdn::cdn_source& source = source_at(checked(list).list, i);
        auto& result = out_param(out, "out");
        result = p2pcdn::capi::make_handle<p2pcdn_bitmap>(source.pieces);
        return P2PCDN_OK;
    });
}

P2PCDN_API int p2pcdn_peerlist_cdn_uri_for_piece(const p2pcdn_peerlist* list, size_t piece,
                                                 int64_t now_s, char* buf, size_t cap,
                                                 size_t* size, size_t* source_index) {
    return guard([&] {
        const auto& l = checked(list).list;
        if (piece >= l.piece_count) {
            fail(errc::range, "piece {} out of range for {} pieces", piece, l.piece_count);
        }
        for (std::size_t i = 0; i < l.cdn.size(); ++i) {
            const p2pcdn::cdn_source& source = l.cdn[i];
            if (now_s < source.expires_s && piece < source.pieces.size() &&
                source.pieces.test(piece)) {
                p2pcdn::capi::copy_text_out(p2pcdn::expand_cdn_uri(source, l.content_id, piece),
                                            buf, cap, size);
                if (source_index != nullptr) {
                    *source_index = i;
                }
                return P2PCDN_OK;
            }
        }
        fail(errc::not_found, "no live CDN source serves piece {}", piece);
    });
}

P2PCDN_API int p2pcdn_peerlist_to_json(const p2pcdn_peerlist* list, char* buf, size_t cap,
                                       size_t* size) {
    return guard([&] {
        p2pcdn::capi::copy_text_out(p2pcdn::encode_peer_list_json(checked(list).list), buf, cap,
                                    size);
        return P2PCDN_OK;
    });
}

P2PCDN_API int p2pcdn_peerlist_from_json(p2pcdn_peerlist** out, const char* json, size_t len) {
    return decode_new(out, [&] {
        p2pcdn::capi::check_input(json, len, "json");
        return p2pcdn::decode_peer_list_json(std::string_view(json, len),
                                             p2pcdn::peer_list_limits{});
    });
}

P2PCDN_API int p2pcdn_peerlist_to_bencode(const p2pcdn_peerlist* list, void* buf, size_t cap,
                                          size_t* size) {
    return guard([&] {
        const std::string bytes = p2pcdn::encode_peer_list_bencode(checked(list).list);
        p2pcdn::capi::copy_bytes_out(bytes.data(), bytes.size(), buf, cap, size);
        return P2PCDN_OK;
    });
}

P2PCDN_API int p2pcdn_peerlist_from_bencode(p2pcdn_peerlist** out, const void* data,
                                            size_t len) {
    return decode_new(out, [&] {
        p2pcdn::capi::check_input(data, len, "data");
        return p2pcdn::decode_peer_list_bencode(
            std::string_view(static_cast<const char*>(data), len), p2pcdn::peer_list_limits{});
    });
}

}  // extern "C"
