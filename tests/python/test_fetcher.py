"""Fetcher against the fault-injecting server (tests/integration/fault_server.py): every
outcome (ok, hash mismatch, gone and remembered, retry later with Retry-After, fatal),
redirects, TLS verification, ranged sources, and submit/step in parallel with callbacks."""

import json
import shutil
import subprocess
import sys
import time
import urllib.request

import pytest

import p2pcdn
from conftest import REPO
from p2pcdn import _errors

INTEGRATION = REPO / "tests" / "integration"
sys.path.insert(0, str(INTEGRATION))
import fault_server  # noqa: E402  (its content and layout: what the server serves)

pytestmark = pytest.mark.skipif(shutil.which("openssl") is None,
                                reason="the fault server makes its certificates with openssl")
START_S = 30


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    """The fault server as a child process; its ports file's contents."""
    workdir = tmp_path_factory.mktemp("fault-server")
    ports_file = workdir / "ports.json"
    log = open(workdir / "server.log", "wb")
    proc = subprocess.Popen(
        ["/usr/bin/python3", str(INTEGRATION / "fault_server.py"), "--ports", str(ports_file)],
        stdin=subprocess.DEVNULL, stdout=log, stderr=log)
    try:
        deadline = time.monotonic() + START_S
        # The server renames the file into place once every listener is up.
        while not ports_file.exists():
            if proc.poll() is not None or time.monotonic() > deadline:
                pytest.fail("fault server did not start:\n" +
                            (workdir / "server.log").read_text(errors="replace"))
            time.sleep(0.05)
        yield json.loads(ports_file.read_text())
    finally:
        proc.terminate()
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        log.close()


@pytest.fixture(scope="module")
def content(server):
    assert (server["total_length"], server["piece_length"]) == (
        fault_server.TOTAL_LENGTH, fault_server.PIECE_LENGTH)
    c = p2pcdn.Content("fault", fault_server.TOTAL_LENGTH, fault_server.PIECE_LENGTH)
    c.hash_buffer(fault_server.CONTENT)
    yield c
    c.close()


@pytest.fixture
def http(server):
    return f"http://127.0.0.1:{server['http']}"


@pytest.fixture
def fetcher(content):
    # Short limits: a test that goes wrong fails in seconds rather than minutes.
    with p2pcdn.Fetcher(content, connect_timeout_ms=3000, timeout_ms=10000) as f:
        yield f


def piece(i):
    return fault_server.piece(i)


# -- outcomes of get() ----------------------------------------------------------------------

def test_ok(fetcher, http):
    r = fetcher.get(3, f"{http}/piece/3")
    assert isinstance(r, p2pcdn.FetchResult) and r.ok
    assert (r.piece, r.status, r.error, r.http_status) == (3, "ok", 0, 200)
    assert (r.retry_after_ms, r.redirects, r.bytes, r.message) == (-1, 0, 1024, "")
    assert r.final_url == f"{http}/piece/3"
    assert r.data == piece(3)
    last = fault_server.PIECE_COUNT - 1  # shorter than the others
    r = fetcher.get(last, f"{http}/piece/{last}")
    assert r.ok and r.data == piece(last) and len(r.data) < fault_server.PIECE_LENGTH


def test_hash_mismatch_drops_the_bytes(fetcher, http):
    r = fetcher.get(3, f"{http}/wrong/3")
    assert (r.status, r.error, r.http_status, r.bytes, r.data) == (
        "hash_mismatch", _errors.EHASH, 200, 1024, None)
    assert "hash" in r.message


@pytest.mark.parametrize("code", [404, 410])
def test_gone_is_remembered(fetcher, http, code):
    uri = f"{http}/status/{code}/2"
    r = fetcher.get(2, uri)
    assert (r.status, r.error, r.http_status, r.data) == (
        "gone", _errors.ENOTFOUND, code, None)
    # Asked again: answered from memory, no request made.
    again = fetcher.get(2, uri)
    assert (again.status, again.error, again.http_status) == ("gone", _errors.ENOTFOUND, 0)
    # Per (uri, piece): another piece of the same URI is asked for.
    assert fetcher.get(3, uri).http_status == code


def test_retry_later_with_retry_after(fetcher, http):
    r = fetcher.get(3, f"{http}/retry429/7/3")
    assert (r.status, r.error, r.http_status, r.retry_after_ms) == (
        "retry_later", _errors.EHTTP, 429, 7000)
    # An HTTP-date: whole seconds from the server's clock, so a little under 5 s.
    r = fetcher.get(3, f"{http}/retry503date/5/3")
    assert (r.status, r.http_status) == ("retry_later", 503)
    assert 3000 <= r.retry_after_ms <= 5000
    r = fetcher.get(3, f"{http}/status/500/3")
    assert (r.status, r.http_status, r.retry_after_ms) == ("retry_later", 500, -1)


