// Statistics report JSON decoding. Input: the JSON text. A report that decodes must encode in
// every copies encoding, and each encoding must decode to the same report.
#include <cstdlib>
#include <string>
#include <string_view>

#include "core/error.hpp"
#include "wire/stats_report.hpp"

using p2pcdn::copies_encoding;
using p2pcdn::stats_report;

namespace {

bool same(const stats_report& a, const stats_report& b) {
    return a.content_id == b.content_id && a.seq == b.seq && a.time_ms == b.time_ms &&
           a.piece_count == b.piece_count && a.user_peers == b.user_peers && a.seeds == b.seeds &&
           a.network_peers == b.network_peers && a.copies == b.copies &&
           a.network_copies == b.network_copies && a.cdn_pieces == b.cdn_pieces;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    p2pcdn::stats_limits limits;
    limits.max_pieces = std::size_t{1} << 16;
    limits.max_json_bytes = std::size_t{1} << 20;
    const std::string_view json(reinterpret_cast<const char*>(data), size);

    stats_report report;
    try {
        report = p2pcdn::decode_stats_json(json, limits);
    } catch (const p2pcdn::error&) {
        return 0;
    }

    // The decoder's promises.
    if (report.copies.size() != report.piece_count || report.seeds > report.user_peers) {
        std::abort();
    }
    if (!report.network_copies.empty() && report.network_copies.size() != report.piece_count) {
        std::abort();
    }
    if (report.cdn_pieces.size() != 0 &&
        (report.cdn_pieces.size() != report.piece_count || !report.cdn_pieces.spare_bits_clear())) {
        std::abort();
    }

    // Every decoded report encodes (the encoder throws on anything the decoder rejects), and
    // comes back unchanged in every encoding.
    for (const auto encoding :
         {copies_encoding::plain, copies_encoding::runs, copies_encoding::automatic}) {
        std::string text;
        stats_report again;
        try {
            text = p2pcdn::encode_stats_json(report, encoding);
            again = p2pcdn::decode_stats_json(text, limits);
        } catch (const p2pcdn::error&) {
            std::abort();
        }
        if (!same(report, again)) {
            std::abort();
        }
        // The encoder's output is canonical: encoding the decoded copy gives the same text.
        if (p2pcdn::encode_stats_json(again, encoding) != text) {
            std::abort();
        }
    }

    const auto summary = p2pcdn::summarize(report);
    const auto rarest = p2pcdn::rarest_pieces(report);
    if (rarest.count() != summary.pieces_at_min || rarest.size() != report.piece_count) {
        std::abort();
    }
    std::size_t total = 0;
    for (const auto& bin : summary.histogram) total += bin.second;
    if (total != report.piece_count) {
        std::abort();
    }
    return 0;
}
