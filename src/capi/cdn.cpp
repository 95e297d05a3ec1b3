// p2pcdn_cdn: the C face of the CDN ingest and purge client (src/cdn/client.hpp).
#include "capi/cdn_handle.hpp"
#include "capi/cdn_options.hpp"
#include "capi/content_handle.hpp"
#include "capi/global_state.hpp"
#include "capi/guard.hpp"
#include "capi/options.hpp"
#include "capi/output.hpp"
#include "capi/versioned_output.hpp"

#include <p2pcdn/p2pcdn.h>

#include <memory>
#include <string>
#include <string_view>
#include <vector>

using p2pcdn::errc;
using p2pcdn::fail;
using p2pcdn::capi::checked;
using p2pcdn::capi::guard;
using p2pcdn::capi::out_param;
using p2pcdn::capi::required_string;
namespace cdn = p2pcdn::cdn;

namespace {

constexpr std::size_t job_info_sizes[] = {sizeof(p2pcdn_cdn_job_info)};
constexpr std::size_t item_result_sizes[] = {sizeof(p2pcdn_cdn_item_result)};
constexpr std::size_t driver_metrics_sizes[] = {sizeof(p2pcdn_cdn_driver_metrics)};

static_assert(P2PCDN_CDN_JOB_MAX_PIECES == cdn::max_job_pieces);
static_assert(P2PCDN_JOB_INGEST == static_cast<int>(cdn::job_kind::ingest));
static_assert(P2PCDN_JOB_PURGE == static_cast<int>(cdn::job_kind::purge));
static_assert(P2PCDN_JOB_PENDING == static_cast<int>(cdn::job_state::pending));
static_assert(P2PCDN_JOB_ACTIVE == static_cast<int>(cdn::job_state::active));
static_assert(P2PCDN_JOB_COMPLETE == static_cast<int>(cdn::job_state::complete));
static_assert(P2PCDN_JOB_PROCESSED == static_cast<int>(cdn::job_state::processed));
static_assert(P2PCDN_JOB_FAILED == static_cast<int>(cdn::job_state::failed));
static_assert(P2PCDN_JOB_CANCELLING == static_cast<int>(cdn::job_state::cancelling));
static_assert(P2PCDN_JOB_CANCELLED == static_cast<int>(cdn::job_state::cancelled));
static_assert(P2PCDN_ITEM_PENDING == static_cast<int>(cdn::item_state::pending));
static_assert(P2PCDN_ITEM_ACTIVE == static_cast<int>(cdn::item_state::active));
static_assert(P2PCDN_ITEM_DONE == static_cast<int>(cdn::item_state::done));
static_assert(P2PCDN_ITEM_FAILED == static_cast<int>(cdn::item_state::failed));
static_assert(P2PCDN_ITEM_CANCELLED == static_cast<int>(cdn::item_state::cancelled));

// How long one round of p2pcdn_cdn_wait lets the client wait for activity before it looks
// again whether a callback freed the client.
constexpr int wait_round_ms = 100;

const cdn::job_status& status_of(const p2pcdn_cdn& c, std::uint64_t job) {
    if (c.in_callback != nullptr && c.in_callback->id == job) {
        return *c.in_callback;
    }
    const cdn::job_status* status = c.impl->status(job);
    if (status == nullptr) {
        fail(errc::not_found, "no job with id {}", job);
    }
    return *status;
}

std::vector<std::size_t> pieces_from(const size_t* pieces, std::size_t count) {
    p2pcdn::capi::check_input(pieces, count, "pieces");
    if (count > P2PCDN_CDN_JOB_MAX_PIECES) {
        fail(errc::range, "{} pieces in one job, at most {}", count, P2PCDN_CDN_JOB_MAX_PIECES);
    }
    return std::vector<std::size_t>(pieces, pieces + count);
}

std::vector<std::string> bytes_from(const void* const* bytes, const size_t* lens,
                                    std::size_t count) {
    p2pcdn::capi::check_input(bytes, count, "bytes");
    p2pcdn::capi::check_input(lens, count, "lens");
    std::vector<std::string> out;
    out.reserve(count);
    for (std::size_t i = 0; i < count; ++i) {
        if (bytes[i] == nullptr && lens[i] != 0) {
            fail(errc::invalid, "bytes[{}] is NULL with length {}", i, lens[i]);
        }
        out.emplace_back(static_cast<const char*>(bytes[i]), lens[i]);
    }
    return out;
}

// The client's callback for a C callback; empty for none. A client freed by an earlier
// callback of the same step calls no more.
cdn::client::job_callback callback_for(p2pcdn_cdn* handle, p2pcdn_cdn_job_cb callback,
                                       void* payload) {
    if (callback == nullptr) {
        return {};
    }
    return [handle, callback, payload](const cdn::job_status& status) {
        if (handle->free_requested) {
            return;
        }
        handle->in_callback = &status;
        callback(handle, status.id, static_cast<int>(status.state), payload);
        handle->in_callback = nullptr;
    };
}

void destroy(p2pcdn_cdn* c) noexcept {
    c->tag = p2pcdn::capi::released_tag;
    delete c;
}

// Ends a driving call: releases the client when a callback freed it. False when it did.
bool settle(p2pcdn_cdn& c) noexcept {
    c.driving = false;
    c.in_callback = nullptr;
    if (c.free_requested) {
        destroy(&c);
        return false;
    }
    return true;
}

// Runs the client (and so the callbacks) through `body`; step and wait from a callback are
// refused. Returns false when a callback freed the client.
template <typename Body>
bool drive(p2pcdn_cdn& c, const char* what, Body&& body) {
    if (c.driving) {
        fail(errc::state, "{} called from a job callback", what);
    }
    c.driving = true;
    try {
        body();
    } catch (...) {
        settle(c);
        throw;
    }
    return settle(c);
}

void report_job(std::uint64_t id, uint64_t* job) {
    if (job != nullptr) {
        *job = id;
    }
}

}  // namespace

