// The selection the built-in policies rank with: the k scarcest candidates, ties to the lower
// index, whatever the copies values.
#include "policy/selection.hpp"

#include <doctest/doctest.h>

#include <algorithm>
#include <cstdint>
#include <random>
#include <vector>

using p2pcdn::policy::index_of_key;
using p2pcdn::policy::scarcest;

namespace {

std::vector<std::size_t> pieces_of(const std::vector<std::uint64_t>& keys) {
    std::vector<std::size_t> out;
    for (const auto key : keys) {
        out.push_back(index_of_key(key));
    }
    return out;
}

const auto every = [](std::size_t) { return true; };

}  // namespace

TEST_SUITE("policy.selection") {
    TEST_CASE("the k scarcest, ties to the lower index") {
        const std::vector<std::uint32_t> copies{3, 1, 0, 1, 2, 1, 0};
        CHECK(pieces_of(scarcest(copies, 4, every)) == std::vector<std::size_t>{2, 6, 1, 3});
        CHECK(pieces_of(scarcest(copies, 1, every)) == std::vector<std::size_t>{2});
        CHECK(scarcest(copies, 0, every).empty());
        // More room than candidates: all of them, in order.
        CHECK(pieces_of(scarcest(copies, 100, [](std::size_t i) { return i % 2 == 0; })) ==
              std::vector<std::size_t>{2, 6, 4, 0});
    }

    TEST_CASE("copies beyond the counted values are still ranked exactly") {
        const std::vector<std::uint32_t> copies{70000, 65536, 65537, 3, 65536, 4000000000u};
        CHECK(pieces_of(scarcest(copies, 3, every)) == std::vector<std::size_t>{3, 1, 4});
        CHECK(pieces_of(scarcest(copies, 6, every)) == std::vector<std::size_t>{3, 1, 4, 2, 0, 5});
    }

    TEST_CASE("any value ranks: the most copies first, ties to the lower index") {
        const std::vector<std::uint32_t> copies{3, 9, 0, 9, 5};
        const auto most = p2pcdn::policy::lowest_ranked(
            copies.size(), 3, [&](std::size_t i) { return 10 - copies[i]; }, every);
        CHECK(pieces_of(most) == std::vector<std::size_t>{1, 3, 4});
    }

    TEST_CASE("the same as sorting every candidate") {
        std::mt19937 rng(9);
        std::vector<std::uint32_t> copies(20000);
        for (auto& c : copies) {
            c = static_cast<std::uint32_t>(rng() % 3 == 0 ? 65530 + rng() % 12 : rng() % 40);
        }
        const auto wanted = [&](std::size_t i) { return copies[i] % 5 != 0; };
        std::vector<std::uint64_t> all;
        for (std::size_t i = 0; i < copies.size(); ++i) {
            if (wanted(i)) {
                all.push_back(p2pcdn::policy::rank_key(copies[i], i));
            }
        }
        std::sort(all.begin(), all.end());
        for (const std::size_t k : {1u, 7u, 500u, 13000u, 16000u, 30000u}) {
            const auto chosen = scarcest(copies, k, wanted);
            CHECK(chosen ==
                  std::vector<std::uint64_t>(
                      all.begin(), all.begin() + static_cast<std::ptrdiff_t>(
                                                     std::min<std::size_t>(k, all.size()))));
        }
    }

}  // TEST_SUITE
