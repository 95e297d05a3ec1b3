/* p2pcdn_nscf events through the C ABI without a network: p2pcdn_nscf_options version 1 (no
 * event fields) still accepted and its init writing only its own bytes, version 2 delivering
 * events in order with borrowed pieces, version 3 refused, and no event from a failed new.
 * The CDN is 127.0.0.1:9, where nothing listens: every upload fails. */
#include "check.h"

#include <stddef.h>

#define JOURNAL "capi_test_nscf_events.journal"

static const char stats_json[] =
    "{\"v\":1,\"content\":\"film\",\"seq\":7,\"time\":1764000000000,\"pieces\":6,"
    "\"peers\":5,\"seeds\":0,\"leechers\":5,\"network_peers\":0,\"copies\":[3,1,0,1,4,5]}";

#define MAX_EVENTS 32

/* What the event callback saw; the borrowed fields are copied or checked during the call. */
struct event_log {
    int count;
    int kinds[MAX_EVENTS];
    char names[MAX_EVENTS][24];
    char pieces[MAX_EVENTS][32];
    size_t counts[MAX_EVENTS];
    uint64_t bytes[MAX_EVENTS];
    int bad; /* an event whose fields disagree with one another */
};

static void P2PCDN_CALLBACK on_event(const p2pcdn_nscf_event* e, void* payload) {
    struct event_log* log = (struct event_log*)payload;
    size_t set = 0;
    if (log->count >= MAX_EVENTS) {
        ++log->bad;
        return;
    }
    log->kinds[log->count] = e->kind;
    strncpy(log->names[log->count], e->name, sizeof log->names[0] - 1);
    strncpy(log->pieces[log->count], e->pieces_text, sizeof log->pieces[0] - 1);
    log->counts[log->count] = e->count;
    log->bytes[log->count] = e->bytes;
    if (e->version != P2PCDN_NSCF_EVENT_VERSION || e->time_ms != 1764000000000) {
        ++log->bad;
    }
    /* The pieces are a live bitmap handle for the call, agreeing with count and the text. */
    if (e->pieces != NULL) {
        if (p2pcdn_bitmap_count(e->pieces, &set) != P2PCDN_OK || set != e->count ||
            e->pieces_text[0] == '\0') {
            ++log->bad;
        }
    } else if (e->count != 0 || e->pieces_text[0] != '\0') {
        ++log->bad;
    }
    ++log->count;
}

static int P2PCDN_CALLBACK ok_join(const char* c, size_t n, const void* id, size_t len,
                                   const char* a, uint16_t port, void* payload) {
    (void)c, (void)n, (void)id, (void)len, (void)a, (void)port, (void)payload;
    return P2PCDN_OK;
}

static int P2PCDN_CALLBACK ok_fetch(const char* c, p2pcdn_stats** out, void* payload) {
    (void)c, (void)payload;
    return p2pcdn_stats_from_json(out, stats_json, strlen(stats_json));
}

static int P2PCDN_CALLBACK ok_publish(const char* c, const p2pcdn_cdn_source* s, void* payload) {
    (void)c, (void)s, (void)payload;
    return P2PCDN_OK;
}

static int P2PCDN_CALLBACK ok_withdraw(const char* c, const char* u, const p2pcdn_bitmap* b,
                                       void* payload) {
    (void)c, (void)u, (void)b, (void)payload;
    return P2PCDN_OK;
}

static int64_t P2PCDN_CALLBACK fixed_clock(void* payload) {
    (void)payload;
    return 1764000000000;
}

struct setup {
    p2pcdn_content* content;
    p2pcdn_policy* policy;
    p2pcdn_cdn_options cdn;
    p2pcdn_nscf_link_callbacks link;
    p2pcdn_nscf_options opts;
    struct event_log log;
};

static void setup_init(struct setup* s) {
    p2pcdn_policy_threshold_options t = P2PCDN_POLICY_THRESHOLD_OPTIONS_INIT;
    memset(s, 0, sizeof *s);
    t.low_copies = 1;
    t.high_copies = 9;
    REQUIRE(p2pcdn_content_new(&s->content, "film", 5800, 1000) == P2PCDN_OK);
    REQUIRE(p2pcdn_policy_new_threshold(&s->policy, &t) == P2PCDN_OK);
    REQUIRE(p2pcdn_cdn_options_init(&s->cdn, P2PCDN_CDN_OPTIONS_VERSION) == P2PCDN_OK);
    s->cdn.delivery_template = "http://127.0.0.1:9/cdn/{content}/{piece}";
    s->cdn.origin_ingest_template = "http://127.0.0.1:9/cdn/{content}/{piece}";
    REQUIRE(p2pcdn_nscf_link_callbacks_init(&s->link, P2PCDN_NSCF_LINK_CALLBACKS_VERSION) ==
            P2PCDN_OK);
    s->link.join = ok_join;
    s->link.fetch_stats = ok_fetch;
    s->link.publish = ok_publish;
    s->link.withdraw = ok_withdraw;
    REQUIRE(p2pcdn_nscf_options_init(&s->opts, P2PCDN_NSCF_OPTIONS_VERSION) == P2PCDN_OK);
    s->opts.content = s->content;
    s->opts.cdn = &s->cdn;
    s->opts.policy = s->policy;
    s->opts.link_callbacks = &s->link;
    s->opts.journal_path = JOURNAL;
    s->opts.peer_id = "nscf-events";
    s->opts.peer_id_len = 11;
    s->opts.address = "192.0.2.7";
    s->opts.clock = fixed_clock;
    s->opts.event_cb = on_event;
    s->opts.event_payload = &s->log;
}

