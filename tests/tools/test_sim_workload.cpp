#include "sim/workload.hpp"

#include <doctest/doctest.h>

#include <algorithm>
#include <numeric>

using namespace p2pcdn_sim;

namespace {

double mean(const std::vector<double>& v) {
    return std::accumulate(v.begin(), v.end(), 0.0) / static_cast<double>(v.size());
}

}  // namespace

TEST_CASE("workload: a flash crowd arrives at once or within its window") {
    workload_config w;
    w.peers = 500;
    rng r(7);
    const auto at_once = arrival_times(w, r);
    CHECK(at_once.size() == 500);
    CHECK(std::all_of(at_once.begin(), at_once.end(), [](double t) { return t == 0; }));
    w.flash_window = 10;
    const auto spread = arrival_times(w, r);
    CHECK(std::is_sorted(spread.begin(), spread.end()));
    CHECK(spread.front() >= 0);
    CHECK(spread.back() <= 10);
    CHECK(mean(spread) == doctest::Approx(5).epsilon(0.1));
}

TEST_CASE("workload: decaying arrivals have mean tau, Poisson arrivals rate lambda") {
    workload_config w;
    w.kind = workload_kind::decay;
    w.peers = 20000;
    w.decay_tau = 300;
    rng r(11);
    const auto decay = arrival_times(w, r);
    // Exponential times: mean tau (standard error tau / sqrt(N), 0.7 %), median tau ln 2.
    CHECK(mean(decay) == doctest::Approx(300).epsilon(0.03));
    CHECK(decay[decay.size() / 2] == doctest::Approx(300 * 0.6931).epsilon(0.04));

    w.kind = workload_kind::poisson;
    w.arrival_rate = 4;
    const auto poisson = arrival_times(w, r);
    CHECK(std::is_sorted(poisson.begin(), poisson.end()));
    CHECK(poisson.back() == doctest::Approx(20000 / 4.0).epsilon(0.03));
}

TEST_CASE("workload: classes, free riders, seeding and abort times follow their parameters") {
    workload_config w;
    w.kind = workload_kind::poisson;
    w.peers = 20000;
    w.free_riders = 0.25;
    w.seed_time = 60;
    w.abort_rate = 0.01;
    const std::vector<peer_class> classes = {{"a", 1, 1, 1}, {"b", 1, 1, 3}};
    rng r(3);
    const auto arrivals = generate_arrivals(w, classes, r);
    REQUIRE(arrivals.size() == 20000);
    double in_b = 0, riders = 0, seed = 0, abort = 0;
    for (const auto& a : arrivals) {
        in_b += a.peer_class == 1 ? 1 : 0;
        riders += a.free_rider ? 1 : 0;
        seed += a.seed_time;
        abort += a.abort_after;
        CHECK(a.content == 0);
    }
    CHECK(in_b / 20000 == doctest::Approx(0.75).epsilon(0.03));
    CHECK(riders / 20000 == doctest::Approx(0.25).epsilon(0.05));
    CHECK(seed / 20000 == doctest::Approx(60).epsilon(0.03));
    CHECK(abort / 20000 == doctest::Approx(100).epsilon(0.03));
}

TEST_CASE("workload: Zipf popularity ranks contents") {
    const zipf_sampler z(10, 1.0);
    double sum = 0;
    for (std::size_t k = 0; k < 10; ++k) {
        sum += z.probability(k);
    }
    CHECK(sum == doctest::Approx(1));
    CHECK(z.probability(0) == doctest::Approx(2 * z.probability(1)));
    workload_config w;
    w.kind = workload_kind::zipf;
    w.peers = 20000;
    w.contents = 10;
    w.zipf_alpha = 1.0;
    rng r(5);
    const auto arrivals = generate_arrivals(w, {{"a", 1, 1, 1}}, r);
    std::vector<double> count(10, 0);
    for (const auto& a : arrivals) {
        REQUIRE(a.content < 10);
        count[a.content] += 1;
    }
    for (std::size_t k = 0; k < 10; ++k) {
        CHECK(count[k] / 20000 == doctest::Approx(z.probability(k)).epsilon(0.1));
    }
}

TEST_CASE("workload: one seed gives one workload and another seed another") {
    workload_config w;
    w.kind = workload_kind::decay;
    w.peers = 100;
    rng a(42), b(42), c(43);
    CHECK(arrival_times(w, a) == arrival_times(w, b));
    CHECK(arrival_times(w, a) != arrival_times(w, c));
}
