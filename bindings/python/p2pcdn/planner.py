"""Planner: which missing piece a UE requests next, and from a peer or a CDN source (planner.h,
docs/api.md "Planner"). No I/O: the host makes the requests and reports how each ended."""

import ctypes
from ctypes import byref
from dataclasses import dataclass

from . import _lib
from ._handle import Handle
from ._types import (
    CDN_FILL_FIRST,
    CDN_FILL_IDLE,
    CDN_FILL_OFF,
    PLAN_DONE,
    PLAN_FAILED,
    PLAN_GONE,
    PLANNER_OPTIONS_VERSION,
    SOURCE_CDN,
    SOURCE_PEER,
    PieceRequest as _CRequest,
    PlannerOptions,
    PlannerPtr,
)
from ._util import UINT32_MAX, UINT64_MAX, as_text, enum_code, signed64, unsigned
from .bitmap import live_handle
from .peerlist import PeerList

_SOURCE_NAMES = {SOURCE_PEER: "peer", SOURCE_CDN: "cdn"}
_OUTCOMES = {"done": PLAN_DONE, "failed": PLAN_FAILED, "gone": PLAN_GONE}
_CDN_FILL = {"off": CDN_FILL_OFF, "idle": CDN_FILL_IDLE, "first": CDN_FILL_FIRST}


@dataclass(frozen=True)
class PieceRequest:
    """One planned request. source is "peer" (peer_key says which) or "cdn" (cdn_index is the
    source's index in the peer list last given to set_sources); a source code newer than this
    binding stays an int."""

    piece: int
    source: str
    cdn_index: int
    peer_key: bytes


def _key(peer_key):
    # Keys are bytes of any value, as the host chose them; a str is taken as its UTF-8 bytes.
    # The library judges the length (1 to PEER_ID_MAX).
    return as_text(peer_key)[0]


