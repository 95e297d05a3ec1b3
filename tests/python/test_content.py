"""Content: layout, hashing from files and buffers, verification, hash lists, callbacks."""

import copy
import hashlib

import pytest

import p2pcdn
from conftest import pseudo_random
from p2pcdn import Content

PIECE = 1000
DATA = pseudo_random(4 * PIECE + 123, seed=7)  # five pieces, the last one short


def pieces(data, piece_length):
    return [data[i : i + piece_length] for i in range(0, len(data), piece_length)]


def digests(data, piece_length, algo="sha1"):
    return b"".join(hashlib.new(algo, p).digest() for p in pieces(data, piece_length))


@pytest.fixture
def hashed():
    with Content("movie-1", len(DATA), PIECE) as content:
        content.hash_buffer(DATA)
        yield content


# -- layout ------------------------------------------------------------------------------------


def test_layout():
    c = Content("movie-1", 1000, 300)
    assert (c.id, c.total_length, c.piece_length, c.piece_count) == ("movie-1", 1000, 300, 4)
    assert [c.piece_range(i) for i in range(4)] == [(0, 300), (300, 300), (600, 300), (900, 100)]
    assert c.hash_algo is None
    assert "movie-1" in repr(c)


def test_layout_limits():
    c = Content("big", 2**40, p2pcdn.PIECE_LENGTH_MAX)
    assert c.piece_count == 1024
    assert c.piece_range(1023) == (1023 * 2**30, 2**30)
    c = Content("one", 1, 1)
    assert c.piece_count == 1 and c.piece_range(0) == (0, 1)
    with pytest.raises(p2pcdn.OutOfRange) as info:
        Content("many", p2pcdn.BITMAP_MAX_BITS + 1, 1)
    assert info.value.message == p2pcdn.last_error()


def test_piece_range_out_of_range():
    c = Content("c", 1000, 300)
    with pytest.raises(p2pcdn.OutOfRange) as info:
        c.piece_range(4)
    assert info.value.code == -5
    assert info.value.message == p2pcdn.last_error()
    with pytest.raises(p2pcdn.OutOfRange):
        c.piece_range(-1)


@pytest.mark.parametrize(
    "content_id", ["", "has space", "slash/", "ä", "x" * (p2pcdn.CONTENT_ID_MAX + 1), "a\x01"]
)
def test_bad_content_ids(content_id):
    with pytest.raises(p2pcdn.InvalidArgument) as info:
        Content(content_id, 10, 5)
    assert info.value.code == -2
    assert "content id" in info.value.message
    assert info.value.message == p2pcdn.last_error()


def test_nul_in_strings_is_refused_by_the_binding(tmp_path):
    # C would see only "a": the binding refuses instead of hashing under another name.
    with pytest.raises(p2pcdn.InvalidArgument, match="NUL"):
        Content("a\x00b", 10, 5)
    with pytest.raises(p2pcdn.InvalidArgument, match="NUL"):
        Content("c", 10, 5).hash_file(str(tmp_path) + "\x00/etc/passwd")


def test_good_content_ids():
    for content_id in ["A-Za-z0-9._~", "x" * p2pcdn.CONTENT_ID_MAX]:
        assert Content(content_id, 10, 5).id == content_id


@pytest.mark.parametrize(
    "total,piece", [(0, 5), (10, 0), (10, p2pcdn.PIECE_LENGTH_MAX + 1)]
)
def test_bad_lengths(total, piece):
    with pytest.raises(p2pcdn.InvalidArgument) as info:
        Content("c", total, piece)
    assert info.value.message == p2pcdn.last_error() != ""


def test_lengths_beyond_their_c_types():
    with pytest.raises(p2pcdn.OutOfRange):
        Content("c", 2**64, 5)
    with pytest.raises(p2pcdn.OutOfRange):
        Content("c", 10, 2**32)
    with pytest.raises(p2pcdn.OutOfRange):
        Content("c", -1, 5)


# -- hashing -----------------------------------------------------------------------------------


@pytest.mark.parametrize("algo,size", [("sha1", 20), ("sha256", 32), ("SHA-256", 32)])
def test_hash_buffer(algo, size):
    c = Content("c", len(DATA), PIECE)
    c.hash_buffer(DATA, algo=algo)
    name = algo.lower().replace("-", "")
    assert c.hash_algo == name
    expected = digests(DATA, PIECE, name)
    assert c.hashes() == c.hashes("raw") == expected
    assert c.hashes("hex") == expected.hex()
    for i, piece in enumerate(pieces(DATA, PIECE)):
        assert c.piece_hash(i) == hashlib.new(name, piece).digest()
        assert len(c.piece_hash(i)) == size


