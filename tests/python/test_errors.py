"""The error mapping: codes, classes, builtin bases, messages from last_error."""

import pickle

import pytest

import p2pcdn
from p2pcdn import _errors

# Every code of p2pcdn.h with the class the binding raises for it.
EXPECTED = {
    -1: p2pcdn.InternalError,
    -2: p2pcdn.InvalidArgument,
    -3: p2pcdn.OutOfMemory,
    -4: p2pcdn.BufferTooSmall,
    -5: p2pcdn.OutOfRange,
    -6: p2pcdn.ParseError,
    -7: p2pcdn.NotFound,
    -8: p2pcdn.AlreadyExists,
    -9: p2pcdn.FileSystemError,
    -10: p2pcdn.HashMismatch,
    -11: p2pcdn.InvalidState,
    -12: p2pcdn.CallbackAborted,
    -13: p2pcdn.NetworkError,
    -14: p2pcdn.OperationTimeout,
    -15: p2pcdn.TLSError,
    -16: p2pcdn.HTTPError,
    -17: p2pcdn.ProtocolError,
    -18: p2pcdn.LimitReached,
    -19: p2pcdn.Cancelled,
}


@pytest.mark.parametrize("code,cls", sorted(EXPECTED.items()))
def test_every_code_has_its_class(code, cls):
    assert _errors.ERROR_CLASSES[code] is cls
    assert cls.code == code
    err = p2pcdn.error_for(code, "detail")
    assert type(err) is cls
    assert isinstance(err, p2pcdn.P2pcdnError)
    assert (err.code, err.message, str(err)) == (code, "detail", "detail")


def test_the_map_covers_exactly_the_header_codes():
    assert set(_errors.ERROR_CLASSES) == set(EXPECTED)


@pytest.mark.parametrize(
    "cls,builtin",
    [
        (p2pcdn.InvalidArgument, ValueError),
        (p2pcdn.ParseError, ValueError),
        (p2pcdn.OutOfRange, IndexError),
        (p2pcdn.OutOfMemory, MemoryError),
        (p2pcdn.NotFound, LookupError),
        (p2pcdn.FileSystemError, OSError),
        (p2pcdn.OperationTimeout, TimeoutError),
        (p2pcdn.NetworkError, ConnectionError),
    ],
)
def test_builtin_bases(cls, builtin):
    assert issubclass(cls, builtin)
    with pytest.raises(builtin):
        raise p2pcdn.error_for(cls.code, "x")


def test_oserror_base_does_not_mangle_the_message():
    err = p2pcdn.error_for(-9, "cannot open /nope: No such file or directory")
    assert str(err) == "cannot open /nope: No such file or directory"
    assert err.errno is None  # the p2pcdn code is .code, never an errno


def test_brief_aliases():
    assert p2pcdn.IOError_ is p2pcdn.FileSystemError
    assert p2pcdn.TimeoutError_ is p2pcdn.OperationTimeout


def test_unknown_code_gives_the_base_class():
    err = p2pcdn.error_for(-999, "from a newer library")
    assert type(err) is p2pcdn.P2pcdnError
    assert err.code == -999


def test_empty_message_still_prints_something():
    assert str(p2pcdn.error_for(-7)) == "p2pcdn error -7"


def test_errors_pickle():
    err = pickle.loads(pickle.dumps(p2pcdn.error_for(-6, "bad hex")))
    assert (type(err), err.code, err.message) == (p2pcdn.ParseError, -6, "bad hex")


def test_check_passes_non_negative_results():
    assert _errors._check(0, None, ()) == 0
    assert _errors._check(1, None, ()) == 1
    assert _errors._check(42, None, ()) == 42


def test_check_raises_with_the_thread_last_error(monkeypatch):
    from p2pcdn import _lib

    monkeypatch.setattr(_lib, "p2pcdn_last_error", lambda: b"no such piece")
    with pytest.raises(p2pcdn.NotFound) as info:
        _errors._check(-7, None, ())
    assert (info.value.code, info.value.message) == (-7, "no such piece")


def test_check_ptr():
    assert _errors._check_ptr(b"id", None, ()) == b"id"
    with pytest.raises(p2pcdn.InvalidArgument):
        _errors._check_ptr(None, None, ())


def test_library_failure_carries_code_and_last_error():
    with pytest.raises(p2pcdn.ParseError) as info:
        p2pcdn.Bitmap.from_hex("zz", 8)
    err = info.value
    assert err.code == -6
    assert err.message == p2pcdn.last_error()
    assert "'z'" in err.message and "offset 0" in err.message


def test_last_error_survives_success_and_clears():
    with pytest.raises(p2pcdn.OutOfRange):
        p2pcdn.Bitmap(4).set(4)
    message = p2pcdn.last_error()
    assert "4" in message
    p2pcdn.Bitmap(4).set(3)  # a successful call leaves it as it is
    assert p2pcdn.last_error() == message
    p2pcdn.clear_error()
    assert p2pcdn.last_error() == ""


def test_last_error_is_per_thread():
    import threading

    with pytest.raises(p2pcdn.ParseError):
        p2pcdn.Bitmap.from_hex("0", 4)
    seen = []
    thread = threading.Thread(target=lambda: seen.append(p2pcdn.last_error()))
    thread.start()
    thread.join()
    assert seen == [""]
    assert p2pcdn.last_error() != ""


@pytest.mark.parametrize("code", sorted(EXPECTED))
def test_strerror_has_text_for_every_code(code):
    text = p2pcdn.strerror(code)
    assert text and text != p2pcdn.strerror(-999)


def test_strerror_of_ok_and_unknown():
    assert p2pcdn.strerror(0)
    assert p2pcdn.strerror(-999) == "unknown error code"
    assert p2pcdn.strerror(12345) == "unknown error code"


def test_versions():
    num = p2pcdn.version()
    text = p2pcdn.version_string()
    assert text == f"{num >> 16}.{(num >> 8) & 0xFF}.{num & 0xFF}"
    assert p2pcdn.abi_version() == p2pcdn.ABI_VERSION == 0
    assert p2pcdn.__version__ == text


def test_global_init_is_reference_counted():
    first = p2pcdn.global_init()
    assert first >= 1
    assert p2pcdn.global_init() == first + 1
    assert p2pcdn.global_cleanup() == first
    assert p2pcdn.global_cleanup() == first - 1


def test_global_cleanup_without_init_is_invalid_state():
    # Balance whatever earlier tests or fixtures hold, then one more is one too many.
    count = p2pcdn.global_init()
    for _ in range(count):
        p2pcdn.global_cleanup()
    with pytest.raises(p2pcdn.InvalidState) as info:
        p2pcdn.global_cleanup()
    assert info.value.code == -11
    assert info.value.message == p2pcdn.last_error() != ""
