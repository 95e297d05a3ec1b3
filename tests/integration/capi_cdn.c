/* The CDN client through the C ABI against real servers. Plain C99, only <p2pcdn/p2pcdn.h>.
 *
 *   capi_test_cdn fault   the fault server (P2PCDN_FAULT_SERVER names its ports file): its
 *                         object store with faults (/cdn/<key>/<fault>/...) as origin and edge,
 *                         its content paths as the CSS; retries, final failures, uncertain
 *                         uploads, cancel, and what callbacks may do
 *   capi_test_cdn lab     the loopback CDN lab (P2PCDN_CDN_LAB names its lab.json): pieces
 *                         pushed into the nginx origin, read back through Varnish (when the
 *                         lab has it) with the fetcher, copied from the origin as a CSS into
 *                         another path, then purged at the origin and the edge
 */
#include "check.h"

static unsigned char content_bytes[10 * 1024 + 123]; /* the fault server's content */
#define PIECE_LENGTH 1024u
#define PIECE_COUNT 11u

/* ---- small helpers ------------------------------------------------------------------------- */

static void read_file(const char* path, char* out, size_t cap) {
    FILE* f = fopen(path, "r");
    size_t n;
    REQUIRE(f != NULL);
    n = fread(out, 1, cap - 1, f);
    fclose(f);
    out[n] = '\0';
}

/* The integer after "key": in a JSON text. */
static int json_int(const char* json, const char* key) {
    char pattern[64];
    const char* at;
    sprintf(pattern, "\"%s\": ", key);
    at = strstr(json, pattern);
    REQUIRE(at != NULL);
    return atoi(at + strlen(pattern));
}

/* The first "url" string after "key": in the lab's JSON, or "" when key is null. */
static void json_url_after(const char* json, const char* key, char* out, size_t cap) {
    char pattern[64];
    const char* at;
    size_t n = 0;
    sprintf(pattern, "\"%s\": ", key);
    at = strstr(json, pattern);
    REQUIRE(at != NULL);
    at += strlen(pattern);
    out[0] = '\0';
    if (strncmp(at, "null", 4) == 0) {
        return;
    }
    at = strstr(at, "\"url\": \"");
    REQUIRE(at != NULL);
    at += strlen("\"url\": \"");
    while (at[n] != '"' && n + 1 < cap) {
        out[n] = at[n];
        ++n;
    }
    out[n] = '\0';
}

static p2pcdn_content* make_content(const char* id, unsigned char* bytes, size_t total,
                                    uint32_t piece_length) {
    p2pcdn_content* c = NULL;
    REQUIRE(p2pcdn_content_new(&c, id, total, piece_length) == P2PCDN_OK);
    REQUIRE(p2pcdn_content_hash_buffer(c, bytes, total, NULL) == P2PCDN_OK);
    return c;
}

/* Queues an ingest of `count` pieces from the pieces of `bytes` (piece_length each, the last
 * one shorter). */
static uint64_t ingest(p2pcdn_cdn* c, const char* id, const size_t* pieces, size_t count,
                       const unsigned char* bytes, size_t total, size_t piece_length,
                       p2pcdn_cdn_job_cb cb, void* payload) {
    const void* data[16];
    size_t lens[16];
    size_t i;
    uint64_t job = 0;
    REQUIRE(count <= 16);
    for (i = 0; i < count; ++i) {
        size_t offset = pieces[i] * piece_length;
        data[i] = bytes + offset;
        lens[i] = total - offset < piece_length ? total - offset : piece_length;
    }
    REQUIRE(p2pcdn_cdn_ingest(c, id, pieces, count, data, lens, 60, cb, payload, &job) ==
            P2PCDN_OK);
    REQUIRE(job != 0);
    return job;
}

static int wait_for(p2pcdn_cdn* c, uint64_t job) {
    int state = -1;
    REQUIRE(p2pcdn_cdn_wait(c, job, &state) == P2PCDN_OK);
    return state;
}

static p2pcdn_cdn_item_result item_at(p2pcdn_cdn* c, uint64_t job, size_t i) {
    p2pcdn_cdn_item_result r = P2PCDN_CDN_ITEM_RESULT_INIT;
    REQUIRE(p2pcdn_cdn_job_item_at(c, job, i, &r) == P2PCDN_OK);
    return r;
}

