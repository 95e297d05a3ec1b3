// Compiled as C++98 and C++17 with -pedantic -Werror: the C header must be valid C++ too.
#include <p2pcdn/p2pcdn.h>

#include <cstdio>

int main() {
    p2pcdn_hash_options opts = P2PCDN_HASH_OPTIONS_INIT;
    // Every static initializer must compile without missing-field warnings.
    p2pcdn_tracker_options tracker_opts = P2PCDN_TRACKER_OPTIONS_INIT;
    p2pcdn_announce announce = P2PCDN_ANNOUNCE_INIT;
    p2pcdn_stats_summary summary = P2PCDN_STATS_SUMMARY_INIT;
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
