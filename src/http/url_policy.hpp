// Which URLs and addresses the HTTP client may use.
//
// Schemes are checked on the first URL and, through libcurl's redirect protocol list, on every
// redirect. Addresses are checked where the socket is opened (CURLOPT_OPENSOCKETFUNCTION), so
// the rule holds for the address actually connected to: after DNS, after every redirect, and
// for every address libcurl tries. Refusing private addresses is off by default (tests and
// lab CDNs live on loopback); turn it on in deployments that take URIs from trackers they do
// not control, so that a hostile peer list cannot point the host at its own network.
#pragma once

#include "core/ip_address.hpp"

#include <string>
#include <string_view>
#include <vector>

struct sockaddr;

namespace p2pcdn::http {

struct url_policy {
    // Lowercase scheme names; only "http" and "https" are supported.
    std::vector<std::string> schemes{"http", "https"};
    // Refuse loopback, private (RFC 1918, RFC 4193 unique local, 100.64/10 shared), link-local,
    // unspecified, multicast and other non-global special addresses, IPv4-mapped ones included.
    bool refuse_private_addresses = false;
};

// Throws errc::invalid unless every scheme is "http" or "https" and there is at least one.
void validate(const url_policy& policy);

// The lowercase scheme of a URL ("" when it has none).
std::string scheme_of(std::string_view url);

// Throws errc::protocol ("scheme 'ftp' is not allowed") unless the URL's scheme is allowed.
void check_url(const url_policy& policy, std::string_view url);

// Why the address is not a public unicast address ("loopback", "private", "link-local",
// "unspecified", "multicast", "reserved"), or nullptr when it is one.
const char* special_address_kind(const ip_address& address) noexcept;

// The address in a sockaddr_in or sockaddr_in6; false for other families.
bool address_of(const struct sockaddr* sa, ip_address& out) noexcept;

}  // namespace p2pcdn::http
