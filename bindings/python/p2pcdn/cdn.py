"""Cdn: puts pieces into a CDN and takes them out again (cdn.h, docs/api.md "CDN client").

Every ingest or purge is a job that step() or wait() drives to a terminal state; its result
is a JobStatus with one ItemResult per piece. Signers say how the requests of each driver
(and of the CSS) authenticate.

Callbacks follow the Fetcher's rules: one C thunk for the client's whole life, and an
exception raised by a callback is stored and raised again from step() or wait().
"""

import ctypes
from ctypes import byref
from dataclasses import dataclass

from . import _lib
from ._global_handle import CallbackState, SteppedHandle
from ._http_options import fill_http_options
from ._types import (
    CDN_DRIVER_CIT,
    CDN_DRIVER_EDGE,
    CDN_DRIVER_METRICS_VERSION,
    CDN_DRIVER_ORIGIN,
    CDN_ITEM_RESULT_VERSION,
    CDN_JOB_CB,
    CDN_JOB_INFO_VERSION,
    CDN_OPTIONS_VERSION,
    CSS_OPTIONS_VERSION,
    SIGNER_AWS_SIGV4,
    SIGNER_BEARER,
    SIGNER_HEADER,
    SIGNER_OPTIONS_VERSION,
    CdnDriverMetrics,
    CdnItemResult,
    CdnJobInfo,
    CdnOptions,
    CdnPtr,
    CssOptions,
    SignerOptions,
)
from ._util import (
    UINT32_MAX,
    UINT64_MAX,
    as_buffer,
    as_cstring,
    enum_code,
    read_output,
    signed64,
    unsigned,
)
from .content import Content

INT_MAX = 2**31 - 1
_DRIVERS = {"origin": CDN_DRIVER_ORIGIN, "edge": CDN_DRIVER_EDGE, "cit": CDN_DRIVER_CIT}
_KINDS = {0: "ingest", 1: "purge"}
_JOB_STATES = {0: "pending", 1: "active", 2: "complete", 3: "processed", 4: "failed",
               5: "cancelling", 6: "cancelled"}
_TERMINAL = {"complete", "processed", "failed", "cancelled"}
_ITEM_STATES = {0: "pending", 1: "active", 2: "done", 3: "failed", 4: "cancelled"}
_NO_CALLBACK = CDN_JOB_CB()  # a NULL function pointer: ctypes refuses None for the type


def _text(value):
    return "" if value is None else value.decode("utf-8", "replace")


def _optional(value, name):
    return None if value is None else as_cstring(value, name)


# -- signers ------------------------------------------------------------------------------------

@dataclass(frozen=True, repr=False)
class Signer:
    """How a driver's requests authenticate. Make one with Signer.bearer, Signer.header or
    Signer.aws_sigv4. Secrets stay out of repr() and of every error message."""

    kind: int
    token: str | None = None
    header_name: str | None = None
    header_value: str | None = None
    access_key_id: str | None = None
    secret_access_key: str | None = None
    session_token: str | None = None
    region: str | None = None
    service: str | None = None
    s3_rules: bool | None = None
    sign_payload: bool = True

    @classmethod
    def bearer(cls, token):
        """"Authorization: Bearer <token>"."""
        return cls(SIGNER_BEARER, token=token)

    @classmethod
    def header(cls, name, value):
        """One static header, e.g. Signer.header("Fastly-Key", key)."""
        return cls(SIGNER_HEADER, header_name=name, header_value=value)

    @classmethod
    def aws_sigv4(cls, access_key_id, secret_access_key, region, *, service="s3",
                  session_token=None, s3_rules=None, sign_payload=True):
        """AWS Signature Version 4 (header form). s3_rules None: S3's rules when the service
        is "s3"; sign_payload False sends "UNSIGNED-PAYLOAD" (S3 rules only)."""
        return cls(SIGNER_AWS_SIGV4, access_key_id=access_key_id,
                   secret_access_key=secret_access_key, session_token=session_token,
                   region=region, service=service, s3_rules=s3_rules,
                   sign_payload=sign_payload)

    def __repr__(self):
        names = {SIGNER_BEARER: "bearer", SIGNER_HEADER: "header",
                 SIGNER_AWS_SIGV4: "aws-sigv4"}
        shown = names.get(self.kind, str(self.kind))
        if self.kind == SIGNER_HEADER:
            shown += f" {self.header_name}"
        elif self.kind == SIGNER_AWS_SIGV4:
            shown += f" {self.access_key_id} {self.region}/{self.service}"
        return f"<Signer {shown}>"

    def _options(self):
        """The C struct; its strings live as long as it does (ctypes keeps the bytes)."""
        opts = SignerOptions()
        _lib.p2pcdn_signer_options_init(byref(opts), SIGNER_OPTIONS_VERSION)
        opts.kind = self.kind
        for name in ("token", "header_name", "header_value", "access_key_id",
                     "secret_access_key", "session_token", "region", "service"):
            setattr(opts, name, _optional(getattr(self, name), name))
        opts.s3_rules = 0 if self.s3_rules is None else (1 if self.s3_rules else -1)
        opts.unsigned_payload = 0 if self.sign_payload else 1
        return opts


