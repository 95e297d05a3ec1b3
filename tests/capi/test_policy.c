/* p2pcdn_policy and p2pcdn_decision through the C ABI: the built-ins' options and decisions, a
 * host policy written as a C callback (its input view, its checked adds, stopping, refused
 * items), reading a decision, and misuse that must come back as error codes. */
#include "check.h"

static const int64_t t0 = 1764000000000; /* Unix ms */

/* Six pieces of 1000 bytes, the last 800; five user peers. */
static const char stats_json[] =
    "{\"v\":1,\"content\":\"film\",\"seq\":1,\"time\":1764000000000,\"pieces\":6,"
    "\"peers\":5,\"seeds\":0,\"leechers\":5,\"network_peers\":0,\"copies\":[3,1,0,1,4,5]}";

static p2pcdn_stats* make_stats(const char* json) {
    p2pcdn_stats* s = NULL;
    REQUIRE(p2pcdn_stats_from_json(&s, json, strlen(json)) == P2PCDN_OK);
    return s;
}

static p2pcdn_content* make_content(uint64_t total) {
    p2pcdn_content* c = NULL;
    REQUIRE(p2pcdn_content_new(&c, "film", total, 1000) == P2PCDN_OK);
    return c;
}

static p2pcdn_holding holding(size_t piece, int64_t ingested_at_ms, int64_t expires_at_ms) {
    p2pcdn_holding h;
    h.piece = piece;
    h.bytes = 1000;
    h.ingested_at_ms = ingested_at_ms;
    h.expires_at_ms = expires_at_ms;
    return h;
}

static void test_options(void) {
    p2pcdn_policy_threshold_options a = P2PCDN_POLICY_THRESHOLD_OPTIONS_INIT;
    p2pcdn_policy_threshold_options b;
    p2pcdn_policy_budget_options ba = P2PCDN_POLICY_BUDGET_OPTIONS_INIT;
    p2pcdn_policy_budget_options bb;
    p2pcdn_policy_ttl_options ta = P2PCDN_POLICY_TTL_OPTIONS_INIT;
    p2pcdn_policy_ttl_options tb;
    p2pcdn_policy* p = NULL;
    memset(&b, 0xab, sizeof b);
    memset(&bb, 0xab, sizeof bb);
    memset(&tb, 0xab, sizeof tb);
    CHECK(p2pcdn_policy_threshold_options_init(&b, P2PCDN_POLICY_THRESHOLD_OPTIONS_VERSION) ==
          P2PCDN_OK);
    CHECK(memcmp(&a, &b, sizeof a) == 0);
    CHECK(p2pcdn_policy_budget_options_init(&bb, P2PCDN_POLICY_BUDGET_OPTIONS_VERSION) ==
          P2PCDN_OK);
    CHECK(memcmp(&ba, &bb, sizeof ba) == 0);
    CHECK(p2pcdn_policy_ttl_options_init(&tb, P2PCDN_POLICY_TTL_OPTIONS_VERSION) == P2PCDN_OK);
    CHECK(memcmp(&ta, &tb, sizeof ta) == 0);
    CHECK_ERR(p2pcdn_policy_threshold_options_init(&b, 0), P2PCDN_EINVAL, "version 0");
    CHECK_ERR(p2pcdn_policy_budget_options_init(NULL, 1), P2PCDN_EINVAL, "NULL");
    CHECK_ERR(p2pcdn_policy_ttl_options_init(&tb, 2), P2PCDN_EINVAL, "version 2");

    a.version = 2;
    CHECK_ERR(p2pcdn_policy_new_threshold(&p, &a), P2PCDN_EINVAL, "version 2");
    a.version = P2PCDN_POLICY_THRESHOLD_OPTIONS_VERSION;
    a.low_copies = 4; /* not below the default high mark of 4 */
    CHECK_ERR(p2pcdn_policy_new_threshold(&p, &a), P2PCDN_EINVAL, "high_copies 4 must be above");
    a.low_copies = 0;
    a.min_residency_ms = -1;
    CHECK_ERR(p2pcdn_policy_new_threshold(&p, &a), P2PCDN_EINVAL, "negative");
    ba.min_residency_ms = -1;
    CHECK_ERR(p2pcdn_policy_new_budget(&p, &ba), P2PCDN_EINVAL, "negative");
    ta.ttl_s = 30;
    ta.renew_before_s = 30;
    CHECK_ERR(p2pcdn_policy_new_ttl(&p, &ta), P2PCDN_EINVAL, "renew_before_s 30 must be below");
    CHECK_ERR(p2pcdn_policy_new_all(NULL), P2PCDN_EINVAL, "out is NULL");
    CHECK_ERR(p2pcdn_policy_new_callback(&p, NULL, NULL), P2PCDN_EINVAL, "callback is NULL");
    CHECK(p == NULL);

    /* NULL options: every default. */
    REQUIRE(p2pcdn_policy_new_threshold(&p, NULL) == P2PCDN_OK);
    p2pcdn_policy_free(p);
    REQUIRE(p2pcdn_policy_new_budget(&p, NULL) == P2PCDN_OK);
    p2pcdn_policy_free(p);
    REQUIRE(p2pcdn_policy_new_ttl(&p, NULL) == P2PCDN_OK);
    p2pcdn_policy_free(p);
    p2pcdn_policy_free(NULL);
}

