// The checks the CDN client makes before it queues a job or accepts a configuration, so that a
// bad request or setting throws at once and changes nothing.
#pragma once

#include "cdn/client.hpp"

namespace p2pcdn::cdn {

// The longest TTL an ingest may ask for: ten years.
constexpr std::int64_t max_ttl_s = std::int64_t{10} * 365 * 24 * 3600;

// Throws errc::invalid for a delivery template that is not a CDN URI template with {piece}, a
// chain naming a driver twice or one not configured, or a request timeout out of range.
void validate_client_config(const client_config& config);

// Throws errc::invalid for a bad content id, no pieces, more than max_job_pieces, a piece
// named twice, or (with a CSS) a piece past its last or a CSS made for another content.
void validate_pieces(const std::string& content_id, const std::vector<std::size_t>& pieces,
                     const css_source* css);

// The ingest checks on top of validate_pieces: a TTL from 1 to max_ttl_s, and, when the chain
// uploads bytes, either bytes (one non-empty string per piece, of the piece's length when a
// CSS gives the layout) or a CSS.
void validate_ingest(const ingest_request& req, bool uploads_bytes);

}  // namespace p2pcdn::cdn