static p2pcdn_cdn_job_info info_of(p2pcdn_cdn* c, uint64_t job) {
    p2pcdn_cdn_job_info info = P2PCDN_CDN_JOB_INFO_INIT;
    REQUIRE(p2pcdn_cdn_job_status(c, job, &info) == P2PCDN_OK);
    return info;
}

static p2pcdn_cdn_driver_metrics metrics_of(p2pcdn_cdn* c, const char* driver) {
    p2pcdn_cdn_driver_metrics m = P2PCDN_CDN_DRIVER_METRICS_INIT;
    REQUIRE(p2pcdn_cdn_metrics(c, driver, &m) == P2PCDN_OK);
    return m;
}

/* GETs a piece with a fetcher for `content`; the fetch status. */
static int fetch_status(const p2pcdn_content* content, size_t piece, const char* uri) {
    p2pcdn_fetcher* f = NULL;
    p2pcdn_fetch_result r = P2PCDN_FETCH_RESULT_INIT;
    static unsigned char buf[1 << 17];
    size_t size = 0;
    REQUIRE(p2pcdn_fetcher_new(&f, content, NULL) == P2PCDN_OK);
    REQUIRE(p2pcdn_fetcher_get(f, piece, uri, 0, buf, sizeof buf, &size, &r) == P2PCDN_OK);
    p2pcdn_fetcher_free(f);
    return r.status;
}

/* ---- against the fault server -------------------------------------------------------------- */

static int http_port, closed_port;

static const char* at_server(const char* path) {
    static char buf[8][512];
    static int next = 0;
    char* out = buf[next++ % 8];
    sprintf(out, "http://127.0.0.1:%d%s", http_port, path);
    return out;
}

/* Options for an origin at `path` of the fault server (its delivery URI is the same object),
 * with quick retries. */
static p2pcdn_cdn_options store_options(const char* path) {
    p2pcdn_cdn_options opts = P2PCDN_CDN_OPTIONS_INIT;
    const char* url = at_server(path);
    opts.origin_ingest_template = url;
    opts.delivery_template = url;
    opts.connect_timeout_ms = 3000;
    opts.timeout_ms = 10000;
    opts.retry_base_delay_ms = 1;
    opts.retry_max_delay_ms = 5;
    opts.retry_seed = 7;
    return opts;
}

static p2pcdn_cdn* new_cdn(const p2pcdn_cdn_options* opts) {
    p2pcdn_cdn* c = NULL;
    REQUIRE(p2pcdn_cdn_new(&c, opts) == P2PCDN_OK);
    return c;
}

struct calls {
    int count;
    int last_state;
    uint64_t last_job;
    int step_rc;
    int item_rc;
    size_t items_done;
    int forget;           /* forget the job from its callback */
    int free_client;      /* free the client from the callback */
    int purge_from_cb;    /* queue a purge of the job's pieces from the callback */
    uint64_t queued;
};

static void on_job(p2pcdn_cdn* c, uint64_t job, int state, void* payload) {
    struct calls* k = (struct calls*)payload;
    p2pcdn_cdn_item_result r = P2PCDN_CDN_ITEM_RESULT_INIT;
    size_t count = 0, i;
    ++k->count;
    k->last_state = state;
    k->last_job = job;
    k->step_rc = p2pcdn_cdn_step(c, 0, NULL);
    if (k->forget) {
        CHECK(p2pcdn_cdn_forget(c, job) == P2PCDN_OK);
    }
    /* The job stays readable from its callback, even once forgotten. */
    k->item_rc = p2pcdn_cdn_job_item_count(c, job, &count);
    k->items_done = 0;
    for (i = 0; i < count; ++i) {
        if (p2pcdn_cdn_job_item_at(c, job, i, &r) == P2PCDN_OK && r.state == P2PCDN_ITEM_DONE) {
            ++k->items_done;
        }
    }
    if (k->purge_from_cb) {
        size_t piece = r.piece;
        CHECK(p2pcdn_cdn_purge(c, "fault", &piece, 1, NULL, NULL, &k->queued) == P2PCDN_OK);
    }
    if (k->free_client) {
        p2pcdn_cdn_free(c);
    }
}

