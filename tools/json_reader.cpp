// The JSON reader of the p2pcdn program's input files.
#include "json_reader.hpp"

#include <rapidjson/error/en.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <memory>

namespace p2pcdn_cli {
namespace {

// Member names come from the file: keep a message one printable line whatever they hold.
std::string printable(std::string_view text) {
    std::string out;
    for (const char c : text.substr(0, 64)) {
        const auto u = static_cast<unsigned char>(c);
        out += (u < 0x20 || u == 0x7f) ? '?' : c;
    }
    if (text.size() > 64) {
        out += "...";
    }
    return out;
}

std::string_view name_of(const rapidjson::Value& v) {
    return {v.GetString(), v.GetStringLength()};
}

void check_duplicates(const rapidjson::Value& object, const std::string& path) {
    std::vector<std::string_view> names;
    names.reserve(object.MemberCount());
    for (auto it = object.MemberBegin(); it != object.MemberEnd(); ++it) {
        names.push_back(name_of(it->name));
    }
    std::sort(names.begin(), names.end());
    const auto twice = std::adjacent_find(names.begin(), names.end());
    if (twice != names.end()) {
        const std::string name = printable(*twice);
        throw config_error((path.empty() ? name : path + "." + name) + ": appears more than once");
    }
}

// A string of 1 to max_len bytes without control characters, or config_error naming `at`.
std::string checked_text(const rapidjson::Value& v, const std::string& at, std::size_t max_len) {
    if (!v.IsString()) {
        throw config_error(at + ": is not a string");
    }
    const std::string_view s = name_of(v);
    if (s.empty()) {
        throw config_error(at + ": is empty");
    }
    if (s.size() > max_len) {
        throw config_error(at + ": is " + std::to_string(s.size()) + " bytes, above the limit " +
                           std::to_string(max_len));
    }
    if (std::any_of(s.begin(), s.end(), [](char c) {
            const auto u = static_cast<unsigned char>(c);
            return u < 0x20 || u == 0x7f;
        })) {
        throw config_error(at + ": holds a control character");
    }
    return std::string(s);
}

}  // namespace

json_document::json_document(std::string_view text, std::size_t max_bytes,
                             const std::string& what) {
    if (text.size() > max_bytes) {
        throw config_error(what + ": " + std::to_string(text.size()) + " bytes, above the limit " +
                           std::to_string(max_bytes));
    }
    constexpr unsigned flags =
        rapidjson::kParseIterativeFlag | rapidjson::kParseValidateEncodingFlag;
    doc_.Parse<flags>(text.data(), text.size());
    if (doc_.HasParseError()) {
        throw config_error(
            what + ": not valid JSON: " + rapidjson::GetParseError_En(doc_.GetParseError()) +
            " at offset " + std::to_string(doc_.GetErrorOffset()));
    }
    if (!doc_.IsObject()) {
        throw config_error(what + ": not a JSON object");
    }
}

json_object::json_object(const rapidjson::Value& value, std::string path)
    : value_(&value), path_(std::move(path)) {
    if (!value.IsObject()) {
        throw config_error((path_.empty() ? std::string("the file") : path_) +
                           ": is not an object");
    }
    check_duplicates(value, path_);
}

std::string json_object::member(const char* name) const {
    return path_.empty() ? std::string(name) : path_ + "." + name;
}

void json_object::fail(const char* name, const std::string& reason) const {
    throw config_error(member(name) + ": " + reason);
}

const rapidjson::Value* json_object::find(const char* name) const {
    const auto it = value_->FindMember(name);
    return it == value_->MemberEnd() ? nullptr : &it->value;
}

bool json_object::has(const char* name) const {
    return find(name) != nullptr;
}

std::optional<std::string> json_object::text(const char* name, std::size_t max_len) const {
    const rapidjson::Value* v = find(name);
    if (v == nullptr) {
        return std::nullopt;
    }
    return checked_text(*v, member(name), max_len);
}

std::string json_object::required_text(const char* name, std::size_t max_len) const {
    auto s = text(name, max_len);
    if (!s) {
        fail(name, "is missing");
    }
    return *s;
}

std::optional<std::uint64_t> json_object::unsigned_integer(const char* name, std::uint64_t min,
                                                           std::uint64_t max) const {
    const rapidjson::Value* v = find(name);
    if (v == nullptr) {
        return std::nullopt;
    }
    if (!v->IsUint64()) {
        fail(name, "is not an unsigned integer");
    }
    const std::uint64_t x = v->GetUint64();
    if (x < min || x > max) {
        fail(name, "is " + std::to_string(x) + ", expected " + std::to_string(min) + " to " +
                       std::to_string(max));
    }
    return x;
}

std::optional<std::int64_t> json_object::integer(const char* name, std::int64_t min,
                                                 std::int64_t max) const {
    const rapidjson::Value* v = find(name);
    if (v == nullptr) {
        return std::nullopt;
    }
    if (!v->IsInt64()) {
        fail(name, "is not an integer");
    }
    const std::int64_t x = v->GetInt64();
    if (x < min || x > max) {
        fail(name, "is " + std::to_string(x) + ", expected " + std::to_string(min) + " to " +
                       std::to_string(max));
    }
    return x;
}

std::optional<bool> json_object::boolean(const char* name) const {
    const rapidjson::Value* v = find(name);
    if (v == nullptr) {
        return std::nullopt;
    }
    if (!v->IsBool()) {
        fail(name, "is not a boolean");
    }
    return v->GetBool();
}

std::optional<json_object> json_object::object(const char* name) const {
    const rapidjson::Value* v = find(name);
    if (v == nullptr) {
        return std::nullopt;
    }
    return json_object(*v, member(name));
}

const rapidjson::Value* json_object::array(const char* name, std::size_t max_count) const {
    const rapidjson::Value* v = find(name);
    if (v == nullptr) {
        return nullptr;
    }
    if (!v->IsArray()) {
        fail(name, "is not an array");
    }
    if (v->Size() > max_count) {
        fail(name, "has " + std::to_string(v->Size()) + " entries, above the limit " +
                       std::to_string(max_count));
    }
    return v;
}

std::vector<std::string> json_object::texts(const char* name, std::size_t max_count,
                                            std::size_t max_len) const {
    std::vector<std::string> out;
    const rapidjson::Value* v = array(name, max_count);
    if (v == nullptr) {
        return out;
    }
    out.reserve(v->Size());
    const std::string path = member(name);
    for (rapidjson::SizeType i = 0; i < v->Size(); ++i) {
        out.push_back(checked_text((*v)[i], element_path(path, i), max_len));
    }
    return out;
}

std::string element_path(const std::string& array_path, std::size_t index) {
    return array_path + "[" + std::to_string(index) + "]";
}

std::string read_text_file(const std::string& path, std::size_t max_bytes,
                           const std::string& what) {
    const std::unique_ptr<std::FILE, int (*)(std::FILE*)> file(std::fopen(path.c_str(), "rb"),
                                                               std::fclose);
    if (!file) {
        throw config_error(what + ": cannot open '" + path + "': " + std::strerror(errno));
    }
    std::string text;
    char buf[65536];
    for (;;) {
        const std::size_t n = std::fread(buf, 1, sizeof buf, file.get());
        if (n == 0) {
            break;
        }
        if (text.size() + n > max_bytes) {
            throw config_error(what + ": '" + path + "' is above the limit of " +
                               std::to_string(max_bytes) + " bytes");
        }
        text.append(buf, n);
    }
    if (std::ferror(file.get())) {
        throw config_error(what + ": cannot read '" + path + "'");
    }
    return text;
}

}  // namespace p2pcdn_cli
