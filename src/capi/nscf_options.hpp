// p2pcdn_nscf_options to the controller's C++ settings.
#pragma once

#include "nscf/controller.hpp"

#include <p2pcdn/p2pcdn.h>

#include <cstddef>

namespace p2pcdn::capi {

// sizeof p2pcdn_nscf_options in each version: version 1 ended at clock_payload (a pointer, so
// no padding follows it).
inline constexpr std::size_t nscf_options_sizes[] = {offsetof(p2pcdn_nscf_options, event_cb),
                                                     sizeof(p2pcdn_nscf_options)};

// Throws errc::invalid for NULL or bad options: a bad version, a missing required field, not
// exactly one tracker link, a stale handle, a malformed address. The controller checks what
// the values mean (margins, TTLs, templates).
nscf::controller_config nscf_config_from(const p2pcdn_nscf_options* given);

}  // namespace p2pcdn::capi
