// The objects behind p2pcdn_nscf* and p2pcdn_nscf_holdings*.
#pragma once

#include "capi/handle.hpp"
#include "nscf/controller.hpp"
#include "wire/holding.hpp"

#include <p2pcdn/p2pcdn.h>

#include <cstdint>
#include <memory>
#include <vector>

struct p2pcdn_nscf {
    static constexpr std::uint32_t type_tag = 0x70326e31u;  // "p2n1"
    static constexpr const char* type_name = "p2pcdn_nscf";
    std::uint32_t tag;
    std::unique_ptr<p2pcdn::nscf::controller> impl;
};

// A snapshot: the holdings in piece order, so index i is stable for the snapshot's life.
struct p2pcdn_nscf_holdings {
    static constexpr std::uint32_t type_tag = 0x70326831u;  // "p2h1"
    static constexpr const char* type_name = "p2pcdn_nscf_holdings";
    std::uint32_t tag;
    std::vector<p2pcdn::holding> items;
};
