// The static-credential signers: one header whose value never changes.
#include "cdn/header_fields.hpp"
#include "cdn/signer.hpp"
#include "core/error.hpp"

#include <utility>

namespace p2pcdn::cdn {
namespace {

class static_header_signer final : public signer {
public:
    static_header_signer(std::string_view scheme, std::string name, std::string value)
        : scheme_(scheme), name_(std::move(name)), value_(std::move(value)) {}

    // Replaced, not added: a retried request is signed again, and two credentials in one
    // request are refused by most APIs.
    void sign(http::request& req, std::int64_t /*now_s*/) const override {
        replace_header(req.headers, name_, value_);
    }

    std::string_view scheme() const noexcept override { return scheme_; }

private:
    std::string_view scheme_;
    std::string name_;
    std::string value_;
};

}  // namespace

std::unique_ptr<signer> make_bearer_signer(std::string token) {
    if (token.empty()) {
        fail(errc::invalid, "bearer signer: the token is empty");
    }
    if (has_line_break(token)) {
        fail(errc::invalid, "bearer signer: the token holds CR, LF or NUL");
    }
    return std::make_unique<static_header_signer>("bearer", "Authorization",
                                                  "Bearer " + std::move(token));
}

std::unique_ptr<signer> make_header_signer(std::string name, std::string value) {
    if (!is_token(name)) {
        fail(errc::invalid, "header signer: the header name is not an RFC 9110 token");
    }
    if (value.empty()) {
        fail(errc::invalid, "header signer: the value of {} is empty", name);
    }
    if (has_line_break(value)) {
        fail(errc::invalid, "header signer: the value of {} holds CR, LF or NUL", name);
    }
    return std::make_unique<static_header_signer>("header", std::move(name), std::move(value));
}

}  // namespace p2pcdn::cdn
