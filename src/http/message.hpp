// An HTTP request and its outcome, as every user of the client sees them.
#pragma once

#include "core/error.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace p2pcdn::http {

using header_list = std::vector<std::pair<std::string, std::string>>;

struct request {
    std::string method = "GET";  // GET, HEAD, PUT, POST, DELETE or any token
    std::string url;
    header_list headers;         // sent as given; "Name: value"
    std::string body;            // sent when non-empty (or always for PUT and POST)
    // Redirects are followed for GET and HEAD only, and only when this is true.
    bool follow_redirects = true;
    std::uint64_t max_response_bytes = 0;  // 0: the client's; larger values are cut to it
    std::int64_t timeout_ms = 0;           // 0: the client's
};

struct response {
    // errc::ok when an HTTP answer arrived, whatever its status; otherwise why not (network,
    // timeout, tls, protocol, limit, ...), with a one-line message free of credentials and
    // query strings.
    errc error = errc::ok;
    std::string message;
    long status = 0;       // of the final answer; 0 when none arrived
    header_list headers;   // of the final answer; names lowercase, values trimmed
    std::string body;
    std::string final_url;          // the URL that gave the final answer (raw: may hold tokens)
    std::vector<std::string> hops;  // the URLs that answered with a redirect, in order
    long redirects = 0;
    // From a Retry-After header of the final answer, in milliseconds from its arrival.
    std::optional<std::int64_t> retry_after_ms;
    // The request's body, handed back untouched, so that a caller can send it again (a retry)
    // without having kept a copy of it.
    std::string request_body;

    // The first header with this lowercase name, or nullptr.
    const std::string* header(std::string_view name) const noexcept {
        for (const auto& h : headers) {
            if (h.first == name) {
                return &h.second;
            }
        }
        return nullptr;
    }
};

}  // namespace p2pcdn::http
