// The CCS configuration file (docs/protocol.md, "CCS configuration file"): what `p2pcdn ccs`,
// `p2pcdn ingest`, `p2pcdn purge` and `p2pcdn policy` read. parse_ccs_config checks every
// member and keeps the values; resolve_secrets reads the secrets the file names (environment
// variables or files, never the file itself) and builds the C ABI option structs, whose strings
// point into the config: it is neither copied nor moved.
#pragma once

#include "json_reader.hpp"

#include <p2pcdn/p2pcdn.h>

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace p2pcdn_cli {

// The largest configuration file read.
constexpr std::size_t ccs_config_max_bytes = 1u << 20;
// The default TTL of ingested objects when the file gives none.
constexpr std::int64_t ccs_default_ttl_s = 3600;

// A secret the file names: an environment variable or a file, never its value. `value` is
// filled by resolve_secrets and must never be printed.
struct secret_ref {
    std::string member;  // "cdn.origin.signer.token": what messages name
    std::string env;     // the variable, or
    std::string file;    // the file (relative paths are against the configuration's directory)
    std::string value;
    bool given() const { return !env.empty() || !file.empty(); }
};

struct signer_config {
    int kind = P2PCDN_SIGNER_NONE;
    secret_ref token;          // bearer
    std::string header_name;   // header
    secret_ref header_value;   // header
    secret_ref access_key_id;  // aws-sigv4 (not a secret, but may be kept apart like one)
    secret_ref secret_access_key;
    secret_ref session_token;  // optional
    std::string region;
    std::string service;  // empty: the library's default, s3
    int s3_rules = 0;
    bool unsigned_payload = false;
};

// Where the content's piece hashes come from.
enum class hash_source {
    none,          // no hashes: enough for purge and policy, not for ingest
    hash_file,     // the output of `p2pcdn hash --json`
    hash_list,     // a piece hash list, raw or hex (docs/protocol.md, "Piece hash list")
    content_file,  // the content itself, hashed at start-up
};

struct content_config {
    std::string id;  // empty when the hash file gives it
    std::optional<std::uint64_t> length;
    std::optional<std::uint32_t> piece_length;
    hash_source source = hash_source::none;
    std::string path;
    int algo = P2PCDN_HASH_SHA1;  // hash_list and content_file
    bool hex = true;              // hash_list
};

struct css_config {
    std::string object_url;
    std::string piece_template;
    signer_config signer;
};

struct cdn_config {
    std::string delivery_template;
    std::string origin_ingest_template;
    std::string origin_content_type;
    bool origin_send_expires = false;
    bool origin_digest = true;  // Content-Digest on every PUT
    signer_config origin_signer;
    std::vector<std::string> edges;
    std::string edge_method;
    signer_config edge_signer;
    std::string cit_collection_url;
    std::vector<std::string> cit_cdn_path;
    std::string cit_ingest_type;
    std::string cit_purge_type;
    signer_config cit_signer;
    std::optional<std::vector<int>> ingest_chain;  // nullopt: the library's default
    std::optional<std::vector<int>> purge_chain;
    std::string ca_file;
    std::string ca_path;
    std::string user_agent;
    // Scalars (HTTP, retry, CI/T polling) straight in the C struct: no pointers in them.
    p2pcdn_cdn_options scalars = P2PCDN_CDN_OPTIONS_INIT;
};

enum class policy_kind { threshold, budget, ttl, all, none };

struct policy_config {
    policy_kind kind = policy_kind::threshold;
    p2pcdn_policy_threshold_options threshold = P2PCDN_POLICY_THRESHOLD_OPTIONS_INIT;
    p2pcdn_policy_budget_options budget = P2PCDN_POLICY_BUDGET_OPTIONS_INIT;
    p2pcdn_policy_ttl_options ttl = P2PCDN_POLICY_TTL_OPTIONS_INIT;
};

const char* policy_kind_name(policy_kind kind);

// Reads a secret's value (an environment variable or a file); config_error naming ref.member
// when it is not there. The value is never in a message.
using secret_reader = std::function<std::string(const secret_ref& ref)>;
std::string read_secret(const secret_ref& ref);

class ccs_config {
public:
    ccs_config() = default;
    ccs_config(const ccs_config&) = delete;
    ccs_config& operator=(const ccs_config&) = delete;

    std::string base_dir;  // of the file: relative paths in it are against this
    std::optional<content_config> content;
    std::optional<css_config> css;
    std::optional<cdn_config> cdn;
    std::optional<policy_config> policy;
    std::string tracker_url;   // empty when not given
    std::string journal_path;  // empty when not given
    std::int64_t ttl_s = ccs_default_ttl_s;
    std::int64_t safety_margin_s = 30;

    // Reads every secret the file names and builds the option structs below. Called once.
    void resolve_secrets(const secret_reader& reader = read_secret);

    // After resolve_secrets; nullptr when the file has no such section.
    const p2pcdn_cdn_options* cdn_options() const { return cdn ? &cdn_options_ : nullptr; }
    const p2pcdn_css_options* css_options() const { return css ? &css_options_ : nullptr; }

private:
    p2pcdn_cdn_options cdn_options_ = P2PCDN_CDN_OPTIONS_INIT;
    p2pcdn_css_options css_options_ = P2PCDN_CSS_OPTIONS_INIT;
    p2pcdn_signer_options signers_[4] = {};  // css, origin, edge, cit
    std::vector<const char*> edge_ptrs_;
    std::vector<const char*> cdn_path_ptrs_;
};

// Parses and checks the text of a configuration file (config_error naming the first bad
// member). base_dir: the directory relative paths in it are against ("" for the current one).
std::unique_ptr<ccs_config> parse_ccs_config(std::string_view text, const std::string& base_dir);

// Reads and parses the file at `path`, then resolves its secrets when with_secrets (a command
// that sends nothing, like `p2pcdn policy`, needs none of them set).
std::unique_ptr<ccs_config> load_ccs_config(const std::string& path, bool with_secrets);

// A new policy as the config says (config_error when it has no policy section).
p2pcdn_policy* make_policy(const ccs_config& config);

}  // namespace p2pcdn_cli
