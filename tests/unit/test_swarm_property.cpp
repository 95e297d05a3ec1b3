// Random sequences of announces, leaves and expiry against an independent model of the swarm
// (a map of peer id -> bits), single-threaded and with several threads sharing one swarm. After
// every step the incremental counts must equal both a from-scratch recount and the model; bad
// announces must throw and change nothing.
//
// Single-threaded runs mix in CDN directory steps (publish, withdraw, the clock jumping past
// expiries, expire_cdn, and bad ones) against a model of the directory (uri -> pieces, expiry,
// including the expired sources the directory has not erased yet). After every step the
// snapshot's cdn_pieces must be the union of the model's live sources, and every answer's CDN
// sources exactly the model's live sources cut down to what the requester lacks, capped.
#include <doctest/doctest.h>

#include <algorithm>
#include <atomic>
#include <cstdint>
#include <iterator>
#include <map>
#include <memory>
#include <random>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "core/bitmap.hpp"
#include "core/error.hpp"
#include "swarm/cdn_directory.hpp"
#include "swarm/swarm.hpp"
#include "test_support.hpp"

using p2pcdn::announce_event;
using p2pcdn::announce_request;
using p2pcdn::bitmap;
using p2pcdn::errc;
using p2pcdn::peer_list;
using p2pcdn::peer_role;
using p2pcdn::peer_selection;
using p2pcdn::stats_report;
using p2pcdn::swarm;
using p2pcdn::test::code_of;

namespace {

struct model_peer {
    peer_role role = peer_role::user;
    std::vector<bool> bits;
    std::int64_t last_seen = 0;
};

using model = std::map<std::string, model_peer>;

struct model_source {
    std::vector<bool> pieces;
    std::int64_t expires_s = 0;
};

// Sorted by URI, as the directory is; holds expired sources until the directory erases them.
using cdn_model = std::map<std::string, model_source>;

constexpr std::uint32_t prop_max_sources = 4;
constexpr std::uint32_t prop_max_per_answer = 3;
const char* const prop_uris[] = {
    "http://a.example/{piece}",           "https://b.example/x/{piece}",
    "http://c.example/{content}/{piece}", "http://d.example/p",
    "https://e.example/{piece}?k=1",      "http://f.example/{piece}"};

bool live_at(const model_source& source, std::int64_t now_ms) {
    return p2pcdn::swarm_detail::seconds_of(now_ms) < source.expires_s;
}

bool all_set(const std::vector<bool>& bits) {
    for (const bool b : bits) {
        if (!b) {
            return false;
        }
    }
    return true;
}

bitmap to_bitmap(const std::vector<bool>& bits) {
    bitmap b(bits.size());
    for (std::size_t i = 0; i < bits.size(); ++i) {
        if (bits[i]) {
            b.set(i);
        }
    }
    return b;
}

// What the model says a snapshot must hold (counts and copies only).
stats_report expected_of(const model& peers, std::size_t piece_count) {
    stats_report r;
    r.copies.assign(piece_count, 0);
    std::vector<std::uint32_t> network(piece_count, 0);
    bool network_holds = false;
    for (const auto& [id, peer] : peers) {
        auto& copies = peer.role == peer_role::network ? network : r.copies;
        for (std::size_t i = 0; i < piece_count; ++i) {
            copies[i] += peer.bits[i] ? 1 : 0;
            network_holds = network_holds || (peer.role == peer_role::network && peer.bits[i]);
        }
        if (peer.role == peer_role::network) {
            ++r.network_peers;
        } else {
            ++r.user_peers;
            r.seeds += all_set(peer.bits) ? 1 : 0;
        }
    }
    if (network_holds) {
        r.network_copies = std::move(network);
    }
    return r;
}

bool same_counts(const stats_report& a, const stats_report& b) {
    return a.copies == b.copies && a.network_copies == b.network_copies && a.seeds == b.seeds &&
           a.user_peers == b.user_peers && a.network_peers == b.network_peers;
}

// One driver: a generator, a set of ids it owns and its model of those peers. Several drivers
// can share one swarm as long as their ids differ.
class driver {
public:
    driver(swarm& s, std::uint64_t seed, std::string prefix, std::size_t id_pool)
        : swarm_(s), rng_(seed), pieces_(s.piece_count()) {
        for (std::size_t i = 0; i < id_pool; ++i) {
            // Ids of 1 to 20 bytes, any byte values, unique by the prefix and the counter.
            std::string id = prefix;
            id.push_back(static_cast<char>(i));
            const std::size_t extra = rng_() % (p2pcdn::max_peer_id_length - id.size() + 1);
            for (std::size_t k = 0; k < extra; ++k) {
                id.push_back(static_cast<char>(rng_() % 256));
            }
            ids_.push_back(std::move(id));
        }
    }

