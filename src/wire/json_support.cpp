#include "wire/json_support.hpp"

#include <rapidjson/error/en.h>

#include <algorithm>

#include "core/base64.hpp"
#include "core/content_layout.hpp"
#include "core/error.hpp"
#include "wire/bitfield.hpp"

namespace p2pcdn::wire_json {

std::string name_of(const member_path& path) {
    if (path.array == nullptr) {
        return path.member;
    }
    if (path.member == nullptr) {
        return fmt::format("{}[{}]", path.array, path.index);
    }
    return fmt::format("{}[{}].{}", path.array, path.index, path.member);
}

void fail_missing(const member_path& path) {
    fail(errc::parse, "member '{}' is missing", name_of(path));
}

void fail_not(const member_path& path, const char* expected) {
    fail(errc::parse, "member '{}' is not {}", name_of(path), expected);
}

void fail_duplicate(const char* array, std::size_t index, std::string_view name) {
    const std::string member(name);
    fail(errc::parse, "member '{}' appears more than once",
         name_of({array, index, member.c_str()}));
}

void fail_above_u32(const member_path& path, std::uint64_t x) {
    fail(errc::parse, "{} is {}, above the maximum {}", name_of(path), x,
         std::numeric_limits<std::uint32_t>::max());
}

void fail_member(const member_path& path, const char* reason) {
    fail(errc::parse, "member '{}': {}", name_of(path), reason);
}

void fail_parse(const rapidjson::Document& doc, const char* what) {
    if (doc.HasParseError()) {
        fail(errc::parse, "{} is not valid JSON: {} at offset {}", what,
             rapidjson::GetParseError_En(doc.GetParseError()), doc.GetErrorOffset());
    }
    fail(errc::parse, "{} is not a JSON object", what);
}

void check_version(const json_value& root, const char* type) {
    const std::int64_t version = as_int64(require(root, top("v")), top("v"));
    if (version != 1) {
        fail(errc::parse, "member 'v' is {}, only version 1 is supported", version);
    }
    if (const json_value* t = find(root, "type")) {
        if (as_string(*t, top("type")) != type) {
            fail(errc::parse, "member 'type' is not \"{}\"", type);
        }
    }
}

std::string_view content_id(const json_value& root) {
    const std::string_view id = as_string(require(root, top("content")), top("content"));
    try {
        content_layout::validate_id(id);
    } catch (const error& e) {
        fail_member(top("content"), e.what());
    }
    return id;
}

std::size_t piece_count(const json_value& root, std::size_t limit) {
    const std::uint64_t pieces = as_uint64(require(root, top("pieces")), top("pieces"));
    const std::size_t max_pieces = std::min(limit, bitmap::max_bits);
    if (pieces > max_pieces) {
        fail(errc::limit, "pieces is {}, above the limit {}", pieces, max_pieces);
    }
    return static_cast<std::size_t>(pieces);
}

bitmap decode_pieces(const json_value& v, std::size_t pieces, const member_path& path) {
    const std::string_view text = as_string(v, path);
    const std::size_t bytes = bitfield::byte_size(pieces);
    const std::size_t chars = base64::encoded_size(bytes);
    if (text.size() != chars) {
        fail(errc::parse, "{} is {} characters, expected {} (base64 of {} bytes for {} pieces)",
             name_of(path), text.size(), chars, bytes, pieces);
    }
    try {
        const auto raw = base64::decode(text);
        return bitfield::decode(raw.data(), raw.size(), pieces, bitfield::spare_bits::reject);
    } catch (const error& e) {
        fail_member(path, e.what());
    }
}

}  // namespace p2pcdn::wire_json
