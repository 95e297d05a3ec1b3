/* The tracker's HTTP handlers (tracker_http.h): each turns a request as it arrived into the
 * answer to send, with the error answer and an HTTP status when it fails, and a failure changes
 * nothing at the tracker. */
#include "check.h"

static int64_t now_ms = 1764000000000;

static int64_t clock_fn(void* payload) {
    (void)payload;
    return now_ms;
}

static p2pcdn_tracker* new_tracker(size_t max_pieces) {
    p2pcdn_tracker_options opts = P2PCDN_TRACKER_OPTIONS_INIT;
    p2pcdn_tracker* t = NULL;
    opts.clock = clock_fn;
    opts.rng_seed = 9;
    opts.max_pieces = max_pieces;
    opts.max_swarms = 2;
    REQUIRE(p2pcdn_tracker_new(&t, &opts) == P2PCDN_OK);
    return t;
}

static size_t contents(const p2pcdn_tracker* t) {
    size_t n = 99;
    REQUIRE(p2pcdn_tracker_content_count(t, &n) == P2PCDN_OK);
    return n;
}

/* The answer holds `text` and is NUL-terminated after answer_len bytes. */
static int answer_has(const char* answer, size_t len, const char* text) {
    return answer != NULL && answer[len] == '\0' && strstr(answer, text) != NULL;
}

static int announce(p2pcdn_tracker* t, const char* body, const char* remote, char** answer,
                    size_t* len) {
    return p2pcdn_tracker_handle_announce_json(t, body, strlen(body), remote, answer, len);
}

#define ANNOUNCE_A "{\"v\":1,\"content\":\"film\",\"pieces\":10,\"peer_id\":\"0a\",\"port\":6881}"
#define ANNOUNCE_B                                                                  \
    "{\"v\":1,\"content\":\"film\",\"pieces\":10,\"peer_id\":\"0b\",\"port\":6882," \
    "\"ip\":\"192.0.2.9\",\"bitfield\":\"gMA=\"}"

