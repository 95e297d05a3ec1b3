"""PeerList: a tracker's answer to an announce, with its CDN sources and wire forms."""

import ctypes
import operator
import time
from ctypes import byref
from dataclasses import dataclass

from . import _lib
from ._errors import NotFound
from ._handle import Handle
from ._types import PEER_NETWORK, PEER_USER, BitmapPtr, PeerInfo, PeerListPtr
from ._util import as_buffer, as_text, read_output, signed64, unsigned
from .bitmap import Bitmap

ROLE_NAMES = {PEER_USER: "user", PEER_NETWORK: "network"}


@dataclass(frozen=True)
class Peer:
    """One peer of an answer. role is "user" (a UE) or "network" (a CCS joined as a peer);
    a role code newer than this binding stays an int."""

    id: bytes
    address: str
    port: int
    role: str
    seed: bool


@dataclass(frozen=True)
class CdnSource:
    """One CDN source of an answer: a URI template ({piece}, {content}), the pieces it serves
    for this requester (a Bitmap of its own, a copy), its Unix expiry in seconds, and whether
    the URI is the whole content object fetched by byte Range."""

    uri: str
    pieces: Bitmap
    expires_s: int
    ranged: bool


class PeerList(Handle):
    """The peers offered to a requester (never the requester itself), the swarm's seed and
    leecher counts, and when to announce again. A read-only sequence of Peer.

    A value object, made by Tracker.announce(). A closed list raises InvalidArgument.
    """

    _ptr_type = PeerListPtr
    _free = staticmethod(_lib.p2pcdn_peerlist_free)
    _copy_fn = staticmethod(_lib.p2pcdn_peerlist_copy)

    def __init__(self):
        raise TypeError("a PeerList comes from Tracker.announce(), from_json() or "
                        "from_bencode()")

    # -- wire forms (docs/protocol.md, "Peer list") -------------------------------------------

    @classmethod
    def from_json(cls, text):
        """Decodes the JSON form (str or bytes); ParseError or LimitReached when invalid."""
        data, length = as_text(text)
        handle = PeerListPtr()
        _lib.p2pcdn_peerlist_from_json(byref(handle), data, length)
        return cls._adopt(handle)

    def to_json(self):
        return read_output(_lib.p2pcdn_peerlist_to_json, self._h, text=True)

    @classmethod
    def from_bencode(cls, data):
        """Decodes a bencoded tracker response. Compact peers carry no ids or seed flags, so
        decoded peers have id b"" and seed False. A "failure reason" answer is ProtocolError."""
        buf, length = as_buffer(data)
        handle = PeerListPtr()
        _lib.p2pcdn_peerlist_from_bencode(byref(handle), buf, length)
        return cls._adopt(handle)

    def to_bencode(self):
        """The BitTorrent tracker response (BEP 3, compact peers of BEP 23 and BEP 7)."""
        return read_output(_lib.p2pcdn_peerlist_to_bencode, self._h)

    # -- what the answer is for -----------------------------------------------------------------

    @property
    def content_id(self):
        return _lib.p2pcdn_peerlist_content_id(self._h).decode("utf-8")

    @property
    def piece_count(self):
        out = ctypes.c_size_t()
        _lib.p2pcdn_peerlist_piece_count(self._h, byref(out))
        return out.value

    # -- CDN sources ----------------------------------------------------------------------------

    def _cdn_count(self):
        count = ctypes.c_size_t()
        _lib.p2pcdn_peerlist_cdn_count(self._h, byref(count))
        return count.value

    @property
    def cdn_sources(self):
        """The CDN sources, in the list's order (the order source indices refer to)."""
        return [self._cdn_source(i) for i in range(self._cdn_count())]

    def _cdn_source(self, i):
        uri, expires, ranged = ctypes.c_char_p(), ctypes.c_int64(), ctypes.c_int()
        _lib.p2pcdn_peerlist_cdn_at(self._h, i, byref(uri), byref(expires), byref(ranged))
        pieces = BitmapPtr()
        _lib.p2pcdn_peerlist_cdn_pieces(self._h, i, byref(pieces))
        # c_char_p copies the borrowed string into a Python bytes at once.
        return CdnSource(uri=uri.value.decode("utf-8"), pieces=Bitmap._adopt(pieces),
                         expires_s=expires.value, ranged=bool(ranged.value))

    def cdn_uri_for_piece(self, piece, now_s=None):
        """(uri, source index) to GET piece from: the first source serving it that has not
        expired at now_s (Unix seconds; default: now), placeholders filled. None when no live
        source serves it."""
        now_s = int(time.time()) if now_s is None else signed64(now_s, "now_s")
        piece = unsigned(piece, "piece")
        size, index = ctypes.c_size_t(), ctypes.c_size_t()
        # Not read_output: the call has one more out parameter after the size.
        try:
            _lib.p2pcdn_peerlist_cdn_uri_for_piece(self._h, piece, now_s, None, 0, byref(size),
                                                   byref(index))
            buf = ctypes.create_string_buffer(max(size.value, 1))
            _lib.p2pcdn_peerlist_cdn_uri_for_piece(self._h, piece, now_s, buf, size.value,
                                                   byref(size), byref(index))
        except NotFound:
            return None
        return buf.value.decode("utf-8"), index.value

    def _interval(self):
        interval, minimum = ctypes.c_uint32(), ctypes.c_uint32()
        _lib.p2pcdn_peerlist_interval(self._h, byref(interval), byref(minimum))
        return interval.value, minimum.value

    @property
    def interval(self):
        """Seconds until the peer should announce again."""
        return self._interval()[0]

    @property
    def min_interval(self):
        """Seconds the peer must wait at least before announcing again."""
        return self._interval()[1]

    def _counts(self):
        seeds, leechers = ctypes.c_uint32(), ctypes.c_uint32()
        _lib.p2pcdn_peerlist_swarm_counts(self._h, byref(seeds), byref(leechers))
        return seeds.value, leechers.value

    @property
    def seeds(self):
        """The swarm's user seeds ("complete")."""
        return self._counts()[0]

    @property
    def leechers(self):
        """The swarm's user leechers ("incomplete")."""
        return self._counts()[1]

    def __len__(self):
        out = ctypes.c_size_t()
        _lib.p2pcdn_peerlist_peer_count(self._h, byref(out))
        return out.value

    def __getitem__(self, i):
        if isinstance(i, slice):
            return [self[j] for j in range(*i.indices(len(self)))]
        i = operator.index(i)
        if i < 0:
            i += len(self)
        if i < 0:
            # Left to the library, a negative index would wrap to a huge size_t; the
            # OutOfRange it then raises is an IndexError, which also ends iteration.
            i = len(self)
        info = PeerInfo()
        _lib.p2pcdn_peerlist_peer_at(self._h, i, byref(info))
        return Peer(
            id=bytes(info.id)[: info.id_len],
            address=info.address.decode("ascii"),
            port=info.port,
            role=ROLE_NAMES.get(info.role, info.role),
            seed=bool(info.seed),
        )

    def __iter__(self):
        for i in range(len(self)):
            yield self[i]

    def __repr__(self):
        if self._h is None:
            return "<PeerList closed>"
        return (f"<PeerList {self.content_id!r}: {len(self)} peers, "
                f"{self._cdn_count()} CDN sources; swarm {self.seeds} seeds, {self.leechers} "
                f"leechers; interval {self.interval}s>")
