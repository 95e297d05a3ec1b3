// The objects behind p2pcdn_policy* and p2pcdn_decision*.
#pragma once

#include "capi/handle.hpp"
#include "policy/decision_builder.hpp"
#include "policy/policy.hpp"

#include <p2pcdn/p2pcdn.h>

#include <memory>
#include <string>

struct p2pcdn_policy {
    static constexpr std::uint32_t type_tag = 0x70327931u;  // "p2y1"
    static constexpr const char* type_name = "p2pcdn_policy";
    std::uint32_t tag;
    std::unique_ptr<const p2pcdn::policy::policy> impl;
};

// A finished decision holds its items in `value`. The decision a policy callback fills holds a
// builder instead, for the call only, and remembers the first item the builder refused.
struct p2pcdn_decision {
    static constexpr std::uint32_t type_tag = 0x70326431u;  // "p2d1"
    static constexpr const char* type_name = "p2pcdn_decision";
    std::uint32_t tag;
    p2pcdn::policy::decision value;
    p2pcdn::policy::decision_builder* builder = nullptr;
    std::string refused;

    const p2pcdn::policy::decision& items() const noexcept {
        return builder != nullptr ? builder->current() : value;
    }
};
