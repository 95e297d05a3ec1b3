// The CCS configuration file of the p2pcdn program (tools/ccs_config.cpp) and the hash file it
// may name (tools/ccs_content.cpp). Input: the JSON text. A file either parses or is refused with
// a config_error; a parsed one must give option structs that keep its promises.
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <string>
#include <string_view>

#include "ccs_config.hpp"
#include "ccs_content.hpp"

using p2pcdn_cli::config_error;

namespace {

void check_chain(const int* chain, std::size_t len) {
    if (len > P2PCDN_CDN_CHAIN_MAX || (len > 0 && chain == nullptr)) {
        std::abort();
    }
    for (std::size_t i = 0; i < len; ++i) {
        if (chain[i] < P2PCDN_CDN_DRIVER_ORIGIN || chain[i] > P2PCDN_CDN_DRIVER_CIT) {
            std::abort();
        }
    }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view text(reinterpret_cast<const char*>(data), size);
    try {
        auto config = p2pcdn_cli::parse_ccs_config(text, "/etc/p2pcdn");
        // No environment or file is read here: every secret gets a stand-in value.
        config->resolve_secrets([](const p2pcdn_cli::secret_ref& ref) {
            if (!ref.given() || ref.member.empty()) {
                std::abort();
            }
            return std::string("stand-in");
        });
        if (config->ttl_s < 1 || config->safety_margin_s < 0 ||
            config->safety_margin_s >= config->ttl_s) {
            std::abort();
        }
        if (const p2pcdn_cdn_options* o = config->cdn_options()) {
            if (o->delivery_template == nullptr ||
                std::strstr(o->delivery_template, "{piece}") == nullptr ||
                o->edge_count > P2PCDN_CDN_EDGES_MAX || o->cit_cdn_path_len > P2PCDN_CDN_PATH_MAX) {
                std::abort();
            }
            check_chain(o->ingest_chain, o->ingest_chain_len);
            check_chain(o->purge_chain, o->purge_chain_len);
        }
        if (const p2pcdn_css_options* css = config->css_options()) {
            if ((css->object_url == nullptr) == (css->piece_template == nullptr)) {
                std::abort();
            }
        }
        if (config->content && config->content->source != p2pcdn_cli::hash_source::hash_file &&
            (config->content->id.empty() || !config->content->piece_length)) {
            std::abort();
        }
    } catch (const config_error&) {
    }
    try {
        const auto file = p2pcdn_cli::parse_hash_file(text, "hash file");
        const std::size_t digest = file.algo == P2PCDN_HASH_SHA256 ? 64 : 40;
        const std::uint64_t pieces = (file.length - 1) / file.piece_length + 1;
        if (file.hex.size() != pieces * digest) {
            std::abort();
        }
    } catch (const config_error&) {
    }
    return 0;
}
