#include "cdn/origin_driver.hpp"

#include "cdn/header_fields.hpp"
#include "cdn/object_headers.hpp"
#include "wire/uri_template.hpp"

namespace p2pcdn::cdn {
namespace {

const char* method_for(job_kind kind) noexcept {
    return kind == job_kind::ingest ? "PUT" : "DELETE";
}

// PUT answers 201 for a new object and 204 (or 200) for an overwrite. A DELETE answered 404
// found nothing to remove, which is what it was for (nginx's WebDAV answers 404 on a repeat).
bool is_success(job_kind kind, long status) noexcept {
    if (kind == job_kind::ingest) {
        return status == 200 || status == 201 || status == 204;
    }
    return status == 200 || status == 202 || status == 204 || status == 404;
}

}  // namespace

origin_driver::origin_driver(origin_config config) : config_(std::move(config)) {
    try {
        validate_cdn_uri(config_.ingest_template);
    } catch (const error& e) {
        fail(errc::invalid, "origin ingest template: {}", e.what());
    }
    if (config_.ingest_template.find("{piece}") == std::string::npos) {
        fail(errc::invalid, "origin ingest template has no {{piece}} placeholder");
    }
    if (config_.content_type.empty() || has_line_break(config_.content_type)) {
        fail(errc::invalid, "origin content type is empty or holds CR, LF or NUL");
    }
}

std::string origin_driver::object_url(const job_data& job, const operation& op) const {
    return expand_uri_template(config_.ingest_template, job.status.content_id,
                               job.status.items[op.items.front()].piece);
}

http::request origin_driver::request(job_data& job, const operation& op,
                                     std::int64_t now_s) const {
    http::request req;
    req.method = method_for(job.status.kind);
    req.url = object_url(job, op);
    if (job.status.kind == job_kind::purge) {
        return req;
    }
    std::string& bytes = job.bytes[op.items.front()];
    req.headers.reserve(5);
    req.headers.emplace_back("Content-Type", config_.content_type);
    req.headers.emplace_back("Content-Length", std::to_string(bytes.size()));
    req.headers.emplace_back("Cache-Control", cache_control_for_ttl(job.status.ttl_s));
    if (config_.send_expires) {
        req.headers.emplace_back("Expires", format_http_date(now_s + job.status.ttl_s));
    }
    if (config_.send_digest) {
        const std::size_t item = op.items.front();
        if (job.digests.size() < job.bytes.size()) {
            job.digests.resize(job.bytes.size());
        }
        if (job.digests[item].empty()) {
            job.digests[item] = content_digest_sha256(bytes);
        }
        req.headers.emplace_back("Content-Digest", job.digests[item]);
    }
    // No copy of the piece: the bytes travel with the request and come back with its response
    // (response::request_body), where classify() puts them back for a retry.
    req.body = std::move(bytes);
    return req;
}

outcome origin_driver::classify(job_data& job, operation& op, http::response& res) const {
    const job_kind kind = job.status.kind;
    if (kind == job_kind::ingest) {
        job.bytes[op.items.front()] = std::move(res.request_body);
    }
    if (res.error == errc::ok && is_success(kind, res.status)) {
        return {};
    }
    return failure_outcome(describe(method_for(kind), res.final_url), res, 1);
}

}  // namespace p2pcdn::cdn
