#include "wire/stats_report.hpp"

#include <algorithm>
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "core/base64.hpp"
#include "core/content_layout.hpp"
#include "core/error.hpp"
#include "wire/bitfield.hpp"
#include "wire/json_support.hpp"

namespace p2pcdn {
namespace {

using wire_json::as_int64;
using wire_json::as_uint32;
using wire_json::as_uint64;
using wire_json::find;
using wire_json::json_value;
using wire_json::json_writer;
using wire_json::require;
using wire_json::top;
using wire_json::write_key;
using wire_json::write_string;

// ---------------------------------------------------------------------------------------------
// Summary

// Above this spread of values the histogram uses a map instead of a counting array.
constexpr std::uint64_t max_counting_span = std::uint64_t{1} << 16;

// ---------------------------------------------------------------------------------------------
// Encoding

// What the decoder would reject, refused before writing anything, so every encoded report
// decodes (limits aside). errc::invalid: the report is the caller's data, not input.
void check_encodable(const stats_report& r) {
    content_layout::validate_id(r.content_id);
    const std::size_t n = r.piece_count;
    if (n > bitmap::max_bits) {
        fail(errc::invalid, "piece count {} is above the maximum {}", n, bitmap::max_bits);
    }
    if (r.seeds > r.user_peers) {
        fail(errc::invalid, "seeds is {}, above the {} user peers", r.seeds, r.user_peers);
    }
    if (r.copies.size() != n) {
        fail(errc::invalid, "copies has {} entries, expected {}", r.copies.size(), n);
    }
    for (std::size_t i = 0; i < n; ++i) {
        if (r.copies[i] > r.user_peers) {
            fail(errc::invalid, "copies[{}] is {}, above the {} user peers", i, r.copies[i],
                 r.user_peers);
        }
        if (r.copies[i] < r.seeds) {
            fail(errc::invalid, "copies[{}] is {}, below the {} seeds", i, r.copies[i], r.seeds);
        }
    }
    if (!r.network_copies.empty()) {
        if (r.network_copies.size() != n) {
            fail(errc::invalid, "network_copies has {} entries, expected 0 or {}",
                 r.network_copies.size(), n);
        }
        for (std::size_t i = 0; i < n; ++i) {
            if (r.network_copies[i] > r.network_peers) {
                fail(errc::invalid, "network_copies[{}] is {}, above the {} network peers", i,
                     r.network_copies[i], r.network_peers);
            }
        }
    }
    if (r.cdn_pieces.size() != 0 && r.cdn_pieces.size() != n) {
        fail(errc::invalid, "cdn_pieces has {} bits, expected 0 or {}", r.cdn_pieces.size(), n);
    }
}

std::size_t count_runs(const std::vector<std::uint32_t>& values) {
    if (values.empty()) {
        return 0;
    }
    std::size_t runs = 1;
    for (std::size_t i = 1; i < values.size(); ++i) runs += values[i] != values[i - 1] ? 1 : 0;
    return runs;
}

bool use_runs(const std::vector<std::uint32_t>& values, copies_encoding encoding) {
    switch (encoding) {
        case copies_encoding::plain: return false;
        case copies_encoding::runs: return true;
        case copies_encoding::automatic: break;
    }
    // The runs array (two entries per run) is at most half as long as the plain one.
    return !values.empty() && 4 * count_runs(values) <= values.size();
}

// Writes `name` or `name_runs`, always merging equal neighbours into one run.
void write_copies(json_writer& w, std::string_view name, const std::vector<std::uint32_t>& values,
                  copies_encoding encoding) {
    if (!use_runs(values, encoding)) {
        write_key(w, name);
        w.StartArray();
        for (const std::uint32_t v : values) w.Uint(v);
        w.EndArray();
        return;
    }
    write_key(w, std::string(name) + "_runs");
    w.StartArray();
    std::size_t i = 0;
    while (i < values.size()) {
        std::size_t j = i + 1;
        while (j < values.size() && values[j] == values[i]) ++j;
        w.Uint(values[i]);
        w.Uint64(j - i);
        i = j;
    }
    w.EndArray();
}

// ---------------------------------------------------------------------------------------------
// Decoding. Every failure is errc::parse naming the member, except sizes above the limits
// (errc::limit).

// The members the decoder reads; each may appear at most once, so no reader of the same text
// can pick a different one.
constexpr std::string_view known_members[] = {
    "v",
    "type",
    "content",
    "seq",
    "time",
    "pieces",
    "peers",
    "seeds",
    "leechers",
    "network_peers",
    "copies",
    "copies_runs",
    "network_copies",
    "network_copies_runs",
    "cdn",
};

// A top-level member of the report.
std::uint64_t get_uint64(const json_value& root, const char* name) {
    return as_uint64(require(root, top(name)), top(name));
}

std::uint32_t get_uint32(const json_value& root, const char* name) {
    return as_uint32(require(root, top(name)), top(name));
}

// Bounds on one copies array: every value in [min, max]; the words name the bounds in messages.
struct copies_bounds {
    std::uint32_t max;
    const char* max_words;  // "user peers"
    std::uint32_t min;
    const char* min_words;  // "seeds"
};

// Why entry `index` of copies array `name` fails check_value. Out of line, so check_value stays
// small enough to be inlined into the loops that decode every piece.
[[noreturn]] void fail_value(const json_value& v, const char* name, std::size_t index,
                             const copies_bounds& b) {
    if (!v.IsUint64()) {
        fail(errc::parse, "{}[{}] is not an unsigned integer", name, index);
    }
    const std::uint64_t x = v.GetUint64();
    if (x > b.max) {
        fail(errc::parse, "{}[{}] is {}, above the {} {}", name, index, x, b.max, b.max_words);
    }
    fail(errc::parse, "{}[{}] is {}, below the {} {}", name, index, x, b.min, b.min_words);
}

std::uint32_t check_value(const json_value& v, const char* name, std::size_t index,
                          const copies_bounds& b) {
    if (!v.IsUint64() || v.GetUint64() > b.max || v.GetUint64() < b.min) {
        fail_value(v, name, index, b);
    }
    return static_cast<std::uint32_t>(v.GetUint64());
}

std::vector<std::uint32_t> decode_plain(const json_value& v, const char* name, std::size_t pieces,
                                        const copies_bounds& b) {
    wire_json::as_array(v, top(name));
    const std::size_t size = v.Size();
    if (size != pieces) {
        fail(errc::parse, "{} has {} entries, expected {}", name, size, pieces);
    }
    std::vector<std::uint32_t> out;
    out.reserve(pieces);
    for (std::size_t i = 0; i < size; ++i) {
        out.push_back(check_value(v[static_cast<rapidjson::SizeType>(i)], name, i, b));
    }
    return out;
}

std::vector<std::uint32_t> decode_runs(const json_value& v, const char* name, std::size_t pieces,
                                       const copies_bounds& b) {
    wire_json::as_array(v, top(name));
    const std::size_t size = v.Size();
    if (size % 2 != 0) {
        fail(errc::parse, "{} has {} entries, expected value,run pairs", name, size);
    }
    std::vector<std::uint32_t> out;
    out.reserve(pieces);  // bounded by the limits; the runs may not exceed it
    for (std::size_t i = 0; i < size; i += 2) {
        const std::uint32_t value = check_value(v[static_cast<rapidjson::SizeType>(i)], name, i, b);
        const json_value& run = v[static_cast<rapidjson::SizeType>(i + 1)];
        if (!run.IsUint64()) {
            fail(errc::parse, "{}[{}] is not an unsigned integer", name, i + 1);
        }
        const std::uint64_t length = run.GetUint64();
        if (length == 0) {
            fail(errc::parse, "{}[{}] is 0, a run is at least 1", name, i + 1);
        }
        // Compared with what is left before adding, so no sum can wrap.
        const std::size_t left = pieces - out.size();
        if (length > left) {
            fail(errc::parse, "{}[{}] is {}, above the {} pieces left", name, i + 1, length, left);
        }
        out.insert(out.end(), static_cast<std::size_t>(length), value);
    }
    if (out.size() != pieces) {
        fail(errc::parse, "{} covers {} pieces, expected {}", name, out.size(), pieces);
    }
    return out;
}

// "copies" or "copies_runs", exactly one of them unless optional (then neither is allowed).
// Returns false when neither is present.
bool decode_copies(const json_value& root, const char* plain_name, const char* runs_name,
                   std::size_t pieces, const copies_bounds& b, bool optional,
                   std::vector<std::uint32_t>& out) {
    const json_value* plain = find(root, plain_name);
    const json_value* runs = find(root, runs_name);
    if (plain != nullptr && runs != nullptr) {
        fail(errc::parse, "members '{}' and '{}' are both present", plain_name, runs_name);
    }
    if (plain != nullptr) {
        out = decode_plain(*plain, plain_name, pieces, b);
        return true;
    }
    if (runs != nullptr) {
        out = decode_runs(*runs, runs_name, pieces, b);
        return true;
    }
    if (!optional) {
        fail(errc::parse, "member '{}' or '{}' is missing", plain_name, runs_name);
    }
    return false;
}

}  // namespace

stats_summary summarize(const stats_report& report) {
    stats_summary s;
    const auto& c = report.copies;
    if (c.empty()) {
        return s;
    }
    const auto [lo, hi] = std::minmax_element(c.begin(), c.end());
    s.min_copies = *lo;
    s.max_copies = *hi;
    const std::uint64_t span = std::uint64_t{s.max_copies} - s.min_copies + 1;
    if (span <= max_counting_span) {
        std::vector<std::size_t> counts(static_cast<std::size_t>(span));
        for (const std::uint32_t v : c) ++counts[v - s.min_copies];
        for (std::size_t k = 0; k < counts.size(); ++k) {
            if (counts[k] != 0) {
                s.histogram.emplace_back(static_cast<std::uint32_t>(s.min_copies + k), counts[k]);
            }
        }
    } else {
        std::map<std::uint32_t, std::size_t> counts;
        for (const std::uint32_t v : c) ++counts[v];
        s.histogram.assign(counts.begin(), counts.end());
    }
    s.pieces_at_min = s.histogram.front().second;
    const std::size_t above = c.size() - s.pieces_at_min;
    s.distributed_copies =
        s.min_copies + static_cast<double>(above) / static_cast<double>(c.size());
    return s;
}

bitmap rarest_pieces(const stats_report& report) {
    const auto& c = report.copies;
    bitmap out(c.size());
    if (c.empty()) {
        return out;
    }
    const std::uint32_t min = *std::min_element(c.begin(), c.end());
    for (std::size_t i = 0; i < c.size(); ++i) {
        if (c[i] == min) {
            out.set(i);
        }
    }
    return out;
}

std::string encode_stats_json(const stats_report& report, copies_encoding encoding) {
    check_encodable(report);
    const stats_summary summary = summarize(report);

    rapidjson::StringBuffer buffer;
    json_writer w(buffer);
    // Only distributed_copies is a double; three decimals are plenty for a reader.
    w.SetMaxDecimalPlaces(3);
    w.StartObject();
    write_key(w, "v");
    w.Uint(1);
    write_key(w, "type");
    w.String("stats");
    write_key(w, "content");
    write_string(w, report.content_id);
    write_key(w, "seq");
    w.Uint64(report.seq);
    write_key(w, "time");
    w.Int64(report.time_ms);
    write_key(w, "pieces");
    w.Uint64(report.piece_count);
    write_key(w, "peers");
    w.Uint(report.user_peers);
    write_key(w, "seeds");
    w.Uint(report.seeds);
    write_key(w, "leechers");
    w.Uint(report.leechers());
    write_key(w, "network_peers");
    w.Uint(report.network_peers);
    write_copies(w, "copies", report.copies, encoding);
    if (!report.network_copies.empty()) {
        write_copies(w, "network_copies", report.network_copies, encoding);
    }
    if (report.cdn_pieces.size() != 0) {
        const auto raw = bitfield::encode(report.cdn_pieces);
        const std::string text = base64::encode(raw.data(), raw.size());
        write_key(w, "cdn");
        write_string(w, text);
    }
    write_key(w, "min_copies");
    w.Uint(summary.min_copies);
    write_key(w, "distributed_copies");
    w.Double(summary.distributed_copies);
    w.EndObject();
    return std::string(buffer.GetString(), buffer.GetSize());
}

stats_report decode_stats_json(std::string_view json, const stats_limits& limits) {
    if (json.size() > limits.max_json_bytes) {
        fail(errc::limit, "statistics report is {} bytes, above the limit {}", json.size(),
             limits.max_json_bytes);
    }
    rapidjson::Document doc;
    const json_value& root = wire_json::parse_object(doc, json, "statistics report");
    wire_json::check_duplicates(root, known_members, nullptr, 0);
    wire_json::check_version(root, "stats");

    stats_report r;
    r.content_id = std::string(wire_json::content_id(root));
    r.seq = get_uint64(root, "seq");
    r.time_ms = as_int64(require(root, top("time")), top("time"));
    r.piece_count = wire_json::piece_count(root, limits.max_pieces);

    r.user_peers = get_uint32(root, "peers");
    r.seeds = get_uint32(root, "seeds");
    if (r.seeds > r.user_peers) {
        fail(errc::parse, "seeds is {}, above the {} user peers", r.seeds, r.user_peers);
    }
    const std::uint32_t leechers = get_uint32(root, "leechers");
    if (leechers != r.leechers()) {
        fail(errc::parse, "leechers is {}, expected peers - seeds = {}", leechers, r.leechers());
    }
    r.network_peers = get_uint32(root, "network_peers");

    decode_copies(root, "copies", "copies_runs", r.piece_count,
                  copies_bounds{r.user_peers, "user peers", r.seeds, "seeds"}, false, r.copies);
    decode_copies(root, "network_copies", "network_copies_runs", r.piece_count,
                  copies_bounds{r.network_peers, "network peers", 0, ""}, true, r.network_copies);
    if (const json_value* cdn = find(root, "cdn")) {
        r.cdn_pieces = wire_json::decode_pieces(*cdn, r.piece_count, top("cdn"));
    }
    return r;
}

}  // namespace p2pcdn
