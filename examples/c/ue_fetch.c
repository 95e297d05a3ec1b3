/* ue_fetch TRACKER_URL CONTENT_ID LENGTH PIECE_LENGTH HASHES_FILE OUTPUT_FILE
 *
 * A user peer (UE) written against the C ABI only, doing what TR 23.844 asks of it when a CDN
 * helps the swarm (steps 1, 6 and 7):
 *
 *   1. learn the content: its layout (LENGTH bytes in pieces of PIECE_LENGTH) and its piece
 *      hashes, from HASHES_FILE: the hex digests in piece order, e.g. made with
 *          p2pcdn hash --json --id CONTENT_ID FILE | jq -r '.hashes[]' > HASHES_FILE
 *   2. announce to the tracker daemon (`p2pcdn tracker`) at TRACKER_URL: event "started",
 *      holding nothing; the answer lists peers and CDN sources;
 *   3. plan where each missing piece comes from (p2pcdn_planner): this UE has no P2P protocol
 *      of its own, so it connects to no peer and every piece it can get comes from a CDN
 *      source of the peer list;
 *   4. fetch the planned pieces over HTTP (p2pcdn_fetcher: submit, then step from this loop),
 *      following the CDN's redirect to a surrogate; every piece is checked against its hash
 *      before it is written to OUTPUT_FILE;
 *   5. announce again: "completed" with its full bitmap when it holds every piece, otherwise
 *      an update with what it holds.
 *
 * Exit status 0 when every piece arrived and verified, 1 otherwise, 2 for bad usage. */
#include <p2pcdn/p2pcdn.h>

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <fcntl.h>
#include <unistd.h>

/* Any failing call ends the program: an example has no better recovery to show. */
#define TRY(call)                                                                         \
    do {                                                                                  \
        int rc_ = (call);                                                                 \
        if (rc_ < 0) {                                                                    \
            fprintf(stderr, "ue_fetch: %s failed: %s: %s\n", #call, p2pcdn_strerror(rc_), \
                    p2pcdn_last_error());                                                 \
            exit(1);                                                                      \
        }                                                                                 \
    } while (0)

/* A piece that fails this often (hash mismatch, 5xx, timeouts...) is given up on. */
#define MAX_ATTEMPTS 3

struct ue {
    const p2pcdn_content* content;
    p2pcdn_planner* planner;
    p2pcdn_bitmap* have;
    int out_fd;
    unsigned char* attempts; /* per piece */
    size_t fetched, failed;
    uint64_t bytes;
};

static int64_t now_ms(void) {
    return (int64_t)time(NULL) * 1000;
}

/* The hex digests of HASHES_FILE, whitespace dropped, as the NUL-terminated text the library
 * imports (P2PCDN_HASHES_HEX). */
static char* read_hex(const char* path, size_t* len) {
    FILE* f = fopen(path, "rb");
    char* text = NULL;
    size_t n = 0, cap = 0;
    int c;
    if (f == NULL) {
        perror(path);
        exit(1);
    }
    while ((c = fgetc(f)) != EOF) {
        if (isspace(c)) {
            continue;
        }
        if (n + 1 >= cap) {
            cap = cap ? cap * 2 : 4096;
            text = realloc(text, cap);
            if (text == NULL) {
                fputs("ue_fetch: out of memory\n", stderr);
                exit(1);
            }
        }
        text[n++] = (char)c;
    }
    fclose(f);
    *len = n;
    return text;
}

/* Step 1: the content, its layout and its piece hashes. SHA-1 digests are 40 hex characters,
 * SHA-256 ones 64. */
static p2pcdn_content* load_content(const char* id, uint64_t length, uint32_t piece_length,
                                    const char* hashes_file) {
    p2pcdn_content* content = NULL;
    size_t pieces = 0, len = 0;
    char* hex = read_hex(hashes_file, &len);
    int algo;
    TRY(p2pcdn_content_new(&content, id, length, piece_length));
    TRY(p2pcdn_content_piece_count(content, &pieces));
    algo = len == pieces * 40 ? P2PCDN_HASH_SHA1 : P2PCDN_HASH_SHA256;
    TRY(p2pcdn_content_hashes_import(content, algo, P2PCDN_HASHES_HEX, hex, len));
    free(hex);
    printf("content %s: %llu bytes, %zu pieces of %lu, %s hashes\n", id, (unsigned long long)length,
           pieces, (unsigned long)piece_length, algo == P2PCDN_HASH_SHA1 ? "sha1" : "sha256");
    return content;
}

