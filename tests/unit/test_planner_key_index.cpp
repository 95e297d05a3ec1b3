// The planner's peer key table (ue/peer_key_index.hpp) against std::map under random inserts and
// erases, through growth and backward-shift deletion.
#include "ue/peer_key_index.hpp"

#include <doctest/doctest.h>

#include <algorithm>
#include <cstdint>
#include <map>
#include <random>
#include <string>
#include <string_view>
#include <vector>

using p2pcdn::ue::detail::peer_key_index;

TEST_SUITE("planner") {

TEST_CASE("planner.key_index.matches_a_map") {
    std::mt19937_64 rng(11);
    std::vector<std::string> keys(600);  // slot -> key
    for (std::size_t i = 0; i < keys.size(); ++i) {
        // Short keys of one to twenty bytes, many sharing prefixes.
        keys[i] = "p" + std::to_string(i * 7919 % 1000);
        keys[i].resize(1 + i % 20, static_cast<char>('a' + i % 26));
        keys[i] += static_cast<char>(i);
        keys[i].resize(std::min<std::size_t>(keys[i].size(), 20));
    }
    const auto key_of = [&](std::uint32_t s) { return std::string_view(keys[s]); };
    peer_key_index index;
    std::map<std::string, std::uint32_t> model;
    CHECK(index.find("x", key_of) == peer_key_index::none);
    index.erase("x", key_of);  // nothing to erase on an empty table
    for (int step = 0; step < 20000; ++step) {
        const auto s = static_cast<std::uint32_t>(rng() % keys.size());
        const std::string& k = keys[s];
        if (model.count(k) != 0 && model[k] != s) {
            continue;  // two slots with one key cannot happen in the planner
        }
        if (rng() % 3 != 0) {
            if (model.count(k) == 0) {
                index.reserve_one_more();
                index.insert(k, s);
                model[k] = s;
            }
        } else {
            index.erase(k, key_of);
            model.erase(k);
        }
        REQUIRE(index.size() == model.size());
        if (step % 97 == 0) {
            for (std::uint32_t t = 0; t < keys.size(); ++t) {
                const auto it = model.find(keys[t]);
                const std::uint32_t want = it == model.end() ? peer_key_index::none : it->second;
                REQUIRE(index.find(keys[t], key_of) == want);
            }
        }
    }
    CHECK(index.size() > 100);
}

}  // TEST_SUITE
