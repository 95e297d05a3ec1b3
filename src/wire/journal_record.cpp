#include "wire/journal_record.hpp"

#include <fmt/format.h>

#include <charconv>
#include <cmath>
#include <iterator>
#include <limits>
#include <type_traits>
#include <utility>

#include "core/bitmap.hpp"
#include "core/content_layout.hpp"
#include "wire/crc32c.hpp"

namespace p2pcdn {
namespace {

// " crc=" and eight lower-case hex digits end every line.
constexpr std::string_view crc_key = " crc=";
constexpr std::size_t crc_digits = 8;
constexpr std::size_t crc_suffix = crc_key.size() + crc_digits;

constexpr journal_kind all_kinds[] = {
    journal_kind::header,           journal_kind::snapshot,
    journal_kind::totals,           journal_kind::ingest_started,
    journal_kind::ingest_confirmed, journal_kind::ingest_failed,
    journal_kind::published,        journal_kind::renewed,
    journal_kind::withdrawn,        journal_kind::purge_started,
    journal_kind::purge_confirmed,  journal_kind::expired,
    journal_kind::reupload_started, journal_kind::reupload_confirmed,
    journal_kind::reupload_failed,
};

constexpr holding_state all_states[] = {
    holding_state::ingesting, holding_state::stored,  holding_state::published,
    holding_state::withdrawn, holding_state::purging,
};

// Input echoed in a message: at most 64 bytes, anything but printable ASCII as '?', so a
// message stays one readable line whatever the file holds.
std::string printable(std::string_view text) {
    std::string out(text.substr(0, 64));
    for (char& c : out) {
        if (c < 0x20 || c > 0x7e) {
            c = '?';
        }
    }
    return out;
}

// ---------------------------------------------------------------------------------------------
// The fields of each kind, in their order on the line. One list serves the encoder (Io writes)
// and the decoder (Io reads), so the two cannot disagree.

template <typename Io, typename Record>
void visit_fields(Io& io, Record& r) {
    switch (r.kind) {
        case journal_kind::header:
            io.field("version", r.header.version);
            io.field("controller", r.header.controller_id);
            io.field("content", r.header.content_id);
            io.field("pieces", r.header.piece_count);
            return;
        case journal_kind::snapshot:
            io.field("piece", r.snapshot.piece);
            io.field("state", r.snapshot.state);
            io.field("uri", r.snapshot.uri);
            io.field("bytes", r.snapshot.bytes);
            io.field("ingested_at", r.snapshot.ingested_at_ms);
            io.field("object_expires", r.snapshot.object_expires_at_ms);
            io.field("object_gone", r.snapshot.object_gone_at_ms);
            io.field("advertised_expires", r.snapshot.advertised_expires_at_ms);
            io.field("purge_attempts", r.snapshot.purge_attempts);
            io.optional_pair("reupload_at", r.snapshot.reupload_started_at_ms, "reupload_ttl",
                             r.snapshot.reupload_ttl_ms);
            return;
        case journal_kind::totals: io.field("retired_byte_s", r.retired_byte_seconds); return;
        default: break;
    }
    io.field("piece", r.piece);
    io.field("at", r.at_ms);
    switch (r.kind) {
        case journal_kind::ingest_started:
            io.field("uri", r.uri);
            io.field("bytes", r.bytes);
            io.field("ttl", r.ttl_ms);
            return;
        case journal_kind::reupload_started: io.field("ttl", r.ttl_ms); return;
        case journal_kind::ingest_failed:
        case journal_kind::reupload_failed: io.field("uncertain", r.uncertain); return;
        case journal_kind::published:
        case journal_kind::renewed: io.field("expires", r.expires_at_ms); return;
        default: return;
    }
}

// ---------------------------------------------------------------------------------------------
// Encoding

class field_writer {
public:
    explicit field_writer(fmt::memory_buffer& out) : out_(out) {}

    template <typename T>
    void field(const char* key, const T& value) {
        fmt::format_to(std::back_inserter(out_), " {}={}", key, text(value));
    }

