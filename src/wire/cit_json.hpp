// RFC 8007 CDNI Control Interface / Triggers (CI/T v1) messages, as JSON (docs/protocol.md,
// "RFC 8007 triggers"): the trigger and cancel commands the CDN client POSTs with the media
// type "application/cdni; ptype=ci-trigger-command", and the trigger status resource
// ("ptype=ci-trigger-status") it polls.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace p2pcdn::cit {

inline constexpr std::string_view command_media_type = "application/cdni; ptype=ci-trigger-command";
inline constexpr std::string_view status_media_type = "application/cdni; ptype=ci-trigger-status";

// RFC 8007 section 5.2.2 (IANA "CDNI CI/T Trigger Types").
enum class trigger_type { preposition, invalidate, purge };
// RFC 8007 section 5.2.3 (trigger status values).
enum class status_value { pending, active, complete, processed, failed, cancelling, cancelled };
// RFC 8007 section 5.2.7 (IANA "CDNI CI/T Error Codes"); unknown: any other string, which the
// client must treat as fatal and never retry.
enum class error_code { emeta, econtent, eperm, ereject, ecdn, ecanceled, eunsupported, unknown };

const char* to_string(trigger_type t) noexcept;
const char* to_string(status_value s) noexcept;
const char* to_string(error_code e) noexcept;  // "unknown" for unknown
std::optional<trigger_type> parse_trigger_type(std::string_view text) noexcept;
std::optional<status_value> parse_status_value(std::string_view text) noexcept;
error_code parse_error_code(std::string_view text) noexcept;  // unknown for any other text
// complete, processed, failed and cancelled: the trigger status resource will not change again.
bool is_final(status_value s) noexcept;

// RFC 8007 section 5.2.4: "*" matches any run of characters, "?" one, "$" escapes "$", "*", "?".
struct pattern_match {
    std::string pattern;
    bool case_sensitive = false;
    bool match_query_string = false;
};

struct trigger_command {
    trigger_type type = trigger_type::purge;
    std::vector<std::string> content_urls;
    std::vector<std::string> metadata_urls;
    std::vector<std::string> content_ccids;        // "content.ccid" (RFC 8006 MI.Grouping)
    std::vector<pattern_match> content_patterns;   // not with preposition
    std::vector<pattern_match> metadata_patterns;  // not with preposition
    std::vector<std::string> cdn_path;             // at least one PID "AS<n>:<qualifier>"
};

// Throws errc::invalid for a command RFC 8007 forbids: no URL at all, an empty cdn-path, a PID
// not of the form AS<digits>:<qualifier>, a URL holding control characters or spaces, an empty
// or badly escaped pattern, patterns with preposition.
std::string encode_trigger(const trigger_command& cmd);
// {"cancel": [urls], "cdn-path": [...]}; same checks, and at least one URL.
std::string encode_cancel(const std::vector<std::string>& trigger_urls,
                          const std::vector<std::string>& cdn_path);

struct status_error {
    error_code code = error_code::unknown;
    std::string code_text;  // as received, for unknown codes only (empty for the known ones)
    std::vector<std::string> content_urls;
    std::vector<std::string> metadata_urls;
    std::string description;
};

struct trigger_status {
    status_value status = status_value::pending;
    std::int64_t ctime = 0;  // seconds since the epoch; a fraction received is dropped
    std::int64_t mtime = 0;
    std::optional<std::int64_t> etime;
    trigger_type type = trigger_type::purge;  // of the trigger it reports on
    std::vector<std::string> content_urls;
    std::vector<std::string> metadata_urls;
    std::vector<status_error> errors;
};

struct cit_limits {
    std::size_t max_json_bytes = std::size_t{4} << 20;
    // URLs, ccids and patterns in one message, all arrays together (errors' URLs included).
    std::size_t max_urls = 100000;
    std::size_t max_errors = 10000;
    std::size_t max_string_bytes = 8192;  // each URL, PID, pattern, code, description
    std::size_t max_cdn_path = 64;
};

// Throws errc::parse naming the member and the reason (a missing "status", an unknown status
// or trigger type, a wrong type), errc::limit above the limits. Unknown members are ignored;
// unknown error codes are kept as error_code::unknown with their text. Patterns in the
// status's trigger and errors are not kept.
trigger_status decode_status(std::string_view json, const cit_limits& limits = {});

// The server side, for test endpoints and tools: decode a command (exactly one of "trigger"
// and "cancel", "cdn-path" required) with the same rules; trigger->cdn_path is cdn_path.
struct command {
    std::optional<trigger_command> trigger;
    std::vector<std::string> cancel;  // trigger status URLs to cancel
    std::vector<std::string> cdn_path;
};
command decode_command(std::string_view json, const cit_limits& limits = {});
// Throws errc::invalid for what decode_status would reject (an error code given as unknown
// with an empty or known text, a URL with control characters), so every status it writes
// decodes.
std::string encode_status(const trigger_status& status);

bool operator==(const pattern_match& a, const pattern_match& b) noexcept;
bool operator==(const trigger_command& a, const trigger_command& b) noexcept;
bool operator==(const status_error& a, const status_error& b) noexcept;
bool operator==(const trigger_status& a, const trigger_status& b) noexcept;
bool operator==(const command& a, const command& b) noexcept;

}  // namespace p2pcdn::cit
