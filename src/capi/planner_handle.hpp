// The object behind a p2pcdn_planner*.
#pragma once

#include "capi/handle.hpp"
#include "ue/planner.hpp"

#include <p2pcdn/p2pcdn.h>

// p2pcdn.h includes the planner part inside its extern "C" block; until it does, include it
// here the same way.
#ifndef P2PCDN_PLANNER_H
extern "C" {
#include <p2pcdn/planner.h>
}
#endif

#include <memory>

struct p2pcdn_planner {
    static constexpr std::uint32_t type_tag = 0x70326c31u;  // "p2l1"
    static constexpr const char* type_name = "p2pcdn_planner";
    std::uint32_t tag;
    std::unique_ptr<p2pcdn::ue::planner> impl;
};
