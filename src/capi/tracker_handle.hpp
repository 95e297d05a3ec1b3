// The object behind a p2pcdn_tracker*.
#pragma once

#include "capi/handle.hpp"
#include "swarm/tracker.hpp"

#include <p2pcdn/p2pcdn.h>

#include <memory>

struct p2pcdn_tracker {
    static constexpr std::uint32_t type_tag = 0x70327431u;  // "p2t1"
    static constexpr const char* type_name = "p2pcdn_tracker";
    std::uint32_t tag;
    std::unique_ptr<p2pcdn::tracker> impl;
};
