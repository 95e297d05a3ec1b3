"""ctypes mirrors of the structs and callback types of p2pcdn.h."""

import ctypes

# Opaque handles. Distinct c_void_p subclasses, so passing a content where a bitmap is
# expected fails in ctypes instead of reaching the library as a foreign pointer.
class BitmapPtr(ctypes.c_void_p):
    pass


class ContentPtr(ctypes.c_void_p):
    pass


class StatsPtr(ctypes.c_void_p):
    pass


class PeerListPtr(ctypes.c_void_p):
    pass


class TrackerPtr(ctypes.c_void_p):
    pass


# typedef int (*p2pcdn_progress_cb)(uint64_t done_bytes, uint64_t total_bytes, void *payload);
PROGRESS_CB = ctypes.CFUNCTYPE(ctypes.c_int, ctypes.c_uint64, ctypes.c_uint64, ctypes.c_void_p)

HASH_OPTIONS_VERSION = 1


class HashOptions(ctypes.Structure):
    """p2pcdn_hash_options, version 1. Fill it with p2pcdn_hash_options_init, never by hand:
    the library owns what a zeroed struct of each version means."""

    _fields_ = [
        ("version", ctypes.c_uint),
        ("algo", ctypes.c_int),
        ("read_size", ctypes.c_size_t),
        ("progress", PROGRESS_CB),
        ("payload", ctypes.c_void_p),
    ]


# p2pcdn_hash_algo
HASH_NONE = 0
HASH_SHA1 = 1
HASH_SHA256 = 2

# Hash list formats and bitmap decoder flags.
HASHES_RAW = 0
HASHES_HEX = 1
BITMAP_STRICT = 0
BITMAP_LENIENT = 1

# Limits from p2pcdn.h.
BITMAP_MAX_BITS = 67108864
CONTENT_ID_MAX = 128
PIECE_LENGTH_MAX = 1073741824


# -- Statistics -------------------------------------------------------------------------------

STATS_SUMMARY_VERSION = 1


class StatsSummary(ctypes.Structure):
    """p2pcdn_stats_summary, version 1. Prepared with p2pcdn_stats_summary_init."""

    _fields_ = [
        ("version", ctypes.c_uint),
        ("seq", ctypes.c_uint64),
        ("time_ms", ctypes.c_int64),
        ("piece_count", ctypes.c_size_t),
        ("peers", ctypes.c_uint32),
        ("seeds", ctypes.c_uint32),
        ("leechers", ctypes.c_uint32),
        ("network_peers", ctypes.c_uint32),
        ("min_copies", ctypes.c_uint32),
        ("max_copies", ctypes.c_uint32),
        ("pieces_at_min", ctypes.c_size_t),
        ("distributed_copies", ctypes.c_double),
        ("cdn_pieces", ctypes.c_size_t),
    ]


class HistogramBin(ctypes.Structure):
    """p2pcdn_histogram_bin: `pieces` pieces have exactly `copies` copies."""

    _fields_ = [("copies", ctypes.c_uint32), ("pieces", ctypes.c_uint64)]


# JSON encodings of the copies array.
COPIES_AUTO = 0
COPIES_PLAIN = 1
COPIES_RUNS = 2

# -- Peer list --------------------------------------------------------------------------------

# p2pcdn_peer_role
PEER_USER = 0
PEER_NETWORK = 1

PEER_ID_MAX = 20
ADDRESS_MAX = 46


class PeerInfo(ctypes.Structure):
    """p2pcdn_peer_info (not versioned: the library fills it whole)."""

    _fields_ = [
        ("id", ctypes.c_ubyte * PEER_ID_MAX),
        ("id_len", ctypes.c_size_t),
        ("address", ctypes.c_char * ADDRESS_MAX),
        ("port", ctypes.c_uint16),
        ("role", ctypes.c_int),
        ("seed", ctypes.c_int),
    ]


# -- Tracker ----------------------------------------------------------------------------------

