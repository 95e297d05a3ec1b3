"""Exceptions raised by Python callbacks the library calls. They cannot cross the C frames, so
each is stored and raised again on the Python side, from the next call that can."""

import threading


class PendingErrors:
    """The exceptions callbacks raised and nobody has seen yet. Locked, as a callback may run
    on a library thread (a tracker's) while the caller's thread takes them."""

    def __init__(self):
        self.lock = threading.Lock()
        self.errors = []

    def record(self, exc):
        with self.lock:
            self.errors.append(exc)

    def raise_pending(self):
        """Raises the first stored exception, with a note counting the others, and forgets
        them all."""
        with self.lock:
            errors, self.errors = self.errors, []
        if errors:
            first = errors[0]
            if len(errors) > 1:
                first.add_note(f"({len(errors) - 1} later callback exception(s) dropped)")
            raise first
