#include "cdn/css_driver.hpp"

namespace p2pcdn::cdn {

css_driver::css_driver(std::shared_ptr<const css_source> source) : source_(std::move(source)) {
    if (!source_) {
        fail(errc::invalid, "an ingest without bytes needs a CSS source");
    }
}

http::request css_driver::request(job_data& job, const operation& op,
                                  std::int64_t now_s) const {
    (void)now_s;
    return source_->request_for(job.status.items[op.items.front()].piece);
}

outcome css_driver::classify(job_data& job, operation& op, http::response& res) const {
    const std::size_t item = op.items.front();
    css_piece piece = source_->classify(job.status.items[item].piece, res);
    outcome out;
    if (piece.error == errc::ok) {
        job.bytes[item] = std::move(piece.bytes);
        return out;
    }
    out.what = piece.retryable ? verdict::retry : verdict::fail;
    out.error = piece.error;
    out.message = std::move(piece.message);
    out.delay_ms = piece.retry_after_ms;
    return out;
}

}  // namespace p2pcdn::cdn
