"""Nscf: the Network Storage Control Function (nscf.h, docs/api.md "NSCF").

An Nscf joins one content's swarm as a network peer, runs a Policy on the swarm's statistics,
ingests the pieces it picks into the CDN, publishes the confirmed uploads to the tracker,
and withdraws then purges what the policy lets go. Every change is journaled to a file first,
so a new Nscf on the same journal recovers what a crash left.

The tracker is a p2pcdn.Tracker in this process, the base URL of a `p2pcdn tracker` daemon,
or a TrackerLink written in Python. The policy may be written in Python too
(Policy.from_callable).

Python code the Nscf calls (a Python policy, a TrackerLink, the clock) runs on the thread
calling step(), join(), request_stats(), recover() or shutdown(), or on the controller thread
between start() and stop(). An exception it raises cannot cross the C frames: the library
counts a link or policy failure (metrics()) and tries again later; the exception is kept and
raised from join() and request_stats(), and from step() for a Python policy's.
"""

import ctypes
from ctypes import byref
from dataclasses import dataclass, fields
from functools import partial

from . import _lib
from ._errors import EUSER
from ._global_handle import GlobalHandle
from ._types import (
    CLOCK_CB,
    NSCF_FETCH_STATS_CB,
    NSCF_HOLDING_VERSION,
    NSCF_JOIN_CB,
    NSCF_LINK_CALLBACKS_VERSION,
    NSCF_EVENT_CB,
    NSCF_METRICS_VERSION,
    NSCF_OPTIONS_VERSION,
    NSCF_PUBLISH_CB,
    NSCF_WITHDRAW_CB,
    BitmapPtr,
    NscfHolding as _CHolding,
    NscfHoldingsPtr,
    NscfLinkCallbacks,
    NscfMetrics as _CMetrics,
    NscfOptions,
    NscfPtr,
    StatsPtr,
)
from ._util import UINT32_MAX, as_cstring, as_path, as_text, signed64, unsigned
from .bitmap import Bitmap
from .cdn import _cdn_options, _css_options
from .content import Content
from .peerlist import CdnSource
from .policy import Policy
from .stats import Stats
from .tracker import Tracker

INT_MAX = 2**31 - 1
_STATES = ("ingesting", "stored", "published", "withdrawn", "purging")


@dataclass(frozen=True)
class NscfHolding:
    """One piece the Nscf holds in the CDN. state: "ingesting", "stored", "published",
    "withdrawn" or "purging"; times are Unix ms; advertised_expires_at_ms is 0 unless
    published, purge_attempts 0 unless purging."""

    piece: int
    state: str
    uri: str
    bytes: int
    ingested_at_ms: int
    object_expires_at_ms: int
    advertised_expires_at_ms: int
    purge_attempts: int


@dataclass(frozen=True)
class NscfMetrics:
    """Counters since the Nscf was made (p2pcdn_nscf_metrics)."""

    rounds: int
    pieces_ingested: int
    bytes_ingested: int
    pieces_purged: int
    bytes_purged: int
    pieces_expired: int
    bytes_expired: int
    publishes: int
    withdrawals: int
    renewals: int
    deferred: int
    ingest_failures: int
    purge_failures: int
    link_failures: int
    policy_failures: int
    uncertain_settled: int
    storage_byte_seconds: float
    reuploads: int


@dataclass(frozen=True)
class NscfEvent:
    """One decision or action of the Nscf (p2pcdn_nscf_event; docs/api.md "NSCF events").
    name: "round", "ingest_started", "ingest_confirmed", "published", "tracker_updated",
    "withdrawn", "purge_started", "purged", "expired", "link_failed", "recovered", ...; kind:
    its P2PCDN_NSCF_EVENT_* value. pieces: the batch's piece indexes, ascending (pieces_text
    the same as piece ranges). Fields the kind does not name are 0, False or None."""

    kind: int
    name: str
    time_ms: int
    pieces: tuple
    pieces_text: str
    bytes: int
    uri: str
    ttl_s: int
    expires_at_ms: int
    seq: int
    min_copies: int
    ingest_count: int
    purge_count: int
    deferred: int
    held: int
    uncertain: bool
    error: int
    message: str
    operation: str


def _ranges(text):
    out = []
    for item in filter(None, text.split(",")):
        first, _, last = item.partition("-")
        out.extend(range(int(first), int(last or first) + 1))
    return tuple(out)


def _text(value):
    return None if value is None else value.decode("utf-8", "replace")