    const model& peers() const noexcept { return model_; }
    std::size_t steps() const noexcept { return steps_; }
    std::size_t rejected() const noexcept { return rejected_; }
    std::size_t cdn_steps() const noexcept { return cdn_steps_; }
    std::size_t cdn_answers() const noexcept { return cdn_answers_; }
    std::int64_t now() const noexcept { return now_; }
    std::string failure() const { return failure_; }

    // The union of the model's live sources: what snapshot().cdn_pieces must be.
    bitmap cdn_union() const {
        std::vector<bool> all(pieces_, false);
        bool any = false;
        for (const auto& [uri, source] : cdn_) {
            if (live_at(source, now_)) {
                any = true;
                for (std::size_t i = 0; i < pieces_; ++i) {
                    all[i] = all[i] || source.pieces[i];
                }
            }
        }
        return any ? to_bitmap(all) : bitmap();
    }

    // One random step. `exclusive`: this driver alone uses the swarm, so whole-swarm
    // properties (unchanged snapshot on errors, expiry) can be checked.
    void step(bool exclusive) {
        ++steps_;
        exclusive_ = exclusive;
        now_ += 1 + static_cast<std::int64_t>(rng_() % 10);
        const unsigned pick = static_cast<unsigned>(rng_() % 100);
        if (pick < 60) {
            announce();
        } else if (pick < 70) {
            const std::string& id = ids_[rng_() % ids_.size()];
            const bool was = model_.erase(id) != 0;
            expect(swarm_.leave(id) == was, "leave result");
        } else if (pick >= 73 && pick < 83 && exclusive) {
            cdn_step();
        } else if (pick < 73 && exclusive) {
            const std::int64_t cutoff = now_ - static_cast<std::int64_t>(rng_() % 200);
            std::size_t expected = 0;
            for (auto it = model_.begin(); it != model_.end();) {
                if (it->second.last_seen < cutoff) {
                    it = model_.erase(it);
                    ++expected;
                } else {
                    ++it;
                }
            }
            expect(swarm_.expire(cutoff) == expected, "expire count");
        } else {
            bad_announce(exclusive);
        }
    }

private:
    void expect(bool ok, const char* what) {
        if (!ok && failure_.empty()) {
            failure_ = std::string(what) + " at step " + std::to_string(steps_);
        }
    }

    std::vector<bool> random_bits(unsigned kind) {
        std::vector<bool> bits(pieces_, false);
        const unsigned density = static_cast<unsigned>(rng_() % 101);
        for (std::size_t i = 0; i < pieces_; ++i) {
            bits[i] = kind == 0 || rng_() % 100 < density;
        }
        if (kind == 1 && pieces_ > 0) {
            bits.assign(pieces_, true);  // all but one: a near-seed
            bits[rng_() % pieces_] = false;
        }
        return bits;
    }

    std::vector<std::uint32_t> random_pieces(std::size_t max_count) {
        std::vector<std::uint32_t> out;
        if (pieces_ == 0) {
            return out;
        }
        const std::size_t n = rng_() % (max_count + 1);
        for (std::size_t i = 0; i < n; ++i) {
            out.push_back(static_cast<std::uint32_t>(rng_() % pieces_));
        }
        return out;
    }

