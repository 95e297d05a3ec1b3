"""Policy: which pieces a CCS ingests into the CDN, with what TTL, and which it purges
(policy.h, docs/api.md "Policy"). A policy is built in (threshold, budget, ttl, all, none) or
written in Python (Policy.from_callable). It does no I/O: the caller carries the Decision out.

A policy written in Python is called back on the thread calling decide(). An exception it
raises cannot cross the C frames, so it is kept, the decision is abandoned, and the exception
is raised again from decide() once the C call has returned.
"""

import ctypes
import threading
from array import array
from ctypes import byref
from dataclasses import dataclass

from . import _lib
from ._handle import Handle
from ._types import (
    POLICY_BUDGET_OPTIONS_VERSION,
    POLICY_CB,
    POLICY_THRESHOLD_OPTIONS_VERSION,
    POLICY_TTL_OPTIONS_VERSION,
    DecisionPtr,
    Holding as _CHolding,
    IngestItem as _CIngestItem,
    PolicyBudgetOptions,
    PolicyPtr,
    PolicyThresholdOptions,
    PolicyTtlOptions,
)
from ._util import UINT32_MAX, UINT64_MAX, signed64, unsigned
from .content import Content
from .stats import _U32, Stats


@dataclass(frozen=True)
class Holding:
    """One piece the CDN holds, as the NSCF recorded it. expires_at_ms 0: no TTL."""

    piece: int
    bytes: int
    ingested_at_ms: int
    expires_at_ms: int = 0


@dataclass(frozen=True)
class IngestItem:
    """One piece to ingest, with its TTL in seconds (0: none, kept until purged)."""

    piece: int
    ttl_s: int


@dataclass(frozen=True)
class PolicyInput:
    """What a policy written in Python reads. copies is an array('I') of piece_count entries
    (a copy: keep it if you like); holdings are Holding objects, ascending by piece."""

    content_id: str
    piece_count: int
    piece_length: int
    total_length: int
    peers: int
    seeds: int
    network_peers: int
    copies: array
    holdings: list
    now_ms: int

    @property
    def leechers(self):
        return self.peers - self.seeds


def _elements(func, handle, ctype):
    count = ctypes.c_size_t()
    func(handle, None, 0, byref(count))
    buf = (ctype * count.value)()
    if count.value:
        func(handle, buf, count.value, byref(count))
    return buf


class Decision(Handle):
    """A policy's answer: pieces to ingest (each with a TTL) and pieces to purge, each list in
    the order the policy ranks them, most wanted first. An ingest of a piece already held is a
    renewal. A value object; it cannot be copied."""

    _ptr_type = DecisionPtr
    _free = staticmethod(_lib.p2pcdn_decision_free)

    def __init__(self):
        raise TypeError("Decisions come from Policy.decide()")

    def copy(self):
        raise TypeError("a Decision cannot be copied")

    __copy__ = copy

    def __deepcopy__(self, memo):
        return self.copy()

    @property
    def counts(self):
        """(ingests, purges)."""
        ingests, purges = ctypes.c_size_t(), ctypes.c_size_t()
        _lib.p2pcdn_decision_counts(self._h, byref(ingests), byref(purges))
        return ingests.value, purges.value

    @property
    def ingests(self):
        """[IngestItem, ...], most wanted first."""
        items = _elements(_lib.p2pcdn_decision_ingests, self._h, _CIngestItem)
        return [IngestItem(i.piece, i.ttl_s) for i in items]

    @property
    def purges(self):
        """[piece, ...], first to go first."""
        return list(_elements(_lib.p2pcdn_decision_purges, self._h, ctypes.c_size_t))

    def __repr__(self):
        if self._h is None:
            return "<Decision closed>"
        ingests, purges = self.counts
        return f"<Decision: {ingests} ingests, {purges} purges>"


def _ingest_args(item):
    """(piece, ttl_s) for an ingest a Python policy returned: a piece, (piece, ttl_s), or an
    IngestItem."""
    if isinstance(item, IngestItem):
        piece, ttl_s = item.piece, item.ttl_s
    elif isinstance(item, tuple):
        piece, ttl_s = item
    else:
        piece, ttl_s = item, 0
    return unsigned(piece, "piece"), unsigned(ttl_s, "ttl_s", UINT32_MAX)


