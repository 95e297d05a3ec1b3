/* p2pcdn_planner through the C ABI: rarest first among peers, the CDN from a peer list for
 * pieces no peer holds, expiry, gone sources, caps, the streaming deadline model, and misuse
 * that must come back as error codes. */
#include "check.h"

#include <stddef.h>
#include <stdio.h>

static const int64_t t0 = 1764000000000; /* Unix ms */

static p2pcdn_bitmap* make(size_t nbits, const char* ranges) {
    p2pcdn_bitmap* b = NULL;
    REQUIRE(p2pcdn_bitmap_from_ranges(&b, nbits, ranges, strlen(ranges)) == P2PCDN_OK);
    return b;
}

static void set_peer(p2pcdn_planner* pl, const char* key, size_t nbits, const char* ranges) {
    p2pcdn_bitmap* b = make(nbits, ranges);
    CHECK(p2pcdn_planner_peer_set(pl, key, strlen(key), b) == P2PCDN_OK);
    p2pcdn_bitmap_free(b);
}

/* A peer list for `pieces` pieces with one CDN source per (ranges, expires_s) pair. */
static p2pcdn_peerlist* make_list(size_t pieces, size_t sources, const char* const* ranges,
                                  const int64_t* expires_s) {
    char json[4096];
    char b64[1024];
    size_t used = 0, size = 0, i;
    p2pcdn_peerlist* list = NULL;
    used += (size_t)snprintf(json + used, sizeof json - used,
                             "{\"v\":1,\"type\":\"peers\",\"content\":\"c\",\"pieces\":%lu,"
                             "\"interval\":1800,\"min_interval\":60,\"complete\":0,"
                             "\"incomplete\":1,\"peers\":[],\"cdn\":[",
                             (unsigned long)pieces);
    for (i = 0; i < sources; ++i) {
        p2pcdn_bitmap* b = make(pieces, ranges[i]);
        REQUIRE(p2pcdn_bitmap_to_base64(b, b64, sizeof b64, &size) == P2PCDN_OK);
        p2pcdn_bitmap_free(b);
        used += (size_t)snprintf(json + used, sizeof json - used,
                                 "%s{\"uri\":\"https://cdn%lu.example/{content}/{piece}\","
                                 "\"pieces\":\"%s\",\"expires\":%lld,\"range\":false}",
                                 i == 0 ? "" : ",", (unsigned long)i, b64,
                                 (long long)expires_s[i]);
    }
    used += (size_t)snprintf(json + used, sizeof json - used, "]}");
    REQUIRE(used < sizeof json);
    REQUIRE(p2pcdn_peerlist_from_json(&list, json, used) == P2PCDN_OK);
    return list;
}

static p2pcdn_planner* make_planner(size_t pieces, uint32_t cdn_cap, uint32_t peer_cap) {
    p2pcdn_planner_options opts = P2PCDN_PLANNER_OPTIONS_INIT;
    p2pcdn_planner* pl = NULL;
    opts.max_cdn_in_flight = cdn_cap;
    opts.max_per_peer_in_flight = peer_cap;
    opts.rng_seed = 7;
    REQUIRE(p2pcdn_planner_new(&pl, pieces, &opts) == P2PCDN_OK);
    return pl;
}

static void test_options(void) {
    p2pcdn_planner_options a = P2PCDN_PLANNER_OPTIONS_INIT;
    p2pcdn_planner_options b;
    p2pcdn_planner* pl = NULL;
    memset(&b, 0xab, sizeof b);
    CHECK(p2pcdn_planner_options_init(&b, P2PCDN_PLANNER_OPTIONS_VERSION) == P2PCDN_OK);
    CHECK(memcmp(&a, &b, sizeof a) == 0);
    CHECK_ERR(p2pcdn_planner_options_init(&b, 0), P2PCDN_EINVAL, "version 0");
    CHECK_ERR(p2pcdn_planner_options_init(NULL, 1), P2PCDN_EINVAL, "NULL");
    a.version = 3;
    CHECK_ERR(p2pcdn_planner_new(&pl, 10, &a), P2PCDN_EINVAL, "version 3");
    CHECK(pl == NULL);
    a.version = P2PCDN_PLANNER_OPTIONS_VERSION;
    a.max_peers = 70000;
    CHECK_ERR(p2pcdn_planner_new(&pl, 10, &a), P2PCDN_EINVAL, "max_peers");
    a.max_peers = 0;
    a.cdn_fill = 3;
    CHECK_ERR(p2pcdn_planner_new(&pl, 10, &a), P2PCDN_EINVAL, "cdn_fill 3");
    a.cdn_fill = -1;
    CHECK_ERR(p2pcdn_planner_new(&pl, 10, &a), P2PCDN_EINVAL, "cdn_fill -1");
    CHECK(pl == NULL);
    CHECK_ERR(p2pcdn_planner_new(&pl, 0, NULL), P2PCDN_ERANGE, "piece count 0");
    CHECK_ERR(p2pcdn_planner_new(NULL, 10, NULL), P2PCDN_EINVAL, "out is NULL");
    CHECK(pl == NULL);
    REQUIRE(p2pcdn_planner_new(&pl, 10, NULL) == P2PCDN_OK);
    p2pcdn_planner_free(pl);
}