def test_hash_buffer_takes_bytes_like():
    for data in (bytearray(DATA), memoryview(DATA)):
        c = Content("c", len(DATA), PIECE)
        c.hash_buffer(data)
        assert c.hashes() == digests(DATA, PIECE)


def test_default_algorithm_is_sha1():
    c = Content("c", len(DATA), PIECE)
    c.hash_buffer(DATA, algo=None)
    assert c.hash_algo == "sha1"


@pytest.mark.parametrize("size", [len(DATA) - 1, len(DATA) + 1, 0])
def test_hash_buffer_wrong_length(hashed, size):
    before = hashed.hashes()
    with pytest.raises(p2pcdn.InvalidArgument) as info:
        hashed.hash_buffer(pseudo_random(size), algo="sha256")
    assert info.value.message == p2pcdn.last_error()
    assert str(len(DATA)) in info.value.message
    assert hashed.hashes() == before and hashed.hash_algo == "sha1"  # nothing changed


def test_unknown_algorithm():
    c = Content("c", 10, 5)
    with pytest.raises(p2pcdn.InvalidArgument) as info:
        c.hash_buffer(bytes(10), algo="md5")
    assert "md5" in info.value.message
    with pytest.raises(p2pcdn.InvalidArgument) as info:
        c.hash_buffer(bytes(10), algo=7)  # passed through: the library refuses it
    assert info.value.message == p2pcdn.last_error()
    assert c.hash_algo is None


def test_hash_file_and_from_file(write_file):
    path = write_file("data.bin", DATA)
    c = Content("c", len(DATA), PIECE)
    c.hash_file(path)
    assert c.hashes() == digests(DATA, PIECE)
    c.hash_file(str(path), algo="sha256", read_size=7)
    assert c.hashes() == digests(DATA, PIECE, "sha256")

    f = Content.from_file("file-1", path, PIECE)
    assert (f.id, f.total_length, f.piece_count, f.hash_algo) == ("file-1", len(DATA), 5, "sha1")
    assert f.hashes() == digests(DATA, PIECE)
    f = Content.from_file("file-1", bytes(path), PIECE, algo="sha256", read_size=3 * PIECE + 1)
    assert f.hashes() == digests(DATA, PIECE, "sha256")


def test_hash_file_missing(tmp_path):
    c = Content("c", 10, 5)
    with pytest.raises(p2pcdn.FileSystemError) as info:
        c.hash_file(tmp_path / "missing")
    assert isinstance(info.value, OSError)
    assert info.value.code == -9
    assert "missing" in info.value.message
    assert info.value.message == p2pcdn.last_error()
    with pytest.raises(p2pcdn.FileSystemError):
        Content.from_file("c", tmp_path / "missing", 5)


def test_hash_file_of_a_directory(tmp_path):
    with pytest.raises(p2pcdn.FileSystemError):
        Content("c", 10, 5).hash_file(tmp_path)


@pytest.mark.parametrize("size", [len(DATA) - 1, len(DATA) + 1])
def test_hash_file_size_must_match(write_file, size):
    # A file shorter than the content cannot fill its last piece: refused before any read.
    path = write_file("short.bin", DATA[:size] if size < len(DATA) else DATA + b"x")
    c = Content("c", len(DATA), PIECE)
    with pytest.raises(p2pcdn.InvalidArgument) as info:
        c.hash_file(path)
    assert str(size) in info.value.message
    assert c.hash_algo is None


def test_from_file_of_an_empty_file(write_file):
    with pytest.raises(p2pcdn.InvalidArgument):
        Content.from_file("c", write_file("empty", b""), PIECE)


def test_read_size_limits(write_file):
    path = write_file("data.bin", DATA)
    with pytest.raises(p2pcdn.InvalidArgument) as info:
        Content.from_file("c", path, PIECE, read_size=64 * 2**20 + 1)
    assert info.value.message == p2pcdn.last_error()
    assert Content.from_file("c", path, PIECE, read_size=64 * 2**20).hash_algo == "sha1"
    with pytest.raises(p2pcdn.OutOfRange):
        Content.from_file("c", path, PIECE, read_size=-1)


# -- verification ------------------------------------------------------------------------------