def test_retry_later_for_broken_connections(fetcher, http, server):
    for uri in (f"{http}/reset/3", f"{http}/truncated/3",
                f"http://127.0.0.1:{server['closed']}/piece/3"):
        r = fetcher.get(3, uri)
        assert (r.status, r.error, r.data) == ("retry_later", _errors.ENETWORK, None), uri


def test_fatal(fetcher, http):
    r = fetcher.get(3, f"{http}/status/403/3")
    assert (r.status, r.error, r.http_status) == ("fatal", _errors.EHTTP, 403)
    assert fetcher.get(3, f"{http}/ftp/3").status == "fatal"  # redirect to another scheme
    r = fetcher.get(3, f"{http}/loop/0/3")  # redirects without end
    assert r.status == "fatal" and r.redirects == 5
    r = fetcher.get(3, f"{http}/large/3")  # a body past max_response_bytes
    assert (r.status, r.error) == ("fatal", _errors.ELIMIT)


@pytest.mark.parametrize("path", ["ftp/3", "loop/0/3", "large/3", "reset/3", "wrong/3",
                                  "status/403/3", "norange/content.bin"])
def test_a_failed_fetch_leaves_the_fetcher_usable(fetcher, http, path):
    # The fetcher reuses its connections and transfer handles: whatever one fetch ended in,
    # the next one on the same fetcher starts clean.
    assert not fetcher.get(3, f"{http}/{path}", ranged=path.endswith(".bin")).ok
    r = fetcher.get(3, f"{http}/piece/3")
    assert (r.status, r.message, r.data) == ("ok", "", piece(3))


def test_redirects_are_followed(fetcher, http, server):
    r = fetcher.get(4, f"{http}/redirect/4")
    assert (r.status, r.redirects, r.final_url, r.data) == (
        "ok", 1, f"{http}/piece/4", piece(4))
    other = f"http://127.0.0.1:{server['other']}/auth-check/4"
    r = fetcher.get(4, f"{http}/other-host/4")
    assert (r.status, r.redirects, r.final_url) == ("ok", 1, other)


def test_no_redirects_when_told(content, http):
    with p2pcdn.Fetcher(content, max_redirects=-1) as f:
        r = f.get(4, f"{http}/redirect/4")
        assert (r.status, r.http_status, r.redirects) == ("fatal", 302, 0)


def test_ranged_sources(fetcher, http):
    r = fetcher.get(5, f"{http}/content.bin", ranged=True)
    assert (r.status, r.http_status, r.data) == ("ok", 206, piece(5))
    r = fetcher.get(5, f"{http}/badrange/content.bin", ranged=True)
    assert (r.status, r.error) == ("fatal", _errors.EPROTO)
    # The server ignores the Range: a 200 of the whole object, past the piece length.
    r = fetcher.get(5, f"{http}/norange/content.bin", ranged=True)
    assert (r.status, r.error) == ("fatal", _errors.ELIMIT)


# -- TLS --------------------------------------------------------------------------------------

def test_tls_verification(content, server):
    uri = f"https://127.0.0.1:{server['https']}/piece/6"
    with p2pcdn.Fetcher(content, connect_timeout_ms=3000) as f:
        r = f.get(6, uri)  # the system store does not know the test CA
        assert (r.status, r.error, r.data) == ("fatal", _errors.ETLS, None)
    for trust in ({"ca_file": server["ca_file"]}, {"ca_path": server["ca_path"]},
                  {"insecure_skip_verify": True}):
        with p2pcdn.Fetcher(content, **trust) as f:
            r = f.get(6, uri)
            assert (r.status, r.data) == ("ok", piece(6)), trust


# -- call errors ------------------------------------------------------------------------------

def test_call_errors_raise(fetcher, http):
    with pytest.raises(p2pcdn.OutOfRange):
        fetcher.get(fault_server.PIECE_COUNT, f"{http}/piece/0")
    with pytest.raises(p2pcdn.ProtocolError):
        fetcher.get(0, "ftp://127.0.0.1/piece/0")
    with pytest.raises(p2pcdn.InvalidArgument):
        fetcher.get(0, "not a uri")
    with pytest.raises(p2pcdn.InvalidArgument):
        fetcher.get(0, f"{http}/piece/0\0")
    with pytest.raises(p2pcdn.OutOfRange):
        fetcher.submit(fault_server.PIECE_COUNT, f"{http}/piece/0", print)
    with pytest.raises(TypeError):
        fetcher.submit(0, f"{http}/piece/0", None)
    assert fetcher.pending == 0  # a failed submit registers nothing


def test_construction(content):
    with pytest.raises(TypeError):
        p2pcdn.Fetcher(b"content")
    with p2pcdn.Content("nohashes", 10, 4) as bare, pytest.raises(p2pcdn.InvalidState):
        p2pcdn.Fetcher(bare)
    with pytest.raises(p2pcdn.OutOfRange):
        p2pcdn.Fetcher(content, max_redirects=2**31)
    with p2pcdn.Fetcher(content) as f, pytest.raises(TypeError):
        f.copy()


