/* Compiled as C99 with -pedantic -Werror: the header must need nothing else. */
#include <p2pcdn/p2pcdn.h>

#include <stdio.h>

int main(void) {
    p2pcdn_hash_options opts = P2PCDN_HASH_OPTIONS_INIT;
    /* Every static initializer must compile without missing-field warnings. */
    p2pcdn_tracker_options tracker_opts = P2PCDN_TRACKER_OPTIONS_INIT;
    p2pcdn_announce announce = P2PCDN_ANNOUNCE_INIT;
    p2pcdn_stats_summary summary = P2PCDN_STATS_SUMMARY_INIT;
    if (p2pcdn_version() != P2PCDN_VERSION_NUM || p2pcdn_abi_version() != P2PCDN_ABI_VERSION) {
        fprintf(stderr, "header %s does not match library %s\n", P2PCDN_VERSION_STRING,
                p2pcdn_version_string());
        return 1;
    }
    return (opts.version == P2PCDN_HASH_OPTIONS_VERSION &&
            tracker_opts.version == P2PCDN_TRACKER_OPTIONS_VERSION &&
            announce.version == P2PCDN_ANNOUNCE_VERSION &&
            summary.version == P2PCDN_STATS_SUMMARY_VERSION)
               ? 0
               : 1;
}
