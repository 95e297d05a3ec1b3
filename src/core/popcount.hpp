// Population counts over arrays of 64-bit words: the inner loops of bitmap counting and of
// availability, which run over every word of a bitmap and so are worth a hardware instruction.
//
// The hardware popcnt variant is picked once, on first use, when the CPU has the instruction;
// otherwise a portable variant runs. Both give identical results. No allocation, thread-safe.
#pragma once

#include <cstddef>
#include <cstdint>

namespace p2pcdn::popcount {

// Set bits in words[0, n).
std::size_t count(const std::uint64_t* words, std::size_t n) noexcept;
// Set bits in a[i] & b[i] over [0, n).
std::size_t count_and(const std::uint64_t* a, const std::uint64_t* b, std::size_t n) noexcept;
// Set bits in a[i] & ~b[i] over [0, n).
std::size_t count_andnot(const std::uint64_t* a, const std::uint64_t* b, std::size_t n) noexcept;

// The portable variant, always compiled; exposed so tests can hold both variants to the same
// reference on machines that have popcnt.
namespace portable {
std::size_t count(const std::uint64_t* words, std::size_t n) noexcept;
std::size_t count_and(const std::uint64_t* a, const std::uint64_t* b, std::size_t n) noexcept;
std::size_t count_andnot(const std::uint64_t* a, const std::uint64_t* b, std::size_t n) noexcept;
}  // namespace portable

// True when the hardware variant was selected (for tests and benchmark labels).
bool uses_hardware() noexcept;

}  // namespace p2pcdn::popcount