def test_verify_piece(hashed):
    for i, piece in enumerate(pieces(DATA, PIECE)):
        assert hashed.verify_piece(i, piece)
        hashed.verify_piece_strict(i, piece)
        assert hashed.verify_piece(i, bytearray(piece))
    wrong = bytearray(pieces(DATA, PIECE)[1])
    wrong[0] ^= 1
    assert hashed.verify_piece(1, wrong) is False
    assert hashed.verify_piece(1, DATA[:PIECE - 1]) is False  # short
    assert hashed.verify_piece(4, DATA[:PIECE]) is False  # the last piece is 123 bytes
    assert hashed.verify_piece(0, b"") is False


def test_verify_piece_strict_raises(hashed):
    with pytest.raises(p2pcdn.HashMismatch) as info:
        hashed.verify_piece_strict(0, bytes(PIECE))
    assert info.value.code == -10
    assert info.value.message == p2pcdn.last_error()
    assert "SHA-1" in info.value.message
    with pytest.raises(p2pcdn.HashMismatch) as info:
        hashed.verify_piece_strict(0, bytes(3))
    assert "3" in info.value.message


def test_verify_needs_hashes():
    c = Content("c", 10, 5)
    with pytest.raises(p2pcdn.InvalidState) as info:
        c.verify_piece(0, bytes(5))  # not a mismatch: there is nothing to compare with
    assert info.value.code == -11
    assert info.value.message == p2pcdn.last_error()
    for call in (lambda: c.piece_hash(0), lambda: c.hashes(), lambda: c.hashes("hex")):
        with pytest.raises(p2pcdn.InvalidState):
            call()


def test_verify_piece_index_out_of_range(hashed):
    with pytest.raises(p2pcdn.OutOfRange):
        hashed.verify_piece(5, b"x")
    with pytest.raises(p2pcdn.OutOfRange):
        hashed.piece_hash(5)


# -- hash lists --------------------------------------------------------------------------------


def test_import_raw_and_hex():
    raw = digests(DATA, PIECE)
    c = Content("c", len(DATA), PIECE)
    c.import_hashes(raw)
    assert c.hash_algo == "sha1" and c.hashes() == raw
    assert c.verify_piece(0, DATA[:PIECE])
    c.import_hashes(digests(DATA, PIECE, "sha256").hex(), algo="sha256", format="hex")
    assert c.hash_algo == "sha256"
    assert c.verify_piece(4, DATA[4 * PIECE :])
    c.import_hashes(raw.hex().upper().encode(), format="hex")
    assert c.hashes("hex") == raw.hex()


@pytest.mark.parametrize(
    "data,algo,fmt,error",
    [
        (b"\x00" * 99, "sha1", "raw", p2pcdn.ParseError),  # 5 pieces need 100 bytes
        (b"\x00" * 101, "sha1", "raw", p2pcdn.ParseError),
        (b"\x00" * 100, "sha256", "raw", p2pcdn.ParseError),
        ("00" * 99, "sha1", "hex", p2pcdn.ParseError),
        ("zz" * 100, "sha1", "hex", p2pcdn.ParseError),
        (b"\x00" * 100, 0, "raw", p2pcdn.InvalidArgument),  # HASH_NONE is not a list
        (b"\x00" * 100, 9, "raw", p2pcdn.InvalidArgument),
        (b"\x00" * 100, "sha1", 7, p2pcdn.InvalidArgument),
    ],
)
def test_import_errors_change_nothing(hashed, data, algo, fmt, error):
    before = hashed.hashes()
    with pytest.raises(error) as info:
        hashed.import_hashes(data, algo=algo, format=fmt)
    assert info.value.message == p2pcdn.last_error() != ""
    assert hashed.hashes() == before and hashed.hash_algo == "sha1"


def test_unknown_format_names():
    c = Content("c", 10, 5)
    with pytest.raises(p2pcdn.InvalidArgument):
        c.hashes("base64")
    with pytest.raises(p2pcdn.InvalidArgument):
        c.import_hashes(b"", format="json")


def test_export_format_code_checked_by_the_library(hashed):
    with pytest.raises(p2pcdn.InvalidArgument) as info:
        hashed.hashes(5)
    assert "5" in info.value.message


# -- progress callbacks ------------------------------------------------------------------------