/* Version 1 ends before cdn_fill: its init leaves cdn_fill alone and p2pcdn_planner_new reads
 * no cdn_fill from it (the CDN then gets no piece a peer holds). */
static void test_options_version_1(void) {
    const size_t v1_size = offsetof(p2pcdn_planner_options, cdn_fill);
    const char* ranges[1] = {"0-9"};
    const int64_t expires[1] = {t0 / 1000 + 3600};
    p2pcdn_peerlist* list = make_list(10, 1, ranges, expires);
    p2pcdn_planner_options o;
    const unsigned char* bytes = (const unsigned char*)&o;
    p2pcdn_planner* pl = NULL;
    p2pcdn_piece_request req[8];
    size_t n = 0, i;
    int untouched = 1;
    CHECK(P2PCDN_PLANNER_OPTIONS_VERSION == 2);
    memset(&o, 0xab, sizeof o);
    CHECK(p2pcdn_planner_options_init(&o, 1) == P2PCDN_OK);
    CHECK(o.version == 1 && o.max_peers == 0);
    for (i = v1_size; i < sizeof o; ++i) {
        untouched = untouched && bytes[i] == 0xab;
    }
    CHECK(untouched);
    o.max_per_peer_in_flight = 1;
    o.rng_seed = 3;
    o.cdn_fill = P2PCDN_CDN_FILL_FIRST; /* not part of version 1: ignored */
    REQUIRE(p2pcdn_planner_new(&pl, 10, &o) == P2PCDN_OK);
    set_peer(pl, "A", 10, "0-9");
    CHECK(p2pcdn_planner_set_sources(pl, list) == P2PCDN_OK);
    CHECK(p2pcdn_planner_next(pl, t0, req, 8, &n) == P2PCDN_OK);
    CHECK(n == 1 && req[0].source == P2PCDN_SOURCE_PEER);
    p2pcdn_planner_free(pl);
    /* Version 2 with cdn_fill first: the CDN's 4 slots, then A. */
    o.version = 2;
    REQUIRE(p2pcdn_planner_new(&pl, 10, &o) == P2PCDN_OK);
    set_peer(pl, "A", 10, "0-9");
    CHECK(p2pcdn_planner_set_sources(pl, list) == P2PCDN_OK);
    CHECK(p2pcdn_planner_next(pl, t0, req, 8, &n) == P2PCDN_OK);
    CHECK(n == 5);
    for (i = 0; i < n; ++i) {
        CHECK(req[i].source == (i < 4 ? P2PCDN_SOURCE_CDN : P2PCDN_SOURCE_PEER));
    }
    p2pcdn_planner_free(pl);
    p2pcdn_peerlist_free(list);
}

static void test_peer_have_many(void) {
    p2pcdn_planner* pl = make_planner(10, 4, 100);
    p2pcdn_piece_request req[16];
    const size_t pieces[3] = {7, 2, 9};
    const size_t bad[2] = {3, 10};
    size_t n = 0, i;
    set_peer(pl, "A", 10, "0");
    CHECK(p2pcdn_planner_peer_have_many(pl, "A", 1, pieces, 3) == P2PCDN_OK);
    CHECK(p2pcdn_planner_peer_have_many(pl, "A", 1, NULL, 0) == P2PCDN_OK);
    CHECK_ERR(p2pcdn_planner_peer_have_many(pl, "A", 1, bad, 2), P2PCDN_ERANGE, "piece 10");
    CHECK_ERR(p2pcdn_planner_peer_have_many(pl, "A", 1, NULL, 2), P2PCDN_EINVAL, "pieces is NULL");
    CHECK_ERR(p2pcdn_planner_peer_have_many(pl, "B", 1, pieces, 3), P2PCDN_ENOTFOUND, "unknown");
    CHECK_ERR(p2pcdn_planner_peer_have_many(NULL, "A", 1, pieces, 3), P2PCDN_EINVAL, "NULL");
    /* A holds 0, 2, 7 and 9 now; the failed call added nothing (3 is not planned). */
    CHECK(p2pcdn_planner_next(pl, t0, req, 16, &n) == P2PCDN_OK);
    CHECK(n == 4);
    for (i = 0; i < n; ++i) {
        CHECK(req[i].piece == 0 || req[i].piece == 2 || req[i].piece == 7 || req[i].piece == 9);
    }
    p2pcdn_planner_free(pl);
}

