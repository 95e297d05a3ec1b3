"""Finds and loads libp2pcdn, and declares every function of p2pcdn.h.

Every function gets argtypes and restype: ctypes' default int restype would truncate
pointers and size_t, and argtypes make ctypes convert and check each argument.
The library is opened with ctypes.CDLL, which releases the GIL during each call.
"""

import ctypes
import ctypes.util
import os
from ctypes import (
    POINTER,
    c_char_p,
    c_int,
    c_int64,
    c_size_t,
    c_uint,
    c_uint32,
    c_uint64,
    c_void_p,
)
from pathlib import Path

from ._errors import _check, _check_ptr
from ._types import (
    CDN_JOB_CB,
    FETCH_CB,
    STATS_CB,
    Announce,
    BitmapPtr,
    CdnDriverMetrics,
    CdnItemResult,
    CdnJobInfo,
    CdnOptions,
    CdnPtr,
    CdnSource,
    ContentPtr,
    CssOptions,
    FetcherOptions,
    FetcherPtr,
    FetchResult,
    HashOptions,
    HistogramBin,
    PeerInfo,
    PeerListPtr,
    PieceRequest,
    PlannerOptions,
    PlannerPtr,
    SignerOptions,
    StatsPtr,
    StatsSummary,
    TrackerOptions,
    TrackerPtr,
)

# The ABI major (SOVERSION) these declarations were written for.
ABI_VERSION = 0
SONAME = f"libp2pcdn.so.{ABI_VERSION}"


def _source_root():
    """The checkout this package runs from, or None once it is installed elsewhere."""
    package = Path(__file__).resolve().parent
    root = package.parents[2]
    if package == root / "bindings" / "python" / "p2pcdn" and (
        root / "include" / "p2pcdn" / "p2pcdn.h"
    ).is_file():
        return root
    return None


def _build_tree_candidates(root):
    # The presets' release and dev trees first, then any other tree, newest build first.
    preferred = [root / "build" / name / "src" / SONAME for name in ("release", "dev")]
    others = sorted(
        (p for p in root.glob(f"build/*/src/{SONAME}") if p not in preferred),
        key=lambda p: p.stat().st_mtime,
        reverse=True,
    )
    return [p for p in preferred if p.exists()] + others


def _sanitized_without_runtime(name):
    """Why a library from a CMake tree cannot be loaded here, or None.

    A library built with P2PCDN_SANITIZE (the dev preset) needs the ASan runtime loaded first
    (LD_PRELOAD); without it ASan aborts the whole process inside dlopen, which no try/except
    can catch. The tree's CMakeCache.txt says how it was built.
    """
    cache = Path(name).resolve().parent.parent / "CMakeCache.txt"
    try:
        sanitized = "P2PCDN_SANITIZE:BOOL=ON" in cache.read_text(errors="replace")
        maps = Path("/proc/self/maps").read_text(errors="replace") if sanitized else ""
    except OSError:
        return None
    if sanitized and "asan" not in maps:
        return ("built with P2PCDN_SANITIZE; needs LD_PRELOAD of the ASan runtime and "
                "libstdc++ (as tests/python/CMakeLists.txt sets it)")
    return None


def _candidates():
    """(where it came from, what to pass to dlopen), in the order they are tried."""
    override = os.environ.get("P2PCDN_LIBRARY")
    if override:
        # An explicit choice is the only one: silently loading another library instead
        # would test or run the wrong build.
        return [("P2PCDN_LIBRARY", override)]
    found = []
    root = _source_root()
    if root is not None:
        found += [("build tree", str(p)) for p in _build_tree_candidates(root)]
    found.append(("system", SONAME))
    system = ctypes.util.find_library("p2pcdn")
    if system and system != SONAME:
        found.append(("system", system))
    return found


def _load():
    failures = []
    for origin, name in _candidates():
        if os.sep in name:
            reason = _sanitized_without_runtime(name)
            if reason is not None:
                failures.append(f"{origin} {name}: {reason}")
                continue
        try:
            lib = ctypes.CDLL(name)
        except OSError as exc:
            failures.append(f"{origin} {name}: {exc}")
            continue
        try:
            abi = lib.p2pcdn_abi_version
        except AttributeError:
            failures.append(f"{origin} {name}: no p2pcdn_abi_version, not libp2pcdn")
            continue
        abi.argtypes = []
        abi.restype = c_uint
        found = abi()
        if found != ABI_VERSION:
            failures.append(
                f"{origin} {name}: ABI version {found}, this binding needs {ABI_VERSION}"
            )
            continue
        return lib, name
    raise ImportError(
        "cannot load libp2pcdn (set P2PCDN_LIBRARY to the path of "
        f"{SONAME}):\n  " + "\n  ".join(failures)
    )


