// The library's one exception type. Everything below src/capi reports failure by throwing
// p2pcdn::error; the C ABI guard turns it into the matching P2PCDN_E* code and last_error text.
#pragma once

#include <fmt/format.h>

#include <stdexcept>
#include <string>

namespace p2pcdn {

// The values equal the public P2PCDN_E* codes; src/capi checks that with static_asserts.
enum class errc : int {
    ok = 0,
    error = -1,
    invalid = -2,
    no_memory = -3,
    buffer_too_small = -4,
    range = -5,
    parse = -6,
    not_found = -7,
    exists = -8,
    io = -9,
    hash_mismatch = -10,
    state = -11,
    user = -12,
    network = -13,
    timeout = -14,
    tls = -15,
    http = -16,
    protocol = -17,
    limit = -18,
    cancelled = -19,
};

class error : public std::runtime_error {
public:
    error(errc code, const std::string& message) : std::runtime_error(message), code_(code) {}
    errc code() const noexcept { return code_; }

private:
    errc code_;
};

// fail(errc::parse, "piece {} out of range", i): throws with a formatted one-line message.
template <typename... Args>
[[noreturn]] void fail(errc code, fmt::format_string<Args...> format, Args&&... args) {
    throw error(code, fmt::format(format, std::forward<Args>(args)...));
}

}  // namespace p2pcdn
