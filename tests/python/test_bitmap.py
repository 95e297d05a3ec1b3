"""Bitmap: bits, encodings (BEP 3 wire, hex, base64, ranges), set algebra, lifetime."""

import base64
import copy
import gc

import pytest

import p2pcdn
from p2pcdn import Bitmap


def bits(nbits, *indices):
    b = Bitmap(nbits)
    for i in indices:
        b.set(i)
    return b


# -- construction and single bits --------------------------------------------------------------


def test_new_bitmap_is_empty():
    b = Bitmap(20)
    assert len(b) == 20
    assert b.count() == 0
    assert b.is_none() and not b.is_all()
    assert list(b) == []
    assert not any(b[i] for i in range(20))


def test_zero_bits():
    b = Bitmap()
    assert len(b) == 0
    assert b.is_all() and b.is_none()  # every bit of nothing is set
    assert (b.to_wire(), b.hex(), b.base64(), b.ranges()) == (b"", "", "", "")
    assert b.find_next_set() is None and b.find_next_clear() is None


def test_set_clear_test():
    b = Bitmap(10)
    b.set(3)
    b[9] = True
    assert b[3] and b[9] and not b[4]
    assert b[-1] and b[-7]  # negative indexes count from the end
    b.clear(3)
    b[-1] = 0
    assert b.count() == 0


def test_contains():
    b = bits(10, 2)
    assert 2 in b
    assert 3 not in b
    assert 10 not in b and -1 not in b and "2" not in b


def test_size_limits():
    big = Bitmap(p2pcdn.BITMAP_MAX_BITS)
    assert len(big) == p2pcdn.BITMAP_MAX_BITS
    big.close()
    with pytest.raises(p2pcdn.OutOfRange) as info:
        Bitmap(p2pcdn.BITMAP_MAX_BITS + 1)
    assert info.value.code == -5
    assert info.value.message == p2pcdn.last_error()
    assert str(p2pcdn.BITMAP_MAX_BITS + 1) in info.value.message


def test_negative_or_non_int_sizes_are_refused_before_the_library():
    with pytest.raises(p2pcdn.OutOfRange):
        Bitmap(-1)
    with pytest.raises(TypeError):
        Bitmap(2.0)
    with pytest.raises(TypeError):
        Bitmap("8")


@pytest.mark.parametrize("op", ["get", "set", "clear"])
def test_index_out_of_range(op):
    b = Bitmap(10)
    with pytest.raises(p2pcdn.OutOfRange) as info:
        if op == "get":
            b[10]
        elif op == "set":
            b.set(10)
        else:
            b.clear(10)
    assert isinstance(info.value, IndexError)
    assert info.value.code == -5
    assert info.value.message == p2pcdn.last_error()
    assert "10" in info.value.message


def test_negative_index_beyond_the_start():
    b = Bitmap(10)
    with pytest.raises(IndexError):
        b[-11]
    with pytest.raises(p2pcdn.OutOfRange):
        b.set(-1)  # only item access takes negative indexes


def test_slices_are_not_indexes():
    with pytest.raises(TypeError):
        Bitmap(10)[1:3]


def test_set_range_and_fill():
    b = Bitmap(20)
    b.set_range(3, 7)
    assert b.ranges() == "3-6"
    b.set_range(4, 6, False)
    assert b.ranges() == "3,6"
    b.set_range(5, 5)  # empty range
    assert b.count() == 2
    b.fill()
    assert b.is_all() and b.count() == 20
    b.fill(False)
    assert b.is_none()


@pytest.mark.parametrize("begin,end", [(5, 4), (0, 21), (21, 21)])
def test_set_range_out_of_range(begin, end):
    b = bits(20, 1)
    with pytest.raises(p2pcdn.OutOfRange) as info:
        b.set_range(begin, end)
    assert info.value.message == p2pcdn.last_error()
    assert b.ranges() == "1"  # a failed call changes nothing


def test_find_next():
    b = bits(100, 5, 6, 70)
    assert b.find_next_set() == 5
    assert b.find_next_set(6) == 6
    assert b.find_next_set(7) == 70
    assert b.find_next_set(71) is None
    assert b.find_next_set(1000) is None
    assert b.find_next_clear(5) == 7
    b.fill()
    assert b.find_next_clear() is None


def test_iterates_over_set_bits():
    b = bits(200, 0, 63, 64, 199)
    assert list(b) == [0, 63, 64, 199]
    assert sum(1 for _ in Bitmap(50)) == 0


# -- encodings ---------------------------------------------------------------------------------


def test_bep3_bit_order():
    # Piece i is bit 0x80 >> (i % 8) of byte i // 8.
    b = bits(10, 0, 9)
    assert b.to_wire() == b"\x80\x40"
    assert b.hex() == "8040"
    assert b.base64() == base64.b64encode(b"\x80\x40").decode() == "gEA="
    assert b.ranges() == "0,9"


