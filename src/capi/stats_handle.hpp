// The objects behind p2pcdn_stats* and p2pcdn_peerlist*.
#pragma once

#include "capi/handle.hpp"
#include "wire/peer_list.hpp"
#include "wire/stats_report.hpp"

#include <p2pcdn/p2pcdn.h>

struct p2pcdn_stats {
    static constexpr std::uint32_t type_tag = 0x70327331u;  // "p2s1"
    static constexpr const char* type_name = "p2pcdn_stats";
    std::uint32_t tag;
    p2pcdn::stats_report report;
};

struct p2pcdn_peerlist {
    static constexpr std::uint32_t type_tag = 0x70327031u;  // "p2p1"
    static constexpr const char* type_name = "p2pcdn_peerlist";
    std::uint32_t tag;
    p2pcdn::peer_list list;
};
