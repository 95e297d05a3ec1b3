#include "cdn/retry_policy.hpp"

#include "http/retry_after.hpp"

#include <algorithm>
#include <limits>
#include <random>

namespace p2pcdn::cdn {
namespace {

constexpr std::uint32_t max_attempts_limit = 100;
constexpr std::int64_t max_delay_limit_ms = std::int64_t{3600} * 1000;

std::uint64_t random_seed() {
    std::random_device device;
    return (std::uint64_t{device()} << 32) ^ device();
}

}  // namespace

void validate(const retry_config& config) {
    if (config.max_attempts == 0 || config.max_attempts > max_attempts_limit) {
        fail(errc::invalid, "retry max_attempts {} is not in 1 to {}", config.max_attempts,
             max_attempts_limit);
    }
    if (config.base_delay_ms < 1 || config.base_delay_ms > max_delay_limit_ms) {
        fail(errc::invalid, "retry base_delay_ms {} is not in 1 to {}", config.base_delay_ms,
             max_delay_limit_ms);
    }
    if (config.max_delay_ms < config.base_delay_ms || config.max_delay_ms > max_delay_limit_ms) {
        fail(errc::invalid, "retry max_delay_ms {} is not in base_delay_ms to {}",
             config.max_delay_ms, max_delay_limit_ms);
    }
}

bool is_retryable_status(long status) noexcept {
    switch (status) {
        case 408:
        case 429:
        case 500:
        case 502:
        case 503:
        case 504: return true;
        default: return false;
    }
}

bool is_retryable_error(errc error) noexcept {
    return error == errc::network || error == errc::timeout;
}

retry_policy::retry_policy(const retry_config& config) : config_(config) {
    validate(config_);
    state_ = config_.seed != 0 ? config_.seed : random_seed();
}

std::uint32_t retry_policy::budget_for(std::size_t pieces) const noexcept {
    if (config_.job_budget != 0) {
        return config_.job_budget;
    }
    constexpr std::size_t most = std::numeric_limits<std::uint32_t>::max();
    return static_cast<std::uint32_t>(pieces > most / 4 ? most : pieces * 4);
}

// splitmix64: small, fast, and the same sequence on every platform for a given seed (the
// standard distributions are not), which the tests rely on.
std::uint64_t retry_policy::next() noexcept {
    std::uint64_t z = (state_ += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
}

std::int64_t retry_policy::delay_ms(std::uint32_t retry, std::int64_t retry_after_ms) noexcept {
    const std::uint32_t doublings = retry == 0 ? 0 : retry - 1;
    std::int64_t cap = config_.max_delay_ms;
    // base <= 1 h < 2^22 ms, so shifting by fewer than 40 cannot overflow.
    if (doublings < 40) {
        cap = std::min(cap, config_.base_delay_ms << doublings);
    }
    const auto jitter = static_cast<std::int64_t>(next() % (static_cast<std::uint64_t>(cap) + 1));
    const std::int64_t floor = std::min(retry_after_ms, http::max_retry_after_ms);
    return std::max(jitter, floor);
}

}  // namespace p2pcdn::cdn