# p2pcdn_announce_event
EVENT_UPDATE = 0
EVENT_STARTED = 1
EVENT_COMPLETED = 2
EVENT_STOPPED = 3

# p2pcdn_peer_selection
SELECT_RANDOM = 0
SELECT_COMPLEMENTARY = 1

NUMWANT_DEFAULT = 50
NUMWANT_NONE = 0xFFFFFFFF

ANNOUNCE_VERSION = 1


class Announce(ctypes.Structure):
    """p2pcdn_announce, version 1. Prepared with p2pcdn_announce_init; the pointers in it
    must stay alive for the p2pcdn_tracker_announce call only."""

    _fields_ = [
        ("version", ctypes.c_uint),
        ("content_id", ctypes.c_char_p),
        ("piece_count", ctypes.c_size_t),
        ("peer_id", ctypes.c_void_p),
        ("peer_id_len", ctypes.c_size_t),
        ("address", ctypes.c_char_p),
        ("port", ctypes.c_uint16),
        ("role", ctypes.c_int),
        ("event", ctypes.c_int),
        ("bitmap", BitmapPtr),
        ("have", ctypes.POINTER(ctypes.c_uint32)),
        ("have_count", ctypes.c_size_t),
        ("donthave", ctypes.POINTER(ctypes.c_uint32)),
        ("donthave_count", ctypes.c_size_t),
        ("numwant", ctypes.c_uint32),
        ("selection", ctypes.c_int),
        ("exclude_network_peers", ctypes.c_int),
        ("uploaded", ctypes.c_uint64),
        ("downloaded", ctypes.c_uint64),
    ]


# typedef int64_t (*p2pcdn_clock_cb)(void *payload);
CLOCK_CB = ctypes.CFUNCTYPE(ctypes.c_int64, ctypes.c_void_p)

# typedef int (*p2pcdn_stats_cb)(const p2pcdn_stats *stats, void *payload);
# The stats pointer arrives as a plain address (int or None): the callback wraps it in a
# StatsPtr itself before handing it back to the library.
STATS_CB = ctypes.CFUNCTYPE(ctypes.c_int, ctypes.c_void_p, ctypes.c_void_p)

TRACKER_OPTIONS_VERSION = 1


class TrackerOptions(ctypes.Structure):
    """p2pcdn_tracker_options, version 1. Prepared with p2pcdn_tracker_options_init."""

    _fields_ = [
        ("version", ctypes.c_uint),
        ("max_swarms", ctypes.c_uint32),
        ("max_peers_per_swarm", ctypes.c_uint32),
        ("max_pieces", ctypes.c_size_t),
        ("no_create_swarms", ctypes.c_int),
        ("interval_s", ctypes.c_uint32),
        ("min_interval_s", ctypes.c_uint32),
        ("peer_timeout_ms", ctypes.c_int64),
        ("rng_seed", ctypes.c_uint64),
        ("clock", CLOCK_CB),
        ("clock_payload", ctypes.c_void_p),
        ("max_cdn_sources", ctypes.c_uint32),
        ("max_cdn_per_answer", ctypes.c_uint32),
    ]


# p2pcdn_cdn_source: a CDN source as a CCS publishes it to a tracker.
CDN_SOURCE_VERSION = 1


class CdnSource(ctypes.Structure):
    """p2pcdn_cdn_source, version 1. Prepared with p2pcdn_cdn_source_init; read during the
    p2pcdn_tracker_publish_cdn call only."""

    _fields_ = [
        ("version", ctypes.c_uint),
        ("uri", ctypes.c_char_p),
        ("pieces", BitmapPtr),
        ("expires_s", ctypes.c_int64),
        ("ranged", ctypes.c_int),
    ]


# -- Planner (planner.h) ----------------------------------------------------------------------

class PlannerPtr(ctypes.c_void_p):
    pass


PLANNER_OPTIONS_VERSION = 2