class Planner(Handle):
    """The source planner of one content of piece_count pieces.

    Options (0 keeps the default; docs/api.md "Planner"): max_cdn_in_flight (4),
    max_per_peer_in_flight (4), streaming (off), window_pieces (16), piece_duration_ms (1000),
    peer_piece_ms (3000), rng_seed (random; fix it for a reproducible plan), max_peers (256),
    cdn_fill ("off"; "idle": the CDN also for pieces peers hold when no peer can take a
    request now, "first": the CDN's slots before the peers; both skip late peers).
    Times are Unix milliseconds, the clock of the CDN sources' expiry.

    Not locked: use one planner from one thread at a time. A closed planner raises
    InvalidArgument. A planner cannot be copied (the library has no copy for it).
    """

    _ptr_type = PlannerPtr
    _free = staticmethod(_lib.p2pcdn_planner_free)

    def __init__(self, piece_count, *, max_cdn_in_flight=0, max_per_peer_in_flight=0,
                 streaming=False, window_pieces=0, piece_duration_ms=0, peer_piece_ms=0,
                 rng_seed=0, max_peers=0, cdn_fill="off"):
        opts = PlannerOptions()
        _lib.p2pcdn_planner_options_init(byref(opts), PLANNER_OPTIONS_VERSION)
        opts.max_cdn_in_flight = unsigned(max_cdn_in_flight, "max_cdn_in_flight", UINT32_MAX)
        opts.max_per_peer_in_flight = unsigned(max_per_peer_in_flight,
                                               "max_per_peer_in_flight", UINT32_MAX)
        opts.streaming = 1 if streaming else 0
        opts.window_pieces = unsigned(window_pieces, "window_pieces")
        opts.piece_duration_ms = unsigned(piece_duration_ms, "piece_duration_ms", UINT32_MAX)
        opts.peer_piece_ms = unsigned(peer_piece_ms, "peer_piece_ms", UINT32_MAX)
        opts.rng_seed = unsigned(rng_seed, "rng_seed", UINT64_MAX)
        opts.max_peers = unsigned(max_peers, "max_peers", UINT32_MAX)
        opts.cdn_fill = enum_code(_CDN_FILL, cdn_fill, "cdn_fill")
        handle = PlannerPtr()
        _lib.p2pcdn_planner_new(byref(handle), unsigned(piece_count, "piece_count"),
                                byref(opts))
        self._h = handle

    def copy(self):
        raise TypeError("a Planner cannot be copied")

    __copy__ = copy

    def __deepcopy__(self, memo):
        return self.copy()

    # -- what the UE and its peers hold ---------------------------------------------------------

    def set_have(self, bitmap):
        """The UE's own pieces (a Bitmap of piece_count pieces)."""
        _lib.p2pcdn_planner_set_have(self._h, live_handle(bitmap, "bitmap"))

    def set_peer(self, peer_key, bitmap):
        """Adds a connected peer or replaces its bitmap. LimitReached beyond max_peers."""
        key = _key(peer_key)
        _lib.p2pcdn_planner_peer_set(self._h, key, len(key), live_handle(bitmap, "bitmap"))

    def peer_have(self, peer_key, piece):
        """The peer announced one more piece (a HAVE). NotFound for an unknown key."""
        key = _key(peer_key)
        _lib.p2pcdn_planner_peer_have(self._h, key, len(key), unsigned(piece, "piece"))

    def peer_have_many(self, peer_key, pieces):
        """Several HAVEs of one peer in one call; all or nothing (OutOfRange for any piece out
        of range records none)."""
        key = _key(peer_key)
        values = [unsigned(p, "piece") for p in pieces]
        arr = (ctypes.c_size_t * len(values))(*values)
        _lib.p2pcdn_planner_peer_have_many(self._h, key, len(key), arr if values else None,
                                           len(values))

    def remove_peer(self, peer_key):
        """Forgets the peer; its requests in flight are planned again. NotFound if unknown."""
        key = _key(peer_key)
        _lib.p2pcdn_planner_peer_remove(self._h, key, len(key))

    def set_sources(self, peer_list):
        """Copies the CDN sources of a PeerList, replacing the previous ones."""
        if not isinstance(peer_list, PeerList):
            raise TypeError(f"set_sources needs a PeerList, not {type(peer_list).__name__}")
        # A closed list's NULL handle is refused by the library (InvalidArgument).
        _lib.p2pcdn_planner_set_sources(self._h, peer_list._h)

    def set_position(self, piece, now_ms):
        """Streaming: playback is at the start of piece at now_ms."""
        _lib.p2pcdn_planner_set_position(self._h, unsigned(piece, "piece"),
                                         signed64(now_ms, "now_ms"))

    # -- requests -------------------------------------------------------------------------------

    def next(self, now_ms, max_requests=16):
        """Plans at most max_requests requests and marks them in flight: a list of
        PieceRequest in the order chosen, empty when nothing can be planned now."""
        cap = unsigned(max_requests, "max_requests")
        buf = (_CRequest * cap)()
        count = ctypes.c_size_t()
        # buf may be NULL only with cap 0; a zero-length ctypes array is not NULL.
        _lib.p2pcdn_planner_next(self._h, signed64(now_ms, "now_ms"), buf if cap else None,
                                 cap, byref(count))
        return [
            PieceRequest(
                piece=r.piece,
                source=_SOURCE_NAMES.get(r.source, r.source),
                cdn_index=r.cdn_index,
                peer_key=bytes(r.peer_key)[: r.peer_key_len],
            )
            for r in buf[: count.value]
        ]

    def done(self, piece, outcome="done"):
        """Ends the request for piece: "done" (the UE holds it now; any piece), "failed" (wanted
        again) or "gone" (the source no longer serves it). InvalidState for "failed" or "gone"
        on a piece not in flight."""
        _lib.p2pcdn_planner_done(self._h, unsigned(piece, "piece"),
                                 enum_code(_OUTCOMES, outcome, "outcome"))

    def set_cdn_limit(self, max_cdn_in_flight):
        """Sets max_cdn_in_flight from the next plan on; 0 stops new CDN requests. Requests in
        flight above the new limit stay in flight."""
        _lib.p2pcdn_planner_set_cdn_limit(
            self._h, unsigned(max_cdn_in_flight, "max_cdn_in_flight", UINT32_MAX))

    @property
    def in_flight(self):
        """(CDN requests, peer requests) in flight now."""
        cdn, peers = ctypes.c_size_t(), ctypes.c_size_t()
        _lib.p2pcdn_planner_in_flight(self._h, byref(cdn), byref(peers))
        return cdn.value, peers.value

    def __repr__(self):
        if self._h is None:
            return "<Planner closed>"
        cdn, peers = self.in_flight
        return f"<Planner: {cdn} CDN and {peers} peer requests in flight>"