static void test_threshold_and_reading(void) {
    p2pcdn_stats* stats = make_stats(stats_json);
    p2pcdn_content* content = make_content(5800);
    p2pcdn_policy_threshold_options opts = P2PCDN_POLICY_THRESHOLD_OPTIONS_INIT;
    p2pcdn_holding held[2];
    p2pcdn_policy* p = NULL;
    p2pcdn_decision* d = NULL;
    p2pcdn_ingest_item items[4];
    size_t ingests = 99, purges = 99, count = 0, piece = 0, buf[4];
    p2pcdn_ingest_item one;

    held[0] = holding(0, t0 - 3600000, 0);
    held[1] = holding(4, t0 - 3600000, 0); /* 4 copies: at the high mark */
    opts.ttl_s = 300;
    REQUIRE(p2pcdn_policy_new_threshold(&p, &opts) == P2PCDN_OK);
    REQUIRE(p2pcdn_policy_decide(p, stats, held, 2, content, t0, &d) == P2PCDN_OK);
    CHECK(p2pcdn_decision_counts(d, &ingests, &purges) == P2PCDN_OK);
    /* Below 2 copies and lacked by someone: 2 (0 copies), then 1 and 3 (1 copy each). */
    CHECK(ingests == 3 && purges == 1);
    CHECK(p2pcdn_decision_counts(d, NULL, NULL) == P2PCDN_OK);

    CHECK(p2pcdn_decision_ingest_at(d, 0, &one) == P2PCDN_OK);
    CHECK(one.piece == 2 && one.ttl_s == 300);
    CHECK(p2pcdn_decision_purge_at(d, 0, &piece) == P2PCDN_OK);
    CHECK(piece == 4);
    CHECK_ERR(p2pcdn_decision_ingest_at(d, 3, &one), P2PCDN_ERANGE, "ingest 3 is out of range");
    CHECK_ERR(p2pcdn_decision_purge_at(d, 1, &piece), P2PCDN_ERANGE, "purge 1 is out of range");
    CHECK_ERR(p2pcdn_decision_ingest_at(d, 0, NULL), P2PCDN_EINVAL, "out is NULL");

    /* Bulk: a size query, a short buffer, then the items. */
    CHECK(p2pcdn_decision_ingests(d, NULL, 0, &count) == P2PCDN_OK);
    CHECK(count == 3);
    CHECK_ERR(p2pcdn_decision_ingests(d, items, 2, &count), P2PCDN_EBUFS, "2");
    CHECK(p2pcdn_decision_ingests(d, items, 4, &count) == P2PCDN_OK);
    CHECK(count == 3 && items[0].piece == 2 && items[1].piece == 1 && items[2].piece == 3);
    CHECK(items[2].ttl_s == 300);
    CHECK(p2pcdn_decision_purges(d, buf, 4, &count) == P2PCDN_OK);
    CHECK(count == 1 && buf[0] == 4);
    CHECK_ERR(p2pcdn_decision_purges(d, buf, 4, NULL), P2PCDN_EINVAL, "size is NULL");

    /* A finished decision takes no items. */
    CHECK_ERR(p2pcdn_decision_add_ingest(d, 5, 0), P2PCDN_ESTATE, "finished");
    CHECK_ERR(p2pcdn_decision_add_purge(d, 0), P2PCDN_ESTATE, "finished");
    p2pcdn_decision_free(d);
    p2pcdn_decision_free(d); /* a double free is harmless */
    CHECK_ERR(p2pcdn_decision_counts(d, &ingests, NULL), P2PCDN_EINVAL, "not a live");
    p2pcdn_policy_free(p);
    p2pcdn_stats_free(stats);
    p2pcdn_content_free(content);
}

