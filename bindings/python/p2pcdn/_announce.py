"""The p2pcdn_announce struct, built the same way for the in-process Tracker and for the HTTP
Announcer: the names Python callers use, checked before they reach C."""

import ctypes
from ctypes import byref

from . import _lib
from ._types import (
    ANNOUNCE_VERSION,
    EVENT_COMPLETED,
    EVENT_STARTED,
    EVENT_STOPPED,
    EVENT_UPDATE,
    NUMWANT_NONE,
    PEER_NETWORK,
    PEER_USER,
    SELECT_COMPLEMENTARY,
    SELECT_RANDOM,
    Announce,
)
from ._util import UINT32_MAX, UINT64_MAX, as_cstring, as_text, enum_code, unsigned
from .bitmap import live_handle as _bitmap_handle

ROLES = {"user": PEER_USER, "network": PEER_NETWORK}
EVENTS = {"update": EVENT_UPDATE, "started": EVENT_STARTED, "completed": EVENT_COMPLETED,
          "stopped": EVENT_STOPPED}
SELECTIONS = {"random": SELECT_RANDOM, "complementary": SELECT_COMPLEMENTARY}


def peer_id_bytes(peer_id):
    # Peer ids are bytes of any value; a str is taken as its UTF-8 bytes. The library judges
    # the length (1 to PEER_ID_MAX).
    return as_text(peer_id)[0]


def pieces_array(values, name):
    """A uint32_t array of piece indices, checked here because ctypes would wrap -1."""
    values = [unsigned(v, name, UINT32_MAX) for v in values]
    return (ctypes.c_uint32 * len(values))(*values), len(values)


class AnnounceStruct:
    """A filled p2pcdn_announce (.struct) and every buffer it points to, kept alive as long as
    this object is: pass .ref to the C call while holding it."""

    def __init__(self, content_id, peer_id, address, port, *, piece_count=0, role="user",
                 event="update", bitmap=None, have=(), donthave=(), numwant=None,
                 selection="random", include_network_peers=True, uploaded=0, downloaded=0):
        a = self.struct = Announce()
        _lib.p2pcdn_announce_init(byref(a), ANNOUNCE_VERSION)
        self._cid = as_cstring(content_id, "content_id")
        self._pid = peer_id_bytes(peer_id)
        # None leaves the address out: the HTTP tracker then takes the connection's.
        self._addr = None if address is None else as_cstring(address, "address")
        self._have = pieces_array(have, "have")
        self._donthave = pieces_array(donthave, "donthave")
        a.content_id = self._cid
        a.piece_count = unsigned(piece_count, "piece_count")
        a.peer_id = ctypes.cast(ctypes.c_char_p(self._pid), ctypes.c_void_p).value \
            if self._pid else None
        a.peer_id_len = len(self._pid)
        a.address = self._addr
        a.port = unsigned(port, "port", 65535)
        a.role = enum_code(ROLES, role, "role")
        a.event = enum_code(EVENTS, event, "event")
        if bitmap is not None:
            a.bitmap = _bitmap_handle(bitmap, "bitmap")
            self._bitmap = bitmap
        a.have, a.have_count = self._have
        a.donthave, a.donthave_count = self._donthave
        # The C encoding: 0 is the default, NUMWANT_NONE is none.
        a.numwant = 0 if numwant is None else (
            NUMWANT_NONE if numwant == 0 else unsigned(numwant, "numwant", UINT32_MAX))
        a.selection = enum_code(SELECTIONS, selection, "selection")
        a.exclude_network_peers = 0 if include_network_peers else 1
        a.uploaded = unsigned(uploaded, "uploaded", UINT64_MAX)
        a.downloaded = unsigned(downloaded, "downloaded", UINT64_MAX)

    @property
    def ref(self):
        return byref(self.struct)
