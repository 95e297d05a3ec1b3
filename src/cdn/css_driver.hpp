// The first stage of an ingest whose bytes come from the Content Source Server (TR 23.844 step
// 4): GETs each piece through its css_source, which checks the answer against the piece hash,
// and keeps the verified bytes for the drivers after it. One per job, since the source is.
#pragma once

#include "cdn/css_source.hpp"
#include "cdn/driver.hpp"

#include <memory>

namespace p2pcdn::cdn {

class css_driver final : public driver {
public:
    // Throws errc::invalid for a null source.
    explicit css_driver(std::shared_ptr<const css_source> source);

    std::string_view name() const noexcept override { return "css"; }
    const signer* request_signer() const noexcept override { return source_->request_signer(); }
    bool changes_cdn() const noexcept override { return false; }

    http::request request(job_data& job, const operation& op,
                          std::int64_t now_s) const override;
    outcome classify(job_data& job, operation& op, http::response& res) const override;

private:
    std::shared_ptr<const css_source> source_;
};

}  // namespace p2pcdn::cdn
