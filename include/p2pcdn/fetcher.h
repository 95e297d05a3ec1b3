/*
 * p2pcdn: the CDN piece fetcher (UE side, TR 23.844 step 7). A part of p2pcdn.h: include
 * <p2pcdn/p2pcdn.h>, never this file on its own.
 *
 * A fetcher GETs pieces of one content from CDN URIs (the expanded URI of a peer list's CDN
 * source, p2pcdn_peerlist_cdn_uri_for_piece), follows the CDN's redirect to a surrogate,
 * checks each piece against the content's piece hash and says what came of it:
 *
 *   P2PCDN_FETCH_OK             the piece arrived and matches its hash
 *   P2PCDN_FETCH_HASH_MISMATCH  bytes arrived that are not the piece; they were dropped
 *   P2PCDN_FETCH_GONE           404 or 410: the fetcher remembers (uri, piece) and answers GONE
 *                               for it from then on without asking again
 *   P2PCDN_FETCH_RETRY_LATER    429, 503 (honouring Retry-After), other 5xx, 408, timeouts,
 *                               connection failures: try again later, or elsewhere
 *   P2PCDN_FETCH_FATAL          other statuses (4xx), TLS failure, redirect or address policy
 *                               violation, size limit, an answer that breaks the Range contract
 *
 * Ranged sources (the URI names the whole content object): the fetcher asks for the piece's
 * byte Range and expects 206 with a Content-Range naming exactly that range. A 200 (the server
 * ignored the Range) is accepted only when its body is exactly the whole object and fits
 * max_response_bytes (default: the piece length, so in practice only one-piece contents); the
 * piece is then cut out of it. A bigger 200 is aborted at the limit (FATAL, P2PCDN_ELIMIT)
 * without being downloaded; a 200 of another length or a mismatched 206 is FATAL
 * (P2PCDN_EPROTO).
 *
 * Two ways to drive it: p2pcdn_fetcher_get blocks until one piece is done;
 * p2pcdn_fetcher_submit queues fetches that p2pcdn_fetcher_step runs in parallel (at most
 * max_per_host per origin, max_parallel in all) and completes through a callback on the thread
 * calling step. There is no library thread. A fetcher is used from one thread at a time.
 *
 * p2pcdn_global_init() must have been called before p2pcdn_fetcher_new (it sets up libcurl).
 */
#ifndef P2PCDN_FETCHER_H
#define P2PCDN_FETCHER_H

typedef struct p2pcdn_fetcher p2pcdn_fetcher;

typedef enum p2pcdn_fetch_status {
    P2PCDN_FETCH_OK = 0,
    P2PCDN_FETCH_HASH_MISMATCH = 1,
    P2PCDN_FETCH_GONE = 2,
    P2PCDN_FETCH_RETRY_LATER = 3,
    P2PCDN_FETCH_FATAL = 4
} p2pcdn_fetch_status;

typedef struct p2pcdn_fetcher_options {
    unsigned int version;           /* P2PCDN_FETCHER_OPTIONS_VERSION */
    const char *ca_file;            /* PEM CA bundle; NULL: the system's */
    const char *ca_path;            /* directory of hashed CA certificates; NULL: the system's */
    /* Non-zero turns off certificate and host name verification: for tests only. 0 verifies. */
    int insecure_skip_verify;
    int64_t connect_timeout_ms;     /* 0: 10000 */
    int64_t timeout_ms;             /* whole transfer, redirects included; 0: 300000 */
    /* A transfer slower than low_speed_bytes_per_s for low_speed_time_s seconds is aborted
     * (RETRY_LATER, P2PCDN_ETIMEOUT). 0: 1 byte/s and 30 s, so a stalled transfer ends. */
    uint32_t low_speed_bytes_per_s;
    uint32_t low_speed_time_s;
    /* Redirect hops followed (http and https only; credentials and Authorization never go to
     * another host). 0: 5; negative: none (a 3xx is then FATAL). */
    int32_t max_redirects;
    /* The largest body accepted; longer ones are aborted (FATAL, P2PCDN_ELIMIT). 0: the piece
     * length. */
    uint64_t max_response_bytes;
    uint32_t max_per_host;          /* fetches at once to one origin; 0: 4 */
    uint32_t max_parallel;          /* fetches at once in all; 0: 16 */
    /* Non-zero refuses to connect to loopback, private, link-local, unspecified and other
     * non-global addresses, checked on the address actually connected to (after DNS and after
     * every redirect). Off by default for lab and test CDNs on loopback; turn it on when URIs
     * come from trackers you do not control. */
    int refuse_private_addresses;
    const char *user_agent;         /* NULL: "p2pcdn/<version>" */
} p2pcdn_fetcher_options;

#define P2PCDN_FETCHER_OPTIONS_VERSION 1
#define P2PCDN_FETCHER_OPTIONS_INIT \
    {P2PCDN_FETCHER_OPTIONS_VERSION, NULL, NULL, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, NULL}
P2PCDN_API int p2pcdn_fetcher_options_init(p2pcdn_fetcher_options *opts, unsigned int version);

