// The pieces of an absolute http or https URL that a request signer needs.
#pragma once

#include <string>
#include <string_view>

namespace p2pcdn::cdn {

struct url_parts {
    std::string scheme;  // "http" or "https", lowercase
    // The Host header value: the host as written, with ":port" unless the port is the
    // scheme's default. IPv6 literals keep their brackets.
    std::string host;
    std::string path;   // as written, "/" when the URL has none
    std::string query;  // as written, without the '?'; the fragment is dropped
};

// Throws errc::invalid, naming the URL without its query or credentials, unless the URL is
// "http(s)://host[:port][/path][?query][#fragment]" with a non-empty host, a port in 1-65535,
// no user info, and no space or control byte anywhere.
url_parts split_url(std::string_view url);

}  // namespace p2pcdn::cdn
