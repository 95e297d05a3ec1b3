// p2pcdn_cdn_options and p2pcdn_css_options to the CDN client's C++ settings.
#pragma once

#include "cdn/client.hpp"
#include "cdn/css_source.hpp"

#include <p2pcdn/p2pcdn.h>

namespace p2pcdn::capi {

// Throws errc::invalid for a bad version, a missing delivery template, a NULL array or array
// element, a chain naming an unknown driver or one twice; errc::range for an array above its
// bound. The client itself checks what the settings mean (templates, URLs, chains naming
// drivers that are not configured).
cdn::client_config cdn_config_from(const p2pcdn_cdn_options* given);

// Throws errc::invalid for NULL or bad options; the css_source checks the URLs.
cdn::css_config css_config_from(const p2pcdn_css_options* given);

}  // namespace p2pcdn::capi
