// Delivering the controller's events to its host (controller_event.hpp).
#include "nscf/controller_state.hpp"

#include <utility>

namespace p2pcdn::nscf {

const char* event_name(event_kind kind) noexcept {
    switch (kind) {
        case event_kind::round: return "round";
        case event_kind::policy_failed: return "policy_failed";
        case event_kind::ingest_started: return "ingest_started";
        case event_kind::ingest_confirmed: return "ingest_confirmed";
        case event_kind::ingest_failed: return "ingest_failed";
        case event_kind::reupload_started: return "reupload_started";
        case event_kind::reupload_confirmed: return "reupload_confirmed";
        case event_kind::reupload_failed: return "reupload_failed";
        case event_kind::published: return "published";
        case event_kind::renewed: return "renewed";
        case event_kind::tracker_updated: return "tracker_updated";
        case event_kind::withdrawn: return "withdrawn";
        case event_kind::purge_started: return "purge_started";
        case event_kind::purged: return "purged";
        case event_kind::purge_failed: return "purge_failed";
        case event_kind::expired: return "expired";
        case event_kind::link_failed: return "link_failed";
        case event_kind::recovered: return "recovered";
    }
    return "unknown";
}

void controller::impl::emit(controller_event e) {
    if (!cfg.on_event) {
        return;
    }
    if (holding_events) {
        held_events.push_back(std::move(e));
        return;
    }
    try {
        cfg.on_event(e);
    } catch (...) {
        // A host's logging failure must not change what the controller does.
    }
}

void controller::impl::release_events() {
    holding_events = false;
    std::vector<controller_event> held;
    held.swap(held_events);
    for (controller_event& e : held) {
        emit(std::move(e));
    }
}

void controller::impl::emit_pieces(event_kind kind, const std::vector<std::size_t>& pieces,
                                   std::int64_t now_ms, controller_event e) {
    if (pieces.empty() || !cfg.on_event) {
        return;
    }
    e.kind = kind;
    e.time_ms = now_ms;
    e.pieces = bitmap(piece_count());
    e.bytes = 0;
    for (const std::size_t piece : pieces) {
        e.pieces.set(piece);
        e.bytes += layout.piece_range(piece).length;  // what a holding of it has, held or not
    }
    emit(std::move(e));
}

void controller::impl::emit_link_failed(const char* operation, const std::exception& failure,
                                        std::int64_t now_ms) {
    controller_event e;
    e.kind = event_kind::link_failed;
    e.time_ms = now_ms;
    e.operation = operation;
    e.error = error_code_of(failure);
    e.message = failure.what();
    emit(std::move(e));
}

errc error_code_of(const std::exception& failure) noexcept {
    const auto* known = dynamic_cast<const error*>(&failure);
    return known != nullptr ? known->code() : errc::error;
}

}  // namespace p2pcdn::nscf
