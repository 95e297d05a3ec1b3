"""Python bindings of libp2pcdn, through ctypes.

The shared library is found through P2PCDN_LIBRARY (a path to libp2pcdn.so.0), then the
build tree when this package runs from a source checkout, then the system's library path.
"""

__version__ = "0.1.0"

from ._errors import (
    AlreadyExists,
    BufferTooSmall,
    CallbackAborted,
    Cancelled,
    FileSystemError,
    HashMismatch,
    HTTPError,
    InternalError,
    InvalidArgument,
    InvalidState,
    IOError_,
    LimitReached,
    NetworkError,
    NotFound,
    OperationTimeout,
    OutOfMemory,
    OutOfRange,
    P2pcdnError,
    ParseError,
    ProtocolError,
    TimeoutError_,
    TLSError,
    error_for,
)
from ._lib import ABI_VERSION
from ._runtime import (
    abi_version,
    clear_error,
    global_cleanup,
    global_init,
    last_error,
    library_path,
    strerror,
    version,
    version_string,
)
from ._types import BITMAP_MAX_BITS, CONTENT_ID_MAX, PIECE_LENGTH_MAX
from .bitmap import Bitmap
from .content import Content

__all__ = [
    "ABI_VERSION",
    "AlreadyExists",
    "BITMAP_MAX_BITS",
    "Bitmap",
    "BufferTooSmall",
    "CONTENT_ID_MAX",
    "CallbackAborted",
    "Cancelled",
    "Content",
    "FileSystemError",
    "HTTPError",
    "HashMismatch",
    "IOError_",
    "InternalError",
    "InvalidArgument",
    "InvalidState",
    "LimitReached",
    "NetworkError",
    "NotFound",
    "OperationTimeout",
    "OutOfMemory",
    "OutOfRange",
    "P2pcdnError",
    "PIECE_LENGTH_MAX",
    "ParseError",
    "ProtocolError",
    "TLSError",
    "TimeoutError_",
    "abi_version",
    "clear_error",
    "error_for",
    "global_cleanup",
    "global_init",
    "last_error",
    "library_path",
    "strerror",
    "version",
    "version_string",
]
