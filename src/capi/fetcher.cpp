// p2pcdn_fetcher: the C face of the UE-side CDN piece fetcher (src/ue/fetcher.hpp).
#include "capi/content_handle.hpp"
#include "capi/fetcher_handle.hpp"
#include "capi/global_state.hpp"
#include "capi/guard.hpp"
#include "capi/http_options.hpp"
#include "capi/options.hpp"
#include "capi/output.hpp"

#include <p2pcdn/p2pcdn.h>
// A part of p2pcdn.h; included here as well (inside extern "C") until p2pcdn.h includes it.
extern "C" {
#include <p2pcdn/fetcher.h>
}

#include <cstring>
#include <string>

using p2pcdn::errc;
using p2pcdn::fail;
using p2pcdn::capi::checked;
using p2pcdn::capi::guard;
using p2pcdn::capi::out_param;
using p2pcdn::capi::required_string;

namespace {

constexpr std::size_t fetcher_options_sizes[] = {sizeof(p2pcdn_fetcher_options)};
constexpr p2pcdn_fetcher_options fetcher_options_defaults = P2PCDN_FETCHER_OPTIONS_INIT;
constexpr std::size_t fetch_result_sizes[] = {sizeof(p2pcdn_fetch_result)};

static_assert(P2PCDN_FETCH_OK == static_cast<int>(p2pcdn::ue::fetch_status::ok));
static_assert(P2PCDN_FETCH_HASH_MISMATCH ==
              static_cast<int>(p2pcdn::ue::fetch_status::hash_mismatch));
static_assert(P2PCDN_FETCH_GONE == static_cast<int>(p2pcdn::ue::fetch_status::gone));
static_assert(P2PCDN_FETCH_RETRY_LATER == static_cast<int>(p2pcdn::ue::fetch_status::retry_later));
static_assert(P2PCDN_FETCH_FATAL == static_cast<int>(p2pcdn::ue::fetch_status::fatal));

// What zero means for the fetcher's concurrency.
constexpr p2pcdn::capi::http_concurrency_defaults fetcher_concurrency{4, 16};

p2pcdn::ue::fetcher_config config_from(const p2pcdn_fetcher_options* given) {
    const p2pcdn_fetcher_options opts = p2pcdn::capi::read_options(
        given, fetcher_options_defaults, fetcher_options_sizes, "p2pcdn_fetcher_options");
    p2pcdn::ue::fetcher_config config;
    config.http = p2pcdn::capi::http_config_from(opts, fetcher_concurrency);
    p2pcdn::http::client_config& http = config.http;
    config.max_response_bytes = opts.max_response_bytes;
    if (opts.max_response_bytes > http.max_response_bytes) {
        http.max_response_bytes = opts.max_response_bytes;
    }
    return config;
}

// Fills the fields `out->version` has; the strings are borrowed from url and message.
void fill_result(p2pcdn_fetch_result* out, const p2pcdn::ue::fetch_result& r,
                 const std::string& url, const std::string& message) {
    p2pcdn_fetch_result full = P2PCDN_FETCH_RESULT_INIT;
    full.piece = r.piece;
    full.status = static_cast<int>(r.status);
    full.error = static_cast<int>(r.error);
    full.http_status = static_cast<int>(r.http_status);
    full.retry_after_ms = r.retry_after_ms;
    full.redirects = static_cast<std::uint32_t>(r.redirects);
    full.bytes = r.bytes;
    full.final_url = url.c_str();
    full.message = message.c_str();
    const unsigned int version = out->version;
    std::memcpy(out, &full, fetch_result_sizes[version - 1]);
    out->version = version;
}

p2pcdn_fetch_result& checked_result(p2pcdn_fetch_result* result) {
    auto& r = out_param(result, "result");
    if (r.version == 0 || r.version > std::size(fetch_result_sizes)) {
        fail(errc::invalid, "p2pcdn_fetch_result version {} is not supported (1 to {})",
             r.version, std::size(fetch_result_sizes));
    }
    return r;
}

std::uint32_t piece_length_of(const p2pcdn_fetcher& f, std::size_t piece) {
    const p2pcdn::content_layout& layout = f.impl->layout();
    if (piece >= layout.piece_count()) {
        fail(errc::range, "piece {} out of range for {} pieces", piece, layout.piece_count());
    }
    return layout.piece_range(piece).length;
}

void destroy(p2pcdn_fetcher* f) noexcept {
    f->tag = p2pcdn::capi::released_tag;
    delete f;
}

}  // namespace