extern "C" {

P2PCDN_API int p2pcdn_cdn_job_info_init(p2pcdn_cdn_job_info* info, unsigned int version) {
    return guard([&] {
        p2pcdn::capi::init_options(info, version, job_info_sizes, "p2pcdn_cdn_job_info");
        return P2PCDN_OK;
    });
}

P2PCDN_API int p2pcdn_cdn_item_result_init(p2pcdn_cdn_item_result* result, unsigned int version) {
    return guard([&] {
        p2pcdn::capi::init_options(result, version, item_result_sizes, "p2pcdn_cdn_item_result");
        return P2PCDN_OK;
    });
}

P2PCDN_API int p2pcdn_cdn_driver_metrics_init(p2pcdn_cdn_driver_metrics* metrics,
                                              unsigned int version) {
    return guard([&] {
        p2pcdn::capi::init_options(metrics, version, driver_metrics_sizes,
                                   "p2pcdn_cdn_driver_metrics");
        return P2PCDN_OK;
    });
}

P2PCDN_API int p2pcdn_cdn_new(p2pcdn_cdn** out, const p2pcdn_cdn_options* opts) {
    return guard([&] {
        auto& result = out_param(out, "out");
        p2pcdn::capi::require_global_init("p2pcdn_cdn_new");
        auto impl = std::make_unique<cdn::client>(p2pcdn::capi::cdn_config_from(opts));
        result = p2pcdn::capi::make_handle<p2pcdn_cdn>(std::move(impl), false, false, nullptr);
        return P2PCDN_OK;
    });
}

P2PCDN_API void p2pcdn_cdn_free(p2pcdn_cdn* cdn) {
    if (cdn == nullptr || !p2pcdn::capi::is_live_handle(cdn, p2pcdn_cdn::type_tag)) {
        return;
    }
    if (cdn->driving) {
        // From a callback: step or wait finishes the job once the callback returns.
        if (p2pcdn::capi::unregister_handle(cdn, p2pcdn_cdn::type_tag)) {
            cdn->free_requested = true;
        }
        return;
    }
    p2pcdn::capi::release_handle(cdn);
}

P2PCDN_API int p2pcdn_cdn_ingest(p2pcdn_cdn* cdn, const char* content_id, const size_t* pieces,
                                 size_t count, const void* const* bytes, const size_t* lens,
                                 int64_t ttl_s, p2pcdn_cdn_job_cb callback, void* payload,
                                 uint64_t* job) {
    return guard([&] {
        p2pcdn_cdn& c = checked(cdn);
        cdn::ingest_request req;
        req.content_id = required_string(content_id, "content_id");
        req.pieces = pieces_from(pieces, count);
        req.bytes = bytes_from(bytes, lens, count);
        req.ttl_s = ttl_s;
        report_job(c.impl->submit_ingest(std::move(req), callback_for(&c, callback, payload)), job);
        return P2PCDN_OK;
    });
}

P2PCDN_API int p2pcdn_cdn_ingest_from_css(p2pcdn_cdn* cdn, const p2pcdn_content* content,
                                          const size_t* pieces, size_t count,
                                          const p2pcdn_css_options* css, int64_t ttl_s,
                                          p2pcdn_cdn_job_cb callback, void* payload,
                                          uint64_t* job) {
    return guard([&] {
        p2pcdn_cdn& c = checked(cdn);
        const p2pcdn_content& source = checked(content);
        cdn::ingest_request req;
        req.content_id = source.layout.id();
        req.pieces = pieces_from(pieces, count);
        for (const std::size_t piece : req.pieces) {
            if (piece >= source.layout.piece_count()) {
                fail(errc::range, "piece {} out of range for {} pieces", piece,
                     source.layout.piece_count());
            }
        }
        req.css = std::make_shared<const cdn::css_source>(source.layout, source.hashes,
                                                          p2pcdn::capi::css_config_from(css));
        req.ttl_s = ttl_s;
        report_job(c.impl->submit_ingest(std::move(req), callback_for(&c, callback, payload)), job);
        return P2PCDN_OK;
    });
}

P2PCDN_API int p2pcdn_cdn_purge(p2pcdn_cdn* cdn, const char* content_id, const size_t* pieces,
                                size_t count, p2pcdn_cdn_job_cb callback, void* payload,
                                uint64_t* job) {
    return guard([&] {
        p2pcdn_cdn& c = checked(cdn);
        cdn::purge_request req;
        req.content_id = required_string(content_id, "content_id");
        req.pieces = pieces_from(pieces, count);
        report_job(c.impl->submit_purge(std::move(req), callback_for(&c, callback, payload)), job);
        return P2PCDN_OK;
    });
}

P2PCDN_API int p2pcdn_cdn_step(p2pcdn_cdn* cdn, int timeout_ms, size_t* active) {
    return guard([&] {
        p2pcdn_cdn& c = checked(cdn);
        if (timeout_ms < 0) {
            fail(errc::invalid, "timeout_ms {} is negative", timeout_ms);
        }
        std::size_t left = 0;
        if (!drive(c, "p2pcdn_cdn_step", [&] { left = c.impl->step(timeout_ms); })) {
            left = 0;
        }
        if (active != nullptr) {
            *active = left;
        }
        return P2PCDN_OK;
    });
}

P2PCDN_API int p2pcdn_cdn_wait(p2pcdn_cdn* cdn, uint64_t job, int* state) {
    return guard([&] {
        p2pcdn_cdn& c = checked(cdn);
        cdn::job_state final_state = status_of(c, job).state;
        const bool alive = drive(c, "p2pcdn_cdn_wait", [&] {
            // Round by round rather than client::wait, so a callback that frees the client
            // ends the wait instead of leaving it to run jobs nobody can see any more.
            while (!cdn::is_terminal(final_state) && !c.free_requested) {
                c.impl->step(wait_round_ms);
                final_state = status_of(c, job).state;
            }
        });
        if (!alive && !cdn::is_terminal(final_state)) {
            fail(errc::cancelled, "the client was freed by a callback before job {} ended", job);
        }
        if (state != nullptr) {
            *state = static_cast<int>(final_state);
        }
        return P2PCDN_OK;
    });
}

P2PCDN_API int p2pcdn_cdn_cancel(p2pcdn_cdn* cdn, uint64_t job) {
    return guard([&] {
        p2pcdn_cdn& c = checked(cdn);
        if (!c.impl->cancel(job)) {
            fail(errc::not_found, "no running job with id {}", job);
        }
        return P2PCDN_OK;
    });
}

P2PCDN_API int p2pcdn_cdn_forget(p2pcdn_cdn* cdn, uint64_t job) {
    return guard([&] {
        p2pcdn_cdn& c = checked(cdn);
        if (!cdn::is_terminal(status_of(c, job).state)) {
            fail(errc::state, "job {} has not ended", job);
        }
        // From its own callback too: the callback reads a copy (in_callback), not the job.
        c.impl->forget(job);
        return P2PCDN_OK;
    });
}

P2PCDN_API int p2pcdn_cdn_job_state(const p2pcdn_cdn* cdn, uint64_t job, int* state) {
    return guard([&] {
        const p2pcdn_cdn& c = checked(cdn);
        auto& out = out_param(state, "state");
        out = static_cast<int>(status_of(c, job).state);
        return P2PCDN_OK;
    });
}

P2PCDN_API int p2pcdn_cdn_job_status(const p2pcdn_cdn* cdn, uint64_t job,
                                     p2pcdn_cdn_job_info* info) {
    return guard([&] {
        const p2pcdn_cdn& c = checked(cdn);
        auto& out =
            p2pcdn::capi::versioned_output(info, job_info_sizes, "info", "p2pcdn_cdn_job_info");
        const cdn::job_status& status = status_of(c, job);
        p2pcdn_cdn_job_info full = P2PCDN_CDN_JOB_INFO_INIT;
        full.kind = static_cast<int>(status.kind);
        full.state = static_cast<int>(status.state);
        full.content_id = status.content_id.c_str();
        full.ttl_s = status.ttl_s;
        full.items = status.items.size();
        for (const cdn::job_item& item : status.items) {
            full.done += item.state == cdn::item_state::done ? 1 : 0;
            full.failed += item.state == cdn::item_state::failed ? 1 : 0;
            full.cancelled += item.state == cdn::item_state::cancelled ? 1 : 0;
            full.uncertain += item.uncertain ? 1 : 0;
        }
        full.retries = status.retries;
        full.created_ms = status.created_ms;
        full.finished_ms = status.finished_ms;
        p2pcdn::capi::fill_versioned(out, full, job_info_sizes);
        return P2PCDN_OK;
    });
}

P2PCDN_API int p2pcdn_cdn_job_item_count(const p2pcdn_cdn* cdn, uint64_t job, size_t* count) {
    return guard([&] {
        const p2pcdn_cdn& c = checked(cdn);
        auto& out = out_param(count, "count");
        out = status_of(c, job).items.size();
        return P2PCDN_OK;
    });
}

P2PCDN_API int p2pcdn_cdn_job_item_at(const p2pcdn_cdn* cdn, uint64_t job, size_t i,
                                      p2pcdn_cdn_item_result* result) {
    return guard([&] {
        const p2pcdn_cdn& c = checked(cdn);
        auto& out = p2pcdn::capi::versioned_output(result, item_result_sizes, "result",
                                                   "p2pcdn_cdn_item_result");
        const cdn::job_status& status = status_of(c, job);
        if (i >= status.items.size()) {
            fail(errc::range, "item {} out of range for {} items", i, status.items.size());
        }
        const cdn::job_item& item = status.items[i];
        p2pcdn_cdn_item_result full = P2PCDN_CDN_ITEM_RESULT_INIT;
        full.piece = item.piece;
        full.state = static_cast<int>(item.state);
        full.uri = item.uri.c_str();
        full.http_status = static_cast<int>(item.http_status);
        full.error = static_cast<int>(item.error);
        full.message = item.message.c_str();
        full.driver = item.driver.c_str();
        full.attempts = item.attempts;
        full.uncertain = item.uncertain ? 1 : 0;
        p2pcdn::capi::fill_versioned(out, full, item_result_sizes);
        return P2PCDN_OK;
    });
}

P2PCDN_API int p2pcdn_cdn_metrics(const p2pcdn_cdn* cdn, const char* driver,
                                  p2pcdn_cdn_driver_metrics* metrics) {
    return guard([&] {
        const p2pcdn_cdn& c = checked(cdn);
        const std::string_view name = required_string(driver, "driver");
        auto& out = p2pcdn::capi::versioned_output(metrics, driver_metrics_sizes, "metrics",
                                                   "p2pcdn_cdn_driver_metrics");
        if (name != "css" && name != "origin" && name != "edge" && name != "cit") {
            fail(errc::invalid, "driver '{}' is not one of css, origin, edge, cit", name);
        }
        const cdn::driver_metrics m = c.impl->metrics(name);
        p2pcdn_cdn_driver_metrics full = P2PCDN_CDN_DRIVER_METRICS_INIT;
        full.requests = m.requests;
        full.bytes_sent = m.bytes_sent;
        full.bytes_received = m.bytes_received;
        full.retries = m.retries;
        full.failures = m.failures;
        p2pcdn::capi::fill_versioned(out, full, driver_metrics_sizes);
        return P2PCDN_OK;
    });
}

P2PCDN_API int p2pcdn_cdn_delivery_uri(const p2pcdn_cdn* cdn, const char* content_id, size_t piece,
                                       char* buf, size_t cap, size_t* size) {
    return guard([&] {
        const p2pcdn_cdn& c = checked(cdn);
        const std::string uri =
            c.impl->delivery_uri(required_string(content_id, "content_id"), piece);
        p2pcdn::capi::copy_text_out(uri, buf, cap, size);
        return P2PCDN_OK;
    });
}

}  // extern "C"