def test_round_trips():
    b = bits(1000, *range(0, 1000, 7), 999)
    wire = b.to_wire()
    assert len(wire) == 125
    assert Bitmap.from_wire(wire, 1000) == b
    assert Bitmap.from_hex(b.hex(), 1000) == b
    assert Bitmap.from_hex(b.hex().upper(), 1000) == b
    assert Bitmap.from_hex(b.hex().encode(), 1000) == b
    assert Bitmap.from_base64(b.base64(), 1000) == b
    assert Bitmap.from_ranges(b.ranges(), 1000) == b
    assert b.hex() == wire.hex()
    assert b.base64() == base64.b64encode(wire).decode()


def test_from_wire_takes_any_bytes_like():
    for data in (bytearray(b"\xf0"), memoryview(b"\xf0"), memoryview(bytearray(b"\xf0"))):
        assert Bitmap.from_wire(data, 4).ranges() == "0-3"


@pytest.mark.parametrize("data", [b"", b"\x80", b"\x80\x00\x00"])
def test_from_wire_wrong_length(data):
    with pytest.raises(p2pcdn.ParseError) as info:
        Bitmap.from_wire(data, 10)
    assert isinstance(info.value, ValueError)
    assert info.value.code == -6
    assert info.value.message == p2pcdn.last_error()
    assert "2" in info.value.message  # it says how many bytes it expected


def test_spare_bits_strict_and_lenient():
    # 10 pieces: bits 10..15 of byte 1 (mask 0x3f) are spare.
    with pytest.raises(p2pcdn.ParseError) as info:
        Bitmap.from_wire(b"\x80\x60", 10)
    assert "spare" in info.value.message
    with pytest.raises(p2pcdn.ParseError):
        Bitmap.from_wire(b"\x80\x60", 10, strict=True)
    lenient = Bitmap.from_wire(b"\x80\x7f", 10, strict=False)
    assert lenient.ranges() == "0,9"
    assert lenient.to_wire() == b"\x80\x40"  # the spare bits are cleared
    # The text forms apply the same rule to the same bytes.
    with pytest.raises(p2pcdn.ParseError):
        Bitmap.from_hex("8061", 10)
    assert Bitmap.from_hex("8061", 10, strict=False).hex() == "8040"
    with pytest.raises(p2pcdn.ParseError):
        Bitmap.from_base64("gEE=", 10)
    assert Bitmap.from_base64("gEE=", 10, strict=False).base64() == "gEA="


@pytest.mark.parametrize("text", ["8", "80x0", "80 0", "80400", "g0", "ü0"])
def test_malformed_hex(text):
    with pytest.raises(p2pcdn.ParseError) as info:
        Bitmap.from_hex(text, 10)
    assert info.value.message == p2pcdn.last_error() != ""


def test_hex_of_the_wrong_length_for_nbits():
    with pytest.raises(p2pcdn.ParseError):
        Bitmap.from_hex("80", 10)


@pytest.mark.parametrize("text", ["gEA", "g@A=", "gE==A", "=gEA", "gEA=gEA=", "gE A"])
def test_malformed_base64(text):
    with pytest.raises(p2pcdn.ParseError) as info:
        Bitmap.from_base64(text, 10)
    assert info.value.message == p2pcdn.last_error() != ""


def test_ranges_merge_and_sort():
    b = Bitmap.from_ranges("9,0-3,2-5", 10)
    assert b.ranges() == "0-5,9"
    assert Bitmap.from_ranges("", 10).is_none()
    assert Bitmap.from_ranges("0-9", 10).is_all()


@pytest.mark.parametrize(
    "text", ["1-", "-1", "a", "3-1", "0,,1", " 1", "1 ", "1,", ",1", "10", "0-10", "1.5"]
)
def test_malformed_ranges(text):
    with pytest.raises(p2pcdn.ParseError) as info:
        Bitmap.from_ranges(text, 10)
    assert info.value.code == -6
    assert info.value.message == p2pcdn.last_error() != ""


def test_ranges_number_overflow():
    with pytest.raises(p2pcdn.ParseError):
        Bitmap.from_ranges("99999999999999999999999999", 10)


def test_long_repr_is_shortened():
    b = Bitmap(1000)
    for i in range(0, 1000, 2):
        b.set(i)
    text = repr(b)
    assert text.startswith("<Bitmap 1000 pieces, 500 set: '0,2,4")
    assert len(text) < 120


# -- set algebra -------------------------------------------------------------------------------


def test_binary_operators_return_new_bitmaps():
    a = bits(8, 0, 1, 2)
    b = bits(8, 1, 2, 3)
    assert (a & b).ranges() == "1-2"
    assert (a | b).ranges() == "0-3"
    assert (a ^ b).ranges() == "0,3"
    assert (a - b).ranges() == "0"
    assert (a.ranges(), b.ranges()) == ("0-2", "1-3")  # operands unchanged