static size_t ingest_count(const p2pcdn_policy* p, const p2pcdn_stats* stats,
                           const p2pcdn_holding* held, size_t n, const p2pcdn_content* content,
                           size_t* purges) {
    p2pcdn_decision* d = NULL;
    size_t ingests = 0;
    REQUIRE(p2pcdn_policy_decide(p, stats, held, n, content, t0, &d) == P2PCDN_OK);
    REQUIRE(p2pcdn_decision_counts(d, &ingests, purges) == P2PCDN_OK);
    p2pcdn_decision_free(d);
    return ingests;
}

static void test_other_builtins(void) {
    p2pcdn_stats* stats = make_stats(stats_json);
    p2pcdn_content* content = make_content(5800);
    p2pcdn_policy_budget_options bopts = P2PCDN_POLICY_BUDGET_OPTIONS_INIT;
    p2pcdn_holding held[2];
    p2pcdn_policy* p = NULL;
    size_t purges = 0;
    held[0] = holding(0, t0 - 3600000, t0 + 1000);
    held[1] = holding(5, t0 - 3600000, 0); /* every peer holds 5 */

    /* A budget of three pieces, two held: 2 (0 copies) fits; 1 and 3 (1 copy) each take the
     * place of a held piece worth less: 5, which every peer holds, then 0 (3 copies). */
    bopts.budget_bytes = 3000;
    REQUIRE(p2pcdn_policy_new_budget(&p, &bopts) == P2PCDN_OK);
    CHECK(ingest_count(p, stats, held, 2, content, &purges) == 3 && purges == 2);
    p2pcdn_policy_free(p);

    /* TTL: 2, 1 and 3 are scarce; 0 is not, so it is not renewed. Nothing is purged. */
    REQUIRE(p2pcdn_policy_new_ttl(&p, NULL) == P2PCDN_OK);
    CHECK(ingest_count(p, stats, held, 2, content, &purges) == 3 && purges == 0);
    p2pcdn_policy_free(p);

    REQUIRE(p2pcdn_policy_new_all(&p) == P2PCDN_OK);
    CHECK(ingest_count(p, stats, held, 2, content, &purges) == 4 && purges == 0);
    p2pcdn_policy_free(p);

    REQUIRE(p2pcdn_policy_new_none(&p) == P2PCDN_OK);
    CHECK(ingest_count(p, stats, held, 2, content, &purges) == 0 && purges == 2);
    CHECK(ingest_count(p, stats, NULL, 0, content, &purges) == 0 && purges == 0);
    p2pcdn_policy_free(p);
    p2pcdn_stats_free(stats);
    p2pcdn_content_free(content);
}

/* A host policy: ingest what nobody holds (with the TTL in the payload), purge held pieces
 * every peer holds. It also checks the view it is given. */
struct host {
    int calls;
    uint32_t ttl_s;
    int view_ok;
    int misbehave; /* 1: return non-zero; 2: purge an unheld piece and carry on; 3: keep handle */
    p2pcdn_decision* kept;
};