lib, path = _load()


def _fn(name, argtypes, restype, errcheck=None):
    """Declares one C function and publishes it in this module under its C name."""
    func = getattr(lib, name)
    func.argtypes = argtypes
    func.restype = restype
    if errcheck is not None:
        func.errcheck = errcheck
    globals()[name] = func
    return func


_bitmap = BitmapPtr
_bitmap_out = POINTER(BitmapPtr)
_content = ContentPtr
_content_out = POINTER(ContentPtr)
_size_out = POINTER(c_size_t)
_opts = POINTER(HashOptions)

# Errors.
_fn("p2pcdn_strerror", [c_int], c_char_p)
_fn("p2pcdn_last_error", [], c_char_p)
_fn("p2pcdn_error_clear", [], None)

# Versions and global state.
_fn("p2pcdn_version", [], c_uint)
_fn("p2pcdn_version_string", [], c_char_p)
_fn("p2pcdn_abi_version", [], c_uint)
_fn("p2pcdn_global_init", [], c_int, _check)
_fn("p2pcdn_global_cleanup", [], c_int, _check)
_fn("p2pcdn_free", [c_void_p], None)

# Bitmap.
_fn("p2pcdn_bitmap_new", [_bitmap_out, c_size_t], c_int, _check)
_fn("p2pcdn_bitmap_copy", [_bitmap_out, _bitmap], c_int, _check)
_fn("p2pcdn_bitmap_free", [_bitmap], None)
_fn("p2pcdn_bitmap_size", [_bitmap, _size_out], c_int, _check)
_fn("p2pcdn_bitmap_test", [_bitmap, c_size_t], c_int, _check)
_fn("p2pcdn_bitmap_set", [_bitmap, c_size_t], c_int, _check)
_fn("p2pcdn_bitmap_clear", [_bitmap, c_size_t], c_int, _check)
_fn("p2pcdn_bitmap_set_range", [_bitmap, c_size_t, c_size_t, c_int], c_int, _check)
_fn("p2pcdn_bitmap_fill", [_bitmap, c_int], c_int, _check)
_fn("p2pcdn_bitmap_count", [_bitmap, _size_out], c_int, _check)
_fn("p2pcdn_bitmap_is_all", [_bitmap], c_int, _check)
_fn("p2pcdn_bitmap_is_none", [_bitmap], c_int, _check)
_fn("p2pcdn_bitmap_find_next_set", [_bitmap, c_size_t, _size_out], c_int, _check)
_fn("p2pcdn_bitmap_find_next_clear", [_bitmap, c_size_t, _size_out], c_int, _check)
_fn("p2pcdn_bitmap_and", [_bitmap, _bitmap], c_int, _check)
_fn("p2pcdn_bitmap_or", [_bitmap, _bitmap], c_int, _check)
_fn("p2pcdn_bitmap_andnot", [_bitmap, _bitmap], c_int, _check)
_fn("p2pcdn_bitmap_xor", [_bitmap, _bitmap], c_int, _check)
_fn("p2pcdn_bitmap_count_and", [_bitmap, _bitmap, _size_out], c_int, _check)
_fn("p2pcdn_bitmap_count_andnot", [_bitmap, _bitmap, _size_out], c_int, _check)
_fn("p2pcdn_bitmap_equal", [_bitmap, _bitmap], c_int, _check)
_fn("p2pcdn_bitmap_from_wire", [_bitmap_out, c_size_t, c_void_p, c_size_t, c_uint], c_int, _check)
_fn("p2pcdn_bitmap_to_wire", [_bitmap, c_void_p, c_size_t, _size_out], c_int, _check)
_fn("p2pcdn_bitmap_from_hex", [_bitmap_out, c_size_t, c_char_p, c_size_t, c_uint], c_int, _check)
_fn("p2pcdn_bitmap_to_hex", [_bitmap, c_char_p, c_size_t, _size_out], c_int, _check)
_fn("p2pcdn_bitmap_from_base64", [_bitmap_out, c_size_t, c_char_p, c_size_t, c_uint], c_int,
    _check)