    // Both fields, or neither when the second is 0.
    void optional_pair(const char* key1, std::int64_t value1, const char* key2,
                       std::int64_t value2) {
        if (value2 != 0) {
            field(key1, value1);
            field(key2, value2);
        }
    }

private:
    template <typename T>
    static const T& text(const T& value) {
        return value;
    }
    static int text(bool value) { return value ? 1 : 0; }
    static const char* text(holding_state value) { return to_string(value); }

    fmt::memory_buffer& out_;
};

// ---------------------------------------------------------------------------------------------
// Decoding

// How a line's checksum frame reads: whole, or why not.
enum class frame_state { whole, missing, not_hex, mismatch };

struct frame {
    frame_state state = frame_state::missing;
    std::string_view body;  // everything before " crc="
    std::uint32_t stored = 0;
    std::uint32_t computed = 0;
};

frame read_frame(std::string_view line) noexcept {
    frame f;
    if (line.size() < crc_suffix ||
        line.substr(line.size() - crc_suffix, crc_key.size()) != crc_key) {
        return f;
    }
    for (const char c : line.substr(line.size() - crc_digits)) {
        unsigned digit;
        if (c >= '0' && c <= '9') {
            digit = static_cast<unsigned>(c - '0');
        } else if (c >= 'a' && c <= 'f') {
            digit = static_cast<unsigned>(c - 'a' + 10);
        } else {
            f.state = frame_state::not_hex;
            return f;
        }
        f.stored = f.stored << 4 | digit;
    }
    f.body = line.substr(0, line.size() - crc_suffix);
    f.computed = crc32c(f.body);
    f.state = f.stored == f.computed ? frame_state::whole : frame_state::mismatch;
    return f;
}

// The body of a whole line; throws errc::parse otherwise.
std::string_view checked_body(std::string_view line) {
    const frame f = read_frame(line);
    switch (f.state) {
        case frame_state::whole: return f.body;
        case frame_state::missing:
            fail(errc::parse, "field 'crc' is missing at the end of the line");
        case frame_state::not_hex:
            fail(errc::parse, "field 'crc' is not {} lower-case hex digits", crc_digits);
        case frame_state::mismatch: break;
    }
    fail(errc::parse, "field 'crc' is {:08x}, the line's checksum is {:08x}", f.stored, f.computed);
}

// Reads "key=value" tokens, separated by single spaces, in the order visit_fields asks for them.
class field_reader {
public:
    explicit field_reader(std::string_view rest) : rest_(rest) {}

    void field(const char* key, std::string& out) { out = std::string(next(key)); }

    void field(const char* key, bool& out) {
        const std::string_view v = next(key);
        if (v != "0" && v != "1") {
            fail(errc::parse, "field '{}' is '{}', expected 0 or 1", key, printable(v));
        }
        out = v == "1";
    }

    void field(const char* key, holding_state& out) {
        const std::string_view v = next(key);
        for (const holding_state s : all_states) {
            if (v == to_string(s)) {
                out = s;
                return;
            }
        }
        fail(errc::parse, "field '{}' is '{}', not a holding state", key, printable(v));
    }

    void field(const char* key, double& out) {
        const std::string_view v = next(key);
        double value = 0;
        const auto [end, ec] = std::from_chars(v.data(), v.data() + v.size(), value);
        // The encoder's own spelling (fmt's shortest round trip) is the only one accepted, so
        // a decoded record encodes to the same line.
        if (ec != std::errc() || end != v.data() + v.size() || !std::isfinite(value) ||
            std::signbit(value) || fmt::format("{}", value) != v) {
            fail(errc::parse, "field '{}' is not a canonical non-negative number", key);
        }
        out = value;
    }

    // Unsigned decimal, no sign and no leading zero, within the type.
    template <typename T>
    void field(const char* key, T& out) {
        static_assert(std::is_integral_v<T>);
        const std::string_view v = next(key);
        std::uint64_t value = 0;
        const auto [end, ec] = std::from_chars(v.data(), v.data() + v.size(), value);
        if (ec == std::errc::result_out_of_range ||
            (ec == std::errc() &&
             value > static_cast<std::uint64_t>(std::numeric_limits<T>::max()))) {
            fail(errc::parse, "field '{}' is above {}", key, std::numeric_limits<T>::max());
        }
        if (ec != std::errc() || end != v.data() + v.size() || (v.size() > 1 && v[0] == '0')) {
            fail(errc::parse, "field '{}' is not a canonical unsigned integer", key);
        }
        out = static_cast<T>(value);
    }

