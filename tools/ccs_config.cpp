// The CCS configuration file: parsing, checking, secrets and the C ABI option structs.
#include "ccs_config.hpp"

#include <algorithm>
#include <cstdlib>
#include <limits>

namespace p2pcdn_cli {
namespace {

constexpr std::size_t url_max = 8192;
constexpr std::size_t path_max = 4096;
constexpr std::size_t name_max = 256;
constexpr std::size_t secret_file_max = 65536;
constexpr std::int64_t ttl_max_s = 10LL * 365 * 24 * 3600;  // the CDN client's limit
constexpr std::uint32_t u32_max = std::numeric_limits<std::uint32_t>::max();
constexpr std::int64_t hour_ms = 3600 * 1000;
constexpr std::int64_t day_ms = 24 * hour_ms;

std::string resolve_path(const std::string& base_dir, const std::string& path) {
    if (path.front() == '/' || base_dir.empty()) {
        return path;
    }
    return base_dir + "/" + path;
}

bool starts_with_ci(std::string_view text, std::string_view prefix) {
    if (text.size() < prefix.size()) {
        return false;
    }
    for (std::size_t i = 0; i < prefix.size(); ++i) {
        const char c = text[i];
        if ((c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c) != prefix[i]) {
            return false;
        }
    }
    return true;
}

// An http or https URL; a template must also have {piece}. The library checks the rest.
std::optional<std::string> url(const json_object& o, const char* name, bool piece_template) {
    auto value = o.text(name, url_max);
    if (!value) {
        return value;
    }
    if (!starts_with_ci(*value, "http://") && !starts_with_ci(*value, "https://")) {
        o.fail(name, "is not an http:// or https:// URL");
    }
    if (piece_template && value->find("{piece}") == std::string::npos) {
        o.fail(name, "has no {piece} placeholder");
    }
    return value;
}

std::string required_url(const json_object& o, const char* name, bool piece_template) {
    auto value = url(o, name, piece_template);
    if (!value) {
        o.fail(name, "is missing");
    }
    return *value;
}

bool is_content_id(std::string_view id) {
    return !id.empty() && id.size() <= P2PCDN_CONTENT_ID_MAX &&
           std::all_of(id.begin(), id.end(), [](char c) {
               return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
                      c == '-' || c == '.' || c == '_' || c == '~';
           });
}

bool is_env_name(std::string_view name) {
    if (name.empty() || (name[0] >= '0' && name[0] <= '9')) {
        return false;
    }
    return std::all_of(name.begin(), name.end(), [](char c) {
        return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
               c == '_';
    });
}

// Picks one of `choices` (a null-terminated list) by name, or fails naming them.
int choice(const json_object& o, const char* name, const std::string& value,
           const char* const* choices, const char* expected) {
    for (int k = 0; choices[k] != nullptr; ++k) {
        if (value == choices[k]) {
            return k;
        }
    }
    o.fail(name, "is '" + value + "', expected " + expected);
}

// The secret `base` of a signer: base_env or base_file, never base itself (unless
// allow_inline, for a value that is not secret).
secret_ref secret(const json_object& o, const std::string& base, const std::string& base_dir,
                  bool required, bool allow_inline = false) {
    secret_ref ref;
    ref.member = o.member(base.c_str());
    const std::string env_name = base + "_env";
    const std::string file_name = base + "_file";
    std::optional<std::string> inline_value;
    if (allow_inline) {
        inline_value = o.text(base.c_str(), name_max);
    } else if (o.has(base.c_str())) {
        o.fail(base.c_str(), "secrets are never written in the file: name them with " + env_name +
                                 " or " + file_name);
    }
    const auto env = o.text(env_name.c_str(), name_max);
    const auto file = o.text(file_name.c_str(), path_max);
    const int given = int(inline_value.has_value()) + int(env.has_value()) + int(file.has_value());
    if (given > 1) {
        o.fail(base.c_str(), "give only one of " + std::string(allow_inline ? base + ", " : "") +
                                 env_name + " and " + file_name);
    }
    if (given == 0 && required) {
        o.fail(base.c_str(), "is missing: give " + env_name + " or " + file_name);
    }
    if (env) {
        if (!is_env_name(*env)) {
            o.fail(env_name.c_str(), "is not an environment variable name");
        }
        ref.env = *env;
    }
    if (file) {
        ref.file = resolve_path(base_dir, *file);
    }
    if (inline_value) {
        ref.value = *inline_value;
    }
    return ref;
}

bool is_token(std::string_view s) {
    return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) {
        return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
               std::string_view("!#$%&'*+-.^_`|~").find(c) != std::string_view::npos;
    });
}