extern "C" {

P2PCDN_API int p2pcdn_fetcher_options_init(p2pcdn_fetcher_options* opts, unsigned int version) {
    return guard([&] {
        p2pcdn::capi::init_options(opts, version, fetcher_options_sizes, "p2pcdn_fetcher_options");
        return P2PCDN_OK;
    });
}

P2PCDN_API int p2pcdn_fetch_result_init(p2pcdn_fetch_result* result, unsigned int version) {
    return guard([&] {
        p2pcdn::capi::init_options(result, version, fetch_result_sizes, "p2pcdn_fetch_result");
        return P2PCDN_OK;
    });
}

P2PCDN_API int p2pcdn_fetcher_new(p2pcdn_fetcher** out, const p2pcdn_content* content,
                                  const p2pcdn_fetcher_options* opts) {
    return guard([&] {
        auto& result = out_param(out, "out");
        const p2pcdn_content& c = checked(content);
        p2pcdn::capi::require_global_init("p2pcdn_fetcher_new");
        auto impl = std::make_unique<p2pcdn::ue::fetcher>(c.layout, c.hashes, config_from(opts));
        result = p2pcdn::capi::make_handle<p2pcdn_fetcher>(std::move(impl), std::string(),
                                                           std::string(), false, false);
        return P2PCDN_OK;
    });
}

P2PCDN_API void p2pcdn_fetcher_free(p2pcdn_fetcher* fetcher) {
    if (fetcher == nullptr || !p2pcdn::capi::is_live_handle(fetcher, p2pcdn_fetcher::type_tag)) {
        return;
    }
    if (fetcher->in_step) {
        // From a callback: step finishes the job once the callback returns.
        if (p2pcdn::capi::unregister_handle(fetcher, p2pcdn_fetcher::type_tag)) {
            fetcher->free_requested = true;
        }
        return;
    }
    p2pcdn::capi::release_handle(fetcher);
}

P2PCDN_API int p2pcdn_fetcher_get(p2pcdn_fetcher* fetcher, size_t piece, const char* uri,
                                  int ranged, void* buf, size_t cap, size_t* size,
                                  p2pcdn_fetch_result* result) {
    return guard([&] {
        p2pcdn_fetcher& f = checked(fetcher);
        const std::string target = required_string(uri, "uri");
        auto& size_out = out_param(size, "size");
        p2pcdn_fetch_result& result_out = checked_result(result);
        const std::uint32_t length = piece_length_of(f, piece);
        size_out = length;
        if (buf == nullptr) {
            return P2PCDN_OK;
        }
        if (cap < length) {
            fail(errc::buffer_too_small, "buffer holds {} bytes, {} needed", cap, length);
        }
        p2pcdn::ue::fetch_result r = f.impl->get(piece, target, ranged != 0);
        f.last_url = std::move(r.final_url);
        f.last_message = std::move(r.message);
        fill_result(&result_out, r, f.last_url, f.last_message);
        if (r.status == p2pcdn::ue::fetch_status::ok) {
            std::memcpy(buf, r.data.data(), r.data.size());
        }
        return P2PCDN_OK;
    });
}

P2PCDN_API int p2pcdn_fetcher_submit(p2pcdn_fetcher* fetcher, size_t piece, const char* uri,
                                     int ranged, p2pcdn_fetch_cb callback, void* payload,
                                     uint64_t* id) {
    return guard([&] {
        p2pcdn_fetcher& f = checked(fetcher);
        std::string target = required_string(uri, "uri");
        if (callback == nullptr) {
            fail(errc::invalid, "callback is NULL");
        }
        p2pcdn_fetcher* handle = &f;
        const std::uint64_t made = f.impl->submit(
            piece, std::move(target), ranged != 0,
            [handle, callback, payload](p2pcdn::ue::fetch_result& r) {
                if (handle->free_requested) {
                    return;  // freed by an earlier callback of this step
                }
                p2pcdn_fetch_result out = P2PCDN_FETCH_RESULT_INIT;
                fill_result(&out, r, r.final_url, r.message);
                const bool ok = r.status == p2pcdn::ue::fetch_status::ok;
                callback(handle, r.id, &out, ok ? r.data.data() : nullptr,
                         ok ? r.data.size() : 0, payload);
            });
        if (id != nullptr) {
            *id = made;
        }
        return P2PCDN_OK;
    });
}

P2PCDN_API int p2pcdn_fetcher_step(p2pcdn_fetcher* fetcher, int timeout_ms, size_t* running) {
    return guard([&] {
        p2pcdn_fetcher& f = checked(fetcher);
        if (timeout_ms < 0) {
            fail(errc::invalid, "timeout_ms {} is negative", timeout_ms);
        }
        if (f.in_step) {
            fail(errc::state, "p2pcdn_fetcher_step called from a fetch callback");
        }
        f.in_step = true;
        std::size_t left = 0;
        try {
            left = f.impl->step(timeout_ms);
        } catch (...) {
            f.in_step = false;
            if (f.free_requested) {
                destroy(&f);
            }
            throw;
        }
        f.in_step = false;
        if (f.free_requested) {
            destroy(&f);
            left = 0;
        }
        if (running != nullptr) {
            *running = left;
        }
        return P2PCDN_OK;
    });
}

P2PCDN_API int p2pcdn_fetcher_cancel(p2pcdn_fetcher* fetcher, uint64_t id) {
    return guard([&] {
        p2pcdn_fetcher& f = checked(fetcher);
        if (!f.impl->cancel(id)) {
            fail(errc::not_found, "no pending fetch with id {}", id);
        }
        return P2PCDN_OK;
    });
}

}  // extern "C"
