// p2pcdn_planner: the C face of the UE-side source planner.
#include "capi/bitmap_handle.hpp"
#include "capi/guard.hpp"
#include "capi/options.hpp"
#include "capi/output.hpp"
#include "capi/planner_handle.hpp"
#include "capi/stats_handle.hpp"

#include <cstddef>
#include <cstring>
#include <memory>
#include <string_view>

using p2pcdn::errc;
using p2pcdn::fail;
using p2pcdn::capi::checked;
using p2pcdn::capi::guard;
using p2pcdn::capi::out_param;

namespace {

// Version 1 ended at max_peers: its bytes are those before cdn_fill (cdn_fill sits where
// version 1 had padding, so sizeof alone cannot tell the versions apart).
constexpr std::size_t planner_options_sizes[] = {offsetof(p2pcdn_planner_options, cdn_fill),
                                                 sizeof(p2pcdn_planner_options)};
constexpr p2pcdn_planner_options planner_options_defaults = P2PCDN_PLANNER_OPTIONS_INIT;

static_assert(P2PCDN_SOURCE_PEER == static_cast<int>(p2pcdn::ue::plan_source::peer));
static_assert(P2PCDN_SOURCE_CDN == static_cast<int>(p2pcdn::ue::plan_source::cdn));
static_assert(P2PCDN_CDN_FILL_OFF == static_cast<int>(p2pcdn::ue::cdn_fill_mode::off));
static_assert(P2PCDN_CDN_FILL_IDLE == static_cast<int>(p2pcdn::ue::cdn_fill_mode::idle));
static_assert(P2PCDN_CDN_FILL_FIRST == static_cast<int>(p2pcdn::ue::cdn_fill_mode::first));
static_assert(P2PCDN_PLAN_DONE == static_cast<int>(p2pcdn::ue::plan_outcome::done));
static_assert(P2PCDN_PLAN_FAILED == static_cast<int>(p2pcdn::ue::plan_outcome::failed));
static_assert(P2PCDN_PLAN_GONE == static_cast<int>(p2pcdn::ue::plan_outcome::gone));
static_assert(P2PCDN_PEER_ID_MAX == p2pcdn::max_peer_id_length);

p2pcdn::ue::planner_config config_from(const p2pcdn_planner_options* given) {
    const p2pcdn_planner_options opts = p2pcdn::capi::read_options(
        given, planner_options_defaults, planner_options_sizes, "p2pcdn_planner_options");
    p2pcdn::ue::planner_config config;
    if (opts.max_cdn_in_flight != 0) {
        config.max_cdn_in_flight = opts.max_cdn_in_flight;
    }
    if (opts.max_per_peer_in_flight != 0) {
        config.max_per_peer_in_flight = opts.max_per_peer_in_flight;
    }
    config.streaming = opts.streaming != 0;
    if (opts.window_pieces != 0) {
        config.window_pieces = opts.window_pieces;
    }
    if (opts.piece_duration_ms != 0) {
        config.piece_duration_ms = opts.piece_duration_ms;
    }
    if (opts.peer_piece_ms != 0) {
        config.peer_piece_ms = opts.peer_piece_ms;
    }
    config.rng_seed = opts.rng_seed;
    if (opts.max_peers != 0) {
        if (opts.max_peers > p2pcdn::ue::max_planner_peers) {
            fail(errc::invalid, "max_peers {} above {}", opts.max_peers,
                 p2pcdn::ue::max_planner_peers);
        }
        config.max_peers = opts.max_peers;
    }
    if (opts.cdn_fill < P2PCDN_CDN_FILL_OFF || opts.cdn_fill > P2PCDN_CDN_FILL_FIRST) {
        fail(errc::invalid, "cdn_fill {} is not one of 0 to {}", opts.cdn_fill,
             P2PCDN_CDN_FILL_FIRST);
    }
    config.cdn_fill = static_cast<p2pcdn::ue::cdn_fill_mode>(opts.cdn_fill);
    return config;
}

p2pcdn::ue::planner& planner_of(p2pcdn_planner* handle) {
    return *checked(handle).impl;
}

std::string_view key_input(const void* key, std::size_t len) {
    if (key == nullptr) {
        fail(errc::invalid, "peer_key is NULL");
    }
    return {static_cast<const char*>(key), len};
}

const p2pcdn::bitmap& bitmap_input(const p2pcdn_bitmap* bits) {
    return checked(bits).bits;
}

p2pcdn::ue::plan_outcome outcome_input(int outcome) {
    if (outcome < P2PCDN_PLAN_DONE || outcome > P2PCDN_PLAN_GONE) {
        fail(errc::invalid, "outcome {} is not one of 0 to {}", outcome, P2PCDN_PLAN_GONE);
    }
    return static_cast<p2pcdn::ue::plan_outcome>(outcome);
}

}  // namespace

