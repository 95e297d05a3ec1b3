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
from ._errors import OutOfRange
from ._handle import Handle
from ._runtime import global_cleanup, global_init
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
from ._util import UINT32_MAX, UINT64_MAX, as_cstring, as_path, signed64, unsigned
from .content import Content

_STATUS_NAMES = {FETCH_OK: "ok", FETCH_HASH_MISMATCH: "hash_mismatch", FETCH_GONE: "gone",
                 FETCH_RETRY_LATER: "retry_later", FETCH_FATAL: "fatal"}
INT_MAX = 2**31 - 1
INT32_MIN = -(2**31)


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


class _Shared:
    """What the C callback reaches: the Python callbacks by fetch id and the stored
    exceptions. Kept apart from the Fetcher so the thunk does not reference the fetcher."""

    def __init__(self):
        self.callbacks = {}  # fetch id -> callable, until it completes or is cancelled
        self.errors = []

    def raise_pending(self):
        errors, self.errors = self.errors, []
        if errors:
            first = errors[0]
            if len(errors) > 1:
                first.add_note(f"({len(errors) - 1} later callback exception(s) dropped)")
            raise first


def _thunk(shared):
    def complete(fetcher, fetch_id, result, data, length, payload):
        callback = shared.callbacks.pop(fetch_id, None)
        if callback is None:  # cannot happen: every id is registered before step() runs
            return
        try:
            # The library lends data and result for this call only.
            piece = ctypes.string_at(data, length) if data else None
            callback(_result(result.contents, piece))
        except BaseException as exc:  # cannot cross the C frames; raised from step()
            shared.errors.append(exc)

    return FETCH_CB(complete)


class Fetcher(Handle):
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
    # Class defaults, so close() and __del__ work when __init__ failed early.
    _global = False
    _shared = None
    _thunk = None
    _stepping = False
    _cleanup_after_step = False

    def __init__(self, content, *, ca_file=None, ca_path=None, insecure_skip_verify=False,
                 connect_timeout_ms=0, timeout_ms=0, low_speed_bytes_per_s=0,
                 low_speed_time_s=0, max_redirects=0, max_response_bytes=0, max_per_host=0,
                 max_parallel=0, refuse_private_addresses=False, user_agent=None):
        if not isinstance(content, Content):
            raise TypeError(f"content must be a Content, not {type(content).__name__}")
        opts = FetcherOptions()
        _lib.p2pcdn_fetcher_options_init(byref(opts), FETCHER_OPTIONS_VERSION)
        # The library copies the strings during p2pcdn_fetcher_new; these locals outlive it.
        ca_file_b = None if ca_file is None else as_path(ca_file)
        ca_path_b = None if ca_path is None else as_path(ca_path)
        agent = None if user_agent is None else as_cstring(user_agent, "user_agent")
        opts.ca_file = ca_file_b
        opts.ca_path = ca_path_b
        opts.insecure_skip_verify = 1 if insecure_skip_verify else 0
        opts.connect_timeout_ms = signed64(connect_timeout_ms, "connect_timeout_ms")
        opts.timeout_ms = signed64(timeout_ms, "timeout_ms")
        opts.low_speed_bytes_per_s = unsigned(low_speed_bytes_per_s, "low_speed_bytes_per_s",
                                              UINT32_MAX)
        opts.low_speed_time_s = unsigned(low_speed_time_s, "low_speed_time_s", UINT32_MAX)
        opts.max_redirects = _int32(max_redirects, "max_redirects")
        opts.max_response_bytes = unsigned(max_response_bytes, "max_response_bytes", UINT64_MAX)
        opts.max_per_host = unsigned(max_per_host, "max_per_host", UINT32_MAX)
        opts.max_parallel = unsigned(max_parallel, "max_parallel", UINT32_MAX)
        opts.refuse_private_addresses = 1 if refuse_private_addresses else 0
        opts.user_agent = agent
        self._shared = _Shared()
        self._thunk = _thunk(self._shared)
        # fetcher.h: p2pcdn_global_init() must precede p2pcdn_fetcher_new. Taken here so
        # Python users need not; released by close(), or at once if the fetcher is not made.
        global_init()
        self._global = True
        handle = FetcherPtr()
        try:
            _lib.p2pcdn_fetcher_new(byref(handle), content._h, byref(opts))
        except BaseException:
            self._release_global()
            raise
        self._h = handle

    def copy(self):
        raise TypeError("a Fetcher cannot be copied")

    __copy__ = copy

    def __deepcopy__(self, memo):
        return self.copy()

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
        outer = not self._stepping
        self._stepping = True
        try:
            _lib.p2pcdn_fetcher_step(self._h, timeout, byref(running))
        finally:
            if outer:
                self._stepping = False
                if self._cleanup_after_step:
                    # close() ran inside a callback: the library freed the fetcher only when
                    # step returned, so libcurl's global setup could be released only now.
                    self._cleanup_after_step = False
                    self._release_global()
        self._shared.raise_pending()
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

    # -- lifetime -------------------------------------------------------------------------------

    def _release_global(self):
        if self._global:
            self._global = False
            global_cleanup()

    def close(self):
        """Cancels every pending fetch (no callback runs), frees the fetcher and drops its
        global_init reference. Safe from a callback: the library defers the free until step()
        returns, and the binding the global cleanup with it. The thunk is kept until the
        object itself goes, since a call through it may still be returning."""
        handle, self._h = self._h, None
        if handle is not None:
            self._free(handle)
        if self._shared is not None:
            self._shared.callbacks.clear()
        if self._stepping:
            self._cleanup_after_step = True
        else:
            self._release_global()

    def __repr__(self):
        if self._h is None:
            return "<Fetcher closed>"
        return f"<Fetcher: {self.pending} fetches pending>"


def _int32(value, name):
    """An int for an int32_t parameter, refused rather than wrapped."""
    value = signed64(value, name)
    if not INT32_MIN <= value <= INT_MAX:
        raise OutOfRange(f"{name} {value} is outside {INT32_MIN}..{INT_MAX}")
    return value
