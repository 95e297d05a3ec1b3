// Ingesting pieces into a real nginx origin on loopback (WebDAV PUT) and purging them (DELETE):
// p2pcdn's CDN client (origin driver: Cache-Control, Content-Digest, job bookkeeping) against
// the curl command line uploading the same files with `curl --parallel --parallel-max 8 -T`,
// in the same run. bench/ingest_vs_curl.sh starts the lab and writes the files; this program
// reads the setup from P2PCDN_BENCH_INGEST, a file of
//   line 1: the origin's base URL, line 2: piece count, line 3: piece length,
//   line 4: the directory holding the pieces as <i>.bin.
// Each side writes under its own path of the origin, so neither overwrites the other's files
// while it is measured; every upload overwrites the same side's objects of the run before.
#include "cdn/client.hpp"
#include "cdn/object_headers.hpp"
#include "http/client.hpp"

#include <benchmark/benchmark.h>
#include <fmt/format.h>

#include <cstdlib>
#include <fstream>
#include <numeric>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

namespace {

namespace cdn = p2pcdn::cdn;

struct setup {
    std::string origin;
    std::size_t pieces = 0;
    std::size_t piece_length = 0;
    std::string dir;
    std::vector<std::string> bytes;  // piece i
    std::string put_config;          // curl -K files
    std::string delete_config;
};

std::string read_file(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) {
        throw std::runtime_error("cannot read " + path);
    }
    std::ostringstream out;
    out << in.rdbuf();
    return std::move(out).str();
}

std::string curl_url(const setup& s, std::size_t piece) {
    return fmt::format("{}/bench-curl/{}.bin", s.origin, piece);
}

// The setup, or nullptr (the benchmark then skips) without P2PCDN_BENCH_INGEST.
const setup* bench_setup(benchmark::State& state) {
    static const char* const path = std::getenv("P2PCDN_BENCH_INGEST");
    if (path == nullptr) {
        state.SkipWithError("P2PCDN_BENCH_INGEST is not set: run bench/ingest_vs_curl.sh");
        return nullptr;
    }
    static const setup s = [] {
        std::ifstream in(path);
        setup r;
        in >> r.origin >> r.pieces >> r.piece_length >> r.dir;
        r.put_config = std::string(path) + ".put.curl";
        r.delete_config = std::string(path) + ".delete.curl";
        std::ofstream put(r.put_config);
        std::ofstream del(r.delete_config);
        for (std::size_t i = 0; i < r.pieces; ++i) {
            const std::string file = fmt::format("{}/{}.bin", r.dir, i);
            r.bytes.push_back(read_file(file));
            put << "upload-file = \"" << file << "\"\nurl = \"" << curl_url(r, i)
                << "\"\noutput = \"/dev/null\"\n";
            del << "url = \"" << curl_url(r, i) << "\"\noutput = \"/dev/null\"\n";
        }
        return r;
    }();
    return &s;
}

std::int64_t total_bytes(const setup& s) {
    return static_cast<std::int64_t>(s.pieces * s.piece_length);
}

cdn::client_config client_config(const setup& s, bool digest = true) {
    cdn::client_config config;
    config.http.max_per_host = 8;
    config.http.max_parallel = 8;
    config.delivery_template = s.origin + "/bench-p2pcdn/{piece}.bin";
    cdn::origin_config origin;
    origin.ingest_template = config.delivery_template;
    origin.send_digest = digest;
    config.origin = origin;
    return config;
}

std::vector<std::size_t> all_pieces(const setup& s) {
    std::vector<std::size_t> pieces(s.pieces);
    std::iota(pieces.begin(), pieces.end(), std::size_t{0});
    return pieces;
}

// Runs one job to its end; false unless every piece is done.
bool run_job(cdn::client& client, std::uint64_t job) {
    return client.wait(job).state == cdn::job_state::complete;
}

bool ingest_all(cdn::client& client, const setup& s, std::vector<std::string> bytes) {
    cdn::ingest_request req;
    req.content_id = "bench";
    req.pieces = all_pieces(s);
    req.bytes = std::move(bytes);
    req.ttl_s = 3600;
    return run_job(client, client.submit_ingest(std::move(req)));
}

// digest: with the Content-Digest header (the default), or without it, doing what curl does.
void BM_cdn_ingest_parallel8(benchmark::State& state, bool digest) {
    const setup* found = bench_setup(state);
    if (found == nullptr) {
        return;
    }
    const setup& s = *found;
    cdn::client client(client_config(s, digest));
    bool ok = true;
    for (auto _ : state) {
        // The job takes its bytes by value; the copy is the caller's, not the upload's.
        state.PauseTiming();
        std::vector<std::string> bytes = s.bytes;
        state.ResumeTiming();
        ok = ingest_all(client, s, std::move(bytes)) && ok;
    }
    if (!ok) {
        state.SkipWithError("an ingest job did not complete");
    }
    state.SetBytesProcessed(state.iterations() * total_bytes(s));
}