def global_count():
    count = p2pcdn.global_init()
    p2pcdn.global_cleanup()
    return count - 1


def test_fetcher_holds_a_global_init_reference(content):
    before = global_count()
    f = p2pcdn.Fetcher(content)
    assert global_count() == before + 1
    f.close()
    f.close()  # idempotent: one reference dropped once
    assert global_count() == before
    with pytest.raises(p2pcdn.InvalidState):
        p2pcdn.Fetcher(p2pcdn.Content("nohashes", 10, 4))
    assert global_count() == before  # a failed constructor keeps no reference
    with pytest.raises(p2pcdn.InvalidArgument):
        f.get(0, "http://127.0.0.1/")


# -- submit and step --------------------------------------------------------------------------

def run(fetcher, budget_s=20):
    deadline = time.monotonic() + budget_s
    while fetcher.step(100):
        assert time.monotonic() < deadline, "fetches did not finish"


def slow_stats(http, key):
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    with opener.open(f"{http}/stats/{key}", timeout=5) as answer:
        return json.load(answer)


def test_submitted_fetches_run_in_parallel(content, http):
    with p2pcdn.Fetcher(content, max_per_host=4, timeout_ms=10000) as f:
        results = {}
        ids = [f.submit(i, f"{http}/slow/par/{i}", lambda r: results.setdefault(r.piece, r))
               for i in range(8)]
        assert len(set(ids)) == 8 and 0 not in ids
        assert f.pending == 8
        started = time.monotonic()
        run(f)
        elapsed = time.monotonic() - started
    assert sorted(results) == list(range(8))
    assert all(r.ok and r.data == piece(r.piece) for r in results.values())
    stats = slow_stats(http, "par")
    # Each answer takes 300 ms: more than one at a time, never above max_per_host.
    assert stats["count"] == 8 and 2 <= stats["max"] <= 4
    assert elapsed < 8 * 0.3


def test_callbacks_see_every_outcome(fetcher, http):
    seen = {}
    for i, path in enumerate(["piece", "wrong", "status/404", "retry429/3", "status/403"]):
        fetcher.submit(i, f"{http}/{path}/{i}", lambda r, path=path: seen.setdefault(path, r))
    run(fetcher)
    assert {path: r.status for path, r in seen.items()} == {
        "piece": "ok", "wrong": "hash_mismatch", "status/404": "gone",
        "retry429/3": "retry_later", "status/403": "fatal"}
    assert seen["retry429/3"].retry_after_ms == 3000
    # GONE is remembered for submit too: it completes at the next step without a request.
    again = []
    fetcher.submit(2, f"{http}/status/404/2", again.append)
    run(fetcher)
    assert [(r.status, r.http_status) for r in again] == [("gone", 0)]


def test_cancel(fetcher, http):
    called = []
    fetch_id = fetcher.submit(1, f"{http}/piece/1", called.append)
    kept = fetcher.submit(2, f"{http}/piece/2", called.append)
    fetcher.cancel(fetch_id)
    with pytest.raises(p2pcdn.NotFound):
        fetcher.cancel(fetch_id)
    run(fetcher)
    assert [r.piece for r in called] == [2]
    with pytest.raises(p2pcdn.NotFound):
        fetcher.cancel(kept)  # already completed


def test_callback_exceptions_are_raised_from_step(fetcher, http):
    done = []

    def fail(result):
        raise ValueError(f"boom {result.piece}")

    fetcher.submit(1, f"{http}/piece/1", fail)
    fetcher.submit(2, f"{http}/piece/2", done.append)
    with pytest.raises(ValueError, match="boom 1"):
        run(fetcher)
    run(fetcher)  # reported once; the fetcher goes on
    assert [r.piece for r in done] == [2]


def test_callbacks_may_submit_and_may_not_step(fetcher, http):
    chain = []

    def first(result):
        chain.append(result.piece)
        fetcher.submit(result.piece + 1, f"{http}/piece/{result.piece + 1}", second)

    def second(result):
        chain.append(result.piece)
        fetcher.step()  # not from a callback: InvalidState, raised from the outer step

    fetcher.submit(4, f"{http}/piece/4", first)
    with pytest.raises(p2pcdn.InvalidState):
        run(fetcher)
    assert chain == [4, 5]


def test_close_from_a_callback(content, http):
    f = p2pcdn.Fetcher(content)
    before = global_count()
    seen = []

    def close_it(result):
        seen.append(result.piece)
        f.close()

    f.submit(1, f"{http}/piece/1", close_it)
    f.submit(2, f"{http}/slow/close/2", seen.append)
    deadline = time.monotonic() + 20
    while not f.closed:
        f.step(100)
        assert time.monotonic() < deadline
    # The slow fetch was cancelled with the fetcher; the global reference went after step.
    assert seen == [1]
    assert global_count() == before - 1
