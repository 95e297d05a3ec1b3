#include "http/origin.hpp"

#include "core/error.hpp"
#include "http/redact.hpp"

#include <curl/curl.h>

#include <memory>

namespace p2pcdn::http {
namespace {

struct url_deleter {
    void operator()(CURLU* u) const noexcept { curl_url_cleanup(u); }
};

std::string part(CURLU* u, CURLUPart which, unsigned int flags) {
    char* text = nullptr;
    if (curl_url_get(u, which, &text, flags) != CURLUE_OK || text == nullptr) {
        return {};
    }
    std::string result(text);
    curl_free(text);
    return result;
}

}  // namespace

std::string origin_of(std::string_view url) {
    std::unique_ptr<CURLU, url_deleter> u(curl_url());
    if (!u) {
        throw std::bad_alloc();
    }
    std::string text(url);
    if (curl_url_set(u.get(), CURLUPART_URL, text.c_str(), 0) != CURLUE_OK) {
        fail(errc::invalid, "malformed URL '{}'", redact_url(url));
    }
    std::string scheme = part(u.get(), CURLUPART_SCHEME, 0);
    std::string host = part(u.get(), CURLUPART_HOST, 0);
    std::string port = part(u.get(), CURLUPART_PORT, CURLU_DEFAULT_PORT);
    if (host.empty()) {
        fail(errc::invalid, "URL '{}' has no host", redact_url(url));
    }
    for (char& c : host) {
        if (c >= 'A' && c <= 'Z') {
            c = static_cast<char>(c - 'A' + 'a');
        }
    }
    return scheme + "://" + host + ":" + port;
}

}  // namespace p2pcdn::http
