/* p2pcdn_content through the C ABI: layout, hashing, verification, hash lists, options and
 * misuse. */
#include "check.h"

static const char* abc_sha1 = "a9993e364706816aba3e25717850c26c9cd0d89d";

static void test_layout(void) {
    p2pcdn_content* c = NULL;
    uint64_t total = 0, offset = 0;
    uint32_t piece = 0, length = 0;
    size_t count = 0;

    REQUIRE(p2pcdn_content_new(&c, "movie-2026.mkv", 1000, 300) == P2PCDN_OK);
    CHECK(strcmp(p2pcdn_content_id(c), "movie-2026.mkv") == 0);
    CHECK(p2pcdn_content_total_length(c, &total) == P2PCDN_OK && total == 1000);
    CHECK(p2pcdn_content_piece_length(c, &piece) == P2PCDN_OK && piece == 300);
    CHECK(p2pcdn_content_piece_count(c, &count) == P2PCDN_OK && count == 4);
    CHECK(p2pcdn_content_piece_range(c, 0, &offset, &length) == P2PCDN_OK);
    CHECK(offset == 0 && length == 300);
    CHECK(p2pcdn_content_piece_range(c, 3, &offset, &length) == P2PCDN_OK);
    CHECK(offset == 900 && length == 100);
    CHECK_ERR(p2pcdn_content_piece_range(c, 4, &offset, &length), P2PCDN_ERANGE,
              "piece 4 out of range for 4 pieces");
    CHECK_ERR(p2pcdn_content_piece_range(c, 0, NULL, &length), P2PCDN_EINVAL, "offset is NULL");
    CHECK(p2pcdn_content_hash_algo(c) == P2PCDN_HASH_NONE);
    p2pcdn_content_free(c);

    /* 64-bit totals. */
    REQUIRE(p2pcdn_content_new(&c, "big", (uint64_t)1 << 40, (uint32_t)1 << 20) == P2PCDN_OK);
    CHECK(p2pcdn_content_piece_count(c, &count) == P2PCDN_OK && count == ((size_t)1 << 20));
    CHECK(p2pcdn_content_piece_range(c, count - 1, &offset, &length) == P2PCDN_OK);
    CHECK(offset == ((uint64_t)1 << 40) - ((uint64_t)1 << 20) && length == ((uint32_t)1 << 20));
    p2pcdn_content_free(c);
}

static void test_bad_layouts(void) {
    p2pcdn_content* c = NULL;
    CHECK_ERR(p2pcdn_content_new(&c, "a/b", 10, 1), P2PCDN_EINVAL, "character '/'");
    CHECK_ERR(p2pcdn_content_new(&c, "", 10, 1), P2PCDN_EINVAL, "content id is empty");
    CHECK_ERR(p2pcdn_content_new(&c, NULL, 10, 1), P2PCDN_EINVAL, "content_id is NULL");
    CHECK_ERR(p2pcdn_content_new(&c, "x", 0, 1), P2PCDN_EINVAL, "total length 0");
    CHECK_ERR(p2pcdn_content_new(&c, "x", 10, 0), P2PCDN_EINVAL, "piece length 0");
    CHECK_ERR(p2pcdn_content_new(&c, "x", 10, P2PCDN_PIECE_LENGTH_MAX + 1u), P2PCDN_EINVAL,
              "above the maximum");
    CHECK_ERR(p2pcdn_content_new(&c, "x", (uint64_t)P2PCDN_BITMAP_MAX_BITS + 1, 1), P2PCDN_ERANGE,
              "pieces");
    CHECK_ERR(p2pcdn_content_new(NULL, "x", 10, 1), P2PCDN_EINVAL, "out is NULL");
    CHECK(c == NULL);
}

