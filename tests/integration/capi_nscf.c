/* The NSCF through the C ABI against the loopback CDN lab (P2PCDN_CDN_LAB names its lab.json).
 * Plain C99, only <p2pcdn/p2pcdn.h>.
 *
 * An in-process tracker and a threshold policy: statistics from real announces of a few UEs
 * make the NSCF ingest the scarce pieces into the nginx origin (fetched from the origin as its
 * CSS), then advertise them; a UE's announce answer names the CDN source, and the piece GETs
 * 200 through the lab's 302 redirector and matches its hash. More UEs complete: the next round
 * withdraws and purges. They leave again: the pieces come back, and shutdown with purge leaves
 * no holding, no advertised source and no object at the origin. */
#include "check.h"

#define PIECE 16384u
#define PIECES 4u
#define TOTAL (PIECE * PIECES - 321u)
#define CONTENT "nscf-lab"
#define JOURNAL "capi_integration_nscf.journal"

static unsigned char bytes[TOTAL];

static void read_file(const char* path, char* out, size_t cap) {
    FILE* f = fopen(path, "r");
    size_t n;
    REQUIRE(f != NULL);
    n = fread(out, 1, cap - 1, f);
    fclose(f);
    out[n] = '\0';
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

/* Announces UE `n` holding `held` (NULL: nothing) with `event`; the answer, when wanted. */
static p2pcdn_peerlist* announce(p2pcdn_tracker* t, int n, const p2pcdn_bitmap* held, int event,
                                 int want_answer) {
    p2pcdn_announce a = P2PCDN_ANNOUNCE_INIT;
    p2pcdn_peerlist* list = NULL;
    char id[16];
    sprintf(id, "ue-%d", n);
    a.content_id = CONTENT;
    a.piece_count = PIECES;
    a.peer_id = id;
    a.peer_id_len = strlen(id);
    a.address = "127.0.0.1";
    a.port = (uint16_t)(7000 + n);
    a.role = P2PCDN_PEER_USER;
    a.event = event;
    a.bitmap = held;
    REQUIRE(p2pcdn_tracker_announce(t, &a, want_answer ? &list : NULL) == P2PCDN_OK);
    return list;
}

static void leave(p2pcdn_tracker* t, int n) {
    char id[16];
    sprintf(id, "ue-%d", n);
    REQUIRE(p2pcdn_tracker_leave(t, CONTENT, id, strlen(id)) == P2PCDN_OK);
}

/* Hands the tracker's statistics to the NSCF and steps until its CDN jobs are done and it
 * holds `want` pieces in `state`. */
static void round_until(p2pcdn_nscf* n, p2pcdn_tracker* t, int state, size_t want) {
    p2pcdn_stats* stats = NULL;
    p2pcdn_nscf_holdings* snap = NULL;
    size_t running = 0, count = 0, total = 0;
    int i;
    REQUIRE(p2pcdn_tracker_stats(t, CONTENT, &stats) == P2PCDN_OK);
    REQUIRE(p2pcdn_nscf_on_stats(n, stats) == P2PCDN_OK);
    p2pcdn_stats_free(stats);
    for (i = 0; i < 100; ++i) {
        REQUIRE(p2pcdn_nscf_step(n, 100, &running) == P2PCDN_OK);
        REQUIRE(p2pcdn_nscf_snapshot(n, &snap) == P2PCDN_OK);
        REQUIRE(p2pcdn_nscf_holdings_count_in(snap, state, &count) == P2PCDN_OK);
        REQUIRE(p2pcdn_nscf_holdings_count(snap, &total) == P2PCDN_OK);
        p2pcdn_nscf_holdings_free(snap);
        if (running == 0 && count == want && total == want) {
            return;
        }
    }
    REQUIRE(!"the NSCF did not settle");
}

static int fetch(const p2pcdn_content* content, size_t piece, const char* uri, unsigned char* out) {
    p2pcdn_fetcher* f = NULL;
    p2pcdn_fetch_result r = P2PCDN_FETCH_RESULT_INIT;
    size_t size = 0;
    REQUIRE(p2pcdn_fetcher_new(&f, content, NULL) == P2PCDN_OK);
    REQUIRE(p2pcdn_fetcher_get(f, piece, uri, 0, out, PIECE, &size, &r) == P2PCDN_OK);
    p2pcdn_fetcher_free(f);
    return r.status;
}

static size_t cdn_sources(p2pcdn_tracker* t) {
    p2pcdn_peerlist* list = announce(t, 3, NULL, P2PCDN_EVENT_UPDATE, 1);
    size_t count = 99;
    REQUIRE(p2pcdn_peerlist_cdn_count(list, &count) == P2PCDN_OK);
    p2pcdn_peerlist_free(list);
    return count;
}

int main(void) {
    const char* lab = getenv("P2PCDN_CDN_LAB");
    char json[16384], origin[256], redirector[256], css_tmpl[512], ingest_tmpl[512];
    char delivery[512], uri[512], at_origin[512];
    static unsigned char got[PIECE];
    size_t all[PIECES] = {0, 1, 2, 3};
    const void* data[PIECES];
    size_t lens[PIECES], i, size = 0;
    p2pcdn_cdn_options push_opts = P2PCDN_CDN_OPTIONS_INIT, cdn_opts = P2PCDN_CDN_OPTIONS_INIT;
    p2pcdn_css_options css = P2PCDN_CSS_OPTIONS_INIT;
    p2pcdn_policy_threshold_options th = P2PCDN_POLICY_THRESHOLD_OPTIONS_INIT;
    p2pcdn_nscf_options opts = P2PCDN_NSCF_OPTIONS_INIT;
    p2pcdn_nscf_metrics m = P2PCDN_NSCF_METRICS_INIT;
    p2pcdn_nscf_holding h = P2PCDN_NSCF_HOLDING_INIT;
    p2pcdn_nscf_holdings* snap = NULL;
    p2pcdn_content* content = NULL;
    p2pcdn_cdn* pusher = NULL;
    p2pcdn_tracker* tracker = NULL;
    p2pcdn_policy* policy = NULL;
    p2pcdn_nscf* nscf = NULL;
    p2pcdn_bitmap *half = NULL, *full = NULL;
    p2pcdn_peerlist* list = NULL;
    uint64_t job = 0;
    uint32_t x = 88172645u;
    int state = -1, clean = 0;

    REQUIRE(lab != NULL);
    REQUIRE(p2pcdn_global_init() > 0);
    remove(JOURNAL);
    read_file(lab, json, sizeof json);
    json_url_after(json, "origin", origin, sizeof origin);
    json_url_after(json, "redirector", redirector, sizeof redirector);
    REQUIRE(origin[0] != '\0' && redirector[0] != '\0');
    for (i = 0; i < TOTAL; ++i) {
        x ^= x << 13;
        x ^= x >> 17;
        x ^= x << 5;
        bytes[i] = (unsigned char)x;
    }
    REQUIRE(p2pcdn_content_new(&content, CONTENT, TOTAL, PIECE) == P2PCDN_OK);
    REQUIRE(p2pcdn_content_hash_buffer(content, bytes, TOTAL, NULL) == P2PCDN_OK);

    /* The CSS: the content's pieces at the origin, under a path of their own. */
    sprintf(css_tmpl, "%s/nscf-css/{content}/{piece}", origin);
    push_opts.origin_ingest_template = css_tmpl;
    push_opts.delivery_template = css_tmpl;
    REQUIRE(p2pcdn_cdn_new(&pusher, &push_opts) == P2PCDN_OK);
    for (i = 0; i < PIECES; ++i) {
        data[i] = bytes + i * PIECE;
        lens[i] = TOTAL - i * PIECE < PIECE ? TOTAL - i * PIECE : PIECE;
    }
    REQUIRE(p2pcdn_cdn_ingest(pusher, CONTENT, all, PIECES, data, lens, 600, NULL, NULL, &job) ==
            P2PCDN_OK);
    REQUIRE(p2pcdn_cdn_wait(pusher, job, &state) == P2PCDN_OK);
    REQUIRE(state == P2PCDN_JOB_COMPLETE);

    /* The NSCF: pushes into the origin, UEs GET through the redirector. */
    sprintf(ingest_tmpl, "%s/nscf-cdn/{content}/{piece}", origin);
    sprintf(delivery, "%s/nscf-cdn/{content}/{piece}", redirector);
    cdn_opts.origin_ingest_template = ingest_tmpl;
    cdn_opts.delivery_template = delivery;
    css.piece_template = css_tmpl;
    REQUIRE(p2pcdn_tracker_new(&tracker, NULL) == P2PCDN_OK);
    REQUIRE(p2pcdn_tracker_add_content(tracker, CONTENT, PIECES) == P2PCDN_OK);
    th.low_copies = 2;
    th.high_copies = 3;
    th.min_residency_ms = 1;
    REQUIRE(p2pcdn_policy_new_threshold(&policy, &th) == P2PCDN_OK);
    opts.content = content;
    opts.css = &css;
    opts.cdn = &cdn_opts;
    opts.policy = policy;
    opts.tracker = tracker;
    opts.journal_path = JOURNAL;
    opts.controller_id = "capi-lab";
    opts.default_ttl_s = 600;
    opts.peer_id = "nscf-lab";
    opts.peer_id_len = 8;
    opts.address = "127.0.0.1";
    opts.port = 6999;
    REQUIRE(p2pcdn_nscf_new(&nscf, &opts) == P2PCDN_OK);
    REQUIRE(p2pcdn_nscf_join(nscf) == P2PCDN_OK);

    /* Three UEs: two hold pieces 0 and 1, one holds nothing: 2 and 3 are scarce. */
    REQUIRE(p2pcdn_bitmap_new(&half, PIECES) == P2PCDN_OK);
    REQUIRE(p2pcdn_bitmap_set_range(half, 0, 2, 1) == P2PCDN_OK);
    REQUIRE(p2pcdn_bitmap_new(&full, PIECES) == P2PCDN_OK);
    REQUIRE(p2pcdn_bitmap_fill(full, 1) == P2PCDN_OK);
    announce(tracker, 1, half, P2PCDN_EVENT_STARTED, 0);
    announce(tracker, 2, half, P2PCDN_EVENT_STARTED, 0);
    announce(tracker, 3, NULL, P2PCDN_EVENT_STARTED, 0);
    round_until(nscf, tracker, P2PCDN_HOLDING_PUBLISHED, 2);

    REQUIRE(p2pcdn_nscf_snapshot(nscf, &snap) == P2PCDN_OK);
    REQUIRE(p2pcdn_nscf_holdings_at(snap, 0, &h) == P2PCDN_OK);
    CHECK(h.piece == 2 && h.state == P2PCDN_HOLDING_PUBLISHED && h.bytes == PIECE);
    sprintf(uri, "%s/nscf-cdn/%s/2", redirector, CONTENT);
    CHECK(strcmp(h.uri, uri) == 0);
    CHECK(h.advertised_expires_at_ms > 0 && h.advertised_expires_at_ms < h.object_expires_at_ms);
    CHECK(h.object_expires_at_ms - h.ingested_at_ms == 600000);
    REQUIRE(p2pcdn_nscf_holdings_at(snap, 1, &h) == P2PCDN_OK);
    CHECK(h.piece == 3 && h.bytes == PIECE - 321u);
    p2pcdn_nscf_holdings_free(snap);
    REQUIRE(p2pcdn_nscf_metrics_get(nscf, &m) == P2PCDN_OK);
    CHECK(m.pieces_ingested == 2 && m.bytes_ingested == 2 * PIECE - 321u);
    CHECK(m.publishes >= 1 && m.rounds >= 1 && m.ingest_failures == 0);

    /* The empty UE is told about the CDN source and GETs piece 2 through the redirector. */
    list = announce(tracker, 3, NULL, P2PCDN_EVENT_UPDATE, 1);
    REQUIRE(p2pcdn_peerlist_cdn_uri_for_piece(list, 2, 0, uri, sizeof uri, &size, NULL) ==
            P2PCDN_OK);
    CHECK(strstr(uri, redirector) == uri);
    CHECK(p2pcdn_peerlist_cdn_uri_for_piece(list, 0, 0, uri + 256, 256, &size, NULL) ==
          P2PCDN_ENOTFOUND); /* held by two UEs: not ingested */
    p2pcdn_peerlist_free(list);
    CHECK(fetch(content, 2, uri, got) == P2PCDN_FETCH_OK);
    CHECK(memcmp(got, bytes + 2 * PIECE, PIECE) == 0);

    /* Three more UEs complete: every piece has 3 copies, so the next round lets 2 and 3 go. */
    announce(tracker, 4, full, P2PCDN_EVENT_COMPLETED, 0);
    announce(tracker, 5, full, P2PCDN_EVENT_COMPLETED, 0);
    announce(tracker, 6, full, P2PCDN_EVENT_COMPLETED, 0);
    round_until(nscf, tracker, P2PCDN_HOLDING_PUBLISHED, 0);
    CHECK(cdn_sources(tracker) == 0);
    REQUIRE(p2pcdn_nscf_metrics_get(nscf, &m) == P2PCDN_OK);
    CHECK(m.pieces_purged == 2 && m.withdrawals >= 1 && m.purge_failures == 0);
    sprintf(at_origin, "%s/nscf-cdn/%s/3", origin, CONTENT);
    CHECK(fetch(content, 3, at_origin, got) == P2PCDN_FETCH_GONE);

    /* They leave: 2 and 3 are scarce again and come back; shutdown with purge clears all. */
    leave(tracker, 4);
    leave(tracker, 5);
    leave(tracker, 6);
    round_until(nscf, tracker, P2PCDN_HOLDING_PUBLISHED, 2);
    CHECK(cdn_sources(tracker) == 1);
    CHECK(fetch(content, 3, at_origin, got) == P2PCDN_FETCH_OK);
    REQUIRE(p2pcdn_nscf_shutdown(nscf, 1, 30000, &clean) == P2PCDN_OK);
    CHECK(clean == 1);
    REQUIRE(p2pcdn_nscf_snapshot(nscf, &snap) == P2PCDN_OK);
    CHECK(p2pcdn_nscf_holdings_count(snap, &size) == P2PCDN_OK && size == 0);
    p2pcdn_nscf_holdings_free(snap);
    CHECK(cdn_sources(tracker) == 0);
    sprintf(at_origin, "%s/nscf-cdn/%s/2", origin, CONTENT);
    CHECK(fetch(content, 2, at_origin, got) == P2PCDN_FETCH_GONE);
    p2pcdn_nscf_free(nscf);

    /* The journal agrees: a new NSCF on it holds nothing. */
    REQUIRE(p2pcdn_nscf_new(&nscf, &opts) == P2PCDN_OK);
    REQUIRE(p2pcdn_nscf_snapshot(nscf, &snap) == P2PCDN_OK);
    CHECK(p2pcdn_nscf_holdings_count(snap, &size) == P2PCDN_OK && size == 0);
    p2pcdn_nscf_holdings_free(snap);
    p2pcdn_nscf_free(nscf);

    REQUIRE(p2pcdn_cdn_purge(pusher, CONTENT, all, PIECES, NULL, NULL, &job) == P2PCDN_OK);
    REQUIRE(p2pcdn_cdn_wait(pusher, job, &state) == P2PCDN_OK);
    p2pcdn_cdn_free(pusher);
    p2pcdn_bitmap_free(half);
    p2pcdn_bitmap_free(full);
    p2pcdn_policy_free(policy);
    p2pcdn_tracker_free(tracker);
    p2pcdn_content_free(content);
    remove(JOURNAL);
    CHECK(p2pcdn_global_cleanup() == 0);
    return check_report("capi_nscf");
}