static void test_ingest_read_back_and_purge(const p2pcdn_content* content) {
    p2pcdn_cdn_options opts = store_options("/cdn/capi-ok/ok/{content}/{piece}");
    p2pcdn_cdn* c = new_cdn(&opts);
    size_t pieces[3] = {0, 5, 10};
    struct calls k;
    uint64_t job;
    p2pcdn_cdn_item_result r;
    p2pcdn_cdn_job_info info;
    p2pcdn_cdn_driver_metrics m;
    size_t i;
    char uri[256];
    size_t size = 0;
    memset(&k, 0, sizeof k);

    job = ingest(c, "fault", pieces, 3, content_bytes, sizeof content_bytes, PIECE_LENGTH, on_job,
                 &k);
    CHECK(wait_for(c, job) == P2PCDN_JOB_COMPLETE);
    CHECK(k.count == 1);
    CHECK(k.last_job == job && k.last_state == P2PCDN_JOB_COMPLETE);
    CHECK(k.step_rc == P2PCDN_ESTATE);
    CHECK(k.item_rc == P2PCDN_OK && k.items_done == 3);
    info = info_of(c, job);
    CHECK(info.kind == P2PCDN_JOB_INGEST && info.state == P2PCDN_JOB_COMPLETE);
    CHECK(info.items == 3 && info.done == 3 && info.failed == 0 && info.uncertain == 0);
    CHECK(info.retries == 0);
    CHECK(info.finished_ms >= info.created_ms && info.finished_ms > 0);
    for (i = 0; i < 3; ++i) {
        r = item_at(c, job, i);
        CHECK(r.piece == pieces[i]);
        CHECK(r.state == P2PCDN_ITEM_DONE);
        CHECK(r.error == P2PCDN_OK);
        CHECK(r.http_status == 201);
        CHECK(r.attempts == 1);
        CHECK(r.uncertain == 0);
        CHECK(strcmp(r.message, "") == 0 && strcmp(r.driver, "") == 0);
        REQUIRE(p2pcdn_cdn_delivery_uri(c, "fault", pieces[i], uri, sizeof uri, &size) ==
                P2PCDN_OK);
        CHECK(strcmp(r.uri, uri) == 0);
        /* What the origin holds now is the piece. */
        CHECK(fetch_status(content, pieces[i], r.uri) == P2PCDN_FETCH_OK);
    }
    m = metrics_of(c, "origin");
    CHECK(m.requests == 3 && m.retries == 0 && m.failures == 0);
    CHECK(m.bytes_sent == 2 * PIECE_LENGTH + 123);
    CHECK(p2pcdn_cdn_forget(c, job) == P2PCDN_OK);
    CHECK_ERR(p2pcdn_cdn_job_state(c, job, &k.last_state), P2PCDN_ENOTFOUND, "no job");

    /* The purge deletes them: the origin answers 404 from then on. */
    memset(&k, 0, sizeof k);
    REQUIRE(p2pcdn_cdn_purge(c, "fault", pieces, 3, on_job, &k, &job) == P2PCDN_OK);
    CHECK(wait_for(c, job) == P2PCDN_JOB_COMPLETE);
    CHECK(k.count == 1);
    CHECK(info_of(c, job).kind == P2PCDN_JOB_PURGE);
    CHECK(item_at(c, job, 2).http_status == 204);
    CHECK(fetch_status(content, 5, item_at(c, job, 1).uri) == P2PCDN_FETCH_GONE);
    p2pcdn_cdn_free(c);
}