static void test_rarest_first(void) {
    p2pcdn_planner* pl = make_planner(20, 4, 100);
    p2pcdn_piece_request req[32];
    size_t n = 0, i, cdn = 99, peers = 99;
    set_peer(pl, "peer-A", 20, "0-19");
    set_peer(pl, "peer-B", 20, "0-9");
    set_peer(pl, "peer-C", 20, "0-4");
    /* Pieces 10-19 have one copy: they come first, all from A. */
    CHECK(p2pcdn_planner_next(pl, t0, req, 10, &n) == P2PCDN_OK);
    CHECK(n == 10);
    for (i = 0; i < n; ++i) {
        CHECK(req[i].piece >= 10 && req[i].piece < 20);
        CHECK(req[i].source == P2PCDN_SOURCE_PEER);
        CHECK(req[i].peer_key_len == 6 && memcmp(req[i].peer_key, "peer-A", 6) == 0);
        CHECK(req[i].cdn_index == 0);
    }
    CHECK(p2pcdn_planner_next(pl, t0, req, 5, &n) == P2PCDN_OK);
    CHECK(n == 5);
    for (i = 0; i < n; ++i) {
        CHECK(req[i].piece >= 5 && req[i].piece < 10);
        CHECK(memcmp(req[i].peer_key, "peer-B", 6) == 0);
    }
    CHECK(p2pcdn_planner_in_flight(pl, &cdn, &peers) == P2PCDN_OK);
    CHECK(cdn == 0 && peers == 15);
    /* A failed piece is planned again; a HAVE adds a copy. */
    CHECK(p2pcdn_planner_done(pl, req[0].piece, P2PCDN_PLAN_FAILED) == P2PCDN_OK);
    CHECK(p2pcdn_planner_peer_have(pl, "peer-C", 6, 19) == P2PCDN_OK);
    CHECK(p2pcdn_planner_next(pl, t0, req, 32, &n) == P2PCDN_OK);
    CHECK(n == 6); /* 0-4 and the failed piece */
    /* Removing a peer puts its requests back. */
    CHECK(p2pcdn_planner_peer_remove(pl, "peer-C", 6) == P2PCDN_OK);
    CHECK(p2pcdn_planner_in_flight(pl, NULL, &peers) == P2PCDN_OK);
    CHECK(peers < 20);
    p2pcdn_planner_free(pl);
}

static void test_cdn_sources(void) {
    const char* ranges[2] = {"0-9", "5-9"};
    const int64_t expires[2] = {t0 / 1000 + 60, t0 / 1000 + 3600};
    p2pcdn_peerlist* list = make_list(10, 2, ranges, expires);
    p2pcdn_planner* pl = make_planner(10, 2, 4);
    p2pcdn_piece_request req[16];
    size_t n = 0, i, cdn = 0;
    set_peer(pl, "A", 10, "0-4");
    CHECK(p2pcdn_planner_set_sources(pl, list) == P2PCDN_OK);
    /* Peer A: 4 of 0-4 (its cap); the CDN: 2 of 5-9 (the CDN cap), from source 0. */
    CHECK(p2pcdn_planner_next(pl, t0, req, 16, &n) == P2PCDN_OK);
    CHECK(n == 6);
    for (i = 0; i < n; ++i) {
        if (req[i].source == P2PCDN_SOURCE_CDN) {
            ++cdn;
            CHECK(req[i].piece >= 5);
            CHECK(req[i].cdn_index == 0);
            CHECK(req[i].peer_key_len == 0);
        } else {
            CHECK(req[i].piece < 5);
        }
    }
    CHECK(cdn == 2);
    /* GONE from source 0: the piece comes from source 1 next time. */
    for (i = 0; i < n; ++i) {
        if (req[i].source == P2PCDN_SOURCE_CDN) {
            size_t gone_piece = req[i].piece;
            size_t k;
            CHECK(p2pcdn_planner_done(pl, gone_piece, P2PCDN_PLAN_GONE) == P2PCDN_OK);
            CHECK(p2pcdn_planner_next(pl, t0, req, 16, &n) == P2PCDN_OK);
            CHECK(n == 1);
            CHECK(req[0].source == P2PCDN_SOURCE_CDN);
            for (k = 0; k < n; ++k) {
                if (req[k].piece == gone_piece) {
                    CHECK(req[k].cdn_index == 1);
                }
            }
            break;
        }
    }
    /* Source 0 expires after 60 s: past that, only source 1 (pieces 5-9) is used. */
    CHECK(p2pcdn_planner_in_flight(pl, &cdn, NULL) == P2PCDN_OK);
    CHECK(cdn == 2);
    p2pcdn_planner_free(pl);
    pl = make_planner(10, 10, 4);
    CHECK(p2pcdn_planner_set_sources(pl, list) == P2PCDN_OK);
    CHECK(p2pcdn_planner_next(pl, t0 + 60000, req, 16, &n) == P2PCDN_OK);
    CHECK(n == 5);
    for (i = 0; i < n; ++i) {
        CHECK(req[i].source == P2PCDN_SOURCE_CDN && req[i].cdn_index == 1 && req[i].piece >= 5);
    }
    CHECK(p2pcdn_planner_next(pl, t0 + 3600000, req, 16, &n) == P2PCDN_OK);
    CHECK(n == 0);
    p2pcdn_planner_free(pl);
    p2pcdn_peerlist_free(list);
}

