/*
 * p2pcdn: the Network Storage Control Function (the CCS side, TR 23.844 steps 2 to 5 and 9 to
 * 11). A part of p2pcdn.h: include <p2pcdn/p2pcdn.h>, never this file on its own.
 *
 * A p2pcdn_nscf joins one content's swarm as a network peer, runs a storage-control policy on
 * the swarm's statistics, ingests the pieces the policy picks into the CDN (through its own
 * p2pcdn_cdn-style client), publishes the confirmed uploads to the tracker as a CDN source,
 * and withdraws then purges what the policy lets go or what comes near its TTL. Every change
 * is journaled to a file before it is acted on, so that after a crash p2pcdn_nscf_recover
 * (run by p2pcdn_nscf_new unless told not to) brings the CDN, the tracker and the journal back
 * in line. Its invariants: a CDN URI is published only after its upload is confirmed; it is
 * withdrawn before its object is purged; an advertisement ends a safety margin before its
 * objects' TTL; a failed ingest leaves no advertised URI and no untracked object.
 *
 * The tracker is reached through one of three links: a p2pcdn_tracker in this process, a
 * remote `p2pcdn tracker` daemon over HTTP (docs/protocol.md), or host callbacks.
 *
 * Host-driven: p2pcdn_nscf_on_stats (or _request_stats) queues a round and p2pcdn_nscf_step
 * carries it out and drives the CDN transfers. p2pcdn_nscf_start runs step on a controller
 * thread instead.
 *
 * Threads: a p2pcdn_nscf is used from one thread at a time. While its controller thread runs
 * (between p2pcdn_nscf_start and p2pcdn_nscf_stop), only p2pcdn_nscf_on_stats,
 * p2pcdn_nscf_snapshot, p2pcdn_nscf_metrics_get, p2pcdn_nscf_running, p2pcdn_nscf_content_id,
 * p2pcdn_nscf_stop, p2pcdn_nscf_shutdown and p2pcdn_nscf_free may be called (from one host
 * thread at a time; they synchronise with the controller thread); step, recover, join,
 * request_stats and start give P2PCDN_ESTATE. The policy's callback, the link callbacks and
 * the clock and the event callback run on the thread that calls new (recovery), step,
 * recover, join, request_stats or shutdown, or on the controller thread while it runs; never
 * two at once. They must not call their own nscf.
 *
 * p2pcdn_global_init() must have been called before p2pcdn_nscf_new (it sets up libcurl).
 */
#ifndef P2PCDN_NSCF_H
#define P2PCDN_NSCF_H

typedef struct p2pcdn_nscf p2pcdn_nscf;
/* A copy of an NSCF's holdings at one moment. A value object. */
typedef struct p2pcdn_nscf_holdings p2pcdn_nscf_holdings;

/* Where a piece the NSCF holds in the CDN stands. A piece it no longer holds has no holding. */
typedef enum p2pcdn_holding_state {
    P2PCDN_HOLDING_INGESTING = 0, /* upload started, outcome unknown */
    P2PCDN_HOLDING_STORED = 1,    /* upload confirmed, not advertised */
    P2PCDN_HOLDING_PUBLISHED = 2, /* advertised to the tracker */
    P2PCDN_HOLDING_WITHDRAWN = 3, /* no longer advertised; purge due */
    P2PCDN_HOLDING_PURGING = 4    /* purge started (retried until done or the TTL passed) */
} p2pcdn_holding_state;

/* ---- The tracker link through host callbacks -----------------------------------------------
 * Each callback returns P2PCDN_OK once its change took effect at the tracker, or an error code
 * (any other value) when it did not: the NSCF counts a link failure and tries again after
 * link_retry_ms. Its arguments are borrowed for the call only. They run on the threads the
 * header comment names, one at a time. */

/* Announce the NSCF to the content's swarm as a network peer (event started). */
typedef int(P2PCDN_CALLBACK *p2pcdn_nscf_join_cb)(const char *content_id, size_t piece_count,
                                                  const void *peer_id, size_t peer_id_len,
                                                  const char *address, uint16_t port,
                                                  void *payload);
/* Statistics of the content now: on P2PCDN_OK, *out must be a p2pcdn_stats the library then
 * owns (it frees it); on any other code *out is ignored. */
typedef int(P2PCDN_CALLBACK *p2pcdn_nscf_fetch_stats_cb)(const char *content_id,
                                                         p2pcdn_stats **out, void *payload);
/* Add the content's CDN source, or replace the one with the same uri: the uri template, the
 * pieces it serves (a bitmap of the content's piece count), its expiry (Unix seconds) and
 * whether it is ranged; as p2pcdn_tracker_publish_cdn takes it. */
