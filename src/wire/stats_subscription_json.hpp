// A statistics subscription (docs/protocol.md, "Tracker HTTP API", POST /subscribe): a CCS
// asks the tracker daemon to POST the statistics report of one content to its URL every
// interval (TR 23.844 steps 3 and 9, pushed rather than polled):
//   {"v":1,"type":"subscribe","content":"movie-1","interval_ms":30000,
//    "url":"http://ccs.example:8080/stats"}
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace p2pcdn {

// The interval bounds: often enough for a test, rare enough to bound a subscriber's load.
constexpr std::int64_t min_subscription_interval_ms = 100;
constexpr std::int64_t max_subscription_interval_ms = 86'400'000;  // a day

struct stats_subscription {
    std::string content_id;
    std::int64_t interval_ms = 0;
    // An http(s) URL of at most max_cdn_uri_length printable ASCII bytes (the rules of a CDN
    // URI template, uri_template.hpp) without any '{' or '}'.
    std::string url;
};

bool operator==(const stats_subscription& a, const stats_subscription& b) noexcept;

// Throws errc::invalid for a subscription the decoder would reject (an invalid content id or
// URL, an interval out of bounds), so whatever it writes decodes to the same subscription.
std::string encode_stats_subscription_json(const stats_subscription& subscription);

// Throws errc::limit when the text is above max_bytes, errc::parse naming the member and the
// reason otherwise ("interval_ms is 50, below the minimum 100"). Unknown members are ignored;
// "v" must be 1; "type", when present, must be "subscribe".
stats_subscription decode_stats_subscription_json(std::string_view json,
                                                  std::size_t max_bytes = std::size_t{64} << 10);

}  // namespace p2pcdn
