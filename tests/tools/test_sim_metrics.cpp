#include "sim/metrics.hpp"
#include "sim/report.hpp"

#include <doctest/doctest.h>

using namespace p2pcdn_sim;

TEST_CASE("metrics: percentiles by nearest rank") {
    std::vector<double> v = {5, 1, 4, 2, 3, 6, 7, 8, 9, 10};
    CHECK(percentile(v, 50) == 5);
    CHECK(percentile(v, 95) == 10);
    CHECK(percentile(v, 10) == 1);
    CHECK(percentile(v, 100) == 10);
    std::vector<double> none;
    CHECK(percentile(none, 50) == 0);
    std::vector<double> one = {3.5};
    CHECK(percentile(one, 99) == 3.5);
}

TEST_CASE("metrics: offload, CSS egress, storage and the offload bound") {
    metrics m;
    m.peer_bytes = 900;
    m.css_bytes = 60;
    m.cdn_bytes = 40;
    m.cdn.ingest_bytes = 25;
    m.cdn.byte_seconds = 3.6e12;
    m.arrived = 10;
    m.completion_times = {30, 10, 20};
    CHECK(m.offload() == doctest::Approx(0.9));
    const summary s = summarize(m);
    CHECK(s.css_egress == doctest::Approx(85));
    CHECK(s.storage_gb_hours == doctest::Approx(1));
    CHECK(s.offload_bound == doctest::Approx(0.9));
    CHECK(s.p50 == 20);
    CHECK(s.max == 30);
    CHECK(s.mean == doctest::Approx(20));
    metrics empty;
    CHECK(empty.offload() == 0);
    CHECK(summarize(empty).p95 == 0);
}
