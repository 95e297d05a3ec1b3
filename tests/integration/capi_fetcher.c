/* The fetcher through the C ABI, against the fault server (P2PCDN_FAULT_SERVER names its ports
 * file). Plain C99, only <p2pcdn/p2pcdn.h> (and its fetcher part). */
#include "check.h"

#include <p2pcdn/fetcher.h>

static int http_port;
static int https_port;
static char ca_file[1024];
static unsigned char content_bytes[10 * 1024 + 123];
#define TOTAL_LENGTH ((uint64_t)sizeof content_bytes)
#define PIECE_LENGTH 1024u

/* The integer after "key": in the ports JSON. */
static int json_int(const char* json, const char* key) {
    char pattern[64];
    const char* at;
    sprintf(pattern, "\"%s\": ", key);
    at = strstr(json, pattern);
    REQUIRE(at != NULL);
    return atoi(at + strlen(pattern));
}

static void json_string(const char* json, const char* key, char* out, size_t cap) {
    char pattern[64];
    const char* at;
    size_t n = 0;
    sprintf(pattern, "\"%s\": \"", key);
    at = strstr(json, pattern);
    REQUIRE(at != NULL);
    at += strlen(pattern);
    while (at[n] != '"' && n + 1 < cap) {
        out[n] = at[n];
        ++n;
    }
    out[n] = '\0';
}

static void load_server(void) {
    const char* path = getenv("P2PCDN_FAULT_SERVER");
    char json[4096];
    size_t n;
    FILE* f;
    REQUIRE(path != NULL);
    f = fopen(path, "r");
    REQUIRE(f != NULL);
    n = fread(json, 1, sizeof json - 1, f);
    fclose(f);
    json[n] = '\0';
    http_port = json_int(json, "http");
    https_port = json_int(json, "https");
    json_string(json, "ca_file", ca_file, sizeof ca_file);
}

static const char* url(const char* scheme, const char* path) {
    static char buf[512];
    sprintf(buf, "%s://127.0.0.1:%d%s", scheme, strcmp(scheme, "https") == 0 ? https_port : http_port,
            path);
    return buf;
}

static int ends_with(const char* s, const char* tail) {
    size_t a = strlen(s), b = strlen(tail);
    return a >= b && strcmp(s + a - b, tail) == 0;
}

static p2pcdn_content* make_content(int with_hashes) {
    p2pcdn_content* c = NULL;
    size_t i;
    for (i = 0; i < sizeof content_bytes; ++i) {
        content_bytes[i] = (unsigned char)((i * 7 + 3) % 251);
    }
    REQUIRE(p2pcdn_content_new(&c, "fault", TOTAL_LENGTH, PIECE_LENGTH) == P2PCDN_OK);
    if (with_hashes) {
        REQUIRE(p2pcdn_content_hash_buffer(c, content_bytes, sizeof content_bytes, NULL) ==
                P2PCDN_OK);
    }
    return c;
}

static void test_options(void) {
    p2pcdn_fetcher_options macro = P2PCDN_FETCHER_OPTIONS_INIT;
    p2pcdn_fetcher_options fn;
    p2pcdn_fetch_result r1 = P2PCDN_FETCH_RESULT_INIT;
    p2pcdn_fetch_result r2;
    memset(&fn, 0xff, sizeof fn);
    CHECK(p2pcdn_fetcher_options_init(&fn, P2PCDN_FETCHER_OPTIONS_VERSION) == P2PCDN_OK);
    CHECK(memcmp(&macro, &fn, sizeof fn) == 0);
    CHECK_ERR(p2pcdn_fetcher_options_init(&fn, 99), P2PCDN_EINVAL, "version 99");
    memset(&r2, 0xff, sizeof r2);
    CHECK(p2pcdn_fetch_result_init(&r2, P2PCDN_FETCH_RESULT_VERSION) == P2PCDN_OK);
    CHECK(memcmp(&r1, &r2, sizeof r2) == 0);
}