static void setup_free(struct setup* s) {
    p2pcdn_policy_free(s->policy);
    p2pcdn_content_free(s->content);
}

static void test_versions(void) {
    const size_t v1_size = offsetof(p2pcdn_nscf_options, event_cb);
    p2pcdn_nscf_options o;
    const unsigned char* bytes = (const unsigned char*)&o;
    struct setup s;
    p2pcdn_nscf* nscf = NULL;
    size_t i;
    int untouched = 1;

    CHECK(P2PCDN_NSCF_OPTIONS_VERSION == 2);
    /* A version 1 struct is the bytes before event_cb: init leaves the rest alone. */
    memset(&o, 0xab, sizeof o);
    CHECK(p2pcdn_nscf_options_init(&o, 1) == P2PCDN_OK);
    CHECK(o.version == 1 && o.content == NULL && o.clock_payload == NULL);
    for (i = v1_size; i < sizeof o; ++i) {
        untouched = untouched && bytes[i] == 0xab;
    }
    CHECK(untouched);
    CHECK(p2pcdn_nscf_options_init(&o, 2) == P2PCDN_OK);
    CHECK(o.event_cb == NULL && o.event_payload == NULL);
    CHECK_ERR(p2pcdn_nscf_options_init(&o, 3), P2PCDN_EINVAL, "version 3");

    /* Version 1 reads no event fields: the callback set after them is never called. */
    setup_init(&s);
    s.opts.version = 1;
    CHECK(p2pcdn_nscf_new(&nscf, &s.opts) == P2PCDN_OK);
    CHECK(p2pcdn_nscf_request_stats(nscf) == P2PCDN_OK);
    CHECK(p2pcdn_nscf_step(nscf, 10, NULL) == P2PCDN_OK);
    CHECK(s.log.count == 0);
    CHECK(p2pcdn_nscf_shutdown(nscf, 1, 5000, NULL) == P2PCDN_OK);
    p2pcdn_nscf_free(nscf);
    nscf = NULL;

    s.opts.version = 3;
    CHECK_ERR(p2pcdn_nscf_new(&nscf, &s.opts), P2PCDN_EINVAL, "version 3");
    CHECK(nscf == NULL && s.log.count == 0);
    setup_free(&s);
}

static int find(const struct event_log* log, int kind, int from) {
    int i;
    for (i = from; i < log->count; ++i) {
        if (log->kinds[i] == kind) {
            return i;
        }
    }
    return -1;
}

static void test_events(void) {
    struct setup s;
    p2pcdn_nscf* nscf = NULL;
    p2pcdn_nscf* twin = NULL;
    struct event_log twin_log;
    int round, started, failed, i;
    size_t running = 1;

    setup_init(&s);
    remove(JOURNAL);
    CHECK(p2pcdn_nscf_new(&nscf, &s.opts) == P2PCDN_OK);
    /* Recovery of an empty journal: the tracker told to drop everything, then recovered. */
    REQUIRE(s.log.count == 2);
    CHECK(s.log.kinds[0] == P2PCDN_NSCF_EVENT_TRACKER_UPDATED);
    CHECK(s.log.kinds[1] == P2PCDN_NSCF_EVENT_RECOVERED);
    CHECK(strcmp(s.log.names[1], "recovered") == 0);

    /* Another nscf on the locked journal fails, and tells its callback nothing. */
    memset(&twin_log, 0, sizeof twin_log);
    s.opts.event_payload = &twin_log;
    CHECK_ERR(p2pcdn_nscf_new(&twin, &s.opts), P2PCDN_ESTATE, "");
    CHECK(twin == NULL && twin_log.count == 0);
    s.opts.event_payload = &s.log;

    /* Pieces 2 is the only one with no copy: a round, its ingest, and the refused upload. */
    CHECK(p2pcdn_nscf_request_stats(nscf) == P2PCDN_OK);
    for (i = 0; i < 200 && (running != 0 || find(&s.log, P2PCDN_NSCF_EVENT_INGEST_FAILED, 0) < 0);
         ++i) {
        CHECK(p2pcdn_nscf_step(nscf, 20, &running) == P2PCDN_OK);
    }
    round = find(&s.log, P2PCDN_NSCF_EVENT_ROUND, 2);
    started = find(&s.log, P2PCDN_NSCF_EVENT_INGEST_STARTED, 2);
    failed = find(&s.log, P2PCDN_NSCF_EVENT_INGEST_FAILED, 2);
    CHECK(round == 2 && started == 3 && failed == 4);
    if (started == 3 && failed == 4) {
        CHECK(strcmp(s.log.names[3], "ingest_started") == 0);
        CHECK(strcmp(s.log.pieces[3], "2") == 0 && s.log.counts[3] == 1);
        CHECK(s.log.bytes[3] == 1000);
        CHECK(strcmp(s.log.pieces[4], "2") == 0);
    }
    CHECK(find(&s.log, P2PCDN_NSCF_EVENT_PUBLISHED, 0) < 0);
    CHECK(s.log.bad == 0);
    CHECK(p2pcdn_nscf_shutdown(nscf, 1, 5000, NULL) == P2PCDN_OK);
    p2pcdn_nscf_free(nscf);
    setup_free(&s);
}

int main(void) {
    REQUIRE(p2pcdn_global_init() > 0);
    remove(JOURNAL);
    test_versions();
    remove(JOURNAL);
    test_events();
    p2pcdn_global_cleanup();
    remove(JOURNAL);
    return check_report("test_nscf_events");
}
