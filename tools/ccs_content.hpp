// The content a CCS configuration names (its "content" section): the layout, and the piece
// hashes from a `p2pcdn hash --json` file, a piece hash list, or the content file itself.
#pragma once

#include "ccs_config.hpp"

#include <p2pcdn/p2pcdn.h>

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

namespace p2pcdn_cli {

struct content_deleter {
    void operator()(p2pcdn_content* content) const { p2pcdn_content_free(content); }
};
using content_ptr = std::unique_ptr<p2pcdn_content, content_deleter>;

// The largest hash file or hash list read.
constexpr std::size_t hash_file_max_bytes = std::size_t{256} << 20;

// What `p2pcdn hash --json` prints (docs/protocol.md, "`p2pcdn hash --json`").
struct hash_file {
    std::string id;
    std::uint64_t length = 0;
    std::uint32_t piece_length = 0;
    int algo = P2PCDN_HASH_SHA1;
    std::string hex;  // every digest in piece order, as lowercase or uppercase hex
};

// Parses and checks a hash file; config_error naming `what` and the member.
hash_file parse_hash_file(std::string_view text, const std::string& what);

// The content of `config` (config_error naming the member when it cannot be made). Hashes are
// read only when with_hashes (an ingest checks what the CSS sends against them); hashing the
// content file calls progress, which may be NULL.
content_ptr load_content(const content_config& config, bool with_hashes,
                         p2pcdn_progress_cb progress);

}  // namespace p2pcdn_cli
