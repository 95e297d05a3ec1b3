// libcurl result codes as the library's error codes.
#pragma once

#include "core/error.hpp"

#include <curl/curl.h>

namespace p2pcdn::http {

// couldn't resolve / connect, send, receive, reset, partial body -> network;
// operation timed out -> timeout; SSL and certificate errors -> tls; too many redirects,
// unsupported or disallowed protocol, malformed answers -> protocol; file size exceeded ->
// limit; bad URL -> invalid; aborted by callback -> cancelled; out of memory -> no_memory;
// anything else -> error.
errc errc_for(CURLcode code) noexcept;

}  // namespace p2pcdn::http
