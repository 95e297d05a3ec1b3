"""PeerList: a tracker's answer to an announce."""

import ctypes
import operator
from ctypes import byref
from dataclasses import dataclass

from . import _lib
from ._handle import Handle
from ._types import PEER_NETWORK, PEER_USER, PeerInfo, PeerListPtr

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


class PeerList(Handle):
    """The peers offered to a requester (never the requester itself), the swarm's seed and
    leecher counts, and when to announce again. A read-only sequence of Peer.

    A value object, made by Tracker.announce(). A closed list raises InvalidArgument.
    """

    _ptr_type = PeerListPtr
    _free = staticmethod(_lib.p2pcdn_peerlist_free)
    _copy_fn = staticmethod(_lib.p2pcdn_peerlist_copy)

    def __init__(self):
        raise TypeError("a PeerList comes from Tracker.announce()")

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
        return (f"<PeerList {len(self)} peers; swarm {self.seeds} seeds, {self.leechers} "
                f"leechers; interval {self.interval}s>")
