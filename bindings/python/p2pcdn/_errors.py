"""The exception hierarchy: one class per P2PCDN_E* code of p2pcdn.h.

Each class also derives from the builtin exception a Python caller would naturally catch
(an out-of-range index is an IndexError, malformed text a ValueError, ...), so code that
knows nothing about p2pcdn still handles the failures sensibly.
"""

# The permanent code values of p2pcdn.h; they never change within an ABI major.
OK = 0
ERROR = -1
EINVAL = -2
ENOMEM = -3
EBUFS = -4
ERANGE = -5
EPARSE = -6
ENOTFOUND = -7
EEXISTS = -8
EIO = -9
EHASH = -10
ESTATE = -11
EUSER = -12
ENETWORK = -13
ETIMEOUT = -14
ETLS = -15
EHTTP = -16
EPROTO = -17
ELIMIT = -18
ECANCELLED = -19


class P2pcdnError(Exception):
    """A failed p2pcdn call.

    .code is the negative P2PCDN_E* code and .message the one-line detail that
    p2pcdn_last_error() gave right after the failure (or the binding's own text when the
    binding refused the call before reaching the library).
    """

    code = ERROR

    def __init__(self, message="", code=None):
        # Only the message goes to the builtin bases: OSError would otherwise read a
        # (code, message) pair as (errno, strerror) and print "[Errno -9] ...".
        super().__init__(message)
        if code is not None:
            self.code = code
        self.message = message

    def __str__(self):
        return self.message or f"p2pcdn error {self.code}"

    def __reduce__(self):
        # Pickles (multiprocessing, pytest-xdist) rebuild with the same message and code.
        return (type(self), (self.message, self.code))


class InternalError(P2pcdnError):
    code = ERROR


class InvalidArgument(P2pcdnError, ValueError):
    code = EINVAL


class OutOfMemory(P2pcdnError, MemoryError):
    code = ENOMEM


class BufferTooSmall(P2pcdnError):
    code = EBUFS


class OutOfRange(P2pcdnError, IndexError):
    code = ERANGE


class ParseError(P2pcdnError, ValueError):
    code = EPARSE


class NotFound(P2pcdnError, LookupError):
    code = ENOTFOUND


class AlreadyExists(P2pcdnError):
    code = EEXISTS


class FileSystemError(P2pcdnError, OSError):
    code = EIO


class HashMismatch(P2pcdnError):
    code = EHASH


class InvalidState(P2pcdnError):
    code = ESTATE


class CallbackAborted(P2pcdnError):
    code = EUSER


class NetworkError(P2pcdnError, ConnectionError):
    code = ENETWORK


class OperationTimeout(P2pcdnError, TimeoutError):
    code = ETIMEOUT


class TLSError(P2pcdnError):
    code = ETLS


class HTTPError(P2pcdnError):
    code = EHTTP


class ProtocolError(P2pcdnError):
    code = EPROTO


class LimitReached(P2pcdnError):
    code = ELIMIT


class Cancelled(P2pcdnError):
    code = ECANCELLED


# The names the binding was first specified with; IOError and TimeoutError themselves are
# builtins, so the main names avoid shadowing them.
IOError_ = FileSystemError
TimeoutError_ = OperationTimeout

ERROR_CLASSES = {
    cls.code: cls
    for cls in (InternalError, InvalidArgument, OutOfMemory, BufferTooSmall, OutOfRange,
                ParseError, NotFound, AlreadyExists, FileSystemError, HashMismatch, InvalidState,
                CallbackAborted, NetworkError, OperationTimeout, TLSError, HTTPError,
                ProtocolError, LimitReached, Cancelled)
}


def error_for(code, message=""):
    """The exception for a negative code; codes newer than this binding give P2pcdnError."""
    return ERROR_CLASSES.get(code, P2pcdnError)(message, code)


def _last_error_text():
    # Imported here: _lib imports this module to declare its errcheck functions.
    from . import _lib

    return _lib.p2pcdn_last_error().decode("utf-8", "replace")


def _check(result, func, args):
    """errcheck for int-returning calls: negative is a failure, anything else the answer."""
    if result < 0:
        raise error_for(result, _last_error_text())
    return result


def _check_ptr(result, func, args):
    """errcheck for pointer-returning calls, which give NULL only for an invalid handle."""
    if result is None:
        raise error_for(EINVAL, _last_error_text())
    return result