signer_config parse_signer(const json_object& o, const std::string& base_dir) {
    static const char* const kinds[] = {"none", "bearer", "header", "aws-sigv4", nullptr};
    signer_config s;
    const int kind = choice(o, "kind", o.required_text("kind", name_max), kinds,
                            "none, bearer, header or aws-sigv4");
    switch (kind) {
        case 0: s.kind = P2PCDN_SIGNER_NONE; break;
        case 1:
            s.kind = P2PCDN_SIGNER_BEARER;
            s.token = secret(o, "token", base_dir, true);
            break;
        case 2:
            s.kind = P2PCDN_SIGNER_HEADER;
            s.header_name = o.required_text("name", name_max);
            if (!is_token(s.header_name)) {
                o.fail("name", "is not an HTTP header name");
            }
            s.header_value = secret(o, "value", base_dir, true);
            break;
        default:
            s.kind = P2PCDN_SIGNER_AWS_SIGV4;
            s.access_key_id = secret(o, "access_key_id", base_dir, true, true);
            s.secret_access_key = secret(o, "secret_access_key", base_dir, true);
            s.session_token = secret(o, "session_token", base_dir, false);
            s.region = o.required_text("region", name_max);
            s.service = o.text("service", name_max).value_or("");
            if (const auto rules = o.boolean("s3_rules")) {
                s.s3_rules = *rules ? 1 : -1;
            }
            s.unsigned_payload = o.boolean("unsigned_payload").value_or(false);
            break;
    }
    return s;
}

signer_config optional_signer(const json_object& o, const std::string& base_dir) {
    const auto signer = o.object("signer");
    return signer ? parse_signer(*signer, base_dir) : signer_config{};
}

content_config parse_content(const json_object& o, const std::string& base_dir) {
    content_config c;
    if (auto id = o.text("id", name_max)) {
        if (!is_content_id(*id)) {
            o.fail("id", "is not a content id (1 to 128 of A-Z a-z 0-9 - . _ ~)");
        }
        c.id = std::move(*id);
    }
    c.length = o.unsigned_integer("length", 1, std::numeric_limits<std::uint64_t>::max());
    if (const auto pl = o.unsigned_integer("piece_length", 1, P2PCDN_PIECE_LENGTH_MAX)) {
        c.piece_length = static_cast<std::uint32_t>(*pl);
    }
    if (c.length && c.piece_length &&
        (*c.length - 1) / *c.piece_length + 1 > P2PCDN_BITMAP_MAX_BITS) {
        o.fail("length", "makes more than " + std::to_string(P2PCDN_BITMAP_MAX_BITS) +
                             " pieces of piece_length " + std::to_string(*c.piece_length));
    }

    static const char* const sources[] = {"hash_file", "hash_list", "file"};
    const char* source_name = nullptr;
    for (int k = 0; k < 3; ++k) {
        if (auto path = o.text(sources[k], path_max)) {
            if (source_name != nullptr) {
                o.fail(sources[k], std::string("give only one of hash_file, hash_list and file "
                                               "(") +
                                       source_name + " is given too)");
            }
            source_name = sources[k];
            c.source = static_cast<hash_source>(k + 1);
            c.path = resolve_path(base_dir, *path);
        }
    }
    if (const auto algo = o.text("algo", name_max)) {
        static const char* const algos[] = {"sha1", "sha256", nullptr};
        c.algo = choice(o, "algo", *algo, algos, "sha1 or sha256") == 0 ? P2PCDN_HASH_SHA1
                                                                        : P2PCDN_HASH_SHA256;
    }
    if (const auto format = o.text("hash_list_format", name_max)) {
        static const char* const formats[] = {"hex", "raw", nullptr};
        c.hex = choice(o, "hash_list_format", *format, formats, "hex or raw") == 0;
    }
    // The hash file carries the layout and the content file its length; otherwise the file
    // must give them.
    if (c.source != hash_source::hash_file) {
        if (c.id.empty()) {
            o.fail("id", "is missing");
        }
        if (!c.piece_length) {
            o.fail("piece_length", "is missing");
        }
        if (!c.length && c.source != hash_source::content_file) {
            o.fail("length", "is missing");
        }
    }
    return c;
}

