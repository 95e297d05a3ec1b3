// The C ABI's P2PCDN_COPIES_* values as the statistics encoder takes them.
#pragma once

#include "core/error.hpp"
#include "wire/stats_report.hpp"

#include <p2pcdn/p2pcdn.h>

namespace p2pcdn::capi {

// Throws errc::invalid for a value that is not one of P2PCDN_COPIES_*.
inline copies_encoding copies_encoding_from(unsigned int encoding) {
    switch (encoding) {
        case P2PCDN_COPIES_AUTO: return copies_encoding::automatic;
        case P2PCDN_COPIES_PLAIN: return copies_encoding::plain;
        case P2PCDN_COPIES_RUNS: return copies_encoding::runs;
        default: fail(errc::invalid, "unknown copies encoding {}", encoding);
    }
}

}  // namespace p2pcdn::capi
