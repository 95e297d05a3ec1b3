// p2pcdn_announcer and p2pcdn_announce_to_json: the C face of the UE's HTTP announce
// (src/ue/announcer.hpp).
#include "ue/announcer.hpp"
#include "capi/allocated_output.hpp"
#include "capi/announce_input.hpp"
#include "capi/global_state.hpp"
#include "capi/guard.hpp"
#include "capi/handle.hpp"
#include "capi/http_options.hpp"
#include "capi/options.hpp"
#include "capi/output.hpp"
#include "capi/stats_handle.hpp"
#include "wire/peer_list_limits.hpp"

#include <p2pcdn/p2pcdn.h>

#include <memory>
#include <utility>

struct p2pcdn_announcer {
    static constexpr std::uint32_t type_tag = 0x70326131u;  // "p2a1"
    static constexpr const char* type_name = "p2pcdn_announcer";
    std::uint32_t tag;
    std::unique_ptr<p2pcdn::ue::announcer> impl;
};

using p2pcdn::errc;
using p2pcdn::fail;
using p2pcdn::capi::checked;
using p2pcdn::capi::guard;
using p2pcdn::capi::out_param;

namespace {

constexpr std::size_t announcer_options_sizes[] = {sizeof(p2pcdn_announcer_options)};
constexpr p2pcdn_announcer_options announcer_options_defaults = P2PCDN_ANNOUNCER_OPTIONS_INIT;

// http_config_from reads the members the fetcher's options have. An announcer sends one
// request at a time and follows no redirect (a POST), so it has none of those settings.
struct announcer_http_options : p2pcdn_announcer_options {
    std::int32_t max_redirects = -1;
    std::uint32_t max_per_host = 1;
    std::uint32_t max_parallel = 1;
};

p2pcdn::ue::announcer_config config_from(const p2pcdn_announcer_options* given) {
    constexpr std::int64_t default_timeout_ms = 30000;
    announcer_http_options opts;
    static_cast<p2pcdn_announcer_options&>(opts) = p2pcdn::capi::read_options(
        given, announcer_options_defaults, announcer_options_sizes, "p2pcdn_announcer_options");
    if (opts.tracker_url == nullptr) {
        fail(errc::invalid, "tracker_url is NULL");
    }
    if (opts.timeout_ms == 0) {
        opts.timeout_ms = default_timeout_ms;
    }
    p2pcdn::ue::announcer_config config;
    config.tracker_url = opts.tracker_url;
    config.http = p2pcdn::capi::http_config_from(opts, {1, 1});
    config.http.max_response_bytes = opts.max_response_bytes != 0
                                         ? opts.max_response_bytes
                                         : p2pcdn::peer_list_limits{}.max_bytes;
    return config;
}

}  // namespace

extern "C" {

P2PCDN_API int p2pcdn_announce_to_json(const p2pcdn_announce* announce, char** out, size_t* len) {
    if (out != nullptr) {
        *out = nullptr;
    }
    if (len != nullptr) {
        *len = 0;
    }
    return guard([&] {
        auto& text = out_param(out, "out");
        auto& size = out_param(len, "len");
        const p2pcdn::announce_message m =
            p2pcdn::capi::announce_message_from(p2pcdn::capi::read_announce(announce));
        p2pcdn::capi::hand_out(p2pcdn::encode_announce_json(m), &text, &size);
        return P2PCDN_OK;
    });
}

P2PCDN_API int p2pcdn_announcer_options_init(p2pcdn_announcer_options* opts, unsigned int version) {
    return guard([&] {
        p2pcdn::capi::init_options(opts, version, announcer_options_sizes,
                                   "p2pcdn_announcer_options");
        return P2PCDN_OK;
    });
}

P2PCDN_API int p2pcdn_announcer_new(p2pcdn_announcer** out, const p2pcdn_announcer_options* opts) {
    return guard([&] {
        auto& result = out_param(out, "out");
        if (opts == nullptr) {
            fail(errc::invalid, "options are NULL (tracker_url is required)");
        }
        p2pcdn::capi::require_global_init("p2pcdn_announcer_new");
        auto impl = std::make_unique<p2pcdn::ue::announcer>(config_from(opts));
        result = p2pcdn::capi::make_handle<p2pcdn_announcer>(std::move(impl));
        return P2PCDN_OK;
    });
}

P2PCDN_API void p2pcdn_announcer_free(p2pcdn_announcer* announcer) {
    p2pcdn::capi::release_handle(announcer);
}

P2PCDN_API int p2pcdn_announcer_announce(p2pcdn_announcer* announcer,
                                         const p2pcdn_announce* announce, p2pcdn_peerlist** out) {
    return guard([&] {
        auto& a = checked(announcer);
        auto& result = out_param(out, "out");
        const p2pcdn::announce_message m =
            p2pcdn::capi::announce_message_from(p2pcdn::capi::read_announce(announce));
        // Made before the announce, so that running out of memory cannot lose an answer to an
        // announce the tracker has applied.
        p2pcdn_peerlist* answer = p2pcdn::capi::make_handle<p2pcdn_peerlist>(p2pcdn::peer_list{});
        try {
            answer->list = a.impl->announce(m);
        } catch (...) {
            p2pcdn::capi::release_handle(answer);
            throw;
        }
        result = answer;
        return P2PCDN_OK;
    });
}

}  // extern "C"
