// The tracker's map from content id to swarm, split into shards so that announces to different
// contents rarely touch the same lock. A lookup takes one shard's shared lock for the time of
// the hash-table probe; only adding and removing a swarm take a shard exclusively. Swarms are
// handed out as shared_ptr, so a swarm removed while an announce or a snapshot is running on it
// stays alive until that call is done.
//
// The number of swarms is an atomic counter of reserved slots, taken before a swarm is built and
// given back if it is not inserted, so max_swarms holds exactly even when many threads create
// swarms at once, without a lock over all shards.
#pragma once

#include "swarm/swarm.hpp"

#include <array>
#include <atomic>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <shared_mutex>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

namespace p2pcdn {

class swarm_registry {
public:
    static constexpr std::size_t shard_count = 64;

    explicit swarm_registry(std::uint32_t max_swarms) : max_swarms_(max_swarms) {}
    swarm_registry(const swarm_registry&) = delete;
    swarm_registry& operator=(const swarm_registry&) = delete;

    // A slot counted against max_swarms. Given back on destruction unless insert() used it.
    class reservation {
    public:
        reservation(reservation&& other) noexcept
            : registry_(std::exchange(other.registry_, nullptr)) {}
        reservation(const reservation&) = delete;
        reservation& operator=(const reservation&) = delete;
        reservation& operator=(reservation&&) = delete;
        ~reservation() {
            if (registry_ != nullptr) {
                registry_->reserved_.fetch_sub(1, std::memory_order_relaxed);
            }
        }

    private:
        friend class swarm_registry;
        explicit reservation(swarm_registry* registry) noexcept : registry_(registry) {}
        swarm_registry* registry_;
    };

    // errc::limit when max_swarms slots are taken.
    reservation reserve();

    // nullptr when there is no such swarm.
    std::shared_ptr<swarm> find(const std::string& content_id) const;

    // Inserts `fresh` under its content id unless another swarm already has that id. Returns the
    // swarm now in the map and whether it is `fresh`; the slot is used only when it is.
    std::pair<std::shared_ptr<swarm>, bool> insert(reservation& slot, std::shared_ptr<swarm> fresh);

    // false if there was no such swarm.
    bool erase(const std::string& content_id);

    // Swarms in the map; each shard is counted under its own lock, so with concurrent adds and
    // removes the total is only a moment's figure.
    std::size_t size() const;

    // Every swarm, in no particular order; the shard locks are released when this returns.
    std::vector<std::shared_ptr<swarm>> all() const;

private:
    struct shard {
        mutable std::shared_mutex mutex;
        std::unordered_map<std::string, std::shared_ptr<swarm>> swarms;
    };

    shard& shard_for(const std::string& content_id) const;

    const std::uint32_t max_swarms_;
    std::atomic<std::size_t> reserved_{0};
    // mutable: lookups are const but lock.
    mutable std::array<shard, shard_count> shards_;
};

}  // namespace p2pcdn
