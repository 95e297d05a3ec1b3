// The tracker link to a tracker in this process: direct calls, so "returned" is "done".
#include "core/error.hpp"
#include "nscf/tracker_link.hpp"
#include "swarm/tracker.hpp"
#include "wire/announce_request.hpp"

namespace p2pcdn::nscf {
namespace {

class local_link final : public tracker_link {
public:
    explicit local_link(tracker& t) : tracker_(t) {}

    void join(const std::string& content_id, std::size_t piece_count,
              const network_peer& self) override {
        announce_request req;
        req.peer_id = self.peer_id;
        req.address = self.address;
        req.port = self.port;
        req.role = peer_role::network;
        req.event = announce_event::started;
        req.full = self.pieces;
        req.numwant = 0;
        tracker_.announce(content_id, piece_count, req);
    }

    stats_report fetch_stats(const std::string& content_id) override {
        return tracker_.stats(content_id);
    }

    void publish(const std::string& content_id, const cdn_source& source) override {
        tracker_.publish_cdn(content_id, source);
    }

    void withdraw(const std::string& content_id, const std::string& uri,
                  const bitmap* pieces) override {
        try {
            tracker_.withdraw_cdn(content_id, uri, pieces);
        } catch (const error& e) {
            if (e.code() != errc::not_found) {
                throw;
            }
            // Unknown content or URI: nothing of it is advertised.
        }
    }

    const char* kind() const noexcept override { return "local"; }

private:
    tracker& tracker_;
};

}  // namespace

std::unique_ptr<tracker_link> make_local_link(tracker& t) {
    return std::make_unique<local_link>(t);
}

}  // namespace p2pcdn::nscf
