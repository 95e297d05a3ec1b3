/* The CDN client through the C ABI without a network: options and their defaults, every
 * misuse a caller can make (handles, versions, chains, signers, arrays, job arguments), and
 * the getters of a client whose jobs never ran. Transfers are in
 * tests/integration/capi_cdn.c. */
#include "check.h"

/* Nothing listens on port 9 (discard) here, and no job in this file is ever stepped. */
#define ORIGIN "http://127.0.0.1:9/ingest/{content}/{piece}"
#define DELIVERY "http://127.0.0.1:9/cdn/{content}/{piece}"
#define SECRET "s3cr3t-value"

/* The macros and the init functions give the same bytes. The macro copies are static so that
 * their padding is zero, as the init functions leave it. */
static void test_option_initializers(void) {
    static const p2pcdn_cdn_options cdn_macro = P2PCDN_CDN_OPTIONS_INIT;
    static const p2pcdn_signer_options signer_macro = P2PCDN_SIGNER_OPTIONS_INIT;
    static const p2pcdn_css_options css_macro = P2PCDN_CSS_OPTIONS_INIT;
    static const p2pcdn_cdn_job_info info_macro = P2PCDN_CDN_JOB_INFO_INIT;
    static const p2pcdn_cdn_item_result item_macro = P2PCDN_CDN_ITEM_RESULT_INIT;
    static const p2pcdn_cdn_driver_metrics metrics_macro = P2PCDN_CDN_DRIVER_METRICS_INIT;
    p2pcdn_cdn_options cdn_fn;
    p2pcdn_signer_options signer_fn;
    p2pcdn_css_options css_fn;
    p2pcdn_cdn_job_info info_fn;
    p2pcdn_cdn_item_result item_fn;
    p2pcdn_cdn_driver_metrics metrics_fn;
    memset(&cdn_fn, 0xff, sizeof cdn_fn);
    memset(&signer_fn, 0xff, sizeof signer_fn);
    memset(&css_fn, 0xff, sizeof css_fn);
    memset(&info_fn, 0xff, sizeof info_fn);
    memset(&item_fn, 0xff, sizeof item_fn);
    memset(&metrics_fn, 0xff, sizeof metrics_fn);
    CHECK(p2pcdn_cdn_options_init(&cdn_fn, P2PCDN_CDN_OPTIONS_VERSION) == P2PCDN_OK);
    CHECK(p2pcdn_signer_options_init(&signer_fn, P2PCDN_SIGNER_OPTIONS_VERSION) == P2PCDN_OK);
    CHECK(p2pcdn_css_options_init(&css_fn, P2PCDN_CSS_OPTIONS_VERSION) == P2PCDN_OK);
    CHECK(p2pcdn_cdn_job_info_init(&info_fn, P2PCDN_CDN_JOB_INFO_VERSION) == P2PCDN_OK);
    CHECK(p2pcdn_cdn_item_result_init(&item_fn, P2PCDN_CDN_ITEM_RESULT_VERSION) == P2PCDN_OK);
    CHECK(p2pcdn_cdn_driver_metrics_init(&metrics_fn, P2PCDN_CDN_DRIVER_METRICS_VERSION) ==
          P2PCDN_OK);
    CHECK(memcmp(&cdn_macro, &cdn_fn, sizeof cdn_fn) == 0);
    CHECK(memcmp(&signer_macro, &signer_fn, sizeof signer_fn) == 0);
    CHECK(memcmp(&css_macro, &css_fn, sizeof css_fn) == 0);
    CHECK(memcmp(&info_macro, &info_fn, sizeof info_fn) == 0);
    CHECK(memcmp(&item_macro, &item_fn, sizeof item_fn) == 0);
    CHECK(memcmp(&metrics_macro, &metrics_fn, sizeof metrics_fn) == 0);
    CHECK_ERR(p2pcdn_cdn_options_init(&cdn_fn, 2), P2PCDN_EINVAL, "version 2");
    CHECK_ERR(p2pcdn_signer_options_init(&signer_fn, 0), P2PCDN_EINVAL, "version 0");
    CHECK_ERR(p2pcdn_css_options_init(NULL, 1), P2PCDN_EINVAL, "is NULL");
    CHECK_ERR(p2pcdn_cdn_job_info_init(&info_fn, 7), P2PCDN_EINVAL, "version 7");
    CHECK_ERR(p2pcdn_cdn_item_result_init(&item_fn, 7), P2PCDN_EINVAL, "version 7");
    CHECK_ERR(p2pcdn_cdn_driver_metrics_init(&metrics_fn, 7), P2PCDN_EINVAL, "version 7");
}

