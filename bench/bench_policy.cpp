// Storage-control decisions over 1M pieces (issue 6's target: at most 20 ms each), every
// built-in through policy::decide (input check, decision, decision check: what a caller pays),
// against naive versions of the threshold and budget policies measured in the same run, which
// sort every piece in full by its rank before taking the first ones (the figure is the ratio).
//
// The swarm: 1,000 user peers, no seeds; copies per piece are exponential with mean 30 (so
// about 6% of the pieces are below 2 copies, 3% at 0). Pieces are 256 KiB.
// The CDN holds every 20th piece (50,000), ingested 0 to 2 hours ago; a quarter of them carry
// a TTL, some of which has passed. The *_all_held runs have the CDN hold every piece.
#include <benchmark/benchmark.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <random>
#include <utility>
#include <vector>

#include "core/bitmap.hpp"
#include "core/content_layout.hpp"
#include "policy/baseline_policies.hpp"
#include "policy/budget_policy.hpp"
#include "policy/policy.hpp"
#include "policy/threshold_policy.hpp"
#include "policy/ttl_policy.hpp"
#include "wire/stats_report.hpp"

namespace {

namespace pol = p2pcdn::policy;

constexpr std::size_t piece_total = 1'000'000;
constexpr std::uint32_t piece_length = 256 * 1024;
constexpr std::uint32_t peer_total = 1000;
constexpr std::int64_t now_ms = 1'700'000'000'000;
constexpr std::size_t max_changes = 1000;
constexpr std::uint64_t capacity = std::uint64_t{16} << 30;  // 65,536 pieces

struct swarm {
    p2pcdn::content_layout layout{"bench", std::uint64_t{piece_total} * piece_length, piece_length};
    p2pcdn::stats_report stats;
    std::vector<pol::holding> holdings;