static void test_retries_and_failures(void) {
    size_t piece = 1;
    uint64_t job;
    p2pcdn_cdn_item_result r;
    p2pcdn_cdn_options opts = store_options("/cdn/capi-flaky/flaky-2-503/{content}/{piece}");
    p2pcdn_cdn* c = new_cdn(&opts);

    /* Two 503s, then the store. */
    job = ingest(c, "fault", &piece, 1, content_bytes, sizeof content_bytes, PIECE_LENGTH, NULL,
                 NULL);
    CHECK(wait_for(c, job) == P2PCDN_JOB_COMPLETE);
    r = item_at(c, job, 0);
    CHECK(r.attempts == 3 && r.http_status == 201);
    CHECK(info_of(c, job).retries == 2);
    CHECK(metrics_of(c, "origin").retries == 2);
    CHECK(metrics_of(c, "origin").requests == 3);
    p2pcdn_cdn_free(c);

    /* A 403 is final. */
    opts = store_options("/cdn/capi-403/status-403/{content}/{piece}");
    c = new_cdn(&opts);
    job = ingest(c, "fault", &piece, 1, content_bytes, sizeof content_bytes, PIECE_LENGTH, NULL,
                 NULL);
    CHECK(wait_for(c, job) == P2PCDN_JOB_FAILED);
    r = item_at(c, job, 0);
    CHECK(r.state == P2PCDN_ITEM_FAILED);
    CHECK(r.error == P2PCDN_EHTTP && r.http_status == 403);
    CHECK(r.attempts == 1);
    CHECK(strcmp(r.driver, "origin") == 0);
    CHECK(strstr(r.message, "403") != NULL);
    CHECK(r.uncertain == 0);
    CHECK(metrics_of(c, "origin").failures == 1);
    p2pcdn_cdn_free(c);

    /* No answer at all, twice: failed, and the upload may have landed. */
    opts = store_options("/cdn/capi-noanswer/noanswer/{content}/{piece}");
    opts.retry_max_attempts = 2;
    c = new_cdn(&opts);
    job = ingest(c, "fault", &piece, 1, content_bytes, sizeof content_bytes, PIECE_LENGTH, NULL,
                 NULL);
    CHECK(wait_for(c, job) == P2PCDN_JOB_FAILED);
    r = item_at(c, job, 0);
    CHECK(r.error == P2PCDN_ENETWORK);
    CHECK(r.attempts == 2 && r.http_status == 0);
    CHECK(r.uncertain == 1);
    CHECK(info_of(c, job).uncertain == 1);
    p2pcdn_cdn_free(c);

    /* Nothing listens: connection refused. */
    opts = store_options("/x/{piece}");
    {
        char url[128];
        sprintf(url, "http://127.0.0.1:%d/x/{piece}", closed_port);
        opts.origin_ingest_template = url;
        opts.retry_max_attempts = 1;
        c = new_cdn(&opts);
        job = ingest(c, "fault", &piece, 1, content_bytes, sizeof content_bytes, PIECE_LENGTH,
                     NULL, NULL);
        CHECK(wait_for(c, job) == P2PCDN_JOB_FAILED);
        CHECK(item_at(c, job, 0).error == P2PCDN_ENETWORK);
        p2pcdn_cdn_free(c);
    }
}

static void test_css(const p2pcdn_content* content) {
    p2pcdn_cdn_options opts = store_options("/cdn/capi-css/ok/{content}/{piece}");
    p2pcdn_cdn* c = new_cdn(&opts);
    p2pcdn_css_options css = P2PCDN_CSS_OPTIONS_INIT;
    p2pcdn_signer_options bearer = P2PCDN_SIGNER_OPTIONS_INIT;
    size_t pieces[4] = {2, 3, 9, 10};
    uint64_t job = 0;
    p2pcdn_cdn_item_result r;

    /* One URL per piece. */
    css.piece_template = at_server("/piece/{piece}");
    REQUIRE(p2pcdn_cdn_ingest_from_css(c, content, pieces, 4, &css, 60, NULL, NULL, &job) ==
            P2PCDN_OK);
    CHECK(wait_for(c, job) == P2PCDN_JOB_COMPLETE);
    CHECK(metrics_of(c, "css").requests == 4);
    CHECK(metrics_of(c, "css").bytes_received == 3 * PIECE_LENGTH + 123);
    CHECK(fetch_status(content, 10, item_at(c, job, 3).uri) == P2PCDN_FETCH_OK);

    /* The whole object, by byte Ranges. */
    css.piece_template = NULL;
    css.object_url = at_server("/content.bin");
    REQUIRE(p2pcdn_cdn_ingest_from_css(c, content, pieces, 2, &css, 60, NULL, NULL, &job) ==
            P2PCDN_OK);
    CHECK(wait_for(c, job) == P2PCDN_JOB_COMPLETE);

    /* Wrong bytes never reach the origin. */
    css.object_url = NULL;
    css.piece_template = at_server("/wrong/{piece}");
    REQUIRE(p2pcdn_cdn_ingest_from_css(c, content, pieces, 1, &css, 60, NULL, NULL, &job) ==
            P2PCDN_OK);
    CHECK(wait_for(c, job) == P2PCDN_JOB_FAILED);
    r = item_at(c, job, 0);
    CHECK(r.error == P2PCDN_EHASH);
    CHECK(strcmp(r.driver, "css") == 0);
    CHECK(r.uncertain == 0);

    /* The CSS's own signer. */
    css.piece_template = at_server("/auth-required/{piece}");
    REQUIRE(p2pcdn_cdn_ingest_from_css(c, content, pieces, 1, &css, 60, NULL, NULL, &job) ==
            P2PCDN_OK);
    CHECK(wait_for(c, job) == P2PCDN_JOB_FAILED);
    r = item_at(c, job, 0);
    CHECK(r.error == P2PCDN_EHTTP && r.http_status == 401);
    bearer.kind = P2PCDN_SIGNER_BEARER;
    bearer.token = "secret";
    css.signer = &bearer;
    REQUIRE(p2pcdn_cdn_ingest_from_css(c, content, pieces, 1, &css, 60, NULL, NULL, &job) ==
            P2PCDN_OK);
    CHECK(wait_for(c, job) == P2PCDN_JOB_COMPLETE);
    CHECK(strstr(p2pcdn_last_error(), "secret") == NULL);
    p2pcdn_cdn_free(c);
}

