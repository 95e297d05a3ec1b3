/* p2pcdn_tracker, p2pcdn_peerlist and p2pcdn_stats through the C ABI: announces, statistics,
 * subscriptions, and bad announces that must fail with their code and change nothing. */
#include "check.h"

static int64_t fake_now = 1764000000000;

static int64_t fake_clock(void* payload) {
    (void)payload;
    return fake_now;
}

static p2pcdn_tracker* make_tracker(int no_create, uint32_t max_swarms, uint32_t max_peers) {
    p2pcdn_tracker* t = NULL;
    p2pcdn_tracker_options opts = P2PCDN_TRACKER_OPTIONS_INIT;
    opts.no_create_swarms = no_create;
    opts.max_swarms = max_swarms;
    opts.max_peers_per_swarm = max_peers;
    opts.interval_s = 600;
    opts.min_interval_s = 30;
    opts.rng_seed = 42;
    opts.clock = fake_clock;
    REQUIRE(p2pcdn_tracker_new(&t, &opts) == P2PCDN_OK);
    return t;
}

/* An announce of peer `name` with a full bitmap given as piece ranges. */
static int announce_ranges(p2pcdn_tracker* t, const char* content, size_t pieces, const char* name,
                           const char* ranges, p2pcdn_peerlist** out) {
    p2pcdn_announce a = P2PCDN_ANNOUNCE_INIT;
    p2pcdn_bitmap* bits = NULL;
    int rc;
    if (ranges != NULL) {
        REQUIRE(p2pcdn_bitmap_from_ranges(&bits, pieces, ranges, strlen(ranges)) == P2PCDN_OK);
    }
    a.content_id = content;
    a.piece_count = pieces;
    a.peer_id = name;
    a.peer_id_len = strlen(name);
    a.address = "192.0.2.10";
    a.port = 6881;
    a.event = P2PCDN_EVENT_STARTED;
    a.bitmap = bits;
    rc = p2pcdn_tracker_announce(t, &a, out);
    p2pcdn_bitmap_free(bits);
    return rc;
}

static void copies_of(const p2pcdn_tracker* t, const char* content, uint32_t* copies, size_t n) {
    p2pcdn_stats* s = NULL;
    size_t count = 0;
    REQUIRE(p2pcdn_tracker_stats(t, content, &s) == P2PCDN_OK);
    REQUIRE(p2pcdn_stats_copies(s, copies, n, &count) == P2PCDN_OK);
    REQUIRE(count == n);
    p2pcdn_stats_free(s);
}