void BM_cdn_purge_parallel8(benchmark::State& state) {
    const setup* found = bench_setup(state);
    if (found == nullptr) {
        return;
    }
    const setup& s = *found;
    cdn::client client(client_config(s));
    bool ok = true;
    for (auto _ : state) {
        state.PauseTiming();  // objects to delete, so every DELETE removes a file
        ok = ingest_all(client, s, s.bytes) && ok;
        state.ResumeTiming();
        cdn::purge_request req;
        req.content_id = "bench";
        req.pieces = all_pieces(s);
        ok = run_job(client, client.submit_purge(std::move(req))) && ok;
    }
    if (!ok) {
        state.SkipWithError("a purge job did not complete");
    }
    state.SetItemsProcessed(state.iterations() * static_cast<std::int64_t>(s.pieces));
}

// The same PUTs through the library's HTTP client alone (no job bookkeeping, no headers), and
// the same with the Content-Digest the origin driver computes for every piece: the split of
// what the CDN client costs on top of the transfers.
void BM_http_client_put_parallel8(benchmark::State& state, bool digest) {
    const setup* found = bench_setup(state);
    if (found == nullptr) {
        return;
    }
    const setup& s = *found;
    p2pcdn::http::client_config config;
    config.max_per_host = 8;
    config.max_parallel = 8;
    p2pcdn::http::client client(config);
    std::size_t failed = 0;
    for (auto _ : state) {
        state.PauseTiming();
        std::vector<std::string> bytes = s.bytes;
        state.ResumeTiming();
        for (std::size_t i = 0; i < s.pieces; ++i) {
            p2pcdn::http::request req;
            req.method = "PUT";
            req.url = fmt::format("{}/bench-http/{}.bin", s.origin, i);
            if (digest) {
                req.headers.emplace_back("Content-Digest", cdn::content_digest_sha256(bytes[i]));
            }
            req.body = std::move(bytes[i]);
            client.submit(std::move(req), [&](p2pcdn::http::response& r) {
                failed += r.status == 201 || r.status == 204 ? 0 : 1;
            });
        }
        while (client.step(100) > 0) {
        }
    }
    if (failed != 0) {
        state.SkipWithError(fmt::format("{} uploads failed", failed).c_str());
    }
    state.SetBytesProcessed(state.iterations() * total_bytes(s));
}

int run_curl(const std::string& args) {
    const std::string command = fmt::format(
        "curl --silent --no-progress-meter --fail --parallel --parallel-max 8 {} 2>/dev/null",
        args);
    return std::system(command.c_str());
}

// The baseline: the curl program uploading the same files, same parallelism.
void BM_curl_put_parallel8(benchmark::State& state) {
    const setup* found = bench_setup(state);
    if (found == nullptr) {
        return;
    }
    const setup& s = *found;
    const std::string args = fmt::format("-K '{}'", s.put_config);
    for (auto _ : state) {
        if (run_curl(args) != 0) {
            state.SkipWithError("curl failed");
            break;
        }
    }
    state.SetBytesProcessed(state.iterations() * total_bytes(s));
}

void BM_curl_delete_parallel8(benchmark::State& state) {
    const setup* found = bench_setup(state);
    if (found == nullptr) {
        return;
    }
    const setup& s = *found;
    const std::string put = fmt::format("-K '{}'", s.put_config);
    const std::string del = fmt::format("-X DELETE -K '{}'", s.delete_config);
    for (auto _ : state) {
        state.PauseTiming();
        const int uploaded = run_curl(put);
        state.ResumeTiming();
        if (uploaded != 0 || run_curl(del) != 0) {
            state.SkipWithError("curl failed");
            break;
        }
    }
    state.SetItemsProcessed(state.iterations() * static_cast<std::int64_t>(s.pieces));
}

}  // namespace

BENCHMARK_CAPTURE(BM_cdn_ingest_parallel8, with_digest, true)
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime()
    ->MinTime(1);
BENCHMARK_CAPTURE(BM_cdn_ingest_parallel8, no_digest, false)
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime()
    ->MinTime(1);
BENCHMARK_CAPTURE(BM_http_client_put_parallel8, bare, false)
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime()
    ->MinTime(1);
BENCHMARK_CAPTURE(BM_http_client_put_parallel8, with_digest, true)
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime()
    ->MinTime(1);
BENCHMARK(BM_curl_put_parallel8)->Unit(benchmark::kMillisecond)->UseRealTime()->MinTime(1);
BENCHMARK(BM_cdn_purge_parallel8)->Unit(benchmark::kMillisecond)->UseRealTime()->MinTime(1);
BENCHMARK(BM_curl_delete_parallel8)->Unit(benchmark::kMillisecond)->UseRealTime()->MinTime(1);

BENCHMARK_MAIN();
