/*
 * p2pcdn: the CDN ingest and purge client (TR 23.844 steps 4 and 11). A part of p2pcdn.h:
 * include <p2pcdn/p2pcdn.h>, never this file on its own.
 *
 * A p2pcdn_cdn puts pieces into a CDN and takes them out again. Each call queues a job: an
 * ingest or a purge of a batch of pieces of one content. An ingest gets each piece's bytes
 * (given by the caller, or fetched from the Content Source Server and checked against the
 * content's piece hashes) and runs them through the ingest chain of drivers; a purge runs the
 * purge chain. A piece goes on to the next driver of a chain only once the previous one
 * succeeded for it. The drivers:
 *
 *   P2PCDN_CDN_DRIVER_ORIGIN  origin push: PUT of each piece object (Cache-Control max-age =
 *                             the job's TTL, Content-Digest), DELETE to remove. nginx WebDAV,
 *                             S3 and S3-compatible stores, any HTTP origin taking PUT.
 *   P2PCDN_CDN_DRIVER_EDGE    <method> (default PURGE) of the piece's delivery URL on every
 *                             edge (Varnish, ATS, Fastly-style purge); 200 and 404 succeed.
 *   P2PCDN_CDN_DRIVER_CIT     RFC 8007 CI/T triggers: preposition / purge / invalidate commands
 *                             to a trigger collection, status resources polled to the end.
 *
 * Every request is signed by its driver's signer and retried on 408, 429, 500, 502, 503, 504,
 * connection failures and timeouts, with exponential backoff and full jitter (Retry-After is
 * a floor), within a per-request attempt limit and a per-job retry budget.
 *
 * Jobs move through RFC 8007's states (P2PCDN_JOB_*) and keep a result per piece until
 * p2pcdn_cdn_forget. There is no library thread: p2pcdn_cdn_step runs the transfers and the
 * state machines and calls job callbacks on the calling thread; p2pcdn_cdn_wait is the
 * blocking form. A p2pcdn_cdn is used from one thread at a time.
 *
 * p2pcdn_global_init() must have been called before p2pcdn_cdn_new (it sets up libcurl).
 */
#ifndef P2PCDN_CDN_H
#define P2PCDN_CDN_H

typedef struct p2pcdn_cdn p2pcdn_cdn;

typedef enum p2pcdn_cdn_driver {
    P2PCDN_CDN_DRIVER_ORIGIN = 0,
    P2PCDN_CDN_DRIVER_EDGE = 1,
    P2PCDN_CDN_DRIVER_CIT = 2
} p2pcdn_cdn_driver;

/* The most drivers a chain may name (each at most once). */
#define P2PCDN_CDN_CHAIN_MAX 3
/* The most pieces one job may name. */
#define P2PCDN_CDN_JOB_MAX_PIECES 262144u
/* The most edges and CI/T cdn-path entries the options may give. */
#define P2PCDN_CDN_EDGES_MAX 1024u
#define P2PCDN_CDN_PATH_MAX 64u

typedef enum p2pcdn_job_kind { P2PCDN_JOB_INGEST = 0, P2PCDN_JOB_PURGE = 1 } p2pcdn_job_kind;

/* RFC 8007's trigger states. COMPLETE, PROCESSED, FAILED and CANCELLED are terminal. */
typedef enum p2pcdn_job_state {
    P2PCDN_JOB_PENDING = 0,    /* accepted, nothing sent yet */
    P2PCDN_JOB_ACTIVE = 1,     /* requests in flight, waiting for a retry, or polling */
    P2PCDN_JOB_COMPLETE = 2,   /* every piece done and confirmed */
    P2PCDN_JOB_PROCESSED = 3,  /* every piece accepted, completion not confirmable */
    P2PCDN_JOB_FAILED = 4,     /* at least one piece failed for good */
    P2PCDN_JOB_CANCELLING = 5, /* cancel asked; waiting for what is in flight */
    P2PCDN_JOB_CANCELLED = 6
} p2pcdn_job_state;

typedef enum p2pcdn_item_state {
    P2PCDN_ITEM_PENDING = 0,
    P2PCDN_ITEM_ACTIVE = 1,
    P2PCDN_ITEM_DONE = 2,
    P2PCDN_ITEM_FAILED = 3,
    P2PCDN_ITEM_CANCELLED = 4
} p2pcdn_item_state;

