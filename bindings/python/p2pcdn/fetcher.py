"""Fetcher: GETs pieces of one content from CDN URIs and checks them against their hashes
(fetcher.h, docs/api.md "Fetcher").

submit() hands the library a C function pointer. Two rules follow (as for the Tracker):
  - the CFUNCTYPE object must outlive every call through it, including one still returning
    while close() runs from inside a callback: the fetcher holds one thunk for its whole life;
  - an exception cannot cross the C frames: it is stored and raised again from step().
"""

import ctypes
from ctypes import byref
from dataclasses import dataclass

from . import _lib
from ._global_handle import CallbackState, SteppedHandle
from ._http_options import fill_http_options
from ._types import (
    FETCH_CB,
    FETCH_FATAL,
    FETCH_GONE,
    FETCH_HASH_MISMATCH,
    FETCH_OK,
    FETCH_RESULT_VERSION,
    FETCH_RETRY_LATER,
    FETCHER_OPTIONS_VERSION,
    FetcherOptions,
    FetcherPtr,
)
from ._types import FetchResult as _CResult
from ._util import UINT64_MAX, as_cstring, unsigned
from .content import Content

_STATUS_NAMES = {FETCH_OK: "ok", FETCH_HASH_MISMATCH: "hash_mismatch", FETCH_GONE: "gone",
                 FETCH_RETRY_LATER: "retry_later", FETCH_FATAL: "fatal"}
INT_MAX = 2**31 - 1


@dataclass(frozen=True)
class FetchResult:
    """What one fetch came to. status: "ok", "hash_mismatch", "gone", "retry_later" or
    "fatal" (a code newer than this binding stays an int); error: the P2PCDN_E* cause (0 for
    ok); retry_after_ms: the server's Retry-After, -1 when none. final_url may hold tokens
    from the URI or a redirect: do not log it as it is. data is the verified piece for "ok",
    else None."""

    piece: int
    status: str
    error: int
    http_status: int
    retry_after_ms: int
    redirects: int
    bytes: int
    final_url: str
    message: str
    data: bytes | None

    @property
    def ok(self):
        return self.status == "ok"


def _text(value):
    return "" if value is None else value.decode("utf-8", "replace")


def _result(raw, data):
    """A FetchResult from the library's struct, copied now: its strings are borrowed."""
    return FetchResult(
        piece=raw.piece,
        status=_STATUS_NAMES.get(raw.status, raw.status),
        error=raw.error,
        http_status=raw.http_status,
        retry_after_ms=raw.retry_after_ms,
        redirects=raw.redirects,
        bytes=raw.bytes,
        final_url=_text(raw.final_url),
        message=_text(raw.message),
        data=data,
    )


def _thunk(shared):
    def complete(fetcher, fetch_id, result, data, length, payload):
        # The library lends data and result for this call only: copied before it returns.
        def copied():
            return _result(result.contents, ctypes.string_at(data, length) if data else None)

        shared.deliver(fetch_id, copied)

    return FETCH_CB(complete)


