#include "wire/cit_json.hpp"

#include <cmath>
#include <cstdint>
#include <limits>
#include <string>
#include <utility>

#include "core/error.hpp"
#include "wire/json_support.hpp"

namespace p2pcdn::cit {
namespace {

using wire_json::check_duplicates;
using wire_json::find;
using wire_json::json_value;
using wire_json::json_writer;
using wire_json::member_path;
using wire_json::text_of;
using wire_json::top;
using wire_json::write_key;
using wire_json::write_string;

// ---------------------------------------------------------------------------------------------
// Names, indexed by the enum values

constexpr const char* trigger_type_names[] = {"preposition", "invalidate", "purge"};
constexpr const char* status_names[] = {"pending", "active",     "complete", "processed",
                                        "failed",  "cancelling", "cancelled"};
constexpr const char* error_names[] = {"emeta", "econtent",  "eperm",       "ereject",
                                       "ecdn",  "ecanceled", "eunsupported"};

template <typename E, std::size_t N>
const char* name_in(const char* const (&names)[N], E value) noexcept {
    const auto index = static_cast<std::size_t>(value);
    return index < N ? names[index] : nullptr;
}

template <typename E, std::size_t N>
std::optional<E> value_in(const char* const (&names)[N], std::string_view text) noexcept {
    for (std::size_t i = 0; i < N; ++i) {
        if (text == names[i]) {
            return static_cast<E>(i);
        }
    }
    return std::nullopt;
}

// ---------------------------------------------------------------------------------------------
// What a message may hold; shared by the encoders (errc::invalid) and decoders (errc::parse).
// Each returns why `text` is refused, or nullptr.

using problem_fn = const char* (*)(std::string_view) noexcept;

bool is_control(char c) noexcept {
    const auto u = static_cast<unsigned char>(c);
    return u < 0x20 || u == 0x7f;
}

// URLs are opaque to CI/T (RFC 8007 section 4); only what cannot be a URL at all, or would
// break a request or a log line, is refused.
const char* url_problem(std::string_view url) noexcept {
    if (url.empty()) {
        return "is empty";
    }
    for (const char c : url) {
        if (c == ' ' || is_control(c)) {
            return "holds a space or a control character";
        }
    }
    return nullptr;
}

// A content collection id or an error code: free text, one line.
const char* text_problem(std::string_view text) noexcept {
    if (text.empty()) {
        return "is empty";
    }
    for (const char c : text) {
        if (is_control(c)) {
            return "holds a control character";
        }
    }
    return nullptr;
}

// "AS<number>:<qualifier>" (RFC 8007 section 4.6), the number a 32-bit AS number.
const char* pid_problem(std::string_view pid) noexcept {
    const char* const form = "is not of the form AS<number>:<qualifier>";
    if (pid.size() < 2 || pid.substr(0, 2) != "AS") {
        return form;
    }
    const std::size_t colon = pid.find(':', 2);
    if (colon == std::string_view::npos || colon == 2 || colon > 12) {
        return form;
    }
    std::uint64_t asn = 0;
    for (std::size_t i = 2; i < colon; ++i) {
        if (pid[i] < '0' || pid[i] > '9') {
            return form;
        }
        asn = asn * 10 + static_cast<std::uint64_t>(pid[i] - '0');
    }
    if (asn > std::numeric_limits<std::uint32_t>::max()) {
        return "has an AS number above 4294967295";
    }
    const std::string_view qualifier = pid.substr(colon + 1);
    if (qualifier.empty()) {
        return "has an empty qualifier";
    }
    return url_problem(qualifier) == nullptr ? nullptr : "holds a space or a control character";
}

// RFC 8007 section 5.2.4: "$" escapes the next "$", "*" or "?", and nothing else.
const char* pattern_problem(std::string_view pattern) noexcept {
    if (const char* why = url_problem(pattern)) {
        return why;
    }
    for (std::size_t i = 0; i < pattern.size(); ++i) {
        if (pattern[i] != '$') {
            continue;
        }
        if (i + 1 == pattern.size() ||
            std::string_view("$*?").find(pattern[i + 1]) == std::string_view::npos) {
            return "has a '$' not followed by '$', '*' or '?'";
        }
        ++i;
    }
    return nullptr;
}

// ---------------------------------------------------------------------------------------------
// Encoding. The checks refuse, before anything is written, what the decoders would reject
// (limits aside), so every encoded message decodes.

void check_all(const std::vector<std::string>& values, std::string_view name, problem_fn problem) {
    for (std::size_t i = 0; i < values.size(); ++i) {
        if (const char* why = problem(values[i])) {
            fail(errc::invalid, "{}[{}] {}", name, i, why);
        }
    }
}

void check_patterns(const std::vector<pattern_match>& patterns, std::string_view name) {
    for (std::size_t i = 0; i < patterns.size(); ++i) {
        if (const char* why = pattern_problem(patterns[i].pattern)) {
            fail(errc::invalid, "{}[{}].pattern {}", name, i, why);
        }
    }
}

void check_type(trigger_type type) {
    if (name_in(trigger_type_names, type) == nullptr) {
        fail(errc::invalid, "trigger type {} is not defined", static_cast<int>(type));
    }
}

void check_cdn_path(const std::vector<std::string>& cdn_path) {
    if (cdn_path.empty()) {
        fail(errc::invalid, "cdn-path is empty; RFC 8007 requires the sender's PID");
    }
    check_all(cdn_path, "cdn-path", pid_problem);
}

void check_trigger(const trigger_command& cmd) {
    check_type(cmd.type);
    check_all(cmd.content_urls, "content.urls", url_problem);
    check_all(cmd.metadata_urls, "metadata.urls", url_problem);
    check_all(cmd.content_ccids, "content.ccid", text_problem);
    check_patterns(cmd.content_patterns, "content.patterns");
    check_patterns(cmd.metadata_patterns, "metadata.patterns");
    const bool patterns = !cmd.content_patterns.empty() || !cmd.metadata_patterns.empty();
    if (patterns && cmd.type == trigger_type::preposition) {
        fail(errc::invalid, "RFC 8007 does not allow patterns with preposition");
    }
    if (!patterns && cmd.content_urls.empty() && cmd.metadata_urls.empty() &&
        cmd.content_ccids.empty()) {
        fail(errc::invalid, "the trigger names no URL, ccid or pattern");
    }
    check_cdn_path(cmd.cdn_path);
}

void check_error(const status_error& e, std::size_t i) {
    if (e.code == error_code::unknown) {
        if (const char* why = text_problem(e.code_text)) {
            fail(errc::invalid, "errors[{}]: the text of its unknown code {}", i, why);
        }
        if (parse_error_code(e.code_text) != error_code::unknown) {
            fail(errc::invalid, "errors[{}] gives the known code {} as unknown", i, e.code_text);
        }
    } else if (name_in(error_names, e.code) == nullptr) {
        fail(errc::invalid, "errors[{}] has the undefined code {}", i, static_cast<int>(e.code));
    } else if (!e.code_text.empty()) {
        fail(errc::invalid, "errors[{}] has a known code and a code text", i);
    }
    check_all(e.content_urls, fmt::format("errors[{}].content.urls", i), url_problem);
    check_all(e.metadata_urls, fmt::format("errors[{}].metadata.urls", i), url_problem);
}

void check_status(const trigger_status& s) {
    if (name_in(status_names, s.status) == nullptr) {
        fail(errc::invalid, "trigger status {} is not defined", static_cast<int>(s.status));
    }
    check_type(s.type);
    check_all(s.content_urls, "content.urls", url_problem);
    check_all(s.metadata_urls, "metadata.urls", url_problem);
    for (std::size_t i = 0; i < s.errors.size(); ++i) check_error(s.errors[i], i);
}

// Empty arrays are left out: RFC 8007 lists the members a trigger holds, not empty ones.
void write_strings(json_writer& w, std::string_view key, const std::vector<std::string>& values) {
    if (values.empty()) {
        return;
    }
    write_key(w, key);
    w.StartArray();
    for (const std::string& v : values) write_string(w, v);
    w.EndArray();
}

void write_patterns(json_writer& w, std::string_view key,
                    const std::vector<pattern_match>& patterns) {
    if (patterns.empty()) {
        return;
    }
    write_key(w, key);
    w.StartArray();
    for (const pattern_match& p : patterns) {
        w.StartObject();
        write_key(w, "pattern");
        write_string(w, p.pattern);
        // Both flags default to false (RFC 8007 section 5.2.4).
        if (p.case_sensitive) {
            write_key(w, "case-sensitive");
            w.Bool(true);
        }
        if (p.match_query_string) {
            write_key(w, "match-query-string");
            w.Bool(true);
        }
        w.EndObject();
    }
    w.EndArray();
}

std::string written(const rapidjson::StringBuffer& buffer) {
    return std::string(buffer.GetString(), buffer.GetSize());
}

// ---------------------------------------------------------------------------------------------
// Decoding. Every failure is errc::parse naming the member, except sizes above the limits
// (errc::limit).

// Where a value sits, for messages: a member (json_support's path, whose names may be dotted:
// "trigger.content.urls"), an element of it, and a member of that element.
struct place {
    member_path path;
    std::size_t element = std::string_view::npos;
    const char* member = nullptr;
};

std::string name_of(const place& p) {
    std::string name = wire_json::name_of(p.path);
    if (p.element != std::string_view::npos) {
        name += fmt::format("[{}]", p.element);
    }
    if (p.member != nullptr) {
        name += '.';
        name += p.member;
    }
    return name;
}

// "member '<place>' <reason>"
[[noreturn]] void fail_at(const place& where, const char* reason) {
    fail(errc::parse, "member '{}' {}", name_of(where), reason);
}

[[noreturn]] void fail_type(const place& where, const char* expected) {
    fail(errc::parse, "member '{}' is not {}", name_of(where), expected);
}

const json_value& require(const json_value& object, const char* key, const place& where) {
    const json_value* v = find(object, key);
    if (v == nullptr) {
        fail_at(where, "is missing");
    }
    return *v;
}

// RFC 8007 section 5.2.5: a JSON number of seconds; a fraction is dropped.
std::int64_t seconds(const json_value& v, const place& where) {
    if (v.IsInt64()) {
        return v.GetInt64();
    }
    if (!v.IsNumber()) {
        fail_type(where, "a number");
    }
    const double s = std::floor(v.GetDouble());
    // 2^63 is exact in a double; from it on the value does not fit.
    if (!(s >= -0x1p63 && s < 0x1p63)) {
        fail_at(where, "is out of range");
    }
    return static_cast<std::int64_t>(s);
}

// The members each decoder reads; each may appear at most once, so no reader of the same text
// can pick a different one.
constexpr std::string_view command_members[] = {"trigger", "cancel", "cdn-path"};
constexpr std::string_view trigger_members[] = {
    "type",         "content.urls",     "metadata.urls",
    "content.ccid", "content.patterns", "metadata.patterns"};
constexpr std::string_view pattern_members[] = {"pattern", "case-sensitive", "match-query-string"};
constexpr std::string_view status_members[] = {"status", "ctime",   "mtime",
                                               "etime",  "trigger", "errors"};
constexpr std::string_view error_members[] = {"error", "content.urls", "metadata.urls",
                                              "description"};

// Reads one message, counting the URLs, ccids and patterns it holds against the limit.
class reader {
public:
    explicit reader(const cit_limits& limits) : limits_(limits), entries_left_(limits.max_urls) {}

