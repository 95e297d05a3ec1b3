/* p2pcdn_nscf through the C ABI without a network: option errors, misuse, NULL and stale
 * handles, the host callback link (what the callbacks get, what their codes do), the
 * controller thread's rules, and rounds that need no transfer. */
#include "check.h"

#define JOURNAL "capi_test_nscf.journal"

static const char stats_json[] =
    "{\"v\":1,\"content\":\"film\",\"seq\":1,\"time\":1764000000000,\"pieces\":6,"
    "\"peers\":5,\"seeds\":0,\"leechers\":5,\"network_peers\":0,\"copies\":[3,1,0,1,4,5]}";
static const char other_json[] =
    "{\"v\":1,\"content\":\"other\",\"seq\":1,\"time\":1764000000000,\"pieces\":6,"
    "\"peers\":0,\"seeds\":0,\"leechers\":0,\"network_peers\":0,\"copies\":[0,0,0,0,0,0]}";

static p2pcdn_stats* make_stats(const char* json) {
    p2pcdn_stats* s = NULL;
    REQUIRE(p2pcdn_stats_from_json(&s, json, strlen(json)) == P2PCDN_OK);
    return s;
}

/* What the host link saw, and what it answers. */
struct link_log {
    int joins, fetches, publishes, withdraws;
    int answer; /* the code every callback returns */
    char content[32];
    char address[64];
    size_t piece_count;
    size_t peer_id_len;
    uint16_t port;
    int withdraw_all; /* the last withdraw named no pieces */
};

static int P2PCDN_CALLBACK on_join(const char* content_id, size_t piece_count, const void* peer_id,
                                   size_t peer_id_len, const char* address, uint16_t port,
                                   void* payload) {
    struct link_log* log = (struct link_log*)payload;
    ++log->joins;
    strncpy(log->content, content_id, sizeof log->content - 1);
    strncpy(log->address, address, sizeof log->address - 1);
    log->piece_count = piece_count;
    log->peer_id_len = peer_id_len;
    log->port = port;
    (void)peer_id;
    return log->answer;
}

static int P2PCDN_CALLBACK on_fetch(const char* content_id, p2pcdn_stats** out, void* payload) {
    struct link_log* log = (struct link_log*)payload;
    ++log->fetches;
    (void)content_id;
    if (log->answer == P2PCDN_OK) {
        *out = make_stats(stats_json);
    }
    return log->answer;
}

static int P2PCDN_CALLBACK on_publish(const char* content_id, const p2pcdn_cdn_source* source,
                                      void* payload) {
    struct link_log* log = (struct link_log*)payload;
    ++log->publishes;
    (void)content_id;
    (void)source;
    return log->answer;
}

static int P2PCDN_CALLBACK on_withdraw(const char* content_id, const char* uri,
                                       const p2pcdn_bitmap* pieces, void* payload) {
    struct link_log* log = (struct link_log*)payload;
    ++log->withdraws;
    log->withdraw_all = pieces == NULL;
    (void)content_id;
    (void)uri;
    return log->answer;
}

static int64_t P2PCDN_CALLBACK fixed_clock(void* payload) {
    (void)payload;
    return 1764000000000;
}

/* A valid set of options for content "film" (6 pieces) with the callback link. */
struct setup {
    p2pcdn_content* content;
    p2pcdn_policy* policy;
    p2pcdn_cdn_options cdn;
    p2pcdn_nscf_link_callbacks link;
    p2pcdn_nscf_options opts;
    struct link_log log;
};

