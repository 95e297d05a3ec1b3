// Which peers an announce answer carries.
//
// Network peers (CCSs) come first when the request wants them: they are the swarm's storage,
// so a requester should always learn of them; they count against numwant. The rest are user
// peers, never the requester:
// - random: a uniform random subset, found by rejection sampling (expected O(numwant)) while
//   the subset is less than half the candidates, else by one selection-sampling pass;
// - complementary: a random sample of min(candidates, 4 * numwant + 16) user peers, of which the
//   numwant holding the most pieces the requester lacks (count_andnot on the bitmap words)
//   win, ties going to the earlier sampled. The cost stays bounded in large swarms.
// Deterministic for a given generator state. Allocates nothing once the scratch vectors have
// grown to numwant. Not thread-safe: the swarm's lock guards it.
#pragma once

#include "swarm/peer_table.hpp"
#include "swarm/swarm.hpp"

#include <cstdint>
#include <random>
#include <utility>
#include <vector>

namespace p2pcdn::swarm_detail {

struct selection_request {
    std::uint32_t requester;  // slot
    std::uint32_t numwant;
    peer_selection mode;
    bool include_network_peers;
};

struct selection_scratch {
    std::vector<std::uint32_t> sorted;  // slots picked so far, sorted, for duplicate checks
    std::vector<std::uint32_t> sample;
    std::vector<std::pair<std::size_t, std::uint32_t>> scored;  // (score, sample position)
};

// Appends the chosen slots to `out` (cleared first). user_peers counts the table's user
// peers; network_slots lists the slots of its network peers.
void select_peers(const peer_table& peers, std::uint32_t user_peers,
                  const std::vector<std::uint32_t>& network_slots, const selection_request& request,
                  std::mt19937_64& rng, selection_scratch& scratch,
                  std::vector<std::uint32_t>& out);

}  // namespace p2pcdn::swarm_detail