/* What one fetch came to. An output struct: set `version` (p2pcdn_fetch_result_init or
 * P2PCDN_FETCH_RESULT_INIT) and the library fills the fields that version has; a callback
 * receives one of the library's own version. The strings are borrowed: valid until the next
 * call on the fetcher (p2pcdn_fetcher_get) or until the callback returns. */
typedef struct p2pcdn_fetch_result {
    unsigned int version;     /* P2PCDN_FETCH_RESULT_VERSION */
    size_t piece;
    int status;               /* p2pcdn_fetch_status */
    /* P2PCDN_OK for OK; P2PCDN_EHASH for HASH_MISMATCH; P2PCDN_ENOTFOUND for GONE; otherwise
     * the cause: P2PCDN_EHTTP (see http_status), ENETWORK, ETIMEOUT, ETLS, EPROTO, ELIMIT. */
    int error;
    int http_status;          /* of the final answer; 0 when none arrived */
    int64_t retry_after_ms;   /* RETRY_LATER: the server's Retry-After in ms; -1 when none */
    uint32_t redirects;       /* redirect hops followed */
    uint64_t bytes;           /* body bytes received in the final answer */
    /* The URL of the final answer (after redirects). It may hold credentials or tokens that
     * were in the URI or the redirect: do not log it as it is. "" when none. */
    const char *final_url;
    /* One line saying what happened; URLs in it carry no userinfo or query. "" for OK. */
    const char *message;
} p2pcdn_fetch_result;

#define P2PCDN_FETCH_RESULT_VERSION 1
#define P2PCDN_FETCH_RESULT_INIT {P2PCDN_FETCH_RESULT_VERSION, 0, 0, 0, 0, 0, 0, 0, NULL, NULL}
P2PCDN_API int p2pcdn_fetch_result_init(p2pcdn_fetch_result *result, unsigned int version);

/* A fetch's completion, on the thread calling p2pcdn_fetcher_step. `data` holds the piece
 * (result->status OK) or is NULL with len 0; it and `result` are borrowed for the call. The
 * callback may call p2pcdn_fetcher_submit and p2pcdn_fetcher_cancel on this fetcher, not
 * p2pcdn_fetcher_step or p2pcdn_fetcher_get (P2PCDN_ESTATE); p2pcdn_fetcher_free from a
 * callback is deferred until step returns. */
typedef void(P2PCDN_CALLBACK *p2pcdn_fetch_cb)(p2pcdn_fetcher *fetcher, uint64_t id,
                                               const p2pcdn_fetch_result *result,
                                               const void *data, size_t len, void *payload);

/* A fetcher for `content`, whose layout and piece hashes are copied (P2PCDN_ESTATE when it
 * has no hashes). opts may be NULL. */
P2PCDN_API int p2pcdn_fetcher_new(p2pcdn_fetcher **out, const p2pcdn_content *content,
                                  const p2pcdn_fetcher_options *opts);
/* Cancels every fetch in flight (their callbacks never run) and releases the fetcher. */
P2PCDN_API void p2pcdn_fetcher_free(p2pcdn_fetcher *fetcher);

/* Fetches `piece` from `uri` (ranged non-zero: uri is the whole object, the piece a byte
 * Range of it) and waits. The piece goes to buf; *size receives the piece length. With buf
 * NULL nothing is fetched (a size query); with cap below the piece length, P2PCDN_EBUFS before
 * anything is fetched. Returns P2PCDN_OK whenever a fetch was made, whatever came of it:
 * `result` (required) says, and buf holds the piece only when result->status is
 * P2PCDN_FETCH_OK. Call errors: P2PCDN_ERANGE for a piece past the last, P2PCDN_EINVAL for a
 * malformed URI, P2PCDN_EPROTO for a scheme other than http or https. Fetches submitted
 * earlier make progress and complete meanwhile. */
P2PCDN_API int p2pcdn_fetcher_get(p2pcdn_fetcher *fetcher, size_t piece, const char *uri,
                                  int ranged, void *buf, size_t cap, size_t *size,
                                  p2pcdn_fetch_result *result);

/* Queues a fetch; `callback` (required) runs once from p2pcdn_fetcher_step, unless the fetch
 * is cancelled or the fetcher freed first. *id (may be NULL) receives its id, never 0. A
 * (uri, piece) already GONE completes at the next step without a request. Same call errors as
 * p2pcdn_fetcher_get; a failed submit never calls the callback. */
P2PCDN_API int p2pcdn_fetcher_submit(p2pcdn_fetcher *fetcher, size_t piece, const char *uri,
                                     int ranged, p2pcdn_fetch_cb callback, void *payload,
                                     uint64_t *id);
/* Runs fetches for up to timeout_ms (0: only what is ready; at once when nothing is queued)
 * and calls the callbacks of those that finished. *running (may be NULL) receives the fetches
 * still pending. */
P2PCDN_API int p2pcdn_fetcher_step(p2pcdn_fetcher *fetcher, int timeout_ms, size_t *running);
/* Drops a pending fetch; its callback will not run. P2PCDN_ENOTFOUND when the id is unknown or
 * already completed. */
P2PCDN_API int p2pcdn_fetcher_cancel(p2pcdn_fetcher *fetcher, uint64_t id);

#endif /* P2PCDN_FETCHER_H */