class PlannerOptions(ctypes.Structure):
    """p2pcdn_planner_options, version 2. Prepared with p2pcdn_planner_options_init."""

    _fields_ = [
        ("version", ctypes.c_uint),
        ("max_cdn_in_flight", ctypes.c_uint32),
        ("max_per_peer_in_flight", ctypes.c_uint32),
        ("streaming", ctypes.c_int),
        ("window_pieces", ctypes.c_size_t),
        ("piece_duration_ms", ctypes.c_uint32),
        ("peer_piece_ms", ctypes.c_uint32),
        ("rng_seed", ctypes.c_uint64),
        ("max_peers", ctypes.c_uint32),
        ("cdn_fill", ctypes.c_int),  # version 2
    ]


# When the CDN also gets pieces peers hold (p2pcdn_planner_options.cdn_fill).
CDN_FILL_OFF = 0
CDN_FILL_IDLE = 1
CDN_FILL_FIRST = 2

# Where a planned request goes.
SOURCE_PEER = 0
SOURCE_CDN = 1

# How a request ended (p2pcdn_planner_done).
PLAN_DONE = 0
PLAN_FAILED = 1
PLAN_GONE = 2


class PieceRequest(ctypes.Structure):
    """p2pcdn_piece_request (not versioned: the library fills it whole)."""

    _fields_ = [
        ("piece", ctypes.c_size_t),
        ("source", ctypes.c_int),
        ("cdn_index", ctypes.c_size_t),
        ("peer_key", ctypes.c_ubyte * PEER_ID_MAX),
        ("peer_key_len", ctypes.c_size_t),
    ]


# -- Fetcher (fetcher.h) ----------------------------------------------------------------------

class FetcherPtr(ctypes.c_void_p):
    pass


# p2pcdn_fetch_status
FETCH_OK = 0
FETCH_HASH_MISMATCH = 1
FETCH_GONE = 2
FETCH_RETRY_LATER = 3
FETCH_FATAL = 4

FETCHER_OPTIONS_VERSION = 1


class FetcherOptions(ctypes.Structure):
    """p2pcdn_fetcher_options, version 1. Prepared with p2pcdn_fetcher_options_init; the
    library copies the strings during p2pcdn_fetcher_new."""

    _fields_ = [
        ("version", ctypes.c_uint),
        ("ca_file", ctypes.c_char_p),
        ("ca_path", ctypes.c_char_p),
        ("insecure_skip_verify", ctypes.c_int),
        ("connect_timeout_ms", ctypes.c_int64),
        ("timeout_ms", ctypes.c_int64),
        ("low_speed_bytes_per_s", ctypes.c_uint32),
        ("low_speed_time_s", ctypes.c_uint32),
        ("max_redirects", ctypes.c_int32),
        ("max_response_bytes", ctypes.c_uint64),
        ("max_per_host", ctypes.c_uint32),
        ("max_parallel", ctypes.c_uint32),
        ("refuse_private_addresses", ctypes.c_int),
        ("user_agent", ctypes.c_char_p),
    ]


FETCH_RESULT_VERSION = 1


class FetchResult(ctypes.Structure):
    """p2pcdn_fetch_result, version 1: an output struct (set version with
    p2pcdn_fetch_result_init). Its strings are borrowed from the fetcher."""

    _fields_ = [
        ("version", ctypes.c_uint),
        ("piece", ctypes.c_size_t),
        ("status", ctypes.c_int),
        ("error", ctypes.c_int),
        ("http_status", ctypes.c_int),
        ("retry_after_ms", ctypes.c_int64),
        ("redirects", ctypes.c_uint32),
        ("bytes", ctypes.c_uint64),
        ("final_url", ctypes.c_char_p),
        ("message", ctypes.c_char_p),
    ]


# typedef void (*p2pcdn_fetch_cb)(p2pcdn_fetcher *fetcher, uint64_t id,
#                                 const p2pcdn_fetch_result *result, const void *data,
#                                 size_t len, void *payload);
# data arrives as a plain address (int or None), copied out with ctypes.string_at.
FETCH_CB = ctypes.CFUNCTYPE(None, ctypes.c_void_p, ctypes.c_uint64, ctypes.POINTER(FetchResult),
                            ctypes.c_void_p, ctypes.c_size_t, ctypes.c_void_p)


