// The tracker link through C callbacks. Each callback's arguments are borrowed C views of the
// link's C++ arguments, made for the call; a code other than P2PCDN_OK throws, which the
// controller counts as a link failure and retries.
#include "capi/nscf_link.hpp"
#include "capi/bitmap_handle.hpp"
#include "capi/guard.hpp"
#include "capi/options.hpp"
#include "capi/stats_handle.hpp"

#include <string>
#include <utility>

namespace p2pcdn::capi {
namespace {

constexpr std::size_t callbacks_sizes[] = {sizeof(p2pcdn_nscf_link_callbacks)};

// The callback's code as an error: its own when it is one of the library's, else errc::user.
[[noreturn]] void fail_callback(const char* name, int rc) {
    const bool known = rc < 0 && rc >= static_cast<int>(errc::cancelled);
    fail(known ? static_cast<errc>(rc) : errc::user, "tracker link callback {} failed with {}",
         name, rc);
}

// A registered p2pcdn_bitmap the callback may read with the bitmap calls, for one call.
class borrowed_bitmap {
public:
    explicit borrowed_bitmap(const bitmap* bits)
        : handle_(bits != nullptr ? make_handle<p2pcdn_bitmap>(*bits) : nullptr) {}
    ~borrowed_bitmap() { release_handle(handle_); }
    borrowed_bitmap(const borrowed_bitmap&) = delete;
    borrowed_bitmap& operator=(const borrowed_bitmap&) = delete;
    const p2pcdn_bitmap* get() const noexcept { return handle_; }

private:
    p2pcdn_bitmap* handle_;
};

// Takes the statistics a fetch_stats callback handed over; the library owns them from here.
stats_report adopt_stats(p2pcdn_stats* given) {
    if (given == nullptr) {
        fail(errc::invalid, "tracker link callback fetch_stats gave no statistics");
    }
    stats_report report = std::move(checked(given).report);
    release_handle(given);
    return report;
}

}  // namespace

std::unique_ptr<nscf::tracker_link> callback_link_from(const p2pcdn_nscf_link_callbacks* given) {
    if (given == nullptr) {
        fail(errc::invalid, "p2pcdn_nscf_link_callbacks is NULL");
    }
    const p2pcdn_nscf_link_callbacks cb = read_options(
        given, p2pcdn_nscf_link_callbacks{}, callbacks_sizes, "p2pcdn_nscf_link_callbacks");
    nscf::link_callbacks out;
    if (cb.join != nullptr) {
        out.join = [cb](const std::string& content_id, std::size_t piece_count,
                        const nscf::network_peer& self) {
            const std::string address = self.address.to_string();
            const int rc = cb.join(content_id.c_str(), piece_count, self.peer_id.data(),
                                   self.peer_id.size(), address.c_str(), self.port, cb.payload);
            if (rc != P2PCDN_OK) {
                fail_callback("join", rc);
            }
        };
    }
    if (cb.fetch_stats != nullptr) {
        out.fetch_stats = [cb](const std::string& content_id) {
            p2pcdn_stats* stats = nullptr;
            const int rc = cb.fetch_stats(content_id.c_str(), &stats, cb.payload);
            if (rc != P2PCDN_OK) {
                fail_callback("fetch_stats", rc);  // *out is the host's then: left alone
            }
            return adopt_stats(stats);
        };
    }
    if (cb.publish != nullptr) {
        out.publish = [cb](const std::string& content_id, const cdn_source& source) {
            const borrowed_bitmap pieces(&source.pieces);
            const p2pcdn_cdn_source c_source{P2PCDN_CDN_SOURCE_VERSION, source.uri.c_str(),
                                             pieces.get(), source.expires_s, source.ranged ? 1 : 0};
            const int rc = cb.publish(content_id.c_str(), &c_source, cb.payload);
            if (rc != P2PCDN_OK) {
                fail_callback("publish", rc);
            }
        };
    }
    if (cb.withdraw != nullptr) {
        out.withdraw = [cb](const std::string& content_id, const std::string& uri,
                            const bitmap* pieces) {
            const borrowed_bitmap bits(pieces);
            const int rc = cb.withdraw(content_id.c_str(), uri.c_str(), bits.get(), cb.payload);
            if (rc != P2PCDN_OK) {
                fail_callback("withdraw", rc);
            }
        };
    }
    return nscf::make_callback_link(std::move(out));
}

}  // namespace p2pcdn::capi

extern "C" {

P2PCDN_API int p2pcdn_nscf_link_callbacks_init(p2pcdn_nscf_link_callbacks* callbacks,
                                               unsigned int version) {
    return p2pcdn::capi::guard([&] {
        p2pcdn::capi::init_options(callbacks, version, p2pcdn::capi::callbacks_sizes,
                                   "p2pcdn_nscf_link_callbacks");
        return P2PCDN_OK;
    });
}

}  // extern "C"