static void test_announce_json(void) {
    p2pcdn_tracker* t = new_tracker(0);
    p2pcdn_peerlist* list = NULL;
    p2pcdn_peer_info peer;
    char* answer = NULL;
    size_t len = 0, n = 0;
    char* big = NULL;
    const size_t big_len = (size_t)17 << 20;

    /* The connection's address stands in for the request's missing "ip". */
    REQUIRE(announce(t, ANNOUNCE_A, "198.51.100.7", &answer, &len) == P2PCDN_OK);
    CHECK(answer_has(answer, len, "\"type\":\"peers\""));
    p2pcdn_free(answer);
    REQUIRE(announce(t, ANNOUNCE_B, NULL, &answer, &len) == P2PCDN_OK);
    REQUIRE(p2pcdn_peerlist_from_json(&list, answer, len) == P2PCDN_OK);
    p2pcdn_free(answer);
    REQUIRE(p2pcdn_peerlist_peer_count(list, &n) == P2PCDN_OK && n == 1);
    REQUIRE(p2pcdn_peerlist_peer_at(list, 0, &peer) == P2PCDN_OK);
    CHECK(strcmp(peer.address, "198.51.100.7") == 0 && peer.port == 6881);
    p2pcdn_peerlist_free(list);

    /* Malformed: EPARSE, the JSON error answer, status 400; the swarm is as it was. */
    CHECK(announce(t, "{\"v\":1,", "198.51.100.7", &answer, &len) == P2PCDN_EPARSE);
    CHECK(answer_has(answer, len, "{\"v\":1,\"type\":\"error\",\"code\":-6,\"message\":"));
    CHECK(answer_has(answer, len, "not valid JSON"));
    CHECK(strstr(p2pcdn_last_error(), "not valid JSON") != NULL);
    CHECK(p2pcdn_tracker_http_status(P2PCDN_EPARSE) == 400);
    p2pcdn_free(answer);
    /* The tracker's own rules: completed with a partial bitmap, another piece count for a known
     * content (both EINVAL). */
    CHECK_ERR(announce(t,
                       "{\"v\":1,\"content\":\"film\",\"pieces\":10,\"peer_id\":\"0c\","
                       "\"port\":1,\"event\":\"completed\",\"bitfield\":\"gMA=\"}",
                       "198.51.100.7", &answer, &len),
              P2PCDN_EINVAL, "completed");
    CHECK(answer_has(answer, len, "\"code\":-2"));
    p2pcdn_free(answer);
    CHECK_ERR(announce(t,
                       "{\"v\":1,\"content\":\"film\",\"pieces\":11,\"peer_id\":\"0c\","
                       "\"port\":1}",
                       "198.51.100.7", &answer, &len),
              P2PCDN_EINVAL, "has 10 pieces, not 11");
    p2pcdn_free(answer);
    /* No address at all, a bad remote address. */
    CHECK_ERR(announce(t, ANNOUNCE_A, NULL, &answer, &len), P2PCDN_EINVAL,
              "no 'ip' and the connection's address is unknown");
    CHECK(answer_has(answer, len, "\"code\":-2"));
    p2pcdn_free(answer);
    CHECK_ERR(announce(t, ANNOUNCE_A, "198.51.100", &answer, &len), P2PCDN_EINVAL, "remote_addr:");
    p2pcdn_free(answer);
    /* Above the decoder's byte limit (16 MiB): ELIMIT before anything is read. */
    big = (char*)malloc(big_len);
    REQUIRE(big != NULL);
    memset(big, ' ', big_len);
    CHECK_ERR(p2pcdn_tracker_handle_announce_json(t, big, big_len, "198.51.100.7", &answer, &len),
              P2PCDN_ELIMIT, "above the limit");
    CHECK(p2pcdn_tracker_http_status(P2PCDN_ELIMIT) == 400);
    p2pcdn_free(answer);
    free(big);
    /* Caller mistakes: no answer pointer (nothing applied), a NULL body with a length, a dead
     * handle (still answered). */
    CHECK_ERR(p2pcdn_tracker_handle_announce_json(t, ANNOUNCE_A, strlen(ANNOUNCE_A), "10.0.0.1",
                                                  NULL, &len),
              P2PCDN_EINVAL, "answer_out is NULL");
    CHECK(len == 0);
    answer = (char*)"untouched";
    CHECK_ERR(p2pcdn_tracker_handle_announce_json(t, ANNOUNCE_A, strlen(ANNOUNCE_A), "10.0.0.1",
                                                  &answer, NULL),
              P2PCDN_EINVAL, "answer_len is NULL");
    CHECK(answer == NULL);
    CHECK_ERR(p2pcdn_tracker_handle_announce_json(t, NULL, 5, "10.0.0.1", &answer, &len),
              P2PCDN_EINVAL, "body is NULL");
    p2pcdn_free(answer);
    CHECK_ERR(announce(NULL, ANNOUNCE_A, "10.0.0.1", &answer, &len), P2PCDN_EINVAL,
              "handle is NULL");
    CHECK(answer_has(answer, len, "\"code\":-2"));
    p2pcdn_free(answer);

    /* None of the failures made a swarm or a peer. */
    CHECK(contents(t) == 1);
    REQUIRE(announce(t, ANNOUNCE_B, NULL, &answer, &len) == P2PCDN_OK);
    REQUIRE(p2pcdn_peerlist_from_json(&list, answer, len) == P2PCDN_OK);
    CHECK(p2pcdn_peerlist_peer_count(list, &n) == P2PCDN_OK && n == 1);
    p2pcdn_peerlist_free(list);
    p2pcdn_free(answer);

    /* The tracker's limits: past max_swarms (2) is ELIMIT, past max_pieces ERANGE. */
    p2pcdn_tracker_free(t);
    t = new_tracker(8);
    CHECK_ERR(announce(t, ANNOUNCE_A, "10.0.0.1", &answer, &len), P2PCDN_ERANGE,
              "above the limit of 8");
    CHECK(p2pcdn_tracker_http_status(P2PCDN_ERANGE) == 400);
    p2pcdn_free(answer);
    REQUIRE(p2pcdn_tracker_add_content(t, "one", 1) == P2PCDN_OK);
    REQUIRE(p2pcdn_tracker_add_content(t, "two", 1) == P2PCDN_OK);
    CHECK(announce(t, "{\"v\":1,\"content\":\"three\",\"pieces\":1,\"peer_id\":\"0a\",\"port\":1}",
                   "10.0.0.1", &answer, &len) == P2PCDN_ELIMIT);
    p2pcdn_free(answer);
    CHECK(contents(t) == 2);
    p2pcdn_tracker_free(t);
}

/* BEP 3's example info hash: swarm 123456789abcdef123456789abcdef123456789a. */
#define BT_HASH "info_hash=%124Vx%9A%BC%DE%F1%23Eg%89%AB%CD%EF%124Vx%9A"
#define BT_SWARM "123456789abcdef123456789abcdef123456789a"

