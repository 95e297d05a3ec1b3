// p2pcdn_nscf_options to the controller's C++ settings.
#pragma once

#include "nscf/controller.hpp"

#include <p2pcdn/p2pcdn.h>

namespace p2pcdn::capi {

// Throws errc::invalid for NULL or bad options: a bad version, a missing required field, not
// exactly one tracker link, a stale handle, a malformed address. The controller checks what
// the values mean (margins, TTLs, templates).
nscf::controller_config nscf_config_from(const p2pcdn_nscf_options* given);

}  // namespace p2pcdn::capi
