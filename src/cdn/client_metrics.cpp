// Per-driver metrics of cdn::client: requests, bytes, retries and failures, kept by driver name.
#include "cdn/client_impl.hpp"

#include <algorithm>

namespace p2pcdn::cdn {

std::size_t metric_index(std::string_view name) noexcept {
    for (std::size_t i = 0; i < metric_names.size(); ++i) {
        if (metric_names[i] == name) {
            return i;
        }
    }
    return metric_names.size();
}

driver_metrics& client::impl::metrics_of(const driver& d) noexcept {
    return metrics[std::min(metric_index(d.name()), metrics.size() - 1)];
}

driver_metrics client::metrics(std::string_view driver) const {
    const std::size_t i = metric_index(driver);
    return i < impl_->metrics.size() ? impl_->metrics[i] : driver_metrics{};
}

}  // namespace p2pcdn::cdn
