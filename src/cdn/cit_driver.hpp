// RFC 8007 CI/T v1 triggers (client.hpp, cit_config). An operation is one trigger for a batch
// of at most max_urls_per_trigger delivery URLs: phase 0 POSTs the command to the collection,
// phase 1 polls the trigger status resource its Location names (If-None-Match with the last
// ETag) until it is complete, processed, failed or cancelled, and phase 2 is the cancel
// command for it. Errors in a failed status fail the items whose URLs they name (all of the
// trigger's when they name none); "ecdn" (an internal error of the CDN) is retried as a new
// trigger for its URLs; an error code RFC 8007 does not define fails the whole trigger and is
// never retried.
#pragma once

#include "cdn/client.hpp"
#include "cdn/driver.hpp"
#include "wire/cit_json.hpp"

namespace p2pcdn::cdn {

class cit_driver final : public driver {
public:
    // Throws errc::invalid for a malformed collection URL, a bad cdn-path, an unknown trigger
    // type (the purge type must be "purge" or "invalidate"), or an interval or batch size out
    // of range.
    explicit cit_driver(cit_config config);

    std::string_view name() const noexcept override { return "cit"; }
    const signer* request_signer() const noexcept override { return config_.signer.get(); }
    std::size_t batch_limit() const noexcept override { return config_.max_urls_per_trigger; }
    std::int64_t follow_up_limit_ms() const noexcept override { return config_.max_poll_ms; }

    http::request request(job_data& job, const operation& op,
                          std::int64_t now_s) const override;
    outcome classify(job_data& job, operation& op, http::response& res) const override;
    bool begin_cancel(operation& op) const override;

private:
    outcome accepted(job_data& job, operation& op, http::response& res) const;
    outcome polled(job_data& job, operation& op, http::response& res) const;
    outcome judge(const job_data& job, const operation& op, const cit::trigger_status& status,
                  const http::response& res) const;
    outcome failed_trigger(const job_data& job, const operation& op,
                           const cit::trigger_status& status) const;
    outcome poll_again(const http::response& res) const;

    cit_config config_;
    cit::trigger_type ingest_type_;
    cit::trigger_type purge_type_;
};

}  // namespace p2pcdn::cdn