# -- Announcer (announcer.h) ------------------------------------------------------------------

class AnnouncerPtr(ctypes.c_void_p):
    pass


ANNOUNCER_OPTIONS_VERSION = 1


class AnnouncerOptions(ctypes.Structure):
    """p2pcdn_announcer_options, version 1. Prepared with p2pcdn_announcer_options_init; the
    library copies the strings during p2pcdn_announcer_new."""

    _fields_ = [
        ("version", ctypes.c_uint),
        ("tracker_url", ctypes.c_char_p),
        ("ca_file", ctypes.c_char_p),
        ("ca_path", ctypes.c_char_p),
        ("insecure_skip_verify", ctypes.c_int),
        ("connect_timeout_ms", ctypes.c_int64),
        ("timeout_ms", ctypes.c_int64),
        ("low_speed_bytes_per_s", ctypes.c_uint32),
        ("low_speed_time_s", ctypes.c_uint32),
        ("max_response_bytes", ctypes.c_uint64),
        ("refuse_private_addresses", ctypes.c_int),
        ("user_agent", ctypes.c_char_p),
    ]


# -- Policy (policy.h) ------------------------------------------------------------------------

class PolicyPtr(ctypes.c_void_p):
    pass


class DecisionPtr(ctypes.c_void_p):
    pass


class Holding(ctypes.Structure):
    """p2pcdn_holding (not versioned: an array element)."""

    _fields_ = [
        ("piece", ctypes.c_size_t),
        ("bytes", ctypes.c_uint64),
        ("ingested_at_ms", ctypes.c_int64),
        ("expires_at_ms", ctypes.c_int64),
    ]


class IngestItem(ctypes.Structure):
    """p2pcdn_ingest_item (not versioned: the library fills it whole)."""

    _fields_ = [("piece", ctypes.c_size_t), ("ttl_s", ctypes.c_uint32)]


POLICY_THRESHOLD_OPTIONS_VERSION = 1
POLICY_BUDGET_OPTIONS_VERSION = 1
POLICY_TTL_OPTIONS_VERSION = 1


class PolicyThresholdOptions(ctypes.Structure):
    """p2pcdn_policy_threshold_options, version 1. Prepared with
    p2pcdn_policy_threshold_options_init."""

    _fields_ = [
        ("version", ctypes.c_uint),
        ("low_copies", ctypes.c_uint32),
        ("high_copies", ctypes.c_uint32),
        ("min_residency_ms", ctypes.c_int64),
        ("max_changes", ctypes.c_uint32),
        ("capacity_bytes", ctypes.c_uint64),
        ("ttl_s", ctypes.c_uint32),
    ]


class PolicyBudgetOptions(ctypes.Structure):
    """p2pcdn_policy_budget_options, version 1. Prepared with p2pcdn_policy_budget_options_init."""

    _fields_ = [
        ("version", ctypes.c_uint),
        ("budget_bytes", ctypes.c_uint64),
        ("max_changes", ctypes.c_uint32),
        ("min_residency_ms", ctypes.c_int64),
        ("ttl_s", ctypes.c_uint32),
    ]


class PolicyTtlOptions(ctypes.Structure):
    """p2pcdn_policy_ttl_options, version 1. Prepared with p2pcdn_policy_ttl_options_init."""

    _fields_ = [
        ("version", ctypes.c_uint),
        ("low_copies", ctypes.c_uint32),
        ("ttl_s", ctypes.c_uint32),
        ("renew_before_s", ctypes.c_uint32),
        ("max_changes", ctypes.c_uint32),
    ]


POLICY_INPUT_VERSION = 1


