// Origin push (client.hpp, origin_config): an ingest PUTs each piece object to the ingest
// template's URL with its type, length, TTL and digest; a purge DELETEs it. One request per
// piece; PUT and DELETE are idempotent, so a retried one leaves the state a single one would.
#pragma once

#include "cdn/client.hpp"
#include "cdn/driver.hpp"

namespace p2pcdn::cdn {

class origin_driver final : public driver {
public:
    // Throws errc::invalid for a malformed ingest template (or one without {piece}) or a
    // content type holding control characters.
    explicit origin_driver(origin_config config);

    std::string_view name() const noexcept override { return "origin"; }
    const signer* request_signer() const noexcept override { return config_.signer.get(); }
    bool needs_bytes() const noexcept override { return true; }

    http::request request(job_data& job, const operation& op,
                          std::int64_t now_s) const override;
    outcome classify(job_data& job, operation& op, http::response& res) const override;

private:
    std::string object_url(const job_data& job, const operation& op) const;

    origin_config config_;
};

}  // namespace p2pcdn::cdn
