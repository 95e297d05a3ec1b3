// The tracker link through host callbacks: each callback either takes effect or throws.
#include "core/error.hpp"
#include "nscf/tracker_link.hpp"

#include <utility>

namespace p2pcdn::nscf {
namespace {

class callback_link final : public tracker_link {
public:
    explicit callback_link(link_callbacks callbacks) : cb_(std::move(callbacks)) {}

    void join(const std::string& content_id, std::size_t piece_count,
              const network_peer& self) override {
        cb_.join(content_id, piece_count, self);
    }
    stats_report fetch_stats(const std::string& content_id) override {
        return cb_.fetch_stats(content_id);
    }
    void publish(const std::string& content_id, const cdn_source& source) override {
        cb_.publish(content_id, source);
    }
    void withdraw(const std::string& content_id, const std::string& uri,
                  const bitmap* pieces) override {
        cb_.withdraw(content_id, uri, pieces);
    }
    const char* kind() const noexcept override { return "callback"; }

private:
    link_callbacks cb_;
};

}  // namespace

std::unique_ptr<tracker_link> make_callback_link(link_callbacks callbacks) {
    const char* missing = !callbacks.join          ? "join"
                          : !callbacks.fetch_stats ? "fetch_stats"
                          : !callbacks.publish     ? "publish"
                          : !callbacks.withdraw    ? "withdraw"
                                                   : nullptr;
    if (missing != nullptr) {
        fail(errc::invalid, "callback tracker link: no {} callback", missing);
    }
    return std::make_unique<callback_link>(std::move(callbacks));
}

}  // namespace p2pcdn::nscf
