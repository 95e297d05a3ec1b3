/*
 * p2pcdn: the source planner (UE side). A part of p2pcdn.h: include <p2pcdn/p2pcdn.h>, never
 * this file on its own.
 *
 * The planner decides which missing pieces a UE requests next and from where: a connected peer
 * or a CDN source of the peer list (TR 23.844 steps 7 and 8). The host feeds it the UE's own
 * bitmap, its connected peers' bitmaps and HAVEs, the tracker's peer list and, for streaming,
 * the playback position; it asks p2pcdn_planner_next for requests, makes them with its own P2P
 * protocol or the fetcher, and reports each one's end with p2pcdn_planner_done.
 *
 * Rules (docs/api.md, "Planner", has the long form):
 *   - Rarest first among connected peers; among equally rare pieces, uniformly at random from a
 *     std::mt19937_64 seeded with rng_seed, so one seed and one call sequence always give the
 *     same plan. A piece goes to the holder with the fewest requests in flight that is below
 *     max_per_peer_in_flight.
 *   - The CDN only for pieces no connected peer holds, from the first source of the peer list
 *     that serves the piece, has not expired (now_ms < expires_s * 1000) and was not reported
 *     gone for it; at most max_cdn_in_flight CDN requests at a time.
 *   - cdn_fill (version 2; P2PCDN_CDN_FILL_OFF by default) lets the CDN take pieces peers
 *     hold as well, for bulk downloads (in streaming, outside the window). With _IDLE and
 *     _FIRST a peer whose oldest request has been in flight longer than peer_piece_ms is late
 *     and gets no new request. _IDLE: room left after the peers (every holder of a wanted piece
 *     late or at max_per_peer_in_flight) goes to the CDN for any piece it serves. _FIRST: the
 *     CDN slots are filled before the peers are asked. Either way at most max_cdn_in_flight.
 *   - Streaming: see p2pcdn_planner_set_position.
 *   - A piece has at most one request in flight and is never planned twice.
 * All times are Unix milliseconds, the clock of the sources' expiry. A planner is used from one
 * thread at a time.
 */
#ifndef P2PCDN_PLANNER_H
#define P2PCDN_PLANNER_H

typedef struct p2pcdn_planner p2pcdn_planner;

typedef struct p2pcdn_planner_options {
    unsigned int version;            /* P2PCDN_PLANNER_OPTIONS_VERSION */
    uint32_t max_cdn_in_flight;      /* CDN requests in flight at once; 0: 4 */
    uint32_t max_per_peer_in_flight; /* requests in flight to one peer; 0: 4 */
    int streaming;                   /* non-zero: the streaming window applies */
    size_t window_pieces;            /* streaming window, in pieces from the position; 0: 16 */
    uint32_t piece_duration_ms;      /* playback time of one piece; 0: 1000 */
    uint32_t peer_piece_ms;          /* expected time for a peer to deliver a piece; 0: 3000 */
    uint64_t rng_seed;               /* 0: random; fixed for a reproducible plan */
    uint32_t max_peers;              /* connected peers tracked at once, at most 65535; 0: 256 */

    /* Version 2. P2PCDN_CDN_FILL_*: when the CDN also gets pieces peers hold (see above). */
    int cdn_fill;
} p2pcdn_planner_options;

#define P2PCDN_CDN_FILL_OFF 0   /* the CDN only for pieces no connected peer holds */
#define P2PCDN_CDN_FILL_IDLE 1  /* also when no holder can take a request now */
#define P2PCDN_CDN_FILL_FIRST 2 /* the CDN slots first, then the peers */

/* Version 1 ends at max_peers; a version 1 struct is still accepted. */
#define P2PCDN_PLANNER_OPTIONS_VERSION 2
#define P2PCDN_PLANNER_OPTIONS_INIT {P2PCDN_PLANNER_OPTIONS_VERSION, 0, 0, 0, 0, 0, 0, 0, 0, 0}
P2PCDN_API int p2pcdn_planner_options_init(p2pcdn_planner_options *opts, unsigned int version);

/* Where a planned request goes. */
#define P2PCDN_SOURCE_PEER 0
#define P2PCDN_SOURCE_CDN 1

/* How a request ended (p2pcdn_planner_done). */
#define P2PCDN_PLAN_DONE 0   /* the UE holds the piece now */
#define P2PCDN_PLAN_FAILED 1 /* the piece is wanted again */
#define P2PCDN_PLAN_GONE 2   /* failed, and the source no longer serves the piece */

typedef struct p2pcdn_piece_request {
    size_t piece;
    int source;       /* P2PCDN_SOURCE_PEER or P2PCDN_SOURCE_CDN */
    size_t cdn_index; /* CDN: the source's index in the peer list last given; else 0 */
    unsigned char peer_key[P2PCDN_PEER_ID_MAX]; /* peer: its key as the host gave it */
    size_t peer_key_len;                        /* peer: 1 to P2PCDN_PEER_ID_MAX; CDN: 0 */
} p2pcdn_piece_request;

/* A planner for a content of piece_count pieces (1 to P2PCDN_BITMAP_MAX_BITS, else
 * P2PCDN_ERANGE); the UE holds nothing yet. opts may be NULL (all defaults). */