static p2pcdn_cdn_options origin_options(void) {
    p2pcdn_cdn_options opts = P2PCDN_CDN_OPTIONS_INIT;
    opts.delivery_template = DELIVERY;
    opts.origin_ingest_template = ORIGIN;
    return opts;
}

/* p2pcdn_cdn_new must refuse opts with `code` and a message holding `text`. */
static void check_refused(const p2pcdn_cdn_options* opts, int code, const char* text) {
    p2pcdn_cdn* c = NULL;
    CHECK_ERR(p2pcdn_cdn_new(&c, opts), code, text);
    CHECK(c == NULL);
}

static void test_new_misuse(void) {
    p2pcdn_cdn_options opts = origin_options();
    p2pcdn_cdn* c = NULL;
    int bad_driver[1] = {7};
    int twice[2] = {P2PCDN_CDN_DRIVER_ORIGIN, P2PCDN_CDN_DRIVER_ORIGIN};
    int too_long[4] = {0, 1, 2, 0};
    int edge_only[1] = {P2PCDN_CDN_DRIVER_EDGE};
    const char* edges[2] = {"http://127.0.0.1:9", NULL};

    CHECK_ERR(p2pcdn_cdn_new(NULL, &opts), P2PCDN_EINVAL, "out is NULL");
    check_refused(NULL, P2PCDN_EINVAL, "delivery_template");
    opts.version = 0;
    check_refused(&opts, P2PCDN_EINVAL, "version 0");
    opts.version = P2PCDN_CDN_OPTIONS_VERSION + 1;
    check_refused(&opts, P2PCDN_EINVAL, "not supported");
    opts = origin_options();
    opts.delivery_template = NULL;
    check_refused(&opts, P2PCDN_EINVAL, "delivery_template is NULL");
    opts.delivery_template = "http://127.0.0.1:9/no-placeholder";
    check_refused(&opts, P2PCDN_EINVAL, "{piece}");
    opts.delivery_template = "ftp://127.0.0.1/{piece}";
    check_refused(&opts, P2PCDN_EINVAL, "delivery template");

    /* chains */
    opts = origin_options();
    opts.ingest_chain = bad_driver;
    opts.ingest_chain_len = 1;
    check_refused(&opts, P2PCDN_EINVAL, "ingest_chain[0] is 7");
    opts.ingest_chain = twice;
    opts.ingest_chain_len = 2;
    check_refused(&opts, P2PCDN_EINVAL, "names driver 0 twice");
    opts.ingest_chain = too_long;
    opts.ingest_chain_len = 4;
    check_refused(&opts, P2PCDN_EINVAL, "at most 3");
    opts.ingest_chain = NULL;
    opts.ingest_chain_len = 1;
    check_refused(&opts, P2PCDN_EINVAL, "ingest_chain is NULL");
    opts = origin_options();
    opts.purge_chain = edge_only; /* no edges configured */
    opts.purge_chain_len = 1;
    check_refused(&opts, P2PCDN_EINVAL, "not configured");
    opts.origin_ingest_template = NULL; /* the default chain is then empty, not the origin */
    opts.purge_chain = NULL;
    opts.purge_chain_len = 0;
    CHECK(p2pcdn_cdn_new(&c, &opts) == P2PCDN_OK);
    p2pcdn_cdn_free(c);
    c = NULL;

    /* arrays */
    opts = origin_options();
    opts.edge_count = 2;
    check_refused(&opts, P2PCDN_EINVAL, "edges is NULL");
    opts.edges = edges;
    check_refused(&opts, P2PCDN_EINVAL, "edges[1] is NULL");
    opts.edge_count = P2PCDN_CDN_EDGES_MAX + 1;
    check_refused(&opts, P2PCDN_ERANGE, "at most 1024");
    opts = origin_options();
    opts.cit_collection_url = "http://127.0.0.1:9/triggers";
    opts.cit_cdn_path_len = 1;
    check_refused(&opts, P2PCDN_EINVAL, "cit_cdn_path is NULL");
    opts.cit_cdn_path_len = 0;
    opts.cit_poll_interval_ms = -1;
    check_refused(&opts, P2PCDN_EINVAL, "must not be negative");

    /* numbers */
    opts = origin_options();
    opts.connect_timeout_ms = -5;
    check_refused(&opts, P2PCDN_EINVAL, "negative");
    opts = origin_options();
    opts.retry_max_attempts = 1000;
    check_refused(&opts, P2PCDN_EINVAL, "max_attempts");
}