static void test_announces_and_stats(void) {
    p2pcdn_tracker* t = make_tracker(0, 0, 0);
    p2pcdn_peerlist* answer = NULL;
    p2pcdn_peer_info info;
    p2pcdn_stats* s = NULL;
    p2pcdn_stats_summary summary = P2PCDN_STATS_SUMMARY_INIT;
    p2pcdn_announce a = P2PCDN_ANNOUNCE_INIT;
    uint32_t copies[10];
    uint32_t interval = 0, min_interval = 0, seeds = 0, leechers = 0;
    const uint32_t have[] = {9};
    const uint32_t donthave[] = {0};
    size_t n = 0, count = 0;

    REQUIRE(announce_ranges(t, "movie", 10, "alice", "0-4", NULL) == P2PCDN_OK);
    REQUIRE(announce_ranges(t, "movie", 10, "bob", "0-9", NULL) == P2PCDN_OK);
    REQUIRE(announce_ranges(t, "movie", 10, "carol", "3-5", &answer) == P2PCDN_OK);
    CHECK(p2pcdn_tracker_content_count(t, &n) == P2PCDN_OK && n == 1);

    CHECK(p2pcdn_peerlist_interval(answer, &interval, &min_interval) == P2PCDN_OK);
    CHECK(interval == 600 && min_interval == 30);
    CHECK(p2pcdn_peerlist_swarm_counts(answer, &seeds, &leechers) == P2PCDN_OK);
    CHECK(seeds == 1 && leechers == 2);
    CHECK(p2pcdn_peerlist_peer_count(answer, &n) == P2PCDN_OK && n == 2);
    for (count = 0; count < n; ++count) {
        REQUIRE(p2pcdn_peerlist_peer_at(answer, count, &info) == P2PCDN_OK);
        CHECK(!(info.id_len == 5 && memcmp(info.id, "carol", 5) == 0)); /* never the requester */
        CHECK(strcmp(info.address, "192.0.2.10") == 0 && info.port == 6881);
        CHECK(info.role == P2PCDN_PEER_USER);
        CHECK(info.seed == (info.id_len == 3 && memcmp(info.id, "bob", 3) == 0));
    }
    CHECK_ERR(p2pcdn_peerlist_peer_at(answer, n, &info), P2PCDN_ERANGE, "out of range");
    p2pcdn_peerlist_free(answer);

    copies_of(t, "movie", copies, 10);
    CHECK(copies[0] == 2 && copies[3] == 3 && copies[4] == 3 && copies[5] == 2);
    CHECK(copies[6] == 1 && copies[9] == 1);

    /* HAVE and DONTHAVE deltas for alice. */
    a.content_id = "movie";
    a.peer_id = "alice";
    a.peer_id_len = 5;
    a.address = "2001:db8::1";
    a.port = 51413;
    a.have = have;
    a.have_count = 1;
    a.donthave = donthave;
    a.donthave_count = 1;
    a.numwant = P2PCDN_NUMWANT_NONE;
    REQUIRE(p2pcdn_tracker_announce(t, &a, &answer) == P2PCDN_OK);
    CHECK(p2pcdn_peerlist_peer_count(answer, &n) == P2PCDN_OK && n == 0);
    p2pcdn_peerlist_free(answer);
    copies_of(t, "movie", copies, 10);
    CHECK(copies[0] == 1 && copies[9] == 2);

    REQUIRE(p2pcdn_tracker_stats(t, "movie", &s) == P2PCDN_OK);
    REQUIRE(p2pcdn_stats_get_summary(s, &summary) == P2PCDN_OK);
    CHECK(summary.piece_count == 10 && summary.peers == 3 && summary.seeds == 1);
    CHECK(summary.leechers == 2 && summary.network_peers == 0);
    CHECK(summary.min_copies == 1 && summary.max_copies == 3);
    CHECK(summary.time_ms == fake_now);
    CHECK(strcmp(p2pcdn_stats_content_id(s), "movie") == 0);
    CHECK(p2pcdn_stats_network_copies(s, NULL, 0, &count) == P2PCDN_OK && count == 0);
    p2pcdn_stats_free(s);

    /* Stopped removes the peer. */
    a.have_count = 0;
    a.donthave_count = 0;
    a.event = P2PCDN_EVENT_STOPPED;
    REQUIRE(p2pcdn_tracker_announce(t, &a, NULL) == P2PCDN_OK);
    copies_of(t, "movie", copies, 10);
    CHECK(copies[1] == 1 && copies[9] == 1);
    CHECK_ERR(p2pcdn_tracker_leave(t, "movie", "alice", 5), P2PCDN_ENOTFOUND, "");
    CHECK(p2pcdn_tracker_leave(t, "movie", "carol", 5) == P2PCDN_OK);
    p2pcdn_tracker_free(t);
}

static void test_stats_json_round_trip(void) {
    p2pcdn_tracker* t = make_tracker(0, 0, 0);
    p2pcdn_stats *s = NULL, *back = NULL;
    p2pcdn_bitmap* rarest = NULL;
    p2pcdn_histogram_bin bins[8];
    char json[4096], again[4096];
    size_t size = 0, count = 0, rare = 0;
    REQUIRE(announce_ranges(t, "c", 20, "p1", "0-9", NULL) == P2PCDN_OK);
    REQUIRE(announce_ranges(t, "c", 20, "p2", "5-19", NULL) == P2PCDN_OK);
    REQUIRE(p2pcdn_tracker_stats(t, "c", &s) == P2PCDN_OK);
    REQUIRE(p2pcdn_stats_to_json(s, P2PCDN_COPIES_PLAIN, json, sizeof json, &size) == P2PCDN_OK);
    CHECK(strstr(json, "\"copies\":[1,1,1,1,1,2,2,2,2,2,1,1,1,1,1,1,1,1,1,1]") != NULL);
    REQUIRE(p2pcdn_stats_from_json(&back, json, size - 1) == P2PCDN_OK);
    REQUIRE(p2pcdn_stats_to_json(back, P2PCDN_COPIES_RUNS, again, sizeof again, &size) ==
            P2PCDN_OK);
    CHECK(strstr(again, "\"copies_runs\":[1,5,2,5,1,10]") != NULL);
    CHECK(p2pcdn_stats_histogram(back, bins, 8, &count) == P2PCDN_OK && count == 2);
    CHECK(bins[0].copies == 1 && bins[0].pieces == 15 && bins[1].copies == 2);
    REQUIRE(p2pcdn_stats_rarest(back, &rarest) == P2PCDN_OK);
    CHECK(p2pcdn_bitmap_count(rarest, &rare) == P2PCDN_OK && rare == 15);
    p2pcdn_bitmap_free(rarest);
    CHECK_ERR(p2pcdn_stats_to_json(back, 9u, again, sizeof again, &size), P2PCDN_EINVAL,
              "encoding");

    /* Malformed reports. */
    p2pcdn_stats_free(back);
    back = NULL;
    CHECK(p2pcdn_stats_from_json(&back, "{", 1) == P2PCDN_EPARSE);
    CHECK(p2pcdn_stats_from_json(&back, json, size / 2) == P2PCDN_EPARSE);
    CHECK(back == NULL);
    p2pcdn_stats_free(s);
    p2pcdn_tracker_free(t);
}

