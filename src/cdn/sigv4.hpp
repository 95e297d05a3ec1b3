// AWS Signature Version 4 (header form), in the steps the AWS signing test suite checks one by
// one: canonical request, string to sign, signing key, signature. make_sigv4_signer (signer.hpp)
// is the way in for drivers; the steps are here for the tests.
#pragma once

#include "cdn/sha256.hpp"
#include "cdn/signer.hpp"
#include "http/message.hpp"

#include <cstdint>
#include <string>
#include <string_view>

namespace p2pcdn::cdn::sigv4 {

// How a service treats the path and the payload.
struct rules {
    // Remove "." and ".." segments and empty segments ("//") before encoding.
    bool normalize_path = true;
    // true: encode the path as sent, so that its escapes are encoded a second time (most AWS
    // services). false: decode the path and encode it once (S3, which signs the object key).
    bool double_encode_path = true;
    // Send the payload hash as x-amz-content-sha256 (and sign it).
    bool payload_header = false;
    // false: the payload hash is "UNSIGNED-PAYLOAD".
    bool sign_payload = true;
};

// S3: {false, false, true, sign_payload}; other services: {true, true, false, true}.
rules rules_for(const sigv4_credentials& credentials) noexcept;

// Throws errc::invalid, naming the field but never its value, when the key id, secret, region
// or service is empty, when the key id, region or service holds a byte that would break the
// Authorization header (space, control, '/', ',', ';', '='), or when the session token holds
// CR, LF or NUL.
void validate(const sigv4_credentials& credentials);

// Percent-encodes every byte except the RFC 3986 unreserved ones (and '/' when keep_slash),
// with uppercase hex.
std::string uri_encode(std::string_view bytes, bool keep_slash);

// The canonical URI of a path as sent in the request line. Throws errc::invalid for a
// malformed %-escape when the path is decoded (double_encode_path false).
std::string canonical_uri(std::string_view path, const rules& r);

// The canonical query of a query string as sent (without '?'): each name and value decoded
// and encoded again, "name=" for a parameter without a value, sorted by encoded name, then
// value. '+' is a literal plus. Throws errc::invalid for a malformed %-escape.
std::string canonical_query(std::string_view query);

struct canonical_headers {
    std::string text;            // "name:value\n" per name, lowercase names, sorted
    std::string signed_headers;  // "name;name;..."
};

// Every header is signed except the hop-by-hop ones a proxy may change (Connection,
// Keep-Alive, Proxy-Connection, TE, Transfer-Encoding, Upgrade) and Expect and User-Agent.
// Values are trimmed and their runs of spaces and tabs become one space; headers of the same
// name are joined with ',' in their order. Throws errc::invalid for a name that is not an
// RFC 9110 token or a value holding CR, LF or NUL.
canonical_headers canonicalize_headers(const http::header_list& headers);

std::string canonical_request(std::string_view method, std::string_view canonical_uri,
                              std::string_view canonical_query, const canonical_headers& headers,
                              std::string_view payload_hash);

// "20150830T123600Z". Throws errc::range for a time before 1970 or after 9999.
std::string amz_date(std::int64_t now_s);
// "20150830/us-east-1/service/aws4_request" for amz_date "20150830T123600Z".
std::string credential_scope(std::string_view amz_date, std::string_view region,
                             std::string_view service);
std::string string_to_sign(std::string_view amz_date, std::string_view scope,
                           std::string_view canonical_request);
// date: "20150830".
sha256_digest signing_key(std::string_view secret, std::string_view date, std::string_view region,
                          std::string_view service);
// Lowercase hex of HMAC(signing_key, string_to_sign).
std::string signature(const sha256_digest& signing_key, std::string_view string_to_sign);

// A request as the signature sees it: the headers are all that will be sent, X-Amz-Date
// (and the token and payload headers when used) included.
struct request_view {
    std::string_view method;
    std::string_view path;   // as sent in the request line
    std::string_view query;  // as sent, without '?'
    const http::header_list& headers;
    std::string_view payload_hash;
};

struct signing_steps {
    std::string canonical_request;
    std::string string_to_sign;
    std::string signature;
    std::string authorization;  // the Authorization header value
};

// The whole computation for a request whose headers are final; amz_date must be the one in
// its X-Amz-Date header.
signing_steps compute(const request_view& request, const sigv4_credentials& credentials,
                      const rules& r, std::string_view amz_date);

// Signs req in place for a request sent at now_s: adds Host (from the URL) when the request has
// none, and sets X-Amz-Date, X-Amz-Security-Token (with a session token),
// x-amz-content-sha256 (payload_header) and Authorization, replacing earlier ones, so that a
// retried request can be signed again. Throws errc::invalid for a URL split_url refuses, a
// malformed %-escape, or an invalid header; req is unchanged when it throws.
signing_steps sign(http::request& req, const sigv4_credentials& credentials, const rules& r,
                   std::int64_t now_s);

}  // namespace p2pcdn::cdn::sigv4