    void announce() {
        const std::string& id = ids_[rng_() % ids_.size()];
        announce_request r;
        r.peer_id = id;
        r.role = rng_() % 8 == 0 ? peer_role::network : peer_role::user;
        r.numwant = static_cast<std::uint32_t>(rng_() % 8);
        r.selection = rng_() % 2 == 0 ? peer_selection::random : peer_selection::complementary;
        r.include_network_peers = rng_() % 4 != 0;
        auto it = model_.find(id);
        // The known peer keeps its role most of the time; sometimes it switches.
        if (it != model_.end() && rng_() % 10 != 0) {
            r.role = it->second.role;
        }

        std::vector<bool> bits =
            it != model_.end() ? it->second.bits : std::vector<bool>(pieces_, false);
        bitmap full;
        const unsigned kind = static_cast<unsigned>(rng_() % 100);
        if (kind < 5) {
            r.event = announce_event::stopped;
        } else if (kind < 35) {
            // Full bitmap: sometimes everything, sometimes all but one, else random.
            bits = random_bits(static_cast<unsigned>(rng_() % 6));
            full = to_bitmap(bits);
            r.full = &full;
            if (all_set(bits) && rng_() % 2 == 0) {
                r.event = announce_event::completed;
            }
        } else if (kind < 45) {
            r.event = announce_event::completed;
            bits.assign(pieces_, true);
        } else if (kind < 90) {
            // Deltas: haves, then donthaves of other pieces.
            r.have = random_pieces(4);
            for (const std::uint32_t p : random_pieces(3)) {
                if (std::find(r.have.begin(), r.have.end(), p) == r.have.end()) {
                    r.donthave.push_back(p);
                }
            }
            // Near the end, the last HAVE of a peer that misses exactly one piece.
            if (rng_() % 4 == 0) {
                r.donthave.clear();
                for (std::size_t i = 0; i < pieces_; ++i) {
                    if (!bits[i]) {
                        r.have.push_back(static_cast<std::uint32_t>(i));
                        break;
                    }
                }
            }
            for (const std::uint32_t p : r.have) {
                bits[p] = true;
            }
            for (const std::uint32_t p : r.donthave) {
                bits[p] = false;
            }
            r.event = rng_() % 3 == 0 ? announce_event::started : announce_event::update;
        }  // else: nothing changed

        const peer_list answer = swarm_.announce(r, now_);
        if (r.event == announce_event::stopped) {
            model_.erase(id);
            expect(answer.peers.empty(), "stopped answer has peers");
            expect(answer.cdn.empty(), "stopped answer has CDN sources");
            expect(swarm_.peer_bitmap(id).size() == 0, "stopped peer still there");
            return;
        }
        model_peer& peer = model_[id];
        peer.role = r.role;
        peer.bits = std::move(bits);
        peer.last_seen = now_;
        expect(swarm_.peer_bitmap(id) == to_bitmap(peer.bits), "peer bitmap after announce");
        check_cdn_answer(answer, peer.bits);

        expect(answer.peers.size() <= r.numwant, "answer above numwant");
        std::set<std::string> seen;
        bool users_started = false;
        for (const auto& entry : answer.peers) {
            expect(entry.id != id, "answer holds the requester");
            expect(seen.insert(entry.id).second, "answer holds a peer twice");
            if (entry.role == peer_role::network) {
                expect(r.include_network_peers, "unwanted network peer");
                expect(!users_started, "network peer after user peers");
            } else {
                users_started = true;
            }
            // Peers of this driver are checked against the model; others may change under us.
            const auto known = model_.find(entry.id);
            if (known != model_.end()) {
                expect(entry.role == known->second.role, "answer role");
                expect(entry.seed == all_set(known->second.bits), "answer seed flag");
            }
        }
    }

    // Exclusive: the answer's CDN sources are exactly the model's live sources AND NOT the
    // requester's bits, the empty ones dropped, the most wanted first (ties in URI order), at
    // most the cap; nothing for a seed. Shared: another thread may publish meanwhile, so only
    // what holds for any directory is checked.
    void check_cdn_answer(const peer_list& answer, const std::vector<bool>& held) {
        const bitmap held_bits = to_bitmap(held);
        cdn_answers_ += answer.cdn.empty() ? 0 : 1;
        std::set<std::string> uris;
        for (const auto& source : answer.cdn) {
            expect(source.pieces.size() == pieces_, "CDN source size");
            expect(!source.pieces.none(), "empty CDN source in an answer");
            expect(source.pieces.count_and(held_bits) == 0, "CDN source of a held piece");
            expect(uris.insert(source.uri).second, "CDN source twice in an answer");
        }
        if (!exclusive_) {
            expect(answer.cdn.size() <= cdn_cap_, "answer above the CDN cap");
            return;
        }
        std::vector<std::pair<std::size_t, std::string>> ranked;  // (wanted pieces, uri)
        std::map<std::string, std::vector<bool>> cut;
        if (!all_set(held)) {
            for (const auto& [uri, source] : cdn_) {
                if (!live_at(source, now_)) {
                    continue;
                }
                std::vector<bool> wanted(pieces_, false);
                std::size_t n = 0;
                for (std::size_t i = 0; i < pieces_; ++i) {
                    wanted[i] = source.pieces[i] && !held[i];
                    n += wanted[i] ? 1 : 0;
                }
                if (n != 0) {
                    ranked.emplace_back(n, uri);
                    cut[uri] = std::move(wanted);
                }
            }
        }
        std::stable_sort(ranked.begin(), ranked.end(),
                         [](const auto& a, const auto& b) { return a.first > b.first; });
        ranked.resize(std::min<std::size_t>(ranked.size(), cdn_cap_));
        bool same = answer.cdn.size() == ranked.size();
        for (std::size_t k = 0; same && k < ranked.size(); ++k) {
            const auto& source = answer.cdn[k];
            same = source.uri == ranked[k].second &&
                   source.pieces == to_bitmap(cut[ranked[k].second]) &&
                   source.expires_s == cdn_.at(ranked[k].second).expires_s;
        }
        expect(same, "answer CDN sources differ from the model");
    }

