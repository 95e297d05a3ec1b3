// p2pcdn_tracker and p2pcdn_announce: the C face of the tracker registry.
#include "capi/announce_input.hpp"
#include "capi/bitmap_handle.hpp"
#include "capi/guard.hpp"
#include "capi/options.hpp"
#include "capi/output.hpp"
#include "capi/stats_handle.hpp"
#include "capi/tracker_handle.hpp"

#include <atomic>
#include <memory>
#include <string>

using p2pcdn::errc;
using p2pcdn::fail;
using p2pcdn::capi::checked;
using p2pcdn::capi::guard;
using p2pcdn::capi::out_param;
using p2pcdn::capi::required_string;

namespace {

constexpr std::size_t tracker_options_sizes[] = {sizeof(p2pcdn_tracker_options)};
constexpr std::size_t cdn_source_sizes[] = {sizeof(p2pcdn_cdn_source)};
constexpr p2pcdn_cdn_source cdn_source_defaults = P2PCDN_CDN_SOURCE_INIT;
constexpr p2pcdn_tracker_options tracker_options_defaults = P2PCDN_TRACKER_OPTIONS_INIT;

std::string bytes_input(const void* data, std::size_t len, const char* name) {
    p2pcdn::capi::check_input(data, len, name);
    return len == 0 ? std::string() : std::string(static_cast<const char*>(data), len);
}

p2pcdn::tracker_config config_from(const p2pcdn_tracker_options* given) {
    const p2pcdn_tracker_options opts = p2pcdn::capi::read_options(
        given, tracker_options_defaults, tracker_options_sizes, "p2pcdn_tracker_options");
    p2pcdn::tracker_config config;
    if (opts.max_swarms != 0) {
        config.max_swarms = opts.max_swarms;
    }
    if (opts.max_peers_per_swarm != 0) {
        config.max_peers_per_swarm = opts.max_peers_per_swarm;
    }
    if (opts.max_pieces != 0) {
        config.max_pieces = opts.max_pieces;
    }
    config.create_swarms = opts.no_create_swarms == 0;
    if (opts.interval_s != 0) {
        config.interval_s = opts.interval_s;
    }
    if (opts.min_interval_s != 0) {
        config.min_interval_s = opts.min_interval_s;
    }
    if (opts.peer_timeout_ms < 0) {
        fail(errc::invalid, "peer_timeout_ms {} is negative", opts.peer_timeout_ms);
    }
    config.peer_timeout_ms = opts.peer_timeout_ms;
    config.rng_seed = opts.rng_seed;
    if (opts.max_cdn_sources != 0) {
        config.max_cdn_sources = opts.max_cdn_sources;
    }
    if (opts.max_cdn_per_answer != 0) {
        config.max_cdn_per_answer = opts.max_cdn_per_answer;
    }
    if (opts.clock != nullptr) {
        config.clock = [clock = opts.clock, payload = opts.clock_payload] {
            return clock(payload);
        };
    }
    return config;
}

// What a C subscription needs from the moment it is registered: the callback, and its own id
// once known, so a non-zero return can end it.
struct c_subscription {
    p2pcdn_stats_cb callback;
    void* payload;
    p2pcdn::tracker* tracker;
    std::atomic<std::uint64_t> id{0};
    std::atomic<bool> ended{false};
};

}  // namespace

