// Whether p2pcdn_global_init is in effect, for the objects that need libcurl's global setup.
#pragma once

namespace p2pcdn::capi {

bool global_initialized() noexcept;
// Throws errc::state naming `what` unless p2pcdn_global_init is in effect.
void require_global_init(const char* what);

}  // namespace p2pcdn::capi
