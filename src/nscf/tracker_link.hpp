// How the NSCF reaches the tracker (TR 23.844 steps 2, 3, 5, 9, 10): join the swarm as a
// network peer, fetch statistics, publish and withdraw CDN sources. Three links: an
// in-process tracker, a remote tracker over HTTP (the JSON messages of docs/protocol.md), or
// host callbacks.
//
// Every call either takes effect at the tracker or throws (errc::network, timeout, http,
// parse, ...): the controller relies on "returned" meaning "done" for its invariants (a URI is
// advertised only after its upload is confirmed; withdrawn before its object is purged).
#pragma once

#include "core/bitmap.hpp"
#include "core/ip_address.hpp"
#include "wire/peer_list.hpp"
#include "wire/stats_report.hpp"

#include <cstdint>
#include <functional>
#include <memory>
#include <string>

namespace p2pcdn {
class tracker;
namespace http {
struct client_config;
}
}  // namespace p2pcdn

namespace p2pcdn::nscf {

// The controller as a peer of the swarm (role network).
struct network_peer {
    std::string peer_id;  // 1 to 20 bytes
    ip_address address;
    std::uint16_t port = 0;
    const bitmap* pieces = nullptr;  // pieces in the CCS's own storage; nullptr: none
};

class tracker_link {
public:
    virtual ~tracker_link() = default;
    // Announces the controller to the content's swarm as a network peer (event started).
    virtual void join(const std::string& content_id, std::size_t piece_count,
                      const network_peer& self) = 0;
    // Statistics on demand; the periodic ones arrive through controller::on_stats.
    virtual stats_report fetch_stats(const std::string& content_id) = 0;
    // Adds or replaces (same uri) the content's source.
    virtual void publish(const std::string& content_id, const cdn_source& source) = 0;
    // Removes `pieces` (nullptr: all) from the source with this uri; an unknown content or
    // uri is not an error here (already withdrawn).
    virtual void withdraw(const std::string& content_id, const std::string& uri,
                          const bitmap* pieces) = 0;
    virtual const char* kind() const noexcept = 0;  // "local", "http", "callback"
};

// The tracker object in this process; it must outlive the link.
std::unique_ptr<tracker_link> make_local_link(tracker& t);

// A remote tracker over HTTP at base_url (the `p2pcdn tracker` daemon's API, docs/protocol.md).
std::unique_ptr<tracker_link> make_http_link(std::string base_url,
                                             const http::client_config& config);

// Host callbacks; each throws (any exception) to report failure. All must be set.
struct link_callbacks {
    std::function<void(const std::string&, std::size_t, const network_peer&)> join;
    std::function<stats_report(const std::string&)> fetch_stats;
    std::function<void(const std::string&, const cdn_source&)> publish;
    std::function<void(const std::string&, const std::string&, const bitmap*)> withdraw;
};
std::unique_ptr<tracker_link> make_callback_link(link_callbacks callbacks);

}  // namespace p2pcdn::nscf
