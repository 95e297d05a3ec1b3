// Small helpers the p2pcdn subcommands share for their command lines.
#pragma once

#include <p2pcdn/p2pcdn.h>

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace p2pcdn_cli {

// True when arg is --help or -h.
bool is_help(const char* arg);

// A decimal integer from min to max, or nullopt.
std::optional<std::int64_t> parse_integer(const char* text, std::int64_t min, std::int64_t max);

// The pieces of a piece-ranges text ("0-9,12", docs/protocol.md "Piece ranges") or "all", below
// piece_count, ascending; nullopt (with *error set) for a bad or empty set.
std::optional<std::vector<std::size_t>> parse_pieces(const std::string& text,
                                                     std::size_t piece_count, std::string* error);

}  // namespace p2pcdn_cli
