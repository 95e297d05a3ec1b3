// p2pcdn_stats: the C face of stats_report and its JSON form.
#include "capi/bitmap_handle.hpp"
#include "capi/copies_encoding.hpp"
#include "capi/guard.hpp"
#include "capi/options.hpp"
#include "capi/output.hpp"
#include "capi/stats_handle.hpp"

#include <algorithm>
#include <cstring>
#include <iterator>
#include <string_view>

using p2pcdn::errc;
using p2pcdn::fail;
using p2pcdn::capi::checked;
using p2pcdn::capi::guard;
using p2pcdn::capi::out_param;

namespace {

constexpr std::size_t summary_sizes[] = {sizeof(p2pcdn_stats_summary)};

// Element arrays follow the byte-buffer rule with *count in elements.
template <typename T>
void copy_elements_out(const T* data, std::size_t n, T* buf, std::size_t cap, std::size_t* count) {
    if (p2pcdn::capi::output_fits(n, buf, cap, count) && n > 0) {
        std::copy(data, data + n, buf);
    }
}

}  // namespace

extern "C" {

P2PCDN_API int p2pcdn_stats_summary_init(p2pcdn_stats_summary* summary, unsigned int version) {
    return guard([&] {
        p2pcdn::capi::init_options(summary, version, summary_sizes, "p2pcdn_stats_summary");
        return P2PCDN_OK;
    });
}

P2PCDN_API int p2pcdn_stats_from_json(p2pcdn_stats** out, const char* json, size_t len) {
    return guard([&] {
        auto& result = out_param(out, "out");
        p2pcdn::capi::check_input(json, len, "json");
        auto report = p2pcdn::decode_stats_json(std::string_view(json, len));
        result = p2pcdn::capi::make_handle<p2pcdn_stats>(std::move(report));
        return P2PCDN_OK;
    });
}

P2PCDN_API int p2pcdn_stats_to_json(const p2pcdn_stats* stats, unsigned int encoding, char* buf,
                                    size_t cap, size_t* size) {
    return guard([&] {
        const auto& report = checked(stats).report;
        const auto how = p2pcdn::capi::copies_encoding_from(encoding);
        p2pcdn::capi::copy_text_out(p2pcdn::encode_stats_json(report, how), buf, cap, size);
        return P2PCDN_OK;
    });
}

P2PCDN_API int p2pcdn_stats_copy(p2pcdn_stats** out, const p2pcdn_stats* src) {
    return guard([&] {
        auto& result = out_param(out, "out");
        result = p2pcdn::capi::make_handle<p2pcdn_stats>(checked(src).report);
        return P2PCDN_OK;
    });
}

P2PCDN_API void p2pcdn_stats_free(p2pcdn_stats* stats) {
    p2pcdn::capi::release_handle(stats);
}

P2PCDN_API const char* p2pcdn_stats_content_id(const p2pcdn_stats* stats) {
    return p2pcdn::capi::guard_pointer([&] { return checked(stats).report.content_id.c_str(); });
}

P2PCDN_API int p2pcdn_stats_get_summary(const p2pcdn_stats* stats, p2pcdn_stats_summary* summary) {
    return guard([&] {
        const auto& report = checked(stats).report;
        auto& given = out_param(summary, "summary");
        if (given.version == 0 || given.version > std::size(summary_sizes)) {
            fail(errc::invalid, "p2pcdn_stats_summary version {} is not supported (1 to {})",
                 given.version, std::size(summary_sizes));
        }
        const p2pcdn::stats_summary derived = p2pcdn::summarize(report);
        p2pcdn_stats_summary full{};
        full.version = given.version;
        full.seq = report.seq;
        full.time_ms = report.time_ms;
        full.piece_count = report.piece_count;
        full.peers = report.user_peers;
        full.seeds = report.seeds;
        full.leechers = report.leechers();
        full.network_peers = report.network_peers;
        full.min_copies = derived.min_copies;
        full.max_copies = derived.max_copies;
        full.pieces_at_min = derived.pieces_at_min;
        full.distributed_copies = derived.distributed_copies;
        full.cdn_pieces = report.cdn_pieces.count();
        // Only the caller's version's bytes: its struct may be smaller than ours.
        std::memcpy(summary, &full, summary_sizes[given.version - 1]);
        return P2PCDN_OK;
    });
}

P2PCDN_API int p2pcdn_stats_copies(const p2pcdn_stats* stats, uint32_t* buf, size_t cap,
                                   size_t* count) {
    return guard([&] {
        const auto& copies = checked(stats).report.copies;
        copy_elements_out(copies.data(), copies.size(), buf, cap, count);
        return P2PCDN_OK;
    });
}

P2PCDN_API int p2pcdn_stats_network_copies(const p2pcdn_stats* stats, uint32_t* buf, size_t cap,
                                           size_t* count) {
    return guard([&] {
        const auto& copies = checked(stats).report.network_copies;
        copy_elements_out(copies.data(), copies.size(), buf, cap, count);
        return P2PCDN_OK;
    });
}

P2PCDN_API int p2pcdn_stats_histogram(const p2pcdn_stats* stats, p2pcdn_histogram_bin* buf,
                                      size_t cap, size_t* count) {
    return guard([&] {
        const auto histogram = p2pcdn::summarize(checked(stats).report).histogram;
        if (p2pcdn::capi::output_fits(histogram.size(), buf, cap, count)) {
            for (std::size_t k = 0; k < histogram.size(); ++k) {
                buf[k].copies = histogram[k].first;
                buf[k].pieces = histogram[k].second;
            }
        }
        return P2PCDN_OK;
    });
}

P2PCDN_API int p2pcdn_stats_rarest(const p2pcdn_stats* stats, p2pcdn_bitmap** out) {
    return guard([&] {
        auto& result = out_param(out, "out");
        result = p2pcdn::capi::make_handle<p2pcdn_bitmap>(
            p2pcdn::rarest_pieces(checked(stats).report));
        return P2PCDN_OK;
    });
}

}  // extern "C"
