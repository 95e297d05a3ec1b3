#include "swarm/swarm_registry.hpp"

#include "core/error.hpp"

#include <functional>
#include <mutex>

namespace p2pcdn {

swarm_registry::reservation swarm_registry::reserve() {
    // fetch_add first and give back on failure: two threads racing for the last slot cannot
    // both see room, which a load-then-add would allow.
    if (reserved_.fetch_add(1, std::memory_order_relaxed) >= max_swarms_) {
        reserved_.fetch_sub(1, std::memory_order_relaxed);
        fail(errc::limit, "the tracker holds {} contents, its limit", max_swarms_);
    }
    return reservation(this);
}

swarm_registry::shard& swarm_registry::shard_for(const std::string& content_id) const {
    // The map in the shard reduces the same hash modulo its bucket count; taking the shard from
    // the high bits keeps the two choices independent.
    static_assert(shard_count == 64, "the shift below takes 6 bits");
    const std::size_t hash = std::hash<std::string>{}(content_id);
    return shards_[hash >> (sizeof(std::size_t) * 8 - 6)];
}

std::shared_ptr<swarm> swarm_registry::find(const std::string& content_id) const {
    const shard& s = shard_for(content_id);
    const std::shared_lock lock(s.mutex);
    const auto it = s.swarms.find(content_id);
    return it == s.swarms.end() ? nullptr : it->second;
}

std::pair<std::shared_ptr<swarm>, bool> swarm_registry::insert(reservation& slot,
                                                               std::shared_ptr<swarm> fresh) {
    shard& s = shard_for(fresh->content_id());
    const std::unique_lock lock(s.mutex);
    const auto [it, inserted] = s.swarms.try_emplace(fresh->content_id(), fresh);
    if (inserted) {
        // The slot now counts the swarm in the map; erase() gives it back.
        slot.registry_ = nullptr;
    }
    return {it->second, inserted};
}

bool swarm_registry::erase(const std::string& content_id) {
    shard& s = shard_for(content_id);
    std::shared_ptr<swarm> removed;  // destroyed after the lock is released
    {
        const std::unique_lock lock(s.mutex);
        const auto it = s.swarms.find(content_id);
        if (it == s.swarms.end()) {
            return false;
        }
        removed = std::move(it->second);
        s.swarms.erase(it);
    }
    reserved_.fetch_sub(1, std::memory_order_relaxed);
    return true;
}

std::size_t swarm_registry::size() const {
    std::size_t total = 0;
    for (const shard& s : shards_) {
        const std::shared_lock lock(s.mutex);
        total += s.swarms.size();
    }
    return total;
}

std::vector<std::shared_ptr<swarm>> swarm_registry::all() const {
    std::vector<std::shared_ptr<swarm>> out;
    for (const shard& s : shards_) {
        const std::shared_lock lock(s.mutex);
        out.reserve(out.size() + s.swarms.size());
        for (const auto& entry : s.swarms) {
            out.push_back(entry.second);
        }
    }
    return out;
}

}  // namespace p2pcdn