css_config parse_css(const json_object& o, const std::string& base_dir) {
    css_config c;
    c.object_url = url(o, "object_url", false).value_or("");
    c.piece_template = url(o, "piece_template", true).value_or("");
    if (c.object_url.empty() == c.piece_template.empty()) {
        o.fail("object_url", "give exactly one of object_url and piece_template");
    }
    c.signer = optional_signer(o, base_dir);
    return c;
}

std::optional<std::vector<int>> parse_chain(const json_object& o, const char* name,
                                            const cdn_config& c) {
    if (o.array(name, P2PCDN_CDN_CHAIN_MAX) == nullptr) {
        return std::nullopt;
    }
    static const char* const drivers[] = {"origin", "edge", "cit", nullptr};
    const bool configured[] = {!c.origin_ingest_template.empty(), !c.edges.empty(),
                               !c.cit_collection_url.empty()};
    const std::vector<std::string> names = o.texts(name, P2PCDN_CDN_CHAIN_MAX, name_max);
    std::vector<int> chain;
    for (std::size_t i = 0; i < names.size(); ++i) {
        const std::string element = element_path(name, i);
        const int driver = choice(o, element.c_str(), names[i], drivers, "origin, edge or cit");
        if (!configured[driver]) {
            o.fail(element.c_str(), "names " + names[i] + ", which has no section in cdn");
        }
        if (std::find(chain.begin(), chain.end(), driver) != chain.end()) {
            o.fail(element.c_str(), "names " + names[i] + " twice");
        }
        chain.push_back(driver);
    }
    return chain;
}

void parse_http(const json_object& o, cdn_config& c, const std::string& base_dir) {
    p2pcdn_cdn_options& s = c.scalars;
    if (auto ca = o.text("ca_file", path_max)) {
        c.ca_file = resolve_path(base_dir, *ca);
    }
    if (auto ca = o.text("ca_path", path_max)) {
        c.ca_path = resolve_path(base_dir, *ca);
    }
    s.insecure_skip_verify = o.boolean("insecure_skip_verify").value_or(false) ? 1 : 0;
    s.connect_timeout_ms = o.integer("connect_timeout_ms", 0, hour_ms).value_or(0);
    s.timeout_ms = o.integer("timeout_ms", 0, day_ms).value_or(0);
    s.low_speed_bytes_per_s = static_cast<std::uint32_t>(
        o.unsigned_integer("low_speed_bytes_per_s", 0, u32_max).value_or(0));
    s.low_speed_time_s =
        static_cast<std::uint32_t>(o.unsigned_integer("low_speed_time_s", 0, 86400).value_or(0));
    s.max_redirects = static_cast<std::int32_t>(o.integer("max_redirects", -1, 50).value_or(0));
    s.max_per_host =
        static_cast<std::uint32_t>(o.unsigned_integer("max_per_host", 0, 1024).value_or(0));
    s.max_parallel =
        static_cast<std::uint32_t>(o.unsigned_integer("max_parallel", 0, 4096).value_or(0));
    s.refuse_private_addresses = o.boolean("refuse_private_addresses").value_or(false) ? 1 : 0;
    c.user_agent = o.text("user_agent", name_max).value_or("");
}

