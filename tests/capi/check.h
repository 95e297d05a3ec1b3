/* A minimal check harness for the C API tests: CHECK records a failure and goes on, REQUIRE
 * stops the test program. Each program returns non-zero if anything failed. */
#ifndef P2PCDN_TEST_CHECK_H
#define P2PCDN_TEST_CHECK_H

#include <p2pcdn/p2pcdn.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int check_failures = 0;
static int check_count = 0;

#define CHECK(cond)                                                                     \
    do {                                                                                \
        ++check_count;                                                                  \
        if (!(cond)) {                                                                  \
            ++check_failures;                                                           \
            fprintf(stderr, "%s:%d: CHECK(%s) failed (last_error: %s)\n", __FILE__,     \
                    __LINE__, #cond, p2pcdn_last_error());                              \
        }                                                                               \
    } while (0)

#define REQUIRE(cond)                                                                   \
    do {                                                                                \
        ++check_count;                                                                  \
        if (!(cond)) {                                                                  \
            fprintf(stderr, "%s:%d: REQUIRE(%s) failed (last_error: %s)\n", __FILE__,   \
                    __LINE__, #cond, p2pcdn_last_error());                              \
            exit(1);                                                                    \
        }                                                                               \
    } while (0)

/* The call failed with `code` and left a last_error that contains `text`. */
#define CHECK_ERR(call, code, text)                                                     \
    do {                                                                                \
        int check_rc_ = (call);                                                         \
        ++check_count;                                                                  \
        if (check_rc_ != (code) || strstr(p2pcdn_last_error(), (text)) == NULL) {       \
            ++check_failures;                                                           \
            fprintf(stderr, "%s:%d: %s gave %d (%s) \"%s\", expected %d with \"%s\"\n", \
                    __FILE__, __LINE__, #call, check_rc_, p2pcdn_strerror(check_rc_),   \
                    p2pcdn_last_error(), (int)(code), (text));                          \
        }                                                                               \
    } while (0)

static int check_report(const char* name) {
    printf("%s: %d checks, %d failed\n", name, check_count, check_failures);
    return check_failures == 0 ? 0 : 1;
}

#endif