typedef int(P2PCDN_CALLBACK *p2pcdn_nscf_publish_cb)(const char *content_id,
                                                     const p2pcdn_cdn_source *source,
                                                     void *payload);
/* Remove `pieces` (NULL: all) from the source with this uri. An unknown content or uri must
 * be reported as P2PCDN_OK: it is already withdrawn. */
typedef int(P2PCDN_CALLBACK *p2pcdn_nscf_withdraw_cb)(const char *content_id, const char *uri,
                                                      const p2pcdn_bitmap *pieces,
                                                      void *payload);

/* All four callbacks are required. Copied by p2pcdn_nscf_new; payload is passed to each. */
typedef struct p2pcdn_nscf_link_callbacks {
    unsigned int version; /* P2PCDN_NSCF_LINK_CALLBACKS_VERSION */
    p2pcdn_nscf_join_cb join;
    p2pcdn_nscf_fetch_stats_cb fetch_stats;
    p2pcdn_nscf_publish_cb publish;
    p2pcdn_nscf_withdraw_cb withdraw;
    void *payload;
} p2pcdn_nscf_link_callbacks;

#define P2PCDN_NSCF_LINK_CALLBACKS_VERSION 1
#define P2PCDN_NSCF_LINK_CALLBACKS_INIT \
    {P2PCDN_NSCF_LINK_CALLBACKS_VERSION, NULL, NULL, NULL, NULL, NULL}
P2PCDN_API int p2pcdn_nscf_link_callbacks_init(p2pcdn_nscf_link_callbacks *callbacks,
                                               unsigned int version);

/* ---- Events -------------------------------------------------------------------------------
 * What the NSCF decides and does, for a host to log or display: one event per batch (a round,
 * a CDN job's outcome per kind, a tracker call), fired right after the journal record or the
 * call it reports, so the events of one nscf come in the order things happened. The callback
 * runs on the threads the header comment names, with the nscf busy: it must not call its nscf
 * and should return quickly. The events of the recovery p2pcdn_nscf_new runs are delivered
 * before it returns, and only when it succeeds. */
typedef enum p2pcdn_nscf_event_kind {
    P2PCDN_NSCF_EVENT_ROUND = 1,          /* a statistics round's decision: seq, min_copies,
                                             ingest_count, purge_count, deferred */
    P2PCDN_NSCF_EVENT_POLICY_FAILED = 2,  /* the policy refused a round: seq, error, message */
    P2PCDN_NSCF_EVENT_INGEST_STARTED = 3, /* uploads started: pieces, bytes, ttl_s, uri */
    P2PCDN_NSCF_EVENT_INGEST_CONFIRMED = 4, /* uploads confirmed: pieces, bytes, uri */
    P2PCDN_NSCF_EVENT_INGEST_FAILED = 5,  /* pieces, bytes, uncertain, error, message */
    P2PCDN_NSCF_EVENT_REUPLOAD_STARTED = 6, /* held pieces uploaded again (a new TTL): pieces,
                                               bytes, ttl_s, uri */
    P2PCDN_NSCF_EVENT_REUPLOAD_CONFIRMED = 7, /* pieces, bytes, uri */
    P2PCDN_NSCF_EVENT_REUPLOAD_FAILED = 8,    /* pieces, bytes, uncertain, error, message */
    P2PCDN_NSCF_EVENT_PUBLISHED = 9,   /* confirmed uploads to advertise: pieces, bytes, uri,
                                          expires_at_ms (the earliest advertisement end) */
    P2PCDN_NSCF_EVENT_RENEWED = 10,    /* advertisements extended: pieces, expires_at_ms */
    P2PCDN_NSCF_EVENT_TRACKER_UPDATED = 11, /* the tracker took the content's CDN source:
                                               pieces (all it advertises now; none: the source
                                               withdrawn whole), uri, expires_at_ms */
    P2PCDN_NSCF_EVENT_WITHDRAWN = 12,  /* the tracker no longer advertises these: pieces, uri */
    P2PCDN_NSCF_EVENT_PURGE_STARTED = 13, /* pieces, bytes */
    P2PCDN_NSCF_EVENT_PURGED = 14,        /* purges confirmed: pieces, bytes, uri */
    P2PCDN_NSCF_EVENT_PURGE_FAILED = 15,  /* pieces, error, message (retried) */
    P2PCDN_NSCF_EVENT_EXPIRED = 16,       /* left to their TTL: pieces, bytes */
    P2PCDN_NSCF_EVENT_LINK_FAILED = 17,   /* a tracker call failed (retried): operation,
                                             error, message */
    P2PCDN_NSCF_EVENT_RECOVERED = 18      /* recover ran: pieces (uploads of unknown outcome
                                             it settled; NULL: none), bytes, held */
} p2pcdn_nscf_event_kind;