static void test_signer_misuse(void) {
    p2pcdn_cdn_options opts = origin_options();
    p2pcdn_signer_options signer = P2PCDN_SIGNER_OPTIONS_INIT;
    p2pcdn_cdn* c = NULL;
    opts.origin_signer = &signer;

    signer.version = 9;
    check_refused(&opts, P2PCDN_EINVAL, "p2pcdn_signer_options version 9");
    signer.version = P2PCDN_SIGNER_OPTIONS_VERSION;
    signer.kind = 42;
    check_refused(&opts, P2PCDN_EINVAL, "origin signer: kind 42");
    signer.kind = P2PCDN_SIGNER_BEARER;
    check_refused(&opts, P2PCDN_EINVAL, "origin signer: token is NULL");
    signer.token = "";
    check_refused(&opts, P2PCDN_EINVAL, "origin signer");
    signer.token = SECRET "\r\nX-Injected: 1";
    check_refused(&opts, P2PCDN_EINVAL, "origin signer");
    CHECK(strstr(p2pcdn_last_error(), SECRET) == NULL);

    signer.kind = P2PCDN_SIGNER_HEADER;
    signer.header_name = "Fastly-Key";
    check_refused(&opts, P2PCDN_EINVAL, "origin signer: header_value is NULL");
    signer.header_name = "Bad Name:";
    signer.header_value = SECRET;
    check_refused(&opts, P2PCDN_EINVAL, "origin signer");
    CHECK(strstr(p2pcdn_last_error(), SECRET) == NULL);

    signer.kind = P2PCDN_SIGNER_AWS_SIGV4;
    signer.access_key_id = "AKIDEXAMPLE";
    signer.secret_access_key = SECRET;
    check_refused(&opts, P2PCDN_EINVAL, "origin signer: region is NULL");
    signer.region = "us-east-1";
    signer.service = "cloudfront";
    signer.unsigned_payload = 1;
    check_refused(&opts, P2PCDN_EINVAL, "unsigned_payload needs S3 rules");
    CHECK(strstr(p2pcdn_last_error(), SECRET) == NULL);

    /* each driver's signer is named as its own */
    opts = origin_options();
    signer.kind = P2PCDN_SIGNER_BEARER;
    signer.token = NULL;
    opts.cit_collection_url = "http://127.0.0.1:9/triggers";
    opts.cit_signer = &signer;
    check_refused(&opts, P2PCDN_EINVAL, "cit signer: token is NULL");

    /* and good ones are taken */
    opts = origin_options();
    signer = (p2pcdn_signer_options)P2PCDN_SIGNER_OPTIONS_INIT;
    signer.kind = P2PCDN_SIGNER_AWS_SIGV4;
    signer.access_key_id = "AKIDEXAMPLE";
    signer.secret_access_key = SECRET;
    signer.region = "us-east-1";
    opts.origin_signer = &signer;
    REQUIRE(p2pcdn_cdn_new(&c, &opts) == P2PCDN_OK);
    p2pcdn_cdn_free(c);
}

static void never_called(p2pcdn_cdn* cdn, uint64_t job, int state, void* payload) {
    (void)cdn;
    (void)job;
    (void)state;
    ++*(int*)payload;
}

