// Request signers: what a CDN or storage API wants to see before it accepts a request. A driver
// holds one signer and the job engine applies it to every attempt of every request (so a
// retried request carries a fresh date and signature).
//
// Secrets stay inside the signer: they are never part of an error message, a log line or
// last_error; messages name the scheme and the field at fault, never its value.
#pragma once

#include "http/message.hpp"

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

namespace p2pcdn::cdn {

class signer {
public:
    virtual ~signer() = default;
    // Adds authentication to `req` (headers, or the query for presigned forms) for a request
    // sent at now_s (Unix seconds). The body is final when this is called. Throws errc::invalid
    // for a request the scheme cannot sign (a URL it cannot parse).
    virtual void sign(http::request& req, std::int64_t now_s) const = 0;
    // "bearer", "header", "aws-sigv4": for metrics and messages.
    virtual std::string_view scheme() const noexcept = 0;
};

// "Authorization: Bearer <token>". Throws errc::invalid for an empty token or one holding
// CR, LF or NUL.
std::unique_ptr<signer> make_bearer_signer(std::string token);

// One static header, e.g. "Fastly-Key: <key>" or "X-Api-Key: <key>". Throws errc::invalid for
// a name that is not an RFC 9110 token or a value that is empty or holds CR, LF or NUL.
// Both static signers replace a header of the same name (any case) rather than add a second.
std::unique_ptr<signer> make_header_signer(std::string name, std::string value);

// AWS Signature Version 4 (header form), for S3 and S3-compatible origins and other AWS APIs.
struct sigv4_credentials {
    std::string access_key_id;      // e.g. AKIDEXAMPLE
    std::string secret_access_key;
    std::string session_token;      // empty: none; else sent as X-Amz-Security-Token
    std::string region;             // e.g. us-east-1
    std::string service = "s3";
    // S3 rules: the path is encoded once and not normalised, and the payload hash is sent as
    // x-amz-content-sha256. Other services: the path is normalised and encoded twice.
    bool s3 = true;
    // false: the payload hash is "UNSIGNED-PAYLOAD" (S3 only; saves hashing large bodies).
    bool sign_payload = true;
};

// Throws errc::invalid when the key id, secret, region or service is empty, when the key id,
// region or service holds a space, a control byte or one of "/,;=", or when the session token
// holds CR, LF or NUL. sign() adds Host from the URL when the request has none and replaces
// Authorization, X-Amz-Date, X-Amz-Security-Token and (S3) x-amz-content-sha256.
std::unique_ptr<signer> make_sigv4_signer(sigv4_credentials credentials);

}  // namespace p2pcdn::cdn