    // One step on the CDN directory, good or bad, checked against the model.
    void cdn_step() {
        ++cdn_steps_;
        const std::int64_t now_s = p2pcdn::swarm_detail::seconds_of(now_);
        const unsigned kind = static_cast<unsigned>(rng_() % 100);
        if (kind < 45) {
            cdn_publish(now_s);
        } else if (kind < 75) {
            cdn_withdraw();
        } else if (kind < 85) {
            now_ += 300 + static_cast<std::int64_t>(rng_() % 2500);  // past some expiries
        } else {
            std::size_t expired = 0;
            for (auto it = cdn_.begin(); it != cdn_.end();) {
                if (!live_at(it->second, now_)) {
                    it = cdn_.erase(it);
                    ++expired;
                } else {
                    ++it;
                }
            }
            expect(swarm_.expire_cdn(now_) == expired, "expire_cdn count");
        }
        // What the directory says it holds.
        const auto live = swarm_.cdn_sources(now_);
        std::vector<std::string> got;
        bool same_pieces = true;
        for (const auto& source : live) {
            got.push_back(source.uri);
            const auto it = cdn_.find(source.uri);
            same_pieces = same_pieces && it != cdn_.end() &&
                          source.pieces == to_bitmap(it->second.pieces) &&
                          source.expires_s == it->second.expires_s;
        }
        std::vector<std::string> want;
        for (const auto& [uri, source] : cdn_) {
            if (live_at(source, now_)) {
                want.push_back(uri);
            }
        }
        expect(got == want && same_pieces, "cdn_sources differ from the model");
    }

    void drop_expired_sources() {
        for (auto it = cdn_.begin(); it != cdn_.end();) {
            it = live_at(it->second, now_) ? std::next(it) : cdn_.erase(it);
        }
    }

    void cdn_publish(std::int64_t now_s) {
        p2pcdn::cdn_source source;
        source.uri = prop_uris[rng_() % std::size(prop_uris)];
        std::vector<bool> bits = random_bits(static_cast<unsigned>(2 + rng_() % 4));
        if (rng_() % 10 == 0) {
            bits.assign(pieces_, false);  // publishing nothing withdraws the URI
        }
        source.pieces = to_bitmap(bits);
        source.expires_s = now_s + 1 + static_cast<std::int64_t>(rng_() % 4);
        source.ranged = rng_() % 2 == 0;
        errc expected = errc::ok;
        const unsigned fault = static_cast<unsigned>(rng_() % 12);
        if (fault == 0) {
            source.pieces = bitmap(pieces_ + 1);
            expected = errc::invalid;
        } else if (fault == 1) {
            source.uri = rng_() % 2 == 0 ? "ftp://a.example/{piece}" : "http://a.example/{pice}";
            expected = errc::invalid;
        } else if (fault == 2) {
            source.expires_s = now_s - static_cast<std::int64_t>(rng_() % 2);
            expected = errc::invalid;
        }
        const bool stored = cdn_.count(source.uri) != 0;
        const bool empty = std::find(bits.begin(), bits.end(), true) == bits.end();
        if (expected == errc::ok && !stored && !empty) {
            std::size_t live = 0;
            for (const auto& entry : cdn_) {
                live += live_at(entry.second, now_) ? 1 : 0;
            }
            expected = live >= prop_max_sources ? errc::limit : errc::ok;
        }
        const std::string uri = source.uri;
        const std::int64_t expires_s = source.expires_s;
        const bitmap before = swarm_.snapshot(now_).cdn_pieces;
        const errc got = code_of([&] { swarm_.publish_cdn(std::move(source), now_); });
        expect(got == expected, "publish_cdn error code");
        if (expected != errc::ok) {
            ++rejected_;
            expect(swarm_.snapshot(now_).cdn_pieces == before, "bad publish changed the directory");
            return;
        }
        if (empty) {
            cdn_.erase(uri);
        } else {
            cdn_[uri] = model_source{bits, expires_s};
        }
        drop_expired_sources();
    }

