// Tracker-level figures: statistics snapshot plus JSON encode at 10k and 1M pieces, and
// announces through the registry from one and two threads to different contents (the
// registry's sharded lookup is what is measured; no lock is shared between the contents).
#include "swarm/tracker.hpp"
#include "wire/stats_report.hpp"

#include <benchmark/benchmark.h>
#include <fmt/format.h>

#include <cstdint>
#include <random>
#include <string>
#include <vector>

namespace {

using p2pcdn::announce_request;
using p2pcdn::bitmap;
using p2pcdn::stats_report;

// A tracker holding one content with `peers` peers whose bitmaps are random halves.
p2pcdn::tracker& populated(std::size_t pieces, std::size_t peers) {
    static std::size_t made_pieces = 0;
    static std::unique_ptr<p2pcdn::tracker> t;
    if (!t || made_pieces != pieces) {
        p2pcdn::tracker_config config;
        config.rng_seed = 1;
        t = std::make_unique<p2pcdn::tracker>(config);
        std::mt19937_64 rng(7);
        bitmap bits(pieces);
        announce_request request;
        request.address = p2pcdn::ip_address::parse("192.0.2.1");
        request.numwant = 0;
        for (std::size_t p = 0; p < peers; ++p) {
            for (std::size_t w = 0; w < bits.word_count(); ++w) {
                bits.words()[w] = rng();
            }
            if (pieces % 64 != 0) {
                bits.words()[bits.word_count() - 1] &= ~std::uint64_t{0} << (64 - pieces % 64);
            }
            request.peer_id = fmt::format("peer-{}", p);
            request.full = &bits;
            t->announce("content", pieces, request);
        }
        made_pieces = pieces;
    }
    return *t;
}

void BM_stats_snapshot(benchmark::State& state) {
    const auto pieces = static_cast<std::size_t>(state.range(0));
    p2pcdn::tracker& t = populated(pieces, 64);
    for (auto _ : state) {
        stats_report report = t.stats("content");
        benchmark::DoNotOptimize(report.copies.data());
    }
    state.SetItemsProcessed(state.iterations() * state.range(0));
}

// The floor a snapshot cannot beat: copying the per-piece counts once.
void BM_stats_snapshot_baseline_copy(benchmark::State& state) {
    const std::vector<std::uint32_t> copies(static_cast<std::size_t>(state.range(0)), 3);
    for (auto _ : state) {
        std::vector<std::uint32_t> snapshot = copies;
        benchmark::DoNotOptimize(snapshot.data());
    }
    state.SetItemsProcessed(state.iterations() * state.range(0));
}

void BM_stats_json_encode(benchmark::State& state) {
    const auto pieces = static_cast<std::size_t>(state.range(0));
    const stats_report report = populated(pieces, 64).stats("content");
    const auto encoding = state.range(1) == 0 ? p2pcdn::copies_encoding::plain
                                              : p2pcdn::copies_encoding::runs;
    std::size_t bytes = 0;
    for (auto _ : state) {
        std::string json = p2pcdn::encode_stats_json(report, encoding);
        bytes = json.size();
        benchmark::DoNotOptimize(json.data());
    }
    state.SetItemsProcessed(state.iterations() * state.range(0));
    state.counters["json_bytes"] = static_cast<double>(bytes);
}

// The baseline: the same numbers joined with fmt, nothing else.
void BM_stats_json_encode_baseline_fmt(benchmark::State& state) {
    const stats_report report = populated(static_cast<std::size_t>(state.range(0)), 64)
                                    .stats("content");
    for (auto _ : state) {
        std::string json = fmt::format("{{\"copies\":[{}]}}", fmt::join(report.copies, ","));
        benchmark::DoNotOptimize(json.data());
    }
    state.SetItemsProcessed(state.iterations() * state.range(0));
}

void BM_stats_json_decode(benchmark::State& state) {
    const stats_report report = populated(static_cast<std::size_t>(state.range(0)), 64)
                                    .stats("content");
    const std::string json = p2pcdn::encode_stats_json(report, p2pcdn::copies_encoding::plain);
    for (auto _ : state) {
        stats_report back = p2pcdn::decode_stats_json(json);
        benchmark::DoNotOptimize(back.copies.data());
    }
    state.SetItemsProcessed(state.iterations() * state.range(0));
}

// HAVE announces through the registry, each thread to its own content, so the figure shows
// whether threads on different contents scale (no lock in common).
void BM_tracker_have_announce_per_content(benchmark::State& state) {
    static p2pcdn::tracker* shared = nullptr;
    constexpr std::size_t pieces = 10000;
    constexpr std::size_t peers = 1000;
    if (state.thread_index() == 0) {
        p2pcdn::tracker_config config;
        config.rng_seed = 3;
        shared = new p2pcdn::tracker(config);
        announce_request request;
        request.address = p2pcdn::ip_address::parse("192.0.2.1");
        request.numwant = 0;
        for (int c = 0; c < state.threads(); ++c) {
            for (std::size_t p = 0; p < peers; ++p) {
                request.peer_id = fmt::format("p{}", p);
                shared->announce(fmt::format("content-{}", c), pieces, request);
            }
        }
    }
    const std::string content = fmt::format("content-{}", state.thread_index());
    announce_request request;
    request.address = p2pcdn::ip_address::parse("192.0.2.1");
    request.numwant = 5;
    request.have.resize(1);
    std::size_t k = 0;
    for (auto _ : state) {
        request.peer_id = fmt::format("p{}", k % peers);
        request.have[0] = static_cast<std::uint32_t>((k * 7919) % pieces);
        auto answer = shared->announce(content, 0, request);
        benchmark::DoNotOptimize(answer.peers.data());
        ++k;
    }
    state.SetItemsProcessed(static_cast<std::int64_t>(k));
    if (state.thread_index() == 0) {
        delete shared;
        shared = nullptr;
    }
}

}  // namespace

BENCHMARK(BM_stats_snapshot)->Arg(10000)->Arg(1000000)->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_stats_snapshot_baseline_copy)->Arg(10000)->Arg(1000000)->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_stats_json_encode)
    ->Args({10000, 0})
    ->Args({10000, 1})
    ->Args({1000000, 0})
    ->Args({1000000, 1})
    ->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_stats_json_encode_baseline_fmt)->Arg(10000)->Arg(1000000)->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_stats_json_decode)->Arg(10000)->Arg(1000000)->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_tracker_have_announce_per_content)->Threads(1)->Threads(2)->UseRealTime();

BENCHMARK_MAIN();