void parse_retry(const json_object& o, p2pcdn_cdn_options& s) {
    s.retry_max_attempts =
        static_cast<std::uint32_t>(o.unsigned_integer("max_attempts", 0, 100).value_or(0));
    s.retry_job_budget =
        static_cast<std::uint32_t>(o.unsigned_integer("job_budget", 0, u32_max).value_or(0));
    s.retry_base_delay_ms = o.integer("base_delay_ms", 0, hour_ms).value_or(0);
    s.retry_max_delay_ms = o.integer("max_delay_ms", 0, day_ms).value_or(0);
    s.retry_seed =
        o.unsigned_integer("seed", 0, std::numeric_limits<std::uint64_t>::max()).value_or(0);
}

cdn_config parse_cdn(const json_object& o, const std::string& base_dir) {
    cdn_config c;
    c.delivery_template = required_url(o, "delivery_template", true);
    if (const auto origin = o.object("origin")) {
        c.origin_ingest_template = required_url(*origin, "ingest_template", true);
        c.origin_content_type = origin->text("content_type", name_max).value_or("");
        c.origin_send_expires = origin->boolean("send_expires").value_or(false);
        c.origin_digest = origin->boolean("digest").value_or(true);
        c.origin_signer = optional_signer(*origin, base_dir);
    }
    if (const auto edge = o.object("edge")) {
        if (edge->array("edges", P2PCDN_CDN_EDGES_MAX) == nullptr) {
            edge->fail("edges", "is missing");
        }
        c.edges = edge->texts("edges", P2PCDN_CDN_EDGES_MAX, url_max);
        if (c.edges.empty()) {
            edge->fail("edges", "is empty");
        }
        for (std::size_t i = 0; i < c.edges.size(); ++i) {
            if (!starts_with_ci(c.edges[i], "http://") && !starts_with_ci(c.edges[i], "https://")) {
                edge->fail(element_path("edges", i).c_str(), "is not an http:// or https:// URL");
            }
        }
        c.edge_method = edge->text("method", name_max).value_or("");
        if (!c.edge_method.empty() && !is_token(c.edge_method)) {
            edge->fail("method", "is not an HTTP method");
        }
        c.edge_signer = optional_signer(*edge, base_dir);
    }
    if (const auto cit = o.object("cit")) {
        c.cit_collection_url = required_url(*cit, "collection_url", false);
        c.cit_cdn_path = cit->texts("cdn_path", P2PCDN_CDN_PATH_MAX, name_max);
        c.cit_ingest_type = cit->text("ingest_type", name_max).value_or("");
        if (auto purge = cit->text("purge_type", name_max)) {
            static const char* const types[] = {"purge", "invalidate", nullptr};
            choice(*cit, "purge_type", *purge, types, "purge or invalidate");
            c.cit_purge_type = std::move(*purge);
        }
        c.scalars.cit_poll_interval_ms = cit->integer("poll_interval_ms", 0, hour_ms).value_or(0);
        c.scalars.cit_max_poll_ms = cit->integer("max_poll_ms", 0, day_ms).value_or(0);
        c.scalars.cit_max_urls_per_trigger = static_cast<std::size_t>(
            cit->unsigned_integer("max_urls_per_trigger", 0, P2PCDN_CDN_JOB_MAX_PIECES)
                .value_or(0));
        c.cit_signer = optional_signer(*cit, base_dir);
    }
    c.ingest_chain = parse_chain(o, "ingest_chain", c);
    c.purge_chain = parse_chain(o, "purge_chain", c);
    if (const auto http = o.object("http")) {
        parse_http(*http, c, base_dir);
    }
    if (const auto retry = o.object("retry")) {
        parse_retry(*retry, c.scalars);
    }
    return c;
}

