// A host policy given as a C callback (p2pcdn_policy_new_callback): the adapter between the
// C++ policy interface and p2pcdn_policy_cb.
#pragma once

#include "policy/policy.hpp"

#include <p2pcdn/p2pcdn.h>

namespace p2pcdn::capi {

class callback_policy final : public policy::policy {
public:
    // errc::invalid for a NULL callback.
    callback_policy(p2pcdn_policy_cb callback, void* payload);

private:
    // Hands the callback a view of the input and a decision handle whose adds are checked one
    // by one; errc::user when it returns non-zero, errc::invalid when it had an add refused.
    p2pcdn::policy::decision make_decision(const p2pcdn::policy::input& in) const override;

    p2pcdn_policy_cb callback_;
    void* payload_;
};

}  // namespace p2pcdn::capi
