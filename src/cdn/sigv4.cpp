// AWS Signature Version 4: the string to sign, the derived key, the signature, and the signer
// that applies them to a request.
#include "cdn/sigv4.hpp"

#include "cdn/header_fields.hpp"
#include "cdn/url_parts.hpp"
#include "core/error.hpp"
#include "core/hex.hpp"

#include <openssl/crypto.h>

#include <fmt/format.h>

#include <algorithm>
#include <utility>

namespace p2pcdn::cdn {
namespace {

// The secret is never sent, so the signer's copies of it are the ones worth wiping.
void wipe(std::string& secret) noexcept {
    OPENSSL_cleanse(secret.data(), secret.size());
}

}  // namespace

namespace sigv4 {
namespace {

constexpr std::string_view algorithm = "AWS4-HMAC-SHA256";
constexpr std::int64_t year_10000_s = 253402300800;

// Bytes that would let a credential field end the Credential parameter or the header early.
bool breaks_authorization(std::string_view field) noexcept {
    return std::any_of(field.begin(), field.end(), [](char c) {
        const auto u = static_cast<unsigned char>(c);
        return u <= 0x20 || u == 0x7f || c == '/' || c == ',' || c == ';' || c == '=';
    });
}

void check_field(std::string_view value, const char* what) {
    if (value.empty()) {
        fail(errc::invalid, "sigv4 signer: the {} is empty", what);
    }
    if (breaks_authorization(value)) {
        fail(errc::invalid,
             "sigv4 signer: the {} holds a space, a control byte or one of /,;=", what);
    }
}

}  // namespace

rules rules_for(const sigv4_credentials& credentials) noexcept {
    rules r;
    r.normalize_path = !credentials.s3;
    r.double_encode_path = !credentials.s3;
    r.payload_header = credentials.s3;
    r.sign_payload = !credentials.s3 || credentials.sign_payload;
    return r;
}

void validate(const sigv4_credentials& credentials) {
    check_field(credentials.access_key_id, "access key id");
    if (credentials.secret_access_key.empty()) {
        fail(errc::invalid, "sigv4 signer: the secret access key is empty");
    }
    check_field(credentials.region, "region");
    check_field(credentials.service, "service");
    if (has_line_break(credentials.session_token)) {
        fail(errc::invalid, "sigv4 signer: the session token holds CR, LF or NUL");
    }
}

std::string amz_date(std::int64_t now_s) {
    if (now_s < 0 || now_s >= year_10000_s) {
        fail(errc::range, "sigv4 signer: time {} is outside the years 1970 to 9999", now_s);
    }
    // Days to civil date (H. Hinnant's algorithm), free of the C library's time zone state.
    const std::int64_t days = now_s / 86400;
    const std::int64_t seconds = now_s % 86400;
    const std::int64_t z = days + 719468;
    const std::int64_t era = z / 146097;
    const std::int64_t doe = z - era * 146097;
    const std::int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    const std::int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    const std::int64_t mp = (5 * doy + 2) / 153;
    const std::int64_t day = doy - (153 * mp + 2) / 5 + 1;
    const std::int64_t month = mp < 10 ? mp + 3 : mp - 9;
    const std::int64_t year = yoe + era * 400 + (month <= 2 ? 1 : 0);
    return fmt::format("{:04}{:02}{:02}T{:02}{:02}{:02}Z", year, month, day, seconds / 3600,
                       seconds / 60 % 60, seconds % 60);
}

std::string credential_scope(std::string_view amz_date, std::string_view region,
                             std::string_view service) {
    return fmt::format("{}/{}/{}/aws4_request", amz_date.substr(0, 8), region, service);
}

std::string string_to_sign(std::string_view amz_date, std::string_view scope,
                           std::string_view canonical_request) {
    return fmt::format("{}\n{}\n{}\n{}", algorithm, amz_date, scope, sha256_hex(canonical_request));
}

sha256_digest signing_key(std::string_view secret, std::string_view date, std::string_view region,
                          std::string_view service) {
    std::string first_key = "AWS4";
    first_key.append(secret);
    sha256_digest key = hmac_sha256(first_key, date);
    wipe(first_key);
    key = hmac_sha256(bytes_of(key), region);
    key = hmac_sha256(bytes_of(key), service);
    return hmac_sha256(bytes_of(key), "aws4_request");
}

std::string signature(const sha256_digest& signing_key, std::string_view string_to_sign) {
    const sha256_digest mac = hmac_sha256(bytes_of(signing_key), string_to_sign);
    return hex::encode(mac.data(), mac.size());
}

signing_steps compute(const request_view& request, const sigv4_credentials& credentials,
                      const rules& r, std::string_view amz_date) {
    if (amz_date.size() != 16) {
        fail(errc::invalid, "sigv4 signer: '{}' is not an X-Amz-Date", amz_date);
    }
    const canonical_headers headers = canonicalize_headers(request.headers);
    signing_steps steps;
    steps.canonical_request =
        canonical_request(request.method, canonical_uri(request.path, r),
                          canonical_query(request.query), headers, request.payload_hash);
    const std::string scope = credential_scope(amz_date, credentials.region, credentials.service);
    steps.string_to_sign = string_to_sign(amz_date, scope, steps.canonical_request);
    steps.signature = signature(signing_key(credentials.secret_access_key, amz_date.substr(0, 8),
                                            credentials.region, credentials.service),
                                steps.string_to_sign);
    steps.authorization =
        fmt::format("{} Credential={}/{}, SignedHeaders={}, Signature={}", algorithm,
                    credentials.access_key_id, scope, headers.signed_headers, steps.signature);
    return steps;
}

signing_steps sign(http::request& req, const sigv4_credentials& credentials, const rules& r,
                   std::int64_t now_s) {
    validate(credentials);
    if (!is_token(req.method)) {
        fail(errc::invalid, "cannot sign: the method is not an RFC 9110 token");
    }
    const url_parts url = split_url(req.url);
    const std::string date = amz_date(now_s);
    const std::string payload_hash = r.sign_payload ? sha256_hex(req.body) : "UNSIGNED-PAYLOAD";

    // Built on a copy and moved in at the end, so that a throw leaves req as it was.
    http::header_list headers = req.headers;
    remove_header(headers, "Authorization");
    if (find_header(headers, "Host") == nullptr) {
        headers.emplace_back("Host", url.host);
    }
    replace_header(headers, "X-Amz-Date", date);
    if (credentials.session_token.empty()) {
        remove_header(headers, "X-Amz-Security-Token");
    } else {
        replace_header(headers, "X-Amz-Security-Token", credentials.session_token);
    }
    if (r.payload_header) {
        replace_header(headers, "x-amz-content-sha256", payload_hash);
    }
    signing_steps steps =
        compute({req.method, url.path, url.query, headers, payload_hash}, credentials, r, date);
    headers.emplace_back("Authorization", steps.authorization);
    req.headers = std::move(headers);
    return steps;
}

}  // namespace sigv4

namespace {

class sigv4_signer final : public signer {
public:
    explicit sigv4_signer(sigv4_credentials credentials)
        : credentials_(std::move(credentials)), rules_(sigv4::rules_for(credentials_)) {}

    ~sigv4_signer() override { wipe(credentials_.secret_access_key); }

    sigv4_signer(const sigv4_signer&) = delete;
    sigv4_signer& operator=(const sigv4_signer&) = delete;

    void sign(http::request& req, std::int64_t now_s) const override {
        sigv4::sign(req, credentials_, rules_, now_s);
    }

    std::string_view scheme() const noexcept override { return "aws-sigv4"; }

private:
    sigv4_credentials credentials_;
    sigv4::rules rules_;
};

}  // namespace

std::unique_ptr<signer> make_sigv4_signer(sigv4_credentials credentials) {
    sigv4::validate(credentials);
    return std::make_unique<sigv4_signer>(std::move(credentials));
}

}  // namespace p2pcdn::cdn
