#include "swarm/peer_selection.hpp"

#include "core/popcount.hpp"

#include <algorithm>

namespace p2pcdn::swarm_detail {
namespace {

// A draw in [0, n), n > 0. The modulo bias is below n / 2^64: nothing for peer counts.
std::uint64_t below(std::mt19937_64& rng, std::uint64_t n) {
    return rng() % n;
}

bool is_candidate(const peer_table& peers, std::uint32_t slot, std::uint32_t requester) {
    return slot != requester && peers.record(slot).role == peer_role::user;
}

// Inserts into the sorted vector; false if the slot was there already.
bool insert_sorted(std::vector<std::uint32_t>& sorted, std::uint32_t slot) {
    const auto it = std::lower_bound(sorted.begin(), sorted.end(), slot);
    if (it != sorted.end() && *it == slot) {
        return false;
    }
    sorted.insert(it, slot);
    return true;
}

// Appends k distinct random user peers (not the requester) of the `candidates` there are to
// `out`; k <= candidates.
void sample_users(const peer_table& peers, std::uint32_t candidates, std::uint32_t requester,
                  std::uint32_t k, std::mt19937_64& rng, std::vector<std::uint32_t>& sorted,
                  std::vector<std::uint32_t>& out) {
    sorted.clear();
    std::uint32_t got = 0;
    const std::uint32_t slots = peers.size();
    // Rejection sampling while the picks are a small part of the candidates: each draw hits a
    // fresh candidate with probability above 1/2 (network peers aside, which are few). The try
    // bound keeps a swarm of mostly network peers from looping long.
    if (std::uint64_t{k} * 2 < candidates) {
        const std::uint64_t max_tries = std::uint64_t{k} * 8 + 64;
        for (std::uint64_t tries = 0; got < k && tries < max_tries; ++tries) {
            const auto slot = static_cast<std::uint32_t>(below(rng, slots));
            if (is_candidate(peers, slot, requester) && insert_sorted(sorted, slot)) {
                out.push_back(slot);
                ++got;
            }
        }
    }
    // Selection sampling (Knuth's algorithm S) for the rest: one pass, each remaining
    // candidate taken with probability needed / remaining.
    std::uint64_t remaining = candidates - got;
    for (std::uint32_t slot = 0; slot < slots && got < k; ++slot) {
        if (!is_candidate(peers, slot, requester) ||
            std::binary_search(sorted.begin(), sorted.end(), slot)) {
            continue;
        }
        if (below(rng, remaining) < k - got) {
            out.push_back(slot);
            ++got;
        }
        --remaining;
    }
}

}  // namespace

void select_peers(const peer_table& peers, std::uint32_t user_peers,
                  const std::vector<std::uint32_t>& network_slots, const selection_request& request,
                  std::mt19937_64& rng, selection_scratch& scratch,
                  std::vector<std::uint32_t>& out) {
    out.clear();
    std::uint32_t want = request.numwant;
    if (want == 0) {
        return;
    }
    if (request.include_network_peers && !network_slots.empty()) {
        // Start at a random network peer, so when there are more than numwant each gets its
        // turn.
        const std::size_t count = network_slots.size();
        const std::size_t start = below(rng, count);
        for (std::size_t i = 0; i < count && want > 0; ++i) {
            const std::uint32_t slot = network_slots[(start + i) % count];
            if (slot != request.requester) {
                out.push_back(slot);
                --want;
            }
        }
    }
    const bool requester_is_user =
        request.requester < peers.size() && peers.record(request.requester).role == peer_role::user;
    const std::uint32_t candidates = user_peers - (requester_is_user ? 1 : 0);
    if (want == 0 || candidates == 0) {
        return;
    }
    const std::uint32_t k = std::min(want, candidates);
    if (request.mode == peer_selection::random) {
        sample_users(peers, candidates, request.requester, k, rng, scratch.sorted, out);
        return;
    }

    const std::uint32_t sample_size =
        static_cast<std::uint32_t>(std::min<std::uint64_t>(candidates, std::uint64_t{k} * 4 + 16));
    scratch.sample.clear();
    sample_users(peers, candidates, request.requester, sample_size, rng, scratch.sorted,
                 scratch.sample);
    // Ties go by sample position. Selection sampling leaves the sample in slot order, so
    // without a shuffle every answer in a flash crowd (everyone equally useful) would name the
    // same oldest peers.
    for (std::uint32_t i = sample_size; i > 1; --i) {
        std::swap(scratch.sample[i - 1], scratch.sample[below(rng, i)]);
    }
    const std::uint64_t* mine = peers.words(request.requester);
    const std::size_t nwords = peers.words_per_peer();
    scratch.scored.clear();
    for (std::uint32_t i = 0; i < sample_size; ++i) {
        const std::size_t useful =
            popcount::count_andnot(peers.words(scratch.sample[i]), mine, nwords);
        scratch.scored.emplace_back(useful, i);
    }
    std::partial_sort(scratch.scored.begin(), scratch.scored.begin() + k, scratch.scored.end(),
                      [](const auto& a, const auto& b) {
                          return a.first != b.first ? a.first > b.first : a.second < b.second;
                      });
    for (std::uint32_t i = 0; i < k; ++i) {
        out.push_back(scratch.sample[scratch.scored[i].second]);
    }
}

}  // namespace p2pcdn::swarm_detail
