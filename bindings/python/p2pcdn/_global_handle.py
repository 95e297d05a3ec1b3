"""Handles whose C constructor needs p2pcdn_global_init() first (announcer, fetcher, CDN
client, NSCF). The binding takes that reference itself, so Python users need not, and must give it
back exactly once: at once when the handle is not made, else when it is closed."""

from ctypes import byref

from ._callback_errors import PendingErrors
from ._handle import Handle
from ._runtime import global_cleanup, global_init


class GlobalHandle(Handle):
    """A Handle holding a global_init reference for its lifetime. Subclasses set _noun
    ("a Fetcher") for the copy refusal: these handles have no copy function."""

    _global = False  # a class default, so close() and __del__ work when __init__ failed
    _noun = "this handle"

    def _make(self, new, *args):
        """Takes the global reference, then new(byref(handle), *args); on failure gives the
        reference back and raises again."""
        global_init()
        self._global = True
        handle = self._ptr_type()
        try:
            new(byref(handle), *args)
        except BaseException:
            self._release_global()
            raise
        self._h = handle

    def _release_global(self):
        if self._global:
            self._global = False
            global_cleanup()

    def copy(self):
        raise TypeError(f"{self._noun} cannot be copied")

    __copy__ = copy

    def close(self):
        """Frees the handle and drops its global_init reference; closing twice is fine."""
        super().close()
        self._release_global()


class CallbackState(PendingErrors):
    """What a C callback thunk reaches: the Python callbacks by id and the exceptions they
    raised. Kept apart from the handle so the thunk does not reference it."""

    def __init__(self):
        super().__init__()
        self.callbacks = {}  # id -> callable, until it completes or is dropped

    def deliver(self, key, make_argument):
        """Calls (and forgets) the callback for key with make_argument(); an exception cannot
        cross the C frames, so it is stored for raise_pending()."""
        callback = self.callbacks.pop(key, None)
        if callback is None:
            return
        try:
            callback(make_argument())
        except BaseException as exc:
            self.record(exc)


class SteppedHandle(GlobalHandle):
    """A GlobalHandle whose callbacks run inside the library's step calls. close() may come
    from such a callback: the library then frees the handle only when the outer call returns,
    so the global reference can be dropped only then too. Subclasses set _shared (a
    CallbackState) and _thunk in __init__ before _make."""

    # Class defaults, so close() and __del__ work when __init__ failed early.
    _shared = None
    _thunk = None
    _stepping = False
    _cleanup_after_step = False

    def _drive(self, call):
        """Runs call() (a library call that may run callbacks), then raises the first
        exception a callback raised."""
        outer = not self._stepping
        self._stepping = True
        try:
            call()
        finally:
            if outer:
                self._stepping = False
                if self._cleanup_after_step:
                    self._cleanup_after_step = False
                    self._release_global()
        self._shared.raise_pending()

    def close(self):
        """Drops every pending callback (none runs), frees the handle and its global_init
        reference. The thunk is kept until the object itself goes, since a call through it
        may still be returning."""
        Handle.close(self)
        if self._shared is not None:
            self._shared.callbacks.clear()
        if self._stepping:
            self._cleanup_after_step = True
        else:
            self._release_global()
