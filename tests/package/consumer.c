/* Links the installed library (through find_package or pkg-config) and uses it. */
#include <p2pcdn/p2pcdn.h>

#include <stdio.h>
#include <string.h>

int main(void) {
    p2pcdn_bitmap* bits = NULL;
    char ranges[32];
    size_t size = 0;
    int ok;
    if (p2pcdn_abi_version() != P2PCDN_ABI_VERSION) {
        fprintf(stderr, "ABI %u, header %d\n", p2pcdn_abi_version(), P2PCDN_ABI_VERSION);
        return 1;
    }
    if (p2pcdn_bitmap_from_ranges(&bits, 16, "0-3,9", 5) != P2PCDN_OK) {
        fprintf(stderr, "%s\n", p2pcdn_last_error());
        return 1;
    }
    ok = p2pcdn_bitmap_to_ranges(bits, ranges, sizeof ranges, &size) == P2PCDN_OK &&
         strcmp(ranges, "0-3,9") == 0;
    p2pcdn_bitmap_free(bits);
    printf("package consumer: p2pcdn %s, %s\n", p2pcdn_version_string(), ok ? "ok" : "FAIL");
    return ok ? 0 : 1;
}
