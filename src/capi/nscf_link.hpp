// p2pcdn_nscf_link_callbacks to the controller's callback tracker link (nscf/tracker_link.hpp):
// C return codes become exceptions, library objects become borrowed C handles.
#pragma once

#include "nscf/tracker_link.hpp"

#include <p2pcdn/p2pcdn.h>

#include <memory>

namespace p2pcdn::capi {

// Throws errc::invalid for NULL callbacks, a bad version or a missing callback.
std::unique_ptr<nscf::tracker_link> callback_link_from(const p2pcdn_nscf_link_callbacks* given);

}  // namespace p2pcdn::capi