/* Steps 2 and 5: one announce; the caller owns the answer. */
static p2pcdn_peerlist* announce(p2pcdn_announcer* announcer, const char* id,
                                 const p2pcdn_bitmap* have, int event, const char* peer_id,
                                 uint64_t downloaded) {
    p2pcdn_announce a = P2PCDN_ANNOUNCE_INIT;
    p2pcdn_peerlist* list = NULL;
    a.content_id = id;
    a.peer_id = peer_id;
    a.peer_id_len = strlen(peer_id);
    a.address = NULL; /* the tracker takes the address the request comes from */
    a.port = 6881;    /* where this UE's P2P protocol would listen */
    a.event = event;
    a.bitmap = have; /* the whole bitmap; it also tells the piece count */
    a.downloaded = downloaded;
    TRY(p2pcdn_announcer_announce(announcer, &a, &list));
    return list;
}

static void print_peerlist(const p2pcdn_peerlist* list) {
    size_t peers = 0, sources = 0, i;
    uint32_t interval = 0, seeds = 0, leechers = 0;
    TRY(p2pcdn_peerlist_peer_count(list, &peers));
    TRY(p2pcdn_peerlist_cdn_count(list, &sources));
    TRY(p2pcdn_peerlist_interval(list, &interval, NULL));
    TRY(p2pcdn_peerlist_swarm_counts(list, &seeds, &leechers));
    printf("  swarm: %lu seeds, %lu leechers; announce again in %lu s\n", (unsigned long)seeds,
           (unsigned long)leechers, (unsigned long)interval);
    for (i = 0; i < peers; ++i) {
        p2pcdn_peer_info peer;
        TRY(p2pcdn_peerlist_peer_at(list, i, &peer));
        printf("  peer %s:%u (%s%s)\n", peer.address, (unsigned)peer.port,
               peer.role == P2PCDN_PEER_NETWORK ? "network peer" : "UE", peer.seed ? ", seed" : "");
    }
    for (i = 0; i < sources; ++i) {
        const char* uri = NULL;
        p2pcdn_bitmap* pieces = NULL;
        size_t count = 0;
        TRY(p2pcdn_peerlist_cdn_at(list, i, &uri, NULL, NULL));
        TRY(p2pcdn_peerlist_cdn_pieces(list, i, &pieces));
        TRY(p2pcdn_bitmap_count(pieces, &count));
        printf("  CDN source %s: %zu pieces\n", uri, count);
        p2pcdn_bitmap_free(pieces);
    }
}

/* Step 4: a fetch ended. Runs on this thread, inside p2pcdn_fetcher_step. */
static void on_fetched(p2pcdn_fetcher* fetcher, uint64_t id, const p2pcdn_fetch_result* r,
                       const void* data, size_t len, void* payload) {
    struct ue* ue = payload;
    uint64_t offset = 0;
    uint32_t length = 0;
    (void)fetcher;
    (void)id;
    if (r->status == P2PCDN_FETCH_OK) {
        /* Verified by the fetcher against the piece hash: safe to keep. */
        TRY(p2pcdn_content_piece_range(ue->content, r->piece, &offset, &length));
        if (pwrite(ue->out_fd, data, len, (off_t)offset) != (ssize_t)len) {
            perror("ue_fetch: write");
            exit(1);
        }
        TRY(p2pcdn_bitmap_set(ue->have, r->piece));
        TRY(p2pcdn_planner_done(ue->planner, r->piece, P2PCDN_PLAN_DONE));
        ue->fetched++;
        ue->bytes += len;
        printf("  piece %zu: %zu bytes, %u redirect(s), verified\n", r->piece, len,
               (unsigned)r->redirects);
        return;
    }
    printf("  piece %zu: %s\n", r->piece, r->message);
    if (r->status == P2PCDN_FETCH_GONE || ++ue->attempts[r->piece] >= MAX_ATTEMPTS) {
        /* The planner will not ask this source for this piece again. */
        TRY(p2pcdn_planner_done(ue->planner, r->piece, P2PCDN_PLAN_GONE));
        ue->failed++;
    } else {
        TRY(p2pcdn_planner_done(ue->planner, r->piece, P2PCDN_PLAN_FAILED));
    }
}

