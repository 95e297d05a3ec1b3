#include "cdn/request_check.hpp"

#include "core/content_layout.hpp"
#include "wire/uri_template.hpp"

#include <algorithm>

namespace p2pcdn::cdn {
namespace {

bool configured(const client_config& config, driver_kind kind) noexcept {
    switch (kind) {
        case driver_kind::origin: return config.origin.has_value();
        case driver_kind::edge: return config.edge.has_value();
        case driver_kind::cit: return config.cit.has_value();
    }
    return false;
}

void validate_chain(const client_config& config, const std::vector<driver_kind>& chain,
                    const char* which) {
    for (std::size_t i = 0; i < chain.size(); ++i) {
        const driver_kind kind = chain[i];
        const auto value = static_cast<int>(kind);
        if (value < 0 || value > static_cast<int>(driver_kind::cit)) {
            fail(errc::invalid, "{} chain step {} is not a driver kind", which, i);
        }
        if (!configured(config, kind)) {
            fail(errc::invalid, "{} chain step {} names a driver that is not configured", which, i);
        }
        if (std::count(chain.begin(), chain.begin() + static_cast<std::ptrdiff_t>(i), kind) != 0) {
            fail(errc::invalid, "{} chain names a driver twice", which);
        }
    }
}

}  // namespace

void validate_client_config(const client_config& config) {
    try {
        validate_cdn_uri(config.delivery_template);
    } catch (const error& e) {
        fail(errc::invalid, "delivery template: {}", e.what());
    }
    if (config.delivery_template.find("{piece}") == std::string::npos) {
        fail(errc::invalid, "delivery template has no {{piece}} placeholder");
    }
    validate_chain(config, config.ingest_chain, "ingest");
    validate_chain(config, config.purge_chain, "purge");
    if (config.request_timeout_ms < 0 || config.request_timeout_ms > 0x7fffffff) {
        fail(errc::invalid, "request_timeout_ms must be 0 to 2^31-1");
    }
    validate(config.retry);
}

void validate_pieces(const std::string& content_id, const std::vector<std::size_t>& pieces,
                     const css_source* css) {
    content_layout::validate_id(content_id);
    if (pieces.empty()) {
        fail(errc::invalid, "a job needs at least one piece");
    }
    if (pieces.size() > max_job_pieces) {
        fail(errc::invalid, "{} pieces in one job, at most {} allowed", pieces.size(),
             max_job_pieces);
    }
    std::vector<std::size_t> sorted(pieces);
    std::sort(sorted.begin(), sorted.end());
    const auto twice = std::adjacent_find(sorted.begin(), sorted.end());
    if (twice != sorted.end()) {
        fail(errc::invalid, "piece {} is named twice", *twice);
    }
    if (css != nullptr) {
        if (css->layout().id() != content_id) {
            fail(errc::invalid, "the CSS source is for content '{}', not '{}'", css->layout().id(),
                 content_id);
        }
        if (sorted.back() >= css->layout().piece_count()) {
            fail(errc::invalid, "piece {} is past the last of {} pieces", sorted.back(),
                 css->layout().piece_count());
        }
    }
}

void validate_ingest(const ingest_request& req, bool uploads_bytes) {
    validate_pieces(req.content_id, req.pieces, req.css.get());
    if (req.ttl_s < 1 || req.ttl_s > max_ttl_s) {
        fail(errc::invalid, "TTL {} s is not in 1 to {}", req.ttl_s, max_ttl_s);
    }
    if (req.bytes.empty()) {
        if (uploads_bytes && !req.css) {
            fail(errc::invalid, "an ingest that uploads needs the pieces' bytes or a CSS");
        }
        return;
    }
    if (req.bytes.size() != req.pieces.size()) {
        fail(errc::invalid, "{} byte strings for {} pieces", req.bytes.size(), req.pieces.size());
    }
    for (std::size_t i = 0; i < req.bytes.size(); ++i) {
        const std::size_t size = req.bytes[i].size();
        if (size == 0) {
            fail(errc::invalid, "piece {} has no bytes", req.pieces[i]);
        }
        if (req.css) {
            const std::uint32_t expected = req.css->layout().piece_range(req.pieces[i]).length;
            if (size != expected) {
                fail(errc::invalid, "piece {} has {} bytes, its layout says {}", req.pieces[i],
                     size, expected);
            }
        }
    }
}

}  // namespace p2pcdn::cdn
