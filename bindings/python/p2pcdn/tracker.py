"""Tracker: the swarms of a tracker (the Tracker AS of TR 23.844).

Callbacks (the clock, statistics subscriptions) are C function pointers made from Python
callables. Two rules follow from that:
  - a CFUNCTYPE object must outlive every call the library may make through it, and must not
    be freed while a call through it is still returning; the tracker therefore keeps each one
    until it is provably idle (see _reap);
  - an exception cannot cross the C frames, so it is stored and raised again on the Python
    side, from the next step() or stop().
"""

import ctypes
import threading
from ctypes import byref
from dataclasses import dataclass

from . import _lib
from ._announce import AnnounceStruct, peer_id_bytes
from ._callback_errors import PendingErrors
from ._errors import InvalidArgument, _last_error_text, error_for
from ._handle import Handle
from ._types import (
    CDN_SOURCE_VERSION,
    CLOCK_CB,
    COPIES_AUTO,
    COPIES_PLAIN,
    COPIES_RUNS,
    STATS_CB,
    TRACKER_OPTIONS_VERSION,
    CdnSource,
    PeerListPtr,
    StatsPtr,
    TrackerOptions,
    TrackerPtr,
)
from ._util import (
    UINT32_MAX,
    UINT64_MAX,
    as_cstring,
    as_text,
    enum_code,
    signed64,
    unsigned,
)
from .bitmap import live_handle as _bitmap_handle
from .peerlist import PeerList
from .stats import Stats

_COPIES = {"auto": COPIES_AUTO, "plain": COPIES_PLAIN, "runs": COPIES_RUNS}


@dataclass(frozen=True)
class HttpAnswer:
    """What an HTTP front-end sends back for one request (tracker_http.h): the status, the
    body, and the library's code: 0, or the P2PCDN_E* code of the failure the body reports
    (the JSON error answer, or a bencoded failure reason)."""

    status: int
    body: bytes
    code: int


def _take(answer, size):
    """The bytes of a library-allocated answer, which is released."""
    try:
        return ctypes.string_at(answer.value, size.value)
    finally:
        _lib.p2pcdn_free(answer)


class _Shared(PendingErrors):
    """What the C callbacks reach: the stored exceptions and which thread is inside a
    callback. Kept apart from the Tracker so that a callback does not reference the tracker
    (no reference cycle through the handle)."""

    def __init__(self):
        super().__init__()
        self.local = threading.local()

    def active(self):
        """The subscriptions whose callback runs on this thread now (innermost last)."""
        stack = getattr(self.local, "stack", None)
        if stack is None:
            stack = self.local.stack = []
        return stack


class _Subscription:
    __slots__ = ("thunk", "ended")

    def __init__(self):
        self.thunk = None
        self.ended = False  # the library will not call it again


def _clock_thunk(clock, shared):
    last = [0]  # what a failing clock answers instead: time must not jump back to 1970

    def tick(payload):
        try:
            now = signed64(int(clock()), "clock()")
        except BaseException as exc:  # cannot cross the C frames; raised from step()/stop()
            shared.record(exc)
            return last[0]
        last[0] = now
        return now

    return CLOCK_CB(tick)


def _stats_thunk(callback, sub, shared):
    def deliver(stats_ptr, payload):
        shared.active().append(sub)
        try:
            # The library lends the snapshot for this call only; the callback gets a copy it
            # may keep.
            handle = StatsPtr()
            _lib.p2pcdn_stats_copy(byref(handle), StatsPtr(stats_ptr))
            result = callback(Stats._adopt(handle))
        except BaseException as exc:
            # Stored for step()/stop(); the subscription goes on, as a failing report should
            # not silently end a monitoring loop.
            shared.record(exc)
            return 0
        finally:
            shared.active().pop()
        if result is None or result:
            return 0
        sub.ended = True
        return 1

    return STATS_CB(deliver)