class PolicyInput(ctypes.Structure):
    """p2pcdn_policy_input, version 1: what the library hands a policy callback, borrowed for
    the call only. The library fills it; fields are only appended."""

    _fields_ = [
        ("version", ctypes.c_uint),
        ("content_id", ctypes.c_char_p),
        ("piece_count", ctypes.c_size_t),
        ("piece_length", ctypes.c_uint32),
        ("total_length", ctypes.c_uint64),
        ("peers", ctypes.c_uint32),
        ("seeds", ctypes.c_uint32),
        ("network_peers", ctypes.c_uint32),
        ("copies", ctypes.POINTER(ctypes.c_uint32)),
        ("holdings", ctypes.POINTER(Holding)),
        ("holding_count", ctypes.c_size_t),
        ("now_ms", ctypes.c_int64),
    ]


# typedef int (*p2pcdn_policy_cb)(const p2pcdn_policy_input *input, p2pcdn_decision *decision,
#                                 void *payload);
# The decision arrives as a plain address: the callback wraps it in a DecisionPtr itself.
POLICY_CB = ctypes.CFUNCTYPE(ctypes.c_int, ctypes.POINTER(PolicyInput), ctypes.c_void_p,
                             ctypes.c_void_p)


# -- CDN client (cdn.h) -----------------------------------------------------------------------

class CdnPtr(ctypes.c_void_p):
    pass


# p2pcdn_cdn_driver
CDN_DRIVER_ORIGIN = 0
CDN_DRIVER_EDGE = 1
CDN_DRIVER_CIT = 2
CDN_CHAIN_MAX = 3
CDN_JOB_MAX_PIECES = 262144
CDN_EDGES_MAX = 1024
CDN_PATH_MAX = 64

# p2pcdn_job_kind, p2pcdn_job_state, p2pcdn_item_state
JOB_INGEST = 0
JOB_PURGE = 1
JOB_PENDING = 0
JOB_ACTIVE = 1
JOB_COMPLETE = 2
JOB_PROCESSED = 3
JOB_FAILED = 4
JOB_CANCELLING = 5
JOB_CANCELLED = 6
ITEM_PENDING = 0
ITEM_ACTIVE = 1
ITEM_DONE = 2
ITEM_FAILED = 3
ITEM_CANCELLED = 4

# p2pcdn_signer_kind
SIGNER_NONE = 0
SIGNER_BEARER = 1
SIGNER_HEADER = 2
SIGNER_AWS_SIGV4 = 3

SIGNER_OPTIONS_VERSION = 1


class SignerOptions(ctypes.Structure):
    """p2pcdn_signer_options, version 1. Prepared with p2pcdn_signer_options_init; copied by
    the call that takes it."""

    _fields_ = [
        ("version", ctypes.c_uint),
        ("kind", ctypes.c_int),
        ("token", ctypes.c_char_p),
        ("header_name", ctypes.c_char_p),
        ("header_value", ctypes.c_char_p),
        ("access_key_id", ctypes.c_char_p),
        ("secret_access_key", ctypes.c_char_p),
        ("session_token", ctypes.c_char_p),
        ("region", ctypes.c_char_p),
        ("service", ctypes.c_char_p),
        ("s3_rules", ctypes.c_int),
        ("unsigned_payload", ctypes.c_int),
    ]


CDN_OPTIONS_VERSION = 1


