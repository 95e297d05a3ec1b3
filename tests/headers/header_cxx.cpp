// Compiled as C++98 and C++17 with -pedantic -Werror: the C header must be valid C++ too.
#include <p2pcdn/p2pcdn.h>

#include <cstdio>

int main() {
    p2pcdn_hash_options opts = P2PCDN_HASH_OPTIONS_INIT;
    p2pcdn_bitmap* bitmap = NULL;
    if (p2pcdn_bitmap_new(&bitmap, 10) != P2PCDN_OK) {
        std::fprintf(stderr, "p2pcdn_bitmap_new: %s\n", p2pcdn_last_error());
        return 1;
    }
    p2pcdn_bitmap_free(bitmap);
    return (p2pcdn_version() == P2PCDN_VERSION_NUM && opts.version == 1) ? 0 : 1;
}
