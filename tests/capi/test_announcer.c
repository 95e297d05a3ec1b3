/* The UE's HTTP announce (announcer.h) without a network: the JSON request round-trips through
 * the tracker's own handler, bad announces and options fail with their codes before anything
 * is sent, and a tracker nothing listens on is P2PCDN_ENETWORK. The exchange with a real
 * `p2pcdn tracker` daemon and with misbehaving servers is in tests/python/test_announcer.py. */
#include "check.h"

static const unsigned char peer_a[] = {'u', 'e', '-', 'a'};

static p2pcdn_announce base_announce(void) {
    p2pcdn_announce a = P2PCDN_ANNOUNCE_INIT;
    a.content_id = "film";
    a.piece_count = 10;
    a.peer_id = peer_a;
    a.peer_id_len = sizeof peer_a;
    a.address = "192.0.2.7";
    a.port = 6881;
    a.event = P2PCDN_EVENT_STARTED;
    return a;
}

/* The JSON of `a`, applied to `t` through the HTTP handler; the answer as a peer list. */
static int apply_json(p2pcdn_tracker* t, const p2pcdn_announce* a, p2pcdn_peerlist** list) {
    char* json = NULL;
    char* answer = NULL;
    size_t len = 0, answer_len = 0;
    int rc = p2pcdn_announce_to_json(a, &json, &len);
    if (rc != P2PCDN_OK) {
        return rc;
    }
    CHECK(json != NULL && json[len] == '\0' && strlen(json) == len);
    rc = p2pcdn_tracker_handle_announce_json(t, json, len, "198.51.100.1", &answer, &answer_len);
    if (rc == P2PCDN_OK) {
        rc = p2pcdn_peerlist_from_json(list, answer, answer_len);
    }
    p2pcdn_free(json);
    p2pcdn_free(answer);
    return rc;
}

static void test_round_trip_through_the_tracker(void) {
    p2pcdn_tracker* t = NULL;
    p2pcdn_bitmap* bits = NULL;
    p2pcdn_peerlist* list = NULL;
    p2pcdn_peer_info peer;
    p2pcdn_stats* stats = NULL;
    uint32_t have[] = {4};
    p2pcdn_announce a = base_announce();
    p2pcdn_announce b = base_announce();
    size_t n = 0;
    const unsigned char peer_b[] = {'u', 'e', '-', 'b'};

    REQUIRE(p2pcdn_tracker_new(&t, NULL) == P2PCDN_OK);
    REQUIRE(p2pcdn_bitmap_new(&bits, 10) == P2PCDN_OK);
    REQUIRE(p2pcdn_bitmap_set_range(bits, 0, 3, 1) == P2PCDN_OK);
    /* piece_count 0 with a bitmap: the bitmap's size. */
    a.piece_count = 0;
    a.bitmap = bits;
    REQUIRE(apply_json(t, &a, &list) == P2PCDN_OK);
    CHECK(p2pcdn_peerlist_peer_count(list, &n) == P2PCDN_OK && n == 0);
    CHECK(p2pcdn_peerlist_piece_count(list, &n) == P2PCDN_OK && n == 10);
    p2pcdn_peerlist_free(list);
    list = NULL;

    /* Without an address, the tracker takes the connection's; have-lists travel too. */
    b.peer_id = peer_b;
    b.address = NULL;
    b.port = 7000;
    b.have = have;
    b.have_count = 1;
    b.role = P2PCDN_PEER_NETWORK;
    REQUIRE(apply_json(t, &b, &list) == P2PCDN_OK);
    REQUIRE(p2pcdn_peerlist_peer_count(list, &n) == P2PCDN_OK && n == 1);
    REQUIRE(p2pcdn_peerlist_peer_at(list, 0, &peer) == P2PCDN_OK);
    CHECK(strcmp(peer.address, "192.0.2.7") == 0 && peer.port == 6881);
    CHECK(peer.id_len == sizeof peer_a && memcmp(peer.id, peer_a, sizeof peer_a) == 0);
    p2pcdn_peerlist_free(list);

    /* The swarm holds what both said: pieces 0-2 from A, piece 4 from B (a network peer). */
    REQUIRE(p2pcdn_tracker_stats(t, "film", &stats) == P2PCDN_OK);
    {
        uint32_t copies[10];
        size_t count = 10;
        REQUIRE(p2pcdn_stats_copies(stats, copies, 10, &count) == P2PCDN_OK);
        CHECK(copies[0] == 1 && copies[2] == 1 && copies[3] == 0 && copies[4] == 0);
        REQUIRE(p2pcdn_stats_network_copies(stats, copies, 10, &count) == P2PCDN_OK);
        CHECK(copies[4] == 1 && copies[0] == 0);
    }
    p2pcdn_stats_free(stats);
    p2pcdn_bitmap_free(bits);
    p2pcdn_tracker_free(t);
}