/* How a driver's (or the CSS's) requests are authenticated. */
typedef enum p2pcdn_signer_kind {
    P2PCDN_SIGNER_NONE = 0,     /* unsigned */
    P2PCDN_SIGNER_BEARER = 1,   /* "Authorization: Bearer <token>" */
    P2PCDN_SIGNER_HEADER = 2,   /* one static header, e.g. "Fastly-Key: <key>" */
    P2PCDN_SIGNER_AWS_SIGV4 = 3 /* AWS Signature Version 4, header form (S3, CloudFront) */
} p2pcdn_signer_kind;

/* A signer's settings; only the fields of its kind are read. Secrets are copied by the call
 * that takes the options and never appear in p2pcdn_last_error() or a result's message. */
typedef struct p2pcdn_signer_options {
    unsigned int version;          /* P2PCDN_SIGNER_OPTIONS_VERSION */
    int kind;                      /* p2pcdn_signer_kind */
    const char *token;             /* BEARER */
    const char *header_name;       /* HEADER: an RFC 9110 token */
    const char *header_value;      /* HEADER: no CR, LF */
    const char *access_key_id;     /* AWS_SIGV4 */
    const char *secret_access_key; /* AWS_SIGV4 */
    const char *session_token;     /* AWS_SIGV4; NULL: none, else sent as X-Amz-Security-Token */
    const char *region;            /* AWS_SIGV4, e.g. "us-east-1" */
    const char *service;           /* AWS_SIGV4; NULL: "s3" */
    /* AWS_SIGV4: S3's rules (path encoded once, not normalised; x-amz-content-sha256 sent).
     * 0: when the service is "s3"; > 0: always; < 0: never. */
    int s3_rules;
    /* AWS_SIGV4 with S3 rules: non-zero sends "UNSIGNED-PAYLOAD" instead of the body's hash. */
    int unsigned_payload;
} p2pcdn_signer_options;

#define P2PCDN_SIGNER_OPTIONS_VERSION 1
#define P2PCDN_SIGNER_OPTIONS_INIT \
    {P2PCDN_SIGNER_OPTIONS_VERSION, 0, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, 0, 0}
P2PCDN_API int p2pcdn_signer_options_init(p2pcdn_signer_options *opts, unsigned int version);

typedef struct p2pcdn_cdn_options {
    unsigned int version;           /* P2PCDN_CDN_OPTIONS_VERSION */

    /* HTTP, as in p2pcdn_fetcher_options. */
    const char *ca_file;            /* PEM CA bundle; NULL: the system's */
    const char *ca_path;            /* directory of hashed CA certificates; NULL: the system's */
    int insecure_skip_verify;       /* non-zero: no certificate checks, for tests only */
    int64_t connect_timeout_ms;     /* 0: 10000 */
    int64_t timeout_ms;             /* one request, redirects included; 0: 60000 */
    uint32_t low_speed_bytes_per_s; /* 0: 1 byte/s ... */
    uint32_t low_speed_time_s;      /* ... for 0: 30 s, so a stalled request ends */
    int32_t max_redirects;          /* 0: 5; negative: none */
    uint32_t max_per_host;          /* requests at once to one host; 0: 8 */
    uint32_t max_parallel;          /* requests at once in all; 0: 32 */
    int refuse_private_addresses;   /* non-zero: no loopback, private, link-local addresses */
    const char *user_agent;         /* NULL: "p2pcdn/<version>" */

    /* Required: the URI the UEs GET a piece from, a template with {piece} and optional
     * {content}. An ingest hands it back per piece; edge purges and CI/T act on it. */
    const char *delivery_template;

    /* The drivers an ingest and a purge run, in order (P2PCDN_CDN_DRIVER_*, each at most once,
     * at most P2PCDN_CDN_CHAIN_MAX); each must be configured below. NULL with length 0: the
     * origin alone when one is configured, else none. A non-NULL array of length 0: none. A
     * kind without a chain makes its calls fail with P2PCDN_ESTATE. */
    const int *ingest_chain;
    size_t ingest_chain_len;
    const int *purge_chain;
    size_t purge_chain_len;

    /* Origin push; configured when origin_ingest_template is set. */
    const char *origin_ingest_template; /* the object's URL: a template with {piece} */
    const char *origin_content_type;    /* NULL: "application/octet-stream" */
    int origin_send_expires;            /* non-zero: an Expires header next to Cache-Control */
    const p2pcdn_signer_options *origin_signer; /* NULL: unsigned */

    /* Edge purge; configured when edge_count > 0. */
    const char *const *edges;       /* base URLs, e.g. "http://127.0.0.1:6081"; see _EDGES_MAX */
    size_t edge_count;
    const char *edge_method;        /* NULL: "PURGE" */
    const p2pcdn_signer_options *edge_signer;

    /* RFC 8007 CI/T; configured when cit_collection_url is set. */
    const char *cit_collection_url;
    /* CDN PIDs, the uCDN's first (at most P2PCDN_CDN_PATH_MAX); 0 of them: {"AS64496:1"} */
    const char *const *cit_cdn_path;
    size_t cit_cdn_path_len;
    const char *cit_ingest_type;    /* the trigger type an ingest sends; NULL: "preposition" */
    const char *cit_purge_type;     /* "purge" or "invalidate"; NULL: "purge" */
    int64_t cit_poll_interval_ms;   /* 0: 1000, unless the status resource's max-age says more */
    int64_t cit_max_poll_ms;        /* give up polling (ETIMEOUT) after; 0: 600000 */
    size_t cit_max_urls_per_trigger; /* bigger jobs send several triggers; 0: 1000 */
    const p2pcdn_signer_options *cit_signer;

    /* Retries. */
    uint32_t retry_max_attempts;    /* per request, the first included; 0: 5 */
    uint32_t retry_job_budget;      /* retries one job may spend in all; 0: 4 per piece */
    int64_t retry_base_delay_ms;    /* backoff uniform(0, min(max, base * 2^n)); 0: 200 */
    int64_t retry_max_delay_ms;     /* 0: 30000 */
    uint64_t retry_seed;            /* jitter; 0: random */

    /* Non-zero: origin PUTs carry no Content-Digest (RFC 9530 sha-256), for origins that do
     * not check it; it saves hashing every piece once more (SigV4 with a signed payload
     * hashes it anyway). 0 sends it. */
    int origin_omit_digest;
} p2pcdn_cdn_options;

