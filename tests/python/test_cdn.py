"""Cdn through the Python binding: options and arguments refused without a network; the fault
server's object store as origin and edge (what the signers put on the wire, the TTL, retries,
cancel, callbacks); and a real push, read-back and purge in the loopback CDN lab."""

import json
import shutil
import sys
import urllib.error
import urllib.request

import pytest

import p2pcdn
from conftest import REPO, pseudo_random
from p2pcdn import Cdn, Signer
from p2pcdn import _errors

sys.path.insert(0, str(REPO / "tests" / "integration"))
import fault_server  # noqa: E402
from cdn_lab import CdnLab, nginx_binary  # noqa: E402
from test_fetcher import server  # noqa: E402,F401  (the fault server fixture)

NOWHERE = "http://127.0.0.1:9/cdn/{content}/{piece}"
SECRET = "s3cr3t-value"
needs_openssl = pytest.mark.skipif(shutil.which("openssl") is None,
                                   reason="the fault server makes its certificates with openssl")
needs_nginx = pytest.mark.skipif(nginx_binary() is None,
                                 reason="nginx is not installed (Debian package nginx)")

_opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))


def get(url):
    """(status, body, headers) of a GET, without a proxy from the environment."""
    try:
        with _opener.open(url, timeout=10) as answer:
            return answer.status, answer.read(), answer.headers
    except urllib.error.HTTPError as e:
        return e.code, e.read(), e.headers


# -- without a network --------------------------------------------------------------------------

def nowhere(**options):
    return Cdn(NOWHERE, origin_ingest_template=NOWHERE, **options)


@pytest.mark.parametrize("options, text", [
    ({"ingest_chain": ["ftp"]}, "unknown driver"),
    ({"ingest_chain": ["origin", "origin"]}, "twice"),
    ({"purge_chain": ["edge"]}, "not configured"),
    ({"retry_max_attempts": 1000}, "max_attempts"),
    ({"connect_timeout_ms": -1}, "negative"),
    ({"origin_signer": Signer.bearer("")}, "origin signer"),
    ({"origin_signer": Signer.header("Bad Name", SECRET)}, "origin signer"),
    ({"origin_signer": Signer.aws_sigv4("AKID", SECRET, None)}, "region is NULL"),
    ({"edges": ["http://127.0.0.1:9", 7]}, ""),
])
def test_bad_options(options, text):
    with pytest.raises((p2pcdn.InvalidArgument, TypeError)) as info:
        nowhere(**options).close()
    assert text in str(info.value)
    assert SECRET not in str(info.value) and SECRET not in p2pcdn.last_error()


def test_bad_templates_and_types():
    with pytest.raises(p2pcdn.InvalidArgument, match="piece"):
        Cdn("http://127.0.0.1:9/no-placeholder")
    with pytest.raises(TypeError, match="Signer"):
        nowhere(origin_signer="token")
    with pytest.raises(TypeError, match="single string"):
        nowhere(edges="http://127.0.0.1:9")
    with pytest.raises(TypeError, match="not a str"):
        nowhere(purge_chain="origin")


def test_signers_keep_their_secrets():
    for signer in (Signer.bearer(SECRET), Signer.header("X-Key", SECRET),
                   Signer.aws_sigv4("AKIDEXAMPLE", SECRET, "us-east-1", session_token=SECRET)):
        assert SECRET not in repr(signer)
    assert repr(Signer.aws_sigv4("AKIDEXAMPLE", SECRET, "eu-west-1")) == (
        "<Signer aws-sigv4 AKIDEXAMPLE eu-west-1/s3>")


