// p2pcdn_peerlist: the C face of an announce answer.
#include "capi/guard.hpp"
#include "capi/output.hpp"
#include "capi/stats_handle.hpp"

#include <cstring>

using p2pcdn::errc;
using p2pcdn::fail;
using p2pcdn::capi::checked;
using p2pcdn::capi::guard;
using p2pcdn::capi::out_param;

extern "C" {

P2PCDN_API int p2pcdn_peerlist_copy(p2pcdn_peerlist** out, const p2pcdn_peerlist* src) {
    return guard([&] {
        auto& result = out_param(out, "out");
        result = p2pcdn::capi::make_handle<p2pcdn_peerlist>(checked(src).list);
        return P2PCDN_OK;
    });
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

}  // extern "C"