def _signer_pointer(signer, name):
    if signer is None:
        return None
    if not isinstance(signer, Signer):
        raise TypeError(f"{name} must be a Signer, not {type(signer).__name__}")
    return ctypes.pointer(signer._options())


# -- results ------------------------------------------------------------------------------------

@dataclass(frozen=True)
class ItemResult:
    """One piece of a job. state: "pending", "active", "done", "failed" or "cancelled";
    uri: the piece's delivery URI; error: the P2PCDN_E* cause (0 unless failed or
    cancelled); driver: "css", "origin", "edge" or "cit" when it failed; uncertain: a failed
    or cancelled upload that may have reached the CDN (purge it or check it)."""

    piece: int
    state: str
    uri: str
    http_status: int
    error: int
    message: str
    driver: str
    attempts: int
    uncertain: bool


@dataclass(frozen=True)
class JobStatus:
    """A job: kind "ingest" or "purge"; state one of RFC 8007's "pending", "active",
    "complete", "processed", "failed", "cancelling", "cancelled"; its items in submission
    order. Times are steady-clock milliseconds (finished_ms 0 until terminal)."""

    id: int
    kind: str
    state: str
    content_id: str
    ttl_s: int
    items: tuple
    retries: int
    created_ms: int
    finished_ms: int

    @property
    def terminal(self):
        return self.state in _TERMINAL

    @property
    def done(self):
        """The pieces done, in submission order."""
        return [i.piece for i in self.items if i.state == "done"]

    @property
    def failed(self):
        return [i for i in self.items if i.state == "failed"]

    @property
    def uncertain(self):
        return [i for i in self.items if i.uncertain]


@dataclass(frozen=True)
class DriverMetrics:
    requests: int
    bytes_sent: int
    bytes_received: int
    retries: int
    failures: int


def _read_status(handle, job):
    """A JobStatus copied out of the client now: its strings are borrowed."""
    info = CdnJobInfo()
    _lib.p2pcdn_cdn_job_info_init(byref(info), CDN_JOB_INFO_VERSION)
    _lib.p2pcdn_cdn_job_status(handle, job, byref(info))
    raw = CdnItemResult()
    _lib.p2pcdn_cdn_item_result_init(byref(raw), CDN_ITEM_RESULT_VERSION)
    items = []
    for i in range(info.items):
        _lib.p2pcdn_cdn_job_item_at(handle, job, i, byref(raw))
        items.append(ItemResult(
            piece=raw.piece, state=_ITEM_STATES.get(raw.state, raw.state), uri=_text(raw.uri),
            http_status=raw.http_status, error=raw.error, message=_text(raw.message),
            driver=_text(raw.driver), attempts=raw.attempts, uncertain=bool(raw.uncertain)))
    return JobStatus(
        id=job, kind=_KINDS.get(info.kind, info.kind),
        state=_JOB_STATES.get(info.state, info.state), content_id=_text(info.content_id),
        ttl_s=info.ttl_s, items=tuple(items), retries=info.retries, created_ms=info.created_ms,
        finished_ms=info.finished_ms)


def _thunk(shared):
    def finished(cdn, job, state, payload):
        shared.deliver(job, lambda: _read_status(CdnPtr(cdn), job))

    return CDN_JOB_CB(finished)


# -- arguments ----------------------------------------------------------------------------------

def _pieces(pieces):
    values = [unsigned(p, "piece") for p in pieces]
    return (ctypes.c_size_t * len(values))(*values), len(values)