static void test_new(void) {
    p2pcdn_content* bare = make_content(0);
    p2pcdn_fetcher* f = NULL;
    p2pcdn_fetcher_options opts = P2PCDN_FETCHER_OPTIONS_INIT;
    CHECK_ERR(p2pcdn_fetcher_new(&f, bare, NULL), P2PCDN_ESTATE, "no piece hashes");
    CHECK_ERR(p2pcdn_fetcher_new(NULL, bare, NULL), P2PCDN_EINVAL, "out is NULL");
    CHECK_ERR(p2pcdn_fetcher_new(&f, NULL, NULL), P2PCDN_EINVAL, "p2pcdn_content handle is NULL");
    opts.version = 0;
    p2pcdn_content_free(bare);
    bare = make_content(1);
    CHECK_ERR(p2pcdn_fetcher_new(&f, bare, &opts), P2PCDN_EINVAL, "version 0");
    p2pcdn_content_free(bare);
    p2pcdn_fetcher_free(NULL);
}

static void test_get(p2pcdn_fetcher* f) {
    unsigned char buf[PIECE_LENGTH];
    size_t size = 0;
    p2pcdn_fetch_result r = P2PCDN_FETCH_RESULT_INIT;

    /* ok */
    CHECK(p2pcdn_fetcher_get(f, 3, url("http", "/redirect/3"), 0, buf, sizeof buf, &size, &r) ==
          P2PCDN_OK);
    CHECK(r.status == P2PCDN_FETCH_OK);
    CHECK(r.error == P2PCDN_OK);
    CHECK(r.http_status == 200);
    CHECK(r.piece == 3);
    CHECK(r.redirects == 1);
    CHECK(r.bytes == PIECE_LENGTH);
    CHECK(size == PIECE_LENGTH);
    CHECK(memcmp(buf, content_bytes + 3 * PIECE_LENGTH, PIECE_LENGTH) == 0);
    CHECK(r.final_url != NULL && ends_with(r.final_url, "/piece/3"));
    CHECK(r.message != NULL && r.message[0] == '\0');

    /* the last piece, ranged */
    CHECK(p2pcdn_fetcher_get(f, 10, url("http", "/content.bin"), 1, buf, sizeof buf, &size, &r) ==
          P2PCDN_OK);
    CHECK(r.status == P2PCDN_FETCH_OK);
    CHECK(r.http_status == 206);
    CHECK(size == 123);
    CHECK(memcmp(buf, content_bytes + 10 * PIECE_LENGTH, 123) == 0);

    /* size query and short buffer: nothing fetched */
    size = 0;
    CHECK(p2pcdn_fetcher_get(f, 10, url("http", "/piece/10"), 0, NULL, 0, &size, &r) == P2PCDN_OK);
    CHECK(size == 123);
    CHECK_ERR(p2pcdn_fetcher_get(f, 3, url("http", "/piece/3"), 0, buf, 100, &size, &r),
              P2PCDN_EBUFS, "1024 needed");
    CHECK(size == PIECE_LENGTH);

    /* hash mismatch */
    CHECK(p2pcdn_fetcher_get(f, 3, url("http", "/wrong/3"), 0, buf, sizeof buf, &size, &r) ==
          P2PCDN_OK);
    CHECK(r.status == P2PCDN_FETCH_HASH_MISMATCH);
    CHECK(r.error == P2PCDN_EHASH);

    /* gone, then remembered */
    CHECK(p2pcdn_fetcher_get(f, 3, url("http", "/status/404/3"), 0, buf, sizeof buf, &size, &r) ==
          P2PCDN_OK);
    CHECK(r.status == P2PCDN_FETCH_GONE);
    CHECK(r.error == P2PCDN_ENOTFOUND);
    CHECK(r.http_status == 404);
    CHECK(p2pcdn_fetcher_get(f, 3, url("http", "/status/404/3"), 0, buf, sizeof buf, &size, &r) ==
          P2PCDN_OK);
    CHECK(r.status == P2PCDN_FETCH_GONE);
    CHECK(r.http_status == 0);

    /* retry later with Retry-After */
    CHECK(p2pcdn_fetcher_get(f, 3, url("http", "/retry429/7/3"), 0, buf, sizeof buf, &size, &r) ==
          P2PCDN_OK);
    CHECK(r.status == P2PCDN_FETCH_RETRY_LATER);
    CHECK(r.error == P2PCDN_EHTTP);
    CHECK(r.http_status == 429);
    CHECK(r.retry_after_ms == 7000);
    CHECK(strstr(r.message, "429") != NULL);

    /* fatal: TLS with an unknown CA */
    CHECK(p2pcdn_fetcher_get(f, 3, url("https", "/piece/3"), 0, buf, sizeof buf, &size, &r) ==
          P2PCDN_OK);
    CHECK(r.status == P2PCDN_FETCH_FATAL);
    CHECK(r.error == P2PCDN_ETLS);

    /* call errors */
    CHECK_ERR(p2pcdn_fetcher_get(f, 11, url("http", "/piece/3"), 0, buf, sizeof buf, &size, &r),
              P2PCDN_ERANGE, "piece 11 out of range");
    CHECK_ERR(p2pcdn_fetcher_get(f, 3, "ftp://127.0.0.1/x", 0, buf, sizeof buf, &size, &r),
              P2PCDN_EPROTO, "scheme 'ftp' is not allowed");
    CHECK_ERR(p2pcdn_fetcher_get(f, 3, NULL, 0, buf, sizeof buf, &size, &r), P2PCDN_EINVAL,
              "uri is NULL");
    CHECK_ERR(p2pcdn_fetcher_get(f, 3, url("http", "/piece/3"), 0, buf, sizeof buf, &size, NULL),
              P2PCDN_EINVAL, "result is NULL");
    CHECK_ERR(p2pcdn_fetcher_get(NULL, 3, url("http", "/piece/3"), 0, buf, sizeof buf, &size, &r),
              P2PCDN_EINVAL, "p2pcdn_fetcher handle is NULL");
}

