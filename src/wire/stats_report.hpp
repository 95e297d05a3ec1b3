// The swarm statistics report (TR 23.844 step 3 and 9): what a tracker tells a CCS about one
// swarm. The data type, its derived figures, and its JSON form (docs/protocol.md, "Statistics
// report").
#pragma once

#include "core/bitmap.hpp"

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace p2pcdn {

struct stats_report {
    std::string content_id;
    std::uint64_t seq = 0;      // per swarm, grows by one with each snapshot
    std::int64_t time_ms = 0;   // Unix time of the snapshot, milliseconds
    std::size_t piece_count = 0;

    // User peers (UEs). Seeds hold every piece; leechers = user_peers - seeds.
    std::uint32_t user_peers = 0;
    std::uint32_t seeds = 0;
    // Network peers (CCSs joined as peers), counted apart: they are storage, not demand.
    std::uint32_t network_peers = 0;

    // copies[i]: how many user peers (seeds included) hold piece i. Size piece_count.
    std::vector<std::uint32_t> copies;
    // network_copies[i]: how many network peers hold piece i. Size piece_count, or empty when
    // no network peer holds anything.
    std::vector<std::uint32_t> network_copies;
    // Pieces the tracker currently advertises from the CDN (the peer-list issue fills it).
    // Size piece_count, or 0 when the tracker advertises none.
    bitmap cdn_pieces;

    std::uint32_t leechers() const noexcept { return user_peers - seeds; }
};

// Figures derived from copies; computed in one pass, never stored in the report.
struct stats_summary {
    std::uint32_t min_copies = 0;      // 0 for a content of no pieces
    std::size_t pieces_at_min = 0;
    std::uint32_t max_copies = 0;
    // libtorrent's definition: min_copies + (pieces with more than min_copies) / piece_count.
    double distributed_copies = 0;
    // (copies, number of pieces with exactly that many), ascending by copies; only values present.
    std::vector<std::pair<std::uint32_t, std::size_t>> histogram;
};

stats_summary summarize(const stats_report& report);
// The pieces at min_copies.
bitmap rarest_pieces(const stats_report& report);

enum class copies_encoding {
    plain,  // "copies": [3,3,2,...]
    runs,   // "copies_runs": [value, run, value, run, ...]: compact when counts repeat
    automatic,  // per array: runs when they are at most half the size of plain
};

// Limits every decoder applies before allocating.
struct stats_limits {
    std::size_t max_json_bytes = std::size_t{64} << 20;
    std::size_t max_pieces = bitmap::max_bits;
};

// Throws errc::invalid for a report the decoder would reject (so whatever it writes decodes).
std::string encode_stats_json(const stats_report& report,
                              copies_encoding encoding = copies_encoding::automatic);
// Throws errc::parse with the member and the reason ("copies has 9 entries, expected 10";
// "copies[4] is 12, above the 11 user peers"; "seeds is 5, above the 4 user peers") and errc::limit
// when a size is above the limits. Unknown members are ignored; "v" must be 1.
stats_report decode_stats_json(std::string_view json, const stats_limits& limits = {});

}  // namespace p2pcdn
