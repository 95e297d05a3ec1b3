#include "swarm/swarm.hpp"

#include "core/error.hpp"
#include "core/popcount.hpp"
#include "swarm/availability.hpp"
#include "swarm/cdn_directory.hpp"
#include "swarm/peer_index.hpp"
#include "swarm/peer_selection.hpp"
#include "swarm/peer_table.hpp"

#include <algorithm>
#include <cstring>
#include <mutex>
#include <random>

namespace p2pcdn {

using swarm_detail::availability;
using swarm_detail::cdn_directory;
using swarm_detail::peer_index;
using swarm_detail::peer_record;
using swarm_detail::peer_table;

namespace {

constexpr std::uint64_t all_ones = ~std::uint64_t{0};

std::uint64_t random_seed() {
    std::random_device device;
    return (std::uint64_t{device()} << 32) ^ device();
}

// Both have and donthave name `piece`: the announce contradicts itself. Small lists are
// compared directly; longer ones through a bitmap of the have pieces (scratch, per swarm).
bool contradicts(const announce_request& request, std::vector<std::uint64_t>& scratch,
                 std::size_t words, std::uint32_t& piece) {
    const auto& have = request.have;
    const auto& donthave = request.donthave;
    if (have.empty() || donthave.empty()) {
        return false;
    }
    if (have.size() * donthave.size() <= 1024) {
        for (const std::uint32_t d : donthave) {
            if (std::find(have.begin(), have.end(), d) != have.end()) {
                piece = d;
                return true;
            }
        }
        return false;
    }
    scratch.assign(words, 0);
    for (const std::uint32_t h : have) {
        scratch[h / 64] |= std::uint64_t{1} << (h % 64);
    }
    for (const std::uint32_t d : donthave) {
        if ((scratch[d / 64] >> (d % 64)) & 1u) {
            piece = d;
            return true;
        }
    }
    return false;
}

}  // namespace

struct swarm::state {
    state(std::string id, std::size_t pieces, std::uint32_t limit, std::uint64_t seed,
          cdn_limits cdn_limit)
        : content_id(std::move(id)),
          piece_count(pieces),
          words((pieces + 63) / 64),
          max_peers(limit),
          rng(seed != 0 ? seed : random_seed()),
          index(random_seed()),
          peers(words),
          user(pieces),
          network(pieces),
          cdn(pieces, cdn_limit.max_sources),
          cdn_per_answer(cdn_limit.max_per_answer) {
        user.ensure_allocated();
        tail_mask = piece_count % 64 == 0 ? all_ones : all_ones << (64 - piece_count % 64);
    }

    const std::string content_id;
    const std::size_t piece_count;
    const std::size_t words;  // per peer bitmap
    const std::uint32_t max_peers;
    std::uint64_t tail_mask = all_ones;  // the last word's bits that are pieces

    mutable std::mutex lock;
    mutable std::uint64_t seq = 0;
    std::mt19937_64 rng;
    peer_index index;
    peer_table peers;
    availability user;
    availability network;  // per-piece counters allocated on first use
    std::uint32_t network_count = 0;
    std::vector<std::uint32_t> network_slots;  // few: CCSs

    // Reused across announces so the hot path allocates nothing after warm-up.
    swarm_detail::selection_scratch selection;
    std::vector<std::uint32_t> chosen;
    std::vector<std::uint64_t> validation_scratch;

    // Last: the announce path only reads whether it is empty.
    cdn_directory cdn;
    const std::uint32_t cdn_per_answer;

    availability& role_availability(peer_role role) noexcept {
        return role == peer_role::network ? network : user;
    }
    std::uint32_t user_count() const noexcept { return peers.size() - network_count; }

    std::uint32_t find(std::string_view id) const noexcept {
        return index.find(id, [this](std::uint32_t slot) { return peers.record(slot).id_view(); });
    }