#define P2PCDN_CDN_OPTIONS_VERSION 1
#define P2PCDN_CDN_OPTIONS_INIT                                                                  \
    {P2PCDN_CDN_OPTIONS_VERSION, NULL, NULL, 0, 0, 0, 0, 0, 0, 0, 0, 0, NULL, NULL, NULL, 0,    \
     NULL, 0, NULL, NULL, 0, NULL, NULL, 0, NULL, NULL, NULL, NULL, 0, NULL, NULL, 0, 0, 0, NULL, \
     0, 0, 0, 0, 0, 0}
P2PCDN_API int p2pcdn_cdn_options_init(p2pcdn_cdn_options *opts, unsigned int version);

/* Where p2pcdn_cdn_ingest_from_css gets the pieces: exactly one of object_url (the whole
 * content object; piece i is its byte Range from the content layout) and piece_template (one
 * URL per piece, a template with {piece} and optional {content}). */
typedef struct p2pcdn_css_options {
    unsigned int version;           /* P2PCDN_CSS_OPTIONS_VERSION */
    const char *object_url;
    const char *piece_template;
    const p2pcdn_signer_options *signer; /* NULL: unsigned */
} p2pcdn_css_options;

#define P2PCDN_CSS_OPTIONS_VERSION 1
#define P2PCDN_CSS_OPTIONS_INIT {P2PCDN_CSS_OPTIONS_VERSION, NULL, NULL, NULL}
P2PCDN_API int p2pcdn_css_options_init(p2pcdn_css_options *opts, unsigned int version);

/* A job's summary. An output struct: set `version` (p2pcdn_cdn_job_info_init or
 * P2PCDN_CDN_JOB_INFO_INIT); the library fills the fields that version has. content_id is
 * borrowed: valid until the next call on the p2pcdn_cdn other than the job and item getters. */
typedef struct p2pcdn_cdn_job_info {
    unsigned int version;     /* P2PCDN_CDN_JOB_INFO_VERSION */
    int kind;                 /* p2pcdn_job_kind */
    int state;                /* p2pcdn_job_state */
    const char *content_id;
    int64_t ttl_s;            /* ingest: the TTL sent with the objects; purge: 0 */
    size_t items;             /* pieces in the job */
    size_t done;              /* items by state */
    size_t failed;
    size_t cancelled;
    size_t uncertain;         /* failed or cancelled ingests that may have reached the CDN */
    uint32_t retries;         /* retries spent of the job's budget */
    int64_t created_ms;       /* steady clock */
    int64_t finished_ms;      /* 0 until terminal */
} p2pcdn_cdn_job_info;

