// Settings of one HTTP client (one libcurl multi handle and its connection cache).
#pragma once

#include "http/url_policy.hpp"

#include <cstddef>
#include <cstdint>
#include <string>

namespace p2pcdn::http {

struct client_config {
    // TLS: peers are verified against the system store unless ca_file / ca_path say otherwise.
    // insecure_skip_verify turns off certificate and host name checks (tests only).
    std::string ca_file;  // PEM bundle (CURLOPT_CAINFO)
    std::string ca_path;  // directory of hashed certificates (CURLOPT_CAPATH)
    bool insecure_skip_verify = false;

    // Time limits in milliseconds (0: none) and the low-speed abort: a transfer slower than
    // low_speed_bytes_per_s for low_speed_time_s seconds fails with errc::timeout (0: off).
    std::int64_t connect_timeout_ms = 10000;
    std::int64_t timeout_ms = 0;
    long low_speed_bytes_per_s = 0;
    long low_speed_time_s = 0;

    // Redirects: at most max_redirects hops (0: none followed), to allowed schemes only, and
    // never with credentials or a custom Authorization header to another host or port.
    long max_redirects = 5;
    // Bodies longer than this abort the transfer with errc::limit (requests may lower it).
    std::uint64_t max_response_bytes = std::uint64_t{64} << 20;

    // Concurrency: transfers running at once to one origin (scheme, host, port) and in all;
    // more wait in submission order.
    std::size_t max_per_host = 6;
    std::size_t max_parallel = 32;

    url_policy policy;
    std::string user_agent;  // empty: "p2pcdn/<version>"
    // A proxy URL; empty means none (the http_proxy environment variables are ignored).
    std::string proxy;
};

// Throws errc::invalid with the reason when a setting is out of range.
void validate(const client_config& config);

}  // namespace p2pcdn::http