static void setup_init(struct setup* s) {
    memset(s, 0, sizeof *s);
    REQUIRE(p2pcdn_content_new(&s->content, "film", 5800, 1000) == P2PCDN_OK);
    REQUIRE(p2pcdn_policy_new_none(&s->policy) == P2PCDN_OK);
    REQUIRE(p2pcdn_cdn_options_init(&s->cdn, P2PCDN_CDN_OPTIONS_VERSION) == P2PCDN_OK);
    s->cdn.delivery_template = "http://127.0.0.1:9/cdn/{content}/{piece}";
    s->cdn.origin_ingest_template = "http://127.0.0.1:9/cdn/{content}/{piece}";
    REQUIRE(p2pcdn_nscf_link_callbacks_init(&s->link, P2PCDN_NSCF_LINK_CALLBACKS_VERSION) ==
            P2PCDN_OK);
    s->link.join = on_join;
    s->link.fetch_stats = on_fetch;
    s->link.publish = on_publish;
    s->link.withdraw = on_withdraw;
    s->link.payload = &s->log;
    REQUIRE(p2pcdn_nscf_options_init(&s->opts, P2PCDN_NSCF_OPTIONS_VERSION) == P2PCDN_OK);
    s->opts.content = s->content;
    s->opts.cdn = &s->cdn;
    s->opts.policy = s->policy;
    s->opts.link_callbacks = &s->link;
    s->opts.journal_path = JOURNAL;
    s->opts.controller_id = "ccs-test";
    s->opts.peer_id = "nscf-capi-test";
    s->opts.peer_id_len = 14;
    s->opts.address = "192.0.2.7";
    s->opts.port = 6881;
    s->opts.clock = fixed_clock;
}

static void setup_free(struct setup* s) {
    p2pcdn_policy_free(s->policy);
    p2pcdn_content_free(s->content);
}

static void test_inits(void) {
    p2pcdn_nscf_options o = P2PCDN_NSCF_OPTIONS_INIT;
    p2pcdn_nscf_link_callbacks l = P2PCDN_NSCF_LINK_CALLBACKS_INIT;
    p2pcdn_nscf_holding h = P2PCDN_NSCF_HOLDING_INIT;
    p2pcdn_nscf_metrics m = P2PCDN_NSCF_METRICS_INIT;
    CHECK(o.version == P2PCDN_NSCF_OPTIONS_VERSION && o.content == NULL);
    CHECK(l.version == P2PCDN_NSCF_LINK_CALLBACKS_VERSION && l.join == NULL);
    CHECK(h.version == P2PCDN_NSCF_HOLDING_VERSION && m.version == P2PCDN_NSCF_METRICS_VERSION);
    o.port = 9;
    CHECK(p2pcdn_nscf_options_init(&o, P2PCDN_NSCF_OPTIONS_VERSION) == P2PCDN_OK);
    CHECK(o.port == 0);
    CHECK_ERR(p2pcdn_nscf_options_init(NULL, 1), P2PCDN_EINVAL, "NULL");
    CHECK_ERR(p2pcdn_nscf_options_init(&o, 0), P2PCDN_EINVAL, "version 0");
    CHECK_ERR(p2pcdn_nscf_options_init(&o, 3), P2PCDN_EINVAL, "version 3");
    CHECK_ERR(p2pcdn_nscf_link_callbacks_init(&l, 7), P2PCDN_EINVAL, "version 7");
    CHECK_ERR(p2pcdn_nscf_holding_init(NULL, 1), P2PCDN_EINVAL, "NULL");
    CHECK_ERR(p2pcdn_nscf_metrics_init(&m, 0), P2PCDN_EINVAL, "version 0");
    CHECK(p2pcdn_nscf_holding_init(&h, 1) == P2PCDN_OK && p2pcdn_nscf_metrics_init(&m, 1) == 0);
}

static void test_before_global_init(void) {
    struct setup s;
    p2pcdn_nscf* n = NULL;
    setup_init(&s);
    CHECK_ERR(p2pcdn_nscf_new(&n, &s.opts), P2PCDN_ESTATE, "p2pcdn_global_init");
    CHECK(n == NULL);
    setup_free(&s);
}

