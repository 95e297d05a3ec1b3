// p2pcdn_cdn_options and p2pcdn_css_options: zero means the C++ default, arrays are copied,
// and each signer goes through signer_options.
#include "capi/cdn_options.hpp"

#include "capi/guard.hpp"
#include "capi/http_options.hpp"
#include "capi/options.hpp"
#include "capi/output.hpp"
#include "capi/signer_options.hpp"

#include <optional>
#include <string>
#include <vector>

namespace p2pcdn::capi {
namespace {

constexpr std::size_t cdn_options_sizes[] = {sizeof(p2pcdn_cdn_options)};
constexpr p2pcdn_cdn_options cdn_options_defaults = P2PCDN_CDN_OPTIONS_INIT;
constexpr std::size_t css_options_sizes[] = {sizeof(p2pcdn_css_options)};
constexpr p2pcdn_css_options css_options_defaults = P2PCDN_CSS_OPTIONS_INIT;
constexpr http_concurrency_defaults cdn_concurrency{8, 32};

static_assert(P2PCDN_CDN_DRIVER_ORIGIN == static_cast<int>(cdn::driver_kind::origin));
static_assert(P2PCDN_CDN_DRIVER_EDGE == static_cast<int>(cdn::driver_kind::edge));
static_assert(P2PCDN_CDN_DRIVER_CIT == static_cast<int>(cdn::driver_kind::cit));

std::vector<std::string> strings_from(const char* const* items, std::size_t count,
                                      std::size_t bound, const char* name) {
    check_input(items, count, name);
    if (count > bound) {
        fail(errc::range, "{} has {} entries, at most {}", name, count, bound);
    }
    std::vector<std::string> out;
    out.reserve(count);
    for (std::size_t i = 0; i < count; ++i) {
        if (items[i] == nullptr) {
            fail(errc::invalid, "{}[{}] is NULL", name, i);
        }
        out.emplace_back(items[i]);
    }
    return out;
}

// A chain as given, or the default (the origin alone when one is configured) for NULL with
// length 0.
std::vector<cdn::driver_kind> chain_from(const int* drivers, std::size_t len, bool has_origin,
                                         const char* name) {
    check_input(drivers, len, name);
    if (drivers == nullptr) {
        return has_origin ? std::vector<cdn::driver_kind>{cdn::driver_kind::origin}
                          : std::vector<cdn::driver_kind>{};
    }
    if (len > P2PCDN_CDN_CHAIN_MAX) {
        fail(errc::invalid, "{} names {} drivers, at most {}", name, len, P2PCDN_CDN_CHAIN_MAX);
    }
    std::vector<cdn::driver_kind> chain;
    for (std::size_t i = 0; i < len; ++i) {
        const int d = drivers[i];
        if (d < P2PCDN_CDN_DRIVER_ORIGIN || d > P2PCDN_CDN_DRIVER_CIT) {
            fail(errc::invalid, "{}[{}] is {}, not a P2PCDN_CDN_DRIVER_* value", name, i, d);
        }
        for (std::size_t j = 0; j < i; ++j) {
            if (drivers[j] == d) {
                fail(errc::invalid, "{} names driver {} twice", name, d);
            }
        }
        chain.push_back(static_cast<cdn::driver_kind>(d));
    }
    return chain;
}

std::optional<cdn::origin_config> origin_from(const p2pcdn_cdn_options& opts) {
    if (opts.origin_ingest_template == nullptr) {
        return std::nullopt;
    }
    cdn::origin_config origin;
    origin.ingest_template = opts.origin_ingest_template;
    if (opts.origin_content_type != nullptr) {
        origin.content_type = opts.origin_content_type;
    }
    origin.send_expires = opts.origin_send_expires != 0;
    origin.send_digest = opts.origin_omit_digest == 0;
    origin.signer = signer_from(opts.origin_signer, "origin");
    return origin;
}

std::optional<cdn::edge_config> edge_from(const p2pcdn_cdn_options& opts) {
    std::vector<std::string> edges =
        strings_from(opts.edges, opts.edge_count, P2PCDN_CDN_EDGES_MAX, "edges");
    if (edges.empty()) {
        return std::nullopt;
    }
    cdn::edge_config edge;
    edge.edges = std::move(edges);
    if (opts.edge_method != nullptr) {
        edge.method = opts.edge_method;
    }
    edge.signer = signer_from(opts.edge_signer, "edge");
    return edge;
}

std::optional<cdn::cit_config> cit_from(const p2pcdn_cdn_options& opts) {
    std::vector<std::string> path =
        strings_from(opts.cit_cdn_path, opts.cit_cdn_path_len, P2PCDN_CDN_PATH_MAX, "cit_cdn_path");
    if (opts.cit_collection_url == nullptr) {
        return std::nullopt;
    }
    cdn::cit_config cit;
    cit.collection_url = opts.cit_collection_url;
    if (!path.empty()) {
        cit.cdn_path = std::move(path);
    }
    if (opts.cit_ingest_type != nullptr) {
        cit.ingest_type = opts.cit_ingest_type;
    }
    if (opts.cit_purge_type != nullptr) {
        cit.purge_type = opts.cit_purge_type;
    }
    if (opts.cit_poll_interval_ms < 0 || opts.cit_max_poll_ms < 0) {
        fail(errc::invalid, "cit_poll_interval_ms and cit_max_poll_ms must not be negative");
    }
    if (opts.cit_poll_interval_ms != 0) {
        cit.poll_interval_ms = opts.cit_poll_interval_ms;
    }
    if (opts.cit_max_poll_ms != 0) {
        cit.max_poll_ms = opts.cit_max_poll_ms;
    }
    if (opts.cit_max_urls_per_trigger != 0) {
        cit.max_urls_per_trigger = opts.cit_max_urls_per_trigger;
    }
    cit.signer = signer_from(opts.cit_signer, "cit");
    return cit;
}

cdn::retry_config retry_from(const p2pcdn_cdn_options& opts) {
    cdn::retry_config retry;
    if (opts.retry_max_attempts != 0) {
        retry.max_attempts = opts.retry_max_attempts;
    }
    retry.job_budget = opts.retry_job_budget;
    if (opts.retry_base_delay_ms != 0) {
        retry.base_delay_ms = opts.retry_base_delay_ms;
    }
    if (opts.retry_max_delay_ms != 0) {
        retry.max_delay_ms = opts.retry_max_delay_ms;
    }
    retry.seed = opts.retry_seed;
    return retry;
}

}  // namespace

cdn::client_config cdn_config_from(const p2pcdn_cdn_options* given) {
    if (given == nullptr) {
        fail(errc::invalid, "opts is NULL: p2pcdn_cdn_options needs a delivery_template");
    }
    const p2pcdn_cdn_options opts =
        read_options(given, cdn_options_defaults, cdn_options_sizes, "p2pcdn_cdn_options");
    cdn::client_config config;
    config.http = http_config_from(opts, cdn_concurrency);
    if (opts.timeout_ms != 0) {
        config.request_timeout_ms = opts.timeout_ms;
    }
    config.retry = retry_from(opts);
    config.delivery_template = required_string(opts.delivery_template, "delivery_template");
    config.origin = origin_from(opts);
    config.edge = edge_from(opts);
    config.cit = cit_from(opts);
    const bool has_origin = config.origin.has_value();
    config.ingest_chain =
        chain_from(opts.ingest_chain, opts.ingest_chain_len, has_origin, "ingest_chain");
    config.purge_chain =
        chain_from(opts.purge_chain, opts.purge_chain_len, has_origin, "purge_chain");
    return config;
}

cdn::css_config css_config_from(const p2pcdn_css_options* given) {
    if (given == nullptr) {
        fail(errc::invalid, "css is NULL");
    }
    const p2pcdn_css_options opts =
        read_options(given, css_options_defaults, css_options_sizes, "p2pcdn_css_options");
    cdn::css_config css;
    if (opts.object_url != nullptr) {
        css.object_url = opts.object_url;
    }
    if (opts.piece_template != nullptr) {
        css.piece_template = opts.piece_template;
    }
    css.signer = signer_from(opts.signer, "css");
    return css;
}

}  // namespace p2pcdn::capi

extern "C" {

P2PCDN_API int p2pcdn_cdn_options_init(p2pcdn_cdn_options* opts, unsigned int version) {
    return p2pcdn::capi::guard([&] {
        p2pcdn::capi::init_options(opts, version, p2pcdn::capi::cdn_options_sizes,
                                   "p2pcdn_cdn_options");
        return P2PCDN_OK;
    });
}

P2PCDN_API int p2pcdn_css_options_init(p2pcdn_css_options* opts, unsigned int version) {
    return p2pcdn::capi::guard([&] {
        p2pcdn::capi::init_options(opts, version, p2pcdn::capi::css_options_sizes,
                                   "p2pcdn_css_options");
        return P2PCDN_OK;
    });
}

}  // extern "C"
