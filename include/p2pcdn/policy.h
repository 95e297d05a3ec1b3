/*
 * p2pcdn: storage-control policies (the CCS side). A part of p2pcdn.h: include
 * <p2pcdn/p2pcdn.h>, never this file on its own.
 *
 * A policy decides, from one swarm's statistics, the pieces the CDN holds now, the content
 * layout and the time, which pieces to ingest into the CDN (each with a TTL) and which to purge
 * (TR 23.844 steps 4 and 10). It does no I/O: the NSCF, or the host, carries the decision out.
 * Built-in policies (docs/api.md, "Policy", has their rules in full):
 *   - threshold: ingest a piece held by fewer than low_copies user peers that some leecher
 *     lacks; purge it once high_copies peers hold it, after min_residency_ms; at most
 *     max_changes changes per decision; at most capacity_bytes in the CDN, scarcest first.
 *   - budget: the most benefit per byte, (peers - copies) / ((copies + 1) * bytes), within
 *     budget_bytes and max_changes changes per decision.
 *   - ttl: ingest scarce pieces with a TTL and renew them while they stay scarce; never purge.
 *   - all (every piece in the CDN, the classic CDN) and none (pure P2P): the baselines.
 * A host policy is a callback that adds the items of its decision through
 * p2pcdn_decision_add_ingest and p2pcdn_decision_add_purge.
 *
 * Every decision, built-in or the host's, follows the same rules: each piece is in range; no
 * piece is ingested twice, purged twice, or both; a purge is only for a piece of the holdings.
 * An ingest of a piece the holdings have is a renewal: store it again with the new TTL. A
 * holding whose expires_at_ms is set and not after now_ms has expired: the built-ins treat its
 * piece as not held. The built-ins are deterministic: the same input always gives the same
 * decision. A policy never changes after it is made: p2pcdn_policy_decide may run on one policy
 * from several threads at once.
 */
#ifndef P2PCDN_POLICY_H
#define P2PCDN_POLICY_H

typedef struct p2pcdn_policy p2pcdn_policy;
typedef struct p2pcdn_decision p2pcdn_decision;

/* One piece the CDN holds, as the NSCF recorded it. Not versioned: an array element. */
typedef struct p2pcdn_holding {
    size_t piece;
    uint64_t bytes;         /* stored size: 1 to the content's piece length */
    int64_t ingested_at_ms; /* Unix ms of the (last) ingest */
    int64_t expires_at_ms;  /* Unix ms the CDN drops it; 0: no TTL, held until purged */
} p2pcdn_holding;

/* One piece to ingest. Not versioned: the library fills it whole. */
typedef struct p2pcdn_ingest_item {
    size_t piece;
    uint32_t ttl_s; /* 0: no TTL, the CDN keeps it until purged */
} p2pcdn_ingest_item;

typedef struct p2pcdn_policy_threshold_options {
    unsigned int version;     /* P2PCDN_POLICY_THRESHOLD_OPTIONS_VERSION */
    uint32_t low_copies;      /* ingest below this many user peer copies; 0: 2 */
    uint32_t high_copies;     /* purge at or above (must be above low_copies); 0: 4 */
    int64_t min_residency_ms; /* no purge before this long in the CDN; 0: 60000 */
    uint32_t max_changes;     /* ingests plus purges per decision; 0: 1000 */
    uint64_t capacity_bytes;  /* bytes the CDN may hold; 0: no limit */
    uint32_t ttl_s;           /* TTL of the ingested pieces; 0: none */
} p2pcdn_policy_threshold_options;

#define P2PCDN_POLICY_THRESHOLD_OPTIONS_VERSION 1
#define P2PCDN_POLICY_THRESHOLD_OPTIONS_INIT \
    {P2PCDN_POLICY_THRESHOLD_OPTIONS_VERSION, 0, 0, 0, 0, 0, 0}
P2PCDN_API int p2pcdn_policy_threshold_options_init(p2pcdn_policy_threshold_options *opts,
                                                    unsigned int version);

typedef struct p2pcdn_policy_budget_options {
    unsigned int version;     /* P2PCDN_POLICY_BUDGET_OPTIONS_VERSION */
    uint64_t budget_bytes;    /* bytes the CDN may hold; 0: 1 GiB */
    uint32_t max_changes;     /* ingests plus purges per decision (the churn limit); 0: 1000 */
    int64_t min_residency_ms; /* no purge before this long in the CDN; 0: 60000 */
    uint32_t ttl_s;           /* TTL of the ingested pieces; 0: none */
} p2pcdn_policy_budget_options;

#define P2PCDN_POLICY_BUDGET_OPTIONS_VERSION 1
#define P2PCDN_POLICY_BUDGET_OPTIONS_INIT {P2PCDN_POLICY_BUDGET_OPTIONS_VERSION, 0, 0, 0, 0}
P2PCDN_API int p2pcdn_policy_budget_options_init(p2pcdn_policy_budget_options *opts,
                                                 unsigned int version);

typedef struct p2pcdn_policy_ttl_options {
    unsigned int version;    /* P2PCDN_POLICY_TTL_OPTIONS_VERSION */
    uint32_t low_copies;     /* scarce below this many user peer copies; 0: 2 */
    uint32_t ttl_s;          /* TTL of ingests and renewals; 0: 600 */
    uint32_t renew_before_s; /* renew a scarce piece this long before its TTL ends (below
                                ttl_s); 0: ttl_s / 5 */
    uint32_t max_changes;    /* ingests plus renewals per decision; 0: 1000 */
} p2pcdn_policy_ttl_options;

