/* Error codes, strerror, last_error, versions, global init and options versioning. */
#include "check.h"

static const int all_codes[] = {
    P2PCDN_OK,      P2PCDN_ERROR,    P2PCDN_EINVAL,  P2PCDN_ENOMEM,   P2PCDN_EBUFS,
    P2PCDN_ERANGE,  P2PCDN_EPARSE,   P2PCDN_ENOTFOUND, P2PCDN_EEXISTS, P2PCDN_EIO,
    P2PCDN_EHASH,   P2PCDN_ESTATE,   P2PCDN_EUSER,   P2PCDN_ENETWORK, P2PCDN_ETIMEOUT,
    P2PCDN_ETLS,    P2PCDN_EHTTP,    P2PCDN_EPROTO,  P2PCDN_ELIMIT,   P2PCDN_ECANCELLED};

static void test_codes_are_permanent(void) {
    /* The values are part of the ABI: a change here is an ABI break. */
    CHECK(P2PCDN_OK == 0);
    CHECK(P2PCDN_ERROR == -1);
    CHECK(P2PCDN_EINVAL == -2);
    CHECK(P2PCDN_ENOMEM == -3);
    CHECK(P2PCDN_EBUFS == -4);
    CHECK(P2PCDN_ERANGE == -5);
    CHECK(P2PCDN_EPARSE == -6);
    CHECK(P2PCDN_ENOTFOUND == -7);
    CHECK(P2PCDN_EEXISTS == -8);
    CHECK(P2PCDN_EIO == -9);
    CHECK(P2PCDN_EHASH == -10);
    CHECK(P2PCDN_ESTATE == -11);
    CHECK(P2PCDN_EUSER == -12);
    CHECK(P2PCDN_ENETWORK == -13);
    CHECK(P2PCDN_ETIMEOUT == -14);
    CHECK(P2PCDN_ETLS == -15);
    CHECK(P2PCDN_EHTTP == -16);
    CHECK(P2PCDN_EPROTO == -17);
    CHECK(P2PCDN_ELIMIT == -18);
    CHECK(P2PCDN_ECANCELLED == -19);
}

static void test_strerror(void) {
    size_t i, j;
    size_t n = sizeof all_codes / sizeof all_codes[0];
    for (i = 0; i < n; ++i) {
        const char* text = p2pcdn_strerror(all_codes[i]);
        CHECK(text != NULL && strlen(text) > 0);
        CHECK(strcmp(text, "unknown error code") != 0);
        for (j = 0; j < i; ++j) {
            CHECK(strcmp(text, p2pcdn_strerror(all_codes[j])) != 0);
        }
    }
    CHECK(strcmp(p2pcdn_strerror(-9999), "unknown error code") == 0);
    CHECK(strcmp(p2pcdn_strerror(1), "unknown error code") == 0);
    CHECK(strcmp(p2pcdn_strerror(P2PCDN_EINVAL), "invalid argument") == 0);
}

static void test_last_error(void) {
    p2pcdn_bitmap* b = NULL;
    p2pcdn_error_clear();
    CHECK(strcmp(p2pcdn_last_error(), "") == 0);
    CHECK_ERR(p2pcdn_bitmap_new(NULL, 8), P2PCDN_EINVAL, "out is NULL");
    /* A successful call leaves the detail of the last failure in place. */
    REQUIRE(p2pcdn_bitmap_new(&b, 8) == P2PCDN_OK);
    CHECK(strstr(p2pcdn_last_error(), "out is NULL") != NULL);
    p2pcdn_error_clear();
    CHECK(strcmp(p2pcdn_last_error(), "") == 0);
    p2pcdn_bitmap_free(b);
}

static void test_versions(void) {
    char expected[32];
    CHECK(p2pcdn_version() == P2PCDN_VERSION_NUM);
    CHECK(p2pcdn_abi_version() == P2PCDN_ABI_VERSION);
    CHECK(strcmp(p2pcdn_version_string(), P2PCDN_VERSION_STRING) == 0);
    sprintf(expected, "%d.%d.%d", P2PCDN_VERSION_MAJOR, P2PCDN_VERSION_MINOR,
            P2PCDN_VERSION_PATCH);
    CHECK(strcmp(expected, P2PCDN_VERSION_STRING) == 0);
    CHECK(P2PCDN_VERSION_NUM ==
          ((P2PCDN_VERSION_MAJOR << 16) | (P2PCDN_VERSION_MINOR << 8) | P2PCDN_VERSION_PATCH));
}

static void test_global_init_is_counted(void) {
    CHECK_ERR(p2pcdn_global_cleanup(), P2PCDN_ESTATE, "more often than p2pcdn_global_init");
    CHECK(p2pcdn_global_init() == 1);
    CHECK(p2pcdn_global_init() == 2);
    CHECK(p2pcdn_global_cleanup() == 1);
    CHECK(p2pcdn_global_cleanup() == 0);
    CHECK(p2pcdn_global_cleanup() == P2PCDN_ESTATE);
    /* Usable again after a full cleanup. */
    CHECK(p2pcdn_global_init() == 1);
    CHECK(p2pcdn_global_cleanup() == 0);
}

static void test_options_versions(void) {
    p2pcdn_hash_options from_macro = P2PCDN_HASH_OPTIONS_INIT;
    p2pcdn_hash_options from_call;
    memset(&from_call, 0xab, sizeof from_call);
    REQUIRE(p2pcdn_hash_options_init(&from_call, P2PCDN_HASH_OPTIONS_VERSION) == P2PCDN_OK);
    /* The static initializer and the init call agree field by field. */
    CHECK(from_call.version == from_macro.version);
    CHECK(from_call.algo == from_macro.algo);
    CHECK(from_call.read_size == from_macro.read_size);
    CHECK(from_call.progress == from_macro.progress);
    CHECK(from_call.payload == from_macro.payload);
    CHECK_ERR(p2pcdn_hash_options_init(&from_call, 0), P2PCDN_EINVAL, "version 0");
    CHECK_ERR(p2pcdn_hash_options_init(&from_call, P2PCDN_HASH_OPTIONS_VERSION + 1),
              P2PCDN_EINVAL, "is not supported");
    CHECK_ERR(p2pcdn_hash_options_init(NULL, 1), P2PCDN_EINVAL, "is NULL");
    p2pcdn_free(NULL);
}

int main(void) {
    test_codes_are_permanent();
    test_strerror();
    test_last_error();
    test_versions();
    test_global_init_is_counted();
    test_options_versions();
    return check_report("test_errors");
}