static void test_bad_announces_change_nothing(void) {
    p2pcdn_tracker* t = make_tracker(1, 2, 2);
    p2pcdn_stats *before = NULL, *after = NULL;
    p2pcdn_announce a = P2PCDN_ANNOUNCE_INIT;
    const uint32_t out_of_range[] = {3, 10};
    char json_before[2048], json_after[2048];
    size_t size = 0, n = 0;

    CHECK_ERR(announce_ranges(t, "nope", 10, "p", "0", NULL), P2PCDN_ENOTFOUND, "nope");
    REQUIRE(p2pcdn_tracker_add_content(t, "m", 10) == P2PCDN_OK);
    CHECK(p2pcdn_tracker_add_content(t, "m", 10) == P2PCDN_OK);
    CHECK(p2pcdn_tracker_add_content(t, "m", 11) == P2PCDN_EEXISTS);
    REQUIRE(p2pcdn_tracker_add_content(t, "n", 5) == P2PCDN_OK);
    CHECK(p2pcdn_tracker_add_content(t, "o", 5) == P2PCDN_ELIMIT);
    CHECK(p2pcdn_tracker_add_content(t, "bad/id", 5) == P2PCDN_EINVAL);
    REQUIRE(announce_ranges(t, "m", 10, "p1", "0-4", NULL) == P2PCDN_OK);
    REQUIRE(announce_ranges(t, "m", 10, "p2", "2-7", NULL) == P2PCDN_OK);

    REQUIRE(p2pcdn_tracker_stats(t, "m", &before) == P2PCDN_OK);
    REQUIRE(p2pcdn_stats_to_json(before, 0, json_before, sizeof json_before, &size) == P2PCDN_OK);

    /* Peer limit, wrong bitmap length, wrong piece count, index out of range, bad fields. */
    CHECK(announce_ranges(t, "m", 10, "p3", "1", NULL) == P2PCDN_ELIMIT);
    CHECK(announce_ranges(t, "m", 11, "p1", "1", NULL) == P2PCDN_EINVAL);
    a.content_id = "m";
    a.peer_id = "p1";
    a.peer_id_len = 2;
    a.address = "192.0.2.1";
    a.have = out_of_range;
    a.have_count = 2;
    CHECK_ERR(p2pcdn_tracker_announce(t, &a, NULL), P2PCDN_ERANGE, "piece 10 out of range");
    a.have_count = 1;
    a.address = "not an address";
    CHECK(p2pcdn_tracker_announce(t, &a, NULL) == P2PCDN_EPARSE);
    a.address = "192.0.2.1";
    a.peer_id_len = 21;
    a.peer_id = "012345678901234567890";
    CHECK(p2pcdn_tracker_announce(t, &a, NULL) == P2PCDN_EINVAL);
    a.peer_id = "p1";
    a.peer_id_len = 2;
    a.role = 7;
    CHECK_ERR(p2pcdn_tracker_announce(t, &a, NULL), P2PCDN_EINVAL, "role 7");
    a.role = P2PCDN_PEER_USER;
    a.version = 2;
    CHECK_ERR(p2pcdn_tracker_announce(t, &a, NULL), P2PCDN_EINVAL, "version 2");
    CHECK_ERR(p2pcdn_tracker_announce(t, NULL, NULL), P2PCDN_EINVAL, "announce is NULL");

    REQUIRE(p2pcdn_tracker_stats(t, "m", &after) == P2PCDN_OK);
    REQUIRE(p2pcdn_stats_to_json(after, 0, json_after, sizeof json_after, &size) == P2PCDN_OK);
    /* Same state: only the sequence number moved on. */
    CHECK(strcmp(strstr(json_before, "\"pieces\""), strstr(json_after, "\"pieces\"")) == 0);
    CHECK(p2pcdn_tracker_content_count(t, &n) == P2PCDN_OK && n == 2);
    p2pcdn_stats_free(before);
    p2pcdn_stats_free(after);

    CHECK(p2pcdn_tracker_remove_content(t, "n") == P2PCDN_OK);
    CHECK(p2pcdn_tracker_remove_content(t, "n") == P2PCDN_ENOTFOUND);
    CHECK(p2pcdn_tracker_stats(t, "n", &after) == P2PCDN_ENOTFOUND);
    p2pcdn_tracker_free(t);
}

