#include "ccs_events.hpp"

#include <string>

namespace p2pcdn_cli {
namespace {

log_field number(const char* key, unsigned long long value) {
    return {key, std::to_string(value), true};
}

log_field signed_number(const char* key, long long value) {
    return {key, std::to_string(value), true};
}

bool about_pieces(int kind) {
    return kind != P2PCDN_NSCF_EVENT_ROUND && kind != P2PCDN_NSCF_EVENT_POLICY_FAILED &&
           kind != P2PCDN_NSCF_EVENT_LINK_FAILED;
}

bool an_upload_failure(int kind) {
    return kind == P2PCDN_NSCF_EVENT_INGEST_FAILED || kind == P2PCDN_NSCF_EVENT_REUPLOAD_FAILED;
}

}  // namespace

std::string loggable_url(const std::string& url) {
    const std::size_t scheme = url.find("://");
    const std::size_t host = scheme == std::string::npos ? 0 : scheme + 3;
    std::string out = url.substr(0, url.find_first_of("?#"));
    const std::size_t authority_end = out.find('/', host);
    const std::size_t at = out.rfind('@', authority_end);
    if (at != std::string::npos && at >= host) {
        out.erase(host, at + 1 - host);
    }
    return out;
}

std::string url_origin(const std::string& url) {
    const std::string out = loggable_url(url);
    const std::size_t scheme = out.find("://");
    const std::size_t path = out.find('/', scheme == std::string::npos ? 0 : scheme + 3);
    return path == std::string::npos ? out : out.substr(0, path);
}

std::vector<log_field> event_fields(const p2pcdn_nscf_event& e) {
    std::vector<log_field> out;
    if (about_pieces(e.kind)) {
        out.push_back({"pieces", e.pieces_text != nullptr ? e.pieces_text : "", false});
        out.push_back(number("count", e.count));
        out.push_back(number("bytes", e.bytes));
    }
    if (e.uri != nullptr) {
        out.push_back({"uri", loggable_url(e.uri), false});
    }
    if (e.ttl_s != 0) {
        out.push_back(number("ttl_s", e.ttl_s));
    }
    if (e.expires_at_ms != 0) {
        out.push_back(signed_number("expires_at_ms", e.expires_at_ms));
    }
    if (e.kind == P2PCDN_NSCF_EVENT_ROUND || e.kind == P2PCDN_NSCF_EVENT_POLICY_FAILED) {
        out.push_back(number("seq", e.seq));
    }
    if (e.kind == P2PCDN_NSCF_EVENT_ROUND) {
        out.push_back(number("min_copies", e.min_copies));
        out.push_back(number("ingest", e.ingest_count));
        out.push_back(number("purge", e.purge_count));
        out.push_back(number("deferred", e.deferred));
    }
    if (e.kind == P2PCDN_NSCF_EVENT_RECOVERED) {
        out.push_back(number("held", e.held));
    }
    if (an_upload_failure(e.kind)) {
        out.push_back({"uncertain", e.uncertain != 0 ? "true" : "false", true});
    }
    if (e.operation != nullptr) {
        out.push_back({"operation", e.operation, false});
    }
    if (e.error != P2PCDN_OK) {
        out.push_back(signed_number("error", e.error));
        out.push_back({"error_name", p2pcdn_strerror(e.error), false});
    }
    if (e.message != nullptr) {
        out.push_back({"message", e.message, false});
    }
    return out;
}

}  // namespace p2pcdn_cli
