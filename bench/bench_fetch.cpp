// Fetching pieces from a real nginx edge on loopback: p2pcdn's fetcher (libcurl multi, hash
// verification included) against the curl command line fetching the same URLs with
// `curl --parallel --parallel-max 8`, in the same run. bench/fetch_vs_curl.sh starts the lab
// and places the pieces; this program reads the setup from P2PCDN_BENCH_FETCH, a file of
//   line 1: the piece URL template with {piece}, line 2: piece count, line 3: piece length,
//   line 4: the SHA-1 hash list as hex.
#include "core/content_layout.hpp"
#include "core/piece_hashes.hpp"
#include "http/client.hpp"
#include "ue/fetcher.hpp"

#include <benchmark/benchmark.h>
#include <fmt/format.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <stdexcept>
#include <string>

namespace {

struct setup {
    std::string uri_template;
    std::size_t pieces = 0;
    std::uint32_t piece_length = 0;
    std::string hashes_hex;
    std::string curl_config;  // a curl -K file listing every URL
};

std::string uri_of(const setup& s, std::size_t piece) {
    std::string uri = s.uri_template;
    uri.replace(uri.find("{piece}"), 7, std::to_string(piece));
    return uri;
}

const setup& bench_setup() {
    static const setup s = [] {
        const char* path = std::getenv("P2PCDN_BENCH_FETCH");
        if (path == nullptr) {
            throw std::runtime_error("P2PCDN_BENCH_FETCH is not set: run bench/fetch_vs_curl.sh");
        }
        std::ifstream in(path);
        setup r;
        std::getline(in, r.uri_template);
        in >> r.pieces >> r.piece_length >> r.hashes_hex;
        r.curl_config = std::string(path) + ".curl";
        std::ofstream cfg(r.curl_config);
        for (std::size_t i = 0; i < r.pieces; ++i) {
            cfg << "url = \"" << uri_of(r, i) << "\"\noutput = \"/dev/null\"\n";
        }
        return r;
    }();
    return s;
}

void BM_fetcher_parallel8(benchmark::State& state) {
    const setup& s = bench_setup();
    const p2pcdn::content_layout layout("bench", std::uint64_t{s.piece_length} * s.pieces,
                                        s.piece_length);
    const auto hashes =
        p2pcdn::piece_hashes::from_hex(p2pcdn::hash_algo::sha1, s.pieces, s.hashes_hex);
    p2pcdn::ue::fetcher_config config;
    config.http.max_per_host = 8;
    config.http.max_parallel = 8;
    p2pcdn::ue::fetcher f(layout, hashes, config);
    std::size_t failed = 0;
    for (auto _ : state) {
        for (std::size_t i = 0; i < s.pieces; ++i) {
            f.submit(i, uri_of(s, i), false, [&](p2pcdn::ue::fetch_result& r) {
                failed += r.status == p2pcdn::ue::fetch_status::ok ? 0 : 1;
            });
        }
        while (f.pending() > 0) {
            f.step(100);
        }
    }
    if (failed != 0) {
        state.SkipWithError(fmt::format("{} fetches failed", failed).c_str());
    }
    state.SetBytesProcessed(state.iterations() * std::int64_t{s.piece_length} *
                            static_cast<std::int64_t>(s.pieces));
}

// The same transfers through the library's HTTP client alone, bodies kept but not verified:
// what the fetcher costs before hashing, for a like-for-like comparison with curl.
void BM_http_client_parallel8(benchmark::State& state) {
    const setup& s = bench_setup();
    p2pcdn::http::client_config config;
    config.max_per_host = 8;
    config.max_parallel = 8;
    p2pcdn::http::client client(config);
    std::size_t failed = 0;
    for (auto _ : state) {
        for (std::size_t i = 0; i < s.pieces; ++i) {
            p2pcdn::http::request req;
            req.url = uri_of(s, i);
            client.submit(std::move(req), [&](p2pcdn::http::response& r) {
                failed += r.status == 200 ? 0 : 1;
            });
        }
        while (client.step(100) > 0) {
        }
    }
    if (failed != 0) {
        state.SkipWithError(fmt::format("{} transfers failed", failed).c_str());
    }
    state.SetBytesProcessed(state.iterations() * std::int64_t{s.piece_length} *
                            static_cast<std::int64_t>(s.pieces));
}

// The baseline: the curl program, same URLs, same parallelism, bodies thrown away unverified.
void BM_curl_parallel8(benchmark::State& state) {
    const setup& s = bench_setup();
    const std::string command =
        fmt::format("curl --silent --no-progress-meter --fail --parallel --parallel-max 8 -K '{}' 2>/dev/null", s.curl_config);
    for (auto _ : state) {
        if (std::system(command.c_str()) != 0) {
            state.SkipWithError("curl failed");
            break;
        }
    }
    state.SetBytesProcessed(state.iterations() * std::int64_t{s.piece_length} *
                            static_cast<std::int64_t>(s.pieces));
}

}  // namespace

BENCHMARK(BM_fetcher_parallel8)->Unit(benchmark::kMillisecond)->UseRealTime()->MinTime(3);
BENCHMARK(BM_http_client_parallel8)->Unit(benchmark::kMillisecond)->UseRealTime()->MinTime(3);
BENCHMARK(BM_curl_parallel8)->Unit(benchmark::kMillisecond)->UseRealTime()->MinTime(3);

BENCHMARK_MAIN();