class CdnOptions(ctypes.Structure):
    """p2pcdn_cdn_options, version 1. Prepared with p2pcdn_cdn_options_init; the library
    copies everything it points to during p2pcdn_cdn_new."""

    _fields_ = [
        ("version", ctypes.c_uint),
        ("ca_file", ctypes.c_char_p),
        ("ca_path", ctypes.c_char_p),
        ("insecure_skip_verify", ctypes.c_int),
        ("connect_timeout_ms", ctypes.c_int64),
        ("timeout_ms", ctypes.c_int64),
        ("low_speed_bytes_per_s", ctypes.c_uint32),
        ("low_speed_time_s", ctypes.c_uint32),
        ("max_redirects", ctypes.c_int32),
        ("max_per_host", ctypes.c_uint32),
        ("max_parallel", ctypes.c_uint32),
        ("refuse_private_addresses", ctypes.c_int),
        ("user_agent", ctypes.c_char_p),
        ("delivery_template", ctypes.c_char_p),
        ("ingest_chain", ctypes.POINTER(ctypes.c_int)),
        ("ingest_chain_len", ctypes.c_size_t),
        ("purge_chain", ctypes.POINTER(ctypes.c_int)),
        ("purge_chain_len", ctypes.c_size_t),
        ("origin_ingest_template", ctypes.c_char_p),
        ("origin_content_type", ctypes.c_char_p),
        ("origin_send_expires", ctypes.c_int),
        ("origin_signer", ctypes.POINTER(SignerOptions)),
        ("edges", ctypes.POINTER(ctypes.c_char_p)),
        ("edge_count", ctypes.c_size_t),
        ("edge_method", ctypes.c_char_p),
        ("edge_signer", ctypes.POINTER(SignerOptions)),
        ("cit_collection_url", ctypes.c_char_p),
        ("cit_cdn_path", ctypes.POINTER(ctypes.c_char_p)),
        ("cit_cdn_path_len", ctypes.c_size_t),
        ("cit_ingest_type", ctypes.c_char_p),
        ("cit_purge_type", ctypes.c_char_p),
        ("cit_poll_interval_ms", ctypes.c_int64),
        ("cit_max_poll_ms", ctypes.c_int64),
        ("cit_max_urls_per_trigger", ctypes.c_size_t),
        ("cit_signer", ctypes.POINTER(SignerOptions)),
        ("retry_max_attempts", ctypes.c_uint32),
        ("retry_job_budget", ctypes.c_uint32),
        ("retry_base_delay_ms", ctypes.c_int64),
        ("retry_max_delay_ms", ctypes.c_int64),
        ("retry_seed", ctypes.c_uint64),
        ("origin_omit_digest", ctypes.c_int),
    ]


CSS_OPTIONS_VERSION = 1


class CssOptions(ctypes.Structure):
    """p2pcdn_css_options, version 1. Prepared with p2pcdn_css_options_init."""

    _fields_ = [
        ("version", ctypes.c_uint),
        ("object_url", ctypes.c_char_p),
        ("piece_template", ctypes.c_char_p),
        ("signer", ctypes.POINTER(SignerOptions)),
    ]


CDN_JOB_INFO_VERSION = 1


class CdnJobInfo(ctypes.Structure):
    """p2pcdn_cdn_job_info, version 1: an output struct (p2pcdn_cdn_job_info_init); its
    content_id is borrowed from the client."""

    _fields_ = [
        ("version", ctypes.c_uint),
        ("kind", ctypes.c_int),
        ("state", ctypes.c_int),
        ("content_id", ctypes.c_char_p),
        ("ttl_s", ctypes.c_int64),
        ("items", ctypes.c_size_t),
        ("done", ctypes.c_size_t),
        ("failed", ctypes.c_size_t),
        ("cancelled", ctypes.c_size_t),
        ("uncertain", ctypes.c_size_t),
        ("retries", ctypes.c_uint32),
        ("created_ms", ctypes.c_int64),
        ("finished_ms", ctypes.c_int64),
    ]


CDN_ITEM_RESULT_VERSION = 1


class CdnItemResult(ctypes.Structure):
    """p2pcdn_cdn_item_result, version 1: an output struct (p2pcdn_cdn_item_result_init);
    its strings are borrowed from the client."""

    _fields_ = [
        ("version", ctypes.c_uint),
        ("piece", ctypes.c_size_t),
        ("state", ctypes.c_int),
        ("uri", ctypes.c_char_p),
        ("http_status", ctypes.c_int),
        ("error", ctypes.c_int),
        ("message", ctypes.c_char_p),
        ("driver", ctypes.c_char_p),
        ("attempts", ctypes.c_uint32),
        ("uncertain", ctypes.c_int),
    ]