#define P2PCDN_POLICY_TTL_OPTIONS_VERSION 1
#define P2PCDN_POLICY_TTL_OPTIONS_INIT {P2PCDN_POLICY_TTL_OPTIONS_VERSION, 0, 0, 0, 0}
P2PCDN_API int p2pcdn_policy_ttl_options_init(p2pcdn_policy_ttl_options *opts,
                                              unsigned int version);

/* What a policy callback reads: the input of p2pcdn_policy_decide. Filled by the library; the
 * struct and everything it points to are borrowed for the call only. Fields are only
 * appended; version says how far this library fills it. */
typedef struct p2pcdn_policy_input {
    unsigned int version;           /* P2PCDN_POLICY_INPUT_VERSION of the library */
    const char *content_id;
    size_t piece_count;
    uint32_t piece_length;          /* every piece but the last, which may be shorter */
    uint64_t total_length;
    uint32_t peers;                 /* user peers */
    uint32_t seeds;                 /* user peers holding every piece */
    uint32_t network_peers;
    const uint32_t *copies;         /* piece_count entries: user peers holding each piece */
    const p2pcdn_holding *holdings; /* holding_count entries, strictly ascending by piece */
    size_t holding_count;
    int64_t now_ms;
} p2pcdn_policy_input;

#define P2PCDN_POLICY_INPUT_VERSION 1

/* A host policy. Runs on the thread calling p2pcdn_policy_decide, once per call. It adds the
 * items of its decision to `decision` (valid during the call only; the library owns it) with
 * p2pcdn_decision_add_ingest and p2pcdn_decision_add_purge, each checked as it is added.
 * Return 0 to hand the decision out, non-zero to fail the call with P2PCDN_EUSER. A decision is
 * all or nothing: if any add was refused, the call fails with P2PCDN_EINVAL naming the first
 * refused item, whatever the callback returns after it. The callback must not free its policy. */
typedef int(P2PCDN_CALLBACK *p2pcdn_policy_cb)(const p2pcdn_policy_input *input,
                                               p2pcdn_decision *decision, void *payload);

/* The built-in policies. opts may be NULL (all defaults); options out of bounds (low_copies
 * not below high_copies, a negative min_residency_ms, renew_before_s not below ttl_s):
 * P2PCDN_EINVAL. */
P2PCDN_API int p2pcdn_policy_new_threshold(p2pcdn_policy **out,
                                           const p2pcdn_policy_threshold_options *opts);
P2PCDN_API int p2pcdn_policy_new_budget(p2pcdn_policy **out,
                                        const p2pcdn_policy_budget_options *opts);
P2PCDN_API int p2pcdn_policy_new_ttl(p2pcdn_policy **out, const p2pcdn_policy_ttl_options *opts);
/* Every piece the CDN does not hold, without a TTL, in index order; never a purge. */
P2PCDN_API int p2pcdn_policy_new_all(p2pcdn_policy **out);
/* Every live holding purged, in index order; never an ingest. */
P2PCDN_API int p2pcdn_policy_new_none(p2pcdn_policy **out);
/* A host policy (callback must not be NULL). */
P2PCDN_API int p2pcdn_policy_new_callback(p2pcdn_policy **out, p2pcdn_policy_cb callback,
                                          void *payload);
P2PCDN_API void p2pcdn_policy_free(p2pcdn_policy *policy);

/* Decides from the statistics of a content, its layout, the pieces the CDN holds now
 * (holding_count entries, strictly ascending by piece; NULL only with 0) and the time (Unix
 * ms). The input is checked first (P2PCDN_EINVAL naming the first fault: statistics of
 * another content or piece count, copies above the peer count, holdings out of range, out of
 * order, repeated, of 0 bytes or more than the piece length), then the decision. *out gets a
 * new decision only on success. */
P2PCDN_API int p2pcdn_policy_decide(const p2pcdn_policy *policy, const p2pcdn_stats *stats,
                                    const p2pcdn_holding *holdings, size_t holding_count,
                                    const p2pcdn_content *content, int64_t now_ms,
                                    p2pcdn_decision **out);

/* A decision: pieces to ingest and pieces to purge, each list in the order the policy ranks
 * them, most wanted first. A value object. Freeing the decision a callback is given does
 * nothing: the library owns it. */
P2PCDN_API void p2pcdn_decision_free(p2pcdn_decision *decision);
/* Either pointer may be NULL. */
P2PCDN_API int p2pcdn_decision_counts(const p2pcdn_decision *decision, size_t *ingests,
                                      size_t *purges);
/* Item i (P2PCDN_ERANGE past the end). */
P2PCDN_API int p2pcdn_decision_ingest_at(const p2pcdn_decision *decision, size_t i,
                                         p2pcdn_ingest_item *out);
P2PCDN_API int p2pcdn_decision_purge_at(const p2pcdn_decision *decision, size_t i, size_t *piece);
/* Every item at once: the output-buffer rule with *count in elements. */
P2PCDN_API int p2pcdn_decision_ingests(const p2pcdn_decision *decision, p2pcdn_ingest_item *buf,
                                       size_t cap, size_t *count);
P2PCDN_API int p2pcdn_decision_purges(const p2pcdn_decision *decision, size_t *buf, size_t cap,
                                      size_t *count);
/* In a policy callback only, on the decision it is given (else P2PCDN_ESTATE). P2PCDN_EINVAL
 * for a piece out of range, already ingested, already purged, or (a purge) not held. */
P2PCDN_API int p2pcdn_decision_add_ingest(p2pcdn_decision *decision, size_t piece, uint32_t ttl_s);
P2PCDN_API int p2pcdn_decision_add_purge(p2pcdn_decision *decision, size_t piece);

#endif /* P2PCDN_POLICY_H */