def _chain(chain, name):
    """(array, length) for a chain: None is the library's default (a NULL array), a sequence
    of "origin", "edge", "cit" (or P2PCDN_CDN_DRIVER_* ints) is that chain, [] none."""
    if chain is None:
        return None, 0
    if isinstance(chain, str):
        raise TypeError(f"{name} must be a sequence of driver names, not a str")
    codes = [enum_code(_DRIVERS, d, "driver") for d in chain]
    # One spare element: the pointer of an empty chain must not be NULL.
    array = (ctypes.c_int * (len(codes) + 1))(*codes)
    return ctypes.cast(array, ctypes.POINTER(ctypes.c_int)), len(codes)


def _strings(values, name):
    if isinstance(values, (str, bytes)):
        raise TypeError(f"{name} must be a sequence of strings, not a single string")
    encoded = [as_cstring(v, name) for v in values]
    return (ctypes.c_char_p * len(encoded))(*encoded), len(encoded)


# -- the client ---------------------------------------------------------------------------------

def _cdn_options(delivery_template, *, origin_ingest_template=None,
                 origin_content_type=None, origin_send_expires=False, origin_digest=True,
                 origin_signer=None,
                 edges=(), edge_method=None, edge_signer=None, cit_collection_url=None,
                 cit_cdn_path=(), cit_ingest_type=None, cit_purge_type=None,
                 cit_poll_interval_ms=0, cit_max_poll_ms=0, cit_max_urls_per_trigger=0,
                 cit_signer=None, ingest_chain=None, purge_chain=None, retry_max_attempts=0,
                 retry_job_budget=0, retry_base_delay_ms=0, retry_max_delay_ms=0, retry_seed=0,
                 ca_file=None, ca_path=None, insecure_skip_verify=False, connect_timeout_ms=0,
                 timeout_ms=0, low_speed_bytes_per_s=0, low_speed_time_s=0, max_redirects=0,
                 max_per_host=0, max_parallel=0, refuse_private_addresses=False,
                 user_agent=None):
    """p2pcdn_cdn_options for Cdn's keyword arguments (Cdn documents them), and the
    arrays it points into, which the caller keeps until the library copied them."""
    opts = CdnOptions()
    _lib.p2pcdn_cdn_options_init(byref(opts), CDN_OPTIONS_VERSION)
    # Everything the struct points to is held by `opts` or the returned arrays until the
    # library has copied it.
    http_strings = fill_http_options(
        opts, ca_file=ca_file, ca_path=ca_path, insecure_skip_verify=insecure_skip_verify,
        connect_timeout_ms=connect_timeout_ms, timeout_ms=timeout_ms,
        low_speed_bytes_per_s=low_speed_bytes_per_s, low_speed_time_s=low_speed_time_s,
        max_redirects=max_redirects, max_per_host=max_per_host, max_parallel=max_parallel,
        refuse_private_addresses=refuse_private_addresses, user_agent=user_agent)
    opts.delivery_template = as_cstring(delivery_template, "delivery_template")
    opts.ingest_chain, opts.ingest_chain_len = _chain(ingest_chain, "ingest_chain")
    opts.purge_chain, opts.purge_chain_len = _chain(purge_chain, "purge_chain")
    opts.origin_ingest_template = _optional(origin_ingest_template, "origin_ingest_template")
    opts.origin_content_type = _optional(origin_content_type, "origin_content_type")
    opts.origin_send_expires = 1 if origin_send_expires else 0
    opts.origin_omit_digest = 0 if origin_digest else 1
    opts.origin_signer = _signer_pointer(origin_signer, "origin_signer")
    edge_array, opts.edge_count = _strings(edges, "edges")
    opts.edges = ctypes.cast(edge_array, ctypes.POINTER(ctypes.c_char_p))
    opts.edge_method = _optional(edge_method, "edge_method")
    opts.edge_signer = _signer_pointer(edge_signer, "edge_signer")
    opts.cit_collection_url = _optional(cit_collection_url, "cit_collection_url")
    path_array, opts.cit_cdn_path_len = _strings(cit_cdn_path, "cit_cdn_path")
    opts.cit_cdn_path = ctypes.cast(path_array, ctypes.POINTER(ctypes.c_char_p))
    opts.cit_ingest_type = _optional(cit_ingest_type, "cit_ingest_type")
    opts.cit_purge_type = _optional(cit_purge_type, "cit_purge_type")
    opts.cit_poll_interval_ms = signed64(cit_poll_interval_ms, "cit_poll_interval_ms")
    opts.cit_max_poll_ms = signed64(cit_max_poll_ms, "cit_max_poll_ms")
    opts.cit_max_urls_per_trigger = unsigned(cit_max_urls_per_trigger,
                                             "cit_max_urls_per_trigger")
    opts.cit_signer = _signer_pointer(cit_signer, "cit_signer")
    opts.retry_max_attempts = unsigned(retry_max_attempts, "retry_max_attempts", UINT32_MAX)
    opts.retry_job_budget = unsigned(retry_job_budget, "retry_job_budget", UINT32_MAX)
    opts.retry_base_delay_ms = signed64(retry_base_delay_ms, "retry_base_delay_ms")
    opts.retry_max_delay_ms = signed64(retry_max_delay_ms, "retry_max_delay_ms")
    opts.retry_seed = unsigned(retry_seed, "retry_seed", UINT64_MAX)
    return opts, (edge_array, path_array, http_strings)