    std::string_view text(const json_value& v, const place& where) const {
        if (!v.IsString()) {
            fail_type(where, "a string");
        }
        if (v.GetStringLength() > limits_.max_string_bytes) {
            fail(errc::limit, "member '{}' is {} bytes, above the limit {}", name_of(where),
                 v.GetStringLength(), limits_.max_string_bytes);
        }
        return text_of(v);
    }

    // An array of URLs or ccids.
    std::vector<std::string> strings(const json_value& v, const member_path& where,
                                     problem_fn problem) {
        return elements(entries(v, where), where, problem);
    }

    std::vector<pattern_match> patterns(const json_value& v, const char* name) {
        const json_value& array = entries(v, top(name));
        std::vector<pattern_match> out;
        out.reserve(array.Size());
        for (rapidjson::SizeType i = 0; i < array.Size(); ++i) {
            const json_value& p = array[i];
            if (!p.IsObject()) {
                fail_type({top(name), i}, "an object");
            }
            check_duplicates(p, pattern_members, name, i);
            pattern_match m;
            const place at{top(name), i, "pattern"};
            m.pattern = std::string(text(require(p, "pattern", at), at));
            if (const char* why = pattern_problem(m.pattern)) {
                fail_at(at, why);
            }
            m.case_sensitive = flag(p, name, i, "case-sensitive");
            m.match_query_string = flag(p, name, i, "match-query-string");
            out.push_back(std::move(m));
        }
        return out;
    }