CDN_DRIVER_METRICS_VERSION = 1


class CdnDriverMetrics(ctypes.Structure):
    """p2pcdn_cdn_driver_metrics, version 1: an output struct."""

    _fields_ = [
        ("version", ctypes.c_uint),
        ("requests", ctypes.c_uint64),
        ("bytes_sent", ctypes.c_uint64),
        ("bytes_received", ctypes.c_uint64),
        ("retries", ctypes.c_uint64),
        ("failures", ctypes.c_uint64),
    ]


# typedef void (*p2pcdn_cdn_job_cb)(p2pcdn_cdn *cdn, uint64_t job, int state, void *payload);
# cdn arrives as a plain address; the callback wraps it in a CdnPtr to read the job.
CDN_JOB_CB = ctypes.CFUNCTYPE(None, ctypes.c_void_p, ctypes.c_uint64, ctypes.c_int,
                              ctypes.c_void_p)


# -- NSCF (nscf.h) ----------------------------------------------------------------------------

class NscfPtr(ctypes.c_void_p):
    pass


class NscfHoldingsPtr(ctypes.c_void_p):
    pass


# p2pcdn_holding_state
HOLDING_INGESTING = 0
HOLDING_STORED = 1
HOLDING_PUBLISHED = 2
HOLDING_WITHDRAWN = 3
HOLDING_PURGING = 4

# The link callbacks; pointers the library hands over arrive as plain addresses.
# int (*p2pcdn_nscf_join_cb)(const char *content_id, size_t piece_count, const void *peer_id,
#                            size_t peer_id_len, const char *address, uint16_t port, void *);
NSCF_JOIN_CB = ctypes.CFUNCTYPE(ctypes.c_int, ctypes.c_char_p, ctypes.c_size_t, ctypes.c_void_p,
                                ctypes.c_size_t, ctypes.c_char_p, ctypes.c_uint16,
                                ctypes.c_void_p)
# int (*p2pcdn_nscf_fetch_stats_cb)(const char *content_id, p2pcdn_stats **out, void *);
NSCF_FETCH_STATS_CB = ctypes.CFUNCTYPE(ctypes.c_int, ctypes.c_char_p,
                                       ctypes.POINTER(ctypes.c_void_p), ctypes.c_void_p)
# int (*p2pcdn_nscf_publish_cb)(const char *content_id, const p2pcdn_cdn_source *, void *);
NSCF_PUBLISH_CB = ctypes.CFUNCTYPE(ctypes.c_int, ctypes.c_char_p, ctypes.POINTER(CdnSource),
                                   ctypes.c_void_p)
# int (*p2pcdn_nscf_withdraw_cb)(const char *content_id, const char *uri,
#                                const p2pcdn_bitmap *pieces, void *);
NSCF_WITHDRAW_CB = ctypes.CFUNCTYPE(ctypes.c_int, ctypes.c_char_p, ctypes.c_char_p,
                                    ctypes.c_void_p, ctypes.c_void_p)

NSCF_LINK_CALLBACKS_VERSION = 1


class NscfLinkCallbacks(ctypes.Structure):
    """p2pcdn_nscf_link_callbacks, version 1."""

    _fields_ = [
        ("version", ctypes.c_uint),
        ("join", NSCF_JOIN_CB),
        ("fetch_stats", NSCF_FETCH_STATS_CB),
        ("publish", NSCF_PUBLISH_CB),
        ("withdraw", NSCF_WITHDRAW_CB),
        ("payload", ctypes.c_void_p),
    ]


NSCF_EVENT_VERSION = 1