static void test_edge_purge(void) {
    p2pcdn_cdn_options opts = store_options("/cdn/capi-edge/ok/{content}/{piece}");
    const char* edges[2];
    int chain[2] = {P2PCDN_CDN_DRIVER_ORIGIN, P2PCDN_CDN_DRIVER_EDGE};
    size_t pieces[2] = {0, 1};
    uint64_t job = 0;
    p2pcdn_cdn* c;
    edges[0] = at_server("");
    edges[1] = at_server("/");
    opts.edges = edges;
    opts.edge_count = 2;
    opts.purge_chain = chain;
    opts.purge_chain_len = 2;
    c = new_cdn(&opts);
    REQUIRE(p2pcdn_cdn_purge(c, "fault", pieces, 2, NULL, NULL, &job) == P2PCDN_OK);
    CHECK(wait_for(c, job) == P2PCDN_JOB_COMPLETE);
    CHECK(metrics_of(c, "origin").requests == 2); /* DELETE: 404 is success */
    CHECK(metrics_of(c, "edge").requests == 4);   /* PURGE on both edges */
    CHECK(item_at(c, job, 1).state == P2PCDN_ITEM_DONE);
    p2pcdn_cdn_free(c);
}

static void test_cancel(void) {
    p2pcdn_cdn_options opts = store_options("/cdn/capi-slow/slow-3000/{content}/{piece}");
    p2pcdn_cdn* c = new_cdn(&opts);
    size_t pieces[2] = {0, 1};
    struct calls k;
    uint64_t job;
    size_t active = 0;
    int i;
    p2pcdn_cdn_item_result r;
    memset(&k, 0, sizeof k);
    job = ingest(c, "fault", pieces, 2, content_bytes, sizeof content_bytes, PIECE_LENGTH, on_job,
                 &k);
    for (i = 0; i < 5; ++i) {
        CHECK(p2pcdn_cdn_step(c, 20, &active) == P2PCDN_OK); /* the PUTs go out */
    }
    CHECK(active == 1);
    CHECK(p2pcdn_cdn_cancel(c, job) == P2PCDN_OK);
    CHECK(wait_for(c, job) == P2PCDN_JOB_CANCELLED);
    CHECK(k.count == 1 && k.last_state == P2PCDN_JOB_CANCELLED);
    r = item_at(c, job, 0);
    CHECK(r.state == P2PCDN_ITEM_CANCELLED);
    CHECK(r.error == P2PCDN_ECANCELLED);
    CHECK(r.uncertain == 1); /* its PUT was on its way */
    CHECK_ERR(p2pcdn_cdn_cancel(c, job), P2PCDN_ENOTFOUND, "no running job");
    p2pcdn_cdn_free(c);
}

static void test_callbacks(void) {
    p2pcdn_cdn_options opts = store_options("/cdn/capi-cb/ok/{content}/{piece}");
    p2pcdn_cdn* c = new_cdn(&opts);
    size_t pieces[2] = {3, 4};
    struct calls k;
    uint64_t job;
    int state = -1, rounds = 0;
    size_t active = 1;
    memset(&k, 0, sizeof k);

    /* Forgetting the job and queueing a purge from its callback. */
    k.forget = 1;
    k.purge_from_cb = 1;
    job = ingest(c, "fault", pieces, 2, content_bytes, sizeof content_bytes, PIECE_LENGTH, on_job,
                 &k);
    while (k.count == 0 && rounds++ < 200) {
        CHECK(p2pcdn_cdn_step(c, 50, &active) == P2PCDN_OK);
    }
    CHECK(k.count == 1 && k.items_done == 2 && k.item_rc == P2PCDN_OK);
    CHECK_ERR(p2pcdn_cdn_job_state(c, job, &state), P2PCDN_ENOTFOUND, "no job");
    REQUIRE(k.queued != 0);
    CHECK(wait_for(c, k.queued) == P2PCDN_JOB_COMPLETE);

    p2pcdn_cdn_free(c);
}