_fn("p2pcdn_bitmap_to_base64", [_bitmap, c_char_p, c_size_t, _size_out], c_int, _check)
_fn("p2pcdn_bitmap_from_ranges", [_bitmap_out, c_size_t, c_char_p, c_size_t], c_int, _check)
_fn("p2pcdn_bitmap_to_ranges", [_bitmap, c_char_p, c_size_t, _size_out], c_int, _check)

# Content.
_fn("p2pcdn_hash_options_init", [_opts, c_uint], c_int, _check)
_fn("p2pcdn_content_new", [_content_out, c_char_p, c_uint64, c_uint32], c_int, _check)
_fn("p2pcdn_content_new_from_file", [_content_out, c_char_p, c_char_p, c_uint32, _opts], c_int,
    _check)
_fn("p2pcdn_content_copy", [_content_out, _content], c_int, _check)
_fn("p2pcdn_content_free", [_content], None)
_fn("p2pcdn_content_id", [_content], c_char_p, _check_ptr)
_fn("p2pcdn_content_total_length", [_content, POINTER(c_uint64)], c_int, _check)
_fn("p2pcdn_content_piece_length", [_content, POINTER(c_uint32)], c_int, _check)
_fn("p2pcdn_content_piece_count", [_content, _size_out], c_int, _check)
_fn("p2pcdn_content_piece_range", [_content, c_size_t, POINTER(c_uint64), POINTER(c_uint32)],
    c_int, _check)
_fn("p2pcdn_content_hash_file", [_content, c_char_p, _opts], c_int, _check)
_fn("p2pcdn_content_hash_buffer", [_content, c_void_p, c_size_t, _opts], c_int, _check)
_fn("p2pcdn_content_hash_algo", [_content], c_int, _check)
_fn("p2pcdn_content_verify_piece", [_content, c_size_t, c_void_p, c_size_t], c_int, _check)
_fn("p2pcdn_content_piece_hash", [_content, c_size_t, c_void_p, c_size_t, _size_out], c_int,
    _check)
_fn("p2pcdn_content_hashes_export", [_content, c_uint, c_void_p, c_size_t, _size_out], c_int,
    _check)
_fn("p2pcdn_content_hashes_import", [_content, c_int, c_uint, c_void_p, c_size_t], c_int,
    _check)

# Statistics.
_stats = StatsPtr
_stats_out = POINTER(StatsPtr)
_u32_array = POINTER(c_uint32)
_fn("p2pcdn_stats_summary_init", [POINTER(StatsSummary), c_uint], c_int, _check)
_fn("p2pcdn_stats_from_json", [_stats_out, c_char_p, c_size_t], c_int, _check)
_fn("p2pcdn_stats_to_json", [_stats, c_uint, c_char_p, c_size_t, _size_out], c_int, _check)
_fn("p2pcdn_stats_copy", [_stats_out, _stats], c_int, _check)
_fn("p2pcdn_stats_free", [_stats], None)
_fn("p2pcdn_stats_content_id", [_stats], c_char_p, _check_ptr)
_fn("p2pcdn_stats_get_summary", [_stats, POINTER(StatsSummary)], c_int, _check)
_fn("p2pcdn_stats_copies", [_stats, _u32_array, c_size_t, _size_out], c_int, _check)
_fn("p2pcdn_stats_network_copies", [_stats, _u32_array, c_size_t, _size_out], c_int, _check)
_fn("p2pcdn_stats_histogram", [_stats, POINTER(HistogramBin), c_size_t, _size_out], c_int,
    _check)
_fn("p2pcdn_stats_rarest", [_stats, _bitmap_out], c_int, _check)