def _event_from(e):
    return NscfEvent(
        kind=e.kind, name=_text(e.name), time_ms=e.time_ms,
        pieces=_ranges(_text(e.pieces_text) or ""), pieces_text=_text(e.pieces_text) or "",
        bytes=e.bytes, uri=_text(e.uri), ttl_s=e.ttl_s, expires_at_ms=e.expires_at_ms,
        seq=e.seq, min_copies=e.min_copies, ingest_count=e.ingest_count,
        purge_count=e.purge_count, deferred=e.deferred, held=e.held,
        uncertain=bool(e.uncertain), error=e.error, message=_text(e.message),
        operation=_text(e.operation))


class TrackerLink:
    """A tracker link written in Python: subclass it (or give any object with these four
    methods). Each returns once its change took effect at the tracker, or raises."""

    def join(self, content_id, piece_count, peer_id, address, port):
        """Announce the Nscf (peer_id: bytes) to the swarm as a network peer."""
        raise NotImplementedError

    def fetch_stats(self, content_id):
        """The content's statistics now: a Stats."""
        raise NotImplementedError

    def publish(self, content_id, source):
        """Add the CdnSource, or replace the one with the same uri."""
        raise NotImplementedError

    def withdraw(self, content_id, uri, pieces):
        """Remove pieces (a Bitmap; None: all) from the source with this uri. An unknown
        content or uri is not an error: it is already withdrawn."""
        raise NotImplementedError


def _bitmap_copy(address):
    """A Bitmap of our own from a borrowed p2pcdn_bitmap address."""
    handle = BitmapPtr()
    _lib.p2pcdn_bitmap_copy(byref(handle), BitmapPtr(address))
    return Bitmap._adopt(handle)


class _PythonLink:
    """A TrackerLink as p2pcdn_nscf_link_callbacks. The thunks live as long as this object,
    which the Nscf keeps; a raised exception becomes EUSER and is kept in `error`."""

    def __init__(self, link):
        for name in ("join", "fetch_stats", "publish", "withdraw"):
            if not callable(getattr(link, name, None)):
                raise TypeError(f"a tracker link needs a callable {name}()")
        self.link = link
        self.error = None
        self.callbacks = NscfLinkCallbacks()
        _lib.p2pcdn_nscf_link_callbacks_init(byref(self.callbacks), NSCF_LINK_CALLBACKS_VERSION)
        self.callbacks.join = NSCF_JOIN_CB(self._guarded(self._join))
        self.callbacks.fetch_stats = NSCF_FETCH_STATS_CB(self._guarded(self._fetch_stats))
        self.callbacks.publish = NSCF_PUBLISH_CB(self._guarded(self._publish))
        self.callbacks.withdraw = NSCF_WITHDRAW_CB(self._guarded(self._withdraw))

    def _guarded(self, body):
        def call(*args):
            try:
                body(*args)
            except BaseException as exc:  # nothing may unwind into the C frames
                self.error = exc
                return EUSER
            return 0

        return call

    def _join(self, content_id, piece_count, peer_id, peer_id_len, address, port, _payload):
        self.link.join(content_id.decode("utf-8"), piece_count,
                       ctypes.string_at(peer_id, peer_id_len), address.decode("ascii"), port)

    def _fetch_stats(self, content_id, out, _payload):
        stats = self.link.fetch_stats(content_id.decode("utf-8"))
        if not isinstance(stats, Stats):
            raise TypeError(f"fetch_stats must return a Stats, not {type(stats).__name__}")
        handed = StatsPtr()
        _lib.p2pcdn_stats_copy(byref(handed), stats._h)  # the library owns this copy
        out[0] = handed.value

    def _publish(self, content_id, source, _payload):
        s = source.contents
        self.link.publish(
            content_id.decode("utf-8"),
            CdnSource(s.uri.decode("utf-8"), _bitmap_copy(s.pieces.value), s.expires_s,
                      bool(s.ranged)))

    def _withdraw(self, content_id, uri, pieces, _payload):
        self.link.withdraw(content_id.decode("utf-8"), uri.decode("utf-8"),
                           None if pieces is None else _bitmap_copy(pieces))

    def take_error(self):
        error, self.error = self.error, None
        return error


