#include "swarm/peer_table.hpp"

#include <algorithm>
#include <type_traits>

namespace p2pcdn::swarm_detail {

static_assert(sizeof(peer_record) <= 72, "the per-peer memory budget counts on 72-byte records");
static_assert(std::is_trivially_copyable_v<peer_record>, "records move by plain copy");

namespace {

// Big chunks hold about this many bytes of records and words: small enough that the unused
// tail of the last chunk is a rounding error per peer, big enough to be few.
constexpr std::size_t big_chunk_bytes = std::size_t{256} << 10;
constexpr std::size_t max_big_chunk_shift = 10;

std::size_t big_chunk_shift_for(std::size_t words_per_peer) {
    const std::size_t per_peer = sizeof(peer_record) + words_per_peer * sizeof(std::uint64_t);
    std::size_t shift = 0;
    while (shift < max_big_chunk_shift && (std::size_t{2} << shift) * per_peer <= big_chunk_bytes) {
        ++shift;
    }
    return shift;
}

}  // namespace

peer_table::peer_table(std::size_t words_per_peer)
    : words_per_peer_(words_per_peer),
      big_chunk_shift_(big_chunk_shift_for(words_per_peer)),
      big_chunk_slots_(std::uint32_t{1} << big_chunk_shift_) {}

void peer_table::reserve_one() {
    if (size_ == 0xfffffffeu) {
        throw std::bad_alloc();  // slot + 1 must fit the index's 32-bit entries
    }
    const std::size_t needed = locate(size_).chunk + 1;
    if (chunks_.size() >= needed) {
        return;
    }
    chunks_.reserve(needed);
    const std::size_t slots = chunk_slots(chunks_.size());
    chunk fresh;
    fresh.records = std::make_unique<peer_record[]>(slots);
    fresh.words = std::make_unique<std::uint64_t[]>(slots * words_per_peer_);
    chunks_.push_back(std::move(fresh));
}

std::uint32_t peer_table::push() noexcept {
    const std::uint32_t slot = size_++;
    record(slot) = peer_record{};
    std::fill_n(words(slot), words_per_peer_, std::uint64_t{0});
    return slot;
}

void peer_table::pop_into(std::uint32_t hole) noexcept {
    const std::uint32_t last = size_ - 1;
    if (hole != last) {
        record(hole) = record(last);
        std::copy_n(words(last), words_per_peer_, words(hole));
    }
    size_ = last;
    // Keep one spare chunk past the last one in use, so a peer leaving and another joining at
    // a chunk boundary do not free and allocate a chunk each time.
    const std::size_t in_use = size_ == 0 ? 0 : locate(size_ - 1).chunk + 1;
    while (chunks_.size() > in_use + 1) {
        chunks_.pop_back();
    }
}

std::size_t peer_table::memory_bytes() const noexcept {
    std::size_t bytes = chunks_.capacity() * sizeof(chunk);
    for (std::size_t c = 0; c < chunks_.size(); ++c) {
        bytes += chunk_slots(c) * (sizeof(peer_record) + words_per_peer_ * sizeof(std::uint64_t));
    }
    return bytes;
}

}  // namespace p2pcdn::swarm_detail
