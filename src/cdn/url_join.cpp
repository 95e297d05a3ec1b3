#include "cdn/url_join.hpp"

#include "core/error.hpp"
#include "http/redact.hpp"

#include <curl/curl.h>

#include <memory>

namespace p2pcdn::cdn {
namespace {

struct url_deleter {
    void operator()(CURLU* u) const noexcept { curl_url_cleanup(u); }
};
struct text_deleter {
    void operator()(char* p) const noexcept { curl_free(p); }
};

[[noreturn]] void unresolvable(const std::string& base, const std::string& reference) {
    fail(errc::protocol, "cannot resolve the reference {} against {}", http::redact_url(reference),
         http::redact_url(base));
}

}  // namespace

std::string path_and_query(std::string_view url) {
    std::size_t start = url.find("://");
    start = start == std::string_view::npos ? 0 : start + 3;
    const std::size_t path = url.find_first_of("/?#", start);
    if (path == std::string_view::npos) {
        return "/";
    }
    const std::string_view rest = url.substr(path, url.find('#', path) - path);
    std::string out;
    if (rest.empty() || rest.front() != '/') {
        out += '/';
    }
    out.append(rest);
    return out;
}

std::string_view without_scheme(std::string_view url) noexcept {
    const std::size_t colon = url.find("://");
    return colon == std::string_view::npos ? url : url.substr(colon + 1);
}

std::string resolve_reference(const std::string& base, const std::string& reference) {
    const std::unique_ptr<CURLU, url_deleter> u(curl_url());
    if (!u) {
        throw std::bad_alloc();
    }
    // With a URL already set, setting a relative one resolves it against the first.
    if (curl_url_set(u.get(), CURLUPART_URL, base.c_str(), 0) != CURLUE_OK ||
        curl_url_set(u.get(), CURLUPART_URL, reference.c_str(), 0) != CURLUE_OK) {
        unresolvable(base, reference);
    }
    char* text = nullptr;
    if (curl_url_get(u.get(), CURLUPART_URL, &text, 0) != CURLUE_OK || text == nullptr) {
        unresolvable(base, reference);
    }
    const std::unique_ptr<char, text_deleter> hold(text);
    return std::string(text);
}

}  // namespace p2pcdn::cdn
