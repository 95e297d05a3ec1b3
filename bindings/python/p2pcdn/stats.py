"""Stats: one swarm's statistics snapshot, as a tracker takes it and a CCS reads it."""

import ctypes
from array import array
from ctypes import byref
from dataclasses import dataclass

from . import _lib
from ._handle import Handle
from ._types import (
    COPIES_AUTO,
    COPIES_PLAIN,
    COPIES_RUNS,
    STATS_SUMMARY_VERSION,
    BitmapPtr,
    HistogramBin,
    StatsPtr,
)
from ._types import StatsSummary as _CSummary
from ._util import as_text, enum_code, read_output
from .bitmap import Bitmap

_ENCODINGS = {"auto": COPIES_AUTO, "plain": COPIES_PLAIN, "runs": COPIES_RUNS}

# array's item sizes are the platform's C sizes; pick the code that is exactly uint32_t so the
# library's buffer can be copied in as it is.
_U32 = next(code for code in "ILH" if array(code).itemsize == 4)


@dataclass(frozen=True)
class StatsSummary:
    """The numbers of a snapshot (p2pcdn_stats_summary). Counts are of user peers (UEs);
    network peers are counted apart."""

    seq: int
    time_ms: int
    piece_count: int
    peers: int
    seeds: int
    leechers: int
    network_peers: int
    min_copies: int
    max_copies: int
    pieces_at_min: int
    distributed_copies: float
    cdn_pieces: int


def _elements(func, handle, ctype):
    """func(handle, buf, cap, &count) with count in elements: asks the count, then reads."""
    count = ctypes.c_size_t()
    func(handle, None, 0, byref(count))
    buf = (ctype * count.value)()
    if count.value:
        func(handle, buf, count.value, byref(count))
    return buf


class Stats(Handle):
    """A statistics snapshot: per piece, how many user peers hold it, and what follows.

    A value object: made by Tracker.stats(), a subscription, or Stats.from_json(). Not locked:
    use one object from one thread at a time. A closed Stats raises InvalidArgument.
    """

    _ptr_type = StatsPtr
    _free = staticmethod(_lib.p2pcdn_stats_free)
    _copy_fn = staticmethod(_lib.p2pcdn_stats_copy)

    def __init__(self):
        # Only the library makes a snapshot; there is no empty one to start from.
        raise TypeError("Stats come from Tracker.stats(), a subscription or Stats.from_json()")

    @classmethod
    def from_json(cls, text):
        """Decodes a statistics report (str or bytes); ParseError names the bad member."""
        data, length = as_text(text)
        handle = StatsPtr()
        _lib.p2pcdn_stats_from_json(byref(handle), data, length)
        return cls._adopt(handle)

    def to_json(self, encoding="auto"):
        """The report as JSON text. encoding: "plain" ("copies": [...]), "runs"
        ("copies_runs": [value, run, ...]) or "auto" (runs when at most half the size)."""
        code = enum_code(_ENCODINGS, encoding, "copies encoding")
        return read_output(_lib.p2pcdn_stats_to_json, self._h, code, text=True)

    @property
    def content_id(self):
        return _lib.p2pcdn_stats_content_id(self._h).decode("utf-8")

    @property
    def summary(self):
        raw = _CSummary()
        _lib.p2pcdn_stats_summary_init(byref(raw), STATS_SUMMARY_VERSION)
        _lib.p2pcdn_stats_get_summary(self._h, byref(raw))
        return StatsSummary(**{name: getattr(raw, name)
                                for name in StatsSummary.__dataclass_fields__})

    def copies(self):
        """User peers holding each piece, as array('I') of piece_count elements (an array,
        not a list: a swarm may have 2^26 pieces)."""
        return array(_U32, bytes(_elements(_lib.p2pcdn_stats_copies, self._h, ctypes.c_uint32)))

    def network_copies(self):
        """Network peers holding each piece; empty when no network peer holds any."""
        return array(
            _U32, bytes(_elements(_lib.p2pcdn_stats_network_copies, self._h, ctypes.c_uint32))
        )

    def histogram(self):
        """[(copies, pieces), ...] for each copy count present, ascending by copies."""
        bins = _elements(_lib.p2pcdn_stats_histogram, self._h, HistogramBin)
        return [(b.copies, b.pieces) for b in bins]

    def rarest(self):
        """The pieces at min_copies, as a new Bitmap."""
        handle = BitmapPtr()
        _lib.p2pcdn_stats_rarest(self._h, byref(handle))
        return Bitmap._adopt(handle)

    def __repr__(self):
        if self._h is None:
            return "<Stats closed>"
        s = self.summary
        return (f"<Stats {self.content_id!r} seq {s.seq}: {s.piece_count} pieces, "
                f"{s.peers} peers ({s.seeds} seeds), min copies {s.min_copies}>")