    // The pair the writer writes only with a non-zero second value: absent at the end of the
    // line, else both, the second non-zero (so a decoded record encodes to the same line).
    void optional_pair(const char* key1, std::int64_t& value1, const char* key2,
                       std::int64_t& value2) {
        if (rest_.empty()) {
            return;
        }
        field(key1, value1);
        field(key2, value2);
        if (value2 == 0) {
            fail(errc::parse, "field '{}' is 0: written only when non-zero", key2);
        }
    }

    void finish() const {
        if (!rest_.empty()) {
            const std::string_view token = rest_.substr(1);  // past the separator
            const std::string_view extra = token.substr(0, token.find('='));
            fail(errc::parse, "field '{}' is not expected here", printable(extra));
        }
    }

private:
    // The value of the next token, which must be "key=value" with a non-empty value.
    std::string_view next(const char* key) {
        const std::string_view k(key);
        if (rest_.empty()) {
            fail(errc::parse, "field '{}' is missing", key);
        }
        if (rest_[0] != ' ') {
            fail(errc::parse, "field '{}' is not separated by one space", key);
        }
        rest_.remove_prefix(1);
        const std::size_t space = rest_.find(' ');
        const std::string_view token = rest_.substr(0, space);
        rest_ = space == std::string_view::npos ? std::string_view() : rest_.substr(space);
        if (token.size() <= k.size() || token.substr(0, k.size()) != k || token[k.size()] != '=') {
            fail(errc::parse, "field '{}' is missing where '{}' is", key,
                 printable(token.substr(0, token.find('='))));
        }
        const std::string_view value = token.substr(k.size() + 1);
        if (value.empty()) {
            fail(errc::parse, "field '{}' is empty", key);
        }
        return value;
    }

