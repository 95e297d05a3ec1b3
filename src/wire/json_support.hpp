// Internal helpers shared by the JSON codecs in src/wire (peer_list_json.cpp, stats_report.cpp),
// so both read and write JSON the same way and report the same situation with the same words.
// Not part of the public API (include/).
//
// Every decoding failure throws errc::parse naming the member ("member 'peers[3].ip' is
// missing"), except a piece count above the limit (errc::limit). The message texts are checked
// by the tests and the documentation: change them only together.
//
// The getters are inline and their failure paths out of line, so the hot path of a decoder is
// one type test per member, and a message is formatted only when it is thrown.
#pragma once

#include <rapidjson/document.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <cstddef>
#include <cstdint>
#include <limits>
#include <string>
#include <string_view>

#include "core/bitmap.hpp"

namespace p2pcdn::wire_json {

using json_value = rapidjson::Value;
using json_writer = rapidjson::Writer<rapidjson::StringBuffer>;

// ---------------------------------------------------------------------------------------------
// Writing

inline void write_key(json_writer& w, std::string_view key) {
    w.Key(key.data(), static_cast<rapidjson::SizeType>(key.size()));
}

inline void write_string(json_writer& w, std::string_view text) {
    w.String(text.data(), static_cast<rapidjson::SizeType>(text.size()));
}

// ---------------------------------------------------------------------------------------------
// Reading

// Where a member sits, for messages: "interval", "peers[3].port", "cdn[0]". Made of literals and
// an index, so building one costs nothing; name_of() formats it only for a message.
struct member_path {
    const char* array;   // nullptr: a top-level member
    std::size_t index;   // with array
    const char* member;  // nullptr: the array element itself
};

// A top-level member.
constexpr member_path top(const char* member) {
    return {nullptr, 0, member};
}

std::string name_of(const member_path& path);

inline std::string_view text_of(const json_value& v) {
    return {v.GetString(), v.GetStringLength()};
}

// The out-of-line failure paths, each throwing errc::parse.
// "member '<path>' is missing"
[[noreturn]] void fail_missing(const member_path& path);
// "member '<path>' is not <expected>", e.g. expected = "an unsigned integer"
[[noreturn]] void fail_not(const member_path& path, const char* expected);
// "member '<array>[<index>].<name>' appears more than once" ('<name>' when array is nullptr).
[[noreturn]] void fail_duplicate(const char* array, std::size_t index, std::string_view name);
// "<path> is <x>, above the maximum 4294967295"
[[noreturn]] void fail_above_u32(const member_path& path, std::uint64_t x);
// "member '<path>': <reason>", for a value its own checker (hex, base64, URI...) rejected.
[[noreturn]] void fail_member(const member_path& path, const char* reason);

// Each member a decoder reads (`known`) may appear at most once in its object, so no other
// reader of the same text can pick a different one. The object is array[index], or the root
// when array is nullptr.
template <std::size_t N>
void check_duplicates(const json_value& object, const std::string_view (&known)[N],
                      const char* array, std::size_t index) {
    bool seen[N] = {};
    for (auto it = object.MemberBegin(); it != object.MemberEnd(); ++it) {
        const std::string_view name = text_of(it->name);
        for (std::size_t k = 0; k < N; ++k) {
            if (name == known[k]) {
                if (seen[k]) {
                    fail_duplicate(array, index, name);
                }
                seen[k] = true;
                break;
            }
        }
    }
}

// nullptr when `object` has no member `name`.
inline const json_value* find(const json_value& object, const char* name) {
    const auto it = object.FindMember(name);
    return it == object.MemberEnd() ? nullptr : &it->value;
}

// The member path.member of `object`.
inline const json_value& require(const json_value& object, const member_path& path) {
    const json_value* v = find(object, path.member);
    if (v == nullptr) {
        fail_missing(path);
    }
    return *v;
}

inline std::uint64_t as_uint64(const json_value& v, const member_path& path) {
    if (!v.IsUint64()) {
        fail_not(path, "an unsigned integer");
    }
    return v.GetUint64();
}

inline std::uint32_t as_uint32(const json_value& v, const member_path& path) {
    const std::uint64_t x = as_uint64(v, path);
    if (x > std::numeric_limits<std::uint32_t>::max()) {
        fail_above_u32(path, x);
    }
    return static_cast<std::uint32_t>(x);
}

inline std::int64_t as_int64(const json_value& v, const member_path& path) {
    if (!v.IsInt64()) {
        fail_not(path, "an integer");
    }
    return v.GetInt64();
}

inline std::string_view as_string(const json_value& v, const member_path& path) {
    if (!v.IsString()) {
        fail_not(path, "a string");
    }
    return text_of(v);
}

inline bool as_bool(const json_value& v, const member_path& path) {
    if (!v.IsBool()) {
        fail_not(path, "a boolean");
    }
    return v.GetBool();
}

inline const json_value& as_array(const json_value& v, const member_path& path) {
    if (!v.IsArray()) {
        fail_not(path, "an array");
    }
    return v;
}

// The failure of parse_object: doc has a parse error or is not an object.
[[noreturn]] void fail_parse(const rapidjson::Document& doc, const char* what);

// Parses `json` into `doc` and returns its root object. Iterative, so deep nesting in an ignored
// member cannot exhaust the stack; strings must be valid UTF-8, as JSON requires. `what` names
// the text in messages: "<what> is not valid JSON: <reason> at offset <n>", "<what> is not a
// JSON object". Inline, so the parser is instantiated and optimised in each codec as before.
inline const json_value& parse_object(rapidjson::Document& doc, std::string_view json,
                                      const char* what) {
    constexpr unsigned flags =
        rapidjson::kParseIterativeFlag | rapidjson::kParseValidateEncodingFlag;
    doc.Parse<flags>(json.data(), json.size());
    if (doc.HasParseError() || !doc.IsObject()) {
        fail_parse(doc, what);
    }
    return doc;
}

// The common header of every message: "v" must be 1 and "type", when present, `type`.
void check_version(const json_value& root, const char* type);

// Member "content", a valid content id (content_layout::validate_id).
std::string_view content_id(const json_value& root);

// Member "pieces", at most min(limit, bitmap::max_bits) (above: errc::limit).
std::size_t piece_count(const json_value& root, std::size_t limit);

// A bitmap of `pieces` bits written as base64 of its bytes (wire/bitfield.hpp), spare bits
// zero. The length is checked before decoding, so nothing is allocated for an oversized string.
bitmap decode_pieces(const json_value& v, std::size_t pieces, const member_path& path);

}  // namespace p2pcdn::wire_json
