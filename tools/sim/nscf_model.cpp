#include "nscf_model.hpp"

#include "virtual_clock.hpp"

#include <algorithm>

namespace p2pcdn_sim {
namespace {

constexpr std::int64_t no_ttl_expiry_s = epoch_ms / 1000 + 10LL * 365 * 86400;

policy_ptr make_policy(const policy_config& p, random_injection* random) {
    p2pcdn_policy* raw = nullptr;
    switch (p.kind) {
        case policy_kind::none:
            check(p2pcdn_policy_new_none(&raw), "p2pcdn_policy_new_none");
            break;
        case policy_kind::all: check(p2pcdn_policy_new_all(&raw), "p2pcdn_policy_new_all"); break;
        case policy_kind::threshold:
            check(p2pcdn_policy_new_threshold(&raw, &p.threshold), "p2pcdn_policy_new_threshold");
            break;
        case policy_kind::budget:
            check(p2pcdn_policy_new_budget(&raw, &p.budget), "p2pcdn_policy_new_budget");
            break;
        case policy_kind::ttl:
            check(p2pcdn_policy_new_ttl(&raw, &p.ttl), "p2pcdn_policy_new_ttl");
            break;
        case policy_kind::random:
            check(p2pcdn_policy_new_callback(&raw, random_injection_decide, random),
                  "p2pcdn_policy_new_callback");
            break;
    }
    return policy_ptr(raw);
}

}  // namespace

nscf_model::nscf_model(const scenario& s, p2pcdn_tracker* tracker,
                       std::vector<std::string> content_ids, event_queue& queue, metrics& m)
    : s_(s), tracker_(tracker), queue_(queue), m_(m) {
    if (s.policy.kind == policy_kind::random) {
        random_ = std::make_unique<random_injection>(rng(s.model.seed).derive(0x5a17),
                                                     s.model.stats_interval, s.policy.random_period,
                                                     s.policy.random_ttl_s);
    }
    policy_ = make_policy(s.policy, random_.get());
    const std::uint64_t total = std::uint64_t{s.model.piece_size} * s.model.pieces;
    for (auto& id : content_ids) {
        content_state c;
        c.id = std::move(id);
        p2pcdn_content* raw = nullptr;
        check(p2pcdn_content_new(&raw, c.id.c_str(), total, s.model.piece_size),
              "p2pcdn_content_new");
        c.layout.reset(raw);
        c.held.resize(s.model.pieces);
        contents_.push_back(std::move(c));
    }
}

void nscf_model::round(double now) {
    std::vector<std::vector<p2pcdn_ingest_item>> ingests(contents_.size());
    for (std::uint32_t c = 0; c < contents_.size(); ++c) {
        decide(c, now, ingests[c]);
    }
    // Most wanted first, the contents (most popular first) taking turns.
    std::size_t longest = 0;
    for (const auto& list : ingests) {
        longest = std::max(longest, list.size());
    }
    for (std::size_t rank = 0; rank < longest; ++rank) {
        for (std::uint32_t c = 0; c < contents_.size(); ++c) {
            if (rank < ingests[c].size()) {
                admit(c, ingests[c][rank], now);
            }
        }
    }
    start_jobs(now);
}

void nscf_model::decide(std::uint32_t c, double now, std::vector<p2pcdn_ingest_item>& ingests) {
    content_state& cs = contents_[c];
    p2pcdn_stats* raw_stats = nullptr;
    check(p2pcdn_tracker_stats(tracker_, cs.id.c_str(), &raw_stats), "p2pcdn_tracker_stats");
    const stats_ptr stats(raw_stats);
    std::vector<p2pcdn_holding> holdings;
    for (std::size_t p = 0; p < cs.held.size(); ++p) {
        const holding_state& h = cs.held[p];
        if (h.live) {
            holdings.push_back({p, s_.model.piece_size, h.ingested_ms, h.expires_ms});
        }
    }
    p2pcdn_decision* raw = nullptr;
    check(p2pcdn_policy_decide(policy_.get(), stats.get(), holdings.data(), holdings.size(),
                               cs.layout.get(), to_unix_ms(now), &raw),
          "p2pcdn_policy_decide");
    const decision_ptr decision(raw);
    std::size_t n_ingest = 0;
    std::size_t n_purge = 0;
    check(p2pcdn_decision_counts(raw, &n_ingest, &n_purge), "p2pcdn_decision_counts");
    std::vector<std::size_t> purges(n_purge);
    std::size_t got = 0;
    if (n_purge > 0) {
        check(p2pcdn_decision_purges(raw, purges.data(), purges.size(), &got),
              "p2pcdn_decision_purges");
        purge(c, purges, now);
    }
    ingests.resize(n_ingest);
    if (n_ingest > 0) {
        check(p2pcdn_decision_ingests(raw, ingests.data(), ingests.size(), &got),
              "p2pcdn_decision_ingests");
    }
}

void nscf_model::purge(std::uint32_t c, const std::vector<std::size_t>& pieces, double now) {
    content_state& cs = contents_[c];
    // Withdrawn from the directory first, one call per source, then gone from the CDN.
    std::map<std::int64_t, bitmap_ptr> withdrawn;
    for (const std::size_t p : pieces) {
        holding_state& h = cs.held[p];
        if (!h.live) {
            continue;
        }
        const std::int64_t key = h.expires_ms == 0 ? 0 : h.expires_ms / 1000;
        auto& bits = withdrawn[key];
        if (!bits) {
            bits = new_bitmap(s_.model.pieces, false);
        }
        check(p2pcdn_bitmap_set(bits.get(), p), "p2pcdn_bitmap_set");
        remove_from_source(c, p, key, false);
        drop(c, p, now);
        ++m_.cdn.purges;
        if (h.pending) {  // a renewal on its way: the purge wins
            jobs_[h.job].cancelled = true;
            h.pending = false;
        }
    }
    for (const auto& [key, bits] : withdrawn) {
        const auto it = cs.sources.find(key);
        const std::string uri = it != cs.sources.end() ? it->second.uri
                                                       : "http://cdn.sim/" + cs.id + "/e" +
                                                             std::to_string(key) + "/{piece}";
        const int rc =
            p2pcdn_tracker_withdraw_cdn(tracker_, cs.id.c_str(), uri.c_str(), bits.get());
        if (rc != P2PCDN_ENOTFOUND) {  // an expired source is already gone
            check(rc, "p2pcdn_tracker_withdraw_cdn");
        }
        if (it != cs.sources.end() && it->second.count == 0) {
            cs.sources.erase(it);
        }
    }
}

void nscf_model::admit(std::uint32_t c, const p2pcdn_ingest_item& item, double now) {
    holding_state& h = contents_[c].held[item.piece];
    if (h.pending) {
        return;
    }
    const std::uint64_t bytes = s_.model.piece_size;
    const bool renewal = h.live;
    if (!renewal && s_.policy.cdn_budget != 0 &&
        stored_ + pending_bytes_ + bytes > s_.policy.cdn_budget) {
        ++m_.cdn.dropped_by_budget;
        return;
    }
    const std::int64_t expires_s =
        item.ttl_s == 0 ? 0 : to_unix_ms(now) / 1000 + static_cast<std::int64_t>(item.ttl_s);
    h.pending = true;
    h.job = static_cast<std::uint32_t>(jobs_.size());
    if (!renewal) {
        pending_bytes_ += bytes;
    }
    jobs_.push_back(job{c, static_cast<std::uint32_t>(item.piece), expires_s, false});
    waiting_.push_back(static_cast<std::uint32_t>(jobs_.size() - 1));
}

void nscf_model::start_jobs(double now) {
    const double duration = s_.model.ingest_latency + s_.model.piece_size / s_.model.ingest_rate;
    while (running_ < s_.model.ingest_parallel && !waiting_.empty()) {
        const std::uint32_t id = waiting_.front();
        waiting_.pop_front();
        if (jobs_[id].cancelled) {
            continue;
        }
        ++running_;
        queue_.push(now + duration, event_kind::ingest_done, id);
    }
}

void nscf_model::ingest_done(std::uint32_t id, double now) {
    --running_;
    const job j = jobs_[id];
    content_state& cs = contents_[j.content];
    holding_state& h = cs.held[j.piece];
    if (!j.cancelled && j.expires_s != 0 && j.expires_s * 1000 <= to_unix_ms(now)) {
        // The upload waited in the queue past its TTL (TTLs count from the decision): it lands
        // and the CDN lets it go at once, so the tracker never hears of it.
        h.pending = false;
        if (!h.live) {
            pending_bytes_ -= s_.model.piece_size;
        }
        ++m_.cdn.ingests;
        ++m_.cdn.expiries;
        m_.cdn.ingest_bytes += s_.model.piece_size;
    } else if (!j.cancelled) {
        h.pending = false;
        const bool renewal = h.live;
        if (renewal) {
            ++m_.cdn.renewals;
            remove_from_source(j.content, j.piece, h.expires_ms / 1000, true);
        } else {
            pending_bytes_ -= s_.model.piece_size;
            if (h.ever) {
                ++m_.cdn.reingested;
            }
            h.live = true;
            h.ever = true;
            h.since = now;
            stored_ += s_.model.piece_size;
            m_.cdn.peak_stored = std::max(m_.cdn.peak_stored, stored_);
        }
        ++m_.cdn.ingests;
        m_.cdn.ingest_bytes += s_.model.piece_size;
        h.ingested_ms = to_unix_ms(now);
        h.expires_ms = j.expires_s * 1000;
        source_state& src = source_for(j.content, j.expires_s);
        check(p2pcdn_bitmap_set(src.pieces.get(), j.piece), "p2pcdn_bitmap_set");
        ++src.count;
        publish(j.content, j.expires_s);
        if (j.expires_s != 0) {
            queue_.push(from_unix_ms(j.expires_s * 1000), event_kind::expiry, j.content);
        }
    }
    start_jobs(now);
}

void nscf_model::expiry(std::uint32_t c, double now) {
    content_state& cs = contents_[c];
    const std::int64_t now_ms = to_unix_ms(now);
    for (std::size_t p = 0; p < cs.held.size(); ++p) {
        holding_state& h = cs.held[p];
        if (h.live && h.expires_ms != 0 && h.expires_ms <= now_ms) {
            remove_from_source(c, p, h.expires_ms / 1000, false);
            drop(c, p, from_unix_ms(h.expires_ms));
            ++m_.cdn.expiries;
        }
    }
    // The tracker stops handing out an expired source by itself; forget the emptied ones.
    for (auto it = cs.sources.begin(); it != cs.sources.end();) {
        it = it->second.count == 0 ? cs.sources.erase(it) : std::next(it);
    }
}

bool nscf_model::serves(std::uint32_t c, std::size_t piece, double now) const {
    const holding_state& h = contents_[c].held[piece];
    return h.live && (h.expires_ms == 0 || to_unix_ms(now) < h.expires_ms);
}

void nscf_model::finish(double end) {
    for (std::uint32_t c = 0; c < contents_.size(); ++c) {
        for (std::size_t p = 0; p < contents_[c].held.size(); ++p) {
            const holding_state& h = contents_[c].held[p];
            if (h.live) {
                const double until =
                    h.expires_ms == 0 ? end : std::min(end, from_unix_ms(h.expires_ms));
                m_.cdn.byte_seconds += s_.model.piece_size * std::max(0.0, until - h.since);
            }
        }
    }
}

void nscf_model::drop(std::uint32_t c, std::size_t piece, double end) {
    holding_state& h = contents_[c].held[piece];
    m_.cdn.byte_seconds += s_.model.piece_size * std::max(0.0, end - h.since);
    h.live = false;
    stored_ -= s_.model.piece_size;
}

nscf_model::source_state& nscf_model::source_for(std::uint32_t c, std::int64_t expires_s) {
    content_state& cs = contents_[c];
    source_state& src = cs.sources[expires_s];
    if (!src.pieces) {
        src.pieces = new_bitmap(s_.model.pieces, false);
        src.uri = expires_s == 0
                      ? "http://cdn.sim/" + cs.id + "/{piece}"
                      : "http://cdn.sim/" + cs.id + "/e" + std::to_string(expires_s) + "/{piece}";
    }
    return src;
}

void nscf_model::publish(std::uint32_t c, std::int64_t expires_s) {
    const source_state& src = contents_[c].sources.at(expires_s);
    p2pcdn_cdn_source source = P2PCDN_CDN_SOURCE_INIT;
    source.uri = src.uri.c_str();
    source.pieces = src.pieces.get();
    source.expires_s = expires_s == 0 ? no_ttl_expiry_s : expires_s;
    check(p2pcdn_tracker_publish_cdn(tracker_, contents_[c].id.c_str(), &source),
          "p2pcdn_tracker_publish_cdn");
}

void nscf_model::remove_from_source(std::uint32_t c, std::size_t piece, std::int64_t expires_s,
                                    bool withdraw) {
    content_state& cs = contents_[c];
    const auto it = cs.sources.find(expires_s);
    if (it == cs.sources.end()) {
        return;
    }
    check(p2pcdn_bitmap_clear(it->second.pieces.get(), piece), "p2pcdn_bitmap_clear");
    --it->second.count;
    if (withdraw) {
        const bitmap_ptr one = new_bitmap(s_.model.pieces, false);
        check(p2pcdn_bitmap_set(one.get(), piece), "p2pcdn_bitmap_set");
        const int rc =
            p2pcdn_tracker_withdraw_cdn(tracker_, cs.id.c_str(), it->second.uri.c_str(), one.get());
        if (rc != P2PCDN_ENOTFOUND) {
            check(rc, "p2pcdn_tracker_withdraw_cdn");
        }
        if (it->second.count == 0) {
            cs.sources.erase(it);
        }
    }
}

}  // namespace p2pcdn_sim
