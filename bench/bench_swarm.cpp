// The swarm model at tracker scale: 100k peers, 10k pieces, bitmaps about half full and 5%
// seeds. Measures announces (full bitmaps with a few changed pieces, single-piece HAVEs), each
// single-threaded and with two threads on the same swarm (its lock serialises them), with a
// small numwant so peer selection is included; the availability update of one full-bitmap
// change against a naive per-bit loop in the same run (the figure is the ratio); and the memory
// per peer against the bitmap's own bytes.
#include <benchmark/benchmark.h>

#include <cstdint>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include "core/bitmap.hpp"
#include "swarm/availability.hpp"
#include "swarm/swarm.hpp"

namespace {

using p2pcdn::announce_request;
using p2pcdn::bitmap;
using p2pcdn::swarm;

constexpr std::size_t peer_total = 100000;
constexpr std::size_t piece_total = 10000;
constexpr std::uint32_t numwant = 5;
// Peers whose bitmaps a benchmark thread keeps a copy of, to send a few changed pieces.
constexpr std::size_t owned_peers = 1024;

std::string peer_id(std::size_t i) {
    std::string id = "-P20001-";  // 20 bytes, as BitTorrent clients send
    const std::string digits = std::to_string(i);
    id.append(12 - digits.size(), '0');
    id += digits;
    return id;
}

bitmap random_bitmap(std::mt19937_64& rng) {
    bitmap b(piece_total);
    for (std::size_t w = 0; w < b.word_count(); ++w) {
        b.words()[w] = rng();
    }
    // The spare bits past the last piece must stay clear.
    const std::size_t used = piece_total % 64;
    if (used != 0) {
        b.words()[b.word_count() - 1] &= ~std::uint64_t{0} << (64 - used);
    }
    return b;
}

struct fixture {
    std::unique_ptr<swarm> s;
    std::vector<std::string> ids;
    std::vector<bitmap> owned;  // the bitmaps of peers 0 .. 2 * owned_peers - 1
};

fixture& shared() {
    static fixture f = [] {
        fixture made;
        made.s = std::make_unique<swarm>("bench", piece_total, peer_total + 16, 42);
        std::mt19937_64 rng(7);
        announce_request r;
        r.numwant = 0;
        bitmap full(piece_total);
        full.fill(true);
        for (std::size_t i = 0; i < peer_total; ++i) {
            made.ids.push_back(peer_id(i));
            r.peer_id = made.ids.back();
            bitmap b = i % 20 == 19 ? full : random_bitmap(rng);
            r.full = &b;
            made.s->announce(r, 0);
            if (i < 2 * owned_peers) {
                made.owned.push_back(std::move(b));
            }
        }
        return made;
    }();
    return f;
}

// (a) Full-bitmap announces, each with 4 pieces changed from the peer's last bitmap.
void BM_announce_full_bitmap(benchmark::State& state) {
    fixture& f = shared();
    const std::size_t base = static_cast<std::size_t>(state.thread_index()) * owned_peers;
    std::mt19937_64 rng(100 + static_cast<std::uint64_t>(state.thread_index()));
    announce_request r;
    r.numwant = numwant;
    std::size_t next = 0;
    std::int64_t now = 1;
    for (auto _ : state) {
        const std::size_t i = base + next;
        next = (next + 1) % owned_peers;
        bitmap& b = f.owned[i];
        for (int k = 0; k < 4; ++k) {
            const std::size_t piece = rng() % piece_total;
            if (b.test(piece)) {
                b.clear(piece);
            } else {
                b.set(piece);
            }
        }
        r.peer_id.assign(f.ids[i]);
        r.full = &b;
        benchmark::DoNotOptimize(f.s->announce(r, ++now));
    }
    state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()));
}
BENCHMARK(BM_announce_full_bitmap)->UseRealTime();
BENCHMARK(BM_announce_full_bitmap)->Threads(2)->UseRealTime();