/* The fault segment of the store's path comes from the content id, so jobs of one client can
 * meet different faults: content "ok" is the plain store, "slow-3000" answers after 3 s. */
static p2pcdn_cdn* per_content_store(const char* key) {
    char path[128];
    p2pcdn_cdn_options opts;
    sprintf(path, "/cdn/%s/{content}/x/{piece}", key);
    opts = store_options(path);
    return new_cdn(&opts);
}

static void test_free_from_callback(void) {
    p2pcdn_cdn* c = per_content_store("capi-free");
    size_t pieces[2] = {3, 4};
    struct calls k;
    uint64_t slow;
    int state = -1, rounds = 0;

    /* Two jobs whose callbacks free the client: only the first one runs. */
    memset(&k, 0, sizeof k);
    k.free_client = 1;
    ingest(c, "ok", pieces, 1, content_bytes, sizeof content_bytes, PIECE_LENGTH, on_job, &k);
    ingest(c, "ok", pieces + 1, 1, content_bytes, sizeof content_bytes, PIECE_LENGTH, on_job, &k);
    while (k.count == 0 && rounds++ < 200) {
        CHECK(p2pcdn_cdn_step(c, 50, NULL) == P2PCDN_OK);
    }
    CHECK(k.count == 1);
    CHECK_ERR(p2pcdn_cdn_step(c, 0, NULL), P2PCDN_EINVAL, "not a live p2pcdn_cdn handle");

    /* A wait on a slow job ends when a quick job's callback frees the client. */
    c = per_content_store("capi-free-wait");
    memset(&k, 0, sizeof k);
    k.free_client = 1;
    slow = ingest(c, "slow-3000", pieces, 1, content_bytes, sizeof content_bytes, PIECE_LENGTH,
                  NULL, NULL);
    ingest(c, "ok", pieces, 1, content_bytes, sizeof content_bytes, PIECE_LENGTH, on_job, &k);
    CHECK_ERR(p2pcdn_cdn_wait(c, slow, &state), P2PCDN_ECANCELLED, "freed by a callback");
    CHECK(state == -1);
    CHECK(k.count == 1);
}

static void run_fault(void) {
    const char* path = getenv("P2PCDN_FAULT_SERVER");
    char json[4096];
    p2pcdn_content* content;
    size_t i;
    REQUIRE(path != NULL);
    read_file(path, json, sizeof json);
    http_port = json_int(json, "http");
    closed_port = json_int(json, "closed");
    for (i = 0; i < sizeof content_bytes; ++i) {
        content_bytes[i] = (unsigned char)((i * 7 + 3) % 251);
    }
    content = make_content("fault", content_bytes, sizeof content_bytes, PIECE_LENGTH);
    test_ingest_read_back_and_purge(content);
    test_retries_and_failures();
    test_css(content);
    test_edge_purge();
    test_cancel();
    test_callbacks();
    test_free_from_callback();
    p2pcdn_content_free(content);
}

/* ---- against the CDN lab ------------------------------------------------------------------- */

#define LAB_PIECE 65536u
#define LAB_PIECES 5u
#define LAB_TOTAL (LAB_PIECE * LAB_PIECES - 999u)
static unsigned char lab_bytes[LAB_TOTAL];