    std::vector<std::string> cdn_path(const json_value& root) const {
        const place where{top("cdn-path")};
        const json_value& v = require(root, "cdn-path", where);
        if (!v.IsArray()) {
            fail_type(where, "an array");
        }
        if (v.Empty()) {
            fail_at(where, "is empty");
        }
        if (v.Size() > limits_.max_cdn_path) {
            fail(errc::limit, "member 'cdn-path' has {} entries, above the limit {}", v.Size(),
                 limits_.max_cdn_path);
        }
        return elements(v, top("cdn-path"), pid_problem);
    }

private:
    // The array `v`, its entries taken from what the message may still hold.
    const json_value& entries(const json_value& v, const member_path& where) {
        if (!v.IsArray()) {
            fail_type({where}, "an array");
        }
        if (v.Size() > entries_left_) {
            fail(errc::limit,
                 "member '{}' has {} entries: the message holds more than the limit of {} URLs, "
                 "ccids and patterns",
                 wire_json::name_of(where), v.Size(), limits_.max_urls);
        }
        entries_left_ -= v.Size();
        return v;
    }

    std::vector<std::string> elements(const json_value& array, const member_path& where,
                                      problem_fn problem) const {
        std::vector<std::string> out;
        out.reserve(array.Size());
        for (rapidjson::SizeType i = 0; i < array.Size(); ++i) {
            const place at{where, i};
            const std::string_view s = text(array[i], at);
            if (const char* why = problem(s)) {
                fail_at(at, why);
            }
            out.emplace_back(s);
        }
        return out;
    }