#define P2PCDN_CDN_JOB_INFO_VERSION 1
#define P2PCDN_CDN_JOB_INFO_INIT \
    {P2PCDN_CDN_JOB_INFO_VERSION, 0, 0, NULL, 0, 0, 0, 0, 0, 0, 0, 0, 0}
P2PCDN_API int p2pcdn_cdn_job_info_init(p2pcdn_cdn_job_info *info, unsigned int version);

/* One piece of a job. An output struct like p2pcdn_cdn_job_info, with borrowed strings. */
typedef struct p2pcdn_cdn_item_result {
    unsigned int version;     /* P2PCDN_CDN_ITEM_RESULT_VERSION */
    size_t piece;
    int state;                /* p2pcdn_item_state */
    /* The piece's delivery URI: for an ingest what a CCS may publish once the item is DONE,
     * for a purge what was removed. */
    const char *uri;
    int http_status;          /* the answer that decided the item; 0 when none arrived */
    /* P2PCDN_OK unless FAILED or CANCELLED: then P2PCDN_EHTTP (see http_status), ENOTFOUND,
     * EHASH (the CSS sent wrong bytes), ENETWORK, ETIMEOUT, ETLS, EPROTO, ELIMIT, ECANCELLED. */
    int error;
    const char *message;      /* one line, free of credentials; "" when done */
    const char *driver;       /* "css", "origin", "edge" or "cit" when it failed; else "" */
    uint32_t attempts;        /* requests sent for this item, retries included */
    /* Non-zero for a failed or cancelled ingest whose upload may have reached the CDN (a PUT
     * without an answer): purge it or check it. */
    int uncertain;
} p2pcdn_cdn_item_result;

#define P2PCDN_CDN_ITEM_RESULT_VERSION 1
#define P2PCDN_CDN_ITEM_RESULT_INIT \
    {P2PCDN_CDN_ITEM_RESULT_VERSION, 0, 0, NULL, 0, 0, NULL, NULL, 0, 0}
P2PCDN_API int p2pcdn_cdn_item_result_init(p2pcdn_cdn_item_result *result, unsigned int version);

/* Per driver ("css", "origin", "edge", "cit"). An output struct (set `version`). */
typedef struct p2pcdn_cdn_driver_metrics {
    unsigned int version;     /* P2PCDN_CDN_DRIVER_METRICS_VERSION */
    uint64_t requests;        /* requests sent, retries included */
    uint64_t bytes_sent;      /* request bodies */
    uint64_t bytes_received;  /* response bodies */
    uint64_t retries;
    uint64_t failures;        /* requests that failed for good */
} p2pcdn_cdn_driver_metrics;

#define P2PCDN_CDN_DRIVER_METRICS_VERSION 1
#define P2PCDN_CDN_DRIVER_METRICS_INIT {P2PCDN_CDN_DRIVER_METRICS_VERSION, 0, 0, 0, 0, 0}
P2PCDN_API int p2pcdn_cdn_driver_metrics_init(p2pcdn_cdn_driver_metrics *metrics,
                                              unsigned int version);

/* A job reached a terminal state (`state`). Runs on the thread calling p2pcdn_cdn_step or
 * p2pcdn_cdn_wait. It may read the job (p2pcdn_cdn_job_state, _job_status, _job_item_at; its
 * own job stays readable during the call even when it forgets it), queue, cancel and forget
 * jobs; step and wait from a callback give P2PCDN_ESTATE; p2pcdn_cdn_free from a callback is
 * deferred until step or wait returns, and the callbacks still due then are skipped. */
typedef void(P2PCDN_CALLBACK *p2pcdn_cdn_job_cb)(p2pcdn_cdn *cdn, uint64_t job, int state,
                                                 void *payload);

/* A client with these options (required: the delivery template at least). P2PCDN_EINVAL for
 * a bad setting: a chain naming a driver that is not configured or the same driver twice, a
 * malformed template or URL, a signer with missing fields. */
P2PCDN_API int p2pcdn_cdn_new(p2pcdn_cdn **out, const p2pcdn_cdn_options *opts);
/* Drops every job (transfers in flight are abandoned; no callback runs) and releases the
 * client. NULL-safe. */
P2PCDN_API void p2pcdn_cdn_free(p2pcdn_cdn *cdn);

/* Queues an ingest of `count` pieces of `content_id` whose bytes the caller gives: bytes[i]
 * (lens[i] bytes) is piece pieces[i]; everything is copied before the call returns. The
 * objects carry `ttl_s` (> 0) as their max-age. `callback` (may be NULL) runs once when the job
 * is terminal; *job (may be NULL) receives its id, never 0. P2PCDN_EINVAL for no pieces, a
 * duplicated piece, ttl_s <= 0, a bad content id; P2PCDN_ESTATE without an ingest chain. */
