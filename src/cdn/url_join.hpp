// The URLs the drivers put together: the delivery path an edge purge sends to each edge, and
// the trigger status resource a CI/T Location header names relative to the collection.
#pragma once

#include <string>
#include <string_view>

namespace p2pcdn::cdn {

// The path and query of an absolute URL, without its fragment: "/a/b?x=1" for
// "http://h:1/a/b?x=1#f"; "/" when it has no path. Works on the text only; no checks.
std::string path_and_query(std::string_view url);

// The URL without its scheme ("//h/a" for "https://h/a"): RFC 8007 compares content URLs
// ignoring the scheme.
std::string_view without_scheme(std::string_view url) noexcept;

// `reference` (absolute, or relative as a Location header may be) resolved against `base`
// (RFC 3986 section 5). Throws errc::protocol when libcurl cannot parse one of them; the
// message names neither URL's query.
std::string resolve_reference(const std::string& base, const std::string& reference);

}  // namespace p2pcdn::cdn