static void test_job_misuse(p2pcdn_cdn* c) {
    size_t pieces[3] = {0, 1, 1};
    const void* bytes[3] = {"aaaa", "bbbb", "cccc"};
    size_t lens[3] = {4, 4, 4};
    uint64_t job = 0;
    int calls = 0;
    CHECK_ERR(p2pcdn_cdn_ingest(NULL, "film", pieces, 2, bytes, lens, 60, NULL, NULL, &job),
              P2PCDN_EINVAL, "p2pcdn_cdn handle is NULL");
    CHECK_ERR(p2pcdn_cdn_ingest(c, "film", pieces, 2, bytes, lens, 0, never_called, &calls, &job),
              P2PCDN_EINVAL, "TTL 0");
    CHECK_ERR(p2pcdn_cdn_ingest(c, "film", pieces, 2, bytes, lens, -1, NULL, NULL, &job),
              P2PCDN_EINVAL, "TTL -1");
    CHECK_ERR(p2pcdn_cdn_ingest(c, "film", pieces, 0, bytes, lens, 60, NULL, NULL, &job),
              P2PCDN_EINVAL, "at least one piece");
    CHECK_ERR(p2pcdn_cdn_ingest(c, "film", pieces, 3, bytes, lens, 60, NULL, NULL, &job),
              P2PCDN_EINVAL, "piece 1 is named twice");
    CHECK_ERR(p2pcdn_cdn_ingest(c, "film", NULL, 2, bytes, lens, 60, NULL, NULL, &job),
              P2PCDN_EINVAL, "pieces is NULL");
    CHECK_ERR(p2pcdn_cdn_ingest(c, "film", pieces, 2, NULL, lens, 60, NULL, NULL, &job),
              P2PCDN_EINVAL, "bytes is NULL");
    CHECK_ERR(p2pcdn_cdn_ingest(c, "film", pieces, 2, bytes, NULL, 60, NULL, NULL, &job),
              P2PCDN_EINVAL, "lens is NULL");
    CHECK_ERR(p2pcdn_cdn_ingest(c, NULL, pieces, 2, bytes, lens, 60, NULL, NULL, &job),
              P2PCDN_EINVAL, "content_id is NULL");
    CHECK_ERR(p2pcdn_cdn_ingest(c, "bad id", pieces, 2, bytes, lens, 60, NULL, NULL, &job),
              P2PCDN_EINVAL, "");
    CHECK_ERR(p2pcdn_cdn_ingest(c, "film", pieces, P2PCDN_CDN_JOB_MAX_PIECES + 1, bytes, lens, 60,
                                NULL, NULL, &job),
              P2PCDN_ERANGE, "at most 262144");
    CHECK_ERR(p2pcdn_cdn_purge(c, "film", pieces, 0, NULL, NULL, &job), P2PCDN_EINVAL,
              "at least one piece");
    CHECK_ERR(p2pcdn_cdn_purge(c, "film", pieces, 3, NULL, NULL, &job), P2PCDN_EINVAL,
              "named twice");
    CHECK(job == 0);
    CHECK(calls == 0);
}

static void test_css_misuse(p2pcdn_cdn* c) {
    p2pcdn_content* bare = NULL;
    p2pcdn_content* hashed = NULL;
    p2pcdn_css_options css = P2PCDN_CSS_OPTIONS_INIT;
    unsigned char data[2500];
    size_t pieces[2] = {0, 2};
    size_t past[1] = {3};
    uint64_t job = 0;
    memset(data, 7, sizeof data);
    REQUIRE(p2pcdn_content_new(&bare, "film", sizeof data, 1000) == P2PCDN_OK);
    REQUIRE(p2pcdn_content_copy(&hashed, bare) == P2PCDN_OK);
    REQUIRE(p2pcdn_content_hash_buffer(hashed, data, sizeof data, NULL) == P2PCDN_OK);
    css.piece_template = "http://127.0.0.1:9/css/{piece}";

    CHECK_ERR(p2pcdn_cdn_ingest_from_css(c, bare, pieces, 2, &css, 60, NULL, NULL, &job),
              P2PCDN_ESTATE, "");
    CHECK_ERR(p2pcdn_cdn_ingest_from_css(c, NULL, pieces, 2, &css, 60, NULL, NULL, &job),
              P2PCDN_EINVAL, "p2pcdn_content handle is NULL");
    CHECK_ERR(p2pcdn_cdn_ingest_from_css(c, hashed, pieces, 2, NULL, 60, NULL, NULL, &job),
              P2PCDN_EINVAL, "css is NULL");
    CHECK_ERR(p2pcdn_cdn_ingest_from_css(c, hashed, past, 1, &css, 60, NULL, NULL, &job),
              P2PCDN_ERANGE, "piece 3 out of range for 3 pieces");
    CHECK_ERR(p2pcdn_cdn_ingest_from_css(c, hashed, pieces, 2, &css, 0, NULL, NULL, &job),
              P2PCDN_EINVAL, "TTL 0");
    css.object_url = "http://127.0.0.1:9/film.bin";
    CHECK_ERR(p2pcdn_cdn_ingest_from_css(c, hashed, pieces, 2, &css, 60, NULL, NULL, &job),
              P2PCDN_EINVAL, "");
    css.piece_template = NULL;
    css.version = 3;
    CHECK_ERR(p2pcdn_cdn_ingest_from_css(c, hashed, pieces, 2, &css, 60, NULL, NULL, &job),
              P2PCDN_EINVAL, "p2pcdn_css_options version 3");
    CHECK(job == 0);
    p2pcdn_content_free(bare);
    p2pcdn_content_free(hashed);
}

