/*
 * p2pcdn: the whole public C ABI.
 *
 * This header is the contract. Anything not declared here is private and may change without
 * notice. Within one ABI major (P2PCDN_ABI_VERSION, the library's SOVERSION):
 *   - error code values never change and are never reused;
 *   - options structs only grow at the end, and their version field says how far;
 *   - functions are only added, never changed or removed.
 *
 * Conventions (docs/api.md has the long form):
 *   - Every fallible call returns int: P2PCDN_OK (0), a negative P2PCDN_E* code, or, where a
 *     function says so, a non-negative answer (predicates return 1 or 0).
 *     p2pcdn_last_error() gives a one-line detail of the last failure on the calling thread.
 *   - Objects made by p2pcdn_<obj>_new*() belong to the caller and are released with
 *     p2pcdn_<obj>_free(), which accepts NULL. A NULL, freed or foreign handle passed to any
 *     other call gives P2PCDN_EINVAL.
 *   - Variable-size output goes into a caller buffer: f(..., buf, cap, &size). *size always
 *     receives the full size of the output (text: including the terminating NUL). With buf NULL
 *     nothing is written and P2PCDN_OK is returned; with cap too small, P2PCDN_EBUFS.
 *   - Inputs (strings, buffers, options) are copied or consumed before the call returns.
 *   - A failed call changes no state.
 *   - Value objects (bitmap, content) are not locked: use one from one thread at a time, or
 *     only read it from many.
 */
#ifndef P2PCDN_H
#define P2PCDN_H

#include <stddef.h>
#include <stdint.h>

#include "p2pcdn/p2pcdn_version.h"

#if defined(P2PCDN_STATIC)
#define P2PCDN_API
#elif defined(_WIN32)
#if defined(P2PCDN_BUILDING)
#define P2PCDN_API __declspec(dllexport)
#else
#define P2PCDN_API __declspec(dllimport)
#endif
#elif defined(__GNUC__) && __GNUC__ >= 4
#define P2PCDN_API __attribute__((visibility("default")))
#else
#define P2PCDN_API
#endif

#if defined(_WIN32)
#define P2PCDN_CALLBACK __cdecl
#else
#define P2PCDN_CALLBACK
#endif