static void run_lab(void) {
    const char* path = getenv("P2PCDN_CDN_LAB");
    char json[16384], origin[256], varnish[256], tmpl[512], delivery[512], mirror[512];
    const char* edges[1];
    int purge_chain[2] = {P2PCDN_CDN_DRIVER_ORIGIN, P2PCDN_CDN_DRIVER_EDGE};
    size_t pieces[LAB_PIECES] = {0, 1, 2, 3, 4};
    p2pcdn_cdn_options opts = P2PCDN_CDN_OPTIONS_INIT;
    p2pcdn_css_options css = P2PCDN_CSS_OPTIONS_INIT;
    p2pcdn_cdn *pusher, *copier;
    p2pcdn_content* content;
    uint64_t job = 0, copy_job = 0;
    uint32_t x = 2463534242u;
    size_t i;
    REQUIRE(path != NULL);
    read_file(path, json, sizeof json);
    json_url_after(json, "origin", origin, sizeof origin);
    json_url_after(json, "varnish", varnish, sizeof varnish);
    REQUIRE(origin[0] != '\0');
    for (i = 0; i < LAB_TOTAL; ++i) {
        x ^= x << 13;
        x ^= x >> 17;
        x ^= x << 5;
        lab_bytes[i] = (unsigned char)x;
    }
    content = make_content("capi-lab", lab_bytes, LAB_TOTAL, LAB_PIECE);

    /* Push into the origin; UEs read through Varnish when the lab has it, which the purge then
     * clears as well. */
    sprintf(tmpl, "%s/capi-cdn/{content}/{piece}", origin);
    sprintf(delivery, "%s/capi-cdn/{content}/{piece}", varnish[0] != '\0' ? varnish : origin);
    opts.origin_ingest_template = tmpl;
    opts.delivery_template = delivery;
    if (varnish[0] != '\0') {
        edges[0] = varnish;
        opts.edges = edges;
        opts.edge_count = 1;
        opts.purge_chain = purge_chain;
        opts.purge_chain_len = 2;
    }
    pusher = new_cdn(&opts);
    job = ingest(pusher, "capi-lab", pieces, LAB_PIECES, lab_bytes, LAB_TOTAL, LAB_PIECE, NULL,
                 NULL);
    CHECK(wait_for(pusher, job) == P2PCDN_JOB_COMPLETE);
    for (i = 0; i < LAB_PIECES; ++i) {
        CHECK(item_at(pusher, job, i).http_status == 201);
        CHECK(fetch_status(content, i, item_at(pusher, job, i).uri) == P2PCDN_FETCH_OK);
    }
    CHECK(metrics_of(pusher, "origin").bytes_sent == LAB_TOTAL);

    /* The origin as a CSS for another path: fetched, verified, pushed. */
    sprintf(mirror, "%s/capi-mirror/{content}/{piece}", origin);
    opts = (p2pcdn_cdn_options)P2PCDN_CDN_OPTIONS_INIT;
    opts.origin_ingest_template = mirror;
    opts.delivery_template = mirror;
    copier = new_cdn(&opts);
    css.piece_template = tmpl;
    REQUIRE(p2pcdn_cdn_ingest_from_css(copier, content, pieces, LAB_PIECES, &css, 300, NULL,
                                       NULL, &copy_job) == P2PCDN_OK);
    CHECK(wait_for(copier, copy_job) == P2PCDN_JOB_COMPLETE);
    CHECK(fetch_status(content, 4, item_at(copier, copy_job, 4).uri) == P2PCDN_FETCH_OK);
    CHECK(metrics_of(copier, "css").bytes_received == LAB_TOTAL);

    /* Purge: the origin forgets the objects and the edge its copies. */
    REQUIRE(p2pcdn_cdn_purge(pusher, "capi-lab", pieces, LAB_PIECES, NULL, NULL, &job) ==
            P2PCDN_OK);
    CHECK(wait_for(pusher, job) == P2PCDN_JOB_COMPLETE);
    for (i = 0; i < LAB_PIECES; ++i) {
        CHECK(fetch_status(content, i, item_at(pusher, job, i).uri) == P2PCDN_FETCH_GONE);
    }
    if (varnish[0] != '\0') {
        CHECK(metrics_of(pusher, "edge").requests == LAB_PIECES);
    }
    REQUIRE(p2pcdn_cdn_purge(copier, "capi-lab", pieces, LAB_PIECES, NULL, NULL, &job) ==
            P2PCDN_OK);
    CHECK(wait_for(copier, job) == P2PCDN_JOB_COMPLETE);
    p2pcdn_cdn_free(pusher);
    p2pcdn_cdn_free(copier);
    p2pcdn_content_free(content);
}

int main(int argc, char** argv) {
    REQUIRE(argc == 2);
    REQUIRE(p2pcdn_global_init() > 0);
    if (strcmp(argv[1], "fault") == 0) {
        run_fault();
    } else if (strcmp(argv[1], "lab") == 0) {
        run_lab();
    } else {
        REQUIRE(!"the argument is fault or lab");
    }
    CHECK(p2pcdn_global_cleanup() == 0);
    return check_report(argv[1]);
}