P2PCDN_API int p2pcdn_cdn_ingest(p2pcdn_cdn *cdn, const char *content_id, const size_t *pieces,
                                 size_t count, const void *const *bytes, const size_t *lens,
                                 int64_t ttl_s, p2pcdn_cdn_job_cb callback, void *payload,
                                 uint64_t *job);
/* Queues an ingest whose pieces come from the CSS: each is fetched as `css` says, checked
 * against `content`'s piece hash (P2PCDN_ESTATE when it has none), then uploaded. The layout,
 * hashes and options are copied. P2PCDN_ERANGE for a piece past the content's last. */
P2PCDN_API int p2pcdn_cdn_ingest_from_css(p2pcdn_cdn *cdn, const p2pcdn_content *content,
                                          const size_t *pieces, size_t count,
                                          const p2pcdn_css_options *css, int64_t ttl_s,
                                          p2pcdn_cdn_job_cb callback, void *payload,
                                          uint64_t *job);
/* Queues a purge of `count` pieces through the purge chain. Same rules as p2pcdn_cdn_ingest. */
P2PCDN_API int p2pcdn_cdn_purge(p2pcdn_cdn *cdn, const char *content_id, const size_t *pieces,
                                size_t count, p2pcdn_cdn_job_cb callback, void *payload,
                                uint64_t *job);

/* Runs transfers and timers for up to timeout_ms (0: only what is ready) and calls the
 * callbacks of the jobs that became terminal. *active (may be NULL) receives the jobs not yet
 * terminal. */
P2PCDN_API int p2pcdn_cdn_step(p2pcdn_cdn *cdn, int timeout_ms, size_t *active);
/* Steps until `job` is terminal (other jobs progress too and their callbacks run); *state (may
 * be NULL) receives its final state. P2PCDN_ENOTFOUND for an unknown id; P2PCDN_ECANCELLED
 * when a callback freed the client before the job ended. */
P2PCDN_API int p2pcdn_cdn_wait(p2pcdn_cdn *cdn, uint64_t job, int *state);
/* Asks a job to stop: nothing new is sent, transfers in flight are dropped (an ingest whose
 * PUT was in flight becomes uncertain), CI/T triggers get a cancel command. The job ends
 * CANCELLED through step or wait, with its callback. P2PCDN_ENOTFOUND when the id is unknown
 * or the job already terminal. */
P2PCDN_API int p2pcdn_cdn_cancel(p2pcdn_cdn *cdn, uint64_t job);
/* Forgets a terminal job and its results. P2PCDN_ENOTFOUND for an unknown id, P2PCDN_ESTATE
 * for a job not yet terminal. */
P2PCDN_API int p2pcdn_cdn_forget(p2pcdn_cdn *cdn, uint64_t job);

/* A job's state (p2pcdn_job_state), its summary, and its items in submission order. Jobs stay
 * readable until p2pcdn_cdn_forget; P2PCDN_ENOTFOUND for an unknown id. The strings of `info`
 * and `result` are valid until the next call on the client other than these getters. */
P2PCDN_API int p2pcdn_cdn_job_state(const p2pcdn_cdn *cdn, uint64_t job, int *state);
P2PCDN_API int p2pcdn_cdn_job_status(const p2pcdn_cdn *cdn, uint64_t job,
                                     p2pcdn_cdn_job_info *info);
P2PCDN_API int p2pcdn_cdn_job_item_count(const p2pcdn_cdn *cdn, uint64_t job, size_t *count);
P2PCDN_API int p2pcdn_cdn_job_item_at(const p2pcdn_cdn *cdn, uint64_t job, size_t i,
                                      p2pcdn_cdn_item_result *result);

/* The counters of one driver ("css", "origin", "edge" or "cit"; zeros for one not configured);
 * P2PCDN_EINVAL for another name. */
P2PCDN_API int p2pcdn_cdn_metrics(const p2pcdn_cdn *cdn, const char *driver,
                                  p2pcdn_cdn_driver_metrics *metrics);
/* The delivery URI of a piece (the delivery template expanded), into buf (output-buffer rule). */
P2PCDN_API int p2pcdn_cdn_delivery_uri(const p2pcdn_cdn *cdn, const char *content_id,
                                       size_t piece, char *buf, size_t cap, size_t *size);

#endif /* P2PCDN_CDN_H */
