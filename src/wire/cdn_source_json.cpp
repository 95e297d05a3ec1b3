#include "wire/cdn_source_json.hpp"

#include <string>

#include "core/base64.hpp"
#include "core/error.hpp"
#include "wire/bitfield.hpp"
#include "wire/uri_template.hpp"

namespace p2pcdn::wire_json {
namespace {

// The members the decoder reads; each may appear at most once.
constexpr std::string_view source_members[] = {"uri", "pieces", "expires", "range"};

}  // namespace

void validate_cdn_source(const cdn_source& source, std::size_t piece_count, const char* array,
                         std::size_t index) {
    try {
        validate_cdn_uri(source.uri);
    } catch (const error& e) {
        fail(errc::invalid, "{}[{}].uri: {}", array, index, e.what());
    }
    if (source.pieces.size() != piece_count) {
        fail(errc::invalid, "{}[{}].pieces has {} bits, expected the piece count {}", array, index,
             source.pieces.size(), piece_count);
    }
}

void write_cdn_source(json_writer& w, const cdn_source& source) {
    w.StartObject();
    write_key(w, "uri");
    write_string(w, source.uri);
    write_key(w, "pieces");
    const auto raw = bitfield::encode(source.pieces);
    write_string(w, base64::encode(raw.data(), raw.size()));
    write_key(w, "expires");
    w.Int64(source.expires_s);
    write_key(w, "range");
    w.Bool(source.ranged);
    w.EndObject();
}

cdn_source decode_cdn_source(const json_value& v, const char* array, std::size_t index,
                             std::size_t piece_count) {
    if (!v.IsObject()) {
        fail(errc::parse, "{} is not an object", name_of({array, index, nullptr}));
    }
    check_duplicates(v, source_members, array, index);
    cdn_source source;
    {
        const member_path w{array, index, "uri"};
        const std::string_view uri = as_string(require(v, w), w);
        try {
            validate_cdn_uri(uri);
        } catch (const error& e) {
            fail_member(w, e.what());
        }
        source.uri = std::string(uri);
    }
    {
        const member_path w{array, index, "pieces"};
        source.pieces = decode_pieces(require(v, w), piece_count, w);
    }
    {
        const member_path w{array, index, "expires"};
        source.expires_s = as_int64(require(v, w), w);
    }
    if (const json_value* range = find(v, "range")) {
        source.ranged = as_bool(*range, {array, index, "range"});
    }
    return source;
}

}  // namespace p2pcdn::wire_json