extern "C" {

P2PCDN_API int p2pcdn_planner_options_init(p2pcdn_planner_options* opts, unsigned int version) {
    return guard([&] {
        p2pcdn::capi::init_options(opts, version, planner_options_sizes, "p2pcdn_planner_options");
        return P2PCDN_OK;
    });
}

P2PCDN_API int p2pcdn_planner_new(p2pcdn_planner** out, size_t piece_count,
                                  const p2pcdn_planner_options* opts) {
    return guard([&] {
        auto& result = out_param(out, "out");
        auto impl = std::make_unique<p2pcdn::ue::planner>(piece_count, config_from(opts));
        result = p2pcdn::capi::make_handle<p2pcdn_planner>(std::move(impl));
        return P2PCDN_OK;
    });
}

P2PCDN_API void p2pcdn_planner_free(p2pcdn_planner* planner) {
    p2pcdn::capi::release_handle(planner);
}

P2PCDN_API int p2pcdn_planner_set_have(p2pcdn_planner* planner, const p2pcdn_bitmap* own) {
    return guard([&] {
        auto& p = planner_of(planner);
        p.set_have(bitmap_input(own));
        return P2PCDN_OK;
    });
}

P2PCDN_API int p2pcdn_planner_peer_set(p2pcdn_planner* planner, const void* peer_key,
                                       size_t peer_key_len, const p2pcdn_bitmap* bits) {
    return guard([&] {
        auto& p = planner_of(planner);
        p.peer_set(key_input(peer_key, peer_key_len), bitmap_input(bits));
        return P2PCDN_OK;
    });
}

P2PCDN_API int p2pcdn_planner_peer_have(p2pcdn_planner* planner, const void* peer_key,
                                        size_t peer_key_len, size_t piece) {
    return guard([&] {
        auto& p = planner_of(planner);
        p.peer_have(key_input(peer_key, peer_key_len), piece);
        return P2PCDN_OK;
    });
}

P2PCDN_API int p2pcdn_planner_peer_have_many(p2pcdn_planner* planner, const void* peer_key,
                                             size_t peer_key_len, const size_t* pieces,
                                             size_t count) {
    return guard([&] {
        auto& p = planner_of(planner);
        if (pieces == nullptr && count != 0) {
            fail(errc::invalid, "pieces is NULL with count {}", count);
        }
        p.peer_have(key_input(peer_key, peer_key_len), pieces, count);
        return P2PCDN_OK;
    });
}

P2PCDN_API int p2pcdn_planner_peer_remove(p2pcdn_planner* planner, const void* peer_key,
                                          size_t peer_key_len) {
    return guard([&] {
        auto& p = planner_of(planner);
        p.peer_remove(key_input(peer_key, peer_key_len));
        return P2PCDN_OK;
    });
}

P2PCDN_API int p2pcdn_planner_set_sources(p2pcdn_planner* planner, const p2pcdn_peerlist* list) {
    return guard([&] {
        auto& p = planner_of(planner);
        p.set_sources(checked(list).list.cdn);
        return P2PCDN_OK;
    });
}

P2PCDN_API int p2pcdn_planner_set_position(p2pcdn_planner* planner, size_t piece,
                                           int64_t now_ms) {
    return guard([&] {
        auto& p = planner_of(planner);
        p.set_position(piece, now_ms);
        return P2PCDN_OK;
    });
}

P2PCDN_API int p2pcdn_planner_next(p2pcdn_planner* planner, int64_t now_ms,
                                   p2pcdn_piece_request* buf, size_t cap, size_t* count) {
    return guard([&] {
        auto& p = planner_of(planner);
        std::size_t& result = out_param(count, "count");
        if (buf == nullptr && cap != 0) {
            fail(errc::invalid, "buf is NULL with cap {}", cap);
        }
        std::size_t filled = 0;
        p.next(now_ms, cap, [&](const p2pcdn::ue::plan_request& r) {
            p2pcdn_piece_request& out = buf[filled++];
            std::memset(&out, 0, sizeof out);
            out.piece = r.piece;
            if (r.source == p2pcdn::ue::plan_source::cdn) {
                out.source = P2PCDN_SOURCE_CDN;
                out.cdn_index = r.cdn_index;
            } else {
                out.source = P2PCDN_SOURCE_PEER;
                std::memcpy(out.peer_key, r.peer_key.data(), r.peer_key.size());
                out.peer_key_len = r.peer_key.size();
            }
        });
        result = filled;
        return P2PCDN_OK;
    });
}

P2PCDN_API int p2pcdn_planner_done(p2pcdn_planner* planner, size_t piece, int outcome) {
    return guard([&] {
        auto& p = planner_of(planner);
        p.done(piece, outcome_input(outcome));
        return P2PCDN_OK;
    });
}

P2PCDN_API int p2pcdn_planner_set_cdn_limit(p2pcdn_planner* planner, uint32_t max_cdn_in_flight) {
    return guard([&] {
        planner_of(planner).set_cdn_limit(max_cdn_in_flight);
        return P2PCDN_OK;
    });
}

P2PCDN_API int p2pcdn_planner_in_flight(const p2pcdn_planner* planner, size_t* cdn,
                                        size_t* peers) {
    return guard([&] {
        const auto& p = *checked(planner).impl;
        if (cdn != nullptr) {
            *cdn = p.cdn_in_flight();
        }
        if (peers != nullptr) {
            *peers = p.peer_in_flight();
        }
        return P2PCDN_OK;
    });
}

}  // extern "C"
