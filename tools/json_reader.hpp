// Reading the JSON files the p2pcdn program is given (the CCS configuration, a hash file, a
// holdings file) with RapidJSON, each member checked against its rule and every failure a
// config_error whose message names the member by its path ("cdn.origin.ingest_template: ...").
// Unknown members are ignored; a member named twice in one object is refused, so no other
// reader of the same file can pick a different one.
#pragma once

#include <rapidjson/document.h>

#include <cstddef>
#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace p2pcdn_cli {

// A file or member the program cannot use; the message is one line naming it.
class config_error : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

// A parsed JSON document: `text` (at most max_bytes) must be one JSON object. `what` names the
// file in messages. The parser does not recurse, so nesting depth costs no stack.
class json_document {
public:
    json_document(std::string_view text, std::size_t max_bytes, const std::string& what);
    const rapidjson::Value& root() const { return doc_; }

private:
    rapidjson::Document doc_;
};

// One JSON object and its path; the getters read its members. Absent members give nullopt
// (or an empty vector); present ones must have the right type and be within their bounds.
class json_object {
public:
    // `value` must be an object (else config_error naming `path`, or "the file" when empty).
    json_object(const rapidjson::Value& value, std::string path);

    const std::string& path() const { return path_; }
    bool has(const char* name) const;
    // "path.name", or "name" at the root.
    std::string member(const char* name) const;
    [[noreturn]] void fail(const char* name, const std::string& reason) const;

    // A string of 1 to max_len bytes without control characters.
    std::optional<std::string> text(const char* name, std::size_t max_len) const;
    std::string required_text(const char* name, std::size_t max_len) const;
    std::optional<std::uint64_t> unsigned_integer(const char* name, std::uint64_t min,
                                                  std::uint64_t max) const;
    std::optional<std::int64_t> integer(const char* name, std::int64_t min, std::int64_t max) const;
    std::optional<bool> boolean(const char* name) const;
    std::optional<json_object> object(const char* name) const;
    // An array of 0 to max_count strings, each as text() requires.
    std::vector<std::string> texts(const char* name, std::size_t max_count,
                                   std::size_t max_len) const;
    // The array `name` of at most max_count elements (nullptr when absent).
    const rapidjson::Value* array(const char* name, std::size_t max_count) const;

private:
    const rapidjson::Value* find(const char* name) const;

    const rapidjson::Value* value_;
    std::string path_;
};

// "path[index]", for the elements of an array member.
std::string element_path(const std::string& array_path, std::size_t index);

// The whole file at `path`, at most max_bytes (config_error naming `what` otherwise).
std::string read_text_file(const std::string& path, std::size_t max_bytes, const std::string& what);

}  // namespace p2pcdn_cli
