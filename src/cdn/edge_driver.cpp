#include "cdn/edge_driver.hpp"

#include "cdn/header_fields.hpp"
#include "cdn/url_join.hpp"
#include "wire/uri_template.hpp"

namespace p2pcdn::cdn {

edge_driver::edge_driver(edge_config config) : config_(std::move(config)) {
    if (config_.edges.empty()) {
        fail(errc::invalid, "edge purge without edges");
    }
    for (std::size_t i = 0; i < config_.edges.size(); ++i) {
        std::string& edge = config_.edges[i];
        try {
            validate_cdn_uri(edge);
        } catch (const error& e) {
            fail(errc::invalid, "edge {}: {}", i, e.what());
        }
        if (path_and_query(edge) != "/" || edge.find_first_of("?#{") != std::string::npos) {
            fail(errc::invalid, "edge {} has a path or query; give scheme, host and port", i);
        }
        if (edge.back() == '/') {
            edge.pop_back();
        }
    }
    if (!is_token(config_.method)) {
        fail(errc::invalid, "edge purge method is not an HTTP token");
    }
}

std::vector<operation> edge_driver::plan(const job_data& job,
                                         const std::vector<std::size_t>& items) const {
    (void)job;
    std::vector<operation> ops;
    ops.reserve(items.size() * config_.edges.size());
    for (const std::size_t item : items) {
        for (std::size_t edge = 0; edge < config_.edges.size(); ++edge) {
            operation op;
            op.items.push_back(item);
            op.target = edge;
            ops.push_back(std::move(op));
        }
    }
    return ops;
}

http::request edge_driver::request(job_data& job, const operation& op,
                                   std::int64_t now_s) const {
    (void)now_s;
    http::request req;
    req.method = config_.method;
    req.url = config_.edges[op.target] + path_and_query(job.status.items[op.items.front()].uri);
    return req;
}

outcome edge_driver::classify(job_data& job, operation& op, http::response& res) const {
    (void)job;
    (void)op;
    // Varnish answers 200 whether or not it held the object, ATS 404 when it did not.
    if (res.error == errc::ok && (res.status == 200 || res.status == 204 || res.status == 404)) {
        return {};
    }
    return failure_outcome(describe(config_.method, res.final_url), res, 1);
}

}  // namespace p2pcdn::cdn