    static bool flag(const json_value& pattern, const char* name, std::size_t i, const char* key) {
        const json_value* v = find(pattern, key);
        if (v == nullptr) {
            return false;
        }
        if (!v->IsBool()) {
            fail_type({top(name), i, key}, "a boolean");
        }
        return v->GetBool();
    }

    const cit_limits& limits_;
    std::size_t entries_left_;
};

// The trigger object's own members may appear once each, like the root's.
template <std::size_t N>
void check_trigger_duplicates(const json_value& trigger, const std::string_view (&known)[N]) {
    try {
        check_duplicates(trigger, known, nullptr, 0);
    } catch (const error& e) {
        fail(errc::parse, "trigger: {}", e.what());
    }
}

const json_value& trigger_object(const json_value& root) {
    const place where{top("trigger")};
    const json_value& v = require(root, "trigger", where);
    if (!v.IsObject()) {
        fail_type(where, "an object");
    }
    return v;
}

trigger_type decode_type(const reader& r, const json_value& trigger) {
    const place where{top("trigger.type")};
    const auto type = parse_trigger_type(r.text(require(trigger, "type", where), where));
    if (!type) {
        fail_type(where, "a trigger type (preposition, invalidate, purge)");
    }
    return *type;
}

trigger_command decode_trigger(reader& r, const json_value& v) {
    check_trigger_duplicates(v, trigger_members);
    trigger_command t;
    t.type = decode_type(r, v);
    if (const json_value* m = find(v, "content.urls")) {
        t.content_urls = r.strings(*m, top("trigger.content.urls"), url_problem);
    }
    if (const json_value* m = find(v, "metadata.urls")) {
        t.metadata_urls = r.strings(*m, top("trigger.metadata.urls"), url_problem);
    }
    if (const json_value* m = find(v, "content.ccid")) {
        t.content_ccids = r.strings(*m, top("trigger.content.ccid"), text_problem);
    }
    if (const json_value* m = find(v, "content.patterns")) {
        t.content_patterns = r.patterns(*m, "trigger.content.patterns");
    }
    if (const json_value* m = find(v, "metadata.patterns")) {
        t.metadata_patterns = r.patterns(*m, "trigger.metadata.patterns");
    }
    const bool patterns = !t.content_patterns.empty() || !t.metadata_patterns.empty();
    if (patterns && t.type == trigger_type::preposition) {
        fail(errc::parse, "member 'trigger.{}' is not allowed with preposition",
             t.content_patterns.empty() ? "metadata.patterns" : "content.patterns");
    }
    if (!patterns && t.content_urls.empty() && t.metadata_urls.empty() && t.content_ccids.empty()) {
        fail(errc::parse, "member 'trigger' names no URL, ccid or pattern");
    }
    return t;
}

status_error decode_error(reader& r, const json_value& v, std::size_t i) {
    if (!v.IsObject()) {
        fail_type({{"errors", i, nullptr}}, "an object");
    }
    check_duplicates(v, error_members, "errors", i);
    status_error e;
    {
        const place where{{"errors", i, "error"}};
        const std::string_view code = r.text(require(v, "error", where), where);
        if (const char* why = text_problem(code)) {
            fail_at(where, why);
        }
        e.code = parse_error_code(code);
        if (e.code == error_code::unknown) {
            e.code_text = std::string(code);
        }
    }
    if (const json_value* m = find(v, "content.urls")) {
        e.content_urls = r.strings(*m, {"errors", i, "content.urls"}, url_problem);
    }
    if (const json_value* m = find(v, "metadata.urls")) {
        e.metadata_urls = r.strings(*m, {"errors", i, "metadata.urls"}, url_problem);
    }
    if (const json_value* m = find(v, "description")) {
        e.description = std::string(r.text(*m, {{"errors", i, "description"}}));
    }
    return e;
}

}  // namespace

// ---------------------------------------------------------------------------------------------
// Names

const char* to_string(trigger_type t) noexcept {
    const char* name = name_in(trigger_type_names, t);
    return name != nullptr ? name : "undefined";
}

const char* to_string(status_value s) noexcept {
    const char* name = name_in(status_names, s);
    return name != nullptr ? name : "undefined";
}

const char* to_string(error_code e) noexcept {
    const char* name = name_in(error_names, e);
    return name != nullptr ? name : "unknown";
}

std::optional<trigger_type> parse_trigger_type(std::string_view text) noexcept {
    return value_in<trigger_type>(trigger_type_names, text);
}

std::optional<status_value> parse_status_value(std::string_view text) noexcept {
    return value_in<status_value>(status_names, text);
}

error_code parse_error_code(std::string_view text) noexcept {
    return value_in<error_code>(error_names, text).value_or(error_code::unknown);
}

bool is_final(status_value s) noexcept {
    return s == status_value::complete || s == status_value::processed ||
           s == status_value::failed || s == status_value::cancelled;
}

// ---------------------------------------------------------------------------------------------
// Encoding

std::string encode_trigger(const trigger_command& cmd) {
    check_trigger(cmd);
    rapidjson::StringBuffer buffer;
    json_writer w(buffer);
    w.StartObject();
    write_key(w, "trigger");
    w.StartObject();
    write_key(w, "type");
    w.String(to_string(cmd.type));
    write_strings(w, "metadata.urls", cmd.metadata_urls);
    write_strings(w, "content.urls", cmd.content_urls);
    write_strings(w, "content.ccid", cmd.content_ccids);
    write_patterns(w, "metadata.patterns", cmd.metadata_patterns);
    write_patterns(w, "content.patterns", cmd.content_patterns);
    w.EndObject();
    write_strings(w, "cdn-path", cmd.cdn_path);
    w.EndObject();
    return written(buffer);
}

std::string encode_cancel(const std::vector<std::string>& trigger_urls,
                          const std::vector<std::string>& cdn_path) {
    if (trigger_urls.empty()) {
        fail(errc::invalid, "the cancel command names no trigger status resource");
    }
    check_all(trigger_urls, "cancel", url_problem);
    check_cdn_path(cdn_path);
    rapidjson::StringBuffer buffer;
    json_writer w(buffer);
    w.StartObject();
    write_strings(w, "cancel", trigger_urls);
    write_strings(w, "cdn-path", cdn_path);
    w.EndObject();
    return written(buffer);
}

std::string encode_status(const trigger_status& status) {
    check_status(status);
    rapidjson::StringBuffer buffer;
    json_writer w(buffer);
    w.StartObject();
    write_key(w, "status");
    w.String(to_string(status.status));
    write_key(w, "ctime");
    w.Int64(status.ctime);
    write_key(w, "mtime");
    w.Int64(status.mtime);
    if (status.etime) {
        write_key(w, "etime");
        w.Int64(*status.etime);
    }
    write_key(w, "trigger");
    w.StartObject();
    write_key(w, "type");
    w.String(to_string(status.type));
    write_strings(w, "metadata.urls", status.metadata_urls);
    write_strings(w, "content.urls", status.content_urls);
    w.EndObject();
    if (!status.errors.empty()) {
        write_key(w, "errors");
        w.StartArray();
        for (const status_error& e : status.errors) {
            w.StartObject();
            write_key(w, "error");
            if (e.code == error_code::unknown) {
                write_string(w, e.code_text);
            } else {
                w.String(to_string(e.code));
            }
            write_strings(w, "metadata.urls", e.metadata_urls);
            write_strings(w, "content.urls", e.content_urls);
            if (!e.description.empty()) {
                write_key(w, "description");
                write_string(w, e.description);
            }
            w.EndObject();
        }
        w.EndArray();
    }
    w.EndObject();
    return written(buffer);
}

// ---------------------------------------------------------------------------------------------
// Decoding

trigger_status decode_status(std::string_view json, const cit_limits& limits) {
    if (json.size() > limits.max_json_bytes) {
        fail(errc::limit, "trigger status is {} bytes, above the limit {}", json.size(),
             limits.max_json_bytes);
    }
    rapidjson::Document doc;
    const json_value& root = wire_json::parse_object(doc, json, "trigger status");
    check_duplicates(root, status_members, nullptr, 0);
    reader r(limits);

    trigger_status s;
    {
        const place where{top("status")};
        const auto status = parse_status_value(r.text(require(root, "status", where), where));
        if (!status) {
            fail_type(where,
                      "a trigger status (pending, active, complete, processed, failed, "
                      "cancelling, cancelled)");
        }
        s.status = *status;
    }
    s.ctime = seconds(require(root, "ctime", {top("ctime")}), {top("ctime")});
    s.mtime = seconds(require(root, "mtime", {top("mtime")}), {top("mtime")});
    if (const json_value* etime = find(root, "etime")) {
        s.etime = seconds(*etime, {top("etime")});
    }

    const json_value& trigger = trigger_object(root);
    check_trigger_duplicates(trigger, trigger_members);
    s.type = decode_type(r, trigger);
    if (const json_value* m = find(trigger, "content.urls")) {
        s.content_urls = r.strings(*m, top("trigger.content.urls"), url_problem);
    }
    if (const json_value* m = find(trigger, "metadata.urls")) {
        s.metadata_urls = r.strings(*m, top("trigger.metadata.urls"), url_problem);
    }

    if (const json_value* errors = find(root, "errors")) {
        if (!errors->IsArray()) {
            fail_type({top("errors")}, "an array");
        }
        if (errors->Size() > limits.max_errors) {
            fail(errc::limit, "member 'errors' has {} entries, above the limit {}", errors->Size(),
                 limits.max_errors);
        }
        s.errors.reserve(errors->Size());
        for (rapidjson::SizeType i = 0; i < errors->Size(); ++i) {
            s.errors.push_back(decode_error(r, (*errors)[i], i));
        }
    }
    return s;
}

command decode_command(std::string_view json, const cit_limits& limits) {
    if (json.size() > limits.max_json_bytes) {
        fail(errc::limit, "trigger command is {} bytes, above the limit {}", json.size(),
             limits.max_json_bytes);
    }
    rapidjson::Document doc;
    const json_value& root = wire_json::parse_object(doc, json, "trigger command");
    check_duplicates(root, command_members, nullptr, 0);
    const json_value* trigger = find(root, "trigger");
    const json_value* cancel = find(root, "cancel");
    if (trigger != nullptr && cancel != nullptr) {
        fail(errc::parse, "members 'trigger' and 'cancel' are both present");
    }
    if (trigger == nullptr && cancel == nullptr) {
        fail(errc::parse, "member 'trigger' or 'cancel' is missing");
    }
    reader r(limits);
    command cmd;
    cmd.cdn_path = r.cdn_path(root);
    if (trigger != nullptr) {
        cmd.trigger = decode_trigger(r, trigger_object(root));
        cmd.trigger->cdn_path = cmd.cdn_path;
    } else {
        cmd.cancel = r.strings(*cancel, top("cancel"), url_problem);
        if (cmd.cancel.empty()) {
            fail_at({top("cancel")}, "is empty");
        }
    }
    return cmd;
}

// ---------------------------------------------------------------------------------------------
// Equality

bool operator==(const pattern_match& a, const pattern_match& b) noexcept {
    return a.pattern == b.pattern && a.case_sensitive == b.case_sensitive &&
           a.match_query_string == b.match_query_string;
}

bool operator==(const trigger_command& a, const trigger_command& b) noexcept {
    return a.type == b.type && a.content_urls == b.content_urls &&
           a.metadata_urls == b.metadata_urls && a.content_ccids == b.content_ccids &&
           a.content_patterns == b.content_patterns && a.metadata_patterns == b.metadata_patterns &&
           a.cdn_path == b.cdn_path;
}

bool operator==(const status_error& a, const status_error& b) noexcept {
    return a.code == b.code && a.code_text == b.code_text && a.content_urls == b.content_urls &&
           a.metadata_urls == b.metadata_urls && a.description == b.description;
}

bool operator==(const trigger_status& a, const trigger_status& b) noexcept {
    return a.status == b.status && a.ctime == b.ctime && a.mtime == b.mtime && a.etime == b.etime &&
           a.type == b.type && a.content_urls == b.content_urls &&
           a.metadata_urls == b.metadata_urls && a.errors == b.errors;
}

bool operator==(const command& a, const command& b) noexcept {
    return a.trigger == b.trigger && a.cancel == b.cancel && a.cdn_path == b.cdn_path;
}

}  // namespace p2pcdn::cit
