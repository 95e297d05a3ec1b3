/*
 * p2pcdn: serving a tracker over HTTP. A part of p2pcdn.h: include <p2pcdn/p2pcdn.h>, never
 * this file on its own.
 *
 * What an HTTP front-end (the `p2pcdn tracker` daemon, or a vendor's web server) calls to serve
 * the tracker's endpoints (docs/protocol.md, "Tracker HTTP API") without reading or writing
 * any message itself: each handler takes the request body, or the query string, as it arrived
 * and gives back the body to answer with.
 *
 *   POST /announce        p2pcdn_tracker_handle_announce_json  (JSON peer list)
 *   GET  /announce?...    p2pcdn_tracker_handle_bt_announce    (bencoded peer list, BEP 3)
 *   POST /cdn/publish     p2pcdn_tracker_handle_publish_json   (acknowledgement)
 *   POST /cdn/withdraw    p2pcdn_tracker_handle_withdraw_json  (acknowledgement)
 *   GET  /stats/<content> p2pcdn_tracker_stats_json            (statistics report)
 *   POST /subscribe       p2pcdn_tracker_parse_subscribe       (the front-end pushes reports)
 *
 * Answers are allocated by the library and NUL-terminated (the NUL is not counted in the
 * length; a bencoded answer may also hold NUL bytes of its own); release them with p2pcdn_free.
 * A handler that fails returns the error code and still gives an answer to send, the JSON
 * error answer {"v":1,"type":"error","code":<code>,"message":"<last_error>"} (for BitTorrent,
 * a bencoded "failure reason" with the same message), unless the out pointers are NULL or
 * memory ran out (then *answer_out is NULL and *answer_len 0). p2pcdn_tracker_http_status gives
 * the HTTP status for the code. A failed handler changes nothing at the tracker. Handlers are
 * safe to call from many threads at once, as the tracker is.
 */
#ifndef P2PCDN_TRACKER_HTTP_H
#define P2PCDN_TRACKER_HTTP_H

/* POST /announce: applies a JSON announce request (docs/protocol.md, "Announce request
 * (JSON)") and answers with the JSON peer list. The peer's address is the request's "ip" or,
 * without one, remote_addr (the connection's address, "192.0.2.1" or "2001:db8::1"; may be
 * NULL when the request has its own). P2PCDN_EPARSE or P2PCDN_ELIMIT for a malformed request,
 * P2PCDN_EINVAL for a bad remote_addr or none needed and given, then the codes of
 * p2pcdn_tracker_announce. */
P2PCDN_API int p2pcdn_tracker_handle_announce_json(p2pcdn_tracker *tracker, const char *body,
                                                   size_t len, const char *remote_addr,
                                                   char **answer_out, size_t *answer_len);

/* GET /announce: applies a BitTorrent announce (docs/protocol.md, "BitTorrent announce"; the
 * query string without '?', as it arrived, still percent-encoded) and answers with the bencoded
 * peer list, or with BEP 3's "failure reason" dictionary when it fails. The swarm is the hex of
 * info_hash. A client reporting left=0 without the p2pcdn_bitfield extension counts as a seed.
 * Answer with HTTP status 200 whatever the code: BitTorrent clients read a failure reason only
 * from a 200 answer. Failure reasons never repeat a query value (an announce URL may carry a
 * passkey). */
P2PCDN_API int p2pcdn_tracker_handle_bt_announce(p2pcdn_tracker *tracker, const char *query,
                                                 size_t len, const char *remote_addr,
                                                 char **answer_out, size_t *answer_len);

/* POST /cdn/publish: publishes every CDN source of a publish message (docs/protocol.md, "CDN
 * source publish and withdraw") or none, and answers
 * {"v":1,"type":"cdn_published","content":"<id>","sources":<n>}. Codes: those of the decoder,
 * then of p2pcdn_tracker_publish_cdn (P2PCDN_ENOTFOUND for an unknown content, ...). */
P2PCDN_API int p2pcdn_tracker_handle_publish_json(p2pcdn_tracker *tracker, const char *body,
                                                  size_t len, char **answer_out,
                                                  size_t *answer_len);

/* POST /cdn/withdraw: applies a withdraw message and answers
 * {"v":1,"type":"cdn_withdrawn","content":"<id>","changed":<n>}; `changed` (may be NULL) gets
 * n, the number of sources that lost pieces. P2PCDN_ENOTFOUND for an unknown content or URI. */
P2PCDN_API int p2pcdn_tracker_handle_withdraw_json(p2pcdn_tracker *tracker, const char *body,
                                                   size_t len, size_t *changed,
                                                   char **answer_out, size_t *answer_len);

/* GET /stats/<content>: the statistics report of one content now, as JSON with the copies
 * encoding `encoding` (P2PCDN_COPIES_*). P2PCDN_ENOTFOUND for an unknown content. Unlike the
 * handlers, it gives no answer on failure: *out is NULL. */
P2PCDN_API int p2pcdn_tracker_stats_json(const p2pcdn_tracker *tracker, const char *content_id,
                                         unsigned int encoding, char **out, size_t *len);

/* The HTTP status to answer a JSON endpoint's outcome with: 200 for P2PCDN_OK; 400 for a
 * malformed or invalid request (P2PCDN_EPARSE, EINVAL, ERANGE, ELIMIT); 404 for P2PCDN_ENOTFOUND;
 * 409 for P2PCDN_EEXISTS and ESTATE; 503 for P2PCDN_ENOMEM; 500 for anything else. */
P2PCDN_API int p2pcdn_tracker_http_status(int code);

/* The JSON error answer for the front-end's own failures (an unknown path, a body too large):
 * {"v":1,"type":"error","code":<code>,"message":"<message>"}. The message is made one line of
 * printable ASCII and cut to 1024 bytes. P2PCDN_EINVAL for a code that is not negative or a
 * NULL message. */
P2PCDN_API int p2pcdn_tracker_error_json(int code, const char *message, char **out,
                                         size_t *len);

/* POST /subscribe: reads a statistics subscription (docs/protocol.md, "Tracker HTTP API"),
 * {"v":1,"content":"<id>","interval_ms":<ms>,"url":"<http(s) URL>"}, for the front-end to
 * push the content's report (p2pcdn_tracker_subscribe, p2pcdn_stats_to_json) to that URL every
 * interval_ms (100 to 86400000). *content_id_out and *url_out are NUL-terminated strings to
 * release with p2pcdn_free. P2PCDN_EPARSE or P2PCDN_ELIMIT for a malformed subscription; then
 * nothing is allocated and the outputs are NULL. */
P2PCDN_API int p2pcdn_tracker_parse_subscribe(const char *body, size_t len,
                                              char **content_id_out, char **url_out,
                                              int64_t *interval_ms_out);

#endif /* P2PCDN_TRACKER_HTTP_H */