    void validate(const announce_request& request) {
        const std::size_t id_length = request.peer_id.size();
        if (id_length == 0 || id_length > max_peer_id_length) {
            fail(errc::invalid, "peer id has {} bytes, expected 1 to {}", id_length,
                 max_peer_id_length);
        }
        if (request.full != nullptr && (!request.have.empty() || !request.donthave.empty())) {
            fail(errc::invalid, "announce carries both a full bitmap and have/donthave changes");
        }
        if (request.full != nullptr && request.full->size() != piece_count) {
            fail(errc::invalid, "bitmap has {} pieces, the content has {}", request.full->size(),
                 piece_count);
        }
        for (const auto* list : {&request.have, &request.donthave}) {
            for (const std::uint32_t piece : *list) {
                if (piece >= piece_count) {
                    fail(errc::range, "piece {} out of range for {} pieces", piece, piece_count);
                }
            }
        }
        std::uint32_t both = 0;
        if (contradicts(request, validation_scratch, words, both)) {
            fail(errc::invalid, "piece {} is in both have and donthave", both);
        }
        if (request.event == announce_event::completed) {
            if (!request.donthave.empty()) {
                fail(errc::invalid, "event completed with donthave pieces");
            }
            if (request.full != nullptr && request.full->count() != piece_count) {
                fail(errc::invalid, "event completed with a bitmap missing {} pieces",
                     piece_count - request.full->count());
            }
        }
    }

    // --- contributions of one peer to its role's availability --------------------------

    void count_in(const peer_record& rec, const std::uint64_t* bits) noexcept {
        availability& avail = role_availability(rec.role);
        if (rec.seed) {
            avail.add_seed();
        } else {
            avail.add(bits);
        }
    }
    void count_out(const peer_record& rec, const std::uint64_t* bits) noexcept {
        availability& avail = role_availability(rec.role);
        if (rec.seed) {
            avail.remove_seed();
        } else {
            avail.remove(bits);
        }
    }

    void fill_all(std::uint64_t* bits) const noexcept {
        if (words == 0) {
            return;
        }
        std::fill_n(bits, words, all_ones);
        bits[words - 1] = tail_mask;
    }

    // The peer holds every piece from now on.
    void make_seed(peer_record& rec, std::uint64_t* bits) noexcept {
        if (!rec.seed) {
            role_availability(rec.role).remove(bits);
            role_availability(rec.role).add_seed();
            rec.seed = true;
        }
        fill_all(bits);
        rec.held = static_cast<std::uint32_t>(piece_count);
    }

    // A seed's bits have already changed to a partial set: count them per piece again.
    void break_seed(peer_record& rec, const std::uint64_t* bits) noexcept {
        availability& avail = role_availability(rec.role);
        avail.remove_seed();
        avail.add(bits);
        rec.seed = false;
    }

    void apply_full(peer_record& rec, std::uint64_t* bits, const bitmap& full) noexcept {
        const std::size_t held = full.count();
        if (held == piece_count) {
            make_seed(rec, bits);
            return;
        }
        if (rec.seed) {
            std::copy_n(full.words(), words, bits);
            break_seed(rec, bits);
        } else {
            role_availability(rec.role).change(bits, full.words());
            std::copy_n(full.words(), words, bits);
        }
        rec.held = static_cast<std::uint32_t>(held);
    }

    void apply_deltas(peer_record& rec, std::uint64_t* bits, const announce_request& request) {
        availability& avail = role_availability(rec.role);
        if (!rec.seed) {
            for (const std::uint32_t piece : request.have) {
                std::uint64_t& word = bits[piece / 64];
                const std::uint64_t mask = std::uint64_t{1} << (63 - piece % 64);
                if ((word & mask) == 0) {
                    word |= mask;
                    avail.add_piece(piece);
                    ++rec.held;
                }
            }
        }
        const std::uint32_t held_before = rec.held;
        for (const std::uint32_t piece : request.donthave) {
            std::uint64_t& word = bits[piece / 64];
            const std::uint64_t mask = std::uint64_t{1} << (63 - piece % 64);
            if ((word & mask) != 0) {
                word &= ~mask;
                if (!rec.seed) {
                    avail.remove_piece(piece);
                }
                --rec.held;
            }
        }
        if (rec.seed && rec.held != held_before) {
            break_seed(rec, bits);
        } else if (!rec.seed && rec.held == piece_count) {
            make_seed(rec, bits);  // the last HAVE
        }
    }

