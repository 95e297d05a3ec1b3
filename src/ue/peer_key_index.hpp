// The planner's peer keys to their slot numbers: an open-addressing table (linear probing,
// backward-shift deletion) of 8-byte entries, a 32-bit hash and the slot. A lookup reads one
// entry, usually in one cache line, and compares the key itself only on a hash match; the
// keys stay in the planner's slots (key_of(slot) gives one). It replaced an
// unordered_map<string_view>, whose node chase and key compare were a third of a swarm
// simulation's time in HAVEs (docs/evaluation.md, "Speed").
//
// The table is at most half full; it grows by doubling before an insert, so a failed
// allocation changes nothing. Not thread-safe.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>
#include <vector>

namespace p2pcdn::ue::detail {

class peer_key_index {
public:
    static constexpr std::uint32_t none = 0xffffffffu;

    std::size_t size() const noexcept { return size_; }

    // The slot stored for key, or none.
    template <typename KeyOf>
    std::uint32_t find(std::string_view key, const KeyOf& key_of) const noexcept {
        if (entries_.empty()) {
            return none;
        }
        const std::uint32_t h = hash(key);
        for (std::size_t i = h & mask(); entries_[i].slot != none; i = (i + 1) & mask()) {
            if (entries_[i].hash == h && key_of(entries_[i].slot) == key) {
                return entries_[i].slot;
            }
        }
        return none;
    }

    // Room for one more entry (may throw std::bad_alloc; then nothing changed).
    void reserve_one_more() {
        if ((size_ + 1) * 2 > entries_.size()) {
            rehash(entries_.empty() ? 8 : entries_.size() * 2);
        }
    }

    // Precondition: reserve_one_more() since the last insert, and key not present.
    void insert(std::string_view key, std::uint32_t slot) noexcept {
        place(entry{hash(key), slot});
        ++size_;
    }

    // Removes key's entry, if any.
    template <typename KeyOf>
    void erase(std::string_view key, const KeyOf& key_of) noexcept {
        if (entries_.empty()) {
            return;
        }
        const std::uint32_t h = hash(key);
        std::size_t i = h & mask();
        for (; entries_[i].slot != none; i = (i + 1) & mask()) {
            if (entries_[i].hash == h && key_of(entries_[i].slot) == key) {
                break;
            }
        }
        if (entries_[i].slot == none) {
            return;
        }
        // Backward shift: move later entries of the probe run into the hole when their home
        // position does not lie cyclically in (hole, j].
        std::size_t hole = i;
        for (std::size_t j = (i + 1) & mask(); entries_[j].slot != none; j = (j + 1) & mask()) {
            const std::size_t home = entries_[j].hash & mask();
            const bool stays = hole <= j ? (hole < home && home <= j) : (hole < home || home <= j);
            if (!stays) {
                entries_[hole] = entries_[j];
                hole = j;
            }
        }
        entries_[hole].slot = none;
        --size_;
    }

private:
    struct entry {
        std::uint32_t hash = 0;
        std::uint32_t slot = none;
    };

    // FNV-1a, folded to 32 bits: keys are at most 20 bytes.
    static std::uint32_t hash(std::string_view key) noexcept {
        std::uint64_t h = 0xcbf29ce484222325ull;
        for (const char c : key) {
            h = (h ^ static_cast<unsigned char>(c)) * 0x100000001b3ull;
        }
        return static_cast<std::uint32_t>(h ^ (h >> 32));
    }

    std::size_t mask() const noexcept { return entries_.size() - 1; }

    void place(const entry& e) noexcept {
        std::size_t i = e.hash & mask();
        while (entries_[i].slot != none) {
            i = (i + 1) & mask();
        }
        entries_[i] = e;
    }

    void rehash(std::size_t capacity) {
        std::vector<entry> old(capacity);
        old.swap(entries_);
        for (const entry& e : old) {
            if (e.slot != none) {
                place(e);
            }
        }
    }

    std::vector<entry> entries_;  // a power of two in size, or empty
    std::size_t size_ = 0;
};

}  // namespace p2pcdn::ue::detail
