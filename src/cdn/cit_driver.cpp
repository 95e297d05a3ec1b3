#include "cdn/cit_driver.hpp"

#include "cdn/url_join.hpp"
#include "http/redact.hpp"
#include "wire/uri_template.hpp"

#include <algorithm>
#include <unordered_map>

namespace p2pcdn::cdn {
namespace {

enum phase : int { trigger_phase = 0, poll_phase = 1, cancel_phase = 2 };

constexpr std::size_t max_urls_limit = 100000;
constexpr std::int64_t max_poll_limit_ms = std::int64_t{7} * 24 * 3600 * 1000;
// What of a CDN's error description a message keeps.
constexpr std::size_t max_description = 200;

// Cache-Control max-age of an answer in milliseconds, or -1.
std::int64_t max_age_ms(const http::response& res) {
    const std::string* value = res.header("cache-control");
    if (value == nullptr) {
        return -1;
    }
    const std::size_t at = value->find("max-age=");
    if (at == std::string::npos) {
        return -1;
    }
    std::int64_t seconds = 0;
    std::size_t digits = 0;
    for (std::size_t i = at + 8; i < value->size() && (*value)[i] >= '0' && (*value)[i] <= '9';
         ++i, ++digits) {
        if (seconds > max_poll_limit_ms / 1000) {
            return max_poll_limit_ms;
        }
        seconds = seconds * 10 + ((*value)[i] - '0');
    }
    return digits == 0 ? -1 : seconds * 1000;
}

// A CDN's free text, made safe for a one-line message.
std::string printable(std::string_view text) {
    std::string out;
    for (const char c : text.substr(0, max_description)) {
        out += (c >= 0x20 && c < 0x7f) ? c : '?';
    }
    return out;
}

}  // namespace

cit_driver::cit_driver(cit_config config) : config_(std::move(config)) {
    try {
        validate_cdn_uri(config_.collection_url);
    } catch (const error& e) {
        fail(errc::invalid, "CI/T collection URL: {}", e.what());
    }
    if (config_.collection_url.find_first_of("{}") != std::string::npos) {
        fail(errc::invalid, "CI/T collection URL holds a placeholder");
    }
    try {
        // The codec's own checks of the cdn-path, on a command that names only the collection.
        (void)cit::encode_cancel({config_.collection_url}, config_.cdn_path);
    } catch (const error& e) {
        fail(errc::invalid, "CI/T cdn-path: {}", e.what());
    }
    const auto ingest = cit::parse_trigger_type(config_.ingest_type);
    const auto purge = cit::parse_trigger_type(config_.purge_type);
    if (!ingest) {
        fail(errc::invalid, "CI/T ingest type is not a trigger type of RFC 8007");
    }
    if (!purge || *purge == cit::trigger_type::preposition) {
        fail(errc::invalid, "CI/T purge type must be \"purge\" or \"invalidate\"");
    }
    ingest_type_ = *ingest;
    purge_type_ = *purge;
    if (config_.poll_interval_ms < 1 || config_.poll_interval_ms > max_poll_limit_ms ||
        config_.max_poll_ms < 1 || config_.max_poll_ms > max_poll_limit_ms) {
        fail(errc::invalid, "CI/T poll_interval_ms and max_poll_ms must be 1 to {}",
             max_poll_limit_ms);
    }
    if (config_.max_urls_per_trigger < 1 || config_.max_urls_per_trigger > max_urls_limit) {
        fail(errc::invalid, "CI/T max_urls_per_trigger {} is not in 1 to {}",
             config_.max_urls_per_trigger, max_urls_limit);
    }
}

http::request cit_driver::request(job_data& job, const operation& op,
                                  std::int64_t now_s) const {
    (void)now_s;
    http::request req;
    req.headers.emplace_back("Accept", std::string(cit::status_media_type));
    if (op.phase == poll_phase) {
        req.url = op.resource;
        if (!op.etag.empty()) {
            req.headers.emplace_back("If-None-Match", op.etag);
        }
        return req;
    }
    req.method = "POST";
    req.url = config_.collection_url;
    req.headers.emplace_back("Content-Type", std::string(cit::command_media_type));
    if (op.phase == cancel_phase) {
        req.body = cit::encode_cancel({op.resource}, config_.cdn_path);
        return req;
    }
    cit::trigger_command cmd;
    cmd.type = job.status.kind == job_kind::ingest ? ingest_type_ : purge_type_;
    cmd.cdn_path = config_.cdn_path;
    cmd.content_urls.reserve(op.items.size());
    for (const std::size_t item : op.items) {
        cmd.content_urls.push_back(job.status.items[item].uri);
    }
    req.body = cit::encode_trigger(cmd);
    return req;
}

outcome cit_driver::classify(job_data& job, operation& op, http::response& res) const {
    switch (op.phase) {
        case trigger_phase: return accepted(job, op, res);
        case poll_phase: return polled(job, op, res);
        default: break;
    }
    // The cancel command: 200 cancelled, 202 accepted, 501 not supported; nothing more to do
    // for any of them.
    if (res.error == errc::ok &&
        (res.status == 200 || res.status == 202 || res.status == 204 || res.status == 501)) {
        return {};
    }
    return failure_outcome(describe("POST", res.final_url), res, 1);
}

outcome cit_driver::accepted(job_data& job, operation& op, http::response& res) const {
    if (res.error != errc::ok || (res.status != 200 && res.status != 201 && res.status != 202)) {
        return failure_outcome(describe("POST", res.final_url), res, op.items.size());
    }
    const std::string* location = res.header("location");
    outcome out;
    if (location == nullptr || location->empty()) {
        out.what = verdict::fail;
        out.error = errc::protocol;
        out.message = fmt::format("{} answered {} without the Location of a trigger status",
                                  describe("POST", res.final_url), res.status);
        return out;
    }
    try {
        op.resource = resolve_reference(config_.collection_url, *location);
    } catch (const error& e) {
        out.what = verdict::fail;
        out.error = e.code();
        out.message = e.what();
        return out;
    }
    op.phase = poll_phase;
    job.status.trigger_urls.push_back(op.resource);
    if (const std::string* etag = res.header("etag")) {
        op.etag = *etag;
    }
    // The status the CDN SHOULD include saves the first poll; without one (or with one that
    // does not parse), polling tells.
    if (!res.body.empty()) {
        try {
            return judge(job, op, cit::decode_status(res.body), res);
        } catch (const error&) {
        }
    }
    return poll_again(res);
}

outcome cit_driver::polled(job_data& job, operation& op, http::response& res) const {
    if (res.error == errc::ok && res.status == 304) {
        return poll_again(res);
    }
    if (res.error != errc::ok || res.status != 200) {
        return failure_outcome(describe("GET", op.resource), res, 1);
    }
    if (const std::string* etag = res.header("etag")) {
        op.etag = *etag;
    }
    try {
        return judge(job, op, cit::decode_status(res.body), res);
    } catch (const error& e) {
        outcome out;
        out.what = verdict::fail;
        out.error = errc::protocol;
        out.message = fmt::format("trigger status {}: {}", http::redact_url(op.resource), e.what());
        return out;
    }
}

outcome cit_driver::poll_again(const http::response& res) const {
    outcome out;
    out.what = verdict::follow_up;
    out.delay_ms =
        std::min(std::max(config_.poll_interval_ms, max_age_ms(res)), config_.max_poll_ms);
    return out;
}

outcome cit_driver::judge(const job_data& job, const operation& op,
                          const cit::trigger_status& status, const http::response& res) const {
    outcome out;
    switch (status.status) {
        case cit::status_value::pending:
        case cit::status_value::active:
        case cit::status_value::cancelling: return poll_again(res);
        case cit::status_value::complete: return out;
        case cit::status_value::processed: out.confirmed = false; return out;
        case cit::status_value::cancelled:
            out.what = verdict::fail;
            out.error = errc::cancelled;
            out.message =
                fmt::format("trigger {} was cancelled at the CDN", http::redact_url(op.resource));
            return out;
        case cit::status_value::failed: return failed_trigger(job, op, status);
    }
    return out;
}

outcome cit_driver::failed_trigger(const job_data& job, const operation& op,
                                   const cit::trigger_status& status) const {
    const std::string where = http::redact_url(op.resource);
    outcome out;
    for (const cit::status_error& e : status.errors) {
        if (e.code == cit::error_code::unknown) {
            // RFC 8007 section 4.8: an unknown error code is fatal, and not retried.
            out.what = verdict::fail;
            out.error = errc::protocol;
            out.message = fmt::format(
                "trigger {} failed with error code '{}', unknown to RFC "
                "8007: fatal, not retried",
                where, printable(e.code_text));
            return out;
        }
    }
    if (status.errors.empty()) {
        out.what = verdict::fail;
        out.error = errc::http;
        out.message = fmt::format("trigger {} failed without naming an error", where);
        return out;
    }
    // Which item each URL is (ignoring the scheme, as RFC 8007 compares them).
    std::unordered_map<std::string_view, std::size_t> by_url;
    for (const std::size_t item : op.items) {
        by_url.emplace(without_scheme(job.status.items[item].uri), item);
    }
    std::vector<bool> named(job.status.items.size(), false);
    auto add = [&](std::size_t item, const cit::status_error& e) {
        if (named[item]) {
            return;  // the first error naming an item is its reason
        }
        named[item] = true;
        item_problem p;
        p.item = item;
        p.error = e.code == cit::error_code::ecanceled ? errc::cancelled : errc::http;
        p.retry = e.code == cit::error_code::ecdn;
        p.message = fmt::format("trigger {} failed: {}{}{}", where, cit::to_string(e.code),
                                e.description.empty() ? "" : ": ", printable(e.description));
        out.problems.push_back(std::move(p));
    };
    for (const cit::status_error& e : status.errors) {
        if (e.content_urls.empty()) {
            for (const std::size_t item : op.items) add(item, e);
            continue;
        }
        for (const std::string& url : e.content_urls) {
            const auto it = by_url.find(without_scheme(url));
            if (it != by_url.end()) {
                add(it->second, e);
            }
        }
    }
    if (out.problems.empty()) {
        // Errors only about URLs this trigger did not send: no telling which item failed.
        for (const std::size_t item : op.items) add(item, status.errors.front());
    }
    return out;
}

bool cit_driver::begin_cancel(operation& op) const {
    if (op.phase != poll_phase) {
        return false;  // no status resource yet (or a cancel already): nothing to name
    }
    op.phase = cancel_phase;
    return true;
}

}  // namespace p2pcdn::cdn