static void test_getters(p2pcdn_cdn* c) {
    char buf[128];
    size_t size = 0, count = 9, active = 9;
    int state = -1;
    p2pcdn_cdn_job_info info = P2PCDN_CDN_JOB_INFO_INIT;
    p2pcdn_cdn_item_result item = P2PCDN_CDN_ITEM_RESULT_INIT;
    p2pcdn_cdn_driver_metrics m = P2PCDN_CDN_DRIVER_METRICS_INIT;

    CHECK(p2pcdn_cdn_delivery_uri(c, "a b", 12, NULL, 0, &size) == P2PCDN_OK);
    CHECK(size == strlen("http://127.0.0.1:9/cdn/a%20b/12") + 1);
    CHECK_ERR(p2pcdn_cdn_delivery_uri(c, "a b", 12, buf, 5, &size), P2PCDN_EBUFS, "needed");
    CHECK(p2pcdn_cdn_delivery_uri(c, "a b", 12, buf, sizeof buf, &size) == P2PCDN_OK);
    CHECK(strcmp(buf, "http://127.0.0.1:9/cdn/a%20b/12") == 0);
    CHECK_ERR(p2pcdn_cdn_delivery_uri(c, NULL, 1, buf, sizeof buf, &size), P2PCDN_EINVAL,
              "content_id is NULL");

    CHECK_ERR(p2pcdn_cdn_job_state(c, 77, &state), P2PCDN_ENOTFOUND, "no job with id 77");
    CHECK_ERR(p2pcdn_cdn_job_state(c, 77, NULL), P2PCDN_EINVAL, "state is NULL");
    CHECK_ERR(p2pcdn_cdn_job_status(c, 77, &info), P2PCDN_ENOTFOUND, "no job");
    info.version = 0;
    CHECK_ERR(p2pcdn_cdn_job_status(c, 77, &info), P2PCDN_EINVAL, "version 0");
    CHECK_ERR(p2pcdn_cdn_job_item_count(c, 77, &count), P2PCDN_ENOTFOUND, "no job");
    CHECK_ERR(p2pcdn_cdn_job_item_at(c, 77, 0, &item), P2PCDN_ENOTFOUND, "no job");
    CHECK_ERR(p2pcdn_cdn_job_item_at(c, 77, 0, NULL), P2PCDN_EINVAL, "result is NULL");
    CHECK_ERR(p2pcdn_cdn_cancel(c, 77), P2PCDN_ENOTFOUND, "no running job");
    CHECK_ERR(p2pcdn_cdn_forget(c, 77), P2PCDN_ENOTFOUND, "no job");
    CHECK_ERR(p2pcdn_cdn_wait(c, 77, &state), P2PCDN_ENOTFOUND, "no job");
    CHECK(state == -1);
    CHECK(count == 9);

    CHECK(p2pcdn_cdn_metrics(c, "origin", &m) == P2PCDN_OK);
    CHECK(m.requests == 0 && m.bytes_sent == 0 && m.failures == 0);
    CHECK(p2pcdn_cdn_metrics(c, "cit", &m) == P2PCDN_OK);
    CHECK_ERR(p2pcdn_cdn_metrics(c, "ftp", &m), P2PCDN_EINVAL, "not one of css, origin");
    CHECK_ERR(p2pcdn_cdn_metrics(c, NULL, &m), P2PCDN_EINVAL, "driver is NULL");
    CHECK_ERR(p2pcdn_cdn_metrics(c, "css", NULL), P2PCDN_EINVAL, "metrics is NULL");

    CHECK_ERR(p2pcdn_cdn_step(c, -1, &active), P2PCDN_EINVAL, "negative");
    CHECK(p2pcdn_cdn_step(c, 0, &active) == P2PCDN_OK);
    CHECK(active == 0);
}