class NscfEvent(ctypes.Structure):
    """p2pcdn_nscf_event, version 1: what an event callback is given (borrowed)."""

    _fields_ = [
        ("version", ctypes.c_uint),
        ("kind", ctypes.c_int),
        ("name", ctypes.c_char_p),
        ("time_ms", ctypes.c_int64),
        ("pieces", BitmapPtr),
        ("count", ctypes.c_size_t),
        ("pieces_text", ctypes.c_char_p),
        ("bytes", ctypes.c_uint64),
        ("uri", ctypes.c_char_p),
        ("ttl_s", ctypes.c_uint32),
        ("expires_at_ms", ctypes.c_int64),
        ("seq", ctypes.c_uint64),
        ("min_copies", ctypes.c_uint32),
        ("ingest_count", ctypes.c_size_t),
        ("purge_count", ctypes.c_size_t),
        ("deferred", ctypes.c_size_t),
        ("held", ctypes.c_size_t),
        ("uncertain", ctypes.c_int),
        ("error", ctypes.c_int),
        ("message", ctypes.c_char_p),
        ("operation", ctypes.c_char_p),
    ]


# typedef void (*p2pcdn_nscf_event_cb)(const p2pcdn_nscf_event *event, void *payload);
NSCF_EVENT_CB = ctypes.CFUNCTYPE(None, ctypes.POINTER(NscfEvent), ctypes.c_void_p)

NSCF_OPTIONS_VERSION = 2


class NscfOptions(ctypes.Structure):
    """p2pcdn_nscf_options, version 2. Prepared with p2pcdn_nscf_options_init."""

    _fields_ = [
        ("version", ctypes.c_uint),
        ("content", ContentPtr),
        ("css", ctypes.POINTER(CssOptions)),
        ("cdn", ctypes.POINTER(CdnOptions)),
        ("policy", PolicyPtr),
        ("tracker", TrackerPtr),
        ("tracker_url", ctypes.c_char_p),
        ("link_callbacks", ctypes.POINTER(NscfLinkCallbacks)),
        ("journal_path", ctypes.c_char_p),
        ("controller_id", ctypes.c_char_p),
        ("safety_margin_ms", ctypes.c_int64),
        ("advertisement_ms", ctypes.c_int64),
        ("default_ttl_s", ctypes.c_uint32),
        ("link_retry_ms", ctypes.c_int64),
        ("purge_retry_ms", ctypes.c_int64),
        ("peer_id", ctypes.c_void_p),
        ("peer_id_len", ctypes.c_size_t),
        ("address", ctypes.c_char_p),
        ("port", ctypes.c_uint16),
        ("no_recover_on_start", ctypes.c_int),
        ("clock", CLOCK_CB),
        ("clock_payload", ctypes.c_void_p),
        ("event_cb", NSCF_EVENT_CB),
        ("event_payload", ctypes.c_void_p),
    ]


NSCF_HOLDING_VERSION = 1


class NscfHolding(ctypes.Structure):
    """p2pcdn_nscf_holding, version 1: an output struct; uri is borrowed from the snapshot."""

    _fields_ = [
        ("version", ctypes.c_uint),
        ("piece", ctypes.c_size_t),
        ("state", ctypes.c_int),
        ("uri", ctypes.c_char_p),
        ("bytes", ctypes.c_uint64),
        ("ingested_at_ms", ctypes.c_int64),
        ("object_expires_at_ms", ctypes.c_int64),
        ("advertised_expires_at_ms", ctypes.c_int64),
        ("purge_attempts", ctypes.c_uint32),
    ]


NSCF_METRICS_VERSION = 1


class NscfMetrics(ctypes.Structure):
    """p2pcdn_nscf_metrics, version 1: an output struct."""

    _fields_ = [("version", ctypes.c_uint)] + [
        (name, ctypes.c_uint64)
        for name in ("rounds", "pieces_ingested", "bytes_ingested", "pieces_purged",
                     "bytes_purged", "pieces_expired", "bytes_expired", "publishes",
                     "withdrawals", "renewals", "deferred", "ingest_failures",
                     "purge_failures", "link_failures", "policy_failures", "uncertain_settled")
    ] + [("storage_byte_seconds", ctypes.c_double), ("reuploads", ctypes.c_uint64)]