class Tracker(Handle):
    """A tracker: per content, a swarm of peers with their bitmaps and the copies of every
    piece; peer lists for announce answers; statistics on demand or by subscription.

    Safe to use from many threads at once. Statistics callbacks run on the thread calling
    step(), or, after start(), on the tracker's own thread: a different Python thread from
    the caller's, so a callback that shares data with the rest of the program must lock it.
    Callbacks may call the tracker. The clock is called with tracker locks held, from any
    thread: it must not call the tracker.

    An exception raised by a callback or the clock is stored and raised again by the next
    step() or stop() (the first one, with a note counting any others); close() drops them.
    A closed tracker raises InvalidArgument. A tracker cannot be copied.
    """

    _ptr_type = TrackerPtr
    _free = staticmethod(_lib.p2pcdn_tracker_free)
    # Class defaults, so close() and __del__ work when __init__ failed early.
    _shared = None
    _subs = None
    _clock = None
    _running = False
    _stepping = 0

    def __init__(self, max_swarms=0, max_peers_per_swarm=0, max_pieces=0, create_swarms=True,
                 interval=0, min_interval=0, peer_timeout_ms=0, rng_seed=0, clock=None,
                 max_cdn_sources=0, max_cdn_per_answer=0):
        """Zero keeps each limit's default (docs/api.md, "Tracker"). interval and min_interval
        are the seconds announce answers give; clock() returns Unix time in ms (for tests).
        max_cdn_sources bounds the CDN sources per content (default 64), max_cdn_per_answer
        those in one answer (default 8)."""
        self._shared = _Shared()
        self._subs = {}  # subscription id -> _Subscription, until provably idle
        opts = TrackerOptions()
        _lib.p2pcdn_tracker_options_init(byref(opts), TRACKER_OPTIONS_VERSION)
        opts.max_swarms = unsigned(max_swarms, "max_swarms", UINT32_MAX)
        opts.max_peers_per_swarm = unsigned(max_peers_per_swarm, "max_peers_per_swarm",
                                            UINT32_MAX)
        opts.max_pieces = unsigned(max_pieces, "max_pieces")
        opts.no_create_swarms = 0 if create_swarms else 1
        opts.interval_s = unsigned(interval, "interval", UINT32_MAX)
        opts.min_interval_s = unsigned(min_interval, "min_interval", UINT32_MAX)
        opts.peer_timeout_ms = signed64(peer_timeout_ms, "peer_timeout_ms")
        opts.rng_seed = unsigned(rng_seed, "rng_seed", UINT64_MAX)
        opts.max_cdn_sources = unsigned(max_cdn_sources, "max_cdn_sources", UINT32_MAX)
        opts.max_cdn_per_answer = unsigned(max_cdn_per_answer, "max_cdn_per_answer",
                                           UINT32_MAX)
        if clock is not None:
            if not callable(clock):
                raise TypeError(f"clock must be callable, not {type(clock).__name__}")
            # Kept on the object: the library calls it until the tracker is freed.
            self._clock = _clock_thunk(clock, self._shared)
            opts.clock = self._clock
        handle = TrackerPtr()
        _lib.p2pcdn_tracker_new(byref(handle), byref(opts))
        self._h = handle

    def copy(self):
        raise TypeError("a Tracker cannot be copied")

    __copy__ = copy

    def __deepcopy__(self, memo):
        return self.copy()

    # -- swarms ---------------------------------------------------------------------------------

    def add_content(self, content_id, piece_count):
        """Makes a swarm. The same piece count again is fine; another is AlreadyExists."""
        _lib.p2pcdn_tracker_add_content(
            self._h, as_cstring(content_id, "content_id"), unsigned(piece_count, "piece_count")
        )

    def remove_content(self, content_id):
        _lib.p2pcdn_tracker_remove_content(self._h, as_cstring(content_id, "content_id"))

    @property
    def content_count(self):
        out = ctypes.c_size_t()
        _lib.p2pcdn_tracker_content_count(self._h, byref(out))
        return out.value

    # -- announces ------------------------------------------------------------------------------

    def announce(self, content_id, peer_id, address, port, *, piece_count=0, role="user",
                 event="update", bitmap=None, have=(), donthave=(), numwant=None,
                 selection="random", include_network_peers=True, uploaded=0, downloaded=0):
        """Applies an announce and returns the answer (a PeerList, never holding the
        requester). All or nothing: a failed announce changes no swarm.

        bitmap is the peer's whole Bitmap; have/donthave are the piece indices gained and lost
        since its last announce (not together with bitmap). numwant: None for the library's
        default (50), 0 for no peers. role: "user" or "network"; event: "update", "started",
        "completed" or "stopped"; selection: "random" or "complementary" (prefer peers holding
        many pieces the requester lacks).
        """
        if address is None:  # the in-process tracker has no connection to take it from
            raise TypeError("address must be given")
        a = AnnounceStruct(content_id, peer_id, address, port, piece_count=piece_count,
                           role=role, event=event, bitmap=bitmap, have=have, donthave=donthave,
                           numwant=numwant, selection=selection,
                           include_network_peers=include_network_peers, uploaded=uploaded,
                           downloaded=downloaded)
        out = PeerListPtr()
        _lib.p2pcdn_tracker_announce(self._h, a.ref, byref(out))
        return PeerList._adopt(out)

    def leave(self, content_id, peer_id):
        """Removes a peer; NotFound if it was not there."""
        pid = peer_id_bytes(peer_id)
        _lib.p2pcdn_tracker_leave(self._h, as_cstring(content_id, "content_id"), pid, len(pid))

    def expire(self):
        """Removes peers not heard from for peer_timeout_ms; returns how many."""
        out = ctypes.c_size_t()
        _lib.p2pcdn_tracker_expire(self._h, byref(out))
        return out.value

    def stats(self, content_id):
        """A snapshot of one swarm now (NotFound if unknown)."""
        out = StatsPtr()
        _lib.p2pcdn_tracker_stats(self._h, as_cstring(content_id, "content_id"), byref(out))
        return Stats._adopt(out)

    # -- CDN sources (TR 23.844 steps 5, 10 and 11) -----------------------------------------

    def publish_cdn(self, content_id, uri, pieces, expires_s, ranged=False):
        """Publishes a CDN source, or replaces the one with the same URI. uri is an http(s)
        URI template ({piece}: the decimal index, {content}: the percent-encoded content id),
        or with ranged=True the whole content object, fetched by byte Range. pieces is a
        Bitmap of the content's piece count; expires_s Unix seconds, in the future. Answers
        carry the source, restricted to what each requester lacks, until it expires."""
        src = CdnSource()
        _lib.p2pcdn_cdn_source_init(byref(src), CDN_SOURCE_VERSION)
        # The struct's pointers are locals of this frame, alive through the call.
        uri_bytes = as_cstring(uri, "uri")
        src.uri = uri_bytes
        src.pieces = _bitmap_handle(pieces, "pieces")
        src.expires_s = signed64(expires_s, "expires_s")
        src.ranged = 1 if ranged else 0
        _lib.p2pcdn_tracker_publish_cdn(self._h, as_cstring(content_id, "content_id"),
                                        byref(src))

    def withdraw_cdn(self, content_id, uri=None, pieces=None):
        """Withdraws pieces (None: all) from the source with this URI (None: from every
        source); a source left empty is removed. Effective from the very next answer.
        NotFound for an unknown content or URI."""
        _lib.p2pcdn_tracker_withdraw_cdn(
            self._h,
            as_cstring(content_id, "content_id"),
            None if uri is None else as_cstring(uri, "uri"),
            None if pieces is None else _bitmap_handle(pieces, "pieces"),
        )

    # -- subscriptions --------------------------------------------------------------------------

    def subscribe(self, callback, interval_ms, content_id=None):
        """Calls callback(stats) with a Stats of one content (None or "": every content) every
        interval_ms, the first at once; returns the subscription id. The Stats is the
        callback's to keep. Returning None or True goes on; False ends the subscription.
        Reports are delivered by step() or, after start(), by the tracker's thread."""
        if not callable(callback):
            raise TypeError(f"callback must be callable, not {type(callback).__name__}")
        sub = _Subscription()
        sub.thunk = _stats_thunk(callback, sub, self._shared)
        out = ctypes.c_uint64()
        cid = None if content_id is None else as_cstring(content_id, "content_id")
        _lib.p2pcdn_tracker_subscribe(
            self._h, cid, signed64(interval_ms, "interval_ms"), sub.thunk, None, byref(out)
        )
        self._subs[out.value] = sub
        return out.value

    def unsubscribe(self, sub_id):
        """Ends a subscription, waiting for its callback in flight unless called from it.
        NotFound if unknown, including one its callback already ended by returning False."""
        sub_id = unsigned(sub_id, "subscription id", UINT64_MAX)
        _lib.p2pcdn_tracker_unsubscribe(self._h, sub_id)
        sub = self._subs.get(sub_id)
        if sub is not None:
            sub.ended = True
            # Nothing runs through it now, unless this is its own callback: then _reap drops
            # it once the callback has returned.
            if sub not in self._shared.active():
                self._subs.pop(sub_id, None)

    def _reap(self):
        """Drops the thunks of ended subscriptions once no call through them can be in flight:
        no tracker thread, no other step() running, not inside a callback."""
        if self._running or self._stepping or self._shared.active():
            return
        for sub_id, sub in list(self._subs.items()):
            if sub.ended:
                self._subs.pop(sub_id, None)

    def step(self):
        """Host-driven mode: delivers the reports that are due (on this thread) and expires
        silent peers. Returns the ms until the next report is due, -1 without subscriptions.
        Raises the first exception a callback or the clock raised since the last step()/stop().
        """
        next_ms = ctypes.c_int64()
        with self._shared.lock:
            self._stepping += 1
        try:
            _lib.p2pcdn_tracker_step(self._h, byref(next_ms))
        finally:
            with self._shared.lock:
                self._stepping -= 1
        self._reap()
        self._shared.raise_pending()
        return next_ms.value

    def start(self):
        """Self-driven mode: a tracker thread delivers the reports. InvalidState if running."""
        _lib.p2pcdn_tracker_start(self._h)
        self._running = True

    def stop(self):
        """Stops the tracker's thread, then raises the first exception a callback or the clock
        raised since the last step()/stop()."""
        _lib.p2pcdn_tracker_stop(self._h)
        self._running = False
        self._reap()
        self._shared.raise_pending()

    # -- serving over HTTP (tracker_http.h) -------------------------------------------------

    def _serve(self, handler, args, status=None):
        if self._h is None:
            raise InvalidArgument("the tracker is closed")
        answer = ctypes.c_void_p()
        size = ctypes.c_size_t()
        code = handler(self._h, *args, byref(answer), byref(size))
        if not answer.value:  # out of memory: no answer to send
            raise error_for(code, _last_error_text())
        body = _take(answer, size)
        if status is None:
            status = _lib.p2pcdn_tracker_http_status(code)
        return HttpAnswer(status, body, code)

    def handle_announce_json(self, body, remote_addr=None):
        """POST /announce: applies a JSON announce request (bytes or str) and returns an
        HttpAnswer with the JSON peer list, or with the JSON error answer and its status
        (400 for a malformed request, ...). The peer's address is the request's "ip", else
        remote_addr (the connection's). A failed request changes nothing."""
        data, n = as_text(body)
        remote = None if remote_addr is None else as_cstring(remote_addr, "remote_addr")
        return self._serve(_lib.p2pcdn_tracker_handle_announce_json, (data, n, remote))

    def handle_bt_announce(self, query, remote_addr=None):
        """GET /announce: a BitTorrent announce query (what follows '?', still
        percent-encoded); the body is the bencoded peer list or a "failure reason", and the
        status always 200, as BitTorrent clients read a failure reason only from a 200."""
        data, n = as_text(query)
        remote = None if remote_addr is None else as_cstring(remote_addr, "remote_addr")
        return self._serve(_lib.p2pcdn_tracker_handle_bt_announce, (data, n, remote), status=200)

    def handle_publish_json(self, body):
        """POST /cdn/publish: publishes every source of the message or none."""
        data, n = as_text(body)
        return self._serve(_lib.p2pcdn_tracker_handle_publish_json, (data, n))

    def handle_withdraw_json(self, body):
        """POST /cdn/withdraw: the acknowledgement says how many sources lost pieces;
        an unknown content or URI is status 404."""
        data, n = as_text(body)
        return self._serve(_lib.p2pcdn_tracker_handle_withdraw_json, (data, n, None))

    def stats_json(self, content_id, encoding="auto"):
        """GET /stats/<content>: the statistics report now, as JSON text (NotFound for an
        unknown content). encoding: "auto", "plain" or "runs" (see Stats.to_json)."""
        answer = ctypes.c_void_p()
        size = ctypes.c_size_t()
        _lib.p2pcdn_tracker_stats_json(self._h, as_cstring(content_id, "content_id"),
                                       enum_code(_COPIES, encoding, "copies encoding"),
                                       byref(answer), byref(size))
        return _take(answer, size).decode("utf-8")

    @staticmethod
    def http_status(code):
        """The HTTP status for a handler's code (200, 400, 404, 409, 503 or 500)."""
        return _lib.p2pcdn_tracker_http_status(code)

    @staticmethod
    def error_json(code, message):
        """The JSON error answer for a front-end's own failure (an unknown path, ...)."""
        answer = ctypes.c_void_p()
        size = ctypes.c_size_t()
        _lib.p2pcdn_tracker_error_json(code, as_cstring(message, "message"), byref(answer),
                                       byref(size))
        return _take(answer, size)

    @staticmethod
    def parse_subscribe(body):
        """POST /subscribe: (content_id, url, interval_ms) of a statistics subscription;
        ParseError or LimitReached when malformed."""
        data, n = as_text(body)
        content = ctypes.c_void_p()
        url = ctypes.c_void_p()
        interval = ctypes.c_int64()
        _lib.p2pcdn_tracker_parse_subscribe(data, n, byref(content), byref(url),
                                            byref(interval))
        try:
            return (ctypes.string_at(content.value).decode("utf-8"),
                    ctypes.string_at(url.value).decode("ascii"), interval.value)
        finally:
            _lib.p2pcdn_free(content)
            _lib.p2pcdn_free(url)

    def close(self):
        """Stops the tracker's thread, waits for callbacks in flight and frees the tracker.
        Exceptions still stored from callbacks are dropped."""
        handle, self._h = self._h, None
        if handle is not None:
            self._free(handle)
        self._running = False
        # From inside a callback, that callback's thunk is still returning: keep every thunk
        # until this object itself goes.
        if self._shared is not None and not self._shared.active():
            self._subs.clear()
            self._clock = None

    def __repr__(self):
        if self._h is None:
            return "<Tracker closed>"
        mode = "running" if self._running else "host-driven"
        return f"<Tracker {self.content_count} contents, {mode}>"
