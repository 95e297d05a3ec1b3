#include "http/redact.hpp"

namespace p2pcdn::http {
namespace {

constexpr std::size_t max_kept = 200;

}  // namespace

std::string redact_url(std::string_view url) {
    std::string_view rest = url;
    std::string out;
    // The authority starts after "scheme://"; userinfo is whatever precedes the last '@' in it.
    std::size_t scheme_end = rest.find("://");
    if (scheme_end != std::string_view::npos &&
        rest.find_first_of("/?#") > scheme_end) {  // the "://" belongs to the scheme
        out.append(rest.substr(0, scheme_end + 3));
        rest.remove_prefix(scheme_end + 3);
        std::size_t authority_end = rest.find_first_of("/?#");
        std::string_view authority = rest.substr(0, authority_end);
        std::size_t at = authority.rfind('@');
        if (at != std::string_view::npos) {
            rest.remove_prefix(at + 1);
        }
    }
    bool cut = false;
    std::size_t end = rest.find_first_of("?#");
    if (end != std::string_view::npos) {
        rest = rest.substr(0, end);
        cut = true;
    }
    bool shortened = false;
    if (rest.size() > max_kept) {
        rest = rest.substr(0, max_kept);
        shortened = true;
    }
    for (char c : rest) {
        auto byte = static_cast<unsigned char>(c);
        out += (byte >= 0x21 && byte < 0x7f) ? c : '?';
    }
    if (shortened) {
        out += "...";
    }
    if (cut) {
        out += "?...";
    }
    return out;
}

}  // namespace p2pcdn::http
