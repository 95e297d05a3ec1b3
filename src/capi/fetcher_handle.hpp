// The object behind a p2pcdn_fetcher*.
#pragma once

#include "capi/handle.hpp"
#include "ue/fetcher.hpp"

#include <p2pcdn/p2pcdn.h>

#include <memory>
#include <string>

struct p2pcdn_fetcher {
    static constexpr std::uint32_t type_tag = 0x70326631u;  // "p2f1"
    static constexpr const char* type_name = "p2pcdn_fetcher";
    std::uint32_t tag;
    std::unique_ptr<p2pcdn::ue::fetcher> impl;
    // What the borrowed strings of p2pcdn_fetcher_get's result point into.
    std::string last_url;
    std::string last_message;
    // Set while p2pcdn_fetcher_step runs: a p2pcdn_fetcher_free from a callback only marks
    // the fetcher, and step releases it on its way out.
    bool in_step = false;
    bool free_requested = false;
};