static void test_tls_with_ca(p2pcdn_content* c) {
    p2pcdn_fetcher_options opts = P2PCDN_FETCHER_OPTIONS_INIT;
    p2pcdn_fetcher* f = NULL;
    unsigned char buf[PIECE_LENGTH];
    size_t size = 0;
    p2pcdn_fetch_result r = P2PCDN_FETCH_RESULT_INIT;
    opts.ca_file = ca_file;
    REQUIRE(p2pcdn_fetcher_new(&f, c, &opts) == P2PCDN_OK);
    CHECK(p2pcdn_fetcher_get(f, 2, url("https", "/piece/2"), 0, buf, sizeof buf, &size, &r) ==
          P2PCDN_OK);
    CHECK(r.status == P2PCDN_FETCH_OK);
    p2pcdn_fetcher_free(f);
}

struct tally {
    int calls;
    int ok;
    int wrong;
    int step_rc;
    int free_in_callback;
};

static void on_done(p2pcdn_fetcher* f, uint64_t id, const p2pcdn_fetch_result* r,
                    const void* data, size_t len, void* payload) {
    struct tally* t = (struct tally*)payload;
    (void)id;
    ++t->calls;
    if (r->status == P2PCDN_FETCH_OK && data != NULL &&
        len == (r->piece == 10 ? 123u : PIECE_LENGTH) &&
        memcmp(data, content_bytes + r->piece * PIECE_LENGTH, len) == 0) {
        ++t->ok;
    } else {
        ++t->wrong;
    }
    t->step_rc = p2pcdn_fetcher_step(f, 0, NULL);
    if (t->free_in_callback) {
        p2pcdn_fetcher_free(f);
    }
}