extern "C" {

P2PCDN_API int p2pcdn_announce_init(p2pcdn_announce* announce, unsigned int version) {
    return guard([&] {
        p2pcdn::capi::init_announce(announce, version);
        return P2PCDN_OK;
    });
}

P2PCDN_API int p2pcdn_tracker_options_init(p2pcdn_tracker_options* opts, unsigned int version) {
    return guard([&] {
        p2pcdn::capi::init_options(opts, version, tracker_options_sizes, "p2pcdn_tracker_options");
        return P2PCDN_OK;
    });
}

P2PCDN_API int p2pcdn_tracker_new(p2pcdn_tracker** out, const p2pcdn_tracker_options* opts) {
    return guard([&] {
        auto& result = out_param(out, "out");
        auto impl = std::make_unique<p2pcdn::tracker>(config_from(opts));
        result = p2pcdn::capi::make_handle<p2pcdn_tracker>(std::move(impl));
        return P2PCDN_OK;
    });
}

P2PCDN_API void p2pcdn_tracker_free(p2pcdn_tracker* tracker) {
    p2pcdn::capi::release_handle(tracker);
}

P2PCDN_API int p2pcdn_tracker_add_content(p2pcdn_tracker* tracker, const char* content_id,
                                          size_t piece_count) {
    return guard([&] {
        checked(tracker).impl->add_content(required_string(content_id, "content_id"),
                                           piece_count);
        return P2PCDN_OK;
    });
}

P2PCDN_API int p2pcdn_tracker_remove_content(p2pcdn_tracker* tracker, const char* content_id) {
    return guard([&] {
        const char* id = required_string(content_id, "content_id");
        if (!checked(tracker).impl->remove_content(id)) {
            fail(errc::not_found, "unknown content '{}'", id);
        }
        return P2PCDN_OK;
    });
}

P2PCDN_API int p2pcdn_tracker_content_count(const p2pcdn_tracker* tracker, size_t* out) {
    return guard([&] {
        const auto& t = checked(tracker);
        out_param(out, "out") = t.impl->content_count();
        return P2PCDN_OK;
    });
}

P2PCDN_API int p2pcdn_tracker_announce(p2pcdn_tracker* tracker, const p2pcdn_announce* announce,
                                       p2pcdn_peerlist** out) {
    return guard([&] {
        auto& t = checked(tracker);
        const p2pcdn_announce a = p2pcdn::capi::read_announce(announce);
        const char* content_id = required_string(a.content_id, "content_id");
        const p2pcdn::announce_request request = p2pcdn::capi::announce_request_from(a);
        // Allocated before the announce so that running out of memory cannot lose an answer
        // to an announce already applied.
        p2pcdn_peerlist* answer =
            out != nullptr ? p2pcdn::capi::make_handle<p2pcdn_peerlist>(p2pcdn::peer_list{})
                           : nullptr;
        try {
            p2pcdn::peer_list list = t.impl->announce(content_id, a.piece_count, request);
            if (answer != nullptr) {
                answer->list = std::move(list);
                *out = answer;
            }
        } catch (...) {
            p2pcdn::capi::release_handle(answer);
            throw;
        }
        return P2PCDN_OK;
    });
}

P2PCDN_API int p2pcdn_tracker_leave(p2pcdn_tracker* tracker, const char* content_id,
                                    const void* peer_id, size_t peer_id_len) {
    return guard([&] {
        auto& t = checked(tracker);
        const char* id = required_string(content_id, "content_id");
        if (!t.impl->leave(id, bytes_input(peer_id, peer_id_len, "peer_id"))) {
            fail(errc::not_found, "no such peer in content '{}'", id);
        }
        return P2PCDN_OK;
    });
}

P2PCDN_API int p2pcdn_tracker_expire(p2pcdn_tracker* tracker, size_t* removed) {
    return guard([&] {
        const std::size_t n = checked(tracker).impl->expire();
        if (removed != nullptr) {
            *removed = n;
        }
        return P2PCDN_OK;
    });
}

P2PCDN_API int p2pcdn_tracker_stats(const p2pcdn_tracker* tracker, const char* content_id,
                                    p2pcdn_stats** out) {
    return guard([&] {
        const auto& t = checked(tracker);
        auto& result = out_param(out, "out");
        auto report = t.impl->stats(required_string(content_id, "content_id"));
        result = p2pcdn::capi::make_handle<p2pcdn_stats>(std::move(report));
        return P2PCDN_OK;
    });
}

P2PCDN_API int p2pcdn_cdn_source_init(p2pcdn_cdn_source* source, unsigned int version) {
    return guard([&] {
        p2pcdn::capi::init_options(source, version, cdn_source_sizes, "p2pcdn_cdn_source");
        return P2PCDN_OK;
    });
}

P2PCDN_API int p2pcdn_tracker_publish_cdn(p2pcdn_tracker* tracker, const char* content_id,
                                          const p2pcdn_cdn_source* source) {
    return guard([&] {
        auto& t = checked(tracker);
        const char* id = required_string(content_id, "content_id");
        if (source == nullptr) {
            fail(errc::invalid, "source is NULL");
        }
        const p2pcdn_cdn_source given = p2pcdn::capi::read_options(
            source, cdn_source_defaults, cdn_source_sizes, "p2pcdn_cdn_source");
        if (given.pieces == nullptr) {
            fail(errc::invalid, "source pieces is NULL");
        }
        p2pcdn::cdn_source published;
        published.uri = required_string(given.uri, "source uri");
        published.pieces = checked(given.pieces).bits;
        published.expires_s = given.expires_s;
        published.ranged = given.ranged != 0;
        t.impl->publish_cdn(id, std::move(published));
        return P2PCDN_OK;
    });
}

P2PCDN_API int p2pcdn_tracker_withdraw_cdn(p2pcdn_tracker* tracker, const char* content_id,
                                           const char* uri, const p2pcdn_bitmap* pieces) {
    return guard([&] {
        auto& t = checked(tracker);
        const char* id = required_string(content_id, "content_id");
        const p2pcdn::bitmap* bits = pieces != nullptr ? &checked(pieces).bits : nullptr;
        t.impl->withdraw_cdn(id, uri != nullptr ? uri : "", bits);
        return P2PCDN_OK;
    });
}

P2PCDN_API int p2pcdn_tracker_subscribe(p2pcdn_tracker* tracker, const char* content_id,
                                        int64_t interval_ms, p2pcdn_stats_cb callback,
                                        void* payload, uint64_t* id_out) {
    return guard([&] {
        auto& t = checked(tracker);
        if (callback == nullptr) {
            fail(errc::invalid, "callback is NULL");
        }
        auto sub = std::make_shared<c_subscription>();
        sub->callback = callback;
        sub->payload = payload;
        sub->tracker = t.impl.get();
        // The report is lent to the callback as a p2pcdn_stats handle for the call only.
        auto deliver = [sub](const p2pcdn::stats_report& report) {
            if (sub->ended.load()) {
                return;
            }
            p2pcdn_stats* view = p2pcdn::capi::make_handle<p2pcdn_stats>(report);
            const int rc = sub->callback(view, sub->payload);
            p2pcdn::capi::release_handle(view);
            if (rc != 0 && !sub->ended.exchange(true)) {
                // Before subscribe() has returned the id, ending is left to it.
                if (const std::uint64_t id = sub->id.load(); id != 0) {
                    sub->tracker->unsubscribe(id);
                }
            }
        };
        const std::uint64_t id =
            t.impl->subscribe(content_id != nullptr ? content_id : "", interval_ms, deliver);
        sub->id.store(id);
        if (sub->ended.load()) {
            t.impl->unsubscribe(id);
        }
        if (id_out != nullptr) {
            *id_out = id;
        }
        return P2PCDN_OK;
    });
}

P2PCDN_API int p2pcdn_tracker_unsubscribe(p2pcdn_tracker* tracker, uint64_t id) {
    return guard([&] {
        if (!checked(tracker).impl->unsubscribe(id)) {
            fail(errc::not_found, "no subscription {}", id);
        }
        return P2PCDN_OK;
    });
}

P2PCDN_API int p2pcdn_tracker_step(p2pcdn_tracker* tracker, int64_t* next_ms) {
    return guard([&] {
        const std::int64_t next = checked(tracker).impl->step();
        if (next_ms != nullptr) {
            *next_ms = next;
        }
        return P2PCDN_OK;
    });
}

P2PCDN_API int p2pcdn_tracker_start(p2pcdn_tracker* tracker) {
    return guard([&] {
        checked(tracker).impl->start_thread();
        return P2PCDN_OK;
    });
}

P2PCDN_API int p2pcdn_tracker_stop(p2pcdn_tracker* tracker) {
    return guard([&] {
        checked(tracker).impl->stop_thread();
        return P2PCDN_OK;
    });
}

}  // extern "C"
