/*
 * p2pcdn: announcing to a tracker over HTTP (UE side, TR 23.844 steps 1 and 6). A part of
 * p2pcdn.h: include <p2pcdn/p2pcdn.h>, never this file on its own.
 *
 * A UE joins a swarm, reports what it holds and gets its peer list (peers and CDN sources) by
 * announcing to the tracker. With a `p2pcdn tracker` daemon (docs/protocol.md, "Tracker HTTP
 * API") that is POST {tracker_url}/announce with the JSON announce request, answered with the
 * JSON peer list. Two ways to do it without writing JSON or HTTP:
 *
 *   p2pcdn_announcer_announce    the library sends the request and reads the answer;
 *   p2pcdn_announce_to_json      the request body, for a host that sends it with its own HTTP
 *                                stack and reads the answer with p2pcdn_peerlist_from_json.
 *
 * The announce itself is the p2pcdn_announce the in-process tracker takes (p2pcdn.h). Here
 * `address` may be NULL: the request then carries no "ip" and the tracker takes the address
 * the request came from. `piece_count` 0 with a `bitmap` means the bitmap's size.
 *
 * p2pcdn_global_init() must have been called before p2pcdn_announcer_new (it sets up libcurl).
 */
#ifndef P2PCDN_ANNOUNCER_H
#define P2PCDN_ANNOUNCER_H

/* The JSON announce request (docs/protocol.md, "Announce request (JSON)") for `announce`, as a
 * NUL-terminated string (the NUL not counted in *len) to release with p2pcdn_free. The tracker
 * decodes it to the same announce. P2PCDN_EINVAL with the reason for an announce the tracker
 * would refuse to read (an invalid content id, a peer id of 0 or more than P2PCDN_PEER_ID_MAX
 * bytes, a bitmap whose size is not piece_count, a bitmap together with have/donthave, a piece
 * index not below piece_count, a piece listed twice, an enum value out of range);
 * P2PCDN_EPARSE for an address that is not an IP address. On failure *out is NULL and *len 0. */
P2PCDN_API int p2pcdn_announce_to_json(const p2pcdn_announce* announce, char** out, size_t* len);

typedef struct p2pcdn_announcer p2pcdn_announcer;

typedef struct p2pcdn_announcer_options {
    unsigned int version; /* P2PCDN_ANNOUNCER_OPTIONS_VERSION */
    /* The tracker daemon's base URL, http or https, without query or fragment
     * ("http://tracker.example:6969"); the announce goes to {tracker_url}/announce. Required. */
    const char* tracker_url;
    /* The HTTP settings, as p2pcdn_fetcher_options has them; zero means the default. */
    const char* ca_file;            /* PEM CA bundle; NULL: the system's */
    const char* ca_path;            /* directory of hashed CA certificates; NULL: the system's */
    int insecure_skip_verify;       /* non-zero: no certificate checks, for tests only */
    int64_t connect_timeout_ms;     /* 0: 10000 */
    int64_t timeout_ms;             /* the whole announce; 0: 30000 */
    uint32_t low_speed_bytes_per_s; /* 0: 1 byte/s ... */
    uint32_t low_speed_time_s;      /* ... for 30 s, so a stalled answer ends */
    /* The largest answer read; a longer one is aborted (P2PCDN_ELIMIT). 0: 16 MiB, the peer
     * list decoder's own bound. */
    uint64_t max_response_bytes;
    int refuse_private_addresses; /* non-zero: refuse loopback, private, ... addresses */
    const char* user_agent;       /* NULL: "p2pcdn/<version>" */
} p2pcdn_announcer_options;

#define P2PCDN_ANNOUNCER_OPTIONS_VERSION 1
#define P2PCDN_ANNOUNCER_OPTIONS_INIT \
    { P2PCDN_ANNOUNCER_OPTIONS_VERSION, NULL, NULL, NULL, 0, 0, 0, 0, 0, 0, 0, NULL }
P2PCDN_API int p2pcdn_announcer_options_init(p2pcdn_announcer_options* opts, unsigned int version);

/* An announcer for one tracker; the options are copied. P2PCDN_EINVAL for a missing or
 * malformed tracker_url (or one with a query or fragment), P2PCDN_EPROTO for a scheme other
 * than http or https, P2PCDN_ESTATE without p2pcdn_global_init. */
P2PCDN_API int p2pcdn_announcer_new(p2pcdn_announcer** out, const p2pcdn_announcer_options* opts);
P2PCDN_API void p2pcdn_announcer_free(p2pcdn_announcer* announcer);

/* Sends `announce` and waits for the answer; *out receives the peer list (release it with
 * p2pcdn_peerlist_free). Redirects are not followed. p2pcdn_last_error() says why a call
 * failed; URLs in it carry no userinfo, query or fragment.
 *   - the announce is not valid: as p2pcdn_announce_to_json, before anything is sent;
 *   - the tracker refused it with its error answer: the tracker's own code when it is one of
 *     P2PCDN_EINVAL, ERANGE, EPARSE, ENOTFOUND, EEXISTS, ESTATE or ELIMIT (an unknown content
 *     on a tracker that does not create swarms is P2PCDN_ENOTFOUND), with its message;
 *   - any other failure status (5xx, 3xx, a 4xx without the tracker's error answer):
 *     P2PCDN_EHTTP;
 *   - no answer: P2PCDN_ENETWORK, ETIMEOUT or ETLS, or P2PCDN_EPROTO for an address that
 *     refuse_private_addresses refuses; an answer above max_response_bytes: P2PCDN_ELIMIT;
 *   - a 2xx answer that is not a peer list for this content: P2PCDN_EPROTO.
 * A failed call writes nothing to *out. One thread at a time per announcer. */
P2PCDN_API int p2pcdn_announcer_announce(p2pcdn_announcer* announcer,
                                         const p2pcdn_announce* announce, p2pcdn_peerlist** out);

#endif /* P2PCDN_ANNOUNCER_H */
