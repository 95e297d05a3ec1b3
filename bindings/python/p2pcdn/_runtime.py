"""Module-level calls: versions, error texts and the reference-counted global setup."""

from . import _lib


def version():
    """P2PCDN_VERSION_NUM of the loaded library: (major << 16) | (minor << 8) | patch."""
    return _lib.p2pcdn_version()


def version_string():
    """"major.minor.patch" of the loaded library."""
    return _lib.p2pcdn_version_string().decode("ascii")


def abi_version():
    """The ABI major (SOVERSION) of the loaded library."""
    return _lib.p2pcdn_abi_version()


def library_path():
    """The name or path the library was loaded from."""
    return _lib.path


def strerror(code):
    """The static English text for an error code."""
    return _lib.p2pcdn_strerror(code).decode("utf-8", "replace")


def last_error():
    """The detail of the last failed p2pcdn call on this thread; "" when none."""
    return _lib.p2pcdn_last_error().decode("utf-8", "replace")


def clear_error():
    """Forgets the last error of this thread."""
    _lib.p2pcdn_error_clear()


def global_init():
    """Takes a reference on libcurl's and OpenSSL's global setup (network objects need it;
    Bitmap and Content do not). Returns the new count."""
    return _lib.p2pcdn_global_init()


def global_cleanup():
    """Drops one global_init reference; returns the remaining count. Raises InvalidState when
    called more often than global_init."""
    return _lib.p2pcdn_global_cleanup()