def test_job_arguments_and_getters():
    with nowhere() as cdn:
        with pytest.raises(p2pcdn.InvalidArgument, match="TTL 0"):
            cdn.ingest("film", {0: b"x"}, 0)
        with pytest.raises(p2pcdn.InvalidArgument, match="at least one piece"):
            cdn.purge("film", [])
        with pytest.raises(p2pcdn.InvalidArgument, match="named twice"):
            cdn.purge("film", [3, 3])
        with pytest.raises(p2pcdn.OutOfRange):
            cdn.purge("film", [-1])
        with pytest.raises(TypeError, match="callable"):
            cdn.purge("film", [1], callback=3)
        with pytest.raises(p2pcdn.NotFound):
            cdn.status(99)
        with pytest.raises(p2pcdn.NotFound):
            cdn.cancel(99)
        with pytest.raises(p2pcdn.InvalidArgument, match="not one of css, origin"):
            cdn.metrics("ftp")
        assert cdn.metrics("origin") == p2pcdn.DriverMetrics(0, 0, 0, 0, 0)
        assert cdn.delivery_uri("a b", 4) == "http://127.0.0.1:9/cdn/a%20b/4"
        assert cdn.step() == 0

        job = cdn.ingest("film", {4: b"four", 2: bytearray(b"two")}, 60)
        status = cdn.status(job)
        assert (status.kind, status.state, status.content_id, status.ttl_s) == (
            "ingest", "pending", "film", 60)
        assert [i.piece for i in status.items] == [4, 2]
        assert status.items[1].uri == "http://127.0.0.1:9/cdn/film/2"
        assert cdn.state(job) == "pending" and not status.terminal
        with pytest.raises(p2pcdn.InvalidState, match="has not ended"):
            cdn.forget(job)
        cdn.cancel(job)
    with pytest.raises(p2pcdn.InvalidArgument):
        cdn.step()
    with pytest.raises(TypeError):
        nowhere().copy()


def test_a_purge_only_client_has_no_ingest():
    with Cdn(NOWHERE, edges=["http://127.0.0.1:9"], purge_chain=["edge"]) as cdn:
        with pytest.raises(p2pcdn.InvalidState, match="no ingest chain"):
            cdn.ingest("film", {0: b"x"}, 60)


# -- against the fault server's object store ----------------------------------------------------

@pytest.fixture
def store(server):
    """store(key, fault="ok") -> the origin template of a fresh key of the fault store, and
    the recorded requests of that key as a function."""
    base = f"http://127.0.0.1:{server['http']}"

    def make(key, fault="ok"):
        def requests():
            return json.loads(get(f"{base}/requests/{key}")[1])["requests"]
        return f"{base}/cdn/{key}/{fault}/{{content}}/{{piece}}", requests

    make.base = base
    return make


def quick(template, **options):
    return Cdn(template, origin_ingest_template=template, connect_timeout_ms=3000,
               timeout_ms=10000, retry_base_delay_ms=1, retry_max_delay_ms=5, **options)


@needs_openssl
def test_ingest_signs_every_request_and_sends_the_ttl(store):
    template, requests = store("py-bearer")
    data = {0: pseudo_random(1000, 1), 7: pseudo_random(333, 2)}
    seen = []
    with quick(template, origin_signer=Signer.bearer("tok-1")) as cdn:
        job = cdn.ingest("film", data, 120, callback=seen.append)
        status = cdn.wait(job)
        assert status.state == "complete" and seen == [status]
        assert [(i.state, i.http_status, i.attempts) for i in status.items] == [
            ("done", 201, 1), ("done", 201, 1)]
        for item in status.items:
            assert get(item.uri)[1] == data[item.piece]
        assert cdn.metrics("origin").bytes_sent == 1333
    puts = [r for r in requests() if r["method"] == "PUT"]
    assert len(puts) == 2
    for put in puts:
        headers = put["headers"]
        assert headers["authorization"] == ["Bearer tok-1"]
        assert "max-age=120" in headers["cache-control"][0]
        assert headers["content-digest"][0].startswith("sha-256=:")


@needs_openssl
def test_sigv4_origin_and_header_signed_edge_purge(store):
    template, requests = store("py-sigv4")
    edge = store.base
    signer = Signer.aws_sigv4("AKIDEXAMPLE", SECRET, "us-east-1")
    with quick(template, origin_signer=signer, edges=[edge], purge_chain=["origin", "edge"],
               edge_signer=Signer.header("X-Purge-Key", "k-1")) as cdn:
        assert cdn.wait(cdn.ingest("film", {1: b"one"}, 60)).state == "complete"
        assert cdn.wait(cdn.purge("film", [1])).state == "complete"
        assert cdn.metrics("edge").requests == 1
    by_method = {}
    for r in requests():
        by_method.setdefault(r["method"], []).append(r["headers"])
    (put,), (delete,), (purge,) = by_method["PUT"], by_method["DELETE"], by_method["PURGE"]
    for headers in (put, delete):
        assert headers["authorization"][0].startswith(
            "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/")
        assert "x-amz-date" in headers and "x-amz-content-sha256" in headers
        assert SECRET not in json.dumps(headers)
    assert purge["x-purge-key"] == ["k-1"]