class Fetcher(SteppedHandle):
    """A CDN piece fetcher for one Content (which must have its piece hashes; its layout and
    hashes are copied, so the Content may be closed afterwards).

    Options (0 / None keep the defaults, docs/api.md "Fetcher"): ca_file, ca_path,
    insecure_skip_verify (tests only), connect_timeout_ms (10 s), timeout_ms (300 s),
    low_speed_bytes_per_s and low_speed_time_s (1 byte/s for 30 s), max_redirects (5;
    negative: none), max_response_bytes (the piece length), max_per_host (4),
    max_parallel (16), refuse_private_addresses, user_agent.

    The fetcher takes a reference on the library's global setup (global_init) for its
    lifetime. Not locked: use one fetcher from one thread at a time. Callbacks run on the
    thread calling step(). A closed fetcher raises InvalidArgument. It cannot be copied.
    """

    _ptr_type = FetcherPtr
    _free = staticmethod(_lib.p2pcdn_fetcher_free)
    _noun = "a Fetcher"

    def __init__(self, content, *, ca_file=None, ca_path=None, insecure_skip_verify=False,
                 connect_timeout_ms=0, timeout_ms=0, low_speed_bytes_per_s=0,
                 low_speed_time_s=0, max_redirects=0, max_response_bytes=0, max_per_host=0,
                 max_parallel=0, refuse_private_addresses=False, user_agent=None):
        if not isinstance(content, Content):
            raise TypeError(f"content must be a Content, not {type(content).__name__}")
        opts = FetcherOptions()
        _lib.p2pcdn_fetcher_options_init(byref(opts), FETCHER_OPTIONS_VERSION)
        # The library copies the strings during p2pcdn_fetcher_new; these locals outlive it.
        _strings = fill_http_options(
            opts, ca_file=ca_file, ca_path=ca_path, insecure_skip_verify=insecure_skip_verify,
            connect_timeout_ms=connect_timeout_ms, timeout_ms=timeout_ms,
            low_speed_bytes_per_s=low_speed_bytes_per_s, low_speed_time_s=low_speed_time_s,
            max_redirects=max_redirects, max_response_bytes=max_response_bytes,
            max_per_host=max_per_host, max_parallel=max_parallel,
            refuse_private_addresses=refuse_private_addresses, user_agent=user_agent)
        self._shared = CallbackState()
        self._thunk = _thunk(self._shared)
        # fetcher.h: p2pcdn_global_init() must precede p2pcdn_fetcher_new.
        self._make(_lib.p2pcdn_fetcher_new, content._h, byref(opts))

    # -- one piece, blocking --------------------------------------------------------------------

    def get(self, piece, uri, ranged=False):
        """Fetches piece from uri (ranged: uri is the whole object, the piece a byte Range of
        it) and waits; a FetchResult says how it went. Raises only for call errors: OutOfRange
        for a piece past the last, InvalidArgument for a malformed URI, ProtocolError for a
        scheme other than http(s). Fetches submitted earlier progress meanwhile."""
        piece = unsigned(piece, "piece")
        uri_b = as_cstring(uri, "uri")
        flag = 1 if ranged else 0
        raw = _CResult()
        _lib.p2pcdn_fetch_result_init(byref(raw), FETCH_RESULT_VERSION)
        size = ctypes.c_size_t()
        # A NULL buffer is a size query: nothing is fetched, *size gets the piece length.
        _lib.p2pcdn_fetcher_get(self._h, piece, uri_b, flag, None, 0, byref(size), byref(raw))
        buf = ctypes.create_string_buffer(max(size.value, 1))
        _lib.p2pcdn_fetcher_get(self._h, piece, uri_b, flag, buf, size.value, byref(size),
                                byref(raw))
        data = buf.raw[: size.value] if raw.status == FETCH_OK else None
        return _result(raw, data)

    # -- many pieces, in parallel ---------------------------------------------------------------

    def submit(self, piece, uri, callback, ranged=False):
        """Queues a fetch; returns its id. callback(FetchResult) runs once, from step() on
        its thread, unless the fetch is cancelled or the fetcher closed first. It may call
        submit() and cancel(); an exception it raises is raised again from step()."""
        if not callable(callback):
            raise TypeError(f"callback must be callable, not {type(callback).__name__}")
        fetch_id = ctypes.c_uint64()
        _lib.p2pcdn_fetcher_submit(self._h, unsigned(piece, "piece"), as_cstring(uri, "uri"),
                                   1 if ranged else 0, self._thunk, None, byref(fetch_id))
        # Registered before any step() can complete it: callbacks run only inside step().
        self._shared.callbacks[fetch_id.value] = callback
        return fetch_id.value

    def step(self, timeout_ms=0):
        """Runs fetches for up to timeout_ms (0: only what is ready) and calls the callbacks
        of those that finished; returns the fetches still pending. Raises the first exception
        a callback raised (with a note counting any others)."""
        timeout = unsigned(timeout_ms, "timeout_ms", INT_MAX)
        running = ctypes.c_size_t()
        self._drive(lambda: _lib.p2pcdn_fetcher_step(self._h, timeout, byref(running)))
        return running.value

    def cancel(self, fetch_id):
        """Drops a pending fetch; its callback will not run. NotFound when the id is unknown
        or already completed."""
        fetch_id = unsigned(fetch_id, "fetch id", UINT64_MAX)
        _lib.p2pcdn_fetcher_cancel(self._h, fetch_id)
        self._shared.callbacks.pop(fetch_id, None)

    @property
    def pending(self):
        """How many submitted fetches have not completed (nor been cancelled)."""
        return 0 if self._shared is None else len(self._shared.callbacks)

    def __repr__(self):
        if self._h is None:
            return "<Fetcher closed>"
        return f"<Fetcher: {self.pending} fetches pending>"

