#include "cdn/job.hpp"

namespace p2pcdn::cdn {

const char* to_string(job_kind kind) noexcept {
    switch (kind) {
        case job_kind::ingest: return "ingest";
        case job_kind::purge: return "purge";
    }
    return "unknown";
}

const char* to_string(job_state state) noexcept {
    switch (state) {
        case job_state::pending: return "pending";
        case job_state::active: return "active";
        case job_state::complete: return "complete";
        case job_state::processed: return "processed";
        case job_state::failed: return "failed";
        case job_state::cancelling: return "cancelling";
        case job_state::cancelled: return "cancelled";
    }
    return "unknown";
}

const char* to_string(item_state state) noexcept {
    switch (state) {
        case item_state::pending: return "pending";
        case item_state::active: return "active";
        case item_state::done: return "done";
        case item_state::failed: return "failed";
        case item_state::cancelled: return "cancelled";
    }
    return "unknown";
}

bool is_terminal(job_state state) noexcept {
    return state == job_state::complete || state == job_state::processed ||
           state == job_state::failed || state == job_state::cancelled;
}

bool is_terminal(item_state state) noexcept {
    return state == item_state::done || state == item_state::failed ||
           state == item_state::cancelled;
}

}  // namespace p2pcdn::cdn