    pol::input input() const { return {stats, holdings, layout, now_ms}; }
};

const swarm& state() {
    static const swarm s = [] {
        swarm made;
        std::mt19937_64 rng(23);
        std::exponential_distribution<double> spread(1.0 / 30);
        made.stats.content_id = "bench";
        made.stats.piece_count = piece_total;
        made.stats.user_peers = peer_total;
        made.stats.copies.resize(piece_total);
        for (auto& c : made.stats.copies) {
            c = static_cast<std::uint32_t>(std::min<double>(peer_total, std::floor(spread(rng))));
        }
        for (std::size_t i = 0; i < piece_total; i += 20) {
            const auto ingested = now_ms - static_cast<std::int64_t>(rng() % 7'200'000);
            const std::int64_t expires =
                rng() % 4 == 0 ? ingested + static_cast<std::int64_t>(rng() % 7'200'000) : 0;
            made.holdings.push_back({i, piece_length, ingested, expires});
        }
        return made;
    }();
    return s;
}

// The worst case for the purge side: the CDN holds every piece (after the all baseline, say),
// all of them resident.
const swarm& all_held() {
    static const swarm s = [] {
        swarm made = state();
        made.holdings.clear();
        for (std::size_t i = 0; i < piece_total; ++i) {
            made.holdings.push_back({i, piece_length, now_ms - 7'200'000, 0});
        }
        return made;
    }();
    return s;
}

void run(benchmark::State& st, const pol::policy& p, const swarm& s = state()) {
    const pol::input in = s.input();
    std::size_t changes = 0;
    for (auto _ : st) {
        const pol::decision d = p.decide(in);
        changes = d.ingest.size() + d.purge.size();
        benchmark::DoNotOptimize(d.ingest.data());
    }
    st.counters["changes"] = static_cast<double>(changes);
}

void BM_threshold(benchmark::State& st) {
    pol::threshold_config c;
    c.max_changes = max_changes;
    c.capacity_bytes = capacity;
    run(st, pol::threshold_policy(c));
}
BENCHMARK(BM_threshold)->Unit(benchmark::kMillisecond);

void BM_budget(benchmark::State& st) {
    pol::budget_config c;
    c.budget_bytes = capacity;
    c.max_changes = max_changes;
    run(st, pol::budget_policy(c));
}
BENCHMARK(BM_budget)->Unit(benchmark::kMillisecond);

void BM_threshold_all_held(benchmark::State& st) {
    pol::threshold_config c;
    c.max_changes = max_changes;
    c.capacity_bytes = capacity;
    run(st, pol::threshold_policy(c), all_held());
}
BENCHMARK(BM_threshold_all_held)->Unit(benchmark::kMillisecond);

void BM_budget_all_held(benchmark::State& st) {
    pol::budget_config c;
    c.budget_bytes = capacity;
    c.max_changes = max_changes;
    run(st, pol::budget_policy(c), all_held());
}
BENCHMARK(BM_budget_all_held)->Unit(benchmark::kMillisecond);

void BM_ttl(benchmark::State& st) {
    pol::ttl_config c;
    c.max_changes = max_changes;
    run(st, pol::ttl_policy(c));
}
BENCHMARK(BM_ttl)->Unit(benchmark::kMillisecond);

void BM_all(benchmark::State& st) {
    run(st, pol::all_policy());
}
BENCHMARK(BM_all)->Unit(benchmark::kMillisecond);

void BM_none(benchmark::State& st) {
    run(st, pol::none_policy());
}
BENCHMARK(BM_none)->Unit(benchmark::kMillisecond);

// The input check alone, the floor under every decision.
void BM_check_input(benchmark::State& st) {
    const pol::input in = state().input();
    for (auto _ : st) {
        pol::check_input(in);
    }
}
BENCHMARK(BM_check_input)->Unit(benchmark::kMillisecond);

// The naive versions: the same candidates and rules (without the purges that make room, which
// only make them cheaper), with every piece sorted in full by its rank.
p2pcdn::bitmap live_pieces(const swarm& s) {
    p2pcdn::bitmap live(piece_total);
    for (const auto& h : s.holdings) {
        if (h.expires_at_ms == 0 || h.expires_at_ms > now_ms) {
            live.set(h.piece);
        }
    }
    return live;
}

// Every piece sorted by its rank, then walked in that order, taking the candidates.
template <typename Key, typename Rank, typename Wanted>
std::size_t naive_decision(const swarm& s, Rank&& rank, Wanted&& wanted) {
    const p2pcdn::bitmap live = live_pieces(s);
    std::vector<std::pair<Key, std::size_t>> order(piece_total);
    for (std::size_t i = 0; i < piece_total; ++i) {
        order[i] = {rank(s.stats.copies[i]), i};
    }
    std::sort(order.begin(), order.end());
    std::vector<std::size_t> ingest;
    std::uint64_t used = std::uint64_t{live.count()} * piece_length;
    for (const auto& [key, i] : order) {
        if (ingest.size() == max_changes || used + piece_length > capacity) {
            break;
        }
        if (wanted(s.stats.copies[i]) && !live.test(i)) {
            ingest.push_back(i);
            used += piece_length;
        }
    }
    benchmark::DoNotOptimize(ingest.data());
    return ingest.size();
}

void BM_naive_threshold_full_sort(benchmark::State& st) {
    std::size_t changes = 0;
    for (auto _ : st) {
        changes = naive_decision<std::uint32_t>(
            state(), [](std::uint32_t c) { return c; },
            [](std::uint32_t c) { return c < 2 && c < peer_total; });
    }
    st.counters["changes"] = static_cast<double>(changes);
}
BENCHMARK(BM_naive_threshold_full_sort)->Unit(benchmark::kMillisecond);

void BM_naive_budget_full_sort(benchmark::State& st) {
    std::size_t changes = 0;
    for (auto _ : st) {
        changes = naive_decision<double>(
            state(),
            [](std::uint32_t c) {
                return -static_cast<double>(peer_total - c) / ((c + 1.0) * piece_length);
            },
            [](std::uint32_t c) { return c < peer_total; });
    }
    st.counters["changes"] = static_cast<double>(changes);
}
BENCHMARK(BM_naive_budget_full_sort)->Unit(benchmark::kMillisecond);

}  // namespace

BENCHMARK_MAIN();