static void test_bt_announce(void) {
    p2pcdn_tracker* t = new_tracker(0);
    p2pcdn_peerlist* list = NULL;
    p2pcdn_stats* stats = NULL;
    p2pcdn_stats_summary summary = P2PCDN_STATS_SUMMARY_INIT;
    char* answer = NULL;
    size_t len = 0, n = 0;
    const char* seed = BT_HASH "&peer_id=-XX0001-abcdefghijkl&port=6881&left=0&p2pcdn_pieces=10";
    const char* leecher = BT_HASH
        "&peer_id=-XX0001-000000000001&port=6882&left=9&p2pcdn_pieces=10"
        "&p2pcdn_bitfield=gMA";
    const char* passkey = BT_HASH "&peer_id=short&port=1&passkey=s3cr3t";

    REQUIRE(p2pcdn_tracker_handle_bt_announce(t, seed, strlen(seed), "192.0.2.1", &answer, &len) ==
            P2PCDN_OK);
    p2pcdn_free(answer);
    REQUIRE(p2pcdn_tracker_handle_bt_announce(t, leecher, strlen(leecher), "192.0.2.2", &answer,
                                              &len) == P2PCDN_OK);
    REQUIRE(p2pcdn_peerlist_from_bencode(&list, answer, len) == P2PCDN_OK);
    p2pcdn_free(answer);
    CHECK(strcmp(p2pcdn_peerlist_content_id(list), BT_SWARM) == 0);
    CHECK(p2pcdn_peerlist_peer_count(list, &n) == P2PCDN_OK && n == 1);
    p2pcdn_peerlist_free(list);
    /* left=0 without a bitfield made a seed; the bitfield counts for the other. */
    REQUIRE(p2pcdn_tracker_stats(t, BT_SWARM, &stats) == P2PCDN_OK);
    REQUIRE(p2pcdn_stats_get_summary(stats, &summary) == P2PCDN_OK);
    CHECK(summary.seeds == 1 && summary.peers == 2 && summary.min_copies == 1);
    p2pcdn_stats_free(stats);

    /* A bad query: a bencoded failure reason (which BitTorrent readers report as EPROTO) that
     * never repeats a value of the query. */
    CHECK_ERR(
        p2pcdn_tracker_handle_bt_announce(t, passkey, strlen(passkey), "192.0.2.3", &answer, &len),
        P2PCDN_EPARSE, "peer_id is 5 bytes, expected 20");
    CHECK(answer_has(answer, len, "d14:failure reason"));
    CHECK(strstr(answer, "s3cr3t") == NULL);
    CHECK_ERR(p2pcdn_peerlist_from_bencode(&list, answer, len), P2PCDN_EPROTO,
              "peer_id is 5 bytes");
    p2pcdn_free(answer);
    /* An unknown swarm without a piece count: ENOTFOUND, answered the same way. */
    CHECK_ERR(p2pcdn_tracker_handle_bt_announce(
                  t, "info_hash=aaaaaaaaaaaaaaaaaaaa&peer_id=-XX0001-abcdefghijkl&port=1",
                  strlen("info_hash=aaaaaaaaaaaaaaaaaaaa&peer_id=-XX0001-abcdefghijkl&port=1"),
                  "192.0.2.3", &answer, &len),
              P2PCDN_ENOTFOUND, "does not say its piece count");
    CHECK(answer_has(answer, len, "d14:failure reason"));
    p2pcdn_free(answer);
    CHECK(contents(t) == 1);
    p2pcdn_tracker_free(t);
}

#define PUBLISH                                                                          \
    "{\"v\":1,\"type\":\"cdn_publish\",\"content\":\"film\",\"pieces\":10,\"sources\":[" \
    "{\"uri\":\"https://cdn.example/{content}/{piece}\",\"pieces\":\"AcA=\","            \
    "\"expires\":1764000600}]}"
#define WITHDRAW                                                                       \
    "{\"v\":1,\"content\":\"film\",\"uri\":\"https://cdn.example/{content}/{piece}\"," \
    "\"pieces\":10,\"bitfield\":\"AEA=\"}"

static size_t cdn_count_seen_by_new_peer(p2pcdn_tracker* t) {
    char* answer = NULL;
    size_t len = 0, n = 99;
    p2pcdn_peerlist* list = NULL;
    REQUIRE(announce(t, ANNOUNCE_A, "10.0.0.1", &answer, &len) == P2PCDN_OK);
    REQUIRE(p2pcdn_peerlist_from_json(&list, answer, len) == P2PCDN_OK);
    REQUIRE(p2pcdn_peerlist_cdn_count(list, &n) == P2PCDN_OK);
    p2pcdn_peerlist_free(list);
    p2pcdn_free(answer);
    return n;
}