    void cdn_withdraw() {
        const unsigned which = static_cast<unsigned>(rng_() % 10);
        std::string uri;
        if (which < 3) {
            uri.clear();  // every source
        } else if (which == 3) {
            uri = "http://nobody.example/{piece}";
        } else {
            uri = prop_uris[rng_() % std::size(prop_uris)];
        }
        const unsigned shape = static_cast<unsigned>(rng_() % 10);
        bitmap pieces;
        std::vector<bool> cut(pieces_, true);
        const bitmap* given = nullptr;
        errc expected = errc::ok;
        if (shape == 0) {
            pieces = bitmap(pieces_ + 2);
            given = &pieces;
            expected = errc::invalid;
        } else if (shape >= 4) {
            cut = random_bits(static_cast<unsigned>(2 + rng_() % 4));
            pieces = to_bitmap(cut);
            given = &pieces;
        }
        const auto named = cdn_.find(uri);
        if (expected == errc::ok && !uri.empty() &&
            (named == cdn_.end() || !live_at(named->second, now_))) {
            expected = errc::not_found;
        }
        const bitmap before = swarm_.snapshot(now_).cdn_pieces;
        std::size_t changed = 0;
        const errc got = code_of([&] { changed = swarm_.withdraw_cdn(uri, given, now_); });
        expect(got == expected, "withdraw_cdn error code");
        if (expected != errc::ok) {
            ++rejected_;
            expect(swarm_.snapshot(now_).cdn_pieces == before,
                   "bad withdraw changed the directory");
            return;
        }
        drop_expired_sources();
        std::size_t expected_changed = 0;
        for (auto it = cdn_.begin(); it != cdn_.end();) {
            if (!uri.empty() && it->first != uri) {
                ++it;
                continue;
            }
            bool lost = false;
            bool left = false;
            for (std::size_t i = 0; i < pieces_; ++i) {
                if (it->second.pieces[i] && cut[i]) {
                    it->second.pieces[i] = false;
                    lost = true;
                }
                left = left || it->second.pieces[i];
            }
            expected_changed += lost ? 1 : 0;
            it = left ? std::next(it) : cdn_.erase(it);
        }
        expect(changed == expected_changed, "withdraw_cdn count");
    }