@needs_openssl
def test_retries_failures_and_cancel(store):
    template, _ = store("py-flaky", "flaky-1-503")
    with quick(template) as cdn:
        status = cdn.wait(cdn.ingest("film", {0: b"x"}, 60))
        assert (status.state, status.items[0].attempts, status.retries) == ("complete", 2, 1)
        assert cdn.metrics("origin").retries == 1
    template, _ = store("py-403", "status-403")
    with quick(template) as cdn:
        status = cdn.wait(cdn.ingest("film", {0: b"x"}, 60))
        (item,) = status.failed
        assert (status.state, item.http_status, item.error, item.driver) == (
            "failed", 403, _errors.EHTTP, "origin")
    template, _ = store("py-slow", "slow-3000")
    with quick(template) as cdn:
        job = cdn.ingest("film", {0: b"x", 1: b"y"}, 60)
        for _ in range(5):
            cdn.step(20)
        cdn.cancel(job)
        status = cdn.wait(job)
        assert status.state == "cancelled"
        assert {i.error for i in status.items} == {_errors.ECANCELLED}
        assert len(status.uncertain) == 2


@needs_openssl
def test_callbacks_may_raise_and_close(store):
    template, _ = store("py-callbacks")
    cdn = quick(template)

    def boom(status):
        raise RuntimeError(f"callback for {status.id}")

    job = cdn.ingest("film", {0: b"x"}, 60, callback=boom)
    with pytest.raises(RuntimeError, match=f"callback for {job}"):
        cdn.wait(job)
    closed = []

    def close_it(status):
        closed.append(status.state)
        cdn.close()

    cdn.ingest("film", {1: b"x"}, 60, callback=close_it)
    cdn.ingest("film", {2: b"x"}, 60, callback=close_it)
    while not closed:
        cdn.step(50)
    assert closed == ["complete"] and cdn.closed


@needs_openssl
def test_ingest_from_the_css(store, server):
    template, _ = store("py-css")
    content = p2pcdn.Content("fault", fault_server.TOTAL_LENGTH, fault_server.PIECE_LENGTH)
    content.hash_buffer(fault_server.CONTENT)
    with content, quick(template) as cdn:
        status = cdn.wait(cdn.ingest_from_css(
            content, [3, 10], 60, piece_template=store.base + "/piece/{piece}"))
        assert status.state == "complete"
        assert get(status.items[1].uri)[1] == fault_server.piece(10)
        status = cdn.wait(cdn.ingest_from_css(
            content, [4], 60, piece_template=store.base + "/auth-required/{piece}",
            signer=Signer.bearer("secret")))
        assert status.state == "complete"
        status = cdn.wait(cdn.ingest_from_css(
            content, [4], 60, piece_template=store.base + "/wrong/{piece}"))
        assert (status.state, status.items[0].error, status.items[0].driver) == (
            "failed", _errors.EHASH, "css")
        assert cdn.metrics("css").requests == 4


# -- against the CDN lab ------------------------------------------------------------------------

@pytest.fixture(scope="module")
def lab(tmp_path_factory):
    with CdnLab(tmp_path_factory.mktemp("cdnlab"), with_varnish="auto") as lab:
        yield lab


@needs_nginx
def test_push_read_back_and_purge_in_the_lab(lab):
    origin = lab.origin_url + "/py-cdn/{content}/{piece}"
    edge = lab.varnish_url
    delivery = (edge or lab.origin_url) + "/py-cdn/{content}/{piece}"
    chain = ["origin", "edge"] if edge else ["origin"]
    pieces = {i: pseudo_random(64 * 1024, seed=40 + i) for i in range(4)}
    finished = []
    with Cdn(delivery, origin_ingest_template=origin, edges=[edge] if edge else [],
             purge_chain=chain, timeout_ms=20000) as cdn:
        job = cdn.ingest("movie-9", pieces, 300, callback=finished.append)
        while cdn.step(100):
            pass
        (status,) = finished
        assert status.state == "complete" and status.done == [0, 1, 2, 3]
        for item in status.items:
            code, body, _ = get(item.uri)
            assert (code, body) == (200, pieces[item.piece])
        if edge:  # the edge holds them now
            assert get(status.items[0].uri)[2]["X-Cache-Status"] == "HIT"
        cdn.forget(job)

        purged = cdn.wait(cdn.purge("movie-9", list(pieces)))
        assert purged.state == "complete"
        for item in purged.items:
            assert get(item.uri)[0] == 404
        assert cdn.metrics("origin").requests == 8