static int host_policy(const p2pcdn_policy_input* in, p2pcdn_decision* decision, void* payload) {
    struct host* h = (struct host*)payload;
    size_t i, count = 0;
    ++h->calls;
    h->view_ok = in->version == P2PCDN_POLICY_INPUT_VERSION &&
                 strcmp(in->content_id, "film") == 0 && in->piece_count == 6 &&
                 in->piece_length == 1000 && in->total_length == 5800 && in->peers == 5 &&
                 in->seeds == 0 && in->network_peers == 0 && in->copies[4] == 4 &&
                 in->holding_count == 1 && in->holdings[0].piece == 5 && in->now_ms == t0;
    if (h->misbehave == 1) {
        return 7;
    }
    for (i = 0; i < in->piece_count; ++i) {
        if (in->copies[i] == 0 && p2pcdn_decision_add_ingest(decision, i, h->ttl_s) != P2PCDN_OK) {
            return 1;
        }
    }
    for (i = 0; i < in->holding_count; ++i) {
        if (in->copies[in->holdings[i].piece] == in->peers &&
            p2pcdn_decision_add_purge(decision, in->holdings[i].piece) != P2PCDN_OK) {
            return 1;
        }
    }
    if (h->misbehave == 2) {
        /* Refused (the CDN does not hold 1); the callback ignores that and returns 0. */
        (void)p2pcdn_decision_add_purge(decision, 1);
    }
    if (h->misbehave == 3) {
        h->kept = decision;
    }
    /* What was added so far reads back; freeing the callback's decision does nothing. */
    p2pcdn_decision_counts(decision, &count, NULL);
    p2pcdn_decision_free(decision);
    return count == 1 ? 0 : 1;
}

static void test_callback(void) {
    p2pcdn_stats* stats = make_stats(stats_json);
    p2pcdn_content* content = make_content(5800);
    p2pcdn_holding held[1];
    struct host h;
    p2pcdn_policy* p = NULL;
    p2pcdn_decision* d = NULL;
    p2pcdn_ingest_item item;
    size_t piece = 0, ingests = 0, purges = 0;
    memset(&h, 0, sizeof h);
    h.ttl_s = 45;
    held[0] = holding(5, t0 - 1000, 0);
    REQUIRE(p2pcdn_policy_new_callback(&p, host_policy, &h) == P2PCDN_OK);

    REQUIRE(p2pcdn_policy_decide(p, stats, held, 1, content, t0, &d) == P2PCDN_OK);
    CHECK(h.calls == 1 && h.view_ok);
    CHECK(p2pcdn_decision_counts(d, &ingests, &purges) == P2PCDN_OK);
    CHECK(ingests == 1 && purges == 1);
    CHECK(p2pcdn_decision_ingest_at(d, 0, &item) == P2PCDN_OK);
    CHECK(item.piece == 2 && item.ttl_s == 45);
    CHECK(p2pcdn_decision_purge_at(d, 0, &piece) == P2PCDN_OK);
    CHECK(piece == 5);
    p2pcdn_decision_free(d);

    /* Stopping: P2PCDN_EUSER and no decision. */
    d = NULL;
    h.misbehave = 1;
    CHECK_ERR(p2pcdn_policy_decide(p, stats, held, 1, content, t0, &d), P2PCDN_EUSER,
              "the policy callback returned 7");
    CHECK(d == NULL);

    /* A refused add fails the whole decision, even though the callback returned 0. */
    h.misbehave = 2;
    CHECK_ERR(p2pcdn_policy_decide(p, stats, held, 1, content, t0, &d), P2PCDN_EINVAL,
              "the policy callback had an item refused: purge of piece 1: the CDN does not "
              "hold it");
    CHECK(d == NULL);

    /* The callback's decision is gone after the call. */
    h.misbehave = 3;
    REQUIRE(p2pcdn_policy_decide(p, stats, held, 1, content, t0, &d) == P2PCDN_OK);
    CHECK(h.kept != NULL);
    /* The callback's handle was freed; the allocator may hand its address to `d`, which is
     * finished: either way nothing can be added through the kept pointer. */
    {
        const int rc = p2pcdn_decision_add_ingest(h.kept, 0, 0);
        CHECK(h.kept == d ? rc == P2PCDN_ESTATE : rc == P2PCDN_EINVAL);
    }
    p2pcdn_decision_free(d);

    /* A bad input never reaches the callback. */
    h.calls = 0;
    held[0].bytes = 0;
    CHECK_ERR(p2pcdn_policy_decide(p, stats, held, 1, content, t0, &d), P2PCDN_EINVAL,
              "holdings[0]: 0 bytes");
    CHECK(h.calls == 0);
    p2pcdn_policy_free(p);
    p2pcdn_stats_free(stats);
    p2pcdn_content_free(content);
}

