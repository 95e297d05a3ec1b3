// The HTTP settings the network objects' options structs share (p2pcdn_fetcher_options,
// p2pcdn_cdn_options): the same member names with the same meaning, zero meaning the default.
#pragma once

#include "core/error.hpp"
#include "http/config.hpp"

#include <cstddef>
#include <cstdint>

namespace p2pcdn::capi {

// What zero means where objects differ: the concurrency they are built for.
struct http_concurrency_defaults {
    std::size_t max_per_host;
    std::size_t max_parallel;
};

// Throws errc::invalid for a negative timeout.
template <typename Options>
http::client_config http_config_from(const Options& opts, http_concurrency_defaults defaults) {
    constexpr std::int64_t default_connect_timeout_ms = 10000;
    constexpr std::int64_t default_timeout_ms = 300000;
    constexpr long default_low_speed_bytes_per_s = 1;
    constexpr long default_low_speed_time_s = 30;
    constexpr long default_max_redirects = 5;
    if (opts.connect_timeout_ms < 0 || opts.timeout_ms < 0) {
        fail(errc::invalid, "timeouts must not be negative");
    }
    http::client_config http;
    if (opts.ca_file != nullptr) {
        http.ca_file = opts.ca_file;
    }
    if (opts.ca_path != nullptr) {
        http.ca_path = opts.ca_path;
    }
    http.insecure_skip_verify = opts.insecure_skip_verify != 0;
    http.connect_timeout_ms =
        opts.connect_timeout_ms != 0 ? opts.connect_timeout_ms : default_connect_timeout_ms;
    http.timeout_ms = opts.timeout_ms != 0 ? opts.timeout_ms : default_timeout_ms;
    http.low_speed_bytes_per_s = opts.low_speed_bytes_per_s != 0
                                     ? static_cast<long>(opts.low_speed_bytes_per_s)
                                     : default_low_speed_bytes_per_s;
    http.low_speed_time_s = opts.low_speed_time_s != 0 ? static_cast<long>(opts.low_speed_time_s)
                                                       : default_low_speed_time_s;
    http.max_redirects = opts.max_redirects == 0  ? default_max_redirects
                         : opts.max_redirects < 0 ? 0
                                                  : static_cast<long>(opts.max_redirects);
    http.max_per_host = opts.max_per_host != 0 ? opts.max_per_host : defaults.max_per_host;
    http.max_parallel = opts.max_parallel != 0 ? opts.max_parallel : defaults.max_parallel;
    http.policy.refuse_private_addresses = opts.refuse_private_addresses != 0;
    if (opts.user_agent != nullptr) {
        http.user_agent = opts.user_agent;
    }
    return http;
}

}  // namespace p2pcdn::capi
