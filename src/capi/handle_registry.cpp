// The set of live handles. Sharded by pointer so that threads working on different objects
// rarely meet on one lock.
#include "capi/handle.hpp"

#include <array>
#include <functional>
#include <mutex>
#include <unordered_map>

namespace p2pcdn::capi {
namespace {

struct shard {
    std::mutex lock;
    std::unordered_map<const void*, std::uint32_t> tags;
};

constexpr std::size_t shard_count = 64;

shard& shard_for(const void* handle) {
    // Function-local static: initialised on first use, so handles made during other static
    // initialisation still find it.
    static std::array<shard, shard_count> shards;
    // Heap pointers are 16-byte aligned; drop those bits so consecutive objects spread out.
    auto bits = reinterpret_cast<std::uintptr_t>(handle) >> 4;
    return shards[std::hash<std::uintptr_t>{}(bits) % shard_count];
}

}  // namespace

void register_handle(const void* handle, std::uint32_t tag) {
    shard& s = shard_for(handle);
    std::lock_guard<std::mutex> hold(s.lock);
    s.tags[handle] = tag;
}

bool unregister_handle(const void* handle, std::uint32_t tag) noexcept {
    shard& s = shard_for(handle);
    std::lock_guard<std::mutex> hold(s.lock);
    auto it = s.tags.find(handle);
    if (it == s.tags.end() || it->second != tag) {
        return false;
    }
    s.tags.erase(it);
    return true;
}

bool is_live_handle(const void* handle, std::uint32_t tag) noexcept {
    shard& s = shard_for(handle);
    std::lock_guard<std::mutex> hold(s.lock);
    auto it = s.tags.find(handle);
    return it != s.tags.end() && it->second == tag;
}

}  // namespace p2pcdn::capi