def _view(c_input):
    n = c_input.piece_count
    copies = array(_U32, ctypes.string_at(c_input.copies, n * ctypes.sizeof(ctypes.c_uint32)))
    holdings = [
        Holding(h.piece, h.bytes, h.ingested_at_ms, h.expires_at_ms)
        for h in (c_input.holdings[: c_input.holding_count] if c_input.holding_count else ())
    ]
    return PolicyInput(
        content_id=c_input.content_id.decode("utf-8"),
        piece_count=n,
        piece_length=c_input.piece_length,
        total_length=c_input.total_length,
        peers=c_input.peers,
        seeds=c_input.seeds,
        network_peers=c_input.network_peers,
        copies=copies,
        holdings=holdings,
        now_ms=c_input.now_ms,
    )


class _PythonPolicy:
    """A Python callable as a p2pcdn_policy_cb. The callable gets a PolicyInput and returns
    (ingests, purges) or None (no change); the trampoline adds each item through the library,
    which checks it. The C function pointer lives as long as the Policy that owns this."""

    def __init__(self, func):
        if not callable(func):
            raise TypeError(f"a policy must be callable, not {type(func).__name__}")
        self.func = func
        self.c_func = POLICY_CB(self._call)
        self._pending = threading.local()  # the callback runs on the thread calling decide

    def _call(self, c_input, decision, payload):
        try:
            result = self.func(_view(c_input.contents))
            if result is not None:
                ingests, purges = result
                handle = DecisionPtr(decision)
                for item in ingests:
                    _lib.p2pcdn_decision_add_ingest(handle, *_ingest_args(item))
                for piece in purges:
                    _lib.p2pcdn_decision_add_purge(handle, unsigned(piece, "piece"))
        except BaseException as exc:  # KeyboardInterrupt too: the decision must stop
            self._pending.error = exc
            return 1
        return 0

    def take_error(self):
        error = getattr(self._pending, "error", None)
        self._pending.error = None
        return error


def _holdings_array(holdings):
    """A Holding array ascending by piece, from Holding objects or (piece, bytes,
    ingested_at_ms[, expires_at_ms]) tuples in any order."""
    rows = []
    for h in holdings:
        if not isinstance(h, Holding):
            h = Holding(*h)
        rows.append(h)
    rows.sort(key=lambda h: h.piece)
    out = (_CHolding * len(rows))()
    for c, h in zip(out, rows):
        c.piece = unsigned(h.piece, "piece")
        c.bytes = unsigned(h.bytes, "bytes", UINT64_MAX)
        c.ingested_at_ms = signed64(h.ingested_at_ms, "ingested_at_ms")
        c.expires_at_ms = signed64(h.expires_at_ms, "expires_at_ms")
    return out


def _residency(value):
    # int64_t in C; the library refuses a negative one itself (InvalidArgument).
    return signed64(value, "min_residency_ms")


