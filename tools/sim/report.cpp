#include "report.hpp"

#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <fmt/format.h>

#include <numeric>

namespace p2pcdn_sim {

summary summarize(const metrics& m) {
    summary s;
    std::vector<double> times = m.completion_times;
    s.p50 = percentile(times, 50);
    s.p95 = percentile(times, 95);
    s.p99 = percentile(times, 99);
    s.max = times.empty() ? 0 : times.back();
    s.mean = times.empty() ? 0
                           : std::accumulate(times.begin(), times.end(), 0.0) /
                                 static_cast<double>(times.size());
    s.css_egress = m.css_bytes + m.cdn.ingest_bytes;
    s.storage_gb_hours = m.cdn.byte_seconds / 1e9 / 3600.0;
    s.offload_bound =
        m.arrived > 0 ? static_cast<double>(m.arrived - 1) / static_cast<double>(m.arrived) : 0;
    return s;
}

namespace {

using writer = rapidjson::Writer<rapidjson::StringBuffer>;

void number(writer& w, const char* key, double value) {
    w.Key(key);
    w.Double(value);
}

void count(writer& w, const char* key, std::uint64_t value) {
    w.Key(key);
    w.Uint64(value);
}

void write_scenario(writer& w, const scenario& s) {
    w.Key("scenario");
    w.StartObject();
    w.Key("workload");
    w.String(workload_name(s.workload.kind));
    w.Key("policy");
    w.String(policy_name(s.policy.kind));
    count(w, "seed", s.model.seed);
    count(w, "peers", s.workload.peers);
    count(w, "pieces", s.model.pieces);
    count(w, "piece_size", s.model.piece_size);
    count(w, "contents", s.workload.kind == workload_kind::zipf ? s.workload.contents : 1);
    number(w, "seed_time_s", s.workload.seed_time);
    number(w, "free_riders", s.workload.free_riders);
    number(w, "css_up_bps", s.model.css_up * 8);
    number(w, "cdn_rate_bps", s.model.cdn_rate * 8);
    w.Key("cdn_share");
    w.String(s.model.cdn_spare ? "spare" : "fair");
    number(w, "peer_timeout_s", s.model.peer_timeout);
    number(w, "stats_interval_s", s.model.stats_interval);
    w.Key("cdn_fallback");
    w.String(s.model.cdn_topup                               ? "rate"
             : s.model.cdn_fallback == P2PCDN_CDN_FILL_FIRST ? "first"
             : s.model.cdn_fallback == P2PCDN_CDN_FILL_IDLE  ? "idle"
                                                             : "off");
    if (s.model.cdn_topup) {
        number(w, "deadline_s", s.model.deadline);
        number(w, "rate_window_s", s.model.rate_window);
    }
    w.EndObject();
}

}  // namespace

std::string to_json(const scenario& s, const metrics& m, const summary& sum) {
    rapidjson::StringBuffer buffer;
    writer w(buffer);
    w.StartObject();
    w.Key("v");
    w.Int(1);
    write_scenario(w, s);
    w.Key("results");
    w.StartObject();
    number(w, "cdn_egress_bytes", m.cdn_bytes);
    number(w, "cdn_peak_rate_bps", m.peak_cdn_rate * 8);
    number(w, "css_egress_bytes", sum.css_egress);
    number(w, "css_seed_bytes", m.css_bytes);
    number(w, "peer_bytes", m.peer_bytes);
    number(w, "offload", m.offload());
    number(w, "offload_bound", sum.offload_bound);
    number(w, "cdn_ingest_bytes", m.cdn.ingest_bytes);
    number(w, "cdn_storage_gb_hours", sum.storage_gb_hours);
    count(w, "cdn_peak_stored_bytes", m.cdn.peak_stored);
    count(w, "ingests", m.cdn.ingests);
    count(w, "renewals", m.cdn.renewals);
    count(w, "reingested", m.cdn.reingested);
    count(w, "purges", m.cdn.purges);
    count(w, "expiries", m.cdn.expiries);
    count(w, "dropped_by_budget", m.cdn.dropped_by_budget);
    count(w, "cdn_misses", m.cdn.cdn_misses);
    count(w, "withdrawn_requests", m.withdrawn_requests);
    count(w, "arrived", m.arrived);
    count(w, "completed", m.completed);
    count(w, "aborted", m.aborted);
    count(w, "unfinished", m.unfinished);
    number(w, "completion_p50_s", sum.p50);
    number(w, "completion_p95_s", sum.p95);
    number(w, "completion_p99_s", sum.p99);
    number(w, "completion_mean_s", sum.mean);
    number(w, "completion_max_s", sum.max);
    number(w, "zero_copy_time_s", m.zero_copy_time);
    number(w, "end_time_s", m.end_time);
    count(w, "events", m.events);
    number(w, "content_bytes", m.content_bytes);
    number(w, "sum_peer_upload_bps", m.sum_peer_upload * 8);
    number(w, "css_upload_bps", m.css_upload * 8);
    w.EndObject();
    w.Key("series");
    w.StartObject();
    w.Key("columns");
    w.StartArray();
    for (const char* c :
         {"time_s", "cdn_rate_bps", "min_copies", "peers", "cdn_stored_bytes", "peer_rate_bps"}) {
        w.String(c);
    }
    w.EndArray();
    w.Key("rows");
    w.StartArray();
    for (const sample_point& p : m.series) {
        w.StartArray();
        w.Double(p.time);
        w.Double(p.cdn_rate * 8);
        w.Uint(p.min_copies);
        w.Uint(p.peers);
        w.Uint64(p.cdn_stored);
        w.Double(p.peer_rate * 8);
        w.EndArray();
    }
    w.EndArray();
    w.EndObject();
    w.EndObject();
    return std::string(buffer.GetString(), buffer.GetSize()) + "\n";
}

std::string to_table(const scenario& s, const metrics& m, const summary& sum) {
    const double gb = 1e9;
    std::string out =
        fmt::format("workload {}, policy {}, {} peers, {} pieces of {} B, seed {}\n",
                    workload_name(s.workload.kind), policy_name(s.policy.kind), s.workload.peers,
                    s.model.pieces, s.model.piece_size, s.model.seed);
    const auto row = [&out](const char* name, const std::string& value) {
        out += fmt::format("  {:<34} {}\n", name, value);
    };
    row("CDN egress", fmt::format("{:.3f} GB", m.cdn_bytes / gb));
    row("CDN peak egress rate", fmt::format("{:.1f} Mbit/s", m.peak_cdn_rate * 8 / 1e6));
    row("CSS egress (seed + ingest)",
        fmt::format("{:.3f} GB ({:.3f} + {:.3f})", sum.css_egress / gb, m.css_bytes / gb,
                    m.cdn.ingest_bytes / gb));
    row("peer bytes", fmt::format("{:.3f} GB", m.peer_bytes / gb));
    row("offload (bound (N-1)/N)", fmt::format("{:.4f} ({:.4f})", m.offload(), sum.offload_bound));
    row("CDN storage", fmt::format("{:.4f} GB*h, peak {:.3f} GB", sum.storage_gb_hours,
                                   static_cast<double>(m.cdn.peak_stored) / gb));
    row("ingests (renewals, re-ingested)",
        fmt::format("{} ({}, {})", m.cdn.ingests, m.cdn.renewals, m.cdn.reingested));
    row("purges, expiries", fmt::format("{}, {}", m.cdn.purges, m.cdn.expiries));
    if (m.cdn.dropped_by_budget > 0) {
        row("ingests over the byte budget", fmt::format("{}", m.cdn.dropped_by_budget));
    }
    row("CDN misses (piece gone)", fmt::format("{}", m.cdn.cdn_misses));
    row("requests taken back from peers", fmt::format("{}", m.withdrawn_requests));
    row("peers completed / aborted / unfinished",
        fmt::format("{} / {} / {} of {}", m.completed, m.aborted, m.unfinished, m.arrived));
    row("completion p50 / p95 / p99",
        fmt::format("{:.1f} / {:.1f} / {:.1f} s", sum.p50, sum.p95, sum.p99));
    row("completion mean / max", fmt::format("{:.1f} / {:.1f} s", sum.mean, sum.max));
    row("time with a piece at 0 copies", fmt::format("{:.1f} s", m.zero_copy_time));
    row("simulated time, events", fmt::format("{:.1f} s, {}", m.end_time, m.events));
    return out;
}

}  // namespace p2pcdn_sim
