// The holdings file of `p2pcdn policy --holdings` (docs/protocol.md, "CCS configuration file"):
// the pieces the CDN holds, as the NSCF would record them, for a dry-run decision.
#pragma once

#include <p2pcdn/p2pcdn.h>

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace p2pcdn_cli {

// The largest holdings file read.
constexpr std::size_t holdings_file_max_bytes = std::size_t{64} << 20;

// The holdings of `text` for `content`, ascending by piece (config_error naming `what` and
// the member for anything out of range, repeated or malformed).
std::vector<p2pcdn_holding> parse_holdings(std::string_view text, const p2pcdn_content* content,
                                           const std::string& what);

}  // namespace p2pcdn_cli
