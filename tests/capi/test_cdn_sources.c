/* CDN sources through the C ABI: a CCS publishes and withdraws them at the tracker, announce
 * answers carry them restricted to what the requester lacks, and the peer list expands their
 * URIs and survives its JSON and bencode forms. */
#include "check.h"

static int64_t now_ms = 1764000000000;

static int64_t clock_fn(void* payload) {
    (void)payload;
    return now_ms;
}

static p2pcdn_bitmap* ranges(size_t n, const char* text) {
    p2pcdn_bitmap* b = NULL;
    REQUIRE(p2pcdn_bitmap_from_ranges(&b, n, text, strlen(text)) == P2PCDN_OK);
    return b;
}

static p2pcdn_peerlist* announce(p2pcdn_tracker* t, const char* peer, const char* held) {
    p2pcdn_announce a = P2PCDN_ANNOUNCE_INIT;
    p2pcdn_bitmap* bits = ranges(10, held);
    p2pcdn_peerlist* answer = NULL;
    a.content_id = "film";
    a.piece_count = 10;
    a.peer_id = peer;
    a.peer_id_len = strlen(peer);
    a.address = "192.0.2.7";
    a.port = 6881;
    a.bitmap = bits;
    REQUIRE(p2pcdn_tracker_announce(t, &a, &answer) == P2PCDN_OK);
    p2pcdn_bitmap_free(bits);
    return answer;
}

static void check_cdn_pieces(const p2pcdn_peerlist* l, size_t i, const char* expected) {
    p2pcdn_bitmap* got = NULL;
    p2pcdn_bitmap* want = ranges(10, expected);
    REQUIRE(p2pcdn_peerlist_cdn_pieces(l, i, &got) == P2PCDN_OK);
    CHECK(p2pcdn_bitmap_equal(got, want) == 1);
    p2pcdn_bitmap_free(got);
    p2pcdn_bitmap_free(want);
}