    std::string_view rest_;
};

journal_kind parse_kind(std::string_view name) {
    for (const journal_kind k : all_kinds) {
        if (name == to_string(k)) {
            return k;
        }
    }
    fail(errc::parse, "record kind '{}' is unknown", printable(name));
}

// ---------------------------------------------------------------------------------------------
// Validation

void check_time(const char* key, std::int64_t value, errc code) {
    if (value < 0 || value > max_journal_time_ms) {
        fail(code, "field '{}' is {}, expected 0 to {}", key, value, max_journal_time_ms);
    }
}

void check_header(const journal_header& h, errc code) {
    if (h.version < min_journal_format_version || h.version > journal_format_version) {
        fail(code, "field 'version' is {}, expected {} to {}", h.version,
             min_journal_format_version, journal_format_version);
    }
    const auto check_id = [code](const char* key, const std::string& id) {
        try {
            content_layout::validate_id(id);
        } catch (const error& e) {
            fail(code, "field '{}': {}", key, e.what());
        }
    };
    check_id("controller", h.controller_id);
    check_id("content", h.content_id);
    if (h.piece_count == 0 || h.piece_count > bitmap::max_bits) {
        fail(code, "field 'pieces' is {}, expected 1 to {}", h.piece_count, bitmap::max_bits);
    }
}

void check_transition(const journal_record& r, errc code) {
    if (r.piece >= bitmap::max_bits) {
        fail(code, "field 'piece' is {}, above the maximum {}", r.piece, bitmap::max_bits - 1);
    }
    check_time("at", r.at_ms, code);
    switch (r.kind) {
        case journal_kind::ingest_started: {
            if (r.ttl_ms < 1 || r.ttl_ms > max_journal_ttl_ms) {
                fail(code, "field 'ttl' is {}, expected 1 to {}", r.ttl_ms, max_journal_ttl_ms);
            }
            // The URI and byte rules are the holdings' own.
            validate_holding(started_holding(r), code);
            return;
        }
        case journal_kind::reupload_started:
            if (r.ttl_ms < 1 || r.ttl_ms > max_journal_ttl_ms) {
                fail(code, "field 'ttl' is {}, expected 1 to {}", r.ttl_ms, max_journal_ttl_ms);
            }
            return;
        case journal_kind::published:
        case journal_kind::renewed:
            check_time("expires", r.expires_at_ms, code);
            if (r.expires_at_ms <= r.at_ms) {
                fail(code, "field 'expires' is {}, not after 'at' {}", r.expires_at_ms, r.at_ms);
            }
            return;
        default: return;
    }
}

}  // namespace

const char* to_string(journal_kind kind) noexcept {
    switch (kind) {
        case journal_kind::header: return "header";
        case journal_kind::snapshot: return "snapshot";
        case journal_kind::totals: return "totals";
        case journal_kind::ingest_started: return "ingest_started";
        case journal_kind::ingest_confirmed: return "ingest_confirmed";
        case journal_kind::ingest_failed: return "ingest_failed";
        case journal_kind::published: return "published";
        case journal_kind::renewed: return "renewed";
        case journal_kind::withdrawn: return "withdrawn";
        case journal_kind::purge_started: return "purge_started";
        case journal_kind::purge_confirmed: return "purge_confirmed";
        case journal_kind::expired: return "expired";
        case journal_kind::reupload_started: return "reupload_started";
        case journal_kind::reupload_confirmed: return "reupload_confirmed";
        case journal_kind::reupload_failed: return "reupload_failed";
    }
    return "unknown";
}

bool is_transition(journal_kind kind) noexcept {
    return static_cast<int>(kind) >= static_cast<int>(journal_kind::ingest_started) &&
           static_cast<int>(kind) <= static_cast<int>(journal_kind::reupload_failed);
}

bool operator==(const journal_header& a, const journal_header& b) noexcept {
    return a.version == b.version && a.controller_id == b.controller_id &&
           a.content_id == b.content_id && a.piece_count == b.piece_count;
}

bool operator==(const journal_record& a, const journal_record& b) noexcept {
    return a.kind == b.kind && a.header == b.header && a.snapshot == b.snapshot &&
           a.retired_byte_seconds == b.retired_byte_seconds && a.piece == b.piece &&
           a.at_ms == b.at_ms && a.uri == b.uri && a.bytes == b.bytes && a.ttl_ms == b.ttl_ms &&
           a.uncertain == b.uncertain && a.expires_at_ms == b.expires_at_ms;
}

journal_record journal_record::make_header(journal_header header) {
    journal_record r;
    r.kind = journal_kind::header;
    r.header = std::move(header);
    return r;
}

journal_record journal_record::make_snapshot(holding h) {
    journal_record r;
    r.kind = journal_kind::snapshot;
    r.snapshot = std::move(h);
    return r;
}

journal_record journal_record::make_totals(double retired_byte_seconds) {
    journal_record r;
    r.kind = journal_kind::totals;
    r.retired_byte_seconds = retired_byte_seconds;
    return r;
}

namespace {

journal_record transition(journal_kind kind, std::size_t piece, std::int64_t at_ms) {
    journal_record r;
    r.kind = kind;
    r.piece = piece;
    r.at_ms = at_ms;
    return r;
}

}  // namespace

journal_record journal_record::ingest_started(std::size_t piece, std::int64_t at_ms,
                                              std::string uri, std::uint64_t bytes,
                                              std::int64_t ttl_ms) {
    journal_record r = transition(journal_kind::ingest_started, piece, at_ms);
    r.uri = std::move(uri);
    r.bytes = bytes;
    r.ttl_ms = ttl_ms;
    return r;
}

journal_record journal_record::ingest_confirmed(std::size_t piece, std::int64_t at_ms) {
    return transition(journal_kind::ingest_confirmed, piece, at_ms);
}

journal_record journal_record::ingest_failed(std::size_t piece, std::int64_t at_ms,
                                             bool uncertain) {
    journal_record r = transition(journal_kind::ingest_failed, piece, at_ms);
    r.uncertain = uncertain;
    return r;
}

journal_record journal_record::published(std::size_t piece, std::int64_t at_ms,
                                         std::int64_t expires_at_ms) {
    journal_record r = transition(journal_kind::published, piece, at_ms);
    r.expires_at_ms = expires_at_ms;
    return r;
}

journal_record journal_record::renewed(std::size_t piece, std::int64_t at_ms,
                                       std::int64_t expires_at_ms) {
    journal_record r = transition(journal_kind::renewed, piece, at_ms);
    r.expires_at_ms = expires_at_ms;
    return r;
}

journal_record journal_record::withdrawn(std::size_t piece, std::int64_t at_ms) {
    return transition(journal_kind::withdrawn, piece, at_ms);
}

journal_record journal_record::purge_started(std::size_t piece, std::int64_t at_ms) {
    return transition(journal_kind::purge_started, piece, at_ms);
}

journal_record journal_record::purge_confirmed(std::size_t piece, std::int64_t at_ms) {
    return transition(journal_kind::purge_confirmed, piece, at_ms);
}

journal_record journal_record::expired(std::size_t piece, std::int64_t at_ms) {
    return transition(journal_kind::expired, piece, at_ms);
}

journal_record journal_record::reupload_started(std::size_t piece, std::int64_t at_ms,
                                                std::int64_t ttl_ms) {
    journal_record r = transition(journal_kind::reupload_started, piece, at_ms);
    r.ttl_ms = ttl_ms;
    return r;
}

journal_record journal_record::reupload_confirmed(std::size_t piece, std::int64_t at_ms) {
    return transition(journal_kind::reupload_confirmed, piece, at_ms);
}

journal_record journal_record::reupload_failed(std::size_t piece, std::int64_t at_ms,
                                               bool uncertain) {
    journal_record r = transition(journal_kind::reupload_failed, piece, at_ms);
    r.uncertain = uncertain;
    return r;
}

holding started_holding(const journal_record& record) {
    holding h;
    h.piece = record.piece;
    h.state = holding_state::ingesting;
    h.uri = record.uri;
    h.bytes = record.bytes;
    h.ingested_at_ms = record.at_ms;
    h.object_expires_at_ms = h.object_gone_at_ms = record.at_ms + record.ttl_ms;
    return h;
}

void validate_journal_record(const journal_record& record, errc code) {
    switch (record.kind) {
        case journal_kind::header: check_header(record.header, code); return;
        case journal_kind::snapshot: validate_holding(record.snapshot, code); return;
        case journal_kind::totals:
            if (!std::isfinite(record.retired_byte_seconds) ||
                std::signbit(record.retired_byte_seconds)) {
                fail(code, "field 'retired_byte_s' is {}, expected a finite number >= 0",
                     record.retired_byte_seconds);
            }
            return;
        default: break;
    }
    if (!is_transition(record.kind)) {
        fail(code, "record kind {} is unknown", static_cast<int>(record.kind));
    }
    check_transition(record, code);
}

std::string encode_journal_record(const journal_record& record) {
    validate_journal_record(record, errc::invalid);
    fmt::memory_buffer out;
    fmt::format_to(std::back_inserter(out), "{}", to_string(record.kind));
    field_writer writer(out);
    visit_fields(writer, record);
    const std::uint32_t crc = crc32c(std::string_view(out.data(), out.size()));
    fmt::format_to(std::back_inserter(out), "{}{:08x}", crc_key, crc);
    return fmt::to_string(out);
}

journal_record decode_journal_record(std::string_view line) {
    if (line.size() > max_journal_line_bytes) {
        fail(errc::limit, "journal line is {} bytes, above the limit {}", line.size(),
             max_journal_line_bytes);
    }
    const std::string_view body = checked_body(line);
    const std::size_t space = body.find(' ');
    journal_record r;
    r.kind = parse_kind(body.substr(0, space));
    field_reader reader(space == std::string_view::npos ? std::string_view() : body.substr(space));
    visit_fields(reader, r);
    reader.finish();
    validate_journal_record(r, errc::parse);
    return r;
}

bool journal_line_intact(std::string_view line) noexcept {
    return line.size() <= max_journal_line_bytes && read_frame(line).state == frame_state::whole;
}

}  // namespace p2pcdn