class Policy(Handle):
    """A storage-control policy. Make one with a classmethod:

    - Policy.threshold(low_copies=2, high_copies=4, min_residency_ms=60000, max_changes=1000,
      capacity_bytes=0 (no limit), ttl_s=0 (none))
    - Policy.budget(budget_bytes=1 GiB, max_changes=1000, min_residency_ms=60000, ttl_s=0)
    - Policy.ttl(low_copies=2, ttl_s=600, renew_before_s=ttl_s/5, max_changes=1000)
    - Policy.all(), Policy.none(): the baselines (classic CDN, pure P2P)
    - Policy.from_callable(fn): a policy written in Python

    Options left at 0 take the default shown. A policy never changes: decide() may run from
    several threads at once. It cannot be copied.
    """

    _ptr_type = PolicyPtr
    _free = staticmethod(_lib.p2pcdn_policy_free)
    _python = None

    def __init__(self):
        raise TypeError("make a Policy with Policy.threshold(), .budget(), .ttl(), .all(), "
                        ".none() or .from_callable()")

    @classmethod
    def _made_by(cls, new, *args):
        handle = PolicyPtr()
        new(byref(handle), *args)
        return cls._adopt(handle)

    @classmethod
    def threshold(cls, *, low_copies=0, high_copies=0, min_residency_ms=0, max_changes=0,
                  capacity_bytes=0, ttl_s=0):
        opts = PolicyThresholdOptions()
        _lib.p2pcdn_policy_threshold_options_init(byref(opts), POLICY_THRESHOLD_OPTIONS_VERSION)
        opts.low_copies = unsigned(low_copies, "low_copies", UINT32_MAX)
        opts.high_copies = unsigned(high_copies, "high_copies", UINT32_MAX)
        opts.min_residency_ms = _residency(min_residency_ms)
        opts.max_changes = unsigned(max_changes, "max_changes", UINT32_MAX)
        opts.capacity_bytes = unsigned(capacity_bytes, "capacity_bytes", UINT64_MAX)
        opts.ttl_s = unsigned(ttl_s, "ttl_s", UINT32_MAX)
        return cls._made_by(_lib.p2pcdn_policy_new_threshold, byref(opts))

    @classmethod
    def budget(cls, *, budget_bytes=0, max_changes=0, min_residency_ms=0, ttl_s=0):
        opts = PolicyBudgetOptions()
        _lib.p2pcdn_policy_budget_options_init(byref(opts), POLICY_BUDGET_OPTIONS_VERSION)
        opts.budget_bytes = unsigned(budget_bytes, "budget_bytes", UINT64_MAX)
        opts.max_changes = unsigned(max_changes, "max_changes", UINT32_MAX)
        opts.min_residency_ms = _residency(min_residency_ms)
        opts.ttl_s = unsigned(ttl_s, "ttl_s", UINT32_MAX)
        return cls._made_by(_lib.p2pcdn_policy_new_budget, byref(opts))

    @classmethod
    def ttl(cls, *, low_copies=0, ttl_s=0, renew_before_s=0, max_changes=0):
        opts = PolicyTtlOptions()
        _lib.p2pcdn_policy_ttl_options_init(byref(opts), POLICY_TTL_OPTIONS_VERSION)
        opts.low_copies = unsigned(low_copies, "low_copies", UINT32_MAX)
        opts.ttl_s = unsigned(ttl_s, "ttl_s", UINT32_MAX)
        opts.renew_before_s = unsigned(renew_before_s, "renew_before_s", UINT32_MAX)
        opts.max_changes = unsigned(max_changes, "max_changes", UINT32_MAX)
        return cls._made_by(_lib.p2pcdn_policy_new_ttl, byref(opts))

    @classmethod
    def all(cls):
        """Every piece the CDN does not hold, without a TTL; never a purge."""
        return cls._made_by(_lib.p2pcdn_policy_new_all)

    @classmethod
    def none(cls):
        """Every live holding purged; never an ingest."""
        return cls._made_by(_lib.p2pcdn_policy_new_none)

    @classmethod
    def from_callable(cls, fn):
        """A policy written in Python: fn(PolicyInput) returns (ingests, purges), or None for
        no change. An ingest is a piece (no TTL), a (piece, ttl_s) pair or an IngestItem; a
        purge is a piece. The library checks every item (InvalidArgument for a piece out of
        range, repeated, in both lists, or purged but not held); an exception from fn, or a
        refused item, is raised from decide()."""
        python = _PythonPolicy(fn)
        policy = cls._made_by(_lib.p2pcdn_policy_new_callback, python.c_func, None)
        policy._python = python
        return policy

    def copy(self):
        raise TypeError("a Policy cannot be copied")

    __copy__ = copy

    def __deepcopy__(self, memo):
        return self.copy()

    def decide(self, stats, holdings, content, now_ms):
        """The Decision for a Stats snapshot of a content, the pieces the CDN holds now
        (Holding objects or (piece, bytes, ingested_at_ms[, expires_at_ms]) tuples, any order)
        and its Content layout, at now_ms (Unix ms). InvalidArgument names a bad input."""
        if not isinstance(stats, Stats):
            raise TypeError(f"decide needs a Stats, not {type(stats).__name__}")
        if not isinstance(content, Content):
            raise TypeError(f"decide needs a Content, not {type(content).__name__}")
        rows = _holdings_array(holdings)
        out = DecisionPtr()
        try:
            _lib.p2pcdn_policy_decide(self._h, stats._h, rows if len(rows) else None, len(rows),
                                      content._h, signed64(now_ms, "now_ms"), byref(out))
        except Exception:
            error = self._python.take_error() if self._python is not None else None
            if error is not None:
                raise error  # the library's failure becomes its __context__
            raise
        return Decision._adopt(out)

    def __repr__(self):
        if self._h is None:
            return "<Policy closed>"
        return "<Policy (Python)>" if self._python is not None else "<Policy>"
