// Piece hashing throughput against its baseline, OpenSSL's own one-shot EVP digest over 16 KiB
// blocks (the largest block `openssl speed -evp sha1` reports), on the same 64 MiB buffer; and
// hashing a page-cached file, next to plain reads of it, to show what streaming adds.
#include "core/content_layout.hpp"
#include "core/piece_hasher.hpp"
#include "core/piece_hashes.hpp"

#include <benchmark/benchmark.h>
#include <fcntl.h>
#include <openssl/evp.h>
#include <unistd.h>

#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <memory>
#include <string>
#include <vector>

namespace {

using p2pcdn::hash_algo;

constexpr std::size_t content_size = std::size_t{64} << 20;
constexpr std::uint32_t piece_length = std::uint32_t{256} << 10;
constexpr std::size_t openssl_block = std::size_t{16} << 10;

std::string g_file_path;

const std::vector<std::uint8_t>& content() {
    static const std::vector<std::uint8_t> bytes = [] {
        std::vector<std::uint8_t> out(content_size);
        std::uint32_t x = 1;
        for (auto& b : out) {
            x = x * 1664525u + 1013904223u;
            b = static_cast<std::uint8_t>(x >> 24);
        }
        return out;
    }();
    return bytes;
}

const char* md_name(hash_algo algo) { return algo == hash_algo::sha1 ? "SHA1" : "SHA256"; }

void set_bytes(benchmark::State& state) {
    state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations()) *
                            static_cast<std::int64_t>(content_size));
}

void piece_hashes_buffer(benchmark::State& state, hash_algo algo) {
    const auto& data = content();
    const p2pcdn::content_layout layout("bench", data.size(), piece_length);
    p2pcdn::hash_settings settings;
    settings.algo = algo;
    for (auto _ : state) {
        const auto hashes = p2pcdn::hash_buffer(layout, data.data(), data.size(), settings);
        benchmark::DoNotOptimize(hashes.raw().data());
    }
    set_bytes(state);
}

void openssl_evp_16k(benchmark::State& state, hash_algo algo) {
    const auto& data = content();
    // Fetched once, as openssl speed does.
    const std::unique_ptr<EVP_MD, decltype(&EVP_MD_free)> md(
        EVP_MD_fetch(nullptr, md_name(algo), nullptr), &EVP_MD_free);
    if (!md) {
        state.SkipWithError("EVP_MD_fetch failed");
        return;
    }
    unsigned char out[EVP_MAX_MD_SIZE];
    for (auto _ : state) {
        for (std::size_t offset = 0; offset < data.size(); offset += openssl_block) {
            if (EVP_Digest(data.data() + offset, openssl_block, out, nullptr, md.get(), nullptr) !=
                1) {
                state.SkipWithError("EVP_Digest failed");
                return;
            }
        }
        benchmark::DoNotOptimize(out);
    }
    set_bytes(state);
}

void piece_hashes_file(benchmark::State& state) {
    const p2pcdn::content_layout layout("bench", content_size, piece_length);
    p2pcdn::hash_settings settings;
    settings.read_size = static_cast<std::size_t>(state.range(0));
    for (auto _ : state) {
        const auto hashes = p2pcdn::hash_file(layout, g_file_path, settings);
        benchmark::DoNotOptimize(hashes.raw().data());
    }
    set_bytes(state);
}

// The I/O half of hash_file alone: the same reads, no hashing.
void read_file_only(benchmark::State& state) {
    const auto read_size = static_cast<std::size_t>(state.range(0));
    const std::unique_ptr<std::uint8_t[]> buffer(new std::uint8_t[read_size]);
    for (auto _ : state) {
        const int fd = ::open(g_file_path.c_str(), O_RDONLY | O_CLOEXEC);
        if (fd < 0) {
            state.SkipWithError("open failed");
            return;
        }
        std::size_t total = 0;
        for (ssize_t n; (n = ::read(fd, buffer.get(), read_size)) > 0;) {
            total += static_cast<std::size_t>(n);
        }
        ::close(fd);
        benchmark::DoNotOptimize(total);
    }
    set_bytes(state);
}

BENCHMARK_CAPTURE(piece_hashes_buffer, sha1_256k, hash_algo::sha1)->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(openssl_evp_16k, sha1, hash_algo::sha1)->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(piece_hashes_buffer, sha256_256k, hash_algo::sha256)
    ->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(openssl_evp_16k, sha256, hash_algo::sha256)->Unit(benchmark::kMillisecond);
BENCHMARK(piece_hashes_file)
    ->ArgName("read_size")
    ->Arg(64 << 10)
    ->Arg(1 << 20)
    ->Arg(8 << 20)
    ->Unit(benchmark::kMillisecond);
BENCHMARK(read_file_only)->ArgName("read_size")->Arg(1 << 20)->Unit(benchmark::kMillisecond);

bool write_content_file(const std::string& path) {
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    const auto& data = content();
    out.write(reinterpret_cast<const char*>(data.data()), static_cast<std::streamsize>(data.size()));
    return out.good();
}

}  // namespace

int main(int argc, char** argv) {
    benchmark::Initialize(&argc, argv);
    if (benchmark::ReportUnrecognizedArguments(argc, argv)) {
        return 1;
    }
    g_file_path = (std::filesystem::temp_directory_path() /
                   ("p2pcdn-bench-hash-" + std::to_string(::getpid())))
                      .string();
    if (!write_content_file(g_file_path)) {
        std::fprintf(stderr, "cannot write %s\n", g_file_path.c_str());
        return 1;
    }
    benchmark::RunSpecifiedBenchmarks();
    benchmark::Shutdown();
    std::error_code ec;
    std::filesystem::remove(g_file_path, ec);
    return 0;
}
