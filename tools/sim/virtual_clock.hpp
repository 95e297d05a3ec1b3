// Virtual time in seconds from the start of a run, and the Unix milliseconds the library sees
// for it (CDN source expiries and policy inputs are Unix times).
#pragma once

#include <cmath>
#include <cstdint>

namespace p2pcdn_sim {

constexpr std::int64_t epoch_ms = 1'700'000'000'000;  // a run starts at this Unix time

inline std::int64_t to_unix_ms(double t) {
    return epoch_ms + static_cast<std::int64_t>(std::llround(t * 1000.0));
}

inline double from_unix_ms(std::int64_t ms) {
    return static_cast<double>(ms - epoch_ms) / 1000.0;
}

}  // namespace p2pcdn_sim
