#include "core/popcount.hpp"

namespace p2pcdn::popcount {
namespace {

using word = std::uint64_t;

// On x86 without -mpopcnt, __builtin_popcountll becomes a libgcc call with a table lookup per
// byte; this SWAR sum is branch-free and inlines into the loops. Other targets (aarch64 cnt)
// expand the builtin inline, so they keep it.
inline unsigned portable_word(word x) noexcept {
#if defined(__x86_64__) || defined(__i386__)
    x = x - ((x >> 1) & 0x5555555555555555ULL);
    x = (x & 0x3333333333333333ULL) + ((x >> 2) & 0x3333333333333333ULL);
    x = (x + (x >> 4)) & 0x0f0f0f0f0f0f0f0fULL;
    return static_cast<unsigned>((x * 0x0101010101010101ULL) >> 56);
#else
    return static_cast<unsigned>(__builtin_popcountll(x));
#endif
}

}  // namespace

namespace portable {

std::size_t count(const word* w, std::size_t n) noexcept {
    std::size_t total = 0;
    for (std::size_t i = 0; i < n; ++i) total += portable_word(w[i]);
    return total;
}

std::size_t count_and(const word* a, const word* b, std::size_t n) noexcept {
    std::size_t total = 0;
    for (std::size_t i = 0; i < n; ++i) total += portable_word(a[i] & b[i]);
    return total;
}

std::size_t count_andnot(const word* a, const word* b, std::size_t n) noexcept {
    std::size_t total = 0;
    for (std::size_t i = 0; i < n; ++i) total += portable_word(a[i] & ~b[i]);
    return total;
}

}  // namespace portable

namespace {

#if defined(__x86_64__) || defined(__i386__)
#define P2PCDN_POPCNT_DISPATCH 1
// Only these functions are compiled for popcnt, so the rest of the library still runs on CPUs
// without it. Four accumulators keep several popcnt instructions in flight per cycle.
#define P2PCDN_TARGET_POPCNT __attribute__((target("popcnt")))

P2PCDN_TARGET_POPCNT std::size_t hw_count(const word* w, std::size_t n) noexcept {
    std::size_t s0 = 0, s1 = 0, s2 = 0, s3 = 0;
    std::size_t i = 0;
    for (; i + 4 <= n; i += 4) {
        s0 += static_cast<std::size_t>(__builtin_popcountll(w[i]));
        s1 += static_cast<std::size_t>(__builtin_popcountll(w[i + 1]));
        s2 += static_cast<std::size_t>(__builtin_popcountll(w[i + 2]));
        s3 += static_cast<std::size_t>(__builtin_popcountll(w[i + 3]));
    }
    for (; i < n; ++i) s0 += static_cast<std::size_t>(__builtin_popcountll(w[i]));
    return s0 + s1 + s2 + s3;
}

P2PCDN_TARGET_POPCNT std::size_t hw_count_and(const word* a, const word* b,
                                              std::size_t n) noexcept {
    std::size_t s0 = 0, s1 = 0, s2 = 0, s3 = 0;
    std::size_t i = 0;
    for (; i + 4 <= n; i += 4) {
        s0 += static_cast<std::size_t>(__builtin_popcountll(a[i] & b[i]));
        s1 += static_cast<std::size_t>(__builtin_popcountll(a[i + 1] & b[i + 1]));
        s2 += static_cast<std::size_t>(__builtin_popcountll(a[i + 2] & b[i + 2]));
        s3 += static_cast<std::size_t>(__builtin_popcountll(a[i + 3] & b[i + 3]));
    }
    for (; i < n; ++i) s0 += static_cast<std::size_t>(__builtin_popcountll(a[i] & b[i]));
    return s0 + s1 + s2 + s3;
}

P2PCDN_TARGET_POPCNT std::size_t hw_count_andnot(const word* a, const word* b,
                                                 std::size_t n) noexcept {
    std::size_t s0 = 0, s1 = 0, s2 = 0, s3 = 0;
    std::size_t i = 0;
    for (; i + 4 <= n; i += 4) {
        s0 += static_cast<std::size_t>(__builtin_popcountll(a[i] & ~b[i]));
        s1 += static_cast<std::size_t>(__builtin_popcountll(a[i + 1] & ~b[i + 1]));
        s2 += static_cast<std::size_t>(__builtin_popcountll(a[i + 2] & ~b[i + 2]));
        s3 += static_cast<std::size_t>(__builtin_popcountll(a[i + 3] & ~b[i + 3]));
    }
    for (; i < n; ++i) s0 += static_cast<std::size_t>(__builtin_popcountll(a[i] & ~b[i]));
    return s0 + s1 + s2 + s3;
}
#undef P2PCDN_TARGET_POPCNT
#endif

struct kernels {
    std::size_t (*count)(const word*, std::size_t) noexcept;
    std::size_t (*count_and)(const word*, const word*, std::size_t) noexcept;
    std::size_t (*count_andnot)(const word*, const word*, std::size_t) noexcept;
    bool hardware;
};

kernels select() noexcept {
#ifdef P2PCDN_POPCNT_DISPATCH
    // Explicit init because the first use may come from another translation unit's static
    // constructor, before the CPU model has been filled in.
    __builtin_cpu_init();
    if (__builtin_cpu_supports("popcnt")) {
        return {hw_count, hw_count_and, hw_count_andnot, true};
    }
    return {portable::count, portable::count_and, portable::count_andnot, false};
#else
    return {portable::count, portable::count_and, portable::count_andnot, false};
#endif
}

// A function-local static: initialised exactly once even under concurrent first calls, and
// safe to reach from other static constructors, unlike a namespace-scope object.
const kernels& active() noexcept {
    static const kernels k = select();
    return k;
}

}  // namespace

std::size_t count(const std::uint64_t* words, std::size_t n) noexcept {
    return active().count(words, n);
}

std::size_t count_and(const std::uint64_t* a, const std::uint64_t* b, std::size_t n) noexcept {
    return active().count_and(a, b, n);
}

std::size_t count_andnot(const std::uint64_t* a, const std::uint64_t* b, std::size_t n) noexcept {
    return active().count_andnot(a, b, n);
}

bool uses_hardware() noexcept {
    return active().hardware;
}

}  // namespace p2pcdn::popcount
