// CDN source publish and withdraw JSON decoding. Input: the JSON text, given to both decoders.
// A message that decodes must keep the decoder's promises and encode and decode again to the
// same message and the same text.
#include <cstdlib>
#include <string>
#include <string_view>

#include "core/error.hpp"
#include "wire/cdn_source_messages.hpp"
#include "wire/uri_template.hpp"

namespace {

p2pcdn::cdn_message_limits fuzz_limits() {
    p2pcdn::cdn_message_limits limits;
    limits.max_bytes = std::size_t{1} << 20;
    limits.max_sources = 16;
    limits.max_pieces = std::size_t{1} << 16;
    return limits;
}

template <typename Message, typename Decode, typename Encode>
void round_trip(const Message& m, Decode decode, Encode encode) {
    try {
        const std::string text = encode(m);
        const Message again = decode(text, fuzz_limits());
        if (!(again == m) || encode(again) != text) {
            std::abort();
        }
    } catch (const p2pcdn::error&) {
        std::abort();
    }
}

void publish(std::string_view json) {
    p2pcdn::cdn_publish m;
    try {
        m = p2pcdn::decode_cdn_publish_json(json, fuzz_limits());
    } catch (const p2pcdn::error&) {
        return;
    }
    if (m.sources.empty()) {
        std::abort();
    }
    for (const auto& source : m.sources) {
        if (source.pieces.size() != m.piece_count || !source.pieces.spare_bits_clear()) {
            std::abort();
        }
        const std::size_t first = source.pieces.find_first_set();
        if (first != p2pcdn::bitmap::npos &&
            p2pcdn::expand_cdn_uri(source, m.content_id, first).find_first_of("{}") !=
                std::string::npos) {
            std::abort();
        }
    }
    round_trip(m, p2pcdn::decode_cdn_publish_json, p2pcdn::encode_cdn_publish_json);
}

void withdraw(std::string_view json) {
    p2pcdn::cdn_withdraw m;
    try {
        m = p2pcdn::decode_cdn_withdraw_json(json, fuzz_limits());
    } catch (const p2pcdn::error&) {
        return;
    }
    if (m.pieces && !m.pieces->spare_bits_clear()) {
        std::abort();
    }
    round_trip(m, p2pcdn::decode_cdn_withdraw_json, p2pcdn::encode_cdn_withdraw_json);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view json(reinterpret_cast<const char*>(data), size);
    publish(json);
    withdraw(json);
    return 0;
}
