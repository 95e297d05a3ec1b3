// Bitmap operations, word-wise, against a naive bit-by-bit loop over the same bitmaps in the
// same run: count, in-place and, count_andnot and BEP 3 wire decoding, at 1k, 100k and 10M
// pieces. The figure to report is each operation's ratio to its _naive twin.
#include <benchmark/benchmark.h>

#include <cstdint>
#include <map>
#include <random>
#include <utility>
#include <vector>

#include "core/bitmap.hpp"
#include "core/popcount.hpp"
#include "wire/bitfield.hpp"

namespace {

using p2pcdn::bitmap;
namespace bitfield = p2pcdn::bitfield;

// Two independent random bitmaps (half the pieces set) per size and their wire form, made once
// with a fixed seed so every benchmark and every run sees the same bits.
struct fixture {
    std::vector<std::uint8_t> wire_a;
    bitmap a;
    bitmap b;
};

const fixture& fixture_for(std::size_t nbits) {
    static std::map<std::size_t, fixture> cache;
    auto it = cache.find(nbits);
    if (it != cache.end()) {
        return it->second;
    }
    std::mt19937_64 rng(nbits);
    auto random_wire = [&] {
        std::vector<std::uint8_t> bytes(bitfield::byte_size(nbits));
        for (auto& byte : bytes) {
            byte = static_cast<std::uint8_t>(rng());
        }
        return bytes;
    };
    fixture f;
    const auto first = random_wire();
    f.a = bitfield::decode(first.data(), first.size(), nbits, bitfield::spare_bits::clear);
    f.wire_a = bitfield::encode(f.a);
    const auto other = random_wire();
    f.b = bitfield::decode(other.data(), other.size(), nbits, bitfield::spare_bits::clear);
    return cache.emplace(nbits, std::move(f)).first->second;
}

std::size_t nbits_of(const benchmark::State& state) {
    return static_cast<std::size_t>(state.range(0));
}

// items = pieces, bytes = bitmap bytes read per operand.
void set_counters(benchmark::State& state, std::size_t operands) {
    const auto n = static_cast<std::int64_t>(nbits_of(state));
    state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()) * n);
    state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations()) * (n + 7) / 8 *
                            static_cast<std::int64_t>(operands));
}

void BM_count(benchmark::State& state) {
    const bitmap& a = fixture_for(nbits_of(state)).a;
    for (auto _ : state) {
        benchmark::DoNotOptimize(a.count());
    }
    state.SetLabel(p2pcdn::popcount::uses_hardware() ? "popcnt" : "portable");
    set_counters(state, 1);
}

// The fallback kernel for CPUs without popcnt, measured on this one for comparison.
void BM_count_portable(benchmark::State& state) {
    const bitmap& a = fixture_for(nbits_of(state)).a;
    for (auto _ : state) {
        benchmark::DoNotOptimize(p2pcdn::popcount::portable::count(a.words(), a.word_count()));
    }
    set_counters(state, 1);
}

void BM_count_naive(benchmark::State& state) {
    const bitmap& a = fixture_for(nbits_of(state)).a;
    for (auto _ : state) {
        std::size_t n = 0;
        for (std::size_t i = 0; i < a.size(); ++i) {
            n += a.test(i) ? 1 : 0;
        }
        benchmark::DoNotOptimize(n);
    }
    set_counters(state, 1);
}

void BM_and(benchmark::State& state) {
    const fixture& f = fixture_for(nbits_of(state));
    bitmap a = f.a;
    for (auto _ : state) {
        a &= f.b;
        benchmark::DoNotOptimize(a.words());
        benchmark::ClobberMemory();
    }
    set_counters(state, 2);
}

void BM_and_naive(benchmark::State& state) {
    const fixture& f = fixture_for(nbits_of(state));
    bitmap a = f.a;
    for (auto _ : state) {
        for (std::size_t i = 0; i < a.size(); ++i) {
            if (!f.b.test(i)) {
                a.clear(i);
            }
        }
        benchmark::DoNotOptimize(a.words());
        benchmark::ClobberMemory();
    }
    set_counters(state, 2);
}

void BM_count_andnot(benchmark::State& state) {
    const fixture& f = fixture_for(nbits_of(state));
    for (auto _ : state) {
        benchmark::DoNotOptimize(f.a.count_andnot(f.b));
    }
    set_counters(state, 2);
}

void BM_count_andnot_naive(benchmark::State& state) {
    const fixture& f = fixture_for(nbits_of(state));
    for (auto _ : state) {
        std::size_t n = 0;
        for (std::size_t i = 0; i < f.a.size(); ++i) {
            // Non-short-circuit, so random bits do not also cost a branch miss each.
            n += static_cast<std::size_t>(f.a.test(i) & !f.b.test(i));
        }
        benchmark::DoNotOptimize(n);
    }
    set_counters(state, 2);
}

void BM_wire_decode(benchmark::State& state) {
    const std::size_t nbits = nbits_of(state);
    const auto& wire = fixture_for(nbits).wire_a;
    for (auto _ : state) {
        bitmap b = bitfield::decode(wire.data(), wire.size(), nbits, bitfield::spare_bits::reject);
        benchmark::DoNotOptimize(b.words());
    }
    set_counters(state, 1);
}

// What a straightforward decoder does: one bit of one byte at a time, then the spare bits.
bitmap naive_decode(const std::uint8_t* data, std::size_t len, std::size_t nbits) {
    if (len != bitfield::byte_size(nbits)) {
        return bitmap();
    }
    bitmap b(nbits);
    for (std::size_t i = 0; i < nbits; ++i) {
        if (data[i / 8] & (0x80u >> (i % 8))) {
            b.set(i);
        }
    }
    for (std::size_t i = nbits; i < len * 8; ++i) {
        if (data[i / 8] & (0x80u >> (i % 8))) {
            return bitmap();
        }
    }
    return b;
}

void BM_wire_decode_naive(benchmark::State& state) {
    const std::size_t nbits = nbits_of(state);
    const auto& wire = fixture_for(nbits).wire_a;
    for (auto _ : state) {
        bitmap b = naive_decode(wire.data(), wire.size(), nbits);
        benchmark::DoNotOptimize(b.words());
    }
    set_counters(state, 1);
}

void sizes(benchmark::internal::Benchmark* b) {
    b->Arg(1000)->Arg(100000)->Arg(10000000)->Unit(benchmark::kMicrosecond);
}

}  // namespace

BENCHMARK(BM_count)->Apply(sizes);
BENCHMARK(BM_count_portable)->Apply(sizes);
BENCHMARK(BM_count_naive)->Apply(sizes);
BENCHMARK(BM_and)->Apply(sizes);
BENCHMARK(BM_and_naive)->Apply(sizes);
BENCHMARK(BM_count_andnot)->Apply(sizes);
BENCHMARK(BM_count_andnot_naive)->Apply(sizes);
BENCHMARK(BM_wire_decode)->Apply(sizes);
BENCHMARK(BM_wire_decode_naive)->Apply(sizes);

BENCHMARK_MAIN();
