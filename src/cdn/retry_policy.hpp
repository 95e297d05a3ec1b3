// When the CDN client sends a request again and how long it waits first (reference/cdn.md
// section 5): 408, 429, 500, 502, 503, 504 and transport failures (no answer, connection
// refused or reset, timeouts) are worth another try; every other answer is final. The wait is
// exponential backoff with full jitter, raised to the server's Retry-After when that asks for
// more, and a job spends its retries from one budget.
#pragma once

#include "core/error.hpp"

#include <cstddef>
#include <cstdint>

namespace p2pcdn::cdn {

struct retry_config {
    std::uint32_t max_attempts = 5;     // per request, the first included: 1 to 100
    std::uint32_t job_budget = 0;       // retries a job may spend in all; 0: 4 per piece
    std::int64_t base_delay_ms = 200;   // backoff: uniform(0, min(max, base * 2^n)); 1 to 1 h
    std::int64_t max_delay_ms = 30000;  // base to 1 h
    std::uint64_t seed = 0;             // jitter; 0: seeded from the random device
};

// Throws errc::invalid naming the setting that is out of range.
void validate(const retry_config& config);

// 408, 429, 500, 502, 503 and 504.
bool is_retryable_status(long status) noexcept;
// A request that got no answer for a reason that may pass: errc::network (connection refused
// or reset, an empty reply) and errc::timeout. TLS, policy and limit failures are final.
bool is_retryable_error(errc error) noexcept;

class retry_policy {
public:
    // Throws errc::invalid (validate()).
    explicit retry_policy(const retry_config& config);

    std::uint32_t max_attempts() const noexcept { return config_.max_attempts; }
    // The retries a job of `pieces` pieces may spend: job_budget, or 4 per piece when it is 0.
    std::uint32_t budget_for(std::size_t pieces) const noexcept;

    // The wait before retry number `retry` (1 for the first): uniform in
    // [0, min(max_delay, base * 2^(retry - 1))], raised to retry_after_ms when the server asked
    // for longer (-1: it did not). The same seed gives the same sequence of waits.
    std::int64_t delay_ms(std::uint32_t retry, std::int64_t retry_after_ms = -1) noexcept;

private:
    std::uint64_t next() noexcept;

    retry_config config_;
    std::uint64_t state_;
};

}  // namespace p2pcdn::cdn
