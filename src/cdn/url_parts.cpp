#include "cdn/url_parts.hpp"

#include "cdn/header_fields.hpp"
#include "core/error.hpp"
#include "http/redact.hpp"

#include <algorithm>

namespace p2pcdn::cdn {
namespace {

[[noreturn]] void bad_url(std::string_view url, std::string_view why) {
    fail(errc::invalid, "cannot sign {}: {}", http::redact_url(url), why);
}

bool is_space_or_control(char c) noexcept {
    const auto u = static_cast<unsigned char>(c);
    return u <= 0x20 || u == 0x7f;
}

// The port text after ':' as a number, or 0 when it is not one in 1-65535.
unsigned port_number(std::string_view text) noexcept {
    if (text.empty() || text.size() > 5) {
        return 0;
    }
    unsigned value = 0;
    for (const char c : text) {
        if (c < '0' || c > '9') {
            return 0;
        }
        value = value * 10 + static_cast<unsigned>(c - '0');
    }
    return value <= 65535 ? value : 0;
}

}  // namespace

url_parts split_url(std::string_view url) {
    if (std::any_of(url.begin(), url.end(), is_space_or_control)) {
        bad_url(url, "the URL holds a space or a control byte");
    }
    url_parts out;
    const std::size_t scheme_end = url.find("://");
    if (scheme_end == std::string_view::npos) {
        bad_url(url, "not an absolute URL");
    }
    out.scheme = lowercase(url.substr(0, scheme_end));
    if (out.scheme != "http" && out.scheme != "https") {
        bad_url(url, "the scheme is not http or https");
    }

    std::string_view rest = url.substr(scheme_end + 3);
    const std::size_t authority_end = std::min(rest.find_first_of("/?#"), rest.size());
    const std::string_view authority = rest.substr(0, authority_end);
    rest.remove_prefix(authority_end);
    if (authority.find('@') != std::string_view::npos) {
        bad_url(url, "the URL holds user info");
    }

    // The port separator is the last ':' outside an IPv6 literal's brackets.
    std::size_t host_end = authority.size();
    if (!authority.empty() && authority.front() == '[') {
        const std::size_t close = authority.find(']');
        if (close == std::string_view::npos) {
            bad_url(url, "an IPv6 literal has no closing bracket");
        }
        host_end = close + 1;
        if (host_end < authority.size() && authority[host_end] != ':') {
            bad_url(url, "text follows the IPv6 literal");
        }
    } else {
        host_end = std::min(authority.find(':'), authority.size());
    }
    const std::string_view host = authority.substr(0, host_end);
    if (host.empty() || host == "[]") {
        bad_url(url, "the host is empty");
    }
    out.host = std::string(host);
    if (host_end < authority.size()) {
        const unsigned port = port_number(authority.substr(host_end + 1));
        if (port == 0) {
            bad_url(url, "the port is not a number in 1-65535");
        }
        const unsigned default_port = out.scheme == "https" ? 443 : 80;
        if (port != default_port) {
            out.host += ':' + std::to_string(port);
        }
    }

    rest = rest.substr(0, std::min(rest.find('#'), rest.size()));
    const std::size_t query_start = std::min(rest.find('?'), rest.size());
    out.path = query_start == 0 ? std::string("/") : std::string(rest.substr(0, query_start));
    if (query_start < rest.size()) {
        out.query = std::string(rest.substr(query_start + 1));
    }
    return out;
}

}  // namespace p2pcdn::cdn
