// The object behind a p2pcdn_bitmap*.
#pragma once

#include "capi/handle.hpp"
#include "core/bitmap.hpp"

#include <p2pcdn/p2pcdn.h>

struct p2pcdn_bitmap {
    static constexpr std::uint32_t type_tag = 0x70326231u;  // "p2b1"
    static constexpr const char* type_name = "p2pcdn_bitmap";
    std::uint32_t tag;
    p2pcdn::bitmap bits;
};
