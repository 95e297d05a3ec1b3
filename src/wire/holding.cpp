#include "wire/holding.hpp"

#include "core/bitmap.hpp"
#include "core/content_layout.hpp"
#include "wire/uri_template.hpp"

namespace p2pcdn {
namespace {

void validate_reupload(const holding& h, errc code) {
    if (!h.reuploading()) {
        if (h.reupload_started_at_ms != 0) {
            fail(code, "piece {} has reupload_at {} without a re-upload in flight", h.piece,
                 h.reupload_started_at_ms);
        }
        return;
    }
    if (h.reupload_ttl_ms < 1 || h.reupload_ttl_ms > max_journal_ttl_ms) {
        fail(code, "piece {} reupload_ttl is {}, expected 1 to {}", h.piece, h.reupload_ttl_ms,
             max_journal_ttl_ms);
    }
    if (h.state != holding_state::stored && h.state != holding_state::published &&
        h.state != holding_state::withdrawn) {
        fail(code, "piece {} is {} with a re-upload in flight", h.piece, to_string(h.state));
    }
    if (h.reupload_started_at_ms < 0 || h.reupload_started_at_ms > max_journal_time_ms) {
        fail(code, "piece {} reupload_at is {}, expected 0 to {}", h.piece,
             h.reupload_started_at_ms, max_journal_time_ms);
    }
    // The re-upload extends the object's life, and its latest end is already tracked.
    const std::int64_t until = h.reupload_started_at_ms + h.reupload_ttl_ms;
    if (until <= h.object_expires_at_ms || until > h.object_gone_at_ms) {
        fail(code,
             "piece {} re-upload ends at {}, expected after object_expires {} and at most "
             "object_gone {}",
             h.piece, until, h.object_expires_at_ms, h.object_gone_at_ms);
    }
}

}  // namespace

const char* to_string(holding_state state) noexcept {
    switch (state) {
        case holding_state::ingesting: return "ingesting";
        case holding_state::stored: return "stored";
        case holding_state::published: return "published";
        case holding_state::withdrawn: return "withdrawn";
        case holding_state::purging: return "purging";
    }
    return "unknown";
}

bool operator==(const holding& a, const holding& b) noexcept {
    return a.piece == b.piece && a.state == b.state && a.uri == b.uri && a.bytes == b.bytes &&
           a.ingested_at_ms == b.ingested_at_ms &&
           a.object_expires_at_ms == b.object_expires_at_ms &&
           a.object_gone_at_ms == b.object_gone_at_ms &&
           a.advertised_expires_at_ms == b.advertised_expires_at_ms &&
           a.purge_attempts == b.purge_attempts &&
           a.reupload_started_at_ms == b.reupload_started_at_ms &&
           a.reupload_ttl_ms == b.reupload_ttl_ms;
}

void validate_holding(const holding& h, errc code) {
    if (h.piece >= bitmap::max_bits) {
        fail(code, "piece {} is above the maximum {}", h.piece, bitmap::max_bits - 1);
    }
    if (static_cast<int>(h.state) < 0 || static_cast<std::size_t>(h.state) >= holding_state_count) {
        fail(code, "piece {} has an unknown state {}", h.piece, static_cast<int>(h.state));
    }
    if (h.uri.find_first_of("{}") != std::string::npos) {
        fail(code, "piece {} uri has a '{{' or '}}': a delivery URI is expanded", h.piece);
    }
    try {
        validate_cdn_uri(h.uri);
    } catch (const error& e) {
        fail(code, "piece {} uri: {}", h.piece, e.what());
    }
    if (h.bytes == 0 || h.bytes > content_layout::max_piece_length) {
        fail(code, "piece {} bytes is {}, expected 1 to {}", h.piece, h.bytes,
             content_layout::max_piece_length);
    }
    if (h.ingested_at_ms < 0 || h.ingested_at_ms > max_journal_time_ms) {
        fail(code, "piece {} ingested_at is {}, expected 0 to {}", h.piece, h.ingested_at_ms,
             max_journal_time_ms);
    }
    // Compared before subtracting, so no difference can overflow.
    if (h.object_expires_at_ms <= h.ingested_at_ms ||
        h.object_expires_at_ms > h.ingested_at_ms + max_journal_ttl_ms) {
        fail(code, "piece {} object_expires is {}, expected 1 to {} ms after ingested_at {}",
             h.piece, h.object_expires_at_ms, max_journal_ttl_ms, h.ingested_at_ms);
    }
    const std::int64_t latest_gone = max_journal_time_ms + max_journal_ttl_ms;
    if (h.object_gone_at_ms < h.object_expires_at_ms || h.object_gone_at_ms > latest_gone) {
        fail(code, "piece {} object_gone is {}, expected {} to {}", h.piece, h.object_gone_at_ms,
             h.object_expires_at_ms, latest_gone);
    }
    if (h.state == holding_state::ingesting && h.object_gone_at_ms != h.object_expires_at_ms) {
        fail(code, "piece {} is ingesting with object_gone {}, expected object_expires {}", h.piece,
             h.object_gone_at_ms, h.object_expires_at_ms);
    }
    if (h.state == holding_state::published) {
        if (h.advertised_expires_at_ms < 1 || h.advertised_expires_at_ms > h.object_expires_at_ms) {
            fail(code, "piece {} advertised_expires is {}, expected 1 to object_expires {}",
                 h.piece, h.advertised_expires_at_ms, h.object_expires_at_ms);
        }
    } else if (h.advertised_expires_at_ms != 0) {
        fail(code, "piece {} is {} with advertised_expires {}, expected 0", h.piece,
             to_string(h.state), h.advertised_expires_at_ms);
    }
    if ((h.state == holding_state::purging) != (h.purge_attempts != 0)) {
        fail(code, "piece {} is {} with {} purge attempts", h.piece, to_string(h.state),
             h.purge_attempts);
    }
    validate_reupload(h, code);
}

}  // namespace p2pcdn