struct delivery {
    int reports;
    uint64_t last_seq;
    int stop_after;
};

static int on_stats(const p2pcdn_stats* stats, void* payload) {
    struct delivery* d = payload;
    p2pcdn_stats_summary summary = P2PCDN_STATS_SUMMARY_INIT;
    if (p2pcdn_stats_get_summary(stats, &summary) == P2PCDN_OK) {
        d->last_seq = summary.seq;
    }
    d->reports++;
    return d->reports >= d->stop_after;
}

static void test_subscriptions_and_expiry(void) {
    p2pcdn_tracker* t = make_tracker(0, 0, 0);
    struct delivery d = {0, 0, 3};
    uint64_t id = 0;
    int64_t next = 0;
    size_t removed = 0;
    uint32_t copies[4];

    REQUIRE(announce_ranges(t, "s", 4, "p1", "0-3", NULL) == P2PCDN_OK);
    REQUIRE(p2pcdn_tracker_subscribe(t, "s", 1000, on_stats, &d, &id) == P2PCDN_OK);
    CHECK(id > 0);
    CHECK(p2pcdn_tracker_step(t, &next) == P2PCDN_OK);
    CHECK(d.reports == 1 && next == 1000);
    CHECK(p2pcdn_tracker_step(t, &next) == P2PCDN_OK && d.reports == 1);
    fake_now += 1000;
    CHECK(p2pcdn_tracker_step(t, &next) == P2PCDN_OK && d.reports == 2);
    fake_now += 1000;
    /* The third report returns non-zero: the subscription ends. */
    CHECK(p2pcdn_tracker_step(t, &next) == P2PCDN_OK && d.reports == 3);
    fake_now += 5000;
    CHECK(p2pcdn_tracker_step(t, &next) == P2PCDN_OK && d.reports == 3 && next == -1);
    CHECK(p2pcdn_tracker_unsubscribe(t, id) == P2PCDN_ENOTFOUND);
    CHECK_ERR(p2pcdn_tracker_subscribe(t, "s", 0, on_stats, &d, &id), P2PCDN_EINVAL, "");
    CHECK_ERR(p2pcdn_tracker_subscribe(t, "s", 10, NULL, &d, &id), P2PCDN_EINVAL, "callback");

    /* Peers silent for longer than 2 * interval (1200 s) expire. */
    fake_now += 1200 * 1000 + 1;
    CHECK(p2pcdn_tracker_expire(t, &removed) == P2PCDN_OK && removed == 1);
    copies_of(t, "s", copies, 4);
    CHECK(copies[0] == 0 && copies[3] == 0);
    p2pcdn_tracker_free(t);
}

static void test_misuse(void) {
    p2pcdn_tracker* t = make_tracker(0, 0, 0);
    p2pcdn_tracker_options opts = P2PCDN_TRACKER_OPTIONS_INIT;
    p2pcdn_announce a;
    p2pcdn_tracker* other = NULL;
    size_t n = 0;
    opts.version = 0;
    CHECK_ERR(p2pcdn_tracker_new(&other, &opts), P2PCDN_EINVAL, "version 0");
    CHECK(other == NULL);
    CHECK(p2pcdn_announce_init(&a, P2PCDN_ANNOUNCE_VERSION) == P2PCDN_OK);
    CHECK(a.version == P2PCDN_ANNOUNCE_VERSION && a.bitmap == NULL && a.numwant == 0);
    CHECK(p2pcdn_tracker_start(t) == P2PCDN_OK);
    CHECK(p2pcdn_tracker_start(t) == P2PCDN_ESTATE);
    CHECK(p2pcdn_tracker_stop(t) == P2PCDN_OK);
    p2pcdn_tracker_free(t);
    CHECK_ERR(p2pcdn_tracker_content_count(t, &n), P2PCDN_EINVAL, "not a live p2pcdn_tracker");
    CHECK_ERR(p2pcdn_tracker_add_content(NULL, "x", 1), P2PCDN_EINVAL, "NULL");
    p2pcdn_tracker_free(t);
    p2pcdn_peerlist_free(NULL);
    p2pcdn_stats_free(NULL);
}

int main(void) {
    test_announces_and_stats();
    test_stats_json_round_trip();
    test_bad_announces_change_nothing();
    test_subscriptions_and_expiry();
    test_misuse();
    return check_report("test_tracker");
}