static void test_publish_withdraw(void) {
    p2pcdn_tracker* t = new_tracker(0);
    char* answer = NULL;
    size_t len = 0, changed = 99;
    const char* expired =
        "{\"v\":1,\"content\":\"film\",\"pieces\":10,\"sources\":["
        "{\"uri\":\"https://a.example/{piece}\",\"pieces\":\"AcA=\",\"expires\":1764000600},"
        "{\"uri\":\"https://b.example/{piece}\",\"pieces\":\"AcA=\",\"expires\":1}]}";

    /* Unknown content: ENOTFOUND, 404. */
    CHECK_ERR(p2pcdn_tracker_handle_publish_json(t, PUBLISH, strlen(PUBLISH), &answer, &len),
              P2PCDN_ENOTFOUND, "unknown content 'film'");
    CHECK(answer_has(answer, len, "\"code\":-7"));
    CHECK(p2pcdn_tracker_http_status(P2PCDN_ENOTFOUND) == 404);
    p2pcdn_free(answer);
    REQUIRE(p2pcdn_tracker_add_content(t, "film", 10) == P2PCDN_OK);
    REQUIRE(p2pcdn_tracker_handle_publish_json(t, PUBLISH, strlen(PUBLISH), &answer, &len) ==
            P2PCDN_OK);
    CHECK(strcmp(answer,
                 "{\"v\":1,\"type\":\"cdn_published\",\"content\":\"film\",\"sources\":1}") == 0);
    CHECK(len == strlen(answer));
    p2pcdn_free(answer);
    CHECK(cdn_count_seen_by_new_peer(t) == 1);

    /* A publish whose second source is expired publishes neither. */
    CHECK_ERR(p2pcdn_tracker_handle_publish_json(t, expired, strlen(expired), &answer, &len),
              P2PCDN_EINVAL, "expires");
    p2pcdn_free(answer);
    CHECK_ERR(p2pcdn_tracker_handle_publish_json(t, "{}", 2, &answer, &len), P2PCDN_EPARSE,
              "member 'v' is missing");
    p2pcdn_free(answer);
    CHECK(cdn_count_seen_by_new_peer(t) == 1);

    /* Withdraw piece 9, then an unknown URI (ENOTFOUND), a malformed one (EPARSE). */
    REQUIRE(p2pcdn_tracker_handle_withdraw_json(t, WITHDRAW, strlen(WITHDRAW), &changed, &answer,
                                                &len) == P2PCDN_OK);
    CHECK(changed == 1);
    CHECK(answer_has(answer, len, "\"type\":\"cdn_withdrawn\",\"content\":\"film\",\"changed\":1"));
    p2pcdn_free(answer);
    CHECK_ERR(p2pcdn_tracker_handle_withdraw_json(
                  t, "{\"v\":1,\"content\":\"film\",\"uri\":\"http://x/\"}",
                  strlen("{\"v\":1,\"content\":\"film\",\"uri\":\"http://x/\"}"), &changed, &answer,
                  &len),
              P2PCDN_ENOTFOUND, "");
    CHECK(changed == 0);
    CHECK(answer_has(answer, len, "\"code\":-7"));
    p2pcdn_free(answer);
    CHECK_ERR(p2pcdn_tracker_handle_withdraw_json(
                  t, "{\"v\":1,\"content\":\"film\",\"pieces\":10}",
                  strlen("{\"v\":1,\"content\":\"film\",\"pieces\":10}"), NULL, &answer, &len),
              P2PCDN_EPARSE, "come together");
    p2pcdn_free(answer);
    CHECK(cdn_count_seen_by_new_peer(t) == 1);
    p2pcdn_tracker_free(t);
}

static void test_stats_json(void) {
    p2pcdn_tracker* t = new_tracker(0);
    p2pcdn_stats* stats = NULL;
    p2pcdn_stats_summary summary = P2PCDN_STATS_SUMMARY_INIT;
    char* text = NULL;
    size_t len = 0;

    p2pcdn_free(NULL);
    REQUIRE(p2pcdn_tracker_add_content(t, "film", 10) == P2PCDN_OK);
    REQUIRE(announce(t, ANNOUNCE_B, NULL, &text, &len) == P2PCDN_OK);
    p2pcdn_free(text);
    REQUIRE(p2pcdn_tracker_stats_json(t, "film", P2PCDN_COPIES_PLAIN, &text, &len) == P2PCDN_OK);
    CHECK(answer_has(text, len, "\"copies\":[1,0,0,0,0,0,0,0,1,1]"));
    REQUIRE(p2pcdn_stats_from_json(&stats, text, len) == P2PCDN_OK);
    REQUIRE(p2pcdn_stats_get_summary(stats, &summary) == P2PCDN_OK);
    CHECK(summary.peers == 1 && summary.piece_count == 10);
    p2pcdn_stats_free(stats);
    p2pcdn_free(text);
    CHECK_ERR(p2pcdn_tracker_stats_json(t, "nope", P2PCDN_COPIES_AUTO, &text, &len),
              P2PCDN_ENOTFOUND, "unknown content 'nope'");
    CHECK(text == NULL && len == 0);
    CHECK_ERR(p2pcdn_tracker_stats_json(t, "film", 7, &text, &len), P2PCDN_EINVAL,
              "unknown copies encoding 7");
    CHECK_ERR(p2pcdn_tracker_stats_json(t, NULL, 0, &text, &len), P2PCDN_EINVAL,
              "content_id is NULL");
    CHECK_ERR(p2pcdn_tracker_stats_json(t, "film", 0, NULL, &len), P2PCDN_EINVAL, "out is NULL");
    p2pcdn_tracker_free(t);
}