/* One event. Every pointer is borrowed for the call only; fields an event kind does not name
 * are 0 or NULL. */
typedef struct p2pcdn_nscf_event {
    unsigned int version;        /* P2PCDN_NSCF_EVENT_VERSION: the fields this version has */
    int kind;                    /* p2pcdn_nscf_event_kind */
    const char *name;            /* the kind in lower case: "round", "ingest_started", ... */
    int64_t time_ms;             /* the nscf's clock, Unix ms */
    const p2pcdn_bitmap *pieces; /* the batch's pieces (content's piece count bits); NULL:
                                    none */
    size_t count;                /* pieces set in `pieces` */
    const char *pieces_text;     /* the same as piece ranges ("3-7,9"); "" when none */
    uint64_t bytes;              /* the pieces' bytes */
    const char *uri;             /* the delivery URI template ("{piece}" not expanded); NULL */
    uint32_t ttl_s;              /* INGEST_STARTED, REUPLOAD_STARTED */
    int64_t expires_at_ms;       /* PUBLISHED, RENEWED, TRACKER_UPDATED (Unix ms) */
    uint64_t seq;                /* ROUND, POLICY_FAILED: the statistics report's seq */
    uint32_t min_copies;         /* ROUND: the fewest UE copies of any piece */
    size_t ingest_count;         /* ROUND: the decision's ingests */
    size_t purge_count;          /* ROUND: the decision's purges */
    size_t deferred;             /* ROUND: decision items left for a later round */
    size_t held;                 /* RECOVERED: holdings in the journal */
    int uncertain;               /* INGEST_FAILED, REUPLOAD_FAILED: an upload may have landed
                                    (it is purged) */
    int error;                   /* a failure's P2PCDN_E* code; else P2PCDN_OK */
    const char *message;         /* a failure's message (one line, never a secret); NULL */
    const char *operation;       /* LINK_FAILED: "publish" or "withdraw"; NULL */
} p2pcdn_nscf_event;

#define P2PCDN_NSCF_EVENT_VERSION 1

typedef void(P2PCDN_CALLBACK *p2pcdn_nscf_event_cb)(const p2pcdn_nscf_event *event,
                                                    void *payload);

/* ---- Options ------------------------------------------------------------------------------ */
typedef struct p2pcdn_nscf_options {
    unsigned int version; /* P2PCDN_NSCF_OPTIONS_VERSION */

    /* Required: the content (its layout and piece hashes; copied). */
    const p2pcdn_content *content;
    /* Where the ingests get the pieces' bytes (copied); each piece is checked against the
     * content's hash. NULL: nowhere, for an ingest chain that needs no bytes (CI/T
     * preposition). */
    const p2pcdn_css_options *css;
    /* Required: the CDN client the NSCF makes for itself (copied). Its delivery template is
     * the URI published to the tracker. */
    const p2pcdn_cdn_options *cdn;
    /* Required: the storage-control policy. Borrowed: it must outlive the nscf (policies never
     * change, so one may serve several). A callback policy runs on the threads the header
     * comment names. */
    const p2pcdn_policy *policy;

    /* The tracker link: exactly one of these three. */
    p2pcdn_tracker *tracker;   /* in this process; borrowed: it must outlive the nscf */
    const char *tracker_url;   /* a `p2pcdn tracker` daemon's base URL; uses cdn's HTTP
                                  settings (timeouts, CA, user agent) */
    const p2pcdn_nscf_link_callbacks *link_callbacks;

    /* Required: the journal file (made when missing; locked while the nscf lives). */
    const char *journal_path;
    const char *controller_id; /* written to a new journal; content id characters; NULL:
                                  "nscf" */

    int64_t safety_margin_ms;  /* advertisements end this long before the objects' TTL, and are
                                  renewed or withdrawn this long before they end; 0: 60000;
                                  else 1000 to 2^40 */
    int64_t advertisement_ms;  /* longest one advertisement lasts (renewed before its end);
                                  0: up to the TTL less the margin; else above twice the
                                  margin */
    uint32_t default_ttl_s;    /* the TTL of an ingest the policy gives none; 0: 3600 */
    int64_t link_retry_ms;     /* wait after a tracker link failure; 0: 1000; < 0: EINVAL */
    int64_t purge_retry_ms;    /* wait between the attempts of a failed purge; 0: 1000 */

    /* Required: the NSCF as a peer of the swarm. */
    const void *peer_id;       /* 1 to P2PCDN_PEER_ID_MAX bytes */
    size_t peer_id_len;
    const char *address;       /* "192.0.2.1" or "2001:db8::1" */
    uint16_t port;

    int no_recover_on_start;   /* non-zero: p2pcdn_nscf_new does not run recover */
    p2pcdn_clock_cb clock;     /* Unix ms; NULL: the system clock. Runs where step runs. */
    void *clock_payload;

    /* Version 2. Told of every decision and action (see "Events"); NULL: nobody. */
    p2pcdn_nscf_event_cb event_cb;
    void *event_payload;
} p2pcdn_nscf_options;