std::uint32_t u32(const json_object& o, const char* name, std::uint64_t min = 0) {
    return static_cast<std::uint32_t>(o.unsigned_integer(name, min, u32_max).value_or(0));
}

policy_config parse_policy(const json_object& o) {
    static const char* const kinds[] = {"threshold", "budget", "ttl", "all", "none", nullptr};
    policy_config p;
    p.kind = static_cast<policy_kind>(choice(o, "kind", o.required_text("kind", name_max), kinds,
                                             "threshold, budget, ttl, all or none"));
    // Each option is the C field of the same name: absent or 0 is the library's default.
    const auto residency = [&o] {
        return o.integer("min_residency_ms", 0, std::numeric_limits<std::int64_t>::max())
            .value_or(0);
    };
    switch (p.kind) {
        case policy_kind::threshold: {
            auto& t = p.threshold;
            t.low_copies = u32(o, "low_copies");
            t.high_copies = u32(o, "high_copies");
            t.min_residency_ms = residency();
            t.max_changes = u32(o, "max_changes");
            t.capacity_bytes =
                o.unsigned_integer("capacity_bytes", 0, std::numeric_limits<std::uint64_t>::max())
                    .value_or(0);
            t.ttl_s =
                static_cast<std::uint32_t>(o.unsigned_integer("ttl_s", 0, ttl_max_s).value_or(0));
            const std::uint32_t low = t.low_copies ? t.low_copies : 2;
            const std::uint32_t high = t.high_copies ? t.high_copies : 4;
            if (high <= low) {
                o.fail("high_copies", "is " + std::to_string(high) + ", not above low_copies " +
                                          std::to_string(low));
            }
            break;
        }
        case policy_kind::budget: {
            auto& b = p.budget;
            b.budget_bytes =
                o.unsigned_integer("budget_bytes", 0, std::numeric_limits<std::uint64_t>::max())
                    .value_or(0);
            b.max_changes = u32(o, "max_changes");
            b.min_residency_ms = residency();
            b.ttl_s =
                static_cast<std::uint32_t>(o.unsigned_integer("ttl_s", 0, ttl_max_s).value_or(0));
            break;
        }
        case policy_kind::ttl: {
            auto& t = p.ttl;
            t.low_copies = u32(o, "low_copies");
            t.ttl_s =
                static_cast<std::uint32_t>(o.unsigned_integer("ttl_s", 0, ttl_max_s).value_or(0));
            t.renew_before_s = u32(o, "renew_before_s");
            t.max_changes = u32(o, "max_changes");
            const std::uint32_t ttl = t.ttl_s ? t.ttl_s : 600;
            if (t.renew_before_s >= ttl) {
                o.fail("renew_before_s", "is " + std::to_string(t.renew_before_s) +
                                             ", not below ttl_s " + std::to_string(ttl));
            }
            break;
        }
        case policy_kind::all:
        case policy_kind::none: break;
    }
    return p;
}

p2pcdn_signer_options signer_options(const signer_config& s) {
    p2pcdn_signer_options o = P2PCDN_SIGNER_OPTIONS_INIT;
    o.kind = s.kind;
    const auto ptr = [](const std::string& v) { return v.empty() ? nullptr : v.c_str(); };
    switch (s.kind) {
        case P2PCDN_SIGNER_BEARER: o.token = s.token.value.c_str(); break;
        case P2PCDN_SIGNER_HEADER:
            o.header_name = s.header_name.c_str();
            o.header_value = s.header_value.value.c_str();
            break;
        case P2PCDN_SIGNER_AWS_SIGV4:
            o.access_key_id = s.access_key_id.value.c_str();
            o.secret_access_key = s.secret_access_key.value.c_str();
            o.session_token = ptr(s.session_token.value);
            o.region = s.region.c_str();
            o.service = ptr(s.service);
            o.s3_rules = s.s3_rules;
            o.unsigned_payload = s.unsigned_payload ? 1 : 0;
            break;
        default: break;
    }
    return o;
}

