// The UE source planner's decision time at 10k pieces and 50 connected peers: one next(16)
// plus the 16 failures that put the pieces back (so every iteration plans from the same state),
// rarest first and streaming, against a naive planner measured in the same run that recounts
// availability over every peer for each decision and sorts the candidates (the figure is the
// ratio). Also the incremental availability updates: a peer joining and leaving, and a HAVE.
//
// Peers hold 20% to 80% of the first 9000 pieces; pieces 9000-9999 are held by no peer and
// served by one CDN source. The UE holds a random 30%.
#include <benchmark/benchmark.h>

#include <algorithm>
#include <cstdint>
#include <random>
#include <string>
#include <vector>

#include "core/bitmap.hpp"
#include "ue/planner.hpp"
#include "wire/peer_list.hpp"

namespace {

using p2pcdn::bitmap;
using p2pcdn::ue::plan_outcome;
using p2pcdn::ue::plan_request;
using p2pcdn::ue::planner;
using p2pcdn::ue::planner_config;

constexpr std::size_t piece_total = 10000;
constexpr std::size_t peer_total = 50;
constexpr std::size_t swarm_pieces = 9000;  // pieces any peer may hold
constexpr std::size_t batch = 16;
constexpr std::uint32_t per_peer_cap = 4;
constexpr std::uint32_t cdn_cap = 4;
constexpr std::int64_t now_ms = 1'700'000'000'000;

struct swarm_state {
    std::vector<std::string> keys;
    std::vector<bitmap> peers;
    bitmap own{piece_total};
    p2pcdn::cdn_source cdn;
};

const swarm_state& state() {
    static const swarm_state s = [] {
        swarm_state made;
        std::mt19937_64 rng(17);
        for (std::size_t i = 0; i < peer_total; ++i) {
            made.keys.push_back("-BENCH-peer-" + std::to_string(1000 + i));
            const std::uint64_t density = 20 + rng() % 61;
            bitmap b(piece_total);
            for (std::size_t p = 0; p < swarm_pieces; ++p) {
                if (rng() % 100 < density) {
                    b.set(p);
                }
            }
            made.peers.push_back(std::move(b));
        }
        for (std::size_t p = 0; p < piece_total; ++p) {
            if (rng() % 100 < 30) {
                made.own.set(p);
            }
        }
        made.cdn.uri = "https://cdn.example/{content}/{piece}";
        made.cdn.pieces = bitmap(piece_total);
        made.cdn.pieces.set_range(swarm_pieces, piece_total);
        made.cdn.expires_s = now_ms / 1000 + 3600;
        return made;
    }();
    return s;
}

planner_config config(bool streaming) {
    planner_config c;
    c.max_cdn_in_flight = cdn_cap;
    c.max_per_peer_in_flight = per_peer_cap;
    c.streaming = streaming;
    c.window_pieces = 32;
    c.piece_duration_ms = 1000;
    c.peer_piece_ms = 3000;
    c.rng_seed = 5;
    return c;
}

planner make_planner(bool streaming) {
    const swarm_state& s = state();
    planner p(piece_total, config(streaming));
    p.set_have(s.own);
    for (std::size_t i = 0; i < peer_total; ++i) {
        p.peer_set(s.keys[i], s.peers[i]);
    }
    p.set_sources({s.cdn});
    if (streaming) {
        p.set_position(5000, now_ms);
    }
    return p;
}

void run_planner(benchmark::State& st, bool streaming) {
    planner p = make_planner(streaming);
    std::size_t planned[batch];
    std::size_t total = 0;
    for (auto _ : st) {
        std::size_t n = 0;
        p.next(now_ms, batch, [&](const plan_request& r) { planned[n++] = r.piece; });
        for (std::size_t i = 0; i < n; ++i) {
            p.done(planned[i], plan_outcome::failed);
        }
        total += n;
    }
    st.counters["requests_per_call"] =
        static_cast<double>(total) / static_cast<double>(st.iterations());
    st.SetItemsProcessed(static_cast<std::int64_t>(st.iterations()));
}

void BM_planner_next16(benchmark::State& st) {
    run_planner(st, false);
}
BENCHMARK(BM_planner_next16);

void BM_planner_next16_streaming(benchmark::State& st) {
    run_planner(st, true);
}
BENCHMARK(BM_planner_next16_streaming);

// The naive planner: the same rules, with nothing kept between decisions but the bitmaps and
// the requests in flight.
struct naive_planner {
    const swarm_state& s;
    bool streaming;
    bitmap in_flight{piece_total};
    std::vector<std::uint32_t> peer_load = std::vector<std::uint32_t>(peer_total, 0);
    std::uint32_t cdn_load = 0;
    std::vector<int> owner = std::vector<int>(piece_total, -1);  // -1: CDN
    std::mt19937_64 rng{5};

    bool wanted(std::size_t p) const { return !s.own.test(p) && !in_flight.test(p); }