P2PCDN_API int p2pcdn_planner_new(p2pcdn_planner **out, size_t piece_count,
                                  const p2pcdn_planner_options *opts);
P2PCDN_API void p2pcdn_planner_free(p2pcdn_planner *planner);

/* The UE's own pieces (a bitmap of piece_count pieces, else P2PCDN_EINVAL). Pieces in flight
 * stay in flight until reported done. */
P2PCDN_API int p2pcdn_planner_set_have(p2pcdn_planner *planner, const p2pcdn_bitmap *own);

/* Connected peers, by a key of 1 to P2PCDN_PEER_ID_MAX bytes the host chooses (its peer id,
 * say). _peer_set adds a peer or replaces its bitmap (P2PCDN_ELIMIT beyond max_peers);
 * _peer_have records one more piece (a HAVE); _peer_have_many records count pieces of one
 * peer at once, cheaper than one call each (all or nothing: a piece out of range gives
 * P2PCDN_ERANGE and records none; pieces may be NULL only with count 0); _peer_remove forgets
 * the peer and puts its requests in flight back, so they are planned again. Unknown keys:
 * P2PCDN_ENOTFOUND. */
P2PCDN_API int p2pcdn_planner_peer_set(p2pcdn_planner *planner, const void *peer_key,
                                       size_t peer_key_len, const p2pcdn_bitmap *bits);
P2PCDN_API int p2pcdn_planner_peer_have(p2pcdn_planner *planner, const void *peer_key,
                                        size_t peer_key_len, size_t piece);
P2PCDN_API int p2pcdn_planner_peer_have_many(p2pcdn_planner *planner, const void *peer_key,
                                             size_t peer_key_len, const size_t *pieces,
                                             size_t count);
P2PCDN_API int p2pcdn_planner_peer_remove(p2pcdn_planner *planner, const void *peer_key,
                                          size_t peer_key_len);

/* Copies the CDN sources of a peer list (at most 256, else P2PCDN_ELIMIT; each must cover
 * piece_count pieces, else P2PCDN_EINVAL), replacing the previous ones. A source reported gone
 * for a piece stays gone for it in a new list that has the same URI. */
P2PCDN_API int p2pcdn_planner_set_sources(p2pcdn_planner *planner, const p2pcdn_peerlist *list);

/* Streaming: playback is at the start of `piece` at now_ms and advances one piece per
 * piece_duration_ms, so piece i (i >= piece) is due at
 *     deadline(i) = now_ms + (i - piece) * piece_duration_ms.
 * In the window [piece, piece + window_pieces) pieces are planned first, in index order. At
 * p2pcdn_planner_next(now), piece i is urgent when now + peer_piece_ms > deadline(i): urgent
 * pieces and pieces no connected peer holds go to the CDN (waiting for a free CDN slot);
 * an urgent piece no usable source serves goes to a holding peer after all; the others go to a
 * holding peer with a free slot, or wait. Then the rest, as without streaming.
 * Example: piece_duration_ms 1000, peer_piece_ms 2500, window_pieces 6, set_position(100, T).
 * At next(T + 200) a peer would deliver at T + 2700: pieces 100, 101, 102 (due T, T + 1000,
 * T + 2000) go to the CDN even when peers hold them; 103, 104, 105 (due T + 3000 and later) go
 * to peers, or to the CDN when no connected peer holds them; 106 on are rarest first.
 * next() of a streaming planner fails with P2PCDN_ESTATE until a position is set. */
P2PCDN_API int p2pcdn_planner_set_position(p2pcdn_planner *planner, size_t piece,
                                           int64_t now_ms);

/* Plans at most cap requests into buf and marks them in flight; *count receives how many
 * (0 when nothing can be planned now: all held, in flight, or waiting for a free slot). Not a
 * size query: buf may be NULL only with cap 0. */
P2PCDN_API int p2pcdn_planner_next(p2pcdn_planner *planner, int64_t now_ms,
                                   p2pcdn_piece_request *buf, size_t cap, size_t *count);

/* Ends the request in flight for `piece` with a P2PCDN_PLAN_* outcome. GONE from a CDN source
 * skips that source for that piece from now on; GONE from a peer treats the peer as not
 * holding the piece until its next HAVE or bitmap. DONE is accepted for any piece (the UE
 * holds it now); FAILED and GONE for a piece not in flight give P2PCDN_ESTATE. */
P2PCDN_API int p2pcdn_planner_done(p2pcdn_planner *planner, size_t piece, int outcome);

/* Sets max_cdn_in_flight from the next p2pcdn_planner_next on. 0 is allowed here and stops
 * new CDN requests (pieces only the CDN serves then wait); requests already in flight above the
 * new limit stay in flight. For a host that meters its CDN use, e.g. asking the CDN only for
 * the deficit of its peers' download rate against a deadline. */
P2PCDN_API int p2pcdn_planner_set_cdn_limit(p2pcdn_planner *planner, uint32_t max_cdn_in_flight);

/* Requests in flight now, to the CDN and to peers. Either pointer may be NULL. */
P2PCDN_API int p2pcdn_planner_in_flight(const p2pcdn_planner *planner, size_t *cdn,
                                        size_t *peers);

#endif /* P2PCDN_PLANNER_H */
