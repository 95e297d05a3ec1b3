// Compiled as C++98 and C++17 with -pedantic -Werror: the C header must be valid C++ too.
#include <p2pcdn/p2pcdn.h>

#include <cstdio>

int main() {
    p2pcdn_hash_options opts = P2PCDN_HASH_OPTIONS_INIT;
    // Every static initializer must compile without missing-field warnings.
    p2pcdn_tracker_options tracker_opts = P2PCDN_TRACKER_OPTIONS_INIT;
    p2pcdn_announce announce = P2PCDN_ANNOUNCE_INIT;
    p2pcdn_stats_summary summary = P2PCDN_STATS_SUMMARY_INIT;
    {
        // The storage-control policies' (policy.h).
        p2pcdn_policy_threshold_options threshold = P2PCDN_POLICY_THRESHOLD_OPTIONS_INIT;
        p2pcdn_policy_budget_options budget = P2PCDN_POLICY_BUDGET_OPTIONS_INIT;
        p2pcdn_policy_ttl_options ttl = P2PCDN_POLICY_TTL_OPTIONS_INIT;
        if (threshold.version != P2PCDN_POLICY_THRESHOLD_OPTIONS_VERSION ||
            budget.version != P2PCDN_POLICY_BUDGET_OPTIONS_VERSION ||
            ttl.version != P2PCDN_POLICY_TTL_OPTIONS_VERSION) {
            return 1;
        }
    }
    {
        // The CDN client's (cdn.h).
        p2pcdn_cdn_options cdn_opts = P2PCDN_CDN_OPTIONS_INIT;
        p2pcdn_signer_options signer_opts = P2PCDN_SIGNER_OPTIONS_INIT;
        p2pcdn_css_options css_opts = P2PCDN_CSS_OPTIONS_INIT;
        p2pcdn_cdn_job_info job_info = P2PCDN_CDN_JOB_INFO_INIT;
        p2pcdn_cdn_item_result item_result = P2PCDN_CDN_ITEM_RESULT_INIT;
        p2pcdn_cdn_driver_metrics driver_metrics = P2PCDN_CDN_DRIVER_METRICS_INIT;
        if (cdn_opts.version != P2PCDN_CDN_OPTIONS_VERSION ||
            signer_opts.version != P2PCDN_SIGNER_OPTIONS_VERSION ||
            css_opts.version != P2PCDN_CSS_OPTIONS_VERSION ||
            job_info.version != P2PCDN_CDN_JOB_INFO_VERSION ||
            item_result.version != P2PCDN_CDN_ITEM_RESULT_VERSION ||
            driver_metrics.version != P2PCDN_CDN_DRIVER_METRICS_VERSION) {
            return 1;
        }
    }
    {
        // The NSCF's (nscf.h).
        p2pcdn_nscf_options nscf_opts = P2PCDN_NSCF_OPTIONS_INIT;
        p2pcdn_nscf_link_callbacks nscf_link = P2PCDN_NSCF_LINK_CALLBACKS_INIT;
        p2pcdn_nscf_holding nscf_holding = P2PCDN_NSCF_HOLDING_INIT;
        p2pcdn_nscf_metrics nscf_metrics = P2PCDN_NSCF_METRICS_INIT;
        if (nscf_opts.version != P2PCDN_NSCF_OPTIONS_VERSION ||
            nscf_link.version != P2PCDN_NSCF_LINK_CALLBACKS_VERSION ||
            nscf_holding.version != P2PCDN_NSCF_HOLDING_VERSION ||
            nscf_metrics.version != P2PCDN_NSCF_METRICS_VERSION) {
            return 1;
        }
    }
    p2pcdn_bitmap* bitmap = NULL;
    if (p2pcdn_bitmap_new(&bitmap, 10) != P2PCDN_OK) {
        std::fprintf(stderr, "p2pcdn_bitmap_new: %s\n", p2pcdn_last_error());
        return 1;
    }
    p2pcdn_bitmap_free(bitmap);
    return (p2pcdn_version() == P2PCDN_VERSION_NUM && opts.version == 1 &&
            tracker_opts.version == 1 && announce.version == 1 && summary.version == 1)
               ? 0
               : 1;
}
