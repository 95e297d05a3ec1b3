/* p2pcdn_bitmap through the C ABI: operations, encodings, and misuse that must come back as
 * error codes. */
#include "check.h"

static p2pcdn_bitmap* make(size_t nbits, const char* ranges) {
    p2pcdn_bitmap* b = NULL;
    REQUIRE(p2pcdn_bitmap_from_ranges(&b, nbits, ranges, strlen(ranges)) == P2PCDN_OK);
    return b;
}

static void test_basic_operations(void) {
    p2pcdn_bitmap* b = NULL;
    size_t n = 0, found = 0;
    REQUIRE(p2pcdn_bitmap_new(&b, 100) == P2PCDN_OK);
    CHECK(p2pcdn_bitmap_size(b, &n) == P2PCDN_OK && n == 100);
    CHECK(p2pcdn_bitmap_is_none(b) == 1);
    CHECK(p2pcdn_bitmap_is_all(b) == 0);
    CHECK(p2pcdn_bitmap_set(b, 0) == P2PCDN_OK);
    CHECK(p2pcdn_bitmap_set(b, 99) == P2PCDN_OK);
    CHECK(p2pcdn_bitmap_test(b, 0) == 1);
    CHECK(p2pcdn_bitmap_test(b, 1) == 0);
    CHECK(p2pcdn_bitmap_test(b, 99) == 1);
    CHECK(p2pcdn_bitmap_count(b, &n) == P2PCDN_OK && n == 2);
    CHECK(p2pcdn_bitmap_find_next_set(b, 1, &found) == P2PCDN_OK && found == 99);
    CHECK(p2pcdn_bitmap_find_next_clear(b, 0, &found) == P2PCDN_OK && found == 1);
    CHECK(p2pcdn_bitmap_clear(b, 0) == P2PCDN_OK);
    CHECK(p2pcdn_bitmap_test(b, 0) == 0);
    CHECK(p2pcdn_bitmap_set_range(b, 10, 70, 1) == P2PCDN_OK);
    CHECK(p2pcdn_bitmap_count(b, &n) == P2PCDN_OK && n == 61);
    CHECK(p2pcdn_bitmap_set_range(b, 20, 30, 0) == P2PCDN_OK);
    CHECK(p2pcdn_bitmap_count(b, &n) == P2PCDN_OK && n == 51);
    CHECK(p2pcdn_bitmap_fill(b, 1) == P2PCDN_OK);
    CHECK(p2pcdn_bitmap_is_all(b) == 1);
    CHECK(p2pcdn_bitmap_count(b, &n) == P2PCDN_OK && n == 100);
    CHECK_ERR(p2pcdn_bitmap_find_next_clear(b, 0, &found), P2PCDN_ENOTFOUND, "no clear piece");
    CHECK(p2pcdn_bitmap_fill(b, 0) == P2PCDN_OK);
    CHECK_ERR(p2pcdn_bitmap_find_next_set(b, 0, &found), P2PCDN_ENOTFOUND, "no set piece");
    CHECK_ERR(p2pcdn_bitmap_find_next_set(b, 1000, &found), P2PCDN_ENOTFOUND, "no set piece");
    p2pcdn_bitmap_free(b);
}

static void test_range_errors_change_nothing(void) {
    p2pcdn_bitmap* b = make(10, "1,3");
    size_t n = 0;
    CHECK_ERR(p2pcdn_bitmap_test(b, 10), P2PCDN_ERANGE, "piece 10 out of range for 10 pieces");
    CHECK_ERR(p2pcdn_bitmap_set(b, 10), P2PCDN_ERANGE, "out of range");
    CHECK_ERR(p2pcdn_bitmap_clear(b, (size_t)-1), P2PCDN_ERANGE, "out of range");
    CHECK_ERR(p2pcdn_bitmap_set_range(b, 5, 11, 1), P2PCDN_ERANGE, "[5, 11)");
    CHECK_ERR(p2pcdn_bitmap_set_range(b, 6, 5, 1), P2PCDN_ERANGE, "[6, 5)");
    CHECK(p2pcdn_bitmap_count(b, &n) == P2PCDN_OK && n == 2);
    CHECK_ERR(p2pcdn_bitmap_new(&b, P2PCDN_BITMAP_MAX_BITS + 1), P2PCDN_ERANGE, "");
    /* The failed new left the caller's pointer alone. */
    CHECK(p2pcdn_bitmap_count(b, &n) == P2PCDN_OK && n == 2);
    p2pcdn_bitmap_free(b);
}

