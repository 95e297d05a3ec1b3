// The tracker link to a remote tracker: the `p2pcdn tracker` daemon's HTTP API (docs/protocol.md,
// "Tracker HTTP API"), through the library's one HTTP client. A call returns only after a 2xx
// answer that reads as what the endpoint answers; anything else throws: the transfer's own
// error (errc::network, timeout, tls, ...), errc::http with the daemon's error message for any
// other status, or the decoder's error for an answer that does not read.
#include "core/error.hpp"
#include "http/base_url.hpp"
#include "http/client.hpp"
#include "http/redact.hpp"
#include "nscf/tracker_link.hpp"
#include "wire/announce_json.hpp"
#include "wire/cdn_source_messages.hpp"
#include "wire/peer_list_json.hpp"
#include "wire/stats_report.hpp"
#include "wire/tracker_reply_json.hpp"
#include "wire/uri_template.hpp"

#include <optional>
#include <type_traits>
#include <utility>

namespace p2pcdn::nscf {
namespace {

// A bound for each call when the client has none: "returned" must come, as done or as failed.
constexpr std::int64_t default_timeout_ms = 30000;

struct answer {
    long status = 0;
    std::string body;
    std::optional<tracker_error> error;  // the daemon's error answer, when it sent one
};

class http_link final : public tracker_link {
public:
    http_link(std::string base_url, const http::client_config& config)
        : base_(http::checked_base_url(std::move(base_url), config.policy, "tracker URL")),
          client_(config) {}

    void join(const std::string& content_id, std::size_t piece_count,
              const network_peer& self) override {
        announce_message m;
        m.content_id = content_id;
        m.piece_count = piece_count;
        m.peer_id = self.peer_id;
        m.address = self.address;
        m.port = self.port;
        m.role = peer_role::network;
        m.event = announce_event::started;
        if (self.pieces != nullptr) {
            m.full = *self.pieces;
        }
        m.numwant = 0;
        const answer a = call("POST", "/announce", encode_announce_json(m));
        // A peer list is the proof that the tracker took the announce.
        read(a, "POST /announce", [&] { return decode_peer_list_json(a.body); });
    }

    stats_report fetch_stats(const std::string& content_id) override {
        const std::string path = "/stats/" + percent_encode(content_id);
        const answer a = call("GET", path, {});
        return read(a, "GET /stats", [&] { return decode_stats_json(a.body); });
    }

    void publish(const std::string& content_id, const cdn_source& source) override {
        cdn_publish m;
        m.content_id = content_id;
        m.piece_count = source.pieces.size();
        m.sources.push_back(source);
        expect_success(call("POST", "/cdn/publish", encode_cdn_publish_json(m)),
                       "POST /cdn/publish");
    }

    void withdraw(const std::string& content_id, const std::string& uri,
                  const bitmap* pieces) override {
        cdn_withdraw m;
        m.content_id = content_id;
        m.uri = uri;
        if (pieces != nullptr) {
            m.pieces = *pieces;
        }
        const answer a = call("POST", "/cdn/withdraw", encode_cdn_withdraw_json(m));
        // Unknown content or URI: nothing of it is advertised, which is what was asked. Only
        // the daemon's own "not found" says so; a 404 without it is a wrong URL.
        if (a.status == 404 && a.error && a.error->code == errc::not_found) {
            return;
        }
        expect_success(a, "POST /cdn/withdraw");
    }

    const char* kind() const noexcept override { return "http"; }

private:
    answer call(const char* method, const std::string& path, std::string body) {
        http::request req;
        req.method = method;
        req.url = base_ + path;
        req.follow_redirects = false;
        if (client_.config().timeout_ms == 0) {
            req.timeout_ms = default_timeout_ms;
        }
        if (!body.empty()) {
            req.headers.emplace_back("Content-Type", "application/json");
            req.body = std::move(body);
        }
        http::response res = client_.perform(std::move(req));
        if (res.error != errc::ok) {
            fail(res.error, "tracker {} {}{}: {}", method, http::redact_url(base_), path,
                 res.message);
        }
        answer a;
        a.status = res.status;
        a.body = std::move(res.body);
        if (a.status < 200 || a.status > 299) {
            a.error = find_tracker_error_json(a.body);
        }
        return a;
    }

    void expect_success(const answer& a, const char* what) const {
        if (a.status >= 200 && a.status <= 299) {
            return;
        }
        fail_tracker_status(http::redact_url(base_), a.status, what, a.error);
    }

    // The decoded answer; its decoder's error names the endpoint.
    template <typename Decode>
    std::invoke_result_t<Decode> read(const answer& a, const char* what, Decode&& decode) const {
        expect_success(a, what);
        try {
            return decode();
        } catch (const error& e) {
            fail(e.code(), "tracker {} answered {} with: {}", http::redact_url(base_), what,
                 e.what());
        }
    }

    std::string base_;
    http::client client_;
};

}  // namespace

std::unique_ptr<tracker_link> make_http_link(std::string base_url,
                                             const http::client_config& config) {
    return std::make_unique<http_link>(std::move(base_url), config);
}

}  // namespace p2pcdn::nscf