    // A bad announce of one of the kinds the swarm must reject; the peer (and, when exclusive,
    // the whole swarm) must be unchanged.
    void bad_announce(bool exclusive) {
        const std::string& id = ids_[rng_() % ids_.size()];
        announce_request r;
        r.peer_id = id;
        r.numwant = 3;
        bitmap wrong;
        bitmap right(pieces_);
        errc expected = errc::invalid;
        const unsigned kind = static_cast<unsigned>(rng_() % 7);
        switch (kind) {
            case 0:
                wrong = bitmap(pieces_ + 1 + rng_() % 3);
                r.full = &wrong;
                break;
            case 1:
                r.have = random_pieces(2);
                (rng_() % 2 == 0 ? r.have : r.donthave)
                    .push_back(static_cast<std::uint32_t>(pieces_ + rng_() % 5));
                expected = errc::range;
                break;
            case 2:
                r.full = &right;
                r.have.push_back(0);  // rejected before the range check
                break;
            case 3: r.peer_id = rng_() % 2 == 0 ? std::string() : std::string(21, 'z'); break;
            case 4:
                if (pieces_ == 0) {
                    r.peer_id.clear();
                    break;
                }
                r.have = {static_cast<std::uint32_t>(rng_() % pieces_)};
                r.donthave = {r.have[0]};
                break;
            case 5:
                r.event = announce_event::completed;
                if (pieces_ == 0) {
                    r.peer_id.clear();
                    break;
                }
                r.donthave = {0};
                break;
            default:
                if (!exclusive || swarm_.peer_count() < max_peers_) {
                    r.peer_id.clear();  // the limit needs a full swarm: a bad id instead
                    break;
                }
                // A new peer on a full swarm.
                r.peer_id = std::string(1, '\x7f') + std::to_string(steps_);
                expected = errc::limit;
                break;
        }
        const stats_report before = exclusive ? swarm_.snapshot(0) : stats_report{};
        const bitmap bits_before = swarm_.peer_bitmap(id);
        const std::size_t count_before = swarm_.peer_count();
        const errc got = code_of([&] { swarm_.announce(r, now_); });
        expect(got == expected, "bad announce error code");
        ++rejected_;
        expect(swarm_.peer_bitmap(id) == bits_before, "bad announce changed the peer");
        if (exclusive) {
            expect(swarm_.peer_count() == count_before, "bad announce changed the peer count");
            expect(same_counts(swarm_.snapshot(0), before), "bad announce changed the counts");
        }
    }

public:
    std::size_t max_peers_ = 0;
    std::uint32_t cdn_cap_ = prop_max_per_answer;

private:
    swarm& swarm_;
    std::mt19937_64 rng_;
    std::size_t pieces_;
    std::vector<std::string> ids_;
    model model_;
    std::int64_t now_ = 1000;
    std::size_t steps_ = 0;
    std::size_t rejected_ = 0;
    std::size_t cdn_steps_ = 0;
    std::size_t cdn_answers_ = 0;
    bool exclusive_ = false;
    cdn_model cdn_;
    std::string failure_;
};

}  // namespace