/* A job queued and never stepped: readable, cancellable, not forgettable until it ended. */
static void test_queued_job(p2pcdn_cdn* c) {
    size_t pieces[2] = {4, 2};
    const void* bytes[2] = {"four", "two"};
    size_t lens[2] = {4, 3};
    uint64_t job = 0;
    int calls = 0, state = -1;
    size_t count = 0;
    p2pcdn_cdn_job_info info = P2PCDN_CDN_JOB_INFO_INIT;
    p2pcdn_cdn_item_result item = P2PCDN_CDN_ITEM_RESULT_INIT;

    REQUIRE(p2pcdn_cdn_ingest(c, "film", pieces, 2, bytes, lens, 60, never_called, &calls,
                              &job) == P2PCDN_OK);
    CHECK(job != 0);
    CHECK(p2pcdn_cdn_job_state(c, job, &state) == P2PCDN_OK);
    CHECK(state == P2PCDN_JOB_PENDING);
    CHECK(p2pcdn_cdn_job_status(c, job, &info) == P2PCDN_OK);
    CHECK(info.kind == P2PCDN_JOB_INGEST);
    CHECK(info.state == P2PCDN_JOB_PENDING);
    CHECK(info.content_id != NULL && strcmp(info.content_id, "film") == 0);
    CHECK(info.ttl_s == 60);
    CHECK(info.items == 2 && info.done == 0 && info.failed == 0);
    CHECK(info.finished_ms == 0);
    CHECK(p2pcdn_cdn_job_item_count(c, job, &count) == P2PCDN_OK);
    CHECK(count == 2);
    CHECK(p2pcdn_cdn_job_item_at(c, job, 1, &item) == P2PCDN_OK);
    CHECK(item.piece == 2);
    CHECK(item.state == P2PCDN_ITEM_PENDING);
    CHECK(strcmp(item.uri, "http://127.0.0.1:9/cdn/film/2") == 0);
    CHECK(item.message != NULL && item.driver != NULL);
    CHECK_ERR(p2pcdn_cdn_job_item_at(c, job, 2, &item), P2PCDN_ERANGE, "item 2 out of range");
    CHECK_ERR(p2pcdn_cdn_forget(c, job), P2PCDN_ESTATE, "has not ended");
    CHECK(p2pcdn_cdn_cancel(c, job) == P2PCDN_OK);
    CHECK(calls == 0);
}

int main(void) {
    p2pcdn_cdn_options opts = origin_options();
    p2pcdn_cdn* c = NULL;
    p2pcdn_cdn* purge_only = NULL;
    int edge_only[1] = {P2PCDN_CDN_DRIVER_EDGE};
    const char* edges[1] = {"http://127.0.0.1:9"};
    size_t piece = 1;
    const void* bytes[1] = {"x"};
    size_t len = 1;
    int state = 0;

    test_option_initializers();
    CHECK_ERR(p2pcdn_cdn_new(&c, &opts), P2PCDN_ESTATE, "needs p2pcdn_global_init");
    REQUIRE(p2pcdn_global_init() > 0);
    test_new_misuse();
    test_signer_misuse();

    REQUIRE(p2pcdn_cdn_new(&c, &opts) == P2PCDN_OK);
    test_job_misuse(c);
    test_css_misuse(c);
    test_getters(c);
    test_queued_job(c);
    p2pcdn_cdn_free(c); /* with a job still queued: no callback runs */

    /* A purge-only client has no ingest chain. */
    opts = origin_options();
    opts.origin_ingest_template = NULL;
    opts.edges = edges;
    opts.edge_count = 1;
    opts.purge_chain = edge_only;
    opts.purge_chain_len = 1;
    REQUIRE(p2pcdn_cdn_new(&purge_only, &opts) == P2PCDN_OK);
    CHECK_ERR(p2pcdn_cdn_ingest(purge_only, "film", &piece, 1, bytes, &len, 60, NULL, NULL, NULL),
              P2PCDN_ESTATE, "no ingest chain");
    p2pcdn_cdn_free(purge_only);

    /* Freed handles and NULL. */
    CHECK_ERR(p2pcdn_cdn_step(c, 0, NULL), P2PCDN_EINVAL, "not a live p2pcdn_cdn handle");
    CHECK_ERR(p2pcdn_cdn_job_state(c, 1, &state), P2PCDN_EINVAL, "not a live p2pcdn_cdn");
    CHECK_ERR(p2pcdn_cdn_step(NULL, 0, NULL), P2PCDN_EINVAL, "p2pcdn_cdn handle is NULL");
    CHECK_ERR(p2pcdn_cdn_step((p2pcdn_cdn*)&opts, 0, NULL), P2PCDN_EINVAL, "not a live");
    p2pcdn_cdn_free(c); /* double free: ignored */
    p2pcdn_cdn_free(NULL);

    CHECK(p2pcdn_global_cleanup() == 0);
    return check_report("test_cdn");
}
