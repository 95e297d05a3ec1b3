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


PLANNER_OPTIONS_VERSION = 1


class PlannerOptions(ctypes.Structure):
    """p2pcdn_planner_options, version 1. Prepared with p2pcdn_planner_options_init."""

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
    ]


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
