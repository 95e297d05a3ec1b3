// What a CDN piece fetch came to, as the fetcher reports it.
#pragma once

#include "core/error.hpp"

#include <cstddef>
#include <cstdint>
#include <string>

namespace p2pcdn::ue {

// The values equal the public P2PCDN_FETCH_* constants.
enum class fetch_status : int {
    ok = 0,             // the piece arrived and matches its hash
    hash_mismatch = 1,  // bytes arrived but are not the piece; they were dropped
    gone = 2,           // 404 or 410: this source does not have the piece (remembered)
    retry_later = 3,    // 429, 503, other 5xx, 408, timeouts, connection failures
    fatal = 4,          // other 4xx, TLS failure, redirect or URL policy, size limit, bad answer
};

const char* to_string(fetch_status status) noexcept;

struct fetch_result {
    std::uint64_t id = 0;  // the submit() id; 0 for get()
    std::size_t piece = 0;
    fetch_status status = fetch_status::fatal;
    // errc::ok for ok; hash_mismatch; not_found for gone; for the others the cause: http
    // (a status), network, timeout, tls, protocol, limit, ...
    errc error = errc::ok;
    std::string message;  // one line; URLs without userinfo or query
    long http_status = 0;  // of the final answer; 0 when none arrived (or gone remembered)
    // retry_later only: what the server's Retry-After asked for, in ms; -1 when it said nothing.
    std::int64_t retry_after_ms = -1;
    std::string final_url;  // where the final answer came from (after redirects); raw
    long redirects = 0;
    std::uint64_t bytes = 0;  // body bytes received in the final answer
    std::string data;         // the piece when status is ok; empty otherwise
};

}  // namespace p2pcdn::ue