#ifdef __cplusplus
extern "C" {
#endif

/* ---------------------------------------------------------------------------------------------
 * Errors. The values are permanent (added in 0.1.0 unless marked otherwise).
 */
typedef enum p2pcdn_error_code {
    P2PCDN_OK = 0,
    P2PCDN_ERROR = -1,      /* internal error with no better code */
    P2PCDN_EINVAL = -2,     /* invalid argument, handle or options version */
    P2PCDN_ENOMEM = -3,     /* out of memory */
    P2PCDN_EBUFS = -4,      /* output buffer too small; the size argument says how much is needed */
    P2PCDN_ERANGE = -5,     /* index or size outside the object's bounds or a documented maximum */
    P2PCDN_EPARSE = -6,     /* malformed input: bad encoding, wrong length, set spare bits, ... */
    P2PCDN_ENOTFOUND = -7,  /* nothing matched (a search, a lookup) */
    P2PCDN_EEXISTS = -8,    /* already there */
    P2PCDN_EIO = -9,        /* file system error */
    P2PCDN_EHASH = -10,     /* data does not match its hash */
    P2PCDN_ESTATE = -11,    /* the object is not in a state that allows this call */
    P2PCDN_EUSER = -12,     /* a callback asked to stop */
    P2PCDN_ENETWORK = -13,  /* connection failed or broke */
    P2PCDN_ETIMEOUT = -14,  /* an operation ran out of time */
    P2PCDN_ETLS = -15,      /* TLS handshake or certificate verification failed */
    P2PCDN_EHTTP = -16,     /* a server answered with an HTTP status that means failure */
    P2PCDN_EPROTO = -17,    /* a peer or server broke its protocol */
    P2PCDN_ELIMIT = -18,    /* a configured limit was reached */
    P2PCDN_ECANCELLED = -19 /* the operation was cancelled */
} p2pcdn_error_code;

/* Static English text for an error code ("unknown error code" for values not listed above). */
P2PCDN_API const char *p2pcdn_strerror(int code);

/* One-line detail of the last failed call on this thread; "" when none. The string is owned by
 * the library and valid until the next p2pcdn_ call on this thread. Successful calls leave it
 * as it is. */
P2PCDN_API const char *p2pcdn_last_error(void);

/* Forgets the last error of this thread. */
P2PCDN_API void p2pcdn_error_clear(void);

/* ---------------------------------------------------------------------------------------------
 * Versions and global state.
 */

/* P2PCDN_VERSION_NUM of the library actually loaded: (major << 16) | (minor << 8) | patch. */
P2PCDN_API unsigned int p2pcdn_version(void);
/* "major.minor.patch" of the library actually loaded. */
P2PCDN_API const char *p2pcdn_version_string(void);
/* The ABI major (SOVERSION) of the library actually loaded; compare with P2PCDN_ABI_VERSION. */
P2PCDN_API unsigned int p2pcdn_abi_version(void);

/* Reference-counted global setup of libcurl and OpenSSL. Returns the new count (> 0) or an
 * error. Network objects need it; value objects (bitmap, content) do not. Thread-safe. */
P2PCDN_API int p2pcdn_global_init(void);
/* Drops one reference; the last one releases libcurl's global state. Returns the remaining
 * count (>= 0), or P2PCDN_ESTATE when called more often than p2pcdn_global_init. */
P2PCDN_API int p2pcdn_global_cleanup(void);

/* Releases memory the library allocated for the caller. NULL is fine. */
P2PCDN_API void p2pcdn_free(void *ptr);

/* ---------------------------------------------------------------------------------------------
 * Bitmap: which pieces a peer holds. Piece i is bit 0x80 >> (i % 8) of byte i / 8 in the
 * BitTorrent (BEP 3) wire form; hex and base64 encode those same bytes.
 */
typedef struct p2pcdn_bitmap p2pcdn_bitmap;

/* The largest bit count a bitmap may have (2^26 pieces, an 8 MiB bitmap). */
#define P2PCDN_BITMAP_MAX_BITS 67108864u

/* Decoder flags: strict rejects set spare bits after the last piece, lenient clears them. */
#define P2PCDN_BITMAP_STRICT 0u
#define P2PCDN_BITMAP_LENIENT 1u

P2PCDN_API int p2pcdn_bitmap_new(p2pcdn_bitmap **out, size_t nbits);
P2PCDN_API int p2pcdn_bitmap_copy(p2pcdn_bitmap **out, const p2pcdn_bitmap *src);
P2PCDN_API void p2pcdn_bitmap_free(p2pcdn_bitmap *bitmap);

P2PCDN_API int p2pcdn_bitmap_size(const p2pcdn_bitmap *bitmap, size_t *out);
/* 1 if bit i is set, 0 if not. */
P2PCDN_API int p2pcdn_bitmap_test(const p2pcdn_bitmap *bitmap, size_t i);
P2PCDN_API int p2pcdn_bitmap_set(p2pcdn_bitmap *bitmap, size_t i);
P2PCDN_API int p2pcdn_bitmap_clear(p2pcdn_bitmap *bitmap, size_t i);
/* Sets (value != 0) or clears bits [begin, end). */
P2PCDN_API int p2pcdn_bitmap_set_range(p2pcdn_bitmap *bitmap, size_t begin, size_t end, int value);
/* Sets (value != 0) or clears every bit. */
P2PCDN_API int p2pcdn_bitmap_fill(p2pcdn_bitmap *bitmap, int value);

P2PCDN_API int p2pcdn_bitmap_count(const p2pcdn_bitmap *bitmap, size_t *out);
/* 1 if every bit is set (true for an empty bitmap), else 0. */
P2PCDN_API int p2pcdn_bitmap_is_all(const p2pcdn_bitmap *bitmap);
/* 1 if no bit is set, else 0. */
P2PCDN_API int p2pcdn_bitmap_is_none(const p2pcdn_bitmap *bitmap);
/* The first set (or clear) bit at or after `from`; P2PCDN_ENOTFOUND when there is none. */
P2PCDN_API int p2pcdn_bitmap_find_next_set(const p2pcdn_bitmap *bitmap, size_t from, size_t *out);
P2PCDN_API int p2pcdn_bitmap_find_next_clear(const p2pcdn_bitmap *bitmap, size_t from, size_t *out);

/* In place: dst = dst OP src. Both must have the same size (else P2PCDN_EINVAL). */
P2PCDN_API int p2pcdn_bitmap_and(p2pcdn_bitmap *dst, const p2pcdn_bitmap *src);
P2PCDN_API int p2pcdn_bitmap_or(p2pcdn_bitmap *dst, const p2pcdn_bitmap *src);
P2PCDN_API int p2pcdn_bitmap_andnot(p2pcdn_bitmap *dst, const p2pcdn_bitmap *src);
P2PCDN_API int p2pcdn_bitmap_xor(p2pcdn_bitmap *dst, const p2pcdn_bitmap *src);
/* popcount(a & b) and popcount(a & ~b), without allocating. Same sizes required. */
P2PCDN_API int p2pcdn_bitmap_count_and(const p2pcdn_bitmap *a, const p2pcdn_bitmap *b, size_t *out);
P2PCDN_API int p2pcdn_bitmap_count_andnot(const p2pcdn_bitmap *a, const p2pcdn_bitmap *b,
                                          size_t *out);
/* 1 if same size and same bits, else 0. */
P2PCDN_API int p2pcdn_bitmap_equal(const p2pcdn_bitmap *a, const p2pcdn_bitmap *b);

/* BEP 3 bitfield bytes: exactly ceil(nbits / 8) of them. */
P2PCDN_API int p2pcdn_bitmap_from_wire(p2pcdn_bitmap **out, size_t nbits, const void *data,
                                       size_t len, unsigned int flags);
P2PCDN_API int p2pcdn_bitmap_to_wire(const p2pcdn_bitmap *bitmap, void *buf, size_t cap,
                                     size_t *size);
/* Lowercase hex of the wire bytes (decoding accepts either case). */
P2PCDN_API int p2pcdn_bitmap_from_hex(p2pcdn_bitmap **out, size_t nbits, const char *text,
                                      size_t len, unsigned int flags);
P2PCDN_API int p2pcdn_bitmap_to_hex(const p2pcdn_bitmap *bitmap, char *buf, size_t cap,
                                    size_t *size);
/* RFC 4648 base64 (standard alphabet, with padding) of the wire bytes. */
P2PCDN_API int p2pcdn_bitmap_from_base64(p2pcdn_bitmap **out, size_t nbits, const char *text,
                                         size_t len, unsigned int flags);
P2PCDN_API int p2pcdn_bitmap_to_base64(const p2pcdn_bitmap *bitmap, char *buf, size_t cap,
                                       size_t *size);
/* Piece ranges such as "0-99,150,200-299": decimal, inclusive, comma-separated, no spaces.
 * Decoding accepts ranges in any order and overlapping; encoding writes them merged and
 * ascending. The empty string is the empty set. */
P2PCDN_API int p2pcdn_bitmap_from_ranges(p2pcdn_bitmap **out, size_t nbits, const char *text,
                                         size_t len);
P2PCDN_API int p2pcdn_bitmap_to_ranges(const p2pcdn_bitmap *bitmap, char *buf, size_t cap,
                                       size_t *size);

/* ---------------------------------------------------------------------------------------------
 * Content layout and piece hashes.
 */
typedef struct p2pcdn_content p2pcdn_content;

typedef enum p2pcdn_hash_algo {
    P2PCDN_HASH_NONE = 0,   /* no piece hashes known yet */
    P2PCDN_HASH_SHA1 = 1,   /* BitTorrent v1: 20-byte SHA-1 per piece */
    P2PCDN_HASH_SHA256 = 2  /* 32-byte SHA-256 per piece */
} p2pcdn_hash_algo;

/* Content ids are 1 to P2PCDN_CONTENT_ID_MAX characters from RFC 3986's unreserved set
 * (A-Z a-z 0-9 - . _ ~), so they are safe in URLs and file names. */
#define P2PCDN_CONTENT_ID_MAX 128
/* Piece lengths are 1 byte to P2PCDN_PIECE_LENGTH_MAX; the piece count may not exceed
 * P2PCDN_BITMAP_MAX_BITS. */
#define P2PCDN_PIECE_LENGTH_MAX 1073741824u

/* Hash list formats for import and export. */
#define P2PCDN_HASHES_RAW 0u /* digests concatenated, as a torrent's `pieces` string */
#define P2PCDN_HASHES_HEX 1u /* the same bytes as lowercase hex */

/* Called after each hashed piece on the calling thread; return non-zero to stop (the call then
 * fails with P2PCDN_EUSER and changes nothing). */
typedef int(P2PCDN_CALLBACK *p2pcdn_progress_cb)(uint64_t done_bytes, uint64_t total_bytes,
                                                 void *payload);

typedef struct p2pcdn_hash_options {
    unsigned int version;        /* P2PCDN_HASH_OPTIONS_VERSION */
    int algo;                    /* p2pcdn_hash_algo; 0 means SHA-1 */
    size_t read_size;            /* file read size in bytes; 0 means 1 MiB; at most 64 MiB */
    p2pcdn_progress_cb progress; /* optional */
    void *payload;               /* handed to progress */
} p2pcdn_hash_options;

#define P2PCDN_HASH_OPTIONS_VERSION 1
#define P2PCDN_HASH_OPTIONS_INIT {P2PCDN_HASH_OPTIONS_VERSION, 0, 0, NULL, NULL}
P2PCDN_API int p2pcdn_hash_options_init(p2pcdn_hash_options *opts, unsigned int version);

P2PCDN_API int p2pcdn_content_new(p2pcdn_content **out, const char *content_id,
                                  uint64_t total_length, uint32_t piece_length);
/* A layout for the file at `path` (its current size) with its piece hashes. opts may be NULL. */
P2PCDN_API int p2pcdn_content_new_from_file(p2pcdn_content **out, const char *content_id,
                                            const char *path, uint32_t piece_length,
                                            const p2pcdn_hash_options *opts);
P2PCDN_API int p2pcdn_content_copy(p2pcdn_content **out, const p2pcdn_content *src);
P2PCDN_API void p2pcdn_content_free(p2pcdn_content *content);

/* Borrowed; valid while the content lives. NULL for an invalid handle. */
P2PCDN_API const char *p2pcdn_content_id(const p2pcdn_content *content);
P2PCDN_API int p2pcdn_content_total_length(const p2pcdn_content *content, uint64_t *out);
P2PCDN_API int p2pcdn_content_piece_length(const p2pcdn_content *content, uint32_t *out);
P2PCDN_API int p2pcdn_content_piece_count(const p2pcdn_content *content, size_t *out);
/* Byte range of piece i: [*offset, *offset + *length). The last piece may be shorter. */
P2PCDN_API int p2pcdn_content_piece_range(const p2pcdn_content *content, size_t i,
                                          uint64_t *offset, uint32_t *length);

/* Computes every piece hash from a file (streamed; its size must equal the total length) or a
 * buffer (its length must equal the total length), replacing any hashes held. opts may be
 * NULL. */
P2PCDN_API int p2pcdn_content_hash_file(p2pcdn_content *content, const char *path,
                                        const p2pcdn_hash_options *opts);
P2PCDN_API int p2pcdn_content_hash_buffer(p2pcdn_content *content, const void *data, size_t len,
                                          const p2pcdn_hash_options *opts);
/* The p2pcdn_hash_algo of the hashes held (P2PCDN_HASH_NONE when none). */
P2PCDN_API int p2pcdn_content_hash_algo(const p2pcdn_content *content);
/* P2PCDN_OK when `data` is exactly piece i; P2PCDN_EHASH when it is not (wrong bytes or wrong
 * length); P2PCDN_ESTATE when no hashes are known. */
P2PCDN_API int p2pcdn_content_verify_piece(const p2pcdn_content *content, size_t i,
                                           const void *data, size_t len);
/* The digest of piece i (20 or 32 bytes). */
P2PCDN_API int p2pcdn_content_piece_hash(const p2pcdn_content *content, size_t i, void *buf,
                                         size_t cap, size_t *size);
/* All digests in piece order, raw or hex (P2PCDN_HASHES_*). */
P2PCDN_API int p2pcdn_content_hashes_export(const p2pcdn_content *content, unsigned int format,
                                            void *buf, size_t cap, size_t *size);
/* Replaces the hashes with a list for exactly piece_count pieces; all or nothing. */
P2PCDN_API int p2pcdn_content_hashes_import(p2pcdn_content *content, int algo,
                                            unsigned int format, const void *data, size_t len);

/* ---------------------------------------------------------------------------------------------
 * Statistics: one swarm's snapshot, as a tracker takes it and a CCS reads it (TR 23.844 steps 3
 * and 9). Counts are of user peers (UEs); network peers (CCSs joined as peers) are counted
 * apart. A value object.
 */
typedef struct p2pcdn_stats p2pcdn_stats;

typedef struct p2pcdn_stats_summary {
    unsigned int version;      /* P2PCDN_STATS_SUMMARY_VERSION, set by the caller */
    uint64_t seq;              /* per swarm, grows by one with each snapshot */
    int64_t time_ms;           /* Unix time of the snapshot, milliseconds */
    size_t piece_count;
    uint32_t peers;            /* user peers */
    uint32_t seeds;            /* user peers holding every piece */
    uint32_t leechers;         /* peers - seeds */
    uint32_t network_peers;
    uint32_t min_copies;       /* copies of the rarest piece(s) */
    uint32_t max_copies;
    size_t pieces_at_min;
    double distributed_copies; /* min_copies + (pieces above min_copies) / piece_count */
    size_t cdn_pieces;         /* pieces the tracker advertises from the CDN */
} p2pcdn_stats_summary;

#define P2PCDN_STATS_SUMMARY_VERSION 1
#define P2PCDN_STATS_SUMMARY_INIT {P2PCDN_STATS_SUMMARY_VERSION, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0}
P2PCDN_API int p2pcdn_stats_summary_init(p2pcdn_stats_summary *summary, unsigned int version);

/* One bin of the copies histogram: `pieces` pieces have exactly `copies` copies. */
typedef struct p2pcdn_histogram_bin {
    uint32_t copies;
    uint64_t pieces;
} p2pcdn_histogram_bin;

/* JSON encodings of the copies array (docs/protocol.md, "Statistics report"). */
#define P2PCDN_COPIES_AUTO 0u  /* runs when they are at most half the size of plain */
#define P2PCDN_COPIES_PLAIN 1u /* "copies": [3,3,2,...] */
#define P2PCDN_COPIES_RUNS 2u  /* "copies_runs": [value, run, ...] */

/* Decodes a statistics report; every member is validated (P2PCDN_EPARSE with the member and
 * the reason; P2PCDN_ELIMIT for a report above 64 MiB). */
P2PCDN_API int p2pcdn_stats_from_json(p2pcdn_stats **out, const char *json, size_t len);
P2PCDN_API int p2pcdn_stats_to_json(const p2pcdn_stats *stats, unsigned int encoding, char *buf,
                                    size_t cap, size_t *size);
P2PCDN_API int p2pcdn_stats_copy(p2pcdn_stats **out, const p2pcdn_stats *src);
P2PCDN_API void p2pcdn_stats_free(p2pcdn_stats *stats);

/* Borrowed; valid while the stats live. NULL for an invalid handle. */
P2PCDN_API const char *p2pcdn_stats_content_id(const p2pcdn_stats *stats);
/* Fills the fields known to summary->version. */
P2PCDN_API int p2pcdn_stats_get_summary(const p2pcdn_stats *stats, p2pcdn_stats_summary *summary);
/* Arrays follow the output-buffer rule with *count in elements, not bytes. */
/* copies[i]: user peers holding piece i (piece_count elements). */
P2PCDN_API int p2pcdn_stats_copies(const p2pcdn_stats *stats, uint32_t *buf, size_t cap,
                                   size_t *count);
/* network peers holding piece i: piece_count elements, or 0 when no network peer holds any. */
P2PCDN_API int p2pcdn_stats_network_copies(const p2pcdn_stats *stats, uint32_t *buf, size_t cap,
                                           size_t *count);
/* The distinct copy counts present, ascending. */
P2PCDN_API int p2pcdn_stats_histogram(const p2pcdn_stats *stats, p2pcdn_histogram_bin *buf,
                                      size_t cap, size_t *count);
/* The pieces at min_copies, as a new bitmap. */
P2PCDN_API int p2pcdn_stats_rarest(const p2pcdn_stats *stats, p2pcdn_bitmap **out);

/* ---------------------------------------------------------------------------------------------
 * Peer list: a tracker's answer to an announce. A value object.
 */
typedef struct p2pcdn_peerlist p2pcdn_peerlist;

typedef enum p2pcdn_peer_role {
    P2PCDN_PEER_USER = 0,   /* a UE */
    P2PCDN_PEER_NETWORK = 1 /* a network peer, such as a CCS with the NSCF */
} p2pcdn_peer_role;

/* Peer ids are 1 to P2PCDN_PEER_ID_MAX bytes of any value (BitTorrent's 20-byte peer_id). */
#define P2PCDN_PEER_ID_MAX 20
/* Room for any IPv4 or IPv6 address text and its NUL. */
#define P2PCDN_ADDRESS_MAX 46

typedef struct p2pcdn_peer_info {
    unsigned char id[P2PCDN_PEER_ID_MAX];
    size_t id_len; /* 0 when unknown: compact bencode carries no peer ids */
    char address[P2PCDN_ADDRESS_MAX]; /* NUL-terminated, canonical text */
    uint16_t port;
    int role; /* p2pcdn_peer_role */
    int seed; /* 1 if the peer holds every piece */
} p2pcdn_peer_info;

P2PCDN_API int p2pcdn_peerlist_copy(p2pcdn_peerlist **out, const p2pcdn_peerlist *src);
P2PCDN_API void p2pcdn_peerlist_free(p2pcdn_peerlist *list);
/* Announce again after interval_s; not before min_interval_s. Either pointer may be NULL. */
P2PCDN_API int p2pcdn_peerlist_interval(const p2pcdn_peerlist *list, uint32_t *interval_s,
                                        uint32_t *min_interval_s);
/* The swarm's user seeds and leechers. Either pointer may be NULL. */
P2PCDN_API int p2pcdn_peerlist_swarm_counts(const p2pcdn_peerlist *list, uint32_t *seeds,
                                            uint32_t *leechers);
P2PCDN_API int p2pcdn_peerlist_peer_count(const p2pcdn_peerlist *list, size_t *out);
P2PCDN_API int p2pcdn_peerlist_peer_at(const p2pcdn_peerlist *list, size_t i,
                                       p2pcdn_peer_info *out);

/* The content the list is for, borrowed (NULL for an invalid handle), and its piece count. */
P2PCDN_API const char *p2pcdn_peerlist_content_id(const p2pcdn_peerlist *list);
P2PCDN_API int p2pcdn_peerlist_piece_count(const p2pcdn_peerlist *list, size_t *out);

/* CDN sources: where pieces can be fetched over HTTP (DESIGN.md section 4). A source is a URI
 * template whose "{piece}" (decimal index) and "{content}" (percent-encoded content id)
 * placeholders are filled per piece, the pieces it serves, and its Unix expiry time. With
 * `ranged`, the URI names the whole content object and a piece is a byte Range of it. */
P2PCDN_API int p2pcdn_peerlist_cdn_count(const p2pcdn_peerlist *list, size_t *out);
/* Source i: its URI template (borrowed, valid while the list lives), expiry and ranged flag.
 * Any out pointer may be NULL. */
P2PCDN_API int p2pcdn_peerlist_cdn_at(const p2pcdn_peerlist *list, size_t i, const char **uri,
                                      int64_t *expires_s, int *ranged);
/* The pieces source i serves, as a new bitmap. */
P2PCDN_API int p2pcdn_peerlist_cdn_pieces(const p2pcdn_peerlist *list, size_t i,
                                          p2pcdn_bitmap **out);
/* The expanded URI of `piece` from the first source that serves it and has not expired at
 * now_s (Unix seconds); P2PCDN_ENOTFOUND when none does. source_index may be NULL. */
P2PCDN_API int p2pcdn_peerlist_cdn_uri_for_piece(const p2pcdn_peerlist *list, size_t piece,
                                                 int64_t now_s, char *buf, size_t cap,
                                                 size_t *size, size_t *source_index);

/* The JSON form (docs/protocol.md, "Peer list") and the bencoded form a BitTorrent tracker
 * answers with (interval, compact peers and peers6, plus a "cdn" list BitTorrent clients
 * ignore). Decoders validate everything and bound every size (P2PCDN_EPARSE, P2PCDN_ELIMIT); a
 * bencoded "failure reason" answer is P2PCDN_EPROTO with the tracker's reason. */
P2PCDN_API int p2pcdn_peerlist_to_json(const p2pcdn_peerlist *list, char *buf, size_t cap,
                                       size_t *size);
P2PCDN_API int p2pcdn_peerlist_from_json(p2pcdn_peerlist **out, const char *json, size_t len);
P2PCDN_API int p2pcdn_peerlist_to_bencode(const p2pcdn_peerlist *list, void *buf, size_t cap,
                                          size_t *size);
P2PCDN_API int p2pcdn_peerlist_from_bencode(p2pcdn_peerlist **out, const void *data,
                                            size_t len);

/* ---------------------------------------------------------------------------------------------
 * Tracker: the swarms of a tracker (the Tracker AS). Safe to call from many threads at once:
 * announces to different contents never wait for each other.
 */
typedef struct p2pcdn_tracker p2pcdn_tracker;

typedef enum p2pcdn_announce_event {
    P2PCDN_EVENT_UPDATE = 0,    /* a regular announce */
    P2PCDN_EVENT_STARTED = 1,   /* the peer joins */
    P2PCDN_EVENT_COMPLETED = 2, /* the peer now holds every piece */
    P2PCDN_EVENT_STOPPED = 3    /* the peer leaves; the answer has no peers */
} p2pcdn_announce_event;

typedef enum p2pcdn_peer_selection {
    P2PCDN_SELECT_RANDOM = 0,
    /* prefer peers holding many pieces the requester lacks (from a bounded random sample) */
    P2PCDN_SELECT_COMPLEMENTARY = 1
} p2pcdn_peer_selection;

#define P2PCDN_NUMWANT_DEFAULT 50u
#define P2PCDN_NUMWANT_NONE 0xffffffffu

typedef struct p2pcdn_announce {
    unsigned int version;         /* P2PCDN_ANNOUNCE_VERSION */
    const char *content_id;
    size_t piece_count;           /* 0: the swarm must exist, or `bitmap` gives the count */
    const void *peer_id;          /* 1 to P2PCDN_PEER_ID_MAX bytes */
    size_t peer_id_len;
    const char *address;          /* "192.0.2.1" or "2001:db8::1" */
    uint16_t port;
    int role;                     /* p2pcdn_peer_role */
    int event;                    /* p2pcdn_announce_event */
    /* What the peer holds: its whole bitmap, or the changes since its last announce, or
     * neither (nothing changed; a new peer holds nothing, or everything when completed). */
    const p2pcdn_bitmap *bitmap;
    const uint32_t *have;         /* pieces gained */
    size_t have_count;
    const uint32_t *donthave;     /* pieces lost */
    size_t donthave_count;
    uint32_t numwant;             /* 0: P2PCDN_NUMWANT_DEFAULT; P2PCDN_NUMWANT_NONE: no peers */
    int selection;                /* p2pcdn_peer_selection */
    int exclude_network_peers;    /* 0: network peers are always offered */
    uint64_t uploaded;
    uint64_t downloaded;
} p2pcdn_announce;

#define P2PCDN_ANNOUNCE_VERSION 1
#define P2PCDN_ANNOUNCE_INIT                                                                    \
    {P2PCDN_ANNOUNCE_VERSION, NULL, 0, NULL, 0, NULL, 0, 0, 0, NULL, NULL, 0, NULL, 0, 0, 0, 0, 0, \
     0}
P2PCDN_API int p2pcdn_announce_init(p2pcdn_announce *announce, unsigned int version);

/* Unix time in milliseconds. */
typedef int64_t(P2PCDN_CALLBACK *p2pcdn_clock_cb)(void *payload);

typedef struct p2pcdn_tracker_options {
    unsigned int version;         /* P2PCDN_TRACKER_OPTIONS_VERSION */
    uint32_t max_swarms;          /* 0: 10000 */
    uint32_t max_peers_per_swarm; /* 0: 100000 */
    size_t max_pieces;            /* 0: P2PCDN_BITMAP_MAX_BITS */
    int no_create_swarms;         /* 0: an announce for an unknown content creates its swarm */
    uint32_t interval_s;          /* 0: 1800 */
    uint32_t min_interval_s;      /* 0: 60 */
    int64_t peer_timeout_ms;      /* 0: 2 * interval_s */
    uint64_t rng_seed;            /* 0: random; fixed for reproducible peer selection */
    p2pcdn_clock_cb clock;        /* NULL: the system clock */
    void *clock_payload;
    uint32_t max_cdn_sources;     /* CDN sources per content; 0: 64 */
    uint32_t max_cdn_per_answer;  /* CDN sources in one announce answer; 0: 8 */
} p2pcdn_tracker_options;

#define P2PCDN_TRACKER_OPTIONS_VERSION 1
#define P2PCDN_TRACKER_OPTIONS_INIT \
    {P2PCDN_TRACKER_OPTIONS_VERSION, 0, 0, 0, 0, 0, 0, 0, 0, NULL, NULL, 0, 0}
P2PCDN_API int p2pcdn_tracker_options_init(p2pcdn_tracker_options *opts, unsigned int version);

/* A statistics subscription's callback. `stats` is borrowed for the call only (copy it with
 * p2pcdn_stats_copy to keep it). Runs on the thread calling p2pcdn_tracker_step, or on the
 * tracker's thread; never with a tracker lock held, so it may call the tracker. Return
 * non-zero to end the subscription. */
typedef int(P2PCDN_CALLBACK *p2pcdn_stats_cb)(const p2pcdn_stats *stats, void *payload);

P2PCDN_API int p2pcdn_tracker_new(p2pcdn_tracker **out, const p2pcdn_tracker_options *opts);
/* Stops the tracker's thread and waits for callbacks in flight. Not from a tracker callback. */
P2PCDN_API void p2pcdn_tracker_free(p2pcdn_tracker *tracker);

/* Makes a swarm. Same piece count again: P2PCDN_OK; another: P2PCDN_EEXISTS. */
P2PCDN_API int p2pcdn_tracker_add_content(p2pcdn_tracker *tracker, const char *content_id,
                                          size_t piece_count);
P2PCDN_API int p2pcdn_tracker_remove_content(p2pcdn_tracker *tracker, const char *content_id);
P2PCDN_API int p2pcdn_tracker_content_count(const p2pcdn_tracker *tracker, size_t *out);

/* Applies an announce and answers it. `out` may be NULL when the answer is not wanted. A failed
 * announce changes nothing. */
P2PCDN_API int p2pcdn_tracker_announce(p2pcdn_tracker *tracker, const p2pcdn_announce *announce,
                                       p2pcdn_peerlist **out);
P2PCDN_API int p2pcdn_tracker_leave(p2pcdn_tracker *tracker, const char *content_id,
                                    const void *peer_id, size_t peer_id_len);
/* Removes peers not heard from for peer_timeout_ms; `removed` may be NULL. */
P2PCDN_API int p2pcdn_tracker_expire(p2pcdn_tracker *tracker, size_t *removed);
/* A snapshot of one swarm now. */
P2PCDN_API int p2pcdn_tracker_stats(const p2pcdn_tracker *tracker, const char *content_id,
                                    p2pcdn_stats **out);

/* A CDN source as a CCS publishes it (TR 23.844 step 5). */
typedef struct p2pcdn_cdn_source {
    unsigned int version;         /* P2PCDN_CDN_SOURCE_VERSION */
    const char *uri;              /* template with {piece} / {content}, or one URI; http(s) */
    const p2pcdn_bitmap *pieces;  /* the pieces it serves; size: the content's piece count */
    int64_t expires_s;            /* Unix seconds; never handed out at or after this time */
    int ranged;                   /* non-zero: uri is the whole content object (byte Ranges) */
} p2pcdn_cdn_source;

#define P2PCDN_CDN_SOURCE_VERSION 1
#define P2PCDN_CDN_SOURCE_INIT {P2PCDN_CDN_SOURCE_VERSION, NULL, NULL, 0, 0}
P2PCDN_API int p2pcdn_cdn_source_init(p2pcdn_cdn_source *source, unsigned int version);

/* Publishes a CDN source for a content, or replaces the source with the same URI. Announce
 * answers then carry it, restricted to the pieces each requester lacks, until it expires. */
P2PCDN_API int p2pcdn_tracker_publish_cdn(p2pcdn_tracker *tracker, const char *content_id,
                                          const p2pcdn_cdn_source *source);
/* Withdraws pieces (NULL: all) of the source with this URI (NULL: of every source); a source
 * left with no pieces is removed. Effective from the very next answer. P2PCDN_ENOTFOUND for an
 * unknown content or URI. */
P2PCDN_API int p2pcdn_tracker_withdraw_cdn(p2pcdn_tracker *tracker, const char *content_id,
                                           const char *uri, const p2pcdn_bitmap *pieces);

/* Periodic statistics of one content (content_id NULL or "": every content), every
 * interval_ms (> 0, else P2PCDN_EINVAL), the first at once. Reports are delivered by
 * p2pcdn_tracker_step or the tracker's thread. */
P2PCDN_API int p2pcdn_tracker_subscribe(p2pcdn_tracker *tracker, const char *content_id,
                                        int64_t interval_ms, p2pcdn_stats_cb callback,
                                        void *payload, uint64_t *id_out);
/* Waits for that subscription's callback in flight, unless called from it. */
P2PCDN_API int p2pcdn_tracker_unsubscribe(p2pcdn_tracker *tracker, uint64_t id);
/* Host-driven mode: delivers due reports and expires silent peers. *next_ms (may be NULL)
 * receives the milliseconds until the next report is due, or -1 without subscriptions. */
P2PCDN_API int p2pcdn_tracker_step(p2pcdn_tracker *tracker, int64_t *next_ms);
/* Self-driven mode: a tracker thread calls step. P2PCDN_ESTATE if already running. */
P2PCDN_API int p2pcdn_tracker_start(p2pcdn_tracker *tracker);
P2PCDN_API int p2pcdn_tracker_stop(p2pcdn_tracker *tracker);

/* ---------------------------------------------------------------------------------------------
 * The user-peer side: the source planner and the CDN piece fetcher, in parts of their own.
 */
#include "p2pcdn/planner.h"
#include "p2pcdn/fetcher.h"
/* The user-peer side: announcing to a tracker over HTTP. */
#include "p2pcdn/announcer.h"
/* The CCS side: the CDN ingest and purge client. */
#include "p2pcdn/cdn.h"
/* The CCS side: storage-control policies and their decisions. */
#include "p2pcdn/policy.h"
/* The CCS side: the Network Storage Control Function. */
#include "p2pcdn/nscf.h"
/* The tracker side: serving the tracker's protocol over any HTTP front-end. */
#include "p2pcdn/tracker_http.h"

#ifdef __cplusplus
}
#endif

#endif /* P2PCDN_H */
