#include "ue/announce_answer.hpp"

#include "core/error.hpp"
#include "wire/peer_list_json.hpp"
#include "wire/tracker_reply_json.hpp"

#include <optional>

namespace p2pcdn::ue {
namespace {

// The tracker's verdicts on the request itself. Its other codes (no memory, internal errors,
// codes of a newer daemon) say nothing the UE can act on, and one of them taken as is would
// read as a local failure (ENOMEM here is not this process running out of memory).
bool is_verdict_on_request(errc code) noexcept {
    switch (code) {
        case errc::invalid:
        case errc::range:
        case errc::parse:
        case errc::not_found:
        case errc::exists:
        case errc::state:
        case errc::limit: return true;
        default: return false;
    }
}

[[noreturn]] void fail_status(const http::response& res, std::string_view where) {
    const std::optional<tracker_error> e = find_tracker_error_json(res.body);
    if (e && is_verdict_on_request(e->code)) {
        fail(e->code, "tracker {} refused the announce ({}): {}", where, res.status, e->message);
    }
    fail_tracker_status(where, res.status, "the announce", e);
}

}  // namespace

peer_list read_announce_answer(const http::response& res, const announce_message& sent,
                               std::string_view where, std::size_t max_bytes) {
    if (res.error != errc::ok) {
        fail(res.error, "announce to the tracker failed: {}", res.message);
    }
    if (res.status < 200 || res.status > 299) {
        fail_status(res, where);
    }
    peer_list_limits limits;
    limits.max_bytes = max_bytes;
    peer_list list;
    try {
        list = decode_peer_list_json(res.body, limits);
    } catch (const error& e) {
        fail(errc::protocol, "tracker {} answered the announce with no peer list: {}", where,
             e.what());
    }
    if (list.content_id != sent.content_id) {
        fail(errc::protocol, "tracker {} answered an announce for '{}' with the peer list of '{}'",
             where, sent.content_id, list.content_id);
    }
    const std::size_t pieces =
        sent.piece_count != 0 ? sent.piece_count : (sent.full ? sent.full->size() : 0);
    if (pieces != 0 && list.piece_count != pieces) {
        fail(errc::protocol, "tracker {} answered with a peer list of {} pieces, not {}", where,
             list.piece_count, pieces);
    }
    return list;
}

}  // namespace p2pcdn::ue
