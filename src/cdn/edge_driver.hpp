// Edge purge (client.hpp, edge_config): the configured method (PURGE) of each piece's delivery
// path on every edge. One operation per piece per edge; a piece is done with this driver once
// every edge has answered 200, 204 or 404 for it.
#pragma once

#include "cdn/client.hpp"
#include "cdn/driver.hpp"

namespace p2pcdn::cdn {

class edge_driver final : public driver {
public:
    // Throws errc::invalid for no edges, an edge URL that is not "scheme://host[:port]" (a
    // trailing '/' allowed), or a method that is not an RFC 9110 token.
    explicit edge_driver(edge_config config);

    std::string_view name() const noexcept override { return "edge"; }
    const signer* request_signer() const noexcept override { return config_.signer.get(); }

    std::vector<operation> plan(const job_data& job,
                                const std::vector<std::size_t>& items) const override;
    http::request request(job_data& job, const operation& op,
                          std::int64_t now_s) const override;
    outcome classify(job_data& job, operation& op, http::response& res) const override;

private:
    edge_config config_;
};

}  // namespace p2pcdn::cdn