static void test_streaming(void) {
    /* docs/api.md's example: 1000 ms per piece, peers need 2500 ms, a window of 6. */
    const char* ranges[1] = {"0-199"};
    const int64_t expires[1] = {t0 / 1000 + 3600};
    p2pcdn_peerlist* list = make_list(200, 1, ranges, expires);
    p2pcdn_planner_options opts;
    p2pcdn_planner* pl = NULL;
    p2pcdn_piece_request req[16];
    const int expect[6] = {P2PCDN_SOURCE_CDN, P2PCDN_SOURCE_CDN,  P2PCDN_SOURCE_CDN,
                           P2PCDN_SOURCE_PEER, P2PCDN_SOURCE_CDN, P2PCDN_SOURCE_PEER};
    size_t n = 0, i;
    REQUIRE(p2pcdn_planner_options_init(&opts, P2PCDN_PLANNER_OPTIONS_VERSION) == P2PCDN_OK);
    opts.streaming = 1;
    opts.window_pieces = 6;
    opts.piece_duration_ms = 1000;
    opts.peer_piece_ms = 2500;
    opts.max_cdn_in_flight = 8;
    opts.max_per_peer_in_flight = 2;
    opts.rng_seed = 1;
    REQUIRE(p2pcdn_planner_new(&pl, 200, &opts) == P2PCDN_OK);
    set_peer(pl, "A", 200, "0-103,105-199"); /* no peer holds 104 */
    CHECK(p2pcdn_planner_set_sources(pl, list) == P2PCDN_OK);
    CHECK_ERR(p2pcdn_planner_next(pl, t0, req, 16, &n), P2PCDN_ESTATE, "no position");
    CHECK(p2pcdn_planner_set_position(pl, 100, t0) == P2PCDN_OK);
    CHECK(p2pcdn_planner_next(pl, t0 + 200, req, 16, &n) == P2PCDN_OK);
    REQUIRE(n == 6);
    for (i = 0; i < 6; ++i) {
        CHECK(req[i].piece == 100 + i);
        CHECK(req[i].source == expect[i]);
    }
    CHECK_ERR(p2pcdn_planner_set_position(pl, 200, t0), P2PCDN_ERANGE, "piece 200");
    p2pcdn_planner_free(pl);
    p2pcdn_peerlist_free(list);
}