static void test_set_algebra(void) {
    p2pcdn_bitmap* a = make(70, "0-9,60-69");
    p2pcdn_bitmap* b = make(70, "5-64");
    p2pcdn_bitmap* c = NULL;
    p2pcdn_bitmap* expect = NULL;
    p2pcdn_bitmap* other_size = make(71, "");
    size_t n = 0;

    CHECK(p2pcdn_bitmap_count_and(a, b, &n) == P2PCDN_OK && n == 10);
    CHECK(p2pcdn_bitmap_count_andnot(a, b, &n) == P2PCDN_OK && n == 10);
    CHECK(p2pcdn_bitmap_count_andnot(b, a, &n) == P2PCDN_OK && n == 50);

    REQUIRE(p2pcdn_bitmap_copy(&c, a) == P2PCDN_OK);
    CHECK(p2pcdn_bitmap_equal(a, c) == 1);
    CHECK(p2pcdn_bitmap_and(c, b) == P2PCDN_OK);
    expect = make(70, "5-9,60-64");
    CHECK(p2pcdn_bitmap_equal(c, expect) == 1);
    CHECK(p2pcdn_bitmap_equal(a, c) == 0);
    p2pcdn_bitmap_free(expect);

    CHECK(p2pcdn_bitmap_or(c, a) == P2PCDN_OK);
    CHECK(p2pcdn_bitmap_equal(c, a) == 1);
    CHECK(p2pcdn_bitmap_andnot(c, b) == P2PCDN_OK);
    expect = make(70, "0-4,65-69");
    CHECK(p2pcdn_bitmap_equal(c, expect) == 1);
    p2pcdn_bitmap_free(expect);
    CHECK(p2pcdn_bitmap_xor(c, a) == P2PCDN_OK);
    expect = make(70, "5-9,60-64");
    CHECK(p2pcdn_bitmap_equal(c, expect) == 1);
    p2pcdn_bitmap_free(expect);

    CHECK_ERR(p2pcdn_bitmap_and(c, other_size), P2PCDN_EINVAL, "differ in size: 70 and 71");
    CHECK_ERR(p2pcdn_bitmap_count_and(a, other_size, &n), P2PCDN_EINVAL, "differ in size");
    CHECK(p2pcdn_bitmap_equal(a, other_size) == 0);

    p2pcdn_bitmap_free(a);
    p2pcdn_bitmap_free(b);
    p2pcdn_bitmap_free(c);
    p2pcdn_bitmap_free(other_size);
}

