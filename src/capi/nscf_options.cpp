// p2pcdn_nscf_options to nscf::controller_config; zero means the default, as everywhere.
#include "capi/nscf_options.hpp"

#include "capi/cdn_options.hpp"
#include "capi/content_handle.hpp"
#include "capi/nscf_event.hpp"
#include "capi/nscf_link.hpp"
#include "capi/options.hpp"
#include "capi/output.hpp"
#include "capi/policy_handle.hpp"
#include "capi/tracker_handle.hpp"

#include <memory>
#include <string>

namespace p2pcdn::capi {
namespace {

constexpr std::int64_t default_safety_margin_ms = 60'000;
constexpr std::uint32_t default_ttl_s = 3600;
constexpr std::int64_t default_retry_ms = 1000;
constexpr const char* default_controller_id = "nscf";

std::int64_t or_default(std::int64_t value, std::int64_t fallback) {
    return value != 0 ? value : fallback;
}

std::unique_ptr<nscf::tracker_link> link_from(const p2pcdn_nscf_options& o,
                                              const http::client_config& http) {
    const int links =
        (o.tracker != nullptr) + (o.tracker_url != nullptr) + (o.link_callbacks != nullptr);
    if (links != 1) {
        fail(errc::invalid,
             "p2pcdn_nscf_options: exactly one of tracker, tracker_url and link_callbacks must "
             "be set ({} are)",
             links);
    }
    if (o.tracker != nullptr) {
        return nscf::make_local_link(*checked(o.tracker).impl);
    }
    if (o.tracker_url != nullptr) {
        return nscf::make_http_link(o.tracker_url, http);
    }
    return callback_link_from(o.link_callbacks);
}

// The policy stays the caller's (p2pcdn_nscf_options says it must outlive the nscf).
std::shared_ptr<const policy::policy> borrowed_policy(const p2pcdn_policy* given) {
    if (given == nullptr) {
        fail(errc::invalid, "p2pcdn_nscf_options: no policy");
    }
    return std::shared_ptr<const policy::policy>(checked(given).impl.get(),
                                                 [](const policy::policy*) {});
}

nscf::network_peer peer_from(const p2pcdn_nscf_options& o) {
    if (o.peer_id == nullptr || o.peer_id_len == 0) {
        fail(errc::invalid, "p2pcdn_nscf_options: no peer id");
    }
    nscf::network_peer self;
    self.peer_id.assign(static_cast<const char*>(o.peer_id), o.peer_id_len);
    const char* address = required_string(o.address, "p2pcdn_nscf_options.address");
    try {
        self.address = ip_address::parse(address);
    } catch (const error& e) {
        fail(errc::invalid, "p2pcdn_nscf_options.address: {}", e.what());
    }
    self.port = o.port;
    return self;
}

}  // namespace

nscf::controller_config nscf_config_from(const p2pcdn_nscf_options* given) {
    if (given == nullptr) {
        fail(errc::invalid, "p2pcdn_nscf_options is NULL");
    }
    const p2pcdn_nscf_options o =
        read_options(given, p2pcdn_nscf_options{}, nscf_options_sizes, "p2pcdn_nscf_options");
    if (o.content == nullptr) {
        fail(errc::invalid, "p2pcdn_nscf_options: no content");
    }
    if (o.cdn == nullptr) {
        fail(errc::invalid, "p2pcdn_nscf_options: no cdn options");
    }
    nscf::controller_config c;
    const p2pcdn_content& content = checked(o.content);
    c.layout = content.layout;
    c.hashes = content.hashes;
    if (o.css != nullptr) {
        c.css = css_config_from(o.css);
    }
    c.cdn = cdn_config_from(o.cdn);
    c.policy = borrowed_policy(o.policy);
    c.journal_path = required_string(o.journal_path, "p2pcdn_nscf_options.journal_path");
    c.controller_id = o.controller_id != nullptr ? o.controller_id : default_controller_id;
    c.safety_margin_ms = or_default(o.safety_margin_ms, default_safety_margin_ms);
    c.advertisement_ms = o.advertisement_ms;
    c.default_ttl_s = o.default_ttl_s != 0 ? o.default_ttl_s : default_ttl_s;
    c.link_retry_ms = or_default(o.link_retry_ms, default_retry_ms);
    c.purge_retry_ms = or_default(o.purge_retry_ms, default_retry_ms);
    c.self = peer_from(o);
    c.recover_on_start = o.no_recover_on_start == 0;
    if (o.clock != nullptr) {
        c.clock_ms = [clock = o.clock, payload = o.clock_payload] { return clock(payload); };
    }
    if (o.event_cb != nullptr) {
        c.on_event = event_fn_from(o.event_cb, o.event_payload);
    }
    // Last: the link is the one part that may hold a connection.
    c.link = link_from(o, c.cdn.http);
    return c;
}

}  // namespace p2pcdn::capi