def test_progress_reports_every_piece(write_file):
    path = write_file("data.bin", DATA)
    calls = []
    c = Content.from_file(
        "c", path, PIECE, progress=lambda done, total: calls.append((done, total))
    )
    assert calls[-1] == (len(DATA), len(DATA))
    assert all(total == len(DATA) for _, total in calls)
    dones = [done for done, _ in calls]
    assert dones == sorted(dones) and len(dones) == c.piece_count

    calls.clear()
    c.hash_buffer(DATA, progress=lambda done, total: calls.append(done) or True)
    assert calls[-1] == len(DATA)


@pytest.mark.parametrize("stop", [False, 0])
def test_progress_abort(hashed, stop):
    seen = []

    def progress(done, total):
        seen.append(done)
        return stop if len(seen) == 2 else None

    before = hashed.hashes()
    with pytest.raises(p2pcdn.CallbackAborted) as info:
        hashed.hash_buffer(DATA, algo="sha256", progress=progress)
    assert info.value.code == -12
    assert info.value.message == p2pcdn.last_error()
    assert len(seen) == 2  # no call after the stop
    assert hashed.hashes() == before and hashed.hash_algo == "sha1"


def test_progress_abort_from_file(write_file):
    path = write_file("data.bin", DATA)
    with pytest.raises(p2pcdn.CallbackAborted):
        Content.from_file("c", path, PIECE, progress=lambda done, total: False)


class Boom(Exception):
    pass


def test_exception_in_callback_is_raised_after_the_call(hashed, write_file):
    def progress(done, total):
        if done > PIECE:
            raise Boom(f"at {done}")

    before = hashed.hashes()
    with pytest.raises(Boom, match="at 2000") as info:
        hashed.hash_buffer(DATA, algo="sha256", progress=progress)
    # The library's own answer is kept as the context of the re-raised exception.
    assert isinstance(info.value.__context__, p2pcdn.CallbackAborted)
    assert hashed.hashes() == before

    path = write_file("data.bin", DATA)
    with pytest.raises(Boom):
        hashed.hash_file(path, progress=progress)
    with pytest.raises(Boom):
        Content.from_file("c", path, PIECE, progress=progress)
    assert hashed.hashes() == before


def test_keyboard_interrupt_in_callback_stops_and_propagates(hashed):
    def progress(done, total):
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        hashed.hash_buffer(DATA, progress=progress)


def test_callback_wrong_signature_is_an_exception_too(hashed):
    with pytest.raises(TypeError):
        hashed.hash_buffer(DATA, progress=lambda: None)


def test_hash_options_come_from_the_library():
    from p2pcdn._types import HASH_OPTIONS_VERSION, HashOptions
    from p2pcdn.content import _Progress

    opts = _Progress(None).options("sha256", 4096)
    assert (opts.version, opts.algo, opts.read_size) == (HASH_OPTIONS_VERSION, 2, 4096)
    assert not opts.progress and opts.payload is None
    bad = HashOptions()
    with pytest.raises(p2pcdn.InvalidArgument):
        from p2pcdn import _lib

        _lib.p2pcdn_hash_options_init(bad, HASH_OPTIONS_VERSION + 1)


# -- lifetime ----------------------------------------------------------------------------------


def test_copy_is_independent(hashed):
    for other in (hashed.copy(), copy.copy(hashed), copy.deepcopy(hashed)):
        other.hash_buffer(DATA, algo="sha256")
        assert hashed.hash_algo == "sha1" and other.hash_algo == "sha256"
        assert other.id == hashed.id


@pytest.mark.parametrize(
    "call",
    [
        lambda c: c.id,
        lambda c: c.total_length,
        lambda c: c.piece_length,
        lambda c: c.piece_count,
        lambda c: c.piece_range(0),
        lambda c: c.hash_algo,
        lambda c: c.hash_buffer(DATA),
        lambda c: c.verify_piece(0, DATA[:PIECE]),
        lambda c: c.piece_hash(0),
        lambda c: c.hashes(),
        lambda c: c.import_hashes(b""),
        lambda c: c.copy(),
    ],
)
def test_closed_content_raises(call):
    c = Content("c", len(DATA), PIECE)
    c.hash_buffer(DATA)
    c.close()
    c.close()
    assert c.closed and repr(c) == "<Content closed>"
    with pytest.raises(p2pcdn.InvalidArgument) as info:
        call(c)
    assert info.value.code == -2
    assert info.value.message == p2pcdn.last_error()
    assert "NULL" in info.value.message


def test_context_manager_closes():
    with Content("c", 10, 5) as c:
        assert not c.closed
    assert c.closed