# Peer list.
_peerlist = PeerListPtr
_peerlist_out = POINTER(PeerListPtr)
_fn("p2pcdn_peerlist_copy", [_peerlist_out, _peerlist], c_int, _check)
_fn("p2pcdn_peerlist_free", [_peerlist], None)
_fn("p2pcdn_peerlist_interval", [_peerlist, _u32_array, _u32_array], c_int, _check)
_fn("p2pcdn_peerlist_swarm_counts", [_peerlist, _u32_array, _u32_array], c_int, _check)
_fn("p2pcdn_peerlist_peer_count", [_peerlist, _size_out], c_int, _check)
_fn("p2pcdn_peerlist_peer_at", [_peerlist, c_size_t, POINTER(PeerInfo)], c_int, _check)
_fn("p2pcdn_peerlist_content_id", [_peerlist], c_char_p, _check_ptr)
_fn("p2pcdn_peerlist_piece_count", [_peerlist, _size_out], c_int, _check)
_fn("p2pcdn_peerlist_cdn_count", [_peerlist, _size_out], c_int, _check)
_fn("p2pcdn_peerlist_cdn_at",
    [_peerlist, c_size_t, POINTER(c_char_p), POINTER(c_int64), POINTER(c_int)], c_int, _check)
_fn("p2pcdn_peerlist_cdn_pieces", [_peerlist, c_size_t, _bitmap_out], c_int, _check)
_fn("p2pcdn_peerlist_cdn_uri_for_piece",
    [_peerlist, c_size_t, c_int64, c_char_p, c_size_t, _size_out, _size_out], c_int, _check)
_fn("p2pcdn_peerlist_to_json", [_peerlist, c_char_p, c_size_t, _size_out], c_int, _check)
_fn("p2pcdn_peerlist_from_json", [_peerlist_out, c_char_p, c_size_t], c_int, _check)
_fn("p2pcdn_peerlist_to_bencode", [_peerlist, c_void_p, c_size_t, _size_out], c_int, _check)
_fn("p2pcdn_peerlist_from_bencode", [_peerlist_out, c_void_p, c_size_t], c_int, _check)

# Tracker.
_tracker = TrackerPtr
_fn("p2pcdn_announce_init", [POINTER(Announce), c_uint], c_int, _check)
_fn("p2pcdn_tracker_options_init", [POINTER(TrackerOptions), c_uint], c_int, _check)
_fn("p2pcdn_tracker_new", [POINTER(TrackerPtr), POINTER(TrackerOptions)], c_int, _check)
_fn("p2pcdn_tracker_free", [_tracker], None)
_fn("p2pcdn_tracker_add_content", [_tracker, c_char_p, c_size_t], c_int, _check)
_fn("p2pcdn_tracker_remove_content", [_tracker, c_char_p], c_int, _check)
_fn("p2pcdn_tracker_content_count", [_tracker, _size_out], c_int, _check)
_fn("p2pcdn_tracker_announce", [_tracker, POINTER(Announce), _peerlist_out], c_int, _check)
_fn("p2pcdn_tracker_leave", [_tracker, c_char_p, c_void_p, c_size_t], c_int, _check)
_fn("p2pcdn_tracker_expire", [_tracker, _size_out], c_int, _check)
_fn("p2pcdn_tracker_stats", [_tracker, c_char_p, _stats_out], c_int, _check)
_fn("p2pcdn_cdn_source_init", [POINTER(CdnSource), c_uint], c_int, _check)
_fn("p2pcdn_tracker_publish_cdn", [_tracker, c_char_p, POINTER(CdnSource)], c_int, _check)
_fn("p2pcdn_tracker_withdraw_cdn", [_tracker, c_char_p, c_char_p, _bitmap], c_int, _check)
_fn("p2pcdn_tracker_subscribe",
    [_tracker, c_char_p, c_int64, STATS_CB, c_void_p, POINTER(c_uint64)], c_int, _check)
_fn("p2pcdn_tracker_unsubscribe", [_tracker, c_uint64], c_int, _check)
_fn("p2pcdn_tracker_step", [_tracker, POINTER(c_int64)], c_int, _check)
_fn("p2pcdn_tracker_start", [_tracker], c_int, _check)
_fn("p2pcdn_tracker_stop", [_tracker], c_int, _check)

# Serving the tracker over HTTP (tracker_http.h). Answers are allocated by the library
# (released with p2pcdn_free) and come on failure too: the handlers have no errcheck.
_text_out = POINTER(c_void_p)
_fn("p2pcdn_tracker_handle_announce_json",
    [_tracker, c_char_p, c_size_t, c_char_p, _text_out, _size_out], c_int)
_fn("p2pcdn_tracker_handle_bt_announce",
    [_tracker, c_char_p, c_size_t, c_char_p, _text_out, _size_out], c_int)
