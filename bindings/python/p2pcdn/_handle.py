"""The lifetime of one library handle, shared by every wrapper class."""

from ctypes import byref


class Handle:
    """Owns one handle: close() (idempotent), context manager, copy(), and a __del__ that
    tolerates interpreter shutdown. Subclasses set _ptr_type, _free and _copy_fn."""

    _h = None  # so close() and __del__ work even when __init__ failed
    _ptr_type = None
    # Subclasses hold these on the class, so __del__ can still free while the interpreter
    # shuts down and module globals are gone.
    _free = None
    _copy_fn = None

    @classmethod
    def _adopt(cls, handle):
        obj = cls.__new__(cls)
        obj._h = handle
        return obj

    def copy(self):
        """An independent copy."""
        handle = self._ptr_type()
        self._copy_fn(byref(handle), self._h)
        return type(self)._adopt(handle)

    __copy__ = copy

    def __deepcopy__(self, memo):
        return self.copy()

    @property
    def closed(self):
        return self._h is None

    def close(self):
        """Frees the handle now. Safe to call more than once."""
        handle, self._h = self._h, None
        if handle is not None:
            self._free(handle)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def __del__(self):
        try:
            self.close()
        except Exception:  # interpreter shutdown may have torn down what close() uses
            pass
