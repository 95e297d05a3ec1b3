// cdn::client: the configured drivers, and the public calls, which check what they are given
// and hand it to the job engine (client_impl.hpp).
#include "cdn/client.hpp"

#include "cdn/client_impl.hpp"
#include "cdn/request_check.hpp"
#include "wire/uri_template.hpp"

#include <algorithm>
#include <chrono>

namespace p2pcdn::cdn {
namespace {

std::int64_t system_steady_ms() {
    using namespace std::chrono;
    return duration_cast<milliseconds>(steady_clock::now().time_since_epoch()).count();
}

std::int64_t system_unix_s() {
    using namespace std::chrono;
    return duration_cast<seconds>(system_clock::now().time_since_epoch()).count();
}

}  // namespace

client::impl::impl(client_config c)
    : config((validate_client_config(c), std::move(c))), retry(config.retry), http(config.http) {
    if (!config.steady_ms) {
        config.steady_ms = system_steady_ms;
    }
    if (!config.unix_s) {
        config.unix_s = system_unix_s;
    }
    if (config.origin) {
        origin = std::make_unique<origin_driver>(*config.origin);
    }
    if (config.edge) {
        edge = std::make_unique<edge_driver>(*config.edge);
    }
    if (config.cit) {
        cit = std::make_unique<cit_driver>(*config.cit);
    }
    bytes_cap = 2 * config.http.max_parallel;
}

const driver* client::impl::driver_for(driver_kind kind) const noexcept {
    switch (kind) {
        case driver_kind::origin: return origin.get();
        case driver_kind::edge: return edge.get();
        case driver_kind::cit: return cit.get();
    }
    return nullptr;
}

std::vector<const driver*> client::impl::chain_of(const std::vector<driver_kind>& kinds) const {
    std::vector<const driver*> chain;
    for (const driver_kind kind : kinds) chain.push_back(driver_for(kind));
    return chain;
}

client::client(client_config config) : impl_(std::make_unique<impl>(std::move(config))) {}

client::~client() = default;

std::uint64_t client::submit_ingest(ingest_request req, job_callback done) {
    if (impl_->config.ingest_chain.empty()) {
        fail(errc::state, "no ingest chain is configured");
    }
    std::vector<const driver*> chain = impl_->chain_of(impl_->config.ingest_chain);
    const bool uploads =
        std::any_of(chain.begin(), chain.end(), [](const driver* d) { return d->needs_bytes(); });
    validate_ingest(req, uploads);
    std::unique_ptr<css_driver> css;
    if (uploads && req.bytes.empty()) {
        css = std::make_unique<css_driver>(req.css);
    }
    return impl_->add_job(job_kind::ingest, std::move(req.content_id), req.pieces, req.ttl_s,
                          std::move(req.bytes), std::move(css), std::move(chain), std::move(done));
}

std::uint64_t client::submit_purge(purge_request req, job_callback done) {
    if (impl_->config.purge_chain.empty()) {
        fail(errc::state, "no purge chain is configured");
    }
    validate_pieces(req.content_id, req.pieces, nullptr);
    return impl_->add_job(job_kind::purge, std::move(req.content_id), req.pieces, 0, {}, nullptr,
                          impl_->chain_of(impl_->config.purge_chain), std::move(done));
}

std::size_t client::step(int timeout_ms) {
    return impl_->step(timeout_ms);
}

job_status client::wait(std::uint64_t job) {
    if (impl_->in_step) {
        fail(errc::state, "step or wait called from a job callback");
    }
    for (;;) {
        const impl::job_record* rec = impl_->find_job(job);
        if (rec == nullptr) {
            fail(errc::not_found, "no job {}", job);
        }
        if (is_terminal(rec->data.status.state)) {
            job_status copy = rec->data.status;
            impl_->step(0);  // runs the callback, if it has not run yet
            return copy;
        }
        impl_->step(200);
    }
}

bool client::cancel(std::uint64_t job) {
    return impl_->cancel(job);
}

const job_status* client::status(std::uint64_t job) const {
    const impl::job_record* rec = impl_->find_job(job);
    return rec == nullptr ? nullptr : &rec->data.status;
}

void client::forget(std::uint64_t job) {
    const impl::job_record* rec = impl_->find_job(job);
    if (rec != nullptr && is_terminal(rec->data.status.state)) {
        impl_->jobs.erase(job);
    }
}

std::size_t client::active_jobs() const noexcept {
    return impl_->active_jobs();
}

std::string client::delivery_uri(const std::string& content_id, std::size_t piece) const {
    return expand_uri_template(impl_->config.delivery_template, content_id, piece);
}

}  // namespace p2pcdn::cdn