/* Version 1 ends at clock_payload; a version 1 struct is still accepted. */
#define P2PCDN_NSCF_OPTIONS_VERSION 2
#define P2PCDN_NSCF_OPTIONS_INIT                                                                 \
    {P2PCDN_NSCF_OPTIONS_VERSION, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, 0, 0, 0, \
     0, 0, NULL, 0, NULL, 0, 0, NULL, NULL, NULL, NULL}
P2PCDN_API int p2pcdn_nscf_options_init(p2pcdn_nscf_options *opts, unsigned int version);

/* ---- Output structs ------------------------------------------------------------------------
 * Set `version` (the _init call or the INIT macro); the library fills the fields that version
 * has. */

/* One holding. uri is borrowed from the p2pcdn_nscf_holdings it came from. */
typedef struct p2pcdn_nscf_holding {
    unsigned int version; /* P2PCDN_NSCF_HOLDING_VERSION */
    size_t piece;
    int state;            /* p2pcdn_holding_state */
    const char *uri;      /* the delivery URI the UEs GET */
    uint64_t bytes;
    int64_t ingested_at_ms;           /* Unix ms the (last) upload started */
    int64_t object_expires_at_ms;     /* the earliest the CDN may drop the object */
    int64_t advertised_expires_at_ms; /* PUBLISHED: the advertisement's end; else 0 */
    uint32_t purge_attempts;          /* PURGING: purges started */
} p2pcdn_nscf_holding;

#define P2PCDN_NSCF_HOLDING_VERSION 1
#define P2PCDN_NSCF_HOLDING_INIT {P2PCDN_NSCF_HOLDING_VERSION, 0, 0, NULL, 0, 0, 0, 0, 0}
P2PCDN_API int p2pcdn_nscf_holding_init(p2pcdn_nscf_holding *holding, unsigned int version);

/* Counters since p2pcdn_nscf_new; pieces and bytes count confirmed changes. */
typedef struct p2pcdn_nscf_metrics {
    unsigned int version; /* P2PCDN_NSCF_METRICS_VERSION */
    uint64_t rounds;            /* statistics rounds whose decision was carried out */
    uint64_t pieces_ingested;   /* uploads confirmed */
    uint64_t bytes_ingested;
    uint64_t pieces_purged;     /* purges confirmed */
    uint64_t bytes_purged;
    uint64_t pieces_expired;    /* left to their TTL */
    uint64_t bytes_expired;
    uint64_t publishes;         /* source publications the tracker took */
    uint64_t withdrawals;       /* withdrawals the tracker took */
    uint64_t renewals;          /* advertisements extended */
    uint64_t deferred;          /* decision items left for a later round */
    uint64_t ingest_failures;   /* pieces whose upload failed */
    uint64_t purge_failures;    /* purge attempts that failed (retried) */
    uint64_t link_failures;     /* tracker link calls that failed */
    uint64_t policy_failures;   /* rounds the policy refused or failed */
    uint64_t uncertain_settled; /* unknown uploads purged by recover */
    double storage_byte_seconds; /* CDN storage over the journal's whole history */
    uint64_t reuploads;          /* held pieces uploaded again with a new TTL (renewed TTLs) */
} p2pcdn_nscf_metrics;

#define P2PCDN_NSCF_METRICS_VERSION 1
#define P2PCDN_NSCF_METRICS_INIT \
    {P2PCDN_NSCF_METRICS_VERSION, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0.0, 0}
P2PCDN_API int p2pcdn_nscf_metrics_init(p2pcdn_nscf_metrics *metrics, unsigned int version);

/* ---- Calls -------------------------------------------------------------------------------- */