def test_in_place_operators():
    a = bits(8, 0, 1, 2)
    b = bits(8, 1, 2, 3)
    same = a
    a &= b
    assert a is same and a.ranges() == "1-2"
    a |= bits(8, 7)
    assert a.ranges() == "1-2,7"
    a ^= bits(8, 2, 3)
    assert a.ranges() == "1,3,7"
    a -= bits(8, 3)
    assert a.ranges() == "1,7"
    assert a.andnot(bits(8, 1)) is a
    assert a.ranges() == "7"


def test_counts_without_allocating():
    a = bits(100, *range(0, 100, 2))
    b = bits(100, *range(0, 100, 3))
    assert a.count_and(b) == (a & b).count() == 17
    assert a.count_andnot(b) == (a - b).count() == 33


@pytest.mark.parametrize(
    "op",
    [
        lambda a, b: a & b,
        lambda a, b: a.__ior__(b),
        lambda a, b: a.andnot(b),
        lambda a, b: a.count_and(b),
        lambda a, b: a.count_andnot(b),
    ],
)
def test_size_mismatch_is_invalid_argument(op):
    a, b = bits(8, 1), bits(9, 1)
    with pytest.raises(p2pcdn.InvalidArgument) as info:
        op(a, b)
    assert info.value.code == -2
    assert info.value.message == p2pcdn.last_error()
    assert "8" in info.value.message and "9" in info.value.message
    assert a.ranges() == "1"


def test_operators_with_other_types():
    a = bits(8, 1)
    with pytest.raises(TypeError):
        a & 3
    with pytest.raises(TypeError):
        a |= {1}
    with pytest.raises(TypeError):
        a.andnot([1])
    assert (a == "1") is False


def test_equality():
    assert bits(8, 1) == bits(8, 1)
    assert bits(8, 1) != bits(8, 2)
    assert bits(8) != bits(9)  # same bits, different size
    with pytest.raises(TypeError):
        hash(bits(8))


def test_copy_is_independent():
    a = bits(16, 3)
    for b in (a.copy(), copy.copy(a), copy.deepcopy(a)):
        b.set(4)
        assert a.ranges() == "3" and b.ranges() == "3-4"


# -- lifetime ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "call",
    [
        len,
        lambda b: b[0],
        lambda b: b.set(0),
        lambda b: b.count(),
        lambda b: b.to_wire(),
        lambda b: b.hex(),
        lambda b: b.ranges(),
        lambda b: b.copy(),
        lambda b: b.find_next_set(),
        lambda b: list(b),
        lambda b: b == Bitmap(4),
        lambda b: Bitmap(4) & b,
        lambda b: b.count_and(Bitmap(4)),
    ],
)
def test_closed_bitmap_raises(call):
    b = Bitmap(4)
    b.close()
    assert b.closed
    with pytest.raises(p2pcdn.InvalidArgument) as info:
        call(b)
    assert info.value.code == -2
    assert info.value.message == p2pcdn.last_error()
    assert "NULL" in info.value.message


def test_close_is_idempotent_and_repr_survives():
    b = Bitmap(4)
    b.close()
    b.close()
    assert repr(b) == "<Bitmap closed>"


def test_context_manager_closes():
    with Bitmap(4) as b:
        b.set(1)
        assert not b.closed
    assert b.closed


def test_failed_constructor_leaves_a_collectable_object():
    # __del__ of a half-built object must not raise (pytest would show it as a warning).
    with pytest.raises(p2pcdn.OutOfRange):
        Bitmap(p2pcdn.BITMAP_MAX_BITS + 1)
    gc.collect()


def test_many_bitmaps_are_freed():
    for _ in range(2000):
        b = Bitmap(1024)
        b.fill()
    del b
    gc.collect()


def test_binding_refuses_a_foreign_handle_type():
    import ctypes

    from p2pcdn import _lib

    content = p2pcdn.Content("c", 10, 5)
    with pytest.raises(ctypes.ArgumentError):
        _lib.p2pcdn_bitmap_count(content._h, ctypes.byref(ctypes.c_size_t()))


def test_objects_alive_at_interpreter_exit(tmp_path):
    # Globals and cycles are torn down in no particular order at exit: __del__ must neither
    # crash nor print "Exception ignored in ...".
    import os
    import subprocess
    import sys

    from conftest import BINDINGS
    from p2pcdn import _lib

    code = (
        "import p2pcdn\n"
        "b = p2pcdn.Bitmap(8); c = p2pcdn.Content('c', 10, 5)\n"
        "class Holder: pass\n"
        "h = Holder(); h.self = h; h.bitmap = b.copy(); h.content = c.copy()\n"
    )
    env = dict(os.environ, PYTHONPATH=str(BINDINGS), PYTHONDONTWRITEBYTECODE="1",
               P2PCDN_LIBRARY=os.path.abspath(_lib.path) if os.sep in _lib.path else _lib.path)
    result = subprocess.run([sys.executable, "-c", code], env=env, cwd=tmp_path,
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 0
    assert result.stderr == ""
