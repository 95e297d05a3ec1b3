#include "cdn/driver.hpp"

#include "cdn/retry_policy.hpp"
#include "http/redact.hpp"

#include <algorithm>

namespace p2pcdn::cdn {

std::vector<operation> driver::plan(const job_data& job,
                                    const std::vector<std::size_t>& items) const {
    (void)job;
    const std::size_t limit = std::max<std::size_t>(batch_limit(), 1);
    std::vector<operation> ops;
    ops.reserve((items.size() + limit - 1) / limit);
    for (std::size_t first = 0; first < items.size(); first += limit) {
        const std::size_t last = std::min(items.size(), first + limit);
        operation op;
        op.items.assign(items.begin() + static_cast<std::ptrdiff_t>(first),
                        items.begin() + static_cast<std::ptrdiff_t>(last));
        ops.push_back(std::move(op));
    }
    return ops;
}

std::string describe(std::string_view method, std::string_view url) {
    std::string out(method);
    out += ' ';
    out += http::redact_url(url);
    return out;
}

outcome failure_outcome(std::string_view request, const http::response& res, std::size_t items) {
    outcome out;
    if (res.error != errc::ok) {
        // The transport's message already names the request, redacted.
        out.what = is_retryable_error(res.error) ? verdict::retry : verdict::fail;
        out.error = res.error;
        out.message = res.message;
        return out;
    }
    const long status = res.status;
    out.message = fmt::format("{} answered HTTP {}", request, status);
    if (is_retryable_status(status)) {
        out.what = verdict::retry;
        out.error = errc::http;
        out.delay_ms = res.retry_after_ms.value_or(-1);
    } else if (status == 413) {
        out.what = items > 1 ? verdict::split : verdict::fail;
        out.error = errc::limit;
    } else {
        out.what = verdict::fail;
        out.error = status == 404 || status == 410 ? errc::not_found : errc::http;
    }
    return out;
}

}  // namespace p2pcdn::cdn