    int holder(std::size_t p) const {
        int best = -1;
        for (std::size_t i = 0; i < peer_total; ++i) {
            if (peer_load[i] < per_peer_cap && s.peers[i].test(p) &&
                (best < 0 || peer_load[i] < peer_load[static_cast<std::size_t>(best)])) {
                best = static_cast<int>(i);
            }
        }
        return best;
    }

    void take(std::size_t p, int peer, std::size_t* out, std::size_t& n) {
        in_flight.set(p);
        owner[p] = peer;
        if (peer < 0) {
            ++cdn_load;
        } else {
            ++peer_load[static_cast<std::size_t>(peer)];
        }
        out[n++] = p;
    }

    std::size_t next(std::size_t max, std::size_t* out) {
        // Availability recounted from every peer's bitmap.
        std::vector<std::uint32_t> copies(piece_total, 0);
        for (const bitmap& b : s.peers) {
            for (std::size_t p = 0; p < piece_total; ++p) {
                copies[p] += b.test(p) ? 1 : 0;
            }
        }
        std::size_t n = 0;
        const std::size_t window_end = 5000 + 32;
        if (streaming) {
            for (std::size_t p = 5000; p < window_end && n < max; ++p) {
                if (!wanted(p)) {
                    continue;
                }
                const std::int64_t slack = static_cast<std::int64_t>(p - 5000) * 1000;
                const bool urgent = slack < 3000;
                if ((urgent || copies[p] == 0) && s.cdn.pieces.test(p)) {
                    if (cdn_load < cdn_cap) {
                        take(p, -1, out, n);
                    }
                    continue;
                }
                if (copies[p] == 0) {
                    continue;
                }
                const int h = holder(p);
                if (h >= 0) {
                    take(p, h, out, n);
                }
            }
        }
        // Candidates sorted by (copies, random key).
        std::vector<std::pair<std::uint64_t, std::uint32_t>> order;
        for (std::size_t p = 0; p < piece_total; ++p) {
            if (wanted(p) && copies[p] > 0 && !(streaming && p >= 5000 && p < window_end)) {
                order.emplace_back((std::uint64_t{copies[p]} << 32) | (rng() & 0xffffffffu),
                                   static_cast<std::uint32_t>(p));
            }
        }
        std::sort(order.begin(), order.end());
        for (const auto& [key, p] : order) {
            if (n >= max) {
                break;
            }
            const int h = holder(p);
            if (h >= 0) {
                take(p, h, out, n);
            }
        }
        for (std::size_t p = 0; p < piece_total && n < max && cdn_load < cdn_cap; ++p) {
            if (wanted(p) && copies[p] == 0 && s.cdn.pieces.test(p) &&
                !(streaming && p >= 5000 && p < window_end)) {
                take(p, -1, out, n);
            }
        }
        return n;
    }

    void fail(std::size_t p) {
        in_flight.clear(p);
        if (owner[p] < 0) {
            --cdn_load;
        } else {
            --peer_load[static_cast<std::size_t>(owner[p])];
        }
    }
};

void run_naive(benchmark::State& st, bool streaming) {
    naive_planner p{state(), streaming};
    std::size_t planned[batch];
    std::size_t total = 0;
    for (auto _ : st) {
        const std::size_t n = p.next(batch, planned);
        for (std::size_t i = 0; i < n; ++i) {
            p.fail(planned[i]);
        }
        total += n;
    }
    st.counters["requests_per_call"] =
        static_cast<double>(total) / static_cast<double>(st.iterations());
    st.SetItemsProcessed(static_cast<std::int64_t>(st.iterations()));
}

void BM_naive_next16(benchmark::State& st) {
    run_naive(st, false);
}
BENCHMARK(BM_naive_next16);

void BM_naive_next16_streaming(benchmark::State& st) {
    run_naive(st, true);
}
BENCHMARK(BM_naive_next16_streaming);

// A 50%-dense peer joins and leaves (two full availability updates).
void BM_planner_peer_join_leave(benchmark::State& st) {
    planner p = make_planner(false);
    bitmap b(piece_total);
    std::mt19937_64 rng(3);
    for (std::size_t i = 0; i < piece_total; ++i) {
        if (rng() % 2 == 0) {
            b.set(i);
        }
    }
    for (auto _ : st) {
        p.peer_set("-BENCH-newcomer-0001", b);
        p.peer_remove("-BENCH-newcomer-0001");
    }
    st.SetItemsProcessed(static_cast<std::int64_t>(st.iterations()));
}
BENCHMARK(BM_planner_peer_join_leave);

// A HAVE for a piece the UE wants (one bucket move), then the same peer's bitmap put back.
void BM_planner_peer_have(benchmark::State& st) {
    const swarm_state& s = state();
    planner p = make_planner(false);
    std::size_t piece = 0;
    while (s.peers[0].test(piece) || s.own.test(piece)) {
        ++piece;
    }
    for (auto _ : st) {
        p.peer_have(s.keys[0], piece);
        p.peer_set(s.keys[0], s.peers[0]);
    }
    st.SetItemsProcessed(static_cast<std::int64_t>(st.iterations()));
}
BENCHMARK(BM_planner_peer_have);

}  // namespace

BENCHMARK_MAIN();
