// The simulator's random numbers: xoshiro256** seeded through splitmix64, and the few
// distributions the workloads draw from. Written out here rather than taken from <random>,
// whose distributions differ between standard libraries: one seed gives one run everywhere.
#pragma once

#include <cstdint>
#include <vector>

namespace p2pcdn_sim {

class rng {
public:
    explicit rng(std::uint64_t seed);
    std::uint64_t next();
    // Uniform in [0, 1).
    double uniform();
    // Uniform in [0, bound), bound > 0, without modulo bias.
    std::uint64_t below(std::uint64_t bound);
    // Exponential with the given mean (> 0).
    double exponential(double mean);
    // A new generator for a sub-stream (a peer's planner, a policy), so that adding draws in
    // one part of the simulator does not shift the numbers another part sees.
    std::uint64_t derive(std::uint64_t stream) const;

private:
    std::uint64_t s_[4];
};

// Zipf over ranks 0..n-1: P(k) proportional to 1 / (k + 1)^alpha.
class zipf_sampler {
public:
    zipf_sampler(std::size_t n, double alpha);
    std::size_t draw(rng& r) const;
    double probability(std::size_t k) const;

private:
    std::vector<double> cdf_;
};

}  // namespace p2pcdn_sim