static void test_hash_buffer_and_verify(void) {
    p2pcdn_content* c = NULL;
    unsigned char digest[32];
    char hex[64];
    size_t size = 0;

    REQUIRE(p2pcdn_content_new(&c, "abc", 3, 3) == P2PCDN_OK);
    CHECK_ERR(p2pcdn_content_verify_piece(c, 0, "abc", 3), P2PCDN_ESTATE, "no piece hashes");
    CHECK_ERR(p2pcdn_content_hash_buffer(c, "abcd", 4, NULL), P2PCDN_EINVAL, "");
    CHECK(p2pcdn_content_hash_algo(c) == P2PCDN_HASH_NONE);
    REQUIRE(p2pcdn_content_hash_buffer(c, "abc", 3, NULL) == P2PCDN_OK);
    CHECK(p2pcdn_content_hash_algo(c) == P2PCDN_HASH_SHA1);
    CHECK(p2pcdn_content_verify_piece(c, 0, "abc", 3) == P2PCDN_OK);
    CHECK_ERR(p2pcdn_content_verify_piece(c, 0, "abd", 3), P2PCDN_EHASH,
              "piece 0 does not match its SHA-1 hash");
    CHECK_ERR(p2pcdn_content_verify_piece(c, 0, "ab", 2), P2PCDN_EHASH,
              "piece 0 is 2 bytes, expected 3");
    CHECK_ERR(p2pcdn_content_verify_piece(c, 1, "abc", 3), P2PCDN_ERANGE, "out of range");
    CHECK(p2pcdn_content_piece_hash(c, 0, digest, sizeof digest, &size) == P2PCDN_OK);
    CHECK(size == 20);
    CHECK(p2pcdn_content_hashes_export(c, P2PCDN_HASHES_HEX, hex, sizeof hex, &size) ==
          P2PCDN_OK);
    CHECK(strcmp(hex, abc_sha1) == 0 && size == 41);
    CHECK_ERR(p2pcdn_content_hashes_export(c, 9u, hex, sizeof hex, &size), P2PCDN_EINVAL,
              "unknown hash list format 9");
    p2pcdn_content_free(c);
}

static void test_hash_import_is_all_or_nothing(void) {
    p2pcdn_content* c = NULL;
    unsigned char raw[40];
    char hex[100];
    size_t size = 0;

    REQUIRE(p2pcdn_content_new(&c, "two", 6, 3) == P2PCDN_OK);
    REQUIRE(p2pcdn_content_hash_buffer(c, "abcabc", 6, NULL) == P2PCDN_OK);
    REQUIRE(p2pcdn_content_hashes_export(c, P2PCDN_HASHES_RAW, raw, sizeof raw, &size) ==
            P2PCDN_OK);
    CHECK(size == 40);
    CHECK(memcmp(raw, raw + 20, 20) == 0);

    CHECK_ERR(p2pcdn_content_hashes_import(c, P2PCDN_HASH_SHA1, P2PCDN_HASHES_RAW, raw, 39),
              P2PCDN_EPARSE, "39 bytes");
    CHECK_ERR(p2pcdn_content_hashes_import(c, P2PCDN_HASH_SHA256, P2PCDN_HASHES_RAW, raw, 40),
              P2PCDN_EPARSE, "");
    CHECK_ERR(p2pcdn_content_hashes_import(c, 7, P2PCDN_HASHES_RAW, raw, 40), P2PCDN_EINVAL, "");
    CHECK_ERR(p2pcdn_content_hashes_import(c, P2PCDN_HASH_SHA1, P2PCDN_HASHES_HEX, "zz", 2),
              P2PCDN_EPARSE, "");
    /* The failed imports kept the hashes. */
    CHECK(p2pcdn_content_verify_piece(c, 1, "abc", 3) == P2PCDN_OK);

    memset(raw + 20, 0, 20);
    REQUIRE(p2pcdn_content_hashes_import(c, P2PCDN_HASH_SHA1, P2PCDN_HASHES_RAW, raw, 40) ==
            P2PCDN_OK);
    CHECK(p2pcdn_content_verify_piece(c, 0, "abc", 3) == P2PCDN_OK);
    CHECK(p2pcdn_content_verify_piece(c, 1, "abc", 3) == P2PCDN_EHASH);

    sprintf(hex, "%s%s", abc_sha1, abc_sha1);
    REQUIRE(p2pcdn_content_hashes_import(c, P2PCDN_HASH_SHA1, P2PCDN_HASHES_HEX, hex,
                                         strlen(hex)) == P2PCDN_OK);
    CHECK(p2pcdn_content_verify_piece(c, 1, "abc", 3) == P2PCDN_OK);
    p2pcdn_content_free(c);
}

static int calls = 0;
static int stop_after_two(uint64_t done, uint64_t total, void* payload) {
    (void)done;
    (void)total;
    ++*(int*)payload;
    return ++calls >= 2;
}

