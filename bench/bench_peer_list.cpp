// Peer list codecs: JSON and bencode, encode and decode, for a typical announce answer (50
// peers, 4 CDN sources, 10,000 pieces). Baselines in the same run: RapidJSON parsing the same
// JSON text into a Document without any validation (the floor for a validating JSON decoder),
// and a plain std::string copy of the encoded bytes (the floor for anything). The figures to
// report are each codec's ratio to its baseline.
#include <benchmark/benchmark.h>

#include <rapidjson/document.h>

#include <cstdint>
#include <random>
#include <string>

#include "core/bitmap.hpp"
#include "core/ip_address.hpp"
#include "wire/peer_list.hpp"
#include "wire/peer_list_bencode.hpp"
#include "wire/peer_list_json.hpp"

namespace {

using p2pcdn::peer_list;

// Fixed seed: every run sees the same list. Half the peers IPv4, a few network peers, CDN
// sources holding a random third of the pieces each.
const peer_list& fixture() {
    static const peer_list list = [] {
        std::mt19937_64 rng(42);
        peer_list l;
        l.content_id = "movie-1";
        l.piece_count = 10000;
        l.interval_s = 1800;
        l.min_interval_s = 60;
        l.seeds = 30;
        l.leechers = 400;
        for (int i = 0; i < 50; ++i) {
            p2pcdn::peer_entry p;
            p.id = "-P20001-" + std::to_string(100000000000 + rng() % 899999999999);
            if (i % 2 == 0) {
                const std::uint8_t a[4] = {
                    static_cast<std::uint8_t>(rng()), static_cast<std::uint8_t>(rng()),
                    static_cast<std::uint8_t>(rng()), static_cast<std::uint8_t>(rng())};
                p.address = p2pcdn::ip_address::v4(a);
            } else {
                std::uint8_t a[16] = {0x20, 0x01, 0x0d, 0xb8};
                for (int k = 4; k < 16; ++k) a[k] = static_cast<std::uint8_t>(rng());
                p.address = p2pcdn::ip_address::v6(a);
            }
            p.port = static_cast<std::uint16_t>(1024 + rng() % 60000);
            p.role = i < 3 ? p2pcdn::peer_role::network : p2pcdn::peer_role::user;
            p.seed = rng() % 10 == 0;
            l.peers.push_back(p);
        }
        for (int k = 0; k < 4; ++k) {
            p2pcdn::cdn_source s;
            s.uri = "https://edge" + std::to_string(k) + ".cdn.example/v1/{content}/{piece}";
            s.pieces = p2pcdn::bitmap(l.piece_count);
            for (std::size_t i = 0; i < l.piece_count; ++i) {
                if (rng() % 3 == 0)
                    s.pieces.set(i);
            }
            s.expires_s = 1764000000 + k;
            l.cdn.push_back(s);
        }
        return l;
    }();
    return list;
}

const std::string& json_text() {
    static const std::string text = p2pcdn::encode_peer_list_json(fixture());
    return text;
}

const std::string& bencode_text() {
    static const std::string text = p2pcdn::encode_peer_list_bencode(fixture());
    return text;
}

void set_bytes(benchmark::State& state, std::size_t bytes) {
    state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations()) *
                            static_cast<std::int64_t>(bytes));
}

void BM_json_encode(benchmark::State& state) {
    const peer_list& l = fixture();
    for (auto _ : state) {
        benchmark::DoNotOptimize(p2pcdn::encode_peer_list_json(l));
    }
    set_bytes(state, json_text().size());
}

void BM_json_decode(benchmark::State& state) {
    const std::string& text = json_text();
    for (auto _ : state) {
        benchmark::DoNotOptimize(p2pcdn::decode_peer_list_json(text));
    }
    set_bytes(state, text.size());
}

// Baseline: RapidJSON's default parse into a Document, no encoding validation, no checks.
void BM_json_rapidjson_parse_baseline(benchmark::State& state) {
    const std::string& text = json_text();
    for (auto _ : state) {
        rapidjson::Document doc;
        doc.Parse(text.data(), text.size());
        benchmark::DoNotOptimize(doc.IsObject());
    }
    set_bytes(state, text.size());
}

void BM_json_copy_baseline(benchmark::State& state) {
    const std::string& text = json_text();
    for (auto _ : state) {
        std::string copy = text;
        benchmark::DoNotOptimize(copy.data());
    }
    set_bytes(state, text.size());
}

void BM_bencode_encode(benchmark::State& state) {
    const peer_list& l = fixture();
    for (auto _ : state) {
        benchmark::DoNotOptimize(p2pcdn::encode_peer_list_bencode(l));
    }
    set_bytes(state, bencode_text().size());
}

void BM_bencode_decode(benchmark::State& state) {
    const std::string& text = bencode_text();
    for (auto _ : state) {
        benchmark::DoNotOptimize(p2pcdn::decode_peer_list_bencode(text));
    }
    set_bytes(state, text.size());
}

void BM_bencode_copy_baseline(benchmark::State& state) {
    const std::string& text = bencode_text();
    for (auto _ : state) {
        std::string copy = text;
        benchmark::DoNotOptimize(copy.data());
    }
    set_bytes(state, text.size());
}

}  // namespace

BENCHMARK(BM_json_encode);
BENCHMARK(BM_json_decode);
BENCHMARK(BM_json_rapidjson_parse_baseline);
BENCHMARK(BM_json_copy_baseline);
BENCHMARK(BM_bencode_encode);
BENCHMARK(BM_bencode_decode);
BENCHMARK(BM_bencode_copy_baseline);

BENCHMARK_MAIN();
