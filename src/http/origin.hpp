// The origin (scheme, host, port) of a URL: the unit of the per-host concurrency cap.
#pragma once

#include <string>
#include <string_view>

namespace p2pcdn::http {

// "https://cdn.example:443" for "https://CDN.example/a?b". Throws errc::invalid for a URL
// libcurl cannot parse (the message shows it without userinfo and query).
std::string origin_of(std::string_view url);

}  // namespace p2pcdn::http
