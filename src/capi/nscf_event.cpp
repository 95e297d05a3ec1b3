// p2pcdn_nscf_event from the controller's events.
#include "capi/nscf_event.hpp"

#include "capi/bitmap_handle.hpp"
#include "core/piece_ranges.hpp"

#include <memory>
#include <string>

namespace p2pcdn::capi {
namespace {

using nscf::event_kind;

static_assert(P2PCDN_NSCF_EVENT_ROUND == static_cast<int>(event_kind::round));
static_assert(P2PCDN_NSCF_EVENT_POLICY_FAILED == static_cast<int>(event_kind::policy_failed));
static_assert(P2PCDN_NSCF_EVENT_INGEST_STARTED == static_cast<int>(event_kind::ingest_started));
static_assert(P2PCDN_NSCF_EVENT_INGEST_CONFIRMED == static_cast<int>(event_kind::ingest_confirmed));
static_assert(P2PCDN_NSCF_EVENT_INGEST_FAILED == static_cast<int>(event_kind::ingest_failed));
static_assert(P2PCDN_NSCF_EVENT_REUPLOAD_STARTED == static_cast<int>(event_kind::reupload_started));
static_assert(P2PCDN_NSCF_EVENT_REUPLOAD_CONFIRMED ==
              static_cast<int>(event_kind::reupload_confirmed));
static_assert(P2PCDN_NSCF_EVENT_REUPLOAD_FAILED == static_cast<int>(event_kind::reupload_failed));
static_assert(P2PCDN_NSCF_EVENT_PUBLISHED == static_cast<int>(event_kind::published));
static_assert(P2PCDN_NSCF_EVENT_RENEWED == static_cast<int>(event_kind::renewed));
static_assert(P2PCDN_NSCF_EVENT_TRACKER_UPDATED == static_cast<int>(event_kind::tracker_updated));
static_assert(P2PCDN_NSCF_EVENT_WITHDRAWN == static_cast<int>(event_kind::withdrawn));
static_assert(P2PCDN_NSCF_EVENT_PURGE_STARTED == static_cast<int>(event_kind::purge_started));
static_assert(P2PCDN_NSCF_EVENT_PURGED == static_cast<int>(event_kind::purged));
static_assert(P2PCDN_NSCF_EVENT_PURGE_FAILED == static_cast<int>(event_kind::purge_failed));
static_assert(P2PCDN_NSCF_EVENT_EXPIRED == static_cast<int>(event_kind::expired));
static_assert(P2PCDN_NSCF_EVENT_LINK_FAILED == static_cast<int>(event_kind::link_failed));
static_assert(P2PCDN_NSCF_EVENT_RECOVERED == static_cast<int>(event_kind::recovered));
static_assert(P2PCDN_NSCF_EVENT_RECOVERED == nscf::event_kind_last);

struct bitmap_release {
    void operator()(p2pcdn_bitmap* b) const noexcept { release_handle(b); }
};

const char* or_null(const std::string& text) {
    return text.empty() ? nullptr : text.c_str();
}

}  // namespace

nscf::event_fn event_fn_from(p2pcdn_nscf_event_cb callback, void* payload) {
    return [callback, payload](const nscf::controller_event& e) {
        // A registered handle, so that every p2pcdn_bitmap_* call takes it; gone after the call.
        std::unique_ptr<p2pcdn_bitmap, bitmap_release> pieces;
        if (e.pieces.size() != 0 && !e.pieces.none()) {
            pieces.reset(make_handle<p2pcdn_bitmap>(e.pieces));
        }
        const std::string text = pieces ? piece_ranges::format(e.pieces) : std::string();
        p2pcdn_nscf_event out{};
        out.version = P2PCDN_NSCF_EVENT_VERSION;
        out.kind = static_cast<int>(e.kind);
        out.name = nscf::event_name(e.kind);
        out.time_ms = e.time_ms;
        out.pieces = pieces.get();
        out.count = pieces ? e.pieces.count() : 0;
        out.pieces_text = text.c_str();
        out.bytes = e.bytes;
        out.uri = or_null(e.uri);
        out.ttl_s = e.ttl_s;
        out.expires_at_ms = e.expires_at_ms;
        out.seq = e.seq;
        out.min_copies = e.min_copies;
        out.ingest_count = e.ingest;
        out.purge_count = e.purge;
        out.deferred = e.deferred;
        out.held = e.held;
        out.uncertain = e.uncertain ? 1 : 0;
        out.error = static_cast<int>(e.error);
        out.message = or_null(e.message);
        out.operation = or_null(e.operation);
        callback(&out, payload);
    };
}

}  // namespace p2pcdn::capi