static void test_publish_restrict_withdraw(void) {
    p2pcdn_tracker_options opts = P2PCDN_TRACKER_OPTIONS_INIT;
    p2pcdn_tracker* t = NULL;
    p2pcdn_cdn_source src = P2PCDN_CDN_SOURCE_INIT;
    p2pcdn_peerlist* answer = NULL;
    p2pcdn_bitmap* pieces = ranges(10, "0-5");
    p2pcdn_bitmap* some = ranges(10, "4-5");
    p2pcdn_stats* stats = NULL;
    p2pcdn_stats_summary summary = P2PCDN_STATS_SUMMARY_INIT;
    const char* uri = NULL;
    int64_t expires = 0;
    int ranged = -1;
    char url[256];
    size_t n = 0, size = 0, index = 99;

    opts.clock = clock_fn;
    opts.rng_seed = 5;
    REQUIRE(p2pcdn_tracker_new(&t, &opts) == P2PCDN_OK);
    REQUIRE(p2pcdn_tracker_add_content(t, "film", 10) == P2PCDN_OK);

    src.uri = "https://cdn.example/{content}/piece-{piece}";
    src.pieces = pieces;
    src.expires_s = now_ms / 1000 + 600;
    REQUIRE(p2pcdn_tracker_publish_cdn(t, "film", &src) == P2PCDN_OK);

    answer = announce(t, "ue1", "0-2");
    REQUIRE(p2pcdn_peerlist_cdn_count(answer, &n) == P2PCDN_OK && n == 1);
    CHECK(p2pcdn_peerlist_cdn_at(answer, 0, &uri, &expires, &ranged) == P2PCDN_OK);
    CHECK(strcmp(uri, src.uri) == 0 && expires == src.expires_s && ranged == 0);
    check_cdn_pieces(answer, 0, "3-5"); /* only what ue1 lacks */
    CHECK(strcmp(p2pcdn_peerlist_content_id(answer), "film") == 0);
    CHECK(p2pcdn_peerlist_piece_count(answer, &n) == P2PCDN_OK && n == 10);
    CHECK(p2pcdn_peerlist_cdn_uri_for_piece(answer, 4, now_ms / 1000, url, sizeof url, &size,
                                            &index) == P2PCDN_OK);
    CHECK(strcmp(url, "https://cdn.example/film/piece-4") == 0 && index == 0);
    CHECK_ERR(p2pcdn_peerlist_cdn_uri_for_piece(answer, 1, now_ms / 1000, url, sizeof url, &size,
                                                NULL),
              P2PCDN_ENOTFOUND, "piece 1");
    /* At its expiry time the source must not be used. */
    CHECK(p2pcdn_peerlist_cdn_uri_for_piece(answer, 4, src.expires_s, url, sizeof url, &size,
                                            NULL) == P2PCDN_ENOTFOUND);
    CHECK_ERR(p2pcdn_peerlist_cdn_at(answer, 1, &uri, NULL, NULL), P2PCDN_ERANGE, "");
    p2pcdn_peerlist_free(answer);

    /* Statistics report the CDN's pieces apart from peer copies. */
    REQUIRE(p2pcdn_tracker_stats(t, "film", &stats) == P2PCDN_OK);
    REQUIRE(p2pcdn_stats_get_summary(stats, &summary) == P2PCDN_OK);
    CHECK(summary.cdn_pieces == 6 && summary.peers == 1);
    p2pcdn_stats_free(stats);

    /* A requester holding everything the source serves gets no source at all. */
    answer = announce(t, "ue2", "0-5");
    CHECK(p2pcdn_peerlist_cdn_count(answer, &n) == P2PCDN_OK && n == 0);
    p2pcdn_peerlist_free(answer);

    /* Withdrawn pieces are gone from the very next answer. */
    REQUIRE(p2pcdn_tracker_withdraw_cdn(t, "film", src.uri, some) == P2PCDN_OK);
    answer = announce(t, "ue1", "0-2");
    REQUIRE(p2pcdn_peerlist_cdn_count(answer, &n) == P2PCDN_OK && n == 1);
    check_cdn_pieces(answer, 0, "3");
    p2pcdn_peerlist_free(answer);
    REQUIRE(p2pcdn_tracker_withdraw_cdn(t, "film", NULL, NULL) == P2PCDN_OK);
    answer = announce(t, "ue1", "0-2");
    CHECK(p2pcdn_peerlist_cdn_count(answer, &n) == P2PCDN_OK && n == 0);
    p2pcdn_peerlist_free(answer);
    CHECK_ERR(p2pcdn_tracker_withdraw_cdn(t, "film", src.uri, NULL), P2PCDN_ENOTFOUND, "");
    CHECK_ERR(p2pcdn_tracker_withdraw_cdn(t, "other", NULL, NULL), P2PCDN_ENOTFOUND, "");

    /* Bad sources change nothing. */
    src.uri = "ftp://cdn.example/{piece}";
    CHECK(p2pcdn_tracker_publish_cdn(t, "film", &src) == P2PCDN_EINVAL);
    src.uri = "https://cdn.example/{piece}";
    src.expires_s = now_ms / 1000 - 1;
    CHECK(p2pcdn_tracker_publish_cdn(t, "film", &src) == P2PCDN_EINVAL);
    src.expires_s = now_ms / 1000 + 60;
    src.pieces = NULL;
    CHECK_ERR(p2pcdn_tracker_publish_cdn(t, "film", &src), P2PCDN_EINVAL, "pieces is NULL");
    src.pieces = pieces;
    src.version = 0;
    CHECK_ERR(p2pcdn_tracker_publish_cdn(t, "film", &src), P2PCDN_EINVAL, "version 0");
    answer = announce(t, "ue1", "0-2");
    CHECK(p2pcdn_peerlist_cdn_count(answer, &n) == P2PCDN_OK && n == 0);
    p2pcdn_peerlist_free(answer);

    /* An expired source is never handed out. */
    src.version = P2PCDN_CDN_SOURCE_VERSION;
    REQUIRE(p2pcdn_tracker_publish_cdn(t, "film", &src) == P2PCDN_OK);
    now_ms += 60 * 1000;
    answer = announce(t, "ue1", "0-2");
    CHECK(p2pcdn_peerlist_cdn_count(answer, &n) == P2PCDN_OK && n == 0);
    p2pcdn_peerlist_free(answer);

    p2pcdn_bitmap_free(pieces);
    p2pcdn_bitmap_free(some);
    p2pcdn_tracker_free(t);
}

