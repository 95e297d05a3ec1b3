// The simulator's side of the tracker protocol and the peer connections.
#include "simulator.hpp"

#include "virtual_clock.hpp"

#include <algorithm>
#include <cstdio>

namespace p2pcdn_sim {
namespace {

constexpr std::size_t key_length = 5;  // a kind byte and the node index, big-endian

}  // namespace

void simulator::key_of(std::uint32_t node, unsigned char* out) const {
    out[0] = node == css_node_ ? 'c' : 'u';
    out[1] = static_cast<unsigned char>(node >> 24);
    out[2] = static_cast<unsigned char>(node >> 16);
    out[3] = static_cast<unsigned char>(node >> 8);
    out[4] = static_cast<unsigned char>(node);
}

std::uint32_t simulator::node_of(const unsigned char* key, std::size_t len) const {
    if (len != key_length) {
        throw sim_error("a peer key of " + std::to_string(len) + " bytes");
    }
    const std::uint32_t node = (std::uint32_t{key[1]} << 24) | (std::uint32_t{key[2]} << 16) |
                               (std::uint32_t{key[3]} << 8) | key[4];
    if (node > css_node_) {
        throw sim_error("a peer key names no node");
    }
    return node;
}

const p2pcdn_bitmap* simulator::shown_bits(std::uint32_t node, std::uint32_t content) const {
    if (node == css_node_) {
        return contents_[content].css_bits.get();
    }
    const ue& x = ues_[node];
    return x.free_rider ? contents_[content].nothing.get() : x.have.get();
}

void simulator::announce_css(std::uint32_t content) {
    unsigned char key[key_length];
    key_of(css_node_, key);
    p2pcdn_announce a = P2PCDN_ANNOUNCE_INIT;
    a.content_id = contents_[content].id.c_str();
    a.piece_count = s_.model.pieces;
    a.peer_id = key;
    a.peer_id_len = key_length;
    a.address = "192.0.2.1";
    a.port = 443;
    a.role = P2PCDN_PEER_NETWORK;
    a.event = P2PCDN_EVENT_STARTED;
    a.bitmap = contents_[content].css_bits.get();
    a.numwant = P2PCDN_NUMWANT_NONE;
    check(p2pcdn_tracker_announce(tracker_.get(), &a, nullptr), "p2pcdn_tracker_announce");
}

void simulator::announce(std::uint32_t u, int event) {
    ue& x = ues_[u];
    unsigned char key[key_length];
    key_of(u, key);
    char address[16];
    std::snprintf(address, sizeof address, "10.%u.%u.%u", (u >> 16) & 255U, (u >> 8) & 255U,
                  u & 255U);
    p2pcdn_announce a = P2PCDN_ANNOUNCE_INIT;
    a.content_id = contents_[x.content].id.c_str();
    a.piece_count = s_.model.pieces;
    a.peer_id = key;
    a.peer_id_len = key_length;
    a.address = address;
    a.port = 6881;
    a.role = P2PCDN_PEER_USER;
    a.event = event;
    if (event != P2PCDN_EVENT_COMPLETED) {
        a.have = x.new_pieces.data();
        a.have_count = x.new_pieces.size();
    }
    const bool wants_peers = x.leeching() && x.neighbours.size() < s_.model.connections;
    a.numwant = wants_peers ? static_cast<std::uint32_t>(s_.model.connections - x.neighbours.size())
                            : P2PCDN_NUMWANT_NONE;
    // Random, not complementary: complementary breaks its ties by peer slot, so while
    // scores tie (a flash crowd holding nothing yet) every answer names the oldest peers,
    // which are full, and newcomers end up without connections.
    a.selection = P2PCDN_SELECT_RANDOM;
    a.uploaded = x.uploaded;
    a.downloaded = x.downloaded;
    p2pcdn_peerlist* raw = nullptr;
    const bool answer = event != P2PCDN_EVENT_STOPPED && x.leeching();
    check(p2pcdn_tracker_announce(tracker_.get(), &a, answer ? &raw : nullptr),
          "p2pcdn_tracker_announce");
    const peerlist_ptr list(raw);
    x.new_pieces.clear();
    x.last_announce = now_;
    if (event == P2PCDN_EVENT_STOPPED) {
        return;
    }
    schedule_announce(u, now_ + s_.model.announce_interval);
    if (!answer) {
        return;
    }
    std::size_t count = 0;
    check(p2pcdn_peerlist_peer_count(raw, &count), "p2pcdn_peerlist_peer_count");
    for (std::size_t i = 0; i < count; ++i) {
        p2pcdn_peer_info info;
        check(p2pcdn_peerlist_peer_at(raw, i, &info), "p2pcdn_peerlist_peer_at");
        connect(u, node_of(info.id, info.id_len));
    }
    check(p2pcdn_planner_set_sources(x.planner.get(), raw), "p2pcdn_planner_set_sources");
    queue_pump(u);
}

void simulator::schedule_announce(std::uint32_t u, double at) {
    ue& x = ues_[u];
    ++x.announce_gen;
    x.next_announce = at;
    queue_.push(at, event_kind::announce, u, x.announce_gen);
}

// Nothing in flight and nothing to plan: ask the tracker again as soon as it allows.
void simulator::starving(std::uint32_t u) {
    ue& x = ues_[u];
    const double at = std::max(now_, x.last_announce + s_.model.min_announce_interval);
    if (at < x.next_announce) {
        schedule_announce(u, at);
    }
}

void simulator::connect(std::uint32_t a, std::uint32_t b) {
    ue& x = ues_[a];
    if (b == a || x.neighbours.size() >= s_.model.connections ||
        std::find(x.neighbours.begin(), x.neighbours.end(), b) != x.neighbours.end()) {
        return;
    }
    if (b == css_node_) {
        content_swarm& cs = contents_[x.content];
        if (!x.leeching() || cs.css_connections >= s_.model.css_connections) {
            return;
        }
        ++cs.css_connections;
    } else {
        ue& y = ues_[b];
        if (!y.present() || y.neighbours.size() >= s_.model.connections ||
            (!x.leeching() && !y.leeching())) {
            return;
        }
        y.neighbours.push_back(a);
        if (y.planner) {
            unsigned char key[key_length];
            key_of(a, key);
            check(
                p2pcdn_planner_peer_set(y.planner.get(), key, key_length, shown_bits(a, x.content)),
                "p2pcdn_planner_peer_set");
        }
    }
    x.neighbours.push_back(b);
    if (x.planner) {
        unsigned char key[key_length];
        key_of(b, key);
        check(p2pcdn_planner_peer_set(x.planner.get(), key, key_length, shown_bits(b, x.content)),
              "p2pcdn_planner_peer_set");
    }
}

// Drops the connection both ways. Flows and queued requests between the two are the caller's.
void simulator::disconnect(std::uint32_t a, std::uint32_t b) {
    ue& x = ues_[a];
    x.neighbours.erase(std::remove(x.neighbours.begin(), x.neighbours.end(), b),
                       x.neighbours.end());
    unsigned char key[key_length];
    if (x.planner) {
        flush_haves(a);
        key_of(b, key);
        check(p2pcdn_planner_peer_remove(x.planner.get(), key, key_length),
              "p2pcdn_planner_peer_remove");
    }
    if (b == css_node_) {
        --contents_[x.content].css_connections;
        return;
    }
    ue& y = ues_[b];
    y.neighbours.erase(std::remove(y.neighbours.begin(), y.neighbours.end(), a),
                       y.neighbours.end());
    if (y.planner) {
        flush_haves(b);
        key_of(a, key);
        check(p2pcdn_planner_peer_remove(y.planner.get(), key, key_length),
              "p2pcdn_planner_peer_remove");
        queue_pump(b);
    }
}

}  // namespace p2pcdn_sim
