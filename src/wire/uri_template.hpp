// CDN source URI templates (docs/protocol.md, "Peer list", "URI templates"): an http or https
// URI whose "{piece}" placeholders become the decimal piece index and whose "{content}"
// placeholders become the percent-encoded content id.
#pragma once

#include "wire/peer_list.hpp"

#include <cstddef>
#include <string>
#include <string_view>

namespace p2pcdn {

constexpr std::size_t max_cdn_uri_length = 2048;

// RFC 3986 percent-encoding: every byte outside the unreserved set (A-Z a-z 0-9 - . _ ~)
// becomes %XX with uppercase hex digits.
std::string percent_encode(std::string_view text);

// Throws errc::invalid with the reason unless `uri` is a usable template: 1 to
// max_cdn_uri_length bytes of printable ASCII (no space, control or non-ASCII byte), scheme
// "http" or "https" (any case) followed by "://" and a non-empty host, and no '{' or '}' other
// than the placeholders "{piece}" and "{content}".
void validate_cdn_uri(std::string_view uri);

// The template with every "{piece}" replaced by the decimal piece index and every "{content}"
// by percent_encode(content_id); other text, braces included, is kept as it is. No checks:
// validate the template with validate_cdn_uri first.
std::string expand_uri_template(std::string_view tmpl, std::string_view content_id,
                                std::size_t piece);

// The URI of `piece` from `source`: the template with its placeholders filled. Throws
// errc::range when source.pieces does not hold `piece`.
std::string expand_cdn_uri(const cdn_source& source, std::string_view content_id,
                           std::size_t piece);

}  // namespace p2pcdn