/* Steps 3 and 4: plan, fetch, report, until nothing more can be planned or is in flight. */
static void download(struct ue* ue, p2pcdn_fetcher* fetcher, const p2pcdn_peerlist* list) {
    p2pcdn_piece_request requests[8];
    size_t count, running = 0, i;
    for (;;) {
        TRY(p2pcdn_planner_next(ue->planner, now_ms(), requests, 8, &count));
        for (i = 0; i < count; ++i) {
            char uri[2048];
            size_t size = 0, source = 0;
            int ranged = 0;
            /* No connected peers here, so every request names a CDN source. */
            TRY(p2pcdn_peerlist_cdn_uri_for_piece(list, requests[i].piece, now_ms() / 1000, uri,
                                                  sizeof uri, &size, &source));
            TRY(p2pcdn_peerlist_cdn_at(list, source, NULL, NULL, &ranged));
            TRY(p2pcdn_fetcher_submit(fetcher, requests[i].piece, uri, ranged, on_fetched, ue,
                                      NULL));
        }
        if (count == 0 && running == 0) {
            return;
        }
        /* A host with its own event loop would call this with 0 from its loop instead. */
        TRY(p2pcdn_fetcher_step(fetcher, 100, &running));
    }
}

int main(int argc, char** argv) {
    struct ue ue;
    p2pcdn_announcer_options aopts = P2PCDN_ANNOUNCER_OPTIONS_INIT;
    p2pcdn_planner_options popts = P2PCDN_PLANNER_OPTIONS_INIT;
    p2pcdn_announcer* announcer = NULL;
    p2pcdn_content* content;
    p2pcdn_fetcher* fetcher = NULL;
    p2pcdn_peerlist* list;
    char peer_id[P2PCDN_PEER_ID_MAX + 1];
    size_t pieces = 0, held = 0;
    int complete;

    if (argc != 7) {
        fputs(
            "usage: ue_fetch TRACKER_URL CONTENT_ID LENGTH PIECE_LENGTH HASHES_FILE "
            "OUTPUT_FILE\n",
            stderr);
        return 2;
    }
    TRY(p2pcdn_global_init()); /* libcurl and OpenSSL, for the announcer and the fetcher */
    content = load_content(argv[2], strtoull(argv[3], NULL, 10),
                           (uint32_t)strtoul(argv[4], NULL, 10), argv[5]);
    TRY(p2pcdn_content_piece_count(content, &pieces));

    memset(&ue, 0, sizeof ue);
    ue.content = content;
    ue.attempts = calloc(pieces, 1);
    ue.out_fd = open(argv[6], O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (ue.attempts == NULL || ue.out_fd < 0) {
        perror("ue_fetch");
        return 1;
    }
    TRY(p2pcdn_bitmap_new(&ue.have, pieces));
    snprintf(peer_id, sizeof peer_id, "ue-fetch-%ld", (long)getpid());

    /* Step 2: join the swarm. */
    aopts.tracker_url = argv[1];
    TRY(p2pcdn_announcer_new(&announcer, &aopts));
    printf("announce started to %s\n", argv[1]);
    list = announce(announcer, argv[2], ue.have, P2PCDN_EVENT_STARTED, peer_id, 0);
    print_peerlist(list);

    /* Steps 3 and 4: the planner takes this UE's bitmap and the peer list's CDN sources. */
    popts.max_cdn_in_flight = 4;
    TRY(p2pcdn_planner_new(&ue.planner, pieces, &popts));
    TRY(p2pcdn_planner_set_have(ue.planner, ue.have));
    TRY(p2pcdn_planner_set_sources(ue.planner, list));
    TRY(p2pcdn_fetcher_new(&fetcher, content, NULL));
    printf("fetching from the CDN\n");
    download(&ue, fetcher, list);
    p2pcdn_peerlist_free(list);

    /* Step 5: tell the tracker what this UE holds now. */
    TRY(p2pcdn_bitmap_count(ue.have, &held));
    complete = held == pieces;
    printf("fetched %zu pieces (%llu bytes), %zu failed; holding %zu of %zu\n", ue.fetched,
           (unsigned long long)ue.bytes, ue.failed, held, pieces);
    printf("announce %s\n", complete ? "completed" : "update");
    list = announce(announcer, argv[2], ue.have,
                    complete ? P2PCDN_EVENT_COMPLETED : P2PCDN_EVENT_UPDATE, peer_id, ue.bytes);
    print_peerlist(list);
    p2pcdn_peerlist_free(list);

    p2pcdn_fetcher_free(fetcher);
    p2pcdn_planner_free(ue.planner);
    p2pcdn_announcer_free(announcer);
    p2pcdn_bitmap_free(ue.have);
    p2pcdn_content_free(content);
    free(ue.attempts);
    close(ue.out_fd);
    p2pcdn_global_cleanup();
    return complete ? 0 : 1;
}