static void test_option_errors(void) {
    struct setup s;
    p2pcdn_nscf* n = NULL;
    p2pcdn_policy* freed = NULL;
    p2pcdn_tracker* tracker = NULL;
    setup_init(&s);
    REQUIRE(p2pcdn_tracker_new(&tracker, NULL) == P2PCDN_OK);

    CHECK_ERR(p2pcdn_nscf_new(NULL, &s.opts), P2PCDN_EINVAL, "out is NULL");
    CHECK_ERR(p2pcdn_nscf_new(&n, NULL), P2PCDN_EINVAL, "p2pcdn_nscf_options is NULL");
    s.opts.version = 3;
    CHECK_ERR(p2pcdn_nscf_new(&n, &s.opts), P2PCDN_EINVAL, "version 3");
    s.opts.version = P2PCDN_NSCF_OPTIONS_VERSION;

    s.opts.content = NULL;
    CHECK_ERR(p2pcdn_nscf_new(&n, &s.opts), P2PCDN_EINVAL, "no content");
    s.opts.content = s.content;
    s.opts.cdn = NULL;
    CHECK_ERR(p2pcdn_nscf_new(&n, &s.opts), P2PCDN_EINVAL, "no cdn options");
    s.opts.cdn = &s.cdn;
    s.opts.policy = NULL;
    CHECK_ERR(p2pcdn_nscf_new(&n, &s.opts), P2PCDN_EINVAL, "no policy");
    REQUIRE(p2pcdn_policy_new_all(&freed) == P2PCDN_OK);
    p2pcdn_policy_free(freed);
    s.opts.policy = freed;
    CHECK_ERR(p2pcdn_nscf_new(&n, &s.opts), P2PCDN_EINVAL, "not a live p2pcdn_policy");
    s.opts.policy = s.policy;

    /* Exactly one link. */
    s.opts.link_callbacks = NULL;
    CHECK_ERR(p2pcdn_nscf_new(&n, &s.opts), P2PCDN_EINVAL, "exactly one of tracker");
    s.opts.link_callbacks = &s.link;
    s.opts.tracker = tracker;
    CHECK_ERR(p2pcdn_nscf_new(&n, &s.opts), P2PCDN_EINVAL, "(2 are)");
    s.opts.tracker_url = "http://127.0.0.1:9";
    CHECK_ERR(p2pcdn_nscf_new(&n, &s.opts), P2PCDN_EINVAL, "(3 are)");
    s.opts.tracker = NULL;
    s.opts.tracker_url = NULL;

    /* The callback link: every callback, a known version. */
    s.link.withdraw = NULL;
    CHECK_ERR(p2pcdn_nscf_new(&n, &s.opts), P2PCDN_EINVAL, "no withdraw callback");
    s.link.withdraw = on_withdraw;
    s.link.join = NULL;
    CHECK_ERR(p2pcdn_nscf_new(&n, &s.opts), P2PCDN_EINVAL, "no join callback");
    s.link.join = on_join;
    s.link.version = 0;
    CHECK_ERR(p2pcdn_nscf_new(&n, &s.opts), P2PCDN_EINVAL, "p2pcdn_nscf_link_callbacks version 0");
    s.link.version = P2PCDN_NSCF_LINK_CALLBACKS_VERSION;

    s.opts.journal_path = NULL;
    CHECK_ERR(p2pcdn_nscf_new(&n, &s.opts), P2PCDN_EINVAL, "journal_path is NULL");
    s.opts.journal_path = JOURNAL;
    s.opts.peer_id_len = 0;
    CHECK_ERR(p2pcdn_nscf_new(&n, &s.opts), P2PCDN_EINVAL, "no peer id");
    s.opts.peer_id_len = 21;
    s.opts.peer_id = "123456789012345678901";
    CHECK_ERR(p2pcdn_nscf_new(&n, &s.opts), P2PCDN_EINVAL, "peer id of 21 bytes");
    s.opts.peer_id = "nscf-capi-test";
    s.opts.peer_id_len = 14;
    s.opts.address = "not an address";
    CHECK_ERR(p2pcdn_nscf_new(&n, &s.opts), P2PCDN_EINVAL, "address: invalid IP address");
    s.opts.address = NULL;
    CHECK_ERR(p2pcdn_nscf_new(&n, &s.opts), P2PCDN_EINVAL, "address is NULL");
    s.opts.address = "192.0.2.7";

    /* Values the controller bounds. */
    s.opts.safety_margin_ms = 999;
    CHECK_ERR(p2pcdn_nscf_new(&n, &s.opts), P2PCDN_EINVAL, "safety margin 999 ms");
    s.opts.safety_margin_ms = 0;
    s.opts.advertisement_ms = 120000; /* not above twice the default margin */
    CHECK_ERR(p2pcdn_nscf_new(&n, &s.opts), P2PCDN_EINVAL, "advertisement 120000 ms");
    s.opts.advertisement_ms = 0;
    s.opts.link_retry_ms = -1;
    CHECK_ERR(p2pcdn_nscf_new(&n, &s.opts), P2PCDN_EINVAL, "negative retry interval");
    s.opts.link_retry_ms = 0;
    s.cdn.delivery_template = NULL;
    CHECK(p2pcdn_nscf_new(&n, &s.opts) == P2PCDN_EINVAL);
    s.cdn.delivery_template = "ftp://127.0.0.1/{piece}";
    CHECK(p2pcdn_nscf_new(&n, &s.opts) == P2PCDN_EINVAL);
    s.cdn.delivery_template = "http://127.0.0.1:9/cdn/{content}/{piece}";
    CHECK(n == NULL);
    CHECK(s.log.joins == 0 && s.log.withdraws == 0); /* no failed call reached the link */

    p2pcdn_tracker_free(tracker);
    setup_free(&s);
}