static void test_submit(p2pcdn_content* c) {
    p2pcdn_fetcher_options opts = P2PCDN_FETCHER_OPTIONS_INIT;
    p2pcdn_fetcher* f = NULL;
    struct tally t = {0, 0, 0, 0, 0};
    struct tally cancelled = {0, 0, 0, 0, 0};
    size_t i, running = 1;
    uint64_t id = 0, victim = 0;
    char path[64];
    int rounds = 0;
    opts.max_per_host = 3;
    REQUIRE(p2pcdn_fetcher_new(&f, c, &opts) == P2PCDN_OK);
    for (i = 0; i < 11; ++i) {
        sprintf(path, "/slow/capi/%u", (unsigned)i);
        CHECK(p2pcdn_fetcher_submit(f, i, url("http", path), 0, on_done, &t, &id) == P2PCDN_OK);
        CHECK(id != 0);
    }
    CHECK(p2pcdn_fetcher_submit(f, 4, url("http", "/slow/capi-cancel/4"), 0, on_done, &cancelled,
                                &victim) == P2PCDN_OK);
    CHECK(p2pcdn_fetcher_cancel(f, victim) == P2PCDN_OK);
    CHECK_ERR(p2pcdn_fetcher_cancel(f, victim), P2PCDN_ENOTFOUND, "no pending fetch");
    CHECK_ERR(p2pcdn_fetcher_submit(f, 4, url("http", "/piece/4"), 0, NULL, NULL, NULL),
              P2PCDN_EINVAL, "callback is NULL");
    CHECK_ERR(p2pcdn_fetcher_submit(f, 12, url("http", "/piece/4"), 0, on_done, &t, NULL),
              P2PCDN_ERANGE, "out of range");
    while (running > 0 && rounds++ < 500) {
        CHECK(p2pcdn_fetcher_step(f, 100, &running) == P2PCDN_OK);
    }
    CHECK(running == 0);
    CHECK(t.calls == 11);
    CHECK(t.ok == 11);
    CHECK(t.wrong == 0);
    CHECK(t.step_rc == P2PCDN_ESTATE);
    CHECK(cancelled.calls == 0);
    CHECK_ERR(p2pcdn_fetcher_step(f, -1, NULL), P2PCDN_EINVAL, "negative");

    /* Freed from its own callback: the rest of that step's callbacks are skipped. */
    t.calls = 0;
    t.free_in_callback = 1;
    CHECK(p2pcdn_fetcher_submit(f, 0, url("http", "/piece/0"), 0, on_done, &t, NULL) ==
          P2PCDN_OK);
    CHECK(p2pcdn_fetcher_submit(f, 1, url("http", "/piece/1"), 0, on_done, &t, NULL) ==
          P2PCDN_OK);
    rounds = 0;
    while (t.calls == 0 && rounds++ < 100) {
        CHECK(p2pcdn_fetcher_step(f, 100, &running) == P2PCDN_OK);
    }
    CHECK(t.calls == 1);
    CHECK_ERR(p2pcdn_fetcher_step(f, 0, NULL), P2PCDN_EINVAL, "not a live p2pcdn_fetcher");

    /* Freed with fetches in flight: no callback. */
    REQUIRE(p2pcdn_fetcher_new(&f, c, &opts) == P2PCDN_OK);
    t.calls = 0;
    CHECK(p2pcdn_fetcher_submit(f, 0, url("http", "/slow/capi-free/0"), 0, on_done, &t, NULL) ==
          P2PCDN_OK);
    CHECK(p2pcdn_fetcher_step(f, 10, NULL) == P2PCDN_OK);
    p2pcdn_fetcher_free(f);
    CHECK(t.calls == 0);
}

int main(void) {
    p2pcdn_content* c;
    p2pcdn_fetcher* f = NULL;
    REQUIRE(p2pcdn_global_init() > 0);
    load_server();
    test_options();
    test_new();
    c = make_content(1);
    REQUIRE(p2pcdn_fetcher_new(&f, c, NULL) == P2PCDN_OK);
    test_get(f);
    p2pcdn_fetcher_free(f);
    test_tls_with_ca(c);
    test_submit(c);
    p2pcdn_content_free(c);
    CHECK(p2pcdn_global_cleanup() == 0);
    return check_report("capi_fetcher");
}