static void test_misuse(void) {
    p2pcdn_planner* pl = make_planner(10, 0, 0);
    p2pcdn_bitmap* wrong = make(11, "0");
    p2pcdn_bitmap* own = make(10, "0-4");
    p2pcdn_piece_request req[4];
    size_t n = 99;
    CHECK_ERR(p2pcdn_planner_peer_set(pl, "", 0, own), P2PCDN_EINVAL, "peer key of 0 bytes");
    CHECK_ERR(p2pcdn_planner_peer_set(pl, "123456789012345678901", 21, own), P2PCDN_EINVAL,
              "21 bytes");
    CHECK_ERR(p2pcdn_planner_peer_set(pl, NULL, 3, own), P2PCDN_EINVAL, "peer_key is NULL");
    CHECK_ERR(p2pcdn_planner_peer_set(pl, "A", 1, wrong), P2PCDN_EINVAL, "11 pieces");
    CHECK_ERR(p2pcdn_planner_peer_set(pl, "A", 1, NULL), P2PCDN_EINVAL, "NULL");
    CHECK_ERR(p2pcdn_planner_peer_have(pl, "A", 1, 0), P2PCDN_ENOTFOUND, "unknown peer");
    CHECK_ERR(p2pcdn_planner_peer_remove(pl, "A", 1), P2PCDN_ENOTFOUND, "unknown peer");
    CHECK_ERR(p2pcdn_planner_set_have(pl, wrong), P2PCDN_EINVAL, "11 pieces");
    CHECK_ERR(p2pcdn_planner_set_sources(pl, NULL), P2PCDN_EINVAL, "p2pcdn_peerlist");
    CHECK_ERR(p2pcdn_planner_done(pl, 10, P2PCDN_PLAN_DONE), P2PCDN_ERANGE, "piece 10");
    CHECK_ERR(p2pcdn_planner_done(pl, 1, 7), P2PCDN_EINVAL, "outcome 7");
    CHECK_ERR(p2pcdn_planner_done(pl, 1, P2PCDN_PLAN_FAILED), P2PCDN_ESTATE, "not in flight");
    CHECK_ERR(p2pcdn_planner_next(pl, t0, NULL, 4, &n), P2PCDN_EINVAL, "buf is NULL");
    CHECK_ERR(p2pcdn_planner_next(pl, t0, req, 4, NULL), P2PCDN_EINVAL, "count is NULL");
    CHECK(p2pcdn_planner_next(pl, t0, NULL, 0, &n) == P2PCDN_OK && n == 0);
    /* Holding 0-4, with a peer holding everything: only 5-9 are planned. */
    CHECK(p2pcdn_planner_set_have(pl, own) == P2PCDN_OK);
    set_peer(pl, "A", 10, "0-9");
    CHECK(p2pcdn_planner_next(pl, t0, req, 4, &n) == P2PCDN_OK && n == 4);
    for (n = 0; n < 4; ++n) {
        CHECK(req[n].piece >= 5);
    }
    p2pcdn_planner_free(pl);
    CHECK_ERR(p2pcdn_planner_next(pl, t0, req, 4, &n), P2PCDN_EINVAL,
              "not a live p2pcdn_planner");
    CHECK_ERR(p2pcdn_planner_in_flight(NULL, NULL, NULL), P2PCDN_EINVAL, "NULL");
    p2pcdn_planner_free(pl);
    p2pcdn_planner_free(NULL);
    p2pcdn_bitmap_free(wrong);
    p2pcdn_bitmap_free(own);
}

static void test_cdn_limit(void) {
    const char* ranges[1] = {"0-9"};
    const int64_t expires[1] = {t0 / 1000 + 3600};
    p2pcdn_peerlist* list = make_list(10, 1, ranges, expires);
    p2pcdn_planner* pl = make_planner(10, 4, 4);
    p2pcdn_piece_request req[16];
    size_t n = 0, i, cdn = 0;
    CHECK(p2pcdn_planner_set_sources(pl, list) == P2PCDN_OK);
    /* No peers: only the CDN serves, and a limit of 0 holds every piece back. */
    CHECK(p2pcdn_planner_set_cdn_limit(pl, 0) == P2PCDN_OK);
    CHECK(p2pcdn_planner_next(pl, t0, req, 16, &n) == P2PCDN_OK && n == 0);
    CHECK(p2pcdn_planner_set_cdn_limit(pl, 3) == P2PCDN_OK);
    CHECK(p2pcdn_planner_next(pl, t0, req, 16, &n) == P2PCDN_OK && n == 3);
    for (i = 0; i < n; ++i) {
        CHECK(req[i].source == P2PCDN_SOURCE_CDN);
    }
    /* Lowered under what is in flight: the three stay, nothing new goes out. */
    CHECK(p2pcdn_planner_set_cdn_limit(pl, 1) == P2PCDN_OK);
    CHECK(p2pcdn_planner_next(pl, t0, req, 16, &n) == P2PCDN_OK && n == 0);
    CHECK(p2pcdn_planner_in_flight(pl, &cdn, NULL) == P2PCDN_OK && cdn == 3);
    CHECK_ERR(p2pcdn_planner_set_cdn_limit(NULL, 1), P2PCDN_EINVAL, "NULL");
    p2pcdn_planner_free(pl);
    p2pcdn_peerlist_free(list);
}

int main(void) {
    test_options();
    test_options_version_1();
    test_peer_have_many();
    test_rarest_first();
    test_cdn_sources();
    test_cdn_limit();
    test_streaming();
    test_misuse();
    return check_report("test_planner");
}
