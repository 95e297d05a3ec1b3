#include "random.hpp"

#include <algorithm>
#include <cmath>

namespace p2pcdn_sim {
namespace {

std::uint64_t splitmix64(std::uint64_t& x) {
    std::uint64_t z = (x += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

std::uint64_t rotl(std::uint64_t x, int k) {
    return (x << k) | (x >> (64 - k));
}

}  // namespace

rng::rng(std::uint64_t seed) {
    std::uint64_t x = seed;
    for (auto& word : s_) {
        word = splitmix64(x);
    }
}

std::uint64_t rng::next() {
    const std::uint64_t result = rotl(s_[1] * 5, 7) * 9;
    const std::uint64_t t = s_[1] << 17;
    s_[2] ^= s_[0];
    s_[3] ^= s_[1];
    s_[1] ^= s_[2];
    s_[0] ^= s_[3];
    s_[2] ^= t;
    s_[3] = rotl(s_[3], 45);
    return result;
}

double rng::uniform() {
    return static_cast<double>(next() >> 11) * 0x1.0p-53;
}

std::uint64_t rng::below(std::uint64_t bound) {
    const std::uint64_t threshold = (0 - bound) % bound;
    for (;;) {
        const std::uint64_t x = next();
        if (x >= threshold) {
            return x % bound;
        }
    }
}

double rng::exponential(double mean) {
    // 1 - uniform() is in (0, 1]: the logarithm is finite.
    return -mean * std::log(1.0 - uniform());
}

std::uint64_t rng::derive(std::uint64_t stream) const {
    std::uint64_t x = s_[0] ^ (stream * 0xd1b54a32d192ed03ULL);
    splitmix64(x);
    const std::uint64_t out = splitmix64(x);
    return out == 0 ? 1 : out;  // the library reads a 0 seed as "random"
}

zipf_sampler::zipf_sampler(std::size_t n, double alpha) : cdf_(n) {
    double sum = 0;
    for (std::size_t k = 0; k < n; ++k) {
        sum += 1.0 / std::pow(static_cast<double>(k + 1), alpha);
        cdf_[k] = sum;
    }
    for (double& c : cdf_) {
        c /= sum;
    }
}

std::size_t zipf_sampler::draw(rng& r) const {
    const double u = r.uniform();
    const auto it = std::upper_bound(cdf_.begin(), cdf_.end(), u);
    return std::min<std::size_t>(static_cast<std::size_t>(it - cdf_.begin()), cdf_.size() - 1);
}

double zipf_sampler::probability(std::size_t k) const {
    return k == 0 ? cdf_[0] : cdf_[k] - cdf_[k - 1];
}

}  // namespace p2pcdn_sim