static void test_wire(void) {
    /* BEP 3: piece 0 is the high bit of byte 0. Pieces 0, 9 and 11 of 12. */
    const unsigned char wire[2] = {0x80, 0x50};
    const unsigned char spare[2] = {0x80, 0x51};
    unsigned char out[2] = {0, 0};
    unsigned char small[1];
    size_t size = 0;
    p2pcdn_bitmap* b = NULL;

    REQUIRE(p2pcdn_bitmap_from_wire(&b, 12, wire, 2, P2PCDN_BITMAP_STRICT) == P2PCDN_OK);
    CHECK(p2pcdn_bitmap_test(b, 0) == 1 && p2pcdn_bitmap_test(b, 9) == 1);
    CHECK(p2pcdn_bitmap_test(b, 11) == 1 && p2pcdn_bitmap_test(b, 10) == 0);
    CHECK(p2pcdn_bitmap_to_wire(b, NULL, 0, &size) == P2PCDN_OK && size == 2);
    CHECK_ERR(p2pcdn_bitmap_to_wire(b, small, sizeof small, &size), P2PCDN_EBUFS, "2 needed");
    CHECK(size == 2);
    CHECK(p2pcdn_bitmap_to_wire(b, out, sizeof out, &size) == P2PCDN_OK && size == 2);
    CHECK(memcmp(out, wire, 2) == 0);
    CHECK_ERR(p2pcdn_bitmap_to_wire(b, out, sizeof out, NULL), P2PCDN_EINVAL, "size is NULL");
    p2pcdn_bitmap_free(b);

    b = NULL;
    CHECK(p2pcdn_bitmap_from_wire(&b, 12, spare, 2, P2PCDN_BITMAP_STRICT) == P2PCDN_EPARSE);
    CHECK(b == NULL);
    CHECK(p2pcdn_bitmap_from_wire(&b, 13, wire, 1, P2PCDN_BITMAP_STRICT) == P2PCDN_EPARSE);
    CHECK(p2pcdn_bitmap_from_wire(&b, 12, wire, 3, P2PCDN_BITMAP_STRICT) == P2PCDN_EPARSE);
    CHECK_ERR(p2pcdn_bitmap_from_wire(&b, 12, wire, 2, 7u), P2PCDN_EINVAL, "flags");
    CHECK_ERR(p2pcdn_bitmap_from_wire(&b, 12, NULL, 2, 0), P2PCDN_EINVAL, "data is NULL");
    CHECK(b == NULL);
    REQUIRE(p2pcdn_bitmap_from_wire(&b, 12, spare, 2, P2PCDN_BITMAP_LENIENT) == P2PCDN_OK);
    CHECK(p2pcdn_bitmap_to_wire(b, out, sizeof out, &size) == P2PCDN_OK);
    CHECK(memcmp(out, wire, 2) == 0);
    p2pcdn_bitmap_free(b);
}

static void test_text_forms(void) {
    p2pcdn_bitmap* b = make(20, "0-3,8,19");
    p2pcdn_bitmap* back = NULL;
    char buf[64];
    char tiny[4];
    size_t size = 0;

    CHECK(p2pcdn_bitmap_to_hex(b, NULL, 0, &size) == P2PCDN_OK && size == 7);
    CHECK(p2pcdn_bitmap_to_hex(b, buf, sizeof buf, &size) == P2PCDN_OK);
    CHECK(strcmp(buf, "f08010") == 0);
    CHECK_ERR(p2pcdn_bitmap_to_hex(b, tiny, sizeof tiny, &size), P2PCDN_EBUFS, "7 needed");
    REQUIRE(p2pcdn_bitmap_from_hex(&back, 20, "F08010", 6, P2PCDN_BITMAP_STRICT) == P2PCDN_OK);
    CHECK(p2pcdn_bitmap_equal(b, back) == 1);
    p2pcdn_bitmap_free(back);
    back = NULL;
    CHECK(p2pcdn_bitmap_from_hex(&back, 20, "f0801", 5, 0) == P2PCDN_EPARSE);
    CHECK(p2pcdn_bitmap_from_hex(&back, 20, "f080zz", 6, 0) == P2PCDN_EPARSE);
    CHECK(p2pcdn_bitmap_from_hex(&back, 20, "f08011", 6, 0) == P2PCDN_EPARSE);
    CHECK(back == NULL);

    CHECK(p2pcdn_bitmap_to_base64(b, buf, sizeof buf, &size) == P2PCDN_OK);
    CHECK(strcmp(buf, "8IAQ") == 0 && size == 5);
    REQUIRE(p2pcdn_bitmap_from_base64(&back, 20, "8IAQ", 4, 0) == P2PCDN_OK);
    CHECK(p2pcdn_bitmap_equal(b, back) == 1);
    p2pcdn_bitmap_free(back);
    back = NULL;
    CHECK(p2pcdn_bitmap_from_base64(&back, 20, "8IA", 3, 0) == P2PCDN_EPARSE);
    CHECK(p2pcdn_bitmap_from_base64(&back, 20, "8I*Q", 4, 0) == P2PCDN_EPARSE);

    CHECK(p2pcdn_bitmap_to_ranges(b, buf, sizeof buf, &size) == P2PCDN_OK);
    CHECK(strcmp(buf, "0-3,8,19") == 0);
    CHECK(size == strlen("0-3,8,19") + 1);
    CHECK(p2pcdn_bitmap_from_ranges(&back, 20, "0-20", 4) == P2PCDN_EPARSE);
    CHECK(p2pcdn_bitmap_from_ranges(&back, 20, "3-1", 3) == P2PCDN_EPARSE);
    CHECK(p2pcdn_bitmap_from_ranges(&back, 20, "1,,2", 4) == P2PCDN_EPARSE);
    /* Only the given length is read: "1,2" followed by junk. */
    REQUIRE(p2pcdn_bitmap_from_ranges(&back, 20, "1,2garbage", 3) == P2PCDN_OK);
    CHECK(p2pcdn_bitmap_test(back, 2) == 1);
    p2pcdn_bitmap_free(back);
    back = NULL;
    REQUIRE(p2pcdn_bitmap_from_ranges(&back, 20, NULL, 0) == P2PCDN_OK);
    CHECK(p2pcdn_bitmap_is_none(back) == 1);
    CHECK(p2pcdn_bitmap_to_ranges(back, buf, sizeof buf, &size) == P2PCDN_OK);
    CHECK(strcmp(buf, "") == 0 && size == 1);
    p2pcdn_bitmap_free(back);
    p2pcdn_bitmap_free(b);
}

