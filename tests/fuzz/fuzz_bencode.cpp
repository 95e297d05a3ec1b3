// Bencode reading. Input: any bytes. What parses is canonical, so writing the document again
// must give back exactly the input, and the cursor API must agree with the item count.
#include <cstdlib>
#include <string>
#include <string_view>

#include "core/error.hpp"
#include "wire/bencode.hpp"

namespace bencode = p2pcdn::bencode;

namespace {

// Items under v, v included, walked through the cursor API. `depth` counts the containers
// down to v, v included; the reader allows 8 of them nested (a scalar may sit in the 8th).
std::size_t count_items(bencode::value v, std::size_t depth) {
    std::size_t n = 1;
    if (v.is(bencode::kind::list) || v.is(bencode::kind::dict)) {
        if (depth > 8) {
            std::abort();
        }
        std::size_t children = 0;
        for (const auto child : v) {
            n += count_items(child, depth + 1);
            ++children;
        }
        const std::size_t expected = v.is(bencode::kind::dict) ? 2 * v.size() : v.size();
        if (children != expected) {
            std::abort();
        }
        if (v.is(bencode::kind::dict)) {
            // Every key is found where it is.
            for (const auto& [key, value] : v.entries()) {
                const auto found = v.find(key);
                if (!found || found->offset() != value.offset()) {
                    std::abort();
                }
            }
        }
    }
    return n;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view text(reinterpret_cast<const char*>(data), size);
    bencode::reader_limits limits;
    limits.max_depth = 8;
    limits.max_items = 4096;
    try {
        const auto doc = bencode::document::parse(text, limits);
        if (count_items(doc.root(), 1) != doc.item_count()) {
            std::abort();
        }
        std::string again;
        try {
            again = bencode::encode(doc.root());
        } catch (const p2pcdn::error&) {
            std::abort();
        }
        if (again != text) {
            std::abort();
        }
    } catch (const p2pcdn::error&) {
        return 0;
    }
    return 0;
}