TEST_SUITE("swarm.property") {
    TEST_CASE("random sequences match a recount and a model after every step") {
        struct run {
            std::uint64_t seed;
            std::size_t pieces;
            std::uint32_t max_peers;
        };
        const run runs[] = {{1, 1, 20},   {2, 64, 30}, {3, 130, 24},
                            {4, 200, 40}, {5, 0, 10},  {6, 7, 16}};
        std::size_t total_steps = 0;
        std::size_t total_rejected = 0;
        std::size_t total_cdn_steps = 0;
        std::size_t total_cdn_answers = 0;
        for (const run& each : runs) {
            CAPTURE(each.seed);
            CAPTURE(each.pieces);
            swarm s("prop", each.pieces, each.max_peers, each.seed,
                    p2pcdn::cdn_limits{prop_max_sources, prop_max_per_answer});
            // More ids than the limit, so joins hit it.
            driver d(s, each.seed * 7919, "", each.max_peers + 6);
            d.max_peers_ = each.max_peers;
            bool ok = true;
            std::size_t step = 0;
            for (; step < 1500 && ok; ++step) {
                try {
                    d.step(true);
                } catch (const p2pcdn::error& e) {
                    // A good announce may only fail on the peer limit.
                    if (e.code() != errc::limit || s.peer_count() < each.max_peers) {
                        FAIL_CHECK("unexpected error: " << e.what());
                        ok = false;
                    }
                }
                const stats_report snap = s.snapshot(0);
                const stats_report recount = s.recount();
                const stats_report expected = expected_of(d.peers(), each.pieces);
                const bool cdn_ok = s.snapshot(d.now()).cdn_pieces == d.cdn_union();
                if (!cdn_ok) {
                    FAIL_CHECK("cdn_pieces differ from the model at step " << step);
                }
                ok = ok && same_counts(snap, recount) && same_counts(snap, expected) &&
                     s.peer_count() == d.peers().size() && d.failure().empty() && cdn_ok;
            }
            CAPTURE(step);
            CHECK(d.failure() == "");
            CHECK(ok);
            CHECK(same_counts(s.snapshot(0), expected_of(d.peers(), each.pieces)));
            total_steps += d.steps();
            total_rejected += d.rejected();
            total_cdn_steps += d.cdn_steps();
            total_cdn_answers += d.cdn_answers();
        }
        MESSAGE("single-threaded: " << total_steps << " steps (" << total_cdn_steps
                                    << " on the CDN directory), " << total_rejected
                                    << " bad announces or CDN calls, " << total_cdn_answers
                                    << " answers with CDN sources");
        CHECK(total_cdn_steps > 500);
        CHECK(total_cdn_answers > 500);
        CHECK(total_steps == 9000);
    }

    TEST_CASE("threads sharing one swarm end in the state of the union of their models") {
        constexpr std::size_t pieces = 150;
        constexpr int threads = 4;
        constexpr std::size_t steps_per_thread = 2000;
        swarm s("shared", pieces, 100000, 11,
                p2pcdn::cdn_limits{prop_max_sources, prop_max_per_answer});

        std::vector<std::unique_ptr<driver>> drivers;
        for (int t = 0; t < threads; ++t) {
            // The prefix byte keeps each thread's ids apart.
            drivers.push_back(std::make_unique<driver>(s, 1000 + static_cast<std::uint64_t>(t),
                                                       std::string(1, static_cast<char>(t)), 40));
        }
        std::atomic<bool> done{false};
        std::atomic<std::size_t> snapshots{0};
        std::atomic<std::size_t> inconsistent{0};
        std::thread reader([&] {
            std::uint64_t last_seq = 0;
            while (!done.load()) {
                const stats_report snap = s.snapshot(0);
                bool ok = snap.seq > last_seq && snap.seeds <= snap.user_peers &&
                          snap.copies.size() == pieces;
                for (const std::uint32_t c : snap.copies) {
                    ok = ok && c <= snap.user_peers && c >= snap.seeds;
                }
                for (const std::uint32_t c : snap.network_copies) {
                    ok = ok && c <= snap.network_peers;
                }
                last_seq = snap.seq;
                inconsistent += ok ? 0 : 1;
                ++snapshots;
            }
        });
        // The CCS: publishes and withdraws while peers announce; the drivers check that no
        // answer hands out a piece its requester holds.
        std::atomic<std::size_t> cdn_changes{0};
        std::thread publisher([&] {
            std::mt19937_64 rng(99);
            while (!done.load()) {
                const char* uri = prop_uris[rng() % std::size(prop_uris)];
                bitmap bits(pieces);
                for (std::size_t i = 0; i < pieces; ++i) {
                    if (rng() % 3 == 0) {
                        bits.set(i);
                    }
                }
                try {
                    if (rng() % 3 == 0) {
                        s.withdraw_cdn(rng() % 2 == 0 ? uri : "", &bits, 0);
                    } else {
                        p2pcdn::cdn_source source;
                        source.uri = uri;
                        source.pieces = std::move(bits);
                        source.expires_s = std::int64_t{1} << 40;
                        s.publish_cdn(std::move(source), 0);
                    }
                    ++cdn_changes;
                } catch (const p2pcdn::error& e) {
                    // The limit, or withdrawing a URI not there: expected now and then.
                    if (e.code() != errc::limit && e.code() != errc::not_found) {
                        throw;
                    }
                }
            }
        });
        std::vector<std::thread> workers;
        std::atomic<std::size_t> errors{0};
        for (auto& d : drivers) {
            workers.emplace_back([&errors, &d] {
                for (std::size_t i = 0; i < steps_per_thread; ++i) {
                    try {
                        d->step(false);
                    } catch (const p2pcdn::error&) {
                        ++errors;
                    }
                }
            });
        }
        for (auto& w : workers) {
            w.join();
        }
        done = true;
        reader.join();
        publisher.join();
        CHECK(cdn_changes.load() > 0);

        model all;
        std::size_t total_steps = 0;
        for (const auto& d : drivers) {
            CHECK(d->failure() == "");
            all.insert(d->peers().begin(), d->peers().end());
            total_steps += d->steps();
        }
        CHECK(errors.load() == 0);
        CHECK(inconsistent.load() == 0);
        CHECK(snapshots.load() > 0);
        CHECK(s.peer_count() == all.size());
        const stats_report snap = s.snapshot(0);
        CHECK(same_counts(snap, s.recount()));
        CHECK(same_counts(snap, expected_of(all, pieces)));
        for (const auto& [id, peer] : all) {
            CHECK(s.peer_bitmap(id) == to_bitmap(peer.bits));
        }
        MESSAGE("multi-threaded: " << threads << " threads, " << total_steps << " steps, "
                                   << snapshots.load() << " concurrent snapshots");
        CHECK(total_steps == threads * steps_per_thread);
    }
}
