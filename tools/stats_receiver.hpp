// The `p2pcdn ccs` end of a statistics subscription: a small HTTP listener taking the reports
// the tracker POSTs (POST /stats, docs/protocol.md "Statistics subscription"), and the
// subscription request itself. A report is checked and kept on a server thread; the daemon's
// main thread takes the newest one (only the newest matters: a round decides on the current
// state) and hands it to its NSCF, so the NSCF is only ever used from that thread.
#pragma once

#include "daemon_log.hpp"
#include "http_server.hpp"

#include <p2pcdn/p2pcdn.h>

#include <cstdint>
#include <memory>
#include <mutex>
#include <string>

namespace p2pcdn_cli {

struct stats_deleter {
    void operator()(p2pcdn_stats* s) const { p2pcdn_stats_free(s); }
};
using stats_ptr = std::unique_ptr<p2pcdn_stats, stats_deleter>;

class stats_receiver {
public:
    // Listens on address:port (0: any free port); throws std::runtime_error when it cannot.
    // Reports of another content than content_id are refused (400). Bad requests are logged.
    stats_receiver(const std::string& address, std::uint16_t port, std::string content_id,
                   daemon_log& log);
    ~stats_receiver();
    stats_receiver(const stats_receiver&) = delete;
    stats_receiver& operator=(const stats_receiver&) = delete;

    std::uint16_t port() const noexcept;
    // The newest report received since the last call, or null.
    stats_ptr take();
    std::uint64_t received() const;

private:
    http_reply handle(const http_request& request);

    std::string content_id_;
    mutable std::mutex mutex_;
    stats_ptr newest_;
    std::uint64_t received_ = 0;
    std::unique_ptr<http_server> server_;  // last: its threads stop before the rest goes
};

// POSTs {"v":1,"type":"subscribe",...} to tracker_url/subscribe; false with `why` (no URL path
// or query: they may hold credentials) when the tracker did not take it.
bool subscribe_stats(const std::string& tracker_url, const std::string& content_id,
                     std::int64_t interval_ms, const std::string& callback_url, std::string& why);

}  // namespace p2pcdn_cli
