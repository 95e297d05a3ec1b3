// The object behind a p2pcdn_cdn*.
#pragma once

#include "capi/handle.hpp"
#include "cdn/client.hpp"

#include <p2pcdn/p2pcdn.h>

#include <cstdint>
#include <memory>

struct p2pcdn_cdn {
    static constexpr std::uint32_t type_tag = 0x70324331u;  // "p2C1"
    static constexpr const char* type_name = "p2pcdn_cdn";
    std::uint32_t tag;
    std::unique_ptr<p2pcdn::cdn::client> impl;
    // Set while p2pcdn_cdn_step or p2pcdn_cdn_wait runs the client (and so its callbacks).
    bool driving = false;
    // p2pcdn_cdn_free from a callback only marks the client; the driving call releases it
    // on its way out.
    bool free_requested = false;
    // The status a callback is being told about, so the getters find it whatever the client
    // does with the job while its callback runs.
    const p2pcdn::cdn::job_status* in_callback = nullptr;
};