static void test_errors_and_statuses(void) {
    char* text = NULL;
    size_t len = 0;
    CHECK(p2pcdn_tracker_http_status(P2PCDN_OK) == 200);
    CHECK(p2pcdn_tracker_http_status(P2PCDN_EINVAL) == 400);
    CHECK(p2pcdn_tracker_http_status(P2PCDN_EEXISTS) == 409);
    CHECK(p2pcdn_tracker_http_status(P2PCDN_ESTATE) == 409);
    CHECK(p2pcdn_tracker_http_status(P2PCDN_ENOMEM) == 503);
    CHECK(p2pcdn_tracker_http_status(P2PCDN_ERROR) == 500);
    CHECK(p2pcdn_tracker_http_status(-1000) == 500);

    REQUIRE(p2pcdn_tracker_error_json(P2PCDN_ELIMIT, "body \"too\"\nlarge", &text, &len) ==
            P2PCDN_OK);
    CHECK(strcmp(
              text,
              "{\"v\":1,\"type\":\"error\",\"code\":-18,\"message\":\"body \\\"too\\\"?large\"}") ==
          0);
    CHECK(len == strlen(text));
    p2pcdn_free(text);
    CHECK_ERR(p2pcdn_tracker_error_json(0, "fine", &text, &len), P2PCDN_EINVAL, "not negative");
    CHECK(text == NULL);
    CHECK_ERR(p2pcdn_tracker_error_json(P2PCDN_ERROR, NULL, &text, &len), P2PCDN_EINVAL,
              "message is NULL");
    CHECK_ERR(p2pcdn_tracker_error_json(P2PCDN_ERROR, "x", &text, NULL), P2PCDN_EINVAL,
              "len is NULL");
}

static void test_parse_subscribe(void) {
    const char* body =
        "{\"v\":1,\"content\":\"film\",\"interval_ms\":250,\"url\":\"http://127.0.0.1:9/s\"}";
    char* content = NULL;
    char* url = NULL;
    int64_t interval = 0;
    char* big = NULL;

    REQUIRE(p2pcdn_tracker_parse_subscribe(body, strlen(body), &content, &url, &interval) ==
            P2PCDN_OK);
    CHECK(strcmp(content, "film") == 0 && strcmp(url, "http://127.0.0.1:9/s") == 0);
    CHECK(interval == 250);
    p2pcdn_free(content);
    p2pcdn_free(url);
    CHECK_ERR(p2pcdn_tracker_parse_subscribe("{\"v\":1,\"content\":\"film\",\"interval_ms\":5,"
                                             "\"url\":\"http://h/\"}",
                                             strlen("{\"v\":1,\"content\":\"film\",\"interval_"
                                                    "ms\":5,\"url\":\"http://h/\"}"),
                                             &content, &url, &interval),
              P2PCDN_EPARSE, "interval_ms is 5, below the minimum 100");
    CHECK(content == NULL && url == NULL);
    big = (char*)malloc(70000);
    REQUIRE(big != NULL);
    memset(big, ' ', 70000);
    CHECK_ERR(p2pcdn_tracker_parse_subscribe(big, 70000, &content, &url, &interval), P2PCDN_ELIMIT,
              "above the limit");
    free(big);
    CHECK_ERR(p2pcdn_tracker_parse_subscribe(body, strlen(body), &content, NULL, &interval),
              P2PCDN_EINVAL, "url_out is NULL");
    CHECK(content == NULL);
}

int main(void) {
    test_announce_json();
    test_bt_announce();
    test_publish_withdraw();
    test_stats_json();
    test_errors_and_statuses();
    test_parse_subscribe();
    return check_report("test_tracker_http");
}