void resolve(signer_config& s, const secret_reader& reader) {
    for (secret_ref* ref :
         {&s.token, &s.header_value, &s.access_key_id, &s.secret_access_key, &s.session_token}) {
        if (ref->given()) {
            ref->value = reader(*ref);
        }
    }
}

// A non-NULL chain of length 0 means "no chain", but data() of an empty vector may be NULL,
// which would mean "the default".
const int empty_chain[1] = {0};

const char* c_str_or_null(const std::string& s) {
    return s.empty() ? nullptr : s.c_str();
}

}  // namespace

const char* policy_kind_name(policy_kind kind) {
    static const char* const names[] = {"threshold", "budget", "ttl", "all", "none"};
    return names[static_cast<int>(kind)];
}

std::string read_secret(const secret_ref& ref) {
    std::string value;
    if (!ref.env.empty()) {
        const char* v = std::getenv(ref.env.c_str());
        if (v == nullptr || *v == '\0') {
            throw config_error(ref.member + "_env: the environment variable " + ref.env +
                               (v == nullptr ? " is not set" : " is empty"));
        }
        value = v;
    } else {
        value = read_text_file(ref.file, secret_file_max, ref.member + "_file");
        // A file written by an editor or `echo` ends with a line break that is not the secret's.
        while (!value.empty() && (value.back() == '\n' || value.back() == '\r')) {
            value.pop_back();
        }
        if (value.empty()) {
            throw config_error(ref.member + "_file: '" + ref.file + "' is empty");
        }
    }
    if (value.find_first_of("\r\n", 0) != std::string::npos ||
        value.find('\0') != std::string::npos) {
        throw config_error(ref.member + ": the secret holds a line break or NUL");
    }
    return value;
}

void ccs_config::resolve_secrets(const secret_reader& reader) {
    if (css) {
        resolve(css->signer, reader);
        signers_[0] = signer_options(css->signer);
        css_options_ = P2PCDN_CSS_OPTIONS_INIT;
        css_options_.object_url = c_str_or_null(css->object_url);
        css_options_.piece_template = c_str_or_null(css->piece_template);
        css_options_.signer = &signers_[0];
    }
    if (!cdn) {
        return;
    }
    cdn_config& c = *cdn;
    resolve(c.origin_signer, reader);
    resolve(c.edge_signer, reader);
    resolve(c.cit_signer, reader);
    signers_[1] = signer_options(c.origin_signer);
    signers_[2] = signer_options(c.edge_signer);
    signers_[3] = signer_options(c.cit_signer);

    p2pcdn_cdn_options& o = cdn_options_;
    o = c.scalars;
    o.ca_file = c_str_or_null(c.ca_file);
    o.ca_path = c_str_or_null(c.ca_path);
    o.user_agent = c_str_or_null(c.user_agent);
    o.delivery_template = c.delivery_template.c_str();
    if (c.ingest_chain) {
        o.ingest_chain = c.ingest_chain->empty() ? empty_chain : c.ingest_chain->data();
        o.ingest_chain_len = c.ingest_chain->size();
    }
    if (c.purge_chain) {
        o.purge_chain = c.purge_chain->empty() ? empty_chain : c.purge_chain->data();
        o.purge_chain_len = c.purge_chain->size();
    }
    o.origin_ingest_template = c_str_or_null(c.origin_ingest_template);
    o.origin_content_type = c_str_or_null(c.origin_content_type);
    o.origin_send_expires = c.origin_send_expires ? 1 : 0;
    o.origin_omit_digest = c.origin_digest ? 0 : 1;
    o.origin_signer = &signers_[1];
    edge_ptrs_.clear();
    for (const auto& e : c.edges) {
        edge_ptrs_.push_back(e.c_str());
    }
    o.edges = edge_ptrs_.empty() ? nullptr : edge_ptrs_.data();
    o.edge_count = edge_ptrs_.size();
    o.edge_method = c_str_or_null(c.edge_method);
    o.edge_signer = &signers_[2];
    o.cit_collection_url = c_str_or_null(c.cit_collection_url);
    cdn_path_ptrs_.clear();
    for (const auto& p : c.cit_cdn_path) {
        cdn_path_ptrs_.push_back(p.c_str());
    }
    o.cit_cdn_path = cdn_path_ptrs_.empty() ? nullptr : cdn_path_ptrs_.data();
    o.cit_cdn_path_len = cdn_path_ptrs_.size();
    o.cit_ingest_type = c_str_or_null(c.cit_ingest_type);
    o.cit_purge_type = c_str_or_null(c.cit_purge_type);
    o.cit_signer = &signers_[3];
}

