"""Announcer: a UE's announce to a `p2pcdn tracker` daemon over HTTP (announcer.h, docs/api.md
"Announcer"): POST {tracker_url}/announce with the JSON announce request, answered with the
peer list. announce_to_json() gives the request body alone, for a program that sends it with
its own HTTP stack (and reads the answer with PeerList.from_json)."""

import ctypes
from ctypes import byref

from . import _lib
from ._announce import AnnounceStruct
from ._global_handle import GlobalHandle
from ._http_options import fill_http_options
from ._types import ANNOUNCER_OPTIONS_VERSION, AnnouncerOptions, AnnouncerPtr, PeerListPtr
from ._util import as_cstring
from .peerlist import PeerList


def announce_to_json(content_id, peer_id, address, port, **announce):
    """The JSON announce request (str) for the announce Announcer.announce() would send; the
    same arguments. InvalidArgument for an announce the tracker would refuse to read,
    ParseError for an address that is not an IP address."""
    a = AnnounceStruct(content_id, peer_id, address, port, **announce)
    text = ctypes.c_void_p()
    size = ctypes.c_size_t()
    _lib.p2pcdn_announce_to_json(a.ref, byref(text), byref(size))
    try:
        return ctypes.string_at(text.value, size.value).decode("utf-8")
    finally:
        _lib.p2pcdn_free(text)


class Announcer(GlobalHandle):
    """Announces to one tracker daemon, tracker_url being its base URL
    ("http://127.0.0.1:6969"; the announce goes to {tracker_url}/announce).

    HTTP options (0 / None keep the defaults, docs/api.md "Announcer"): ca_file, ca_path,
    insecure_skip_verify (tests only), connect_timeout_ms (10 s), timeout_ms (30 s),
    low_speed_bytes_per_s and low_speed_time_s (1 byte/s for 30 s), max_response_bytes
    (16 MiB), refuse_private_addresses, user_agent.

    Holds a reference on the library's global setup (global_init) for its lifetime. Blocking;
    not locked: one thread at a time. A closed announcer raises InvalidArgument.
    """

    _ptr_type = AnnouncerPtr
    _free = staticmethod(_lib.p2pcdn_announcer_free)
    _noun = "an Announcer"

    def __init__(self, tracker_url, *, ca_file=None, ca_path=None, insecure_skip_verify=False,
                 connect_timeout_ms=0, timeout_ms=0, low_speed_bytes_per_s=0,
                 low_speed_time_s=0, max_response_bytes=0, refuse_private_addresses=False,
                 user_agent=None):
        opts = AnnouncerOptions()
        _lib.p2pcdn_announcer_options_init(byref(opts), ANNOUNCER_OPTIONS_VERSION)
        # The library copies the strings during p2pcdn_announcer_new; these locals outlive it.
        url = as_cstring(tracker_url, "tracker_url")
        _strings = fill_http_options(
            opts, ca_file=ca_file, ca_path=ca_path, insecure_skip_verify=insecure_skip_verify,
            connect_timeout_ms=connect_timeout_ms, timeout_ms=timeout_ms,
            low_speed_bytes_per_s=low_speed_bytes_per_s, low_speed_time_s=low_speed_time_s,
            max_response_bytes=max_response_bytes,
            refuse_private_addresses=refuse_private_addresses, user_agent=user_agent)
        opts.tracker_url = url
        # announcer.h: p2pcdn_global_init() must precede p2pcdn_announcer_new.
        self._make(_lib.p2pcdn_announcer_new, byref(opts))

    def announce(self, content_id, peer_id, address, port, *, piece_count=0, role="user",
                 event="update", bitmap=None, have=(), donthave=(), numwant=None,
                 selection="random", include_network_peers=True, uploaded=0, downloaded=0):
        """Sends an announce and returns the tracker's answer, a PeerList (peers and CDN
        sources). address None leaves it to the tracker to take the connection's. The other
        arguments are Tracker.announce()'s: bitmap (a Bitmap) or have/donthave; numwant None
        for the default (50), 0 for no peers; piece_count 0 with a bitmap is its size.

        Raises: InvalidArgument and the like for a bad announce, before anything is sent; the
        tracker's own error (NotFound, ParseError, InvalidArgument, ...) when it refused the
        announce; HTTPError for another failure status; NetworkError, TimeoutError_, TLSError
        when no answer came; LimitReached for an answer above max_response_bytes;
        ProtocolError for an answer that is not a peer list for this content."""
        a = AnnounceStruct(content_id, peer_id, address, port, piece_count=piece_count,
                           role=role, event=event, bitmap=bitmap, have=have, donthave=donthave,
                           numwant=numwant, selection=selection,
                           include_network_peers=include_network_peers, uploaded=uploaded,
                           downloaded=downloaded)
        out = PeerListPtr()
        _lib.p2pcdn_announcer_announce(self._h, a.ref, byref(out))
        return PeerList._adopt(out)

    def __repr__(self):
        return "<Announcer closed>" if self._h is None else "<Announcer>"