_fn("p2pcdn_tracker_handle_publish_json", [_tracker, c_char_p, c_size_t, _text_out, _size_out],
    c_int)
_fn("p2pcdn_tracker_handle_withdraw_json",
    [_tracker, c_char_p, c_size_t, _size_out, _text_out, _size_out], c_int)
_fn("p2pcdn_tracker_stats_json", [_tracker, c_char_p, c_uint, _text_out, _size_out], c_int,
    _check)
_fn("p2pcdn_tracker_http_status", [c_int], c_int)
_fn("p2pcdn_tracker_error_json", [c_int, c_char_p, _text_out, _size_out], c_int, _check)
_fn("p2pcdn_tracker_parse_subscribe",
    [c_char_p, c_size_t, _text_out, _text_out, POINTER(c_int64)], c_int, _check)

# Planner (planner.h). Peer keys are bytes, passed as const void * with their length.
_planner = PlannerPtr
_fn("p2pcdn_planner_options_init", [POINTER(PlannerOptions), c_uint], c_int, _check)
_fn("p2pcdn_planner_new", [POINTER(PlannerPtr), c_size_t, POINTER(PlannerOptions)], c_int,
    _check)
_fn("p2pcdn_planner_free", [_planner], None)
_fn("p2pcdn_planner_set_have", [_planner, _bitmap], c_int, _check)
_fn("p2pcdn_planner_peer_set", [_planner, c_void_p, c_size_t, _bitmap], c_int, _check)
_fn("p2pcdn_planner_peer_have", [_planner, c_void_p, c_size_t, c_size_t], c_int, _check)
_fn("p2pcdn_planner_peer_have_many",
    [_planner, c_void_p, c_size_t, POINTER(c_size_t), c_size_t], c_int, _check)
_fn("p2pcdn_planner_peer_remove", [_planner, c_void_p, c_size_t], c_int, _check)
_fn("p2pcdn_planner_set_sources", [_planner, _peerlist], c_int, _check)
_fn("p2pcdn_planner_set_position", [_planner, c_size_t, c_int64], c_int, _check)
_fn("p2pcdn_planner_next", [_planner, c_int64, POINTER(PieceRequest), c_size_t, _size_out],
    c_int, _check)
_fn("p2pcdn_planner_done", [_planner, c_size_t, c_int], c_int, _check)
_fn("p2pcdn_planner_in_flight", [_planner, _size_out, _size_out], c_int, _check)
_fn("p2pcdn_planner_set_cdn_limit", [_planner, c_uint32], c_int, _check)

# Fetcher (fetcher.h).
_fetcher = FetcherPtr
_fn("p2pcdn_fetcher_options_init", [POINTER(FetcherOptions), c_uint], c_int, _check)
_fn("p2pcdn_fetch_result_init", [POINTER(FetchResult), c_uint], c_int, _check)
_fn("p2pcdn_fetcher_new", [POINTER(FetcherPtr), _content, POINTER(FetcherOptions)], c_int,
    _check)
_fn("p2pcdn_fetcher_free", [_fetcher], None)
_fn("p2pcdn_fetcher_get",
    [_fetcher, c_size_t, c_char_p, c_int, c_void_p, c_size_t, _size_out, POINTER(FetchResult)],
    c_int, _check)
_fn("p2pcdn_fetcher_submit",
    [_fetcher, c_size_t, c_char_p, c_int, FETCH_CB, c_void_p, POINTER(c_uint64)], c_int, _check)
_fn("p2pcdn_fetcher_step", [_fetcher, c_int, _size_out], c_int, _check)
_fn("p2pcdn_fetcher_cancel", [_fetcher, c_uint64], c_int, _check)

# Announcer (announcer.h).
from ._types import AnnouncerOptions, AnnouncerPtr  # noqa: E402  (kept with its section)

_fn("p2pcdn_announce_to_json", [POINTER(Announce), _text_out, _size_out], c_int, _check)
_fn("p2pcdn_announcer_options_init", [POINTER(AnnouncerOptions), c_uint], c_int, _check)
_fn("p2pcdn_announcer_new", [POINTER(AnnouncerPtr), POINTER(AnnouncerOptions)], c_int, _check)
_fn("p2pcdn_announcer_free", [AnnouncerPtr], None)
_fn("p2pcdn_announcer_announce", [AnnouncerPtr, POINTER(Announce), POINTER(PeerListPtr)],
    c_int, _check)