def _css_options(object_url, piece_template, signer):
    """p2pcdn_css_options: the whole object at object_url, or one URL per piece."""
    css = CssOptions()
    _lib.p2pcdn_css_options_init(byref(css), CSS_OPTIONS_VERSION)
    css.object_url = _optional(object_url, "object_url")
    css.piece_template = _optional(piece_template, "piece_template")
    css.signer = _signer_pointer(signer, "signer")
    return css


class Cdn(SteppedHandle):
    """A CDN ingest and purge client.

    delivery_template: the URI UEs GET a piece from, with {piece} and optional {content}.
    Drivers (each configured by its first option):
      origin_ingest_template, origin_content_type, origin_send_expires, origin_digest
      (True: a Content-Digest on every PUT), origin_signer:
          PUT / DELETE of each piece object;
      edges (base URLs), edge_method ("PURGE"), edge_signer: a purge of the delivery URL at
          every edge;
      cit_collection_url, cit_cdn_path, cit_ingest_type, cit_purge_type,
      cit_poll_interval_ms, cit_max_poll_ms, cit_max_urls_per_trigger, cit_signer:
          RFC 8007 triggers.
    ingest_chain, purge_chain: driver names in order (None: the origin when configured).
    Retries: retry_max_attempts (5), retry_job_budget (4 per piece), retry_base_delay_ms
    (200), retry_max_delay_ms (30000), retry_seed. HTTP as for Fetcher: ca_file, ca_path,
    insecure_skip_verify, connect_timeout_ms, timeout_ms (60 s per request),
    low_speed_bytes_per_s, low_speed_time_s, max_redirects, max_per_host (8),
    max_parallel (32), refuse_private_addresses, user_agent. 0 / None keep the defaults.

    Takes a reference on the library's global setup for its lifetime. Use it from one thread
    at a time; callbacks run on the thread calling step() or wait(). It cannot be copied.
    """

    _ptr_type = CdnPtr
    _free = staticmethod(_lib.p2pcdn_cdn_free)
    _noun = "a Cdn"

    def __init__(self, delivery_template, **options):
        # The keyword arguments are those of _cdn_options, documented above.
        opts, _arrays = _cdn_options(delivery_template, **options)
        self._shared = CallbackState()
        self._thunk = _thunk(self._shared)
        # cdn.h: p2pcdn_global_init() must precede p2pcdn_cdn_new; released by close().
        self._make(_lib.p2pcdn_cdn_new, byref(opts))

    # -- jobs -----------------------------------------------------------------------------------

    def _queued(self, job, callback):
        # Registered before any step() can complete it: callbacks run only inside step/wait.
        if callback is not None:
            self._shared.callbacks[job.value] = callback
        return job.value

    def _thunk_for(self, callback):
        if callback is None:
            return _NO_CALLBACK
        if not callable(callback):
            raise TypeError(f"callback must be callable, not {type(callback).__name__}")
        return self._thunk

    def ingest(self, content_id, pieces, ttl_s, callback=None):
        """Queues an ingest of pieces given as {piece: bytes-like}; the objects carry ttl_s
        (> 0) as their max-age. Returns the job id. callback(JobStatus) runs once when the
        job is terminal, from step() or wait()."""
        thunk = self._thunk_for(callback)
        entries = list(pieces.items())
        index, count = _pieces(p for p, _ in entries)
        buffers = [as_buffer(data) for _, data in entries]
        pointers = (ctypes.c_void_p * max(count, 1))(
            *[ctypes.cast(b, ctypes.c_void_p) for b, _ in buffers])
        lengths = (ctypes.c_size_t * max(count, 1))(*[n for _, n in buffers])
        job = ctypes.c_uint64()
        _lib.p2pcdn_cdn_ingest(self._h, as_cstring(content_id, "content_id"), index, count,
                               pointers, lengths, signed64(ttl_s, "ttl_s"), thunk, None,
                               byref(job))
        return self._queued(job, callback)

    def ingest_from_css(self, content, pieces, ttl_s, *, object_url=None, piece_template=None,
                        signer=None, callback=None):
        """Queues an ingest whose pieces come from the Content Source Server: the whole
        object at object_url (pieces as byte Ranges) or one URL per piece from
        piece_template; each is checked against the Content's piece hash before upload."""
        if not isinstance(content, Content):
            raise TypeError(f"content must be a Content, not {type(content).__name__}")
        thunk = self._thunk_for(callback)
        css = _css_options(object_url, piece_template, signer)
        index, count = _pieces(pieces)
        job = ctypes.c_uint64()
        _lib.p2pcdn_cdn_ingest_from_css(self._h, content._h, index, count, byref(css),
                                        signed64(ttl_s, "ttl_s"), thunk, None, byref(job))
        return self._queued(job, callback)

    def purge(self, content_id, pieces, callback=None):
        """Queues a purge of the pieces through the purge chain; returns the job id."""
        thunk = self._thunk_for(callback)
        index, count = _pieces(pieces)
        job = ctypes.c_uint64()
        _lib.p2pcdn_cdn_purge(self._h, as_cstring(content_id, "content_id"), index, count, thunk,
                              None, byref(job))
        return self._queued(job, callback)

    def step(self, timeout_ms=0):
        """Runs transfers and timers for up to timeout_ms and calls the callbacks of the jobs
        that ended; returns the jobs not yet terminal. Raises the first exception a callback
        raised."""
        timeout = unsigned(timeout_ms, "timeout_ms", INT_MAX)
        active = ctypes.c_size_t()
        self._drive(lambda: _lib.p2pcdn_cdn_step(self._h, timeout, byref(active)))
        return active.value

    def wait(self, job):
        """Drives the client until the job is terminal; its JobStatus (so its callback must
        not forget it)."""
        job = unsigned(job, "job", UINT64_MAX)
        self._drive(lambda: _lib.p2pcdn_cdn_wait(self._h, job, None))
        return self.status(job)

    def cancel(self, job):
        """Asks a job to stop; it ends "cancelled" through step() or wait()."""
        _lib.p2pcdn_cdn_cancel(self._h, unsigned(job, "job", UINT64_MAX))

    def forget(self, job):
        """Drops a terminal job and its results."""
        job = unsigned(job, "job", UINT64_MAX)
        _lib.p2pcdn_cdn_forget(self._h, job)
        self._shared.callbacks.pop(job, None)

    def state(self, job):
        """The job's state name."""
        state = ctypes.c_int()
        _lib.p2pcdn_cdn_job_state(self._h, unsigned(job, "job", UINT64_MAX), byref(state))
        return _JOB_STATES.get(state.value, state.value)

    def status(self, job):
        """The job's JobStatus now."""
        return _read_status(self._h, unsigned(job, "job", UINT64_MAX))

    def metrics(self, driver):
        """The counters of "css", "origin", "edge" or "cit"."""
        raw = CdnDriverMetrics()
        _lib.p2pcdn_cdn_driver_metrics_init(byref(raw), CDN_DRIVER_METRICS_VERSION)
        _lib.p2pcdn_cdn_metrics(self._h, as_cstring(driver, "driver"), byref(raw))
        return DriverMetrics(raw.requests, raw.bytes_sent, raw.bytes_received, raw.retries,
                             raw.failures)

    def delivery_uri(self, content_id, piece):
        """The URI UEs GET the piece from."""
        return read_output(_lib.p2pcdn_cdn_delivery_uri, self._h,
                           as_cstring(content_id, "content_id"), unsigned(piece, "piece"),
                           text=True)

    def __repr__(self):
        if self._h is None:
            return "<Cdn closed>"
        return f"<Cdn: {len(self._shared.callbacks)} callbacks pending>"
