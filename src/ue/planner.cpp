#include "ue/planner.hpp"

#include "core/error.hpp"
#include "core/popcount.hpp"

#include <algorithm>
#include <limits>
#include <utility>

namespace p2pcdn::ue {
namespace {

using word_type = bitmap::word_type;
constexpr std::size_t word_bits = bitmap::word_bits;

// Floor division by 1000 for negative times as well.
std::int64_t floor_seconds(std::int64_t ms) noexcept {
    std::int64_t s = ms / 1000;
    if (ms % 1000 < 0) {
        --s;
    }
    return s;
}

// now_ms < expires_s * 1000, without overflow.
bool source_alive(std::int64_t expires_s, std::int64_t now_ms) noexcept {
    return floor_seconds(now_ms) < expires_s;
}

// a - b, saturated to the int64 range.
std::int64_t sat_sub(std::int64_t a, std::int64_t b) noexcept {
    if (b < 0 && a > std::numeric_limits<std::int64_t>::max() + b) {
        return std::numeric_limits<std::int64_t>::max();
    }
    if (b > 0 && a < std::numeric_limits<std::int64_t>::min() + b) {
        return std::numeric_limits<std::int64_t>::min();
    }
    return a - b;
}

}  // namespace

// Checked before anything is allocated for them.
std::size_t planner::checked_piece_count(std::size_t piece_count, const planner_config& config) {
    if (piece_count == 0 || piece_count > bitmap::max_bits) {
        fail(errc::range, "piece count {} out of range (1 to {})", piece_count, bitmap::max_bits);
    }
    if (config.max_cdn_in_flight == 0 || config.max_per_peer_in_flight == 0 ||
        config.window_pieces == 0 || config.piece_duration_ms == 0 || config.peer_piece_ms == 0) {
        fail(errc::invalid, "planner limits and durations must be positive");
    }
    if (config.max_peers == 0 || config.max_peers > max_planner_peers) {
        fail(errc::invalid, "max_peers {} out of range (1 to {})", config.max_peers,
             max_planner_peers);
    }
    return piece_count;
}

planner::planner(std::size_t piece_count, const planner_config& config)
    : config_(config),
      avail_(checked_piece_count(piece_count, config), config.max_peers),
      have_(piece_count),
      in_flight_(piece_count),
      owner_(piece_count, 0),
      sent_ms_(config.cdn_fill != cdn_fill_mode::off ? piece_count : 0, 0) {
    rng_.seed(config.rng_seed != 0 ? config.rng_seed : std::random_device{}());
    free_peers_.reserve(std::min<std::size_t>(config.max_peers, 64));
}

// ---- helpers ----------------------------------------------------------------------------------

void planner::check_key(std::string_view key) {
    if (key.empty() || key.size() > max_peer_id_length) {
        fail(errc::invalid, "peer key of {} bytes (1 to {})", key.size(), max_peer_id_length);
    }
}

std::uint32_t planner::slot_of(std::string_view key) const {
    check_key(key);
    const std::uint32_t s = index_.find(key, slot_key());
    if (s == detail::peer_key_index::none) {
        fail(errc::not_found, "unknown peer");
    }
    return s;
}

// Unbiased [0, bound): the standard library's distributions differ between implementations,
// and a seed must give the same plan everywhere.
std::uint64_t planner::uniform(std::uint64_t bound) {
    const std::uint64_t threshold = (0 - bound) % bound;
    for (;;) {
        const std::uint64_t x = rng_();
        if (x >= threshold) {
            return x % bound;
        }
    }
}

std::size_t planner::count_wanted(const bitmap& bits) const noexcept {
    // bits & ~have & ~in_flight
    std::size_t n = 0;
    const word_type* b = bits.words();
    const word_type* h = have_.words();
    const word_type* f = in_flight_.words();
    for (std::size_t w = 0; w < bits.word_count(); ++w) {
        n += static_cast<std::size_t>(__builtin_popcountll(b[w] & ~(h[w] | f[w])));
    }
    return n;
}

void planner::recount_wanted() {
    for (auto& slot : slots_) {
        if (slot.key_len != 0) {
            slot.wanted = count_wanted(slot.bits);
        }
    }
}

void planner::leave_wanted(std::size_t piece) {
    avail_.exclude(piece);
    if (avail_.copies(piece) == 0) {
        return;
    }
    for (auto& slot : slots_) {
        if (slot.key_len != 0 && slot.bits.test(piece) && --slot.wanted == 0) {
            prune_pending_ = true;
        }
    }
}

void planner::join_wanted(std::size_t piece) {
    avail_.include(piece);
    if (avail_.copies(piece) == 0) {
        return;
    }
    for (auto& slot : slots_) {
        if (slot.key_len != 0 && slot.bits.test(piece)) {
            ++slot.wanted;
        }
    }
}

void planner::peer_gains(peer_slot& slot, std::size_t piece) {
    slot.bits.set(piece);
    avail_.increment(piece);
    if (piece_wanted(piece)) {
        ++slot.wanted;
    }
}

void planner::peer_loses(peer_slot& slot, std::size_t piece) {
    slot.bits.clear(piece);
    avail_.decrement(piece);
    if (piece_wanted(piece)) {
        --slot.wanted;
    }
}

void planner::assign_peer(std::size_t piece, std::uint32_t slot) {
    leave_wanted(piece);
    in_flight_.set(piece);
    owner_[piece] = slot;
    if (!sent_ms_.empty()) {
        sent_ms_[piece] = plan_ms_;
    }
    ++slots_[slot].in_flight;
    ++peer_in_flight_;
}

void planner::assign_cdn(std::size_t piece, std::uint32_t source) {
    leave_wanted(piece);
    in_flight_.set(piece);
    owner_[piece] = cdn_flag | source;
    ++cdn_in_flight_;
}

void planner::release(std::size_t piece) {
    const std::uint32_t owner = owner_[piece];
    if ((owner & cdn_flag) != 0) {
        --cdn_in_flight_;
    } else {
        --slots_[owner].in_flight;
        --peer_in_flight_;
    }
    in_flight_.clear(piece);
    if (!have_.test(piece)) {
        join_wanted(piece);
    }
}

// ---- inputs -----------------------------------------------------------------------------------

void planner::set_have(const bitmap& own) {
    if (own.size() != piece_count()) {
        fail(errc::invalid, "bitmap of {} pieces for a planner of {}", own.size(), piece_count());
    }
    const word_type* next = own.words();
    word_type* cur = have_.words();
    for (std::size_t w = 0; w < have_.word_count(); ++w) {
        word_type diff = cur[w] ^ next[w];
        while (diff != 0) {
            const auto bit = static_cast<std::size_t>(__builtin_clzll(diff));
            diff &= ~(word_type{1} << (word_bits - 1 - bit));
            const std::size_t piece = w * word_bits + bit;
            const bool now_held = own.test(piece);
            if (!in_flight_.test(piece)) {
                if (now_held) {
                    avail_.exclude(piece);
                } else {
                    avail_.include(piece);
                }
            }
        }
        cur[w] = next[w];
    }
    recount_wanted();
}

void planner::peer_set(std::string_view key, const bitmap& bits) {
    check_key(key);
    if (bits.size() != piece_count()) {
        fail(errc::invalid, "bitmap of {} pieces for a planner of {}", bits.size(),
             piece_count());
    }
    std::uint32_t slot_index = index_.find(key, slot_key());
    if (slot_index == detail::peer_key_index::none) {
        if (index_.size() >= config_.max_peers) {
            fail(errc::limit, "{} peers connected, the limit", index_.size());
        }
        // Room first, so that a failure below leaves at most an unused free slot.
        free_peers_.reserve(std::min<std::size_t>(config_.max_peers, index_.size() + 1));
        free_slot_list_.reserve(slots_.size() + 1);
        index_.reserve_one_more();
        if (free_slot_list_.empty()) {
            slots_.emplace_back();
            free_slot_list_.push_back(static_cast<std::uint32_t>(slots_.size() - 1));
        }
        slot_index = free_slot_list_.back();
        peer_slot& fresh = slots_[slot_index];
        if (fresh.bits.size() != piece_count()) {
            fresh.bits = bitmap(piece_count());
        } else {
            fresh.bits.fill(false);  // a reused slot keeps its old bits until now
        }
        std::copy(key.begin(), key.end(), fresh.key);
        fresh.key_len = key.size();
        index_.insert(key, slot_index);
        free_slot_list_.pop_back();
        fresh.in_flight = 0;
        fresh.wanted = 0;
    }
    peer_slot& slot = slots_[slot_index];
    const word_type* next = bits.words();
    const word_type* cur = slot.bits.words();
    for (std::size_t w = 0; w < bits.word_count(); ++w) {
        word_type diff = cur[w] ^ next[w];
        while (diff != 0) {
            const auto bit = static_cast<std::size_t>(__builtin_clzll(diff));
            diff &= ~(word_type{1} << (word_bits - 1 - bit));
            const std::size_t piece = w * word_bits + bit;
            if (bits.test(piece)) {
                peer_gains(slot, piece);
            } else {
                peer_loses(slot, piece);
            }
        }
    }
}

void planner::peer_have(std::string_view key, std::size_t piece) {
    peer_have(key, &piece, 1);
}

void planner::peer_have(std::string_view key, const std::size_t* pieces, std::size_t count) {
    const std::uint32_t s = slot_of(key);
    for (std::size_t i = 0; i < count; ++i) {
        if (pieces[i] >= piece_count()) {
            fail(errc::range, "piece {} out of range for {} pieces", pieces[i], piece_count());
        }
    }
    peer_slot& slot = slots_[s];
    for (std::size_t i = 0; i < count; ++i) {
        if (!slot.bits.test(pieces[i])) {
            peer_gains(slot, pieces[i]);
        }
    }
}

void planner::peer_remove(std::string_view key) {
    const std::uint32_t s = slot_of(key);
    free_slot_list_.reserve(slots_.size());  // the only allocation; before any change
    peer_slot& slot = slots_[s];
    // Its requests in flight go back to the wanted set.
    const word_type* f = in_flight_.words();
    for (std::size_t w = 0; w < in_flight_.word_count() && slot.in_flight != 0; ++w) {
        word_type bits = f[w];
        while (bits != 0) {
            const auto bit = static_cast<std::size_t>(__builtin_clzll(bits));
            bits &= ~(word_type{1} << (word_bits - 1 - bit));
            const std::size_t piece = w * word_bits + bit;
            if (owner_[piece] == s) {
                release(piece);
            }
        }
    }
    const word_type* b = slot.bits.words();
    for (std::size_t w = 0; w < slot.bits.word_count(); ++w) {
        word_type bits = b[w];
        while (bits != 0) {
            const auto bit = static_cast<std::size_t>(__builtin_clzll(bits));
            bits &= ~(word_type{1} << (word_bits - 1 - bit));
            avail_.decrement(w * word_bits + bit);
        }
    }
    index_.erase(slot.key_view(), slot_key());
    slot.key_len = 0;
    slot.wanted = 0;
    slot.in_flight = 0;
    free_slot_list_.push_back(s);
}

std::size_t planner::peer_in_flight(std::string_view key) const {
    return slots_[slot_of(key)].in_flight;
}

void planner::set_sources(const std::vector<cdn_source>& sources) {
    if (sources.size() > max_planner_sources) {
        fail(errc::limit, "{} cdn sources, at most {}", sources.size(), max_planner_sources);
    }
    for (std::size_t i = 0; i < sources.size(); ++i) {
        if (sources[i].pieces.size() != piece_count()) {
            fail(errc::invalid, "cdn source {} serves {} pieces, the planner has {}", i,
                 sources[i].pieces.size(), piece_count());
        }
    }
    std::vector<source_entry> fresh;
    fresh.reserve(sources.size());
    std::vector<std::uint32_t> old_to_new(sources_.size(), no_source);
    for (std::size_t i = 0; i < sources.size(); ++i) {
        source_entry e;
        e.uri = sources[i].uri;
        e.pieces = sources[i].pieces;
        e.expires_s = sources[i].expires_s;
        for (std::size_t j = 0; j < sources_.size(); ++j) {
            if (old_to_new[j] == no_source && sources_[j].uri == e.uri) {
                old_to_new[j] = static_cast<std::uint32_t>(i);
                e.gone = sources_[j].gone;
                break;
            }
        }
        fresh.push_back(std::move(e));
    }
    usable_.reserve(fresh.size());
    // Nothing throws from here on.
    const word_type* f = in_flight_.words();
    for (std::size_t w = 0; w < in_flight_.word_count() && cdn_in_flight_ != 0; ++w) {
        word_type bits = f[w];
        while (bits != 0) {
            const auto bit = static_cast<std::size_t>(__builtin_clzll(bits));
            bits &= ~(word_type{1} << (word_bits - 1 - bit));
            const std::size_t piece = w * word_bits + bit;
            const std::uint32_t owner = owner_[piece];
            if ((owner & cdn_flag) != 0) {
                const std::uint32_t old = owner & ~cdn_flag;
                owner_[piece] = cdn_flag | (old < old_to_new.size() ? old_to_new[old] : no_source);
            }
        }
    }
    sources_.swap(fresh);
}

bool planner::gone(std::size_t source, std::size_t piece) const {
    if (source >= sources_.size() || piece >= piece_count()) {
        fail(errc::range, "source {} piece {} out of range", source, piece);
    }
    const bitmap& g = sources_[source].gone;
    return g.size() != 0 && g.test(piece);
}

void planner::set_position(std::size_t piece, std::int64_t now_ms) {
    if (piece >= piece_count()) {
        fail(errc::range, "piece {} out of range for {} pieces", piece, piece_count());
    }
    position_ = piece;
    position_ms_ = now_ms;
    has_position_ = true;
}

void planner::done(std::size_t piece, plan_outcome outcome) {
    if (piece >= piece_count()) {
        fail(errc::range, "piece {} out of range for {} pieces", piece, piece_count());
    }
    const bool flying = in_flight_.test(piece);
    if (outcome == plan_outcome::done) {
        if (!have_.test(piece)) {
            if (!flying) {
                leave_wanted(piece);
            }
            have_.set(piece);
        }
        if (flying) {
            release(piece);  // held now: it does not rejoin the wanted set
        }
        return;
    }
    if (!flying) {
        fail(errc::state, "piece {} is not in flight", piece);
    }
    const std::uint32_t owner = owner_[piece];
    if (outcome == plan_outcome::gone && (owner & cdn_flag) != 0) {
        const std::uint32_t source = owner & ~cdn_flag;
        if (source != no_source) {
            bitmap& g = sources_[source].gone;
            if (g.size() == 0) {
                g = bitmap(piece_count());  // may throw: before any change
            }
            g.set(piece);
        }
    }
    release(piece);
    if (outcome == plan_outcome::gone && (owner & cdn_flag) == 0) {
        peer_slot& slot = slots_[owner];
        if (slot.bits.test(piece)) {
            peer_loses(slot, piece);
        }
    }
}

// ---- planning ---------------------------------------------------------------------------------

void planner::find_oldest_requests() {
    for (auto& slot : slots_) {
        slot.oldest_ms = std::numeric_limits<std::int64_t>::max();
    }
    std::size_t left = peer_in_flight_;
    const word_type* f = in_flight_.words();
    for (std::size_t w = 0; w < in_flight_.word_count() && left != 0; ++w) {
        for (word_type bits = f[w]; bits != 0; bits &= bits - 1) {
            const std::size_t piece =
                w * word_bits + word_bits - 1 - static_cast<std::size_t>(__builtin_ctzll(bits));
            const std::uint32_t owner = owner_[piece];
            if ((owner & cdn_flag) == 0) {
                peer_slot& slot = slots_[owner];
                slot.oldest_ms = std::min(slot.oldest_ms, sent_ms_[piece]);
                --left;
            }
        }
    }
}

void planner::collect_free_peers(std::int64_t now_ms) {
    prune_pending_ = false;
    free_peers_.clear();
    const bool judge_lateness = config_.cdn_fill != cdn_fill_mode::off && peer_in_flight_ != 0;
    if (judge_lateness) {
        find_oldest_requests();
    }
    for (std::size_t s = 0; s < slots_.size(); ++s) {
        const peer_slot& slot = slots_[s];
        if (slot.key_len == 0 || slot.wanted == 0 ||
            slot.in_flight >= config_.max_per_peer_in_flight) {
            continue;
        }
        if (judge_lateness && slot.in_flight != 0 &&
            sat_sub(now_ms, slot.oldest_ms) > static_cast<std::int64_t>(config_.peer_piece_ms)) {
            continue;  // late: new requests would queue behind the ones it has not delivered
        }
        free_peers_.push_back(static_cast<std::uint32_t>(s));
    }
}

void planner::prune_free_peers() {
    prune_pending_ = false;
    std::size_t kept = 0;
    for (std::size_t i = 0; i < free_peers_.size(); ++i) {
        const peer_slot& slot = slots_[free_peers_[i]];
        if (slot.wanted != 0 && slot.in_flight < config_.max_per_peer_in_flight) {
            free_peers_[kept++] = free_peers_[i];
        }
    }
    free_peers_.resize(kept);
}

// The holder with a free slot and the fewest requests in flight; ties go to the first from a
// random starting point.
std::uint32_t planner::pick_holder(std::size_t piece) {
    const std::size_t n = free_peers_.size();
    if (n == 0) {
        return no_slot;
    }
    const std::size_t start = n == 1 ? 0 : static_cast<std::size_t>(uniform(n));
    std::uint32_t best = no_slot;
    std::uint32_t best_load = 0;
    for (std::size_t k = 0; k < n; ++k) {
        std::size_t i = start + k;
        if (i >= n) {
            i -= n;
        }
        const std::uint32_t s = free_peers_[i];
        const peer_slot& slot = slots_[s];
        if (slot.bits.test(piece) && (best == no_slot || slot.in_flight < best_load)) {
            best = s;
            best_load = slot.in_flight;
        }
    }
    return best;
}

std::uint32_t planner::cdn_source_for(std::size_t piece) const {
    for (std::size_t s = 0; s < sources_.size(); ++s) {
        const source_entry& e = sources_[s];
        if (usable_[s] != 0 && e.pieces.test(piece) && (e.gone.size() == 0 || !e.gone.test(piece))) {
            return static_cast<std::uint32_t>(s);
        }
    }
    return no_source;
}

void planner::emit_peer(std::size_t piece, std::uint32_t slot, sink_fn sink, void* ctx) {
    assign_peer(piece, slot);
    plan_request r;
    r.piece = piece;
    r.source = plan_source::peer;
    r.peer_key = slots_[slot].key_view();
    sink(ctx, r);
    if (prune_pending_ || slots_[slot].in_flight >= config_.max_per_peer_in_flight) {
        prune_free_peers();
    }
}

void planner::emit_cdn(std::size_t piece, std::uint32_t source, sink_fn sink, void* ctx) {
    assign_cdn(piece, source);
    plan_request r;
    r.piece = piece;
    r.source = plan_source::cdn;
    r.cdn_index = source;
    sink(ctx, r);
    if (prune_pending_) {
        prune_free_peers();  // peers holding it may have nothing else wanted now
    }
}

std::size_t planner::plan_window(std::int64_t now_ms, std::size_t max, sink_fn sink, void* ctx) {
    std::size_t emitted = 0;
    const std::size_t end = position_ + std::min(config_.window_pieces, piece_count() - position_);
    // ms since playback was at position_; piece i is urgent when its due offset
    // (i - position_) * piece_duration_ms is below elapsed + peer_piece_ms.
    const std::int64_t elapsed = sat_sub(now_ms, position_ms_);
    for (std::size_t piece = position_; piece < end && emitted < max; ++piece) {
        if (!piece_wanted(piece)) {
            continue;
        }
        const std::int64_t due = static_cast<std::int64_t>(piece - position_) *
                                 static_cast<std::int64_t>(config_.piece_duration_ms);
        const std::int64_t slack = sat_sub(due, elapsed);
        const bool urgent = slack < static_cast<std::int64_t>(config_.peer_piece_ms);
        const bool held = avail_.copies(piece) != 0;
        if (urgent || !held) {
            const std::uint32_t source = cdn_source_for(piece);
            if (source != no_source) {
                if (cdn_in_flight_ < config_.max_cdn_in_flight) {
                    emit_cdn(piece, source, sink, ctx);
                    ++emitted;
                }
                continue;  // else it waits for a CDN slot
            }
            if (!held) {
                continue;  // nobody can serve it now
            }
        }
        const std::uint32_t slot = pick_holder(piece);
        if (slot != no_slot) {
            emit_peer(piece, slot, sink, ctx);
            ++emitted;
        }
    }
    return emitted;
}

std::size_t planner::plan_rarest(std::size_t max, sink_fn sink, void* ctx) {
    std::size_t emitted = 0;
    const auto top = static_cast<std::uint32_t>(std::min<std::size_t>(index_.size(),
                                                                       avail_.max_copies()));
    for (std::uint32_t c = 1; c <= top && emitted < max && !free_peers_.empty(); ++c) {
        // Lazy Fisher-Yates over the bucket: positions [begin, end - skipped) are not yet
        // drawn; pieces drawn but not plannable move to the tail and stay in the bucket.
        std::size_t skipped = 0;
        while (emitted < max && !free_peers_.empty()) {
            const std::size_t lo = avail_.bucket_begin(c);
            const std::size_t hi = avail_.bucket_end(c) - skipped;
            if (lo >= hi) {
                break;
            }
            const std::size_t j = lo + static_cast<std::size_t>(uniform(hi - lo));
            const std::size_t piece = avail_.piece_at(j);
            const std::uint32_t slot = in_window(piece) ? no_slot : pick_holder(piece);
            if (slot == no_slot) {
                avail_.swap_positions(j, hi - 1);
                ++skipped;
                continue;
            }
            emit_peer(piece, slot, sink, ctx);  // leaves bucket c from its front
            ++emitted;
        }
    }
    return emitted;
}

std::size_t planner::plan_cdn(std::size_t max, bool include_held, sink_fn sink, void* ctx) {
    std::size_t emitted = 0;
    const std::size_t n = piece_count();
    const std::size_t words = have_.word_count();
    const std::size_t start = static_cast<std::size_t>(uniform(n));
    const std::size_t start_word = start / word_bits;
    const word_type* h = have_.words();
    const word_type* f = in_flight_.words();
    const word_type* held = avail_.held().words();
    const word_type held_mask = include_held ? 0 : ~word_type{0};
    for (std::size_t s = 0; s < sources_.size(); ++s) {
        if (usable_[s] == 0) {
            continue;
        }
        const source_entry& e = sources_[s];
        const word_type* p = e.pieces.words();
        const word_type* g = e.gone.size() != 0 ? e.gone.words() : nullptr;
        // Words start_word .. words - 1, then 0 .. start_word; the first visit of start_word
        // takes pieces from `start` on, the last one those before it.
        for (std::size_t k = 0; k <= words; ++k) {
            if (emitted >= max || cdn_in_flight_ >= config_.max_cdn_in_flight) {
                return emitted;
            }
            std::size_t w = start_word + k;
            if (w >= words) {
                w -= words;
            }
            word_type cand = p[w] & ~(h[w] | f[w] | (held[w] & held_mask));
            if (g != nullptr) {
                cand &= ~g[w];
            }
            const std::size_t offset = start % word_bits;
            if (k == 0) {
                cand &= ~word_type{0} >> offset;
            } else if (k == words) {
                cand &= offset == 0 ? 0 : ~(~word_type{0} >> offset);
            }
            while (cand != 0 && emitted < max && cdn_in_flight_ < config_.max_cdn_in_flight) {
                const auto bit = static_cast<std::size_t>(__builtin_clzll(cand));
                cand &= ~(word_type{1} << (word_bits - 1 - bit));
                const std::size_t piece = w * word_bits + bit;
                if (in_window(piece)) {
                    continue;
                }
                emit_cdn(piece, static_cast<std::uint32_t>(s), sink, ctx);
                ++emitted;
            }
        }
    }
    return emitted;
}

std::size_t planner::plan(std::int64_t now_ms, std::size_t max, sink_fn sink, void* ctx) {
    if (config_.streaming && !has_position_) {
        fail(errc::state, "streaming planner has no position; set one first");
    }
    if (max == 0) {
        return 0;
    }
    usable_.resize(sources_.size());  // capacity reserved by set_sources
    for (std::size_t s = 0; s < sources_.size(); ++s) {
        usable_[s] = source_alive(sources_[s].expires_s, now_ms) ? 1 : 0;
    }
    plan_ms_ = now_ms;
    collect_free_peers(now_ms);
    std::size_t emitted = 0;
    if (config_.streaming) {
        emitted += plan_window(now_ms, max, sink, ctx);
    }
    const bool cdn_first = config_.cdn_fill == cdn_fill_mode::first;
    if (cdn_first && emitted < max && !sources_.empty()) {
        emitted += plan_cdn(max - emitted, false, sink, ctx);
        if (emitted < max) {
            emitted += plan_cdn(max - emitted, true, sink, ctx);
        }
    }
    if (emitted < max) {
        emitted += plan_rarest(max - emitted, sink, ctx);
    }
    if (!cdn_first && emitted < max && !sources_.empty()) {
        emitted += plan_cdn(max - emitted, false, sink, ctx);
        // Room left now means no holder of a wanted piece has a free slot (plan_rarest offered
        // every one of them).
        if (config_.cdn_fill == cdn_fill_mode::idle && emitted < max) {
            emitted += plan_cdn(max - emitted, true, sink, ctx);
        }
    }
    return emitted;
}

}  // namespace p2pcdn::ue