    // Moves a peer's contributions to another role's availability.
    void change_role(std::uint32_t slot, peer_record& rec, peer_role role) {
        const std::uint64_t* bits = peers.words(slot);
        count_out(rec, bits);
        if (rec.role == peer_role::network) {
            --network_count;
            network_slots.erase(std::find(network_slots.begin(), network_slots.end(), slot));
        } else {
            ++network_count;
            network_slots.push_back(slot);
        }
        rec.role = role;
        count_in(rec, bits);
    }

    void remove_slot(std::uint32_t slot) noexcept {
        const peer_record& rec = peers.record(slot);
        count_out(rec, peers.words(slot));
        auto id_of = [this](std::uint32_t s) { return peers.record(s).id_view(); };
        index.erase(index.hash(rec.id_view()), slot, id_of);
        if (rec.role == peer_role::network) {
            --network_count;
            network_slots.erase(std::find(network_slots.begin(), network_slots.end(), slot));
        }
        const std::uint32_t last = peers.size() - 1;
        if (slot != last) {
            const peer_record& moved = peers.record(last);
            index.relocate(index.hash(moved.id_view()), last, slot);
            if (moved.role == peer_role::network) {
                *std::find(network_slots.begin(), network_slots.end(), last) = slot;
            }
        }
        peers.pop_into(slot);
    }

    // Whether the requester holds every piece once the announce is applied, as far as can be
    // told before applying it: a seed wants nothing from the CDN, so its answer needs no room
    // for sources. A leecher's last HAVE is missed here; fill_answer then finds nothing wanted.
    bool ends_as_seed(const announce_request& request, std::uint32_t slot) const noexcept {
        if (piece_count == 0 || request.event == announce_event::completed) {
            return true;
        }
        if (request.full != nullptr) {
            return request.full->count() == piece_count;
        }
        return slot != peer_index::npos && peers.record(slot).seed && request.donthave.empty();
    }

    void answer_counts(peer_list& answer) const noexcept {
        answer.seeds = user.seeds();
        answer.leechers = user_count() - user.seeds();
    }