// (b) HAVE announces of one random piece, by peers across the whole swarm.
template <p2pcdn::peer_selection mode>
void BM_announce_have(benchmark::State& state) {
    fixture& f = shared();
    const auto threads = static_cast<std::size_t>(state.threads());
    const auto thread = static_cast<std::size_t>(state.thread_index());
    std::mt19937_64 rng(200 + thread);
    announce_request r;
    r.numwant = numwant;
    r.selection = mode;
    r.have.resize(1);
    // Each thread announces for its own share of the peers.
    std::size_t next = thread;
    std::int64_t now = 1;
    for (auto _ : state) {
        r.peer_id.assign(f.ids[next]);
        next += threads;
        if (next >= peer_total) {
            next = thread;
        }
        r.have[0] = static_cast<std::uint32_t>(rng() % piece_total);
        benchmark::DoNotOptimize(f.s->announce(r, ++now));
    }
    state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()));
}
BENCHMARK_TEMPLATE(BM_announce_have, p2pcdn::peer_selection::random)->UseRealTime();
BENCHMARK_TEMPLATE(BM_announce_have, p2pcdn::peer_selection::random)->Threads(2)->UseRealTime();
BENCHMARK_TEMPLATE(BM_announce_have, p2pcdn::peer_selection::complementary)->UseRealTime();

// (c) The availability update for one full-bitmap change, word-wise difference against a naive
// loop over every piece; Arg(4): four pieces changed, Arg(0): a whole new random bitmap (about
// half the pieces change). Alternating between the two bitmaps keeps the counts bounded.
struct change_pair {
    bitmap before;
    bitmap after;
};

change_pair make_change(std::size_t changed) {
    std::mt19937_64 rng(300 + changed);
    change_pair pair{random_bitmap(rng), bitmap()};
    pair.after = changed == 0 ? random_bitmap(rng) : pair.before;
    for (std::size_t k = 0; k < changed; ++k) {
        const std::size_t piece = rng() % piece_total;
        if (pair.after.test(piece)) {
            pair.after.clear(piece);
        } else {
            pair.after.set(piece);
        }
    }
    return pair;
}

void BM_availability_change(benchmark::State& state) {
    const change_pair pair = make_change(static_cast<std::size_t>(state.range(0)));
    p2pcdn::swarm_detail::availability avail(piece_total);
    avail.ensure_allocated();
    avail.add(pair.before.words());
    bool forward = true;
    for (auto _ : state) {
        if (forward) {
            avail.change(pair.before.words(), pair.after.words());
        } else {
            avail.change(pair.after.words(), pair.before.words());
        }
        forward = !forward;
        benchmark::ClobberMemory();
    }
    state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()));
}
BENCHMARK(BM_availability_change)->Arg(4)->Arg(0);

void BM_availability_change_naive(benchmark::State& state) {
    const change_pair pair = make_change(static_cast<std::size_t>(state.range(0)));
    std::vector<std::uint32_t> copies(piece_total, 0);
    for (std::size_t i = 0; i < piece_total; ++i) {
        copies[i] += pair.before.test(i) ? 1 : 0;
    }
    bool forward = true;
    for (auto _ : state) {
        const bitmap& from = forward ? pair.before : pair.after;
        const bitmap& to = forward ? pair.after : pair.before;
        for (std::size_t i = 0; i < piece_total; ++i) {
            const bool had = from.test(i);
            const bool has = to.test(i);
            if (has && !had) {
                ++copies[i];
            } else if (had && !has) {
                --copies[i];
            }
        }
        forward = !forward;
        benchmark::ClobberMemory();
    }
    benchmark::DoNotOptimize(copies.data());
    state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()));
}
BENCHMARK(BM_availability_change_naive)->Arg(4)->Arg(0);

// (d) Memory per peer of the populated swarm, against the bitmap's own bytes (1250 on the
// wire, 1256 in 64-bit words). The timed part is memory_bytes() itself.
void BM_memory_per_peer(benchmark::State& state) {
    fixture& f = shared();
    std::size_t bytes = 0;
    for (auto _ : state) {
        bytes = f.s->memory_bytes();
        benchmark::DoNotOptimize(bytes);
    }
    const double peers = static_cast<double>(f.s->peer_count());
    const double per_peer = static_cast<double>(bytes) / peers;
    const double bitmap_bytes = static_cast<double>((piece_total + 7) / 8);
    state.counters["bytes_per_peer"] = per_peer;
    state.counters["bitmap_bytes"] = bitmap_bytes;
    state.counters["overhead_per_peer"] = per_peer - bitmap_bytes;
    state.counters["budget_per_peer"] = bitmap_bytes + 96;
}
BENCHMARK(BM_memory_per_peer)->Iterations(1000);

}  // namespace

BENCHMARK_MAIN();
