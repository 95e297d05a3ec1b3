// The peer id -> slot index of a swarm: an open-addressing table of 32-bit slots with linear
// probing and backward-shift deletion (no tombstones, so lookups stay short after churn).
//
// The table holds only slots; the ids live in the swarm's peer records, and the index asks the
// owner for a slot's id through a callback. That keeps an entry at 4 bytes, which matters for
// the per-peer memory budget. Ids are hashed with a per-swarm random key, so a client cannot
// pick ids that all land in one probe run.
//
// Not thread-safe: the swarm's lock guards it.
#pragma once

#include <cstdint>
#include <string_view>
#include <vector>

namespace p2pcdn::swarm_detail {

// Keyed 64-bit hash of a peer id (a few bytes): mixes 8-byte words with the key, then a
// murmur3-style finalizer.
std::uint64_t hash_peer_id(std::string_view id, std::uint64_t key) noexcept;

class peer_index {
public:
    static constexpr std::uint32_t npos = 0xffffffffu;

    explicit peer_index(std::uint64_t key) : key_(key) {}

    std::uint64_t hash(std::string_view id) const noexcept { return hash_peer_id(id, key_); }

    // id_of(slot) -> std::string_view: the id stored for a slot.
    template <typename IdOf>
    std::uint32_t find(std::string_view id, const IdOf& id_of) const noexcept {
        if (table_.empty()) {
            return npos;
        }
        for (std::size_t pos = home(hash(id));; pos = next(pos)) {
            const std::uint32_t entry = table_[pos];
            if (entry == 0) {
                return npos;
            }
            if (id_of(entry - 1) == id) {
                return entry - 1;
            }
        }
    }

    // Makes room for one more entry, growing the table if the load would pass the limit. May
    // throw std::bad_alloc; call before changing anything else so a failure changes nothing.
    template <typename IdOf>
    void reserve_one(const IdOf& id_of) {
        const std::size_t wanted = size_ + 1;
        if (!table_.empty() && wanted * max_load_den <= table_.size() * max_load_num) {
            return;
        }
        std::size_t capacity = table_.empty() ? min_capacity : table_.size() * 2;
        while (wanted * max_load_den > capacity * max_load_num) {
            capacity *= 2;
        }
        std::vector<std::uint32_t> bigger(capacity, 0);
        const std::size_t mask = capacity - 1;
        for (const std::uint32_t entry : table_) {
            if (entry != 0) {
                std::size_t pos = hash(id_of(entry - 1)) & mask;
                while (bigger[pos] != 0) {
                    pos = (pos + 1) & mask;
                }
                bigger[pos] = entry;
            }
        }
        table_.swap(bigger);
    }

    // Adds a slot for an id that is not present. reserve_one() must have been called.
    void insert(std::uint64_t id_hash, std::uint32_t slot) noexcept {
        std::size_t pos = home(id_hash);
        while (table_[pos] != 0) {
            pos = next(pos);
        }
        table_[pos] = slot + 1;
        ++size_;
    }

    // Removes the entry of `slot` (whose id hashes to id_hash), shifting later entries of the
    // probe run back so no tombstone is left.
    template <typename IdOf>
    void erase(std::uint64_t id_hash, std::uint32_t slot, const IdOf& id_of) noexcept {
        std::size_t hole = position_of(id_hash, slot);
        for (std::size_t pos = next(hole);; pos = next(pos)) {
            const std::uint32_t entry = table_[pos];
            if (entry == 0) {
                break;
            }
            const std::size_t want = home(hash(id_of(entry - 1)));
            // The entry may move back into the hole unless its home lies cyclically in
            // (hole, pos]: then the hole is before its home and it would become unreachable.
            const bool home_after_hole =
                hole <= pos ? (want > hole && want <= pos) : (want > hole || want <= pos);
            if (!home_after_hole) {
                table_[hole] = entry;
                hole = pos;
            }
        }
        table_[hole] = 0;
        --size_;
    }

    // Points the entry of `from` (whose id hashes to id_hash) at `to`: a record moved slots.
    void relocate(std::uint64_t id_hash, std::uint32_t from, std::uint32_t to) noexcept {
        table_[position_of(id_hash, from)] = to + 1;
    }

    std::size_t size() const noexcept { return size_; }
    std::size_t memory_bytes() const noexcept { return table_.capacity() * sizeof(std::uint32_t); }

private:
    static constexpr std::size_t min_capacity = 8;
    // At most 7/10 full: short probe runs while an entry costs at most 4 / 0.35 bytes per peer
    // right after a doubling.
    static constexpr std::size_t max_load_num = 7;
    static constexpr std::size_t max_load_den = 10;

    std::size_t home(std::uint64_t id_hash) const noexcept {
        return static_cast<std::size_t>(id_hash) & (table_.size() - 1);
    }
    std::size_t next(std::size_t pos) const noexcept { return (pos + 1) & (table_.size() - 1); }
    // The table position holding `slot`; it must be present.
    std::size_t position_of(std::uint64_t id_hash, std::uint32_t slot) const noexcept {
        std::size_t pos = home(id_hash);
        while (table_[pos] != slot + 1) {
            pos = next(pos);
        }
        return pos;
    }

    std::uint64_t key_;
    std::size_t size_ = 0;
    std::vector<std::uint32_t> table_;  // slot + 1, or 0 for an empty position
};

}  // namespace p2pcdn::swarm_detail