/* Checks the options (P2PCDN_EINVAL naming the field: a missing required one, not exactly one
 * tracker link, a margin, TTL or retry interval out of bounds, a delivery template that does
 * not match the CDN client's), makes the CDN client, opens the journal (P2PCDN_EIO; another
 * nscf holding its lock: P2PCDN_ESTATE; a corrupt one: P2PCDN_EPARSE) and recovers. */
P2PCDN_API int p2pcdn_nscf_new(p2pcdn_nscf **out, const p2pcdn_nscf_options *opts);
/* Stops the controller thread (waiting for its step) and releases the nscf; the CDN and the
 * tracker are left as they are (p2pcdn_nscf_shutdown clears them). NULL-safe. Not from a
 * callback of this nscf. */
P2PCDN_API void p2pcdn_nscf_free(p2pcdn_nscf *nscf);

/* Announces the NSCF to the swarm as a network peer; the link's error on failure. */
P2PCDN_API int p2pcdn_nscf_join(p2pcdn_nscf *nscf);
/* Queues a round for these statistics (copied; a newer report replaces one not yet carried
 * out). P2PCDN_EINVAL for another content or piece count. */
P2PCDN_API int p2pcdn_nscf_on_stats(p2pcdn_nscf *nscf, const p2pcdn_stats *stats);
/* Fetches statistics through the link and queues them. */
P2PCDN_API int p2pcdn_nscf_request_stats(p2pcdn_nscf *nscf);
/* Carries out the queued round, drives the CDN client for up to timeout_ms (>= 0), journals
 * what finished, publishes confirmed uploads, renews or withdraws advertisements near their
 * end, purges what was withdrawn and records expiries. *running (may be NULL) receives the CDN
 * jobs still running. Tracker link and CDN failures are counted (p2pcdn_nscf_metrics) and
 * retried by later steps; a journal failure gives P2PCDN_EIO, after which every call but free
 * fails (make a new nscf to recover). */
P2PCDN_API int p2pcdn_nscf_step(p2pcdn_nscf *nscf, int timeout_ms, size_t *running);
/* Settles what a crash left: unknown uploads purged, the journal's published set sent to the
 * tracker again, due purges started. Idempotent. */
P2PCDN_API int p2pcdn_nscf_recover(p2pcdn_nscf *nscf);
/* Runs step on a controller thread, at most interval_ms (1 to 60000; 0: 100) between steps.
 * P2PCDN_ESTATE when it already runs. */
P2PCDN_API int p2pcdn_nscf_start(p2pcdn_nscf *nscf, int interval_ms);
/* Stops the controller thread, waiting for its step; the first error the thread met, if any,
 * is returned here. P2PCDN_OK when it was not running. */
P2PCDN_API int p2pcdn_nscf_stop(p2pcdn_nscf *nscf);
/* 1 while the controller thread runs, 0 when not, or an error code. */
P2PCDN_API int p2pcdn_nscf_running(const p2pcdn_nscf *nscf);
/* Stops the thread; with purge_all, withdraws everything from the tracker, then purges every
 * object of the content (in-flight ingests cancelled and purged too), driving the CDN for up
 * to timeout_ms (>= 0). *clean (may be NULL) receives 1 when nothing is left held. */
P2PCDN_API int p2pcdn_nscf_shutdown(p2pcdn_nscf *nscf, int purge_all, int timeout_ms,
                                    int *clean);

/* The content id (borrowed: valid while the nscf lives); NULL for a bad handle. */
P2PCDN_API const char *p2pcdn_nscf_content_id(const p2pcdn_nscf *nscf);
P2PCDN_API int p2pcdn_nscf_metrics_get(const p2pcdn_nscf *nscf, p2pcdn_nscf_metrics *metrics);

/* A copy of the holdings as journaled now, in piece order. */
P2PCDN_API int p2pcdn_nscf_snapshot(const p2pcdn_nscf *nscf, p2pcdn_nscf_holdings **out);
P2PCDN_API void p2pcdn_nscf_holdings_free(p2pcdn_nscf_holdings *holdings);
P2PCDN_API int p2pcdn_nscf_holdings_count(const p2pcdn_nscf_holdings *holdings, size_t *count);
/* Holding i (P2PCDN_ERANGE past the end). */
P2PCDN_API int p2pcdn_nscf_holdings_at(const p2pcdn_nscf_holdings *holdings, size_t i,
                                       p2pcdn_nscf_holding *out);
/* The number of holdings in `state` (a p2pcdn_holding_state; else P2PCDN_EINVAL). */
P2PCDN_API int p2pcdn_nscf_holdings_count_in(const p2pcdn_nscf_holdings *holdings, int state,
                                             size_t *count);

#endif /* P2PCDN_NSCF_H */
