"""Content: an id, a byte length cut into pieces, and the pieces' hashes."""

import ctypes
from ctypes import byref

from . import _lib
from ._handle import Handle
from ._errors import HashMismatch
from ._types import (
    HASH_NONE,
    HASH_OPTIONS_VERSION,
    HASH_SHA1,
    HASH_SHA256,
    HASHES_HEX,
    HASHES_RAW,
    PROGRESS_CB,
    ContentPtr,
    HashOptions,
)
from ._util import (
    UINT32_MAX,
    UINT64_MAX,
    as_buffer,
    as_cstring,
    as_path,
    as_text,
    enum_code,
    read_output,
    unsigned,
)

_ALGOS = {"sha1": HASH_SHA1, "sha-1": HASH_SHA1, "sha256": HASH_SHA256, "sha-256": HASH_SHA256}
_ALGO_NAMES = {HASH_NONE: None, HASH_SHA1: "sha1", HASH_SHA256: "sha256"}
_FORMATS = {"raw": HASHES_RAW, "hex": HASHES_HEX}


_code = enum_code


class _Progress:
    """A Python progress callable wrapped as a p2pcdn_progress_cb for the length of one call.

    The callable gets (done_bytes, total_bytes) and returns None or True to go on, False to
    stop (the call then raises CallbackAborted). An exception it raises cannot cross the C
    frames, so it is kept, the hashing is stopped, and the exception is raised again when the
    C call has returned. Used as a context manager around the call: that keeps the C function
    pointer alive while the library may call it.
    """

    def __init__(self, func):
        self.func = func
        self.error = None
        self.c_func = PROGRESS_CB(self._call) if func is not None else None

    def _call(self, done, total, payload):
        try:
            result = self.func(done, total)
        except BaseException as exc:  # KeyboardInterrupt too: it must stop the hashing
            self.error = exc
            return 1
        return 0 if result is None or result else 1

    def options(self, algo, read_size):
        opts = HashOptions()
        _lib.p2pcdn_hash_options_init(byref(opts), HASH_OPTIONS_VERSION)
        # None keeps the library's default (SHA-1).
        if algo is not None:
            opts.algo = _code(_ALGOS, algo, "hash algorithm")
        opts.read_size = unsigned(read_size, "read_size")
        if self.c_func is not None:
            opts.progress = self.c_func
        return opts

    def __enter__(self):
        return self

    def __exit__(self, exc_type, exc, tb):
        error, self.error = self.error, None
        if error is not None:
            # Raised from here, the CallbackAborted the library returned becomes its context.
            raise error
        return False


class Content(Handle):
    """A content layout and its piece hashes (SHA-1 as BitTorrent v1, or SHA-256).

    Not locked: use one object from one thread at a time. Progress callbacks run on the
    calling thread. A closed content raises InvalidArgument.
    """

    _ptr_type = ContentPtr
    _free = staticmethod(_lib.p2pcdn_content_free)
    _copy_fn = staticmethod(_lib.p2pcdn_content_copy)

    def __init__(self, content_id, total_length, piece_length):
        handle = ContentPtr()
        _lib.p2pcdn_content_new(
            byref(handle),
            as_cstring(content_id, "content_id"),
            unsigned(total_length, "total_length", UINT64_MAX),
            unsigned(piece_length, "piece_length", UINT32_MAX),
        )
        self._h = handle


    @classmethod
    def from_file(cls, content_id, path, piece_length, algo="sha1", read_size=0, progress=None):
        """The layout of the file at path (its current size) with its piece hashes."""
        handle = ContentPtr()
        with _Progress(progress) as cb:
            _lib.p2pcdn_content_new_from_file(
                byref(handle),
                as_cstring(content_id, "content_id"),
                as_path(path),
                unsigned(piece_length, "piece_length", UINT32_MAX),
                byref(cb.options(algo, read_size)),
            )
        return cls._adopt(handle)

    # -- layout ---------------------------------------------------------------------------------

    @property
    def id(self):
        return _lib.p2pcdn_content_id(self._h).decode("utf-8")

    @property
    def total_length(self):
        out = ctypes.c_uint64()
        _lib.p2pcdn_content_total_length(self._h, byref(out))
        return out.value

    @property
    def piece_length(self):
        out = ctypes.c_uint32()
        _lib.p2pcdn_content_piece_length(self._h, byref(out))
        return out.value

    @property
    def piece_count(self):
        out = ctypes.c_size_t()
        _lib.p2pcdn_content_piece_count(self._h, byref(out))
        return out.value

    def piece_range(self, i):
        """(offset, length) of piece i; the last piece may be shorter."""
        offset, length = ctypes.c_uint64(), ctypes.c_uint32()
        _lib.p2pcdn_content_piece_range(
            self._h, unsigned(i, "piece"), byref(offset), byref(length)
        )
        return offset.value, length.value

    # -- hashes ---------------------------------------------------------------------------------

    def hash_file(self, path, algo="sha1", read_size=0, progress=None):
        """Hashes every piece from the file (its size must equal total_length). On any
        failure the hashes held before are kept."""
        with _Progress(progress) as cb:
            _lib.p2pcdn_content_hash_file(
                self._h, as_path(path), byref(cb.options(algo, read_size))
            )

    def hash_buffer(self, data, algo="sha1", progress=None):
        """Hashes every piece from data (its length must equal total_length)."""
        buf, length = as_buffer(data)
        with _Progress(progress) as cb:
            _lib.p2pcdn_content_hash_buffer(self._h, buf, length, byref(cb.options(algo, 0)))

    @property
    def hash_algo(self):
        """"sha1", "sha256", or None while no hashes are known."""
        code = _lib.p2pcdn_content_hash_algo(self._h)
        return _ALGO_NAMES.get(code, code)

    def verify_piece_strict(self, i, data):
        """Raises HashMismatch unless data is exactly piece i; InvalidState without hashes."""
        buf, length = as_buffer(data)
        _lib.p2pcdn_content_verify_piece(self._h, unsigned(i, "piece"), buf, length)

    def verify_piece(self, i, data):
        """True when data is exactly piece i, False when it is not (wrong bytes or length).
        Other failures (no hashes, bad index, closed) still raise."""
        try:
            self.verify_piece_strict(i, data)
        except HashMismatch:
            return False
        return True

    def piece_hash(self, i):
        """The digest of piece i: 20 bytes (SHA-1) or 32 (SHA-256)."""
        return read_output(_lib.p2pcdn_content_piece_hash, self._h, unsigned(i, "piece"))

    def hashes(self, format="raw"):
        """Every digest in piece order: bytes as a torrent's `pieces` string ("raw"), or
        that as lowercase hex text ("hex")."""
        code = _code(_FORMATS, format, "hash list format")
        return read_output(
            _lib.p2pcdn_content_hashes_export, self._h, code, text=(code == HASHES_HEX)
        )

    def import_hashes(self, data, algo="sha1", format="raw"):
        """Replaces the hashes with a list for exactly piece_count pieces; all or nothing."""
        code = _code(_FORMATS, format, "hash list format")
        buf, length = as_text(data) if isinstance(data, str) else as_buffer(data)
        _lib.p2pcdn_content_hashes_import(
            self._h, _code(_ALGOS, algo, "hash algorithm"), code, buf, length
        )

    def __repr__(self):
        if self._h is None:
            return "<Content closed>"
        return (
            f"<Content {self.id!r} {self.total_length} bytes, {self.piece_count} pieces of "
            f"{self.piece_length}, hashes: {self.hash_algo}>"
        )