static void test_bad_announces(void) {
    p2pcdn_bitmap* bits = NULL;
    p2pcdn_announce a = base_announce();
    char* json = (char*)"untouched";
    size_t len = 99;
    uint32_t twice[] = {3, 3};
    uint32_t past[] = {10};
    const unsigned char long_id[P2PCDN_PEER_ID_MAX + 1] = {0};

    CHECK_ERR(p2pcdn_announce_to_json(NULL, &json, &len), P2PCDN_EINVAL, "announce is NULL");
    CHECK(json == NULL && len == 0);
    CHECK_ERR(p2pcdn_announce_to_json(&a, NULL, &len), P2PCDN_EINVAL, "out is NULL");

    a.content_id = "not an id";
    CHECK_ERR(p2pcdn_announce_to_json(&a, &json, &len), P2PCDN_EINVAL, "content id");
    a = base_announce();
    a.content_id = NULL;
    CHECK_ERR(p2pcdn_announce_to_json(&a, &json, &len), P2PCDN_EINVAL, "content_id is NULL");
    a = base_announce();
    a.peer_id_len = 0;
    CHECK_ERR(p2pcdn_announce_to_json(&a, &json, &len), P2PCDN_EINVAL, "peer id has 0 bytes");
    a.peer_id = long_id;
    a.peer_id_len = sizeof long_id;
    CHECK_ERR(p2pcdn_announce_to_json(&a, &json, &len), P2PCDN_EINVAL, "peer id has 21 bytes");
    a = base_announce();
    a.address = "192.0.2.256";
    CHECK(p2pcdn_announce_to_json(&a, &json, &len) == P2PCDN_EPARSE);
    a = base_announce();
    a.event = 4;
    CHECK_ERR(p2pcdn_announce_to_json(&a, &json, &len), P2PCDN_EINVAL, "event 4");
    a = base_announce();
    a.have = twice;
    a.have_count = 2;
    CHECK_ERR(p2pcdn_announce_to_json(&a, &json, &len), P2PCDN_EINVAL, "more than once");
    a.have = past;
    a.have_count = 1;
    CHECK_ERR(p2pcdn_announce_to_json(&a, &json, &len), P2PCDN_EINVAL, "not below");
    a.have_count = 0;
    REQUIRE(p2pcdn_bitmap_new(&bits, 9) == P2PCDN_OK);
    a.bitmap = bits;
    CHECK_ERR(p2pcdn_announce_to_json(&a, &json, &len), P2PCDN_EINVAL, "bitmap has 9 bits");
    a.version = 2;
    CHECK_ERR(p2pcdn_announce_to_json(&a, &json, &len), P2PCDN_EINVAL, "version 2");
    CHECK(json == NULL && len == 0);
    p2pcdn_bitmap_free(bits);
}

static void test_announcer_arguments(void) {
    p2pcdn_announcer_options opts;
    p2pcdn_announcer* an = NULL;
    p2pcdn_peerlist* list = NULL;
    p2pcdn_announce a = base_announce();

    CHECK_ERR(p2pcdn_announcer_new(&an, NULL), P2PCDN_EINVAL, "tracker_url");
    REQUIRE(p2pcdn_announcer_options_init(&opts, P2PCDN_ANNOUNCER_OPTIONS_VERSION) == P2PCDN_OK);
    CHECK(opts.tracker_url == NULL && opts.timeout_ms == 0 && opts.version == 1);
    CHECK(p2pcdn_announcer_options_init(&opts, 2) == P2PCDN_EINVAL);
    opts.tracker_url = "http://127.0.0.1:1";
    /* Network objects need the global setup. */
    CHECK_ERR(p2pcdn_announcer_new(&an, &opts), P2PCDN_ESTATE, "p2pcdn_global_init");
    REQUIRE(p2pcdn_global_init() > 0);

    opts.tracker_url = NULL;
    CHECK_ERR(p2pcdn_announcer_new(&an, &opts), P2PCDN_EINVAL, "tracker_url is NULL");
    opts.tracker_url = "ftp://127.0.0.1/";
    CHECK(p2pcdn_announcer_new(&an, &opts) == P2PCDN_EPROTO);
    opts.tracker_url = "http://127.0.0.1:1/?key=secret";
    CHECK_ERR(p2pcdn_announcer_new(&an, &opts), P2PCDN_EINVAL, "query or fragment");
    CHECK(strstr(p2pcdn_last_error(), "secret") == NULL);
    opts.tracker_url = "http://127.0.0.1:1";
    opts.timeout_ms = -1;
    CHECK_ERR(p2pcdn_announcer_new(&an, &opts), P2PCDN_EINVAL, "negative");
    opts.timeout_ms = 0;
    CHECK(an == NULL);

    /* Port 1: nothing listens there. */
    REQUIRE(p2pcdn_announcer_new(&an, &opts) == P2PCDN_OK);
    CHECK(p2pcdn_announcer_announce(an, &a, &list) == P2PCDN_ENETWORK);
    CHECK(list == NULL);
    CHECK_ERR(p2pcdn_announcer_announce(an, &a, NULL), P2PCDN_EINVAL, "out is NULL");
    CHECK_ERR(p2pcdn_announcer_announce(an, NULL, &list), P2PCDN_EINVAL, "announce is NULL");
    a.peer_id_len = 0;
    CHECK_ERR(p2pcdn_announcer_announce(an, &a, &list), P2PCDN_EINVAL, "peer id has 0 bytes");
    CHECK_ERR(p2pcdn_announcer_announce(NULL, &a, &list), P2PCDN_EINVAL, "handle is NULL");
    p2pcdn_announcer_free(an);
    /* Freed: a stale handle is refused, a second free is harmless. */
    CHECK(p2pcdn_announcer_announce(an, &a, &list) == P2PCDN_EINVAL);
    p2pcdn_announcer_free(an);
    p2pcdn_announcer_free(NULL);
    CHECK(p2pcdn_global_cleanup() == 0);
}

int main(void) {
    test_round_trip_through_the_tracker();
    test_bad_announces();
    test_announcer_arguments();
    return check_report("announcer");
}
