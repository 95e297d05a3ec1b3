"""Bitmap: which pieces a peer holds, BitTorrent (BEP 3) bit order."""

import ctypes
import operator
from ctypes import byref

from . import _lib
from ._handle import Handle
from ._errors import InvalidArgument, NotFound
from ._types import BITMAP_LENIENT, BITMAP_STRICT, BitmapPtr
from ._util import as_buffer, as_text, read_output, unsigned


class Bitmap(Handle):
    """A fixed-size set of piece indices, 0 <= i < len(bitmap).

    Indexing gives and takes bools; iterating yields the indices of the set bits. Not locked:
    use one bitmap from one thread at a time. A closed bitmap raises InvalidArgument.
    """

    _ptr_type = BitmapPtr
    _free = staticmethod(_lib.p2pcdn_bitmap_free)
    _copy_fn = staticmethod(_lib.p2pcdn_bitmap_copy)

    def __init__(self, nbits=0):
        handle = BitmapPtr()
        _lib.p2pcdn_bitmap_new(byref(handle), unsigned(nbits, "nbits"))
        self._h = handle


    @classmethod
    def _decode(cls, func, nbits, text_or_bytes, *flags):
        handle = BitmapPtr()
        data, length = text_or_bytes
        func(byref(handle), unsigned(nbits, "nbits"), data, length, *flags)
        return cls._adopt(handle)

    # -- construction from the encodings ------------------------------------------------------

    @classmethod
    def from_wire(cls, data, nbits, strict=True):
        """From a BEP 3 bitfield of exactly ceil(nbits / 8) bytes. strict rejects set spare
        bits after the last piece; lenient clears them."""
        return cls._decode(_lib.p2pcdn_bitmap_from_wire, nbits, as_buffer(data), _flags(strict))

    @classmethod
    def from_hex(cls, text, nbits, strict=True):
        return cls._decode(_lib.p2pcdn_bitmap_from_hex, nbits, as_text(text), _flags(strict))

    @classmethod
    def from_base64(cls, text, nbits, strict=True):
        return cls._decode(_lib.p2pcdn_bitmap_from_base64, nbits, as_text(text), _flags(strict))

    @classmethod
    def from_ranges(cls, text, nbits):
        """From "0-99,150,200-299" (inclusive ranges, any order, overlaps allowed)."""
        return cls._decode(_lib.p2pcdn_bitmap_from_ranges, nbits, as_text(text))

    def to_wire(self):
        return read_output(_lib.p2pcdn_bitmap_to_wire, self._h)

    def hex(self):
        return read_output(_lib.p2pcdn_bitmap_to_hex, self._h, text=True)

    def base64(self):
        return read_output(_lib.p2pcdn_bitmap_to_base64, self._h, text=True)

    def ranges(self):
        """Merged, ascending ranges such as "0-99,150"; "" when no bit is set."""
        return read_output(_lib.p2pcdn_bitmap_to_ranges, self._h, text=True)

    # -- bits -----------------------------------------------------------------------------------

    def __len__(self):
        size = ctypes.c_size_t()
        _lib.p2pcdn_bitmap_size(self._h, byref(size))
        return size.value

    def _position(self, i):
        # Sequence-style indexing: a negative index counts from the end.
        i = operator.index(i)
        return i + len(self) if i < 0 else i

    def __getitem__(self, i):
        return _lib.p2pcdn_bitmap_test(self._h, unsigned(self._position(i), "piece")) == 1

    def __setitem__(self, i, value):
        i = unsigned(self._position(i), "piece")
        if value:
            _lib.p2pcdn_bitmap_set(self._h, i)
        else:
            _lib.p2pcdn_bitmap_clear(self._h, i)

    def __contains__(self, i):
        """`i in bitmap` is True when piece i is set (False for any index outside)."""
        try:
            i = operator.index(i)
        except TypeError:
            return False
        return 0 <= i < len(self) and self[i]

    def set(self, i):
        _lib.p2pcdn_bitmap_set(self._h, unsigned(i, "piece"))

    def clear(self, i):
        _lib.p2pcdn_bitmap_clear(self._h, unsigned(i, "piece"))

    def set_range(self, begin, end, value=True):
        """Sets (or clears, with value False) pieces [begin, end)."""
        _lib.p2pcdn_bitmap_set_range(
            self._h, unsigned(begin, "begin"), unsigned(end, "end"), 1 if value else 0
        )

    def fill(self, value=True):
        _lib.p2pcdn_bitmap_fill(self._h, 1 if value else 0)

    def count(self):
        """The number of set bits."""
        out = ctypes.c_size_t()
        _lib.p2pcdn_bitmap_count(self._h, byref(out))
        return out.value

    def is_all(self):
        return _lib.p2pcdn_bitmap_is_all(self._h) == 1

    def is_none(self):
        return _lib.p2pcdn_bitmap_is_none(self._h) == 1

    def _find(self, func, start):
        out = ctypes.c_size_t()
        try:
            func(self._h, unsigned(start, "start"), byref(out))
        except NotFound:
            return None
        return out.value

    def find_next_set(self, start=0):
        """The first set piece at or after start, or None."""
        return self._find(_lib.p2pcdn_bitmap_find_next_set, start)

    def find_next_clear(self, start=0):
        """The first clear piece at or after start, or None."""
        return self._find(_lib.p2pcdn_bitmap_find_next_clear, start)

    def __iter__(self):
        """The indices of the set pieces, ascending."""
        i = self.find_next_set(0)
        while i is not None:
            yield i
            i = self.find_next_set(i + 1)

    # -- set algebra ----------------------------------------------------------------------------
    # Sizes must match, else InvalidArgument. The binary operators copy, then work in place.

    def _combine(self, func, other):
        if not isinstance(other, Bitmap):
            return NotImplemented
        func(self._h, other._h)
        return self

    def __iand__(self, other):
        return self._combine(_lib.p2pcdn_bitmap_and, other)

    def __ior__(self, other):
        return self._combine(_lib.p2pcdn_bitmap_or, other)

    def __ixor__(self, other):
        return self._combine(_lib.p2pcdn_bitmap_xor, other)

    def __isub__(self, other):
        return self._combine(_lib.p2pcdn_bitmap_andnot, other)

    def andnot(self, other):
        """In place: self = self & ~other. Returns self."""
        if not isinstance(other, Bitmap):
            raise TypeError(f"andnot needs a Bitmap, not {type(other).__name__}")
        return self._combine(_lib.p2pcdn_bitmap_andnot, other)

    def _new_combined(self, func, other):
        if not isinstance(other, Bitmap):
            return NotImplemented
        result = self.copy()
        try:
            func(result._h, other._h)
        except BaseException:
            result.close()
            raise
        return result

    def __and__(self, other):
        return self._new_combined(_lib.p2pcdn_bitmap_and, other)

    def __or__(self, other):
        return self._new_combined(_lib.p2pcdn_bitmap_or, other)

    def __xor__(self, other):
        return self._new_combined(_lib.p2pcdn_bitmap_xor, other)

    def __sub__(self, other):
        return self._new_combined(_lib.p2pcdn_bitmap_andnot, other)

    def _count_pair(self, func, other):
        out = ctypes.c_size_t()
        func(self._h, other._h, byref(out))
        return out.value

    def count_and(self, other):
        """popcount(self & other) without building the intersection."""
        return self._count_pair(_lib.p2pcdn_bitmap_count_and, other)

    def count_andnot(self, other):
        """popcount(self & ~other): pieces self has that other lacks."""
        return self._count_pair(_lib.p2pcdn_bitmap_count_andnot, other)

    def __eq__(self, other):
        if not isinstance(other, Bitmap):
            return NotImplemented
        return _lib.p2pcdn_bitmap_equal(self._h, other._h) == 1

    __hash__ = None  # mutable

    def __repr__(self):
        if self._h is None:
            return "<Bitmap closed>"
        ranges = self.ranges()
        if len(ranges) > 60:
            ranges = ranges[:57] + "..."
        return f"<Bitmap {len(self)} pieces, {self.count()} set: {ranges!r}>"


def _flags(strict):
    return BITMAP_STRICT if strict else BITMAP_LENIENT


def live_handle(bitmap, name):
    """The handle of a live Bitmap argument. A closed one is refused here: its NULL handle
    would mean "no bitmap" to the calls where NULL is allowed (for withdraw_cdn: every
    piece), a different request rather than an error."""
    if not isinstance(bitmap, Bitmap):
        raise TypeError(f"{name} must be a Bitmap, not {type(bitmap).__name__}")
    if bitmap.closed:
        raise InvalidArgument(f"{name} is closed")
    return bitmap._h
