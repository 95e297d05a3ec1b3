// p2pcdn_signer_options: the C face of the request signers.
#include "capi/signer_options.hpp"

#include "capi/guard.hpp"
#include "capi/options.hpp"

#include <string>
#include <utility>

namespace p2pcdn::capi {
namespace {

constexpr std::size_t signer_options_sizes[] = {sizeof(p2pcdn_signer_options)};
constexpr p2pcdn_signer_options signer_options_defaults = P2PCDN_SIGNER_OPTIONS_INIT;

std::string field(const char* value, const char* role, const char* name) {
    if (value == nullptr) {
        fail(errc::invalid, "{} signer: {} is NULL", role, name);
    }
    return value;
}

// Runs a signer factory and says whose signer it refused. The factories' messages name the
// field and the rule, never the value.
template <typename Make>
std::unique_ptr<cdn::signer> made_for(const char* role, Make&& make) {
    try {
        return make();
    } catch (const error& e) {
        fail(e.code(), "{} signer: {}", role, e.what());
    }
}

std::unique_ptr<cdn::signer> make_sigv4(const p2pcdn_signer_options& opts, const char* role) {
    cdn::sigv4_credentials credentials;
    credentials.access_key_id = field(opts.access_key_id, role, "access_key_id");
    credentials.secret_access_key = field(opts.secret_access_key, role, "secret_access_key");
    if (opts.session_token != nullptr) {
        credentials.session_token = opts.session_token;
    }
    credentials.region = field(opts.region, role, "region");
    if (opts.service != nullptr) {
        credentials.service = opts.service;
    }
    credentials.s3 = opts.s3_rules == 0 ? credentials.service == "s3" : opts.s3_rules > 0;
    credentials.sign_payload = opts.unsigned_payload == 0;
    if (!credentials.sign_payload && !credentials.s3) {
        fail(errc::invalid, "{} signer: unsigned_payload needs S3 rules", role);
    }
    return made_for(role, [&] { return cdn::make_sigv4_signer(std::move(credentials)); });
}

std::unique_ptr<cdn::signer> make_signer(const p2pcdn_signer_options& opts, const char* role) {
    switch (opts.kind) {
        case P2PCDN_SIGNER_BEARER: {
            std::string token = field(opts.token, role, "token");
            return made_for(role, [&] { return cdn::make_bearer_signer(std::move(token)); });
        }
        case P2PCDN_SIGNER_HEADER: {
            std::string name = field(opts.header_name, role, "header_name");
            std::string value = field(opts.header_value, role, "header_value");
            return made_for(
                role, [&] { return cdn::make_header_signer(std::move(name), std::move(value)); });
        }
        case P2PCDN_SIGNER_AWS_SIGV4: return make_sigv4(opts, role);
        default:
            fail(errc::invalid, "{} signer: kind {} is not one of 0 to {}", role, opts.kind,
                 static_cast<int>(P2PCDN_SIGNER_AWS_SIGV4));
    }
}

}  // namespace

std::shared_ptr<const cdn::signer> signer_from(const p2pcdn_signer_options* given,
                                               const char* role) {
    const p2pcdn_signer_options opts =
        read_options(given, signer_options_defaults, signer_options_sizes, "p2pcdn_signer_options");
    if (opts.kind == P2PCDN_SIGNER_NONE) {
        return nullptr;
    }
    return make_signer(opts, role);
}

}  // namespace p2pcdn::capi

extern "C" {

P2PCDN_API int p2pcdn_signer_options_init(p2pcdn_signer_options* opts, unsigned int version) {
    return p2pcdn::capi::guard([&] {
        p2pcdn::capi::init_options(opts, version, p2pcdn::capi::signer_options_sizes,
                                   "p2pcdn_signer_options");
        return P2PCDN_OK;
    });
}

}  // extern "C"