static void test_misuse(void) {
    p2pcdn_stats* stats = make_stats(stats_json);
    p2pcdn_content* content = make_content(5800);
    p2pcdn_content* other = make_content(6800); /* 7 pieces */
    p2pcdn_holding held[2];
    p2pcdn_policy* p = NULL;
    p2pcdn_decision* d = NULL;
    REQUIRE(p2pcdn_policy_new_all(&p) == P2PCDN_OK);
    held[0] = holding(3, t0, 0);
    held[1] = holding(1, t0, 0);

    CHECK_ERR(p2pcdn_policy_decide(NULL, stats, NULL, 0, content, t0, &d), P2PCDN_EINVAL,
              "p2pcdn_policy handle is NULL");
    CHECK_ERR(p2pcdn_policy_decide(p, NULL, NULL, 0, content, t0, &d), P2PCDN_EINVAL,
              "p2pcdn_stats handle is NULL");
    CHECK_ERR(p2pcdn_policy_decide(p, stats, NULL, 0, NULL, t0, &d), P2PCDN_EINVAL,
              "p2pcdn_content handle is NULL");
    CHECK_ERR(p2pcdn_policy_decide(p, stats, NULL, 0, content, t0, NULL), P2PCDN_EINVAL,
              "out is NULL");
    CHECK_ERR(p2pcdn_policy_decide(p, stats, NULL, 1, content, t0, &d), P2PCDN_EINVAL,
              "holdings is NULL with length 1");
    CHECK_ERR(p2pcdn_policy_decide(p, stats, held, 7, content, t0, &d), P2PCDN_EINVAL,
              "7 holdings for a content of 6 pieces");
    CHECK_ERR(p2pcdn_policy_decide(p, stats, held, 2, content, t0, &d), P2PCDN_EINVAL,
              "holdings[1]: piece 1 after piece 3");
    CHECK_ERR(p2pcdn_policy_decide(p, stats, NULL, 0, other, t0, &d), P2PCDN_EINVAL,
              "the statistics have 6 pieces, the layout 7");
    /* A handle of another type, and a freed one. */
    CHECK_ERR(p2pcdn_policy_decide((const p2pcdn_policy*)stats, stats, NULL, 0, content, t0, &d),
              P2PCDN_EINVAL, "not a live p2pcdn_policy handle");
    CHECK_ERR(p2pcdn_decision_counts((const p2pcdn_decision*)p, NULL, NULL), P2PCDN_EINVAL,
              "not a live p2pcdn_decision handle");
    CHECK(d == NULL);
    p2pcdn_policy_free(p);
    CHECK_ERR(p2pcdn_policy_decide(p, stats, NULL, 0, content, t0, &d), P2PCDN_EINVAL,
              "not a live p2pcdn_policy handle");
    p2pcdn_policy_free(p); /* harmless */
    CHECK_ERR(p2pcdn_decision_add_purge(NULL, 0), P2PCDN_EINVAL, "NULL");
    p2pcdn_decision_free(NULL);
    p2pcdn_stats_free(stats);
    p2pcdn_content_free(content);
    p2pcdn_content_free(other);
}

int main(void) {
    test_options();
    test_threshold_and_reading();
    test_other_builtins();
    test_callback();
    test_misuse();
    return check_report("test_policy");
}