static void test_file_hashing(void) {
    const char* path = "capi_content_test.bin";
    unsigned char data[10000];
    unsigned char from_file[200], from_buffer[200];
    size_t i, size_file = 0, size_buffer = 0;
    int payload_calls = 0;
    p2pcdn_hash_options opts = P2PCDN_HASH_OPTIONS_INIT;
    p2pcdn_content *c = NULL, *d = NULL;
    FILE* f = fopen(path, "wb");
    REQUIRE(f != NULL);
    for (i = 0; i < sizeof data; ++i) {
        data[i] = (unsigned char)((i * 2654435761u) >> 13);
    }
    REQUIRE(fwrite(data, 1, sizeof data, f) == sizeof data);
    fclose(f);

    opts.read_size = 777;
    REQUIRE(p2pcdn_content_new_from_file(&c, "file", path, 1024, &opts) == P2PCDN_OK);
    REQUIRE(p2pcdn_content_new(&d, "file", sizeof data, 1024) == P2PCDN_OK);
    REQUIRE(p2pcdn_content_hash_buffer(d, data, sizeof data, NULL) == P2PCDN_OK);
    CHECK(p2pcdn_content_hashes_export(c, P2PCDN_HASHES_RAW, from_file, sizeof from_file,
                                       &size_file) == P2PCDN_OK);
    CHECK(p2pcdn_content_hashes_export(d, P2PCDN_HASHES_RAW, from_buffer, sizeof from_buffer,
                                       &size_buffer) == P2PCDN_OK);
    CHECK(size_file == 200 && size_buffer == 200);
    CHECK(memcmp(from_file, from_buffer, 200) == 0);
    CHECK(p2pcdn_content_verify_piece(c, 9, data + 9216, 784) == P2PCDN_OK);

    /* SHA-256 through the options. */
    opts.algo = P2PCDN_HASH_SHA256;
    CHECK(p2pcdn_content_hash_file(d, path, &opts) == P2PCDN_OK);
    CHECK(p2pcdn_content_hash_algo(d) == P2PCDN_HASH_SHA256);
    CHECK(p2pcdn_content_piece_hash(d, 0, NULL, 0, &size_file) == P2PCDN_OK && size_file == 32);

    /* A progress callback that stops: EUSER, and the SHA-256 hashes stay. */
    opts.algo = P2PCDN_HASH_SHA1;
    opts.progress = stop_after_two;
    opts.payload = &payload_calls;
    CHECK_ERR(p2pcdn_content_hash_file(d, path, &opts), P2PCDN_EUSER, "progress callback");
    CHECK(payload_calls == 2);
    CHECK(p2pcdn_content_hash_algo(d) == P2PCDN_HASH_SHA256);

    /* Bad options and files. */
    opts.progress = NULL;
    opts.version = 99;
    CHECK_ERR(p2pcdn_content_hash_file(d, path, &opts), P2PCDN_EINVAL,
              "p2pcdn_hash_options version 99 is not supported");
    opts.version = P2PCDN_HASH_OPTIONS_VERSION;
    opts.algo = 42;
    CHECK_ERR(p2pcdn_content_hash_file(d, path, &opts), P2PCDN_EINVAL, "");
    opts.algo = 0;
    opts.read_size = (size_t)1 << 40;
    CHECK_ERR(p2pcdn_content_hash_file(d, path, &opts), P2PCDN_EINVAL, "read_size");
    CHECK_ERR(p2pcdn_content_hash_file(d, "no/such/file", NULL), P2PCDN_EIO, "no/such/file");
    CHECK_ERR(p2pcdn_content_new_from_file(&d, "x", "no/such/file", 10, NULL), P2PCDN_EIO, "");
    CHECK(p2pcdn_content_hash_algo(d) == P2PCDN_HASH_SHA256);
    p2pcdn_content_free(d);

    /* A file whose size is not the layout's total. */
    REQUIRE(p2pcdn_content_new(&d, "file", sizeof data + 1, 1024) == P2PCDN_OK);
    CHECK_ERR(p2pcdn_content_hash_file(d, path, NULL), P2PCDN_EINVAL, "");
    p2pcdn_content_free(d);
    p2pcdn_content_free(c);
    remove(path);
}

static void test_misuse(void) {
    p2pcdn_content* c = NULL;
    p2pcdn_content* copy = NULL;
    size_t n = 0;
    REQUIRE(p2pcdn_content_new(&c, "x", 10, 3) == P2PCDN_OK);
    REQUIRE(p2pcdn_content_copy(&copy, c) == P2PCDN_OK);
    p2pcdn_content_free(c);
    CHECK(p2pcdn_content_id(c) == NULL);
    CHECK(strstr(p2pcdn_last_error(), "not a live p2pcdn_content handle") != NULL);
    CHECK_ERR(p2pcdn_content_piece_count(c, &n), P2PCDN_EINVAL, "not a live");
    CHECK_ERR(p2pcdn_content_hash_buffer(c, "0123456789", 10, NULL), P2PCDN_EINVAL, "not a live");
    CHECK_ERR(p2pcdn_content_piece_count(NULL, &n), P2PCDN_EINVAL, "handle is NULL");
    p2pcdn_content_free(c);
    CHECK(p2pcdn_content_piece_count(copy, &n) == P2PCDN_OK && n == 4);
    CHECK(strcmp(p2pcdn_content_id(copy), "x") == 0);
    p2pcdn_content_free(copy);
}

int main(void) {
    test_layout();
    test_bad_layouts();
    test_hash_buffer_and_verify();
    test_hash_import_is_all_or_nothing();
    test_file_hashing();
    test_misuse();
    return check_report("test_content");
}
