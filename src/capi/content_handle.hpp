// The object behind a p2pcdn_content*.
#pragma once

#include "capi/handle.hpp"
#include "core/content_layout.hpp"
#include "core/piece_hashes.hpp"

#include <p2pcdn/p2pcdn.h>

struct p2pcdn_content {
    static constexpr std::uint32_t type_tag = 0x70326331u;  // "p2c1"
    static constexpr const char* type_name = "p2pcdn_content";
    std::uint32_t tag;
    p2pcdn::content_layout layout;
    p2pcdn::piece_hashes hashes;
};
