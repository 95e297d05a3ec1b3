// The tracker's HTTP handlers (tracker_http.h): the C face of swarm/tracker_service.hpp.
#include "capi/allocated_output.hpp"
#include "capi/copies_encoding.hpp"
#include "capi/guard.hpp"
#include "capi/output.hpp"
#include "capi/tracker_handle.hpp"
#include "swarm/tracker_service.hpp"
#include "wire/bt_announce_query.hpp"
#include "wire/stats_subscription_json.hpp"
#include "wire/tracker_reply_json.hpp"

#include <optional>
#include <string>
#include <string_view>

using p2pcdn::errc;
using p2pcdn::fail;
using p2pcdn::capi::checked;
using p2pcdn::capi::guard;
using p2pcdn::capi::hand_out;
using p2pcdn::capi::out_param;

namespace {

std::string_view input(const char* data, std::size_t len, const char* name) {
    p2pcdn::capi::check_input(data, len, name);
    return len == 0 ? std::string_view() : std::string_view(data, len);
}

// The connection's address, when the front-end gave one. A bad one is the front-end's
// mistake (errc::invalid), not the peer's.
std::optional<p2pcdn::ip_address> remote_address(const char* text) {
    if (text == nullptr) {
        return std::nullopt;
    }
    try {
        return p2pcdn::ip_address::parse(text);
    } catch (const p2pcdn::error& e) {
        fail(errc::invalid, "remote_addr: {}", e.what());
    }
}

std::string json_failure(errc code, std::string_view message) {
    return p2pcdn::encode_tracker_error_json(code, message);
}

std::string bencode_failure(errc, std::string_view message) {
    return p2pcdn::encode_bt_failure(message);
}

// Every handler's shape: `serve` makes the answer inside the guard; when it fails, the answer
// is `failure(code, last_error)`. Making that answer touches neither the code nor last_error,
// and if it fails too (out of memory), the caller gets NULL and the request's own code.
template <typename Serve, typename Failure>
int handle(char** answer_out, std::size_t* answer_len, Serve&& serve, Failure&& failure) {
    if (answer_out != nullptr) {
        *answer_out = nullptr;
    }
    if (answer_len != nullptr) {
        *answer_len = 0;
    }
    const int rc = guard([&] {
        out_param(answer_out, "answer_out");
        out_param(answer_len, "answer_len");
        hand_out(serve(), answer_out, answer_len);
        return P2PCDN_OK;
    });
    if (rc != P2PCDN_OK && answer_out != nullptr && answer_len != nullptr) {
        try {
            hand_out(failure(static_cast<errc>(rc), p2pcdn_last_error()), answer_out, answer_len);
        } catch (...) {
            // Out of memory: no answer, as documented.
        }
    }
    return rc;
}

}  // namespace

extern "C" {

P2PCDN_API int p2pcdn_tracker_handle_announce_json(p2pcdn_tracker* tracker, const char* body,
                                                   size_t len, const char* remote_addr,
                                                   char** answer_out, size_t* answer_len) {
    return handle(
        answer_out, answer_len,
        [&] {
            auto& t = *checked(tracker).impl;
            const std::string_view message = input(body, len, "body");
            const auto remote = remote_address(remote_addr);
            return p2pcdn::serve_announce_json(t, message, remote ? &*remote : nullptr);
        },
        json_failure);
}

P2PCDN_API int p2pcdn_tracker_handle_bt_announce(p2pcdn_tracker* tracker, const char* query,
                                                 size_t len, const char* remote_addr,
                                                 char** answer_out, size_t* answer_len) {
    return handle(
        answer_out, answer_len,
        [&] {
            auto& t = *checked(tracker).impl;
            const std::string_view text = input(query, len, "query");
            const auto remote = remote_address(remote_addr);
            return p2pcdn::serve_bt_announce(t, text, remote ? &*remote : nullptr);
        },
        bencode_failure);
}

P2PCDN_API int p2pcdn_tracker_handle_publish_json(p2pcdn_tracker* tracker, const char* body,
                                                  size_t len, char** answer_out,
                                                  size_t* answer_len) {
    return handle(
        answer_out, answer_len,
        [&] {
            auto& t = *checked(tracker).impl;
            return p2pcdn::serve_cdn_publish(t, input(body, len, "body"));
        },
        json_failure);
}

P2PCDN_API int p2pcdn_tracker_handle_withdraw_json(p2pcdn_tracker* tracker, const char* body,
                                                   size_t len, size_t* changed, char** answer_out,
                                                   size_t* answer_len) {
    if (changed != nullptr) {
        *changed = 0;
    }
    return handle(
        answer_out, answer_len,
        [&] {
            auto& t = *checked(tracker).impl;
            return p2pcdn::serve_cdn_withdraw(t, input(body, len, "body"), changed);
        },
        json_failure);
}

P2PCDN_API int p2pcdn_tracker_stats_json(const p2pcdn_tracker* tracker, const char* content_id,
                                         unsigned int encoding, char** out, size_t* len) {
    if (out != nullptr) {
        *out = nullptr;
    }
    if (len != nullptr) {
        *len = 0;
    }
    return guard([&] {
        const auto& t = *checked(tracker).impl;
        const char* id = p2pcdn::capi::required_string(content_id, "content_id");
        const auto how = p2pcdn::capi::copies_encoding_from(encoding);
        auto& text = out_param(out, "out");
        auto& size = out_param(len, "len");
        hand_out(p2pcdn::serve_stats_json(t, id, how), &text, &size);
        return P2PCDN_OK;
    });
}

P2PCDN_API int p2pcdn_tracker_http_status(int code) {
    return p2pcdn::http_status_for(static_cast<errc>(code));
}

P2PCDN_API int p2pcdn_tracker_error_json(int code, const char* message, char** out, size_t* len) {
    if (out != nullptr) {
        *out = nullptr;
    }
    if (len != nullptr) {
        *len = 0;
    }
    return guard([&] {
        const char* text = p2pcdn::capi::required_string(message, "message");
        auto& answer = out_param(out, "out");
        auto& size = out_param(len, "len");
        hand_out(p2pcdn::encode_tracker_error_json(static_cast<errc>(code), text), &answer, &size);
        return P2PCDN_OK;
    });
}

P2PCDN_API int p2pcdn_tracker_parse_subscribe(const char* body, size_t len, char** content_id_out,
                                              char** url_out, int64_t* interval_ms_out) {
    for (char** out : {content_id_out, url_out}) {
        if (out != nullptr) {
            *out = nullptr;
        }
    }
    return guard([&] {
        auto& content = out_param(content_id_out, "content_id_out");
        auto& url = out_param(url_out, "url_out");
        auto& interval = out_param(interval_ms_out, "interval_ms_out");
        const p2pcdn::stats_subscription s =
            p2pcdn::decode_stats_subscription_json(input(body, len, "body"));
        char* id = p2pcdn::capi::allocated_copy(s.content_id);
        try {
            url = p2pcdn::capi::allocated_copy(s.url);
        } catch (...) {
            std::free(id);
            throw;
        }
        content = id;
        interval = s.interval_ms;
        return P2PCDN_OK;
    });
}

}  // extern "C"
