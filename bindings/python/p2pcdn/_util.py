"""Argument conversion and the size-query output pattern, shared by the wrapper classes."""

import ctypes
import operator
import os

from ._errors import InvalidArgument, OutOfRange

SIZE_MAX = 2 ** (8 * ctypes.sizeof(ctypes.c_size_t)) - 1
UINT32_MAX = 2**32 - 1
UINT64_MAX = 2**64 - 1
INT64_MIN = -(2**63)
INT64_MAX = 2**63 - 1


def unsigned(value, name, maximum=SIZE_MAX):
    """An int for an unsigned C parameter.

    ctypes silently wraps a negative or too large int into an unsigned type (-1 becomes
    SIZE_MAX), which would reach the library as a different, valid-looking number.
    """
    value = operator.index(value)
    if value < 0 or value > maximum:
        raise OutOfRange(f"{name} {value} is outside 0..{maximum}")
    return value


def signed64(value, name):
    """An int for an int64_t parameter, refused rather than wrapped when outside its range."""
    value = operator.index(value)
    if not INT64_MIN <= value <= INT64_MAX:
        raise OutOfRange(f"{name} {value} is outside {INT64_MIN}..{INT64_MAX}")
    return value


def enum_code(table, value, what):
    """The C code for a name of `table` (case-insensitive). Ints go to the library unchanged,
    which judges them itself, so codes newer than this binding still work."""
    if isinstance(value, int):
        return value
    try:
        return table[value.lower()]
    except (KeyError, AttributeError):
        raise InvalidArgument(f"unknown {what} {value!r}; allowed: {', '.join(table)}") from None


def as_buffer(data):
    """A ctypes-passable object and its length for any bytes-like input.

    bytes go through as they are; writable buffers (bytearray, mmap) are passed in place;
    anything else is copied once into bytes.
    """
    if isinstance(data, bytes):
        return data, len(data)
    view = memoryview(data)
    if view.c_contiguous and not view.readonly and view.nbytes > 0:
        view = view.cast("B")
        return (ctypes.c_char * view.nbytes).from_buffer(view), view.nbytes
    data = view.tobytes()
    return data, len(data)


def as_text(text):
    """UTF-8 bytes for a str (bytes pass through), with its length."""
    if isinstance(text, str):
        text = text.encode("utf-8")
    elif not isinstance(text, bytes):
        text = bytes(memoryview(text).cast("B"))
    return text, len(text)


def _no_nul(data, name):
    # A C string ends at its first NUL: "a\0b" would silently become "a".
    if b"\0" in data:
        raise InvalidArgument(f"{name} contains a NUL byte")
    return data


def as_cstring(text, name):
    """UTF-8 bytes for a NUL-terminated C string parameter."""
    return _no_nul(as_text(text)[0], name)


def as_path(path):
    """File names as the OS gives them: os.fsencode keeps non-UTF-8 names intact."""
    return _no_nul(os.fsencode(path), "path")


def read_output(func, *args, text=False):
    """Calls func(*args, buf, cap, &size) the way p2pcdn.h says: a NULL buffer asks for the
    size, then a buffer of that size gets the output. Text comes back as str without its NUL."""
    size = ctypes.c_size_t()
    func(*args, None, 0, ctypes.byref(size))
    buf = ctypes.create_string_buffer(max(size.value, 1))
    func(*args, buf, size.value, ctypes.byref(size))
    if text:
        return buf.raw[: max(size.value - 1, 0)].decode("utf-8")
    return buf.raw[: size.value]