class Nscf(GlobalHandle):
    """The NSCF of one content.

    content: the Content (layout and piece hashes). cdn: the keyword arguments of Cdn
    (delivery_template first) for the client the Nscf makes for itself; its delivery
    template is what the tracker is told. css: where ingests get the bytes, a dict with
    object_url or piece_template (and signer); None: nowhere (a CI/T preposition chain).
    policy: a Policy. tracker: a Tracker, a tracker daemon's base URL (str), or a
    TrackerLink. journal_path: the journal file (made when missing, locked while the Nscf
    lives). peer_id (1 to 20 bytes), address, port: the Nscf as a peer of the swarm.
    controller_id, safety_margin_ms (60000), advertisement_ms (up to the TTL less the margin),
    default_ttl_s (3600), link_retry_ms (1000), purge_retry_ms (1000): as in nscf.h; 0 keeps
    the default. recover_on_start: run recover() now. clock: a callable giving Unix ms.
    on_event: a callable given each NscfEvent, in order, on the thread the rounds run on (the
    events of the recovery before the constructor returns, and only when it succeeds); it
    must not call this Nscf. An exception it raises is kept in `event_error` (the first one)
    and the Nscf goes on.

    The Policy and the Tracker must stay open while the Nscf lives (it keeps references to
    them, but close() on them would free them under it). Use an Nscf from one thread at a time;
    between start() and stop() only on_stats, holdings, metrics, stop, shutdown and close.
    Takes a reference on the library's global setup for its lifetime. It cannot be copied.
    """

    _ptr_type = NscfPtr
    _free = staticmethod(_lib.p2pcdn_nscf_free)
    _noun = "an Nscf"
    _policy = None
    _tracker = None
    _link = None
    _clock = None
    _on_event = None
    event_error = None

    def __init__(self, content, *, cdn, policy, tracker, journal_path, peer_id, address,
                 port=0, css=None, controller_id=None, safety_margin_ms=0, advertisement_ms=0,
                 default_ttl_s=0, link_retry_ms=0, purge_retry_ms=0, recover_on_start=True,
                 clock=None, on_event=None):
        if not isinstance(content, Content):
            raise TypeError(f"content must be a Content, not {type(content).__name__}")
        if not isinstance(policy, Policy):
            raise TypeError(f"policy must be a Policy, not {type(policy).__name__}")
        if not isinstance(cdn, dict):
            raise TypeError("cdn must be a dict of Cdn's keyword arguments")
        cdn = dict(cdn)
        if cdn.get("delivery_template") is None:
            raise TypeError("cdn needs a delivery_template")
        cdn_opts, _arrays = _cdn_options(cdn.pop("delivery_template", None), **cdn)
        opts = NscfOptions()
        _lib.p2pcdn_nscf_options_init(byref(opts), NSCF_OPTIONS_VERSION)
        # Everything the struct points to is held by `opts` or these locals until
        # p2pcdn_nscf_new has copied it.
        opts.content = content._h
        if css is not None:
            css_opts = _css_options(css.get("object_url"), css.get("piece_template"),
                                    css.get("signer"))
            opts.css = ctypes.pointer(css_opts)
        opts.cdn = ctypes.pointer(cdn_opts)
        opts.policy = policy._h
        if isinstance(tracker, Tracker):
            opts.tracker = tracker._h
        elif isinstance(tracker, str):
            opts.tracker_url = as_cstring(tracker, "tracker")
        else:
            self._link = _PythonLink(tracker)
            opts.link_callbacks = ctypes.pointer(self._link.callbacks)
        opts.journal_path = as_path(journal_path)
        opts.controller_id = None if controller_id is None else as_cstring(controller_id,
                                                                           "controller_id")
        opts.safety_margin_ms = signed64(safety_margin_ms, "safety_margin_ms")
        opts.advertisement_ms = signed64(advertisement_ms, "advertisement_ms")
        opts.default_ttl_s = unsigned(default_ttl_s, "default_ttl_s", UINT32_MAX)
        opts.link_retry_ms = signed64(link_retry_ms, "link_retry_ms")
        opts.purge_retry_ms = signed64(purge_retry_ms, "purge_retry_ms")
        peer = as_text(peer_id)[0]
        opts.peer_id = ctypes.cast(ctypes.c_char_p(peer), ctypes.c_void_p).value if peer else None
        opts.peer_id_len = len(peer)
        opts.address = as_cstring(address, "address")
        opts.port = unsigned(port, "port", 65535)
        opts.no_recover_on_start = 0 if recover_on_start else 1
        if clock is not None:
            if not callable(clock):
                raise TypeError("clock must be callable")
            self._clock = CLOCK_CB(lambda _payload: int(clock()))
            opts.clock = self._clock
        if on_event is not None:
            if not callable(on_event):
                raise TypeError("on_event must be callable")

            def deliver(event, _payload):
                try:
                    on_event(_event_from(event.contents))
                except Exception as e:  # noqa: BLE001  (it cannot cross the C frames)
                    if self.event_error is None:
                        self.event_error = e

            self._on_event = NSCF_EVENT_CB(deliver)
            opts.event_cb = self._on_event
        self._policy, self._tracker = policy, tracker
        self._make(partial(self._call_link, _lib.p2pcdn_nscf_new), byref(opts))

    def _call_link(self, func, *args):
        """Calls func; an exception a TrackerLink raised meanwhile is raised instead of the
        library's CallbackAborted, which becomes its __context__."""
        try:
            return func(*args)
        except Exception:
            error = self._link.take_error() if self._link is not None else None
            if error is not None:
                raise error
            raise

    # -- the rounds -----------------------------------------------------------------------------

    def join(self):
        """Announces the Nscf to the swarm as a network peer."""
        self._call_link(_lib.p2pcdn_nscf_join, self._h)

    def on_stats(self, stats):
        """Queues a round for a Stats snapshot of this content (copied; a newer one replaces
        one not yet carried out)."""
        if not isinstance(stats, Stats):
            raise TypeError(f"on_stats needs a Stats, not {type(stats).__name__}")
        _lib.p2pcdn_nscf_on_stats(self._h, stats._h)

    def request_stats(self):
        """Fetches statistics through the tracker link and queues them."""
        self._call_link(_lib.p2pcdn_nscf_request_stats, self._h)

    def step(self, timeout_ms=0):
        """Carries out the queued round and drives the CDN for up to timeout_ms; returns the
        CDN jobs still running. Link and CDN failures are counted and retried later; an
        exception a Python policy raised in this step is raised here."""
        running = ctypes.c_size_t()
        _lib.p2pcdn_nscf_step(self._h, unsigned(timeout_ms, "timeout_ms", INT_MAX),
                              byref(running))
        python = self._policy._python
        error = python.take_error() if python is not None else None
        if error is not None:
            raise error
        return running.value

    def recover(self):
        """Settles what a crash left (run by the constructor unless recover_on_start=False)."""
        self._call_link(_lib.p2pcdn_nscf_recover, self._h)

    def start(self, interval_ms=0):
        """Runs step() on a controller thread, at most interval_ms (100) between steps."""
        _lib.p2pcdn_nscf_start(self._h, unsigned(interval_ms, "interval_ms", INT_MAX))

    def stop(self):
        """Stops the controller thread; raises the first error it met, if any."""
        _lib.p2pcdn_nscf_stop(self._h)

    @property
    def running(self):
        return _lib.p2pcdn_nscf_running(self._h) == 1

    def shutdown(self, purge_all=True, timeout_ms=30000):
        """Stops the thread; with purge_all, withdraws everything from the tracker and purges
        every object, for up to timeout_ms. True when nothing is left held."""
        clean = ctypes.c_int()
        self._call_link(_lib.p2pcdn_nscf_shutdown, self._h, 1 if purge_all else 0,
                        unsigned(timeout_ms, "timeout_ms", INT_MAX), byref(clean))
        return clean.value == 1

    # -- what it holds --------------------------------------------------------------------------

    @property
    def content_id(self):
        return _lib.p2pcdn_nscf_content_id(self._h).decode("utf-8")

    @property
    def last_link_error(self):
        """The exception the TrackerLink raised last and nobody took yet (None: none)."""
        return None if self._link is None else self._link.error

    def holdings(self):
        """[NscfHolding, ...] as journaled now, in piece order."""
        snap = NscfHoldingsPtr()
        _lib.p2pcdn_nscf_snapshot(self._h, byref(snap))
        try:
            count = ctypes.c_size_t()
            _lib.p2pcdn_nscf_holdings_count(snap, byref(count))
            out = []
            for i in range(count.value):
                h = _CHolding()
                _lib.p2pcdn_nscf_holding_init(byref(h), NSCF_HOLDING_VERSION)
                _lib.p2pcdn_nscf_holdings_at(snap, i, byref(h))
                out.append(NscfHolding(h.piece, _STATES[h.state], h.uri.decode("utf-8"),
                                       h.bytes, h.ingested_at_ms, h.object_expires_at_ms,
                                       h.advertised_expires_at_ms, h.purge_attempts))
            return out
        finally:
            _lib.p2pcdn_nscf_holdings_free(snap)

    def metrics(self):
        m = _CMetrics()
        _lib.p2pcdn_nscf_metrics_init(byref(m), NSCF_METRICS_VERSION)
        _lib.p2pcdn_nscf_metrics_get(self._h, byref(m))
        return NscfMetrics(*(getattr(m, f.name) for f in fields(NscfMetrics)))

    # -- lifetime -------------------------------------------------------------------------------

    def close(self):
        """Stops the controller thread and frees the Nscf (the CDN and the tracker are left as
        they are: shutdown() clears them). Safe to call more than once."""
        super().close()

    def __repr__(self):
        if self._h is None:
            return "<Nscf closed>"
        return f"<Nscf {self.content_id!r}: {len(self.holdings())} holdings>"
