// p2pcdn_signer_options to a cdn::signer: the one place the C ABI turns credentials into the
// objects that hold them (src/cdn/signer.hpp).
#pragma once

#include "cdn/signer.hpp"

#include <p2pcdn/p2pcdn.h>

#include <memory>

namespace p2pcdn::capi {

// The signer the options describe, or null for NULL options or P2PCDN_SIGNER_NONE. `role`
// ("origin", "edge", "cit", "css") names the signer in messages, which never hold a secret.
// Throws errc::invalid for a bad version, an unknown kind or a missing field.
std::shared_ptr<const cdn::signer> signer_from(const p2pcdn_signer_options* given,
                                               const char* role);

}  // namespace p2pcdn::capi
