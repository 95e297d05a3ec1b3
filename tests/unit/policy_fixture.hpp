// Inputs for the policy tests: a content layout, a statistics snapshot and holdings, built from
// the copies of each piece.
#pragma once

#include "core/content_layout.hpp"
#include "policy/policy.hpp"
#include "wire/stats_report.hpp"

#include <cstdint>
#include <utility>
#include <vector>

namespace p2pcdn::test {

constexpr std::int64_t policy_t0 = 1'700'000'000'000;  // Unix ms
constexpr std::uint32_t policy_piece_length = 1000;
constexpr std::int64_t an_hour_ms = 3'600'000;

struct policy_case {
    content_layout layout;
    stats_report stats;
    std::vector<policy::holding> holdings;
    std::int64_t now_ms = policy_t0;

    policy::input input() const { return {stats, holdings, layout, now_ms}; }
    policy::decision decide(const policy::policy& p) const { return p.decide(input()); }
};

// Pieces of policy_piece_length bytes, the last one last_length bytes (0: full), with these
// copies among `peers` user peers, no seeds, nothing held.
inline policy_case make_case(std::vector<std::uint32_t> copies, std::uint32_t peers,
                             std::uint32_t last_length = 0) {
    const std::uint64_t total = std::uint64_t{policy_piece_length} * (copies.size() - 1) +
                                (last_length == 0 ? policy_piece_length : last_length);
    policy_case c{content_layout("film", total, policy_piece_length), stats_report{}, {}};
    c.stats.content_id = "film";
    c.stats.piece_count = copies.size();
    c.stats.user_peers = peers;
    c.stats.copies = std::move(copies);
    return c;
}

// A full-size holding ingested an hour before policy_t0, without a TTL.
inline policy::holding held(std::size_t piece, std::int64_t ingested_at_ms = policy_t0 - an_hour_ms,
                            std::int64_t expires_at_ms = 0) {
    return {piece, policy_piece_length, ingested_at_ms, expires_at_ms};
}

inline std::vector<std::size_t> ingested_pieces(const policy::decision& d) {
    std::vector<std::size_t> out;
    for (const auto& item : d.ingest) {
        out.push_back(item.piece);
    }
    return out;
}

}  // namespace p2pcdn::test
