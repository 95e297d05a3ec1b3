// Parsing a holdings file.
#include "holdings_file.hpp"

#include "json_reader.hpp"

#include <algorithm>
#include <limits>

namespace p2pcdn_cli {

std::vector<p2pcdn_holding> parse_holdings(std::string_view text, const p2pcdn_content* content,
                                           const std::string& what) {
    std::size_t piece_count = 0;
    p2pcdn_content_piece_count(content, &piece_count);
    const json_document doc(text, holdings_file_max_bytes, what);
    try {
        const json_object root(doc.root(), "");
        if (root.integer("v", 1, 1) == std::nullopt) {
            root.fail("v", "is missing");
        }
        const rapidjson::Value* array = root.array("holdings", piece_count);
        if (array == nullptr) {
            root.fail("holdings", "is missing");
        }
        std::vector<p2pcdn_holding> holdings;
        holdings.reserve(array->Size());
        constexpr auto i64_max = std::numeric_limits<std::int64_t>::max();
        for (rapidjson::SizeType i = 0; i < array->Size(); ++i) {
            const json_object h((*array)[i], element_path("holdings", i));
            const auto piece = h.unsigned_integer("piece", 0, piece_count - 1);
            if (!piece) {
                h.fail("piece", "is missing");
            }
            std::uint64_t offset = 0;
            std::uint32_t length = 0;
            p2pcdn_content_piece_range(content, static_cast<std::size_t>(*piece), &offset, &length);
            p2pcdn_holding holding{};
            holding.piece = static_cast<std::size_t>(*piece);
            holding.bytes = h.unsigned_integer("bytes", 1, length).value_or(length);
            holding.ingested_at_ms = h.integer("ingested_at_ms", 0, i64_max).value_or(0);
            holding.expires_at_ms = h.integer("expires_at_ms", 0, i64_max).value_or(0);
            holdings.push_back(holding);
        }
        std::sort(
            holdings.begin(), holdings.end(),
            [](const p2pcdn_holding& a, const p2pcdn_holding& b) { return a.piece < b.piece; });
        const auto twice = std::adjacent_find(
            holdings.begin(), holdings.end(),
            [](const p2pcdn_holding& a, const p2pcdn_holding& b) { return a.piece == b.piece; });
        if (twice != holdings.end()) {
            root.fail("holdings", "piece " + std::to_string(twice->piece) + " is held twice");
        }
        return holdings;
    } catch (const config_error& e) {
        throw config_error(what + ": " + e.what());
    }
}

}  // namespace p2pcdn_cli