# Policy (policy.h). Holdings go in as an array of Holding; decisions come out in bulk.
from ._types import (  # noqa: E402  (kept with its section)
    POLICY_CB,
    DecisionPtr,
    Holding,
    IngestItem,
    PolicyBudgetOptions,
    PolicyPtr,
    PolicyThresholdOptions,
    PolicyTtlOptions,
)

_policy = PolicyPtr
_policy_out = POINTER(PolicyPtr)
_decision = DecisionPtr
_fn("p2pcdn_policy_threshold_options_init", [POINTER(PolicyThresholdOptions), c_uint], c_int,
    _check)
_fn("p2pcdn_policy_budget_options_init", [POINTER(PolicyBudgetOptions), c_uint], c_int, _check)
_fn("p2pcdn_policy_ttl_options_init", [POINTER(PolicyTtlOptions), c_uint], c_int, _check)
_fn("p2pcdn_policy_new_threshold", [_policy_out, POINTER(PolicyThresholdOptions)], c_int, _check)
_fn("p2pcdn_policy_new_budget", [_policy_out, POINTER(PolicyBudgetOptions)], c_int, _check)
_fn("p2pcdn_policy_new_ttl", [_policy_out, POINTER(PolicyTtlOptions)], c_int, _check)
_fn("p2pcdn_policy_new_all", [_policy_out], c_int, _check)
_fn("p2pcdn_policy_new_none", [_policy_out], c_int, _check)
_fn("p2pcdn_policy_new_callback", [_policy_out, POLICY_CB, c_void_p], c_int, _check)
_fn("p2pcdn_policy_free", [_policy], None)
_fn("p2pcdn_policy_decide",
    [_policy, _stats, POINTER(Holding), c_size_t, _content, c_int64, POINTER(DecisionPtr)],
    c_int, _check)
_fn("p2pcdn_decision_free", [_decision], None)
_fn("p2pcdn_decision_counts", [_decision, _size_out, _size_out], c_int, _check)
_fn("p2pcdn_decision_ingest_at", [_decision, c_size_t, POINTER(IngestItem)], c_int, _check)
_fn("p2pcdn_decision_purge_at", [_decision, c_size_t, _size_out], c_int, _check)
_fn("p2pcdn_decision_ingests", [_decision, POINTER(IngestItem), c_size_t, _size_out], c_int,
    _check)
_fn("p2pcdn_decision_purges", [_decision, _size_out, c_size_t, _size_out], c_int, _check)
_fn("p2pcdn_decision_add_ingest", [_decision, c_size_t, c_uint32], c_int, _check)
_fn("p2pcdn_decision_add_purge", [_decision, c_size_t], c_int, _check)

# CDN client (cdn.h). Job ids are uint64_t; piece lists are size_t arrays; ingest bytes are an
# array of const void * with an array of lengths.
_cdn = CdnPtr
_size_array = POINTER(c_size_t)
_fn("p2pcdn_signer_options_init", [POINTER(SignerOptions), c_uint], c_int, _check)
_fn("p2pcdn_cdn_options_init", [POINTER(CdnOptions), c_uint], c_int, _check)
_fn("p2pcdn_css_options_init", [POINTER(CssOptions), c_uint], c_int, _check)
_fn("p2pcdn_cdn_job_info_init", [POINTER(CdnJobInfo), c_uint], c_int, _check)
_fn("p2pcdn_cdn_item_result_init", [POINTER(CdnItemResult), c_uint], c_int, _check)
_fn("p2pcdn_cdn_driver_metrics_init", [POINTER(CdnDriverMetrics), c_uint], c_int, _check)
_fn("p2pcdn_cdn_new", [POINTER(CdnPtr), POINTER(CdnOptions)], c_int, _check)
_fn("p2pcdn_cdn_free", [_cdn], None)
_fn("p2pcdn_cdn_ingest",
    [_cdn, c_char_p, _size_array, c_size_t, POINTER(c_void_p), _size_array, c_int64, CDN_JOB_CB,
     c_void_p, POINTER(c_uint64)], c_int, _check)