static void test_wire_forms(void) {
    static const char json[] =
        "{\"v\":1,\"type\":\"peers\",\"content\":\"film\",\"pieces\":10,\"interval\":1800,"
        "\"min_interval\":60,\"complete\":1,\"incomplete\":1,"
        "\"peers\":[{\"id\":\"7065657231\",\"ip\":\"192.0.2.1\",\"port\":6881,"
        "\"role\":\"user\",\"seed\":true},"
        "{\"id\":\"7065657232\",\"ip\":\"2001:db8::2\",\"port\":51413,\"role\":\"user\","
        "\"seed\":false}],"
        "\"cdn\":[{\"uri\":\"http://cdn.example/{piece}\",\"pieces\":\"DgA=\","
        "\"expires\":1764000600,\"range\":false}]}";
    p2pcdn_peerlist *l = NULL, *back = NULL;
    p2pcdn_peer_info info;
    unsigned char bencoded[1024];
    char text[2048];
    size_t size = 0, n = 0;

    REQUIRE(p2pcdn_peerlist_from_json(&l, json, strlen(json)) == P2PCDN_OK);
    CHECK(p2pcdn_peerlist_peer_count(l, &n) == P2PCDN_OK && n == 2);
    CHECK(p2pcdn_peerlist_peer_at(l, 1, &info) == P2PCDN_OK);
    CHECK(strcmp(info.address, "2001:db8::2") == 0 && info.port == 51413);
    CHECK(info.id_len == 5 && memcmp(info.id, "peer2", 5) == 0);
    check_cdn_pieces(l, 0, "4-6");

    REQUIRE(p2pcdn_peerlist_to_json(l, text, sizeof text, &size) == P2PCDN_OK);
    REQUIRE(p2pcdn_peerlist_from_json(&back, text, size - 1) == P2PCDN_OK);
    check_cdn_pieces(back, 0, "4-6");
    p2pcdn_peerlist_free(back);
    back = NULL;

    /* BEP 23: the IPv4 peer is 6 bytes in "peers", the IPv6 one 18 bytes in "peers6". */
    REQUIRE(p2pcdn_peerlist_to_bencode(l, bencoded, sizeof bencoded, &size) == P2PCDN_OK);
    CHECK(bencoded[0] == 'd' && bencoded[size - 1] == 'e');
    REQUIRE(p2pcdn_peerlist_from_bencode(&back, bencoded, size) == P2PCDN_OK);
    CHECK(p2pcdn_peerlist_peer_count(back, &n) == P2PCDN_OK && n == 2);
    CHECK(p2pcdn_peerlist_cdn_count(back, &n) == P2PCDN_OK && n == 1);
    check_cdn_pieces(back, 0, "4-6");
    p2pcdn_peerlist_free(back);
    back = NULL;

    /* Malformed input fails cleanly and makes nothing. */
    CHECK(p2pcdn_peerlist_from_json(&back, json, strlen(json) - 1) == P2PCDN_EPARSE);
    CHECK(p2pcdn_peerlist_from_bencode(&back, bencoded, size - 1) == P2PCDN_EPARSE);
    CHECK(p2pcdn_peerlist_from_bencode(&back, "d5:peers5:abcdee", 16) == P2PCDN_EPARSE);
    CHECK(back == NULL);
    p2pcdn_peerlist_free(l);
}

int main(void) {
    test_publish_restrict_withdraw();
    test_wire_forms();
    return check_report("test_cdn_sources");
}
