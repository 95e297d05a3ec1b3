// URLs as they may appear in messages and logs: without userinfo (user:password@), query
// (?token=...) or fragment, since those carry credentials and signed-URL tokens.
#pragma once

#include <string>
#include <string_view>

namespace p2pcdn::http {

// "https://user:pw@cdn.example/a/b?sig=x#f" -> "https://cdn.example/a/b?..." . Works on any
// text: a string that is not a URL is cut at its first '?' or '#' as well, and control or
// non-ASCII bytes become '?' so a message stays one line. At most 200 bytes of path are kept.
std::string redact_url(std::string_view url);

}  // namespace p2pcdn::http
