#include "http/base_url.hpp"

#include "core/error.hpp"
#include "http/origin.hpp"
#include "http/redact.hpp"

namespace p2pcdn::http {

std::string checked_base_url(std::string url, const url_policy& policy, std::string_view what) {
    while (!url.empty() && url.back() == '/') {
        url.pop_back();
    }
    origin_of(url);  // errc::invalid for a URL libcurl cannot read
    check_url(policy, url);
    if (url.find_first_of("?#") != std::string::npos) {
        fail(errc::invalid, "{} {} has a query or fragment", what, redact_url(url));
    }
    return url;
}

}  // namespace p2pcdn::http