_fn("p2pcdn_cdn_ingest_from_css",
    [_cdn, _content, _size_array, c_size_t, POINTER(CssOptions), c_int64, CDN_JOB_CB, c_void_p,
     POINTER(c_uint64)], c_int, _check)
_fn("p2pcdn_cdn_purge",
    [_cdn, c_char_p, _size_array, c_size_t, CDN_JOB_CB, c_void_p, POINTER(c_uint64)], c_int,
    _check)
_fn("p2pcdn_cdn_step", [_cdn, c_int, _size_out], c_int, _check)
_fn("p2pcdn_cdn_wait", [_cdn, c_uint64, POINTER(c_int)], c_int, _check)
_fn("p2pcdn_cdn_cancel", [_cdn, c_uint64], c_int, _check)
_fn("p2pcdn_cdn_forget", [_cdn, c_uint64], c_int, _check)
_fn("p2pcdn_cdn_job_state", [_cdn, c_uint64, POINTER(c_int)], c_int, _check)
_fn("p2pcdn_cdn_job_status", [_cdn, c_uint64, POINTER(CdnJobInfo)], c_int, _check)
_fn("p2pcdn_cdn_job_item_count", [_cdn, c_uint64, _size_out], c_int, _check)
_fn("p2pcdn_cdn_job_item_at", [_cdn, c_uint64, c_size_t, POINTER(CdnItemResult)], c_int, _check)
_fn("p2pcdn_cdn_metrics", [_cdn, c_char_p, POINTER(CdnDriverMetrics)], c_int, _check)
_fn("p2pcdn_cdn_delivery_uri", [_cdn, c_char_p, c_size_t, c_char_p, c_size_t, _size_out], c_int,
    _check)

# NSCF (nscf.h). Holdings come out as a snapshot handle read item by item.
from ._types import (  # noqa: E402  (kept with its section)
    NscfHolding,
    NscfHoldingsPtr,
    NscfLinkCallbacks,
    NscfMetrics,
    NscfOptions,
    NscfPtr,
)

_nscf = NscfPtr
_holdings = NscfHoldingsPtr
_fn("p2pcdn_nscf_options_init", [POINTER(NscfOptions), c_uint], c_int, _check)
_fn("p2pcdn_nscf_link_callbacks_init", [POINTER(NscfLinkCallbacks), c_uint], c_int, _check)
_fn("p2pcdn_nscf_holding_init", [POINTER(NscfHolding), c_uint], c_int, _check)
_fn("p2pcdn_nscf_metrics_init", [POINTER(NscfMetrics), c_uint], c_int, _check)
_fn("p2pcdn_nscf_new", [POINTER(NscfPtr), POINTER(NscfOptions)], c_int, _check)
_fn("p2pcdn_nscf_free", [_nscf], None)
_fn("p2pcdn_nscf_join", [_nscf], c_int, _check)
_fn("p2pcdn_nscf_on_stats", [_nscf, _stats], c_int, _check)
_fn("p2pcdn_nscf_request_stats", [_nscf], c_int, _check)
_fn("p2pcdn_nscf_step", [_nscf, c_int, _size_out], c_int, _check)
_fn("p2pcdn_nscf_recover", [_nscf], c_int, _check)
_fn("p2pcdn_nscf_start", [_nscf, c_int], c_int, _check)
_fn("p2pcdn_nscf_stop", [_nscf], c_int, _check)
_fn("p2pcdn_nscf_running", [_nscf], c_int, _check)
_fn("p2pcdn_nscf_shutdown", [_nscf, c_int, c_int, POINTER(c_int)], c_int, _check)
_fn("p2pcdn_nscf_content_id", [_nscf], c_char_p, _check_ptr)
_fn("p2pcdn_nscf_metrics_get", [_nscf, POINTER(NscfMetrics)], c_int, _check)
_fn("p2pcdn_nscf_snapshot", [_nscf, POINTER(NscfHoldingsPtr)], c_int, _check)
_fn("p2pcdn_nscf_holdings_free", [_holdings], None)
_fn("p2pcdn_nscf_holdings_count", [_holdings, _size_out], c_int, _check)
_fn("p2pcdn_nscf_holdings_at", [_holdings, c_size_t, POINTER(NscfHolding)], c_int, _check)
_fn("p2pcdn_nscf_holdings_count_in", [_holdings, c_int, _size_out], c_int, _check)