static void test_misuse(void) {
    p2pcdn_bitmap* b = make(8, "1");
    p2pcdn_bitmap* freed = make(8, "1");
    p2pcdn_content* content = NULL;
    size_t n = 0;

    CHECK_ERR(p2pcdn_bitmap_test(NULL, 0), P2PCDN_EINVAL, "p2pcdn_bitmap handle is NULL");
    CHECK_ERR(p2pcdn_bitmap_count(NULL, &n), P2PCDN_EINVAL, "NULL");
    CHECK_ERR(p2pcdn_bitmap_count(b, NULL), P2PCDN_EINVAL, "out is NULL");
    CHECK_ERR(p2pcdn_bitmap_and(b, NULL), P2PCDN_EINVAL, "NULL");
    CHECK_ERR(p2pcdn_bitmap_copy(NULL, b), P2PCDN_EINVAL, "out is NULL");

    /* A freed handle is reported, not dereferenced; freeing twice is harmless. */
    p2pcdn_bitmap_free(freed);
    CHECK_ERR(p2pcdn_bitmap_test(freed, 0), P2PCDN_EINVAL, "not a live p2pcdn_bitmap handle");
    CHECK_ERR(p2pcdn_bitmap_or(b, freed), P2PCDN_EINVAL, "not a live");
    p2pcdn_bitmap_free(freed);
    p2pcdn_bitmap_free(NULL);

    /* A handle of another type is refused. */
    REQUIRE(p2pcdn_content_new(&content, "c", 10, 1) == P2PCDN_OK);
    CHECK_ERR(p2pcdn_bitmap_count((const p2pcdn_bitmap*)(const void*)content, &n), P2PCDN_EINVAL,
              "not a live p2pcdn_bitmap handle");
    p2pcdn_bitmap_free((p2pcdn_bitmap*)(void*)content);
    /* ...and freeing it through the wrong type did nothing. */
    CHECK(p2pcdn_content_piece_count(content, &n) == P2PCDN_OK && n == 10);
    p2pcdn_content_free(content);

    CHECK(p2pcdn_bitmap_test(b, 1) == 1);
    p2pcdn_bitmap_free(b);
}

static void test_empty_bitmap(void) {
    p2pcdn_bitmap* b = NULL;
    size_t size = 0;
    REQUIRE(p2pcdn_bitmap_new(&b, 0) == P2PCDN_OK);
    CHECK(p2pcdn_bitmap_is_all(b) == 1);
    CHECK(p2pcdn_bitmap_is_none(b) == 1);
    CHECK(p2pcdn_bitmap_to_wire(b, NULL, 0, &size) == P2PCDN_OK && size == 0);
    p2pcdn_bitmap_free(b);
}

int main(void) {
    test_basic_operations();
    test_range_errors_change_nothing();
    test_set_algebra();
    test_wire();
    test_text_forms();
    test_misuse();
    test_empty_bitmap();
    return check_report("test_bitmap");
}