static void test_null_handles(void) {
    p2pcdn_nscf_metrics m = P2PCDN_NSCF_METRICS_INIT;
    p2pcdn_nscf_holding h = P2PCDN_NSCF_HOLDING_INIT;
    p2pcdn_nscf_holdings* snap = NULL;
    p2pcdn_stats* stats = make_stats(stats_json);
    size_t count = 0;
    int clean = 0;
    CHECK_ERR(p2pcdn_nscf_join(NULL), P2PCDN_EINVAL, "p2pcdn_nscf handle is NULL");
    CHECK_ERR(p2pcdn_nscf_on_stats(NULL, stats), P2PCDN_EINVAL, "p2pcdn_nscf handle is NULL");
    CHECK(p2pcdn_nscf_request_stats(NULL) == P2PCDN_EINVAL);
    CHECK(p2pcdn_nscf_step(NULL, 0, &count) == P2PCDN_EINVAL);
    CHECK(p2pcdn_nscf_recover(NULL) == P2PCDN_EINVAL);
    CHECK(p2pcdn_nscf_start(NULL, 0) == P2PCDN_EINVAL);
    CHECK(p2pcdn_nscf_stop(NULL) == P2PCDN_EINVAL);
    CHECK(p2pcdn_nscf_running(NULL) == P2PCDN_EINVAL);
    CHECK(p2pcdn_nscf_shutdown(NULL, 1, 0, &clean) == P2PCDN_EINVAL);
    CHECK(p2pcdn_nscf_content_id(NULL) == NULL);
    CHECK(p2pcdn_nscf_metrics_get(NULL, &m) == P2PCDN_EINVAL);
    CHECK(p2pcdn_nscf_snapshot(NULL, &snap) == P2PCDN_EINVAL);
    CHECK_ERR(p2pcdn_nscf_holdings_count(NULL, &count), P2PCDN_EINVAL,
              "p2pcdn_nscf_holdings handle is NULL");
    CHECK(p2pcdn_nscf_holdings_at(NULL, 0, &h) == P2PCDN_EINVAL);
    CHECK(p2pcdn_nscf_holdings_count_in(NULL, 0, &count) == P2PCDN_EINVAL);
    /* A handle of another type is refused, not misread. */
    CHECK_ERR(p2pcdn_nscf_join((p2pcdn_nscf*)stats), P2PCDN_EINVAL, "not a live p2pcdn_nscf");
    p2pcdn_nscf_free(NULL);
    p2pcdn_nscf_holdings_free(NULL);
    p2pcdn_stats_free(stats);
}