std::unique_ptr<ccs_config> parse_ccs_config(std::string_view text, const std::string& base_dir) {
    const json_document doc(text, ccs_config_max_bytes, "the configuration");
    const json_object root(doc.root(), "");
    const auto version = root.integer("v", std::numeric_limits<std::int64_t>::min(),
                                      std::numeric_limits<std::int64_t>::max());
    if (!version) {
        root.fail("v", "is missing");
    }
    if (*version != 1) {
        root.fail("v", "is " + std::to_string(*version) + ", only version 1 is supported");
    }
    auto config = std::make_unique<ccs_config>();
    config->base_dir = base_dir;
    if (const auto o = root.object("content")) {
        config->content = parse_content(*o, base_dir);
    }
    if (const auto o = root.object("css")) {
        config->css = parse_css(*o, base_dir);
    }
    if (const auto o = root.object("cdn")) {
        config->cdn = parse_cdn(*o, base_dir);
    }
    if (const auto o = root.object("policy")) {
        config->policy = parse_policy(*o);
    }
    if (const auto o = root.object("tracker")) {
        config->tracker_url = required_url(*o, "url", false);
    }
    if (const auto o = root.object("journal")) {
        config->journal_path = resolve_path(base_dir, o->required_text("path", path_max));
    }
    config->ttl_s = root.integer("ttl_s", 1, ttl_max_s).value_or(ccs_default_ttl_s);
    // The margin withdraws a URI from the tracker before its object expires: it must leave
    // some of the TTL.
    config->safety_margin_s = root.integer("safety_margin_s", 0, config->ttl_s - 1)
                                  .value_or(std::min<std::int64_t>(30, config->ttl_s / 2));
    return config;
}

std::unique_ptr<ccs_config> load_ccs_config(const std::string& path, bool with_secrets) {
    const std::string text = read_text_file(path, ccs_config_max_bytes, "the configuration");
    const auto slash = path.rfind('/');
    auto config = parse_ccs_config(text, slash == std::string::npos ? "" : path.substr(0, slash));
    if (with_secrets) {
        config->resolve_secrets();
    }
    return config;
}

p2pcdn_policy* make_policy(const ccs_config& config) {
    if (!config.policy) {
        throw config_error("policy: the configuration has no policy section");
    }
    const policy_config& p = *config.policy;
    p2pcdn_policy* policy = nullptr;
    int rc = P2PCDN_OK;
    switch (p.kind) {
        case policy_kind::threshold: rc = p2pcdn_policy_new_threshold(&policy, &p.threshold); break;
        case policy_kind::budget: rc = p2pcdn_policy_new_budget(&policy, &p.budget); break;
        case policy_kind::ttl: rc = p2pcdn_policy_new_ttl(&policy, &p.ttl); break;
        case policy_kind::all: rc = p2pcdn_policy_new_all(&policy); break;
        case policy_kind::none: rc = p2pcdn_policy_new_none(&policy); break;
    }
    if (rc != P2PCDN_OK) {
        throw config_error(std::string("policy: ") + p2pcdn_last_error());
    }
    return policy;
}

}  // namespace p2pcdn_cli