    stats_report report_header(std::int64_t now_ms) const {
        stats_report report;
        report.content_id = content_id;
        report.time_ms = now_ms;
        report.piece_count = piece_count;
        report.user_peers = user_count();
        report.network_peers = network_count;
        return report;
    }
};

swarm::swarm(std::string content_id, std::size_t piece_count, std::uint32_t max_peers,
             std::uint64_t rng_seed, cdn_limits cdn) {
    if (piece_count > bitmap::max_bits) {
        fail(errc::range, "content of {} pieces exceeds the maximum of {}", piece_count,
             bitmap::max_bits);
    }
    state_ = std::make_unique<state>(std::move(content_id), piece_count, max_peers, rng_seed, cdn);
}

swarm::~swarm() = default;

const std::string& swarm::content_id() const noexcept {
    return state_->content_id;
}
std::size_t swarm::piece_count() const noexcept {
    return state_->piece_count;
}

peer_list swarm::announce(const announce_request& request, std::int64_t now_ms) {
    state& s = *state_;
    peer_list answer;
    answer.content_id = s.content_id;
    answer.piece_count = s.piece_count;
    std::lock_guard<std::mutex> guard(s.lock);

    // Everything that can fail happens before the first change: validation, then the
    // allocations a join or a network peer may need.
    s.validate(request);
    std::uint32_t slot = s.find(request.peer_id);
    const bool stopping = request.event == announce_event::stopped;
    if (stopping) {
        if (slot != peer_index::npos) {
            s.remove_slot(slot);
        }
        s.answer_counts(answer);
        return answer;
    }
    const bool joining = slot == peer_index::npos;
    if (joining) {
        if (s.peers.size() >= s.max_peers) {
            fail(errc::limit, "swarm of content '{}' is full: {} peers", s.content_id, s.max_peers);
        }
        s.peers.reserve_one();
        s.index.reserve_one([&s](std::uint32_t i) { return s.peers.record(i).id_view(); });
    }
    if (request.role == peer_role::network) {
        s.network.ensure_allocated();
        s.network_slots.reserve(s.network_slots.size() + 1);
    }
    const std::uint32_t numwant =
        std::min<std::uint32_t>(request.numwant, joining ? s.peers.size() : s.peers.size() - 1);
    answer.peers.reserve(numwant);
    s.chosen.reserve(numwant);
    // A content without CDN sources (the common case) costs this one test.
    if (!s.cdn.empty() && s.cdn_per_answer != 0 && !s.ends_as_seed(request, slot)) {
        s.cdn.prepare_answer(now_ms, s.cdn_per_answer, answer.cdn);
    }

    // From here on nothing throws.
    if (joining) {
        slot = s.peers.push();
        peer_record& rec = s.peers.record(slot);
        std::memcpy(rec.id, request.peer_id.data(), request.peer_id.size());
        rec.id_length = static_cast<std::uint8_t>(request.peer_id.size());
        rec.role = request.role;
        s.index.insert(s.index.hash(request.peer_id), slot);
        if (rec.role == peer_role::network) {
            ++s.network_count;
            s.network_slots.push_back(slot);
        }
        // A new peer holds nothing; with no pieces at all it already holds everything.
        rec.seed = s.piece_count == 0;
        s.count_in(rec, s.peers.words(slot));
    }
    peer_record& rec = s.peers.record(slot);
    std::uint64_t* bits = s.peers.words(slot);
    if (rec.role != request.role) {
        s.change_role(slot, rec, request.role);
    }
    if (request.full != nullptr) {
        s.apply_full(rec, bits, *request.full);
    } else if (request.event == announce_event::completed) {
        s.make_seed(rec, bits);
    } else {
        s.apply_deltas(rec, bits, request);
    }
    rec.address = request.address;
    rec.port = request.port;
    rec.last_seen_ms = now_ms;
    rec.uploaded = request.uploaded;
    rec.downloaded = request.downloaded;

    swarm_detail::selection_request wanted{slot, numwant, request.selection,
                                           request.include_network_peers};
    swarm_detail::select_peers(s.peers, s.user_count(), s.network_slots, wanted, s.rng, s.selection,
                               s.chosen);
    for (const std::uint32_t chosen : s.chosen) {
        const peer_record& peer = s.peers.record(chosen);
        peer_entry& entry = answer.peers.emplace_back();
        entry.id.assign(peer.id, peer.id_length);
        entry.address = peer.address;
        entry.port = peer.port;
        entry.role = peer.role;
        entry.seed = peer.seed;
    }
    if (!answer.cdn.empty()) {
        if (rec.seed) {
            answer.cdn.clear();
        } else {
            s.cdn.fill_answer(bits, now_ms, answer.cdn);
        }
    }
    s.answer_counts(answer);
    return answer;
}

bool swarm::leave(std::string_view peer_id) {
    state& s = *state_;
    std::lock_guard<std::mutex> guard(s.lock);
    const std::uint32_t slot = s.find(peer_id);
    if (slot == peer_index::npos) {
        return false;
    }
    s.remove_slot(slot);
    return true;
}

std::size_t swarm::expire(std::int64_t cutoff_ms) {
    state& s = *state_;
    std::lock_guard<std::mutex> guard(s.lock);
    std::size_t removed = 0;
    // Downwards: removing slot i moves the last slot, already visited and kept, into i.
    for (std::uint32_t slot = s.peers.size(); slot-- > 0;) {
        if (s.peers.record(slot).last_seen_ms < cutoff_ms) {
            s.remove_slot(slot);
            ++removed;
        }
    }
    return removed;
}

stats_report swarm::snapshot(std::int64_t now_ms) const {
    const state& s = *state_;
    std::lock_guard<std::mutex> guard(s.lock);
    stats_report report = s.report_header(now_ms);
    report.seq = ++s.seq;
    report.seeds = s.user.seeds();
    s.user.copies(report.copies);
    if (s.network.holds_anything()) {
        s.network.copies(report.network_copies);
    }
    if (!s.cdn.empty()) {
        report.cdn_pieces = s.cdn.live_pieces(now_ms);
    }
    return report;
}

void swarm::publish_cdn(cdn_source source, std::int64_t now_ms) {
    state& s = *state_;
    std::lock_guard<std::mutex> guard(s.lock);
    s.cdn.publish(std::move(source), now_ms);
}

std::size_t swarm::withdraw_cdn(std::string_view uri, const bitmap* pieces, std::int64_t now_ms) {
    state& s = *state_;
    std::lock_guard<std::mutex> guard(s.lock);
    return s.cdn.withdraw(uri, pieces, now_ms);
}

std::vector<cdn_source> swarm::cdn_sources(std::int64_t now_ms) const {
    const state& s = *state_;
    std::lock_guard<std::mutex> guard(s.lock);
    return s.cdn.live(now_ms);
}

std::size_t swarm::expire_cdn(std::int64_t now_ms) {
    state& s = *state_;
    std::lock_guard<std::mutex> guard(s.lock);
    return s.cdn.drop_expired(now_ms);
}

std::size_t swarm::peer_count() const {
    const state& s = *state_;
    std::lock_guard<std::mutex> guard(s.lock);
    return s.peers.size();
}

stats_report swarm::recount() const {
    const state& s = *state_;
    std::lock_guard<std::mutex> guard(s.lock);
    stats_report report = s.report_header(0);
    report.copies.assign(s.piece_count, 0);
    std::vector<std::uint32_t> network(s.piece_count, 0);
    bool network_holds = false;
    // From the bitmap words alone, bit by bit: independent of the seed flags and counters.
    for (std::uint32_t slot = 0; slot < s.peers.size(); ++slot) {
        const peer_record& rec = s.peers.record(slot);
        const std::uint64_t* bits = s.peers.words(slot);
        auto& copies = rec.role == peer_role::network ? network : report.copies;
        std::size_t held = 0;
        for (std::size_t piece = 0; piece < s.piece_count; ++piece) {
            if ((bits[piece / 64] >> (63 - piece % 64)) & 1u) {
                ++copies[piece];
                ++held;
            }
        }
        if (rec.role == peer_role::network) {
            network_holds = network_holds || held != 0;
        } else if (held == s.piece_count) {
            ++report.seeds;
        }
    }
    if (network_holds) {
        report.network_copies = std::move(network);
    }
    return report;
}

bitmap swarm::peer_bitmap(std::string_view peer_id) const {
    const state& s = *state_;
    std::lock_guard<std::mutex> guard(s.lock);
    const std::uint32_t slot = s.find(peer_id);
    if (slot == peer_index::npos) {
        return bitmap();
    }
    bitmap out(s.piece_count);
    std::copy_n(s.peers.words(slot), s.words, out.words());
    return out;
}

std::size_t swarm::memory_bytes() const {
    const state& s = *state_;
    std::lock_guard<std::mutex> guard(s.lock);
    return s.peers.memory_bytes() + s.index.memory_bytes() +
           s.network_slots.capacity() * sizeof(std::uint32_t);
}

}  // namespace p2pcdn