static void test_lifecycle(void) {
    struct setup s;
    p2pcdn_nscf *n = NULL, *twin = NULL;
    p2pcdn_stats* film = make_stats(stats_json);
    p2pcdn_stats* other = make_stats(other_json);
    p2pcdn_nscf_metrics m = P2PCDN_NSCF_METRICS_INIT;
    p2pcdn_nscf_holding h = P2PCDN_NSCF_HOLDING_INIT;
    p2pcdn_nscf_holdings* snap = NULL;
    size_t count = 99, running = 99;
    int clean = 0;
    setup_init(&s);

    REQUIRE(p2pcdn_nscf_new(&n, &s.opts) == P2PCDN_OK);
    CHECK(strcmp(p2pcdn_nscf_content_id(n), "film") == 0);
    /* Recovery on start with an empty journal tells the tracker to drop everything. */
    CHECK(s.log.withdraws == 1 && s.log.withdraw_all);
    /* The journal is locked while the nscf lives. */
    CHECK(p2pcdn_nscf_new(&twin, &s.opts) != P2PCDN_OK);
    CHECK(twin == NULL);

    /* join: what the callback gets, and its code coming back. */
    CHECK(p2pcdn_nscf_join(n) == P2PCDN_OK);
    CHECK(s.log.joins == 1 && strcmp(s.log.content, "film") == 0);
    CHECK(strcmp(s.log.address, "192.0.2.7") == 0 && s.log.port == 6881);
    CHECK(s.log.piece_count == 6 && s.log.peer_id_len == 14);
    s.log.answer = P2PCDN_ENETWORK;
    CHECK_ERR(p2pcdn_nscf_join(n), P2PCDN_ENETWORK, "join failed with");
    s.log.answer = 5; /* not a library code */
    CHECK_ERR(p2pcdn_nscf_join(n), P2PCDN_EUSER, "join failed with 5");
    CHECK_ERR(p2pcdn_nscf_request_stats(n), P2PCDN_EUSER, "fetch_stats failed with 5");
    s.log.answer = P2PCDN_OK;

    /* Rounds: statistics of another content are refused; this content's are carried out. */
    CHECK_ERR(p2pcdn_nscf_on_stats(n, other), P2PCDN_EINVAL, "other");
    CHECK_ERR(p2pcdn_nscf_on_stats(n, NULL), P2PCDN_EINVAL, "p2pcdn_stats handle is NULL");
    CHECK(p2pcdn_nscf_on_stats(n, film) == P2PCDN_OK);
    CHECK_ERR(p2pcdn_nscf_step(n, -1, &running), P2PCDN_EINVAL, "negative");
    CHECK(p2pcdn_nscf_step(n, 0, &running) == P2PCDN_OK);
    CHECK(running == 0);
    CHECK(p2pcdn_nscf_request_stats(n) == P2PCDN_OK);
    CHECK(s.log.fetches == 2);
    CHECK(p2pcdn_nscf_step(n, 0, NULL) == P2PCDN_OK);
    CHECK(p2pcdn_nscf_metrics_get(n, &m) == P2PCDN_OK);
    CHECK(m.rounds == 2 && m.pieces_ingested == 0);
    m.version = 0;
    CHECK_ERR(p2pcdn_nscf_metrics_get(n, &m), P2PCDN_EINVAL, "version 0");
    CHECK_ERR(p2pcdn_nscf_metrics_get(n, NULL), P2PCDN_EINVAL, "NULL");

    /* An empty snapshot. */
    REQUIRE(p2pcdn_nscf_snapshot(n, &snap) == P2PCDN_OK);
    CHECK(p2pcdn_nscf_holdings_count(snap, &count) == P2PCDN_OK && count == 0);
    CHECK_ERR(p2pcdn_nscf_holdings_at(snap, 0, &h), P2PCDN_ERANGE, "holding 0 of 0");
    CHECK_ERR(p2pcdn_nscf_holdings_count_in(snap, 5, &count), P2PCDN_EINVAL, "holding state 5");
    CHECK(p2pcdn_nscf_holdings_count_in(snap, P2PCDN_HOLDING_PUBLISHED, &count) == P2PCDN_OK);
    CHECK(count == 0);
    CHECK_ERR(p2pcdn_nscf_snapshot(n, NULL), P2PCDN_EINVAL, "out is NULL");
    p2pcdn_nscf_holdings_free(snap);
    p2pcdn_nscf_holdings_free(snap); /* a second free is ignored */

    /* The controller thread: only some calls are allowed while it runs. */
    CHECK_ERR(p2pcdn_nscf_start(n, -1), P2PCDN_EINVAL, "interval -1 ms");
    CHECK_ERR(p2pcdn_nscf_start(n, 60001), P2PCDN_EINVAL, "interval 60001 ms");
    CHECK(p2pcdn_nscf_running(n) == 0);
    REQUIRE(p2pcdn_nscf_start(n, 5) == P2PCDN_OK);
    CHECK(p2pcdn_nscf_running(n) == 1);
    CHECK_ERR(p2pcdn_nscf_start(n, 5), P2PCDN_ESTATE, "already runs");
    CHECK_ERR(p2pcdn_nscf_step(n, 0, NULL), P2PCDN_ESTATE, "controller thread");
    CHECK_ERR(p2pcdn_nscf_recover(n), P2PCDN_ESTATE, "controller thread");
    CHECK_ERR(p2pcdn_nscf_join(n), P2PCDN_ESTATE, "p2pcdn_nscf_join while the controller");
    CHECK_ERR(p2pcdn_nscf_request_stats(n), P2PCDN_ESTATE, "controller thread");
    CHECK(p2pcdn_nscf_on_stats(n, film) == P2PCDN_OK);
    CHECK(p2pcdn_nscf_metrics_get(n, &m) == P2PCDN_EINVAL); /* version still 0 */
    CHECK(p2pcdn_nscf_stop(n) == P2PCDN_OK);
    CHECK(p2pcdn_nscf_running(n) == 0);
    CHECK(p2pcdn_nscf_stop(n) == P2PCDN_OK);

    /* recover while stopped republishes nothing (nothing published) and drops all again. */
    CHECK(p2pcdn_nscf_recover(n) == P2PCDN_OK);
    CHECK(s.log.publishes == 0);

    CHECK_ERR(p2pcdn_nscf_shutdown(n, 1, -1, &clean), P2PCDN_EINVAL, "negative");
    CHECK(p2pcdn_nscf_shutdown(n, 1, 1000, &clean) == P2PCDN_OK);
    CHECK(clean == 1);
    p2pcdn_nscf_free(n);
    p2pcdn_nscf_free(n); /* a second free is ignored */
    CHECK_ERR(p2pcdn_nscf_join(n), P2PCDN_EINVAL, "not a live p2pcdn_nscf");

    /* The lock is gone with the nscf: the journal opens again, without recovery this time. */
    s.opts.no_recover_on_start = 1;
    s.log.withdraws = 0;
    REQUIRE(p2pcdn_nscf_new(&twin, &s.opts) == P2PCDN_OK);
    CHECK(s.log.withdraws == 0);
    p2pcdn_nscf_free(twin);

    p2pcdn_stats_free(film);
    p2pcdn_stats_free(other);
    setup_free(&s);
}

int main(void) {
    remove(JOURNAL);
    test_inits();
    test_before_global_init();
    REQUIRE(p2pcdn_global_init() > 0);
    test_option_errors();
    test_null_handles();
    test_lifecycle();
    p2pcdn_global_cleanup();
    remove(JOURNAL);
    return check_report("test_nscf");
}
