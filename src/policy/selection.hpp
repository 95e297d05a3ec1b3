// Ranking helpers of the built-in policies. A decision takes at most a few thousand of up to
// 2^26 candidates, so the candidates are selected, never sorted whole.
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <vector>

namespace p2pcdn::policy {

// Keeps the k smallest elements of v (by operator<) and sorts them: O(n + k log k). The keys
// must be distinct (they carry an index) so the result does not depend on the implementation's
// order of equal elements.
template <typename Key>
void keep_smallest(std::vector<Key>& v, std::size_t k) {
    if (k < v.size()) {
        std::nth_element(v.begin(), v.begin() + static_cast<std::ptrdiff_t>(k), v.end());
        v.resize(k);
    }
    std::sort(v.begin(), v.end());
}

// Ranks by a 32-bit value, then the lower index, in one integer. The index is a piece's, or a
// holding's (holdings ascend by piece, so ties still go by piece); both are below 2^26.
inline std::uint64_t rank_key(std::uint32_t value, std::size_t index) noexcept {
    return (std::uint64_t{value} << 32) | index;
}
inline std::size_t index_of_key(std::uint64_t key) noexcept {
    return static_cast<std::size_t>(key & 0xffffffffu);
}

// The k indices i < n with wanted(i) and the lowest value_of(i), ties to the lower index, as
// sorted rank keys. Two passes and no allocation beyond a fixed histogram and the result: one
// counts the candidates per value (values from counted_values up share one count), the other
// takes those below the cut-off value and, at it, the first ones in index order, which are the
// lower indices. Only a cut-off among the shared values needs a selection.
template <typename ValueOf, typename Wanted>
std::vector<std::uint64_t> lowest_ranked(std::size_t n, std::size_t k, ValueOf&& value_of,
                                         Wanted&& wanted) {
    constexpr std::uint32_t counted_values = 1u << 16;
    std::vector<std::size_t> count(counted_values + 1, 0);
    for (std::size_t i = 0; i < n; ++i) {
        if (wanted(i)) {
            ++count[std::min<std::uint32_t>(value_of(i), counted_values)];
        }
    }
    std::uint32_t cut = 0;  // the bucket the k-th candidate falls in
    std::size_t below = 0;  // candidates in the buckets before it
    while (cut < counted_values && below + count[cut] < k) {
        below += count[cut++];
    }
    std::vector<std::uint64_t> keys;
    keys.reserve(cut < counted_values ? k : below + count[cut]);
    std::size_t at_cut = 0;
    for (std::size_t i = 0; i < n; ++i) {
        if (!wanted(i)) {
            continue;
        }
        const std::uint32_t value = value_of(i);
        const std::uint32_t bucket = std::min(value, counted_values);
        if (bucket < cut || (bucket == cut && (cut == counted_values || at_cut++ < k - below))) {
            keys.push_back(rank_key(value, i));
        }
    }
    keep_smallest(keys, k);
    return keys;
}

// The k pieces with wanted(piece) that the fewest user peers hold, ties to the lower index.
template <typename Wanted>
std::vector<std::uint64_t> scarcest(const std::vector<std::uint32_t>& copies, std::size_t k,
                                    Wanted&& wanted) {
    return lowest_ranked(
        copies.size(), k, [&](std::size_t i) { return copies[i]; }, wanted);
}

}  // namespace p2pcdn::policy
