"""`p2pcdn tracker`, the HTTP tracker daemon, as a client sees it: each test starts the
daemon from the build tree on a free port (--listen 127.0.0.1:0 --port-file) and talks to it
over real HTTP: JSON and BitTorrent announces, CDN publish and withdraw, statistics on demand
and pushed to a subscriber, malformed requests, and a clean stop on SIGTERM.

The program is found through P2PCDN_CLI, else next to the library the tests load
(<build>/tools/p2pcdn beside <build>/src/libp2pcdn.so.0).
"""

import http.server
import json
import signal
import socket
import subprocess
import threading
import time
import urllib.error
import urllib.request

import pytest

import p2pcdn
from conftest import cli_env, cli_program
from p2pcdn import Bitmap, PeerList, Stats

try:  # an independent bencode reader, when installed (scripts/deps.sh installs it)
    import libtorrent as lt
except ImportError:
    lt = None

# BEP 3's example info hash; its swarm is the lowercase hex.
INFO_HASH = "%124Vx%9A%BC%DE%F1%23Eg%89%AB%CD%EF%124Vx%9A"
BT_SWARM = "123456789abcdef123456789abcdef123456789a"


program = cli_program


class Daemon:
    """One `p2pcdn tracker` process, its port and its log (stderr)."""

    def __init__(self, workdir, *options):
        self.workdir = workdir
        port_file = workdir / "port"
        self.log_path = workdir / "daemon.log"
        # The program is built with the sanitizers itself: it needs no preloaded runtime, and
        # its leak check stays on (a leak fails the exit status).
        env = cli_env()
        with open(self.log_path, "wb") as log:
            self.process = subprocess.Popen(
                [str(program()), "tracker", "--listen", "127.0.0.1:0", "--port-file",
                 str(port_file), *options],
                stdout=subprocess.PIPE, stderr=log, env=env)
        deadline = time.monotonic() + 20
        while not port_file.exists():
            if self.process.poll() is not None or time.monotonic() > deadline:
                self.process.kill()
                raise AssertionError(f"the daemon did not start:\n{self.log()}")
            time.sleep(0.02)
        self.port = int(port_file.read_text())
        line = self.process.stdout.readline().decode()
        assert line == f"listening on 127.0.0.1:{self.port}\n"
        self.url = f"http://127.0.0.1:{self.port}"

    def log(self):
        return self.log_path.read_text(errors="replace")

    def stop(self):
        """SIGTERM; the exit status."""
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
        try:
            return self.process.wait(timeout=30)
        finally:
            self.process.stdout.close()

    def request(self, method, path, body=None, headers=None):
        """(status, content type, body) of one request."""
        data = body.encode() if isinstance(body, str) else body
        req = urllib.request.Request(self.url + path, data=data, method=method,
                                     headers=headers or {})
        try:
            with urllib.request.urlopen(req, timeout=10) as res:
                return res.status, res.headers.get("Content-Type"), res.read()
        except urllib.error.HTTPError as err:
            with err:
                return err.code, err.headers.get("Content-Type"), err.read()

    def post_json(self, path, message):
        text = message if isinstance(message, str) else json.dumps(message)
        return self.request("POST", path, text, {"Content-Type": "application/json"})


@pytest.fixture
def start(tmp_path):
    """start(*options) -> a running Daemon; every one is stopped after the test."""
    if not program().is_file():
        pytest.skip(f"the p2pcdn program is not built ({program()})")
    daemons = []

    def run(*options):
        workdir = tmp_path / f"daemon{len(daemons)}"
        workdir.mkdir()
        daemons.append(Daemon(workdir, *options))
        return daemons[-1]

    yield run
    for daemon in daemons:
        daemon.stop()


@pytest.fixture
def daemon(start):
    return start()


def announce(peer_id, bitfield=None, **extra):
    message = {"v": 1, "content": "movie-1", "pieces": 10, "peer_id": peer_id, "port": 6881}
    if bitfield is not None:
        message["bitfield"] = bitfield
    message.update(extra)
    return message


def stats_of(daemon, content):
    status, kind, body = daemon.request("GET", f"/stats/{content}")
    assert (status, kind) == (200, "application/json"), body
    return Stats.from_json(body.decode())


def error_of(body):
    answer = json.loads(body)
    assert answer["v"] == 1 and answer["type"] == "error"
    return answer["code"], answer["message"]


def test_json_announces_and_statistics(daemon):
    status, kind, body = daemon.post_json("/announce", announce("0a", "gMA=", ip="192.0.2.1"))
    assert (status, kind) == (200, "application/json")
    first = PeerList.from_json(body.decode())
    assert first.content_id == "movie-1" and first.piece_count == 10 and len(first) == 0
    # Without "ip", the peer is at the connection's address.
    status, _, body = daemon.post_json("/announce", announce("0b", "/8A="))
    assert status == 200
    second = PeerList.from_json(body.decode())
    assert [(p.id, p.address, p.port) for p in second] == [(b"\x0a", "192.0.2.1", 6881)]
    status, _, body = daemon.post_json("/announce", announce("0c"))
    assert {p.address for p in PeerList.from_json(body.decode())} == {"192.0.2.1", "127.0.0.1"}

    report = stats_of(daemon, "movie-1")
    assert report.content_id == "movie-1"
    assert report.summary.peers == 3 and report.summary.seeds == 1
    assert list(report.copies()) == [2, 1, 1, 1, 1, 1, 1, 1, 2, 2]
    status, _, body = daemon.request("GET", "/health")
    assert status == 200
    assert json.loads(body) == {"v": 1, "type": "health", "status": "ok", "contents": 1,
                                "subscriptions": 0}


def test_bittorrent_announces(daemon):
    seed = (f"info_hash={INFO_HASH}&peer_id=-XX0001-abcdefghijkl&port=6881&left=0"
            "&p2pcdn_pieces=10")
    status, _, body = daemon.request("GET", "/announce?" + seed)
    assert status == 200
    assert PeerList.from_bencode(body).content_id == BT_SWARM
    # A plain BitTorrent client (no extension) joins the swarm the tracker now knows.
    plain = f"info_hash={INFO_HASH}&peer_id=-XX0001-000000000001&port=6882&left=100&compact=1"
    status, _, body = daemon.request("GET", "/announce?" + plain)
    assert status == 200
    answer = PeerList.from_bencode(body)
    assert [(p.address, p.port) for p in answer] == [("127.0.0.1", 6881)]
    assert answer.seeds == 1 and answer.leechers == 1
    if lt is not None:
        decoded = lt.bdecode(body)
        assert decoded is not None and lt.bencode(decoded) == body
        assert decoded[b"peers"] == bytes([127, 0, 0, 1]) + (6881).to_bytes(2, "big")
        assert decoded[b"interval"] == 1800 and decoded[b"complete"] == 1
    # A bad query: 200 (what BitTorrent clients read) with a failure reason, and no swarm.
    status, _, body = daemon.request("GET", "/announce?info_hash=short&peer_id=x&port=1")
    assert status == 200
    if lt is not None:
        assert lt.bdecode(body) == {b"failure reason": b"info_hash is 5 bytes, expected 20"}
    with pytest.raises(p2pcdn.ProtocolError, match="info_hash is 5 bytes"):
        PeerList.from_bencode(body)
    assert stats_of(daemon, BT_SWARM).summary.peers == 2


def test_cdn_sources_are_published_and_withdrawn(daemon):
    expires = int(time.time()) + 3600
    uri = "https://cdn.example/{content}/{piece}"
    publish = {"v": 1, "type": "cdn_publish", "content": "movie-1", "pieces": 10,
               "sources": [{"uri": uri, "pieces": "AcA=", "expires": expires}]}
    # Not before the content exists: publishing never makes a swarm.
    status, _, body = daemon.post_json("/cdn/publish", publish)
    assert status == 404 and error_of(body) == (-7, "unknown content 'movie-1'")
    daemon.post_json("/announce", announce("0a", "gMA="))
    status, _, body = daemon.post_json("/cdn/publish", publish)
    assert status == 200
    assert json.loads(body) == {"v": 1, "type": "cdn_published", "content": "movie-1",
                                "sources": 1}
    # Answers carry the source, restricted to what the requester lacks.
    _, _, body = daemon.post_json("/announce", announce("0b", "gAA="))
    (source,) = PeerList.from_json(body.decode()).cdn_sources
    assert source.uri == uri and source.expires_s == expires
    assert source.pieces == Bitmap.from_ranges("7-9", 10)
    assert stats_of(daemon, "movie-1").summary.cdn_pieces == 3
    # The holder of piece 8 and 9 gets only piece 7 from the CDN.
    _, _, body = daemon.post_json("/announce", announce("0a"))
    assert PeerList.from_json(body.decode()).cdn_sources[0].pieces == Bitmap.from_ranges("7", 10)

    withdraw = {"v": 1, "content": "movie-1", "uri": uri, "pieces": 10, "bitfield": "AEA="}
    status, _, body = daemon.post_json("/cdn/withdraw", withdraw)
    assert status == 200 and json.loads(body)["changed"] == 1
    assert stats_of(daemon, "movie-1").summary.cdn_pieces == 2
    status, _, body = daemon.post_json("/cdn/withdraw", {"v": 1, "content": "movie-1"})
    assert status == 200
    _, _, body = daemon.post_json("/announce", announce("0b"))
    assert PeerList.from_json(body.decode()).cdn_sources == []
    status, _, body = daemon.post_json("/cdn/withdraw", {"v": 1, "content": "movie-1",
                                                         "uri": uri})
    assert status == 404 and error_of(body)[0] == -7


def test_malformed_requests_are_refused_and_change_nothing(start):
    daemon = start("--max-body", "4096")
    daemon.post_json("/announce", announce("0a", "gMA="))
    before = stats_of(daemon, "movie-1")
    expires = int(time.time()) + 3600
    cases = [
        ("/announce", "{\"v\":1,", -6, "announce request is not valid JSON"),
        ("/announce", announce("0b", "gMA=", pieces=30), -6,
         "bitfield is 4 characters, expected 8"),
        ("/announce", announce("0b", event="completed", bitfield="gMA="), -2,
         "event completed with a bitmap missing 7 pieces"),
        ("/announce", announce("0b", pieces=12), -2, "has 10 pieces, not 12"),
        ("/cdn/publish", {"v": 1, "content": "movie-1", "pieces": 10, "sources": []}, -6,
         "sources is empty"),
        # The second source is expired: the first is not published either.
        ("/cdn/publish", {"v": 1, "content": "movie-1", "pieces": 10, "sources": [
            {"uri": "http://a/{piece}", "pieces": "/8A=", "expires": expires},
            {"uri": "http://b/{piece}", "pieces": "/8A=", "expires": 1}]}, -2, "expires at 1"),
        ("/cdn/withdraw", {"v": 1, "content": "movie-1", "pieces": 10}, -6,
         "members 'pieces' and 'bitfield' come together"),
        ("/subscribe", {"v": 1, "content": "movie-1", "interval_ms": 10,
                        "url": "http://127.0.0.1:9/"}, -6, "interval_ms is 10, below"),
        ("/subscribe", {"v": 1, "content": "movie-1", "interval_ms": 1000,
                        "url": "file:///etc/passwd"}, -6, "member 'url'"),
    ]
    for path, message, code, text in cases:
        status, kind, body = daemon.post_json(path, message)
        assert (status, kind) == (400, "application/json"), (path, message, body)
        got_code, got_message = error_of(body)
        assert got_code == code and text in got_message, (path, got_message)
    after = stats_of(daemon, "movie-1")
    assert list(after.copies()) == list(before.copies())
    assert after.summary.peers == 1 and after.summary.cdn_pieces == 0
    status, _, body = daemon.request("GET", "/health")
    assert json.loads(body)["subscriptions"] == 0 and json.loads(body)["contents"] == 1

    # What the server refuses itself: no such endpoint, another method, a body too large.
    status, _, body = daemon.request("GET", "/nowhere")
    assert status == 404 and error_of(body) == (-2, "no endpoint GET /nowhere")
    status, _, body = daemon.request("DELETE", "/announce")
    assert status == 405 and "allowed: GET, POST" in error_of(body)[1]
    status, _, body = daemon.post_json("/announce", "x" * 5000)
    assert status == 413 and error_of(body)[0] == -18
    status, _, body = daemon.request("GET", "/stats/nope")
    assert status == 404 and error_of(body) == (-7, "unknown content 'nope'")
    status, _, body = daemon.request("GET", "/stats/bad%20id")
    assert status == 400


class Receiver:
    """A local HTTP server collecting the bodies POSTed to it; fail=True answers 500."""

    def __init__(self, fail=False):
        self.bodies = []
        self.arrived = threading.Condition()
        outer = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers["Content-Length"]))
                with outer.arrived:
                    outer.bodies.append((self.headers.get("Content-Type"), body))
                    outer.arrived.notify_all()
                self.send_response(500 if fail else 204)
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}/stats"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def wait_for(self, count, timeout=20):
        with self.arrived:
            assert self.arrived.wait_for(lambda: len(self.bodies) >= count, timeout), (
                f"{len(self.bodies)} reports arrived, {count} expected")
            return list(self.bodies)

    def close(self):
        self.server.shutdown()
        self.server.server_close()


def test_subscribers_get_pushed_reports(daemon):
    receiver = Receiver()
    try:
        daemon.post_json("/announce", announce("0a", "gMA="))
        status, _, body = daemon.post_json(
            "/subscribe", {"v": 1, "content": "movie-1", "interval_ms": 200,
                           "url": receiver.url})
        assert status == 200
        assert json.loads(body) == {"v": 1, "type": "subscribed", "content": "movie-1",
                                    "interval_ms": 200, "replaced": False}
        first = receiver.wait_for(1)
        kind, report = first[0]
        assert kind == "application/json"
        assert Stats.from_json(report.decode()).summary.peers == 1
        # Later reports see later announces.
        daemon.post_json("/announce", announce("0b", "/8A="))
        deadline = time.monotonic() + 20
        while True:
            bodies = receiver.wait_for(len(receiver.bodies) + 1)
            latest = Stats.from_json(bodies[-1][1].decode())
            if latest.summary.peers == 2 or time.monotonic() > deadline:
                break
        assert latest.summary.peers == 2 and latest.summary.seeds == 1
        # The same content and URL again changes the interval; no second subscription.
        status, _, body = daemon.post_json(
            "/subscribe", {"v": 1, "content": "movie-1", "interval_ms": 60000,
                           "url": receiver.url})
        assert status == 200 and json.loads(body)["replaced"] is True
        assert json.loads(daemon.request("GET", "/health")[2])["subscriptions"] == 1
    finally:
        receiver.close()
    assert "subscription_added subscription=1 content=movie-1 to=http://127.0.0.1:" in daemon.log()


def test_failing_subscribers_are_logged_and_retried_without_blocking_announces(daemon):
    failing = Receiver(fail=True)
    with socket.socket() as s:  # a port nothing listens on
        s.bind(("127.0.0.1", 0))
        dead = f"http://user:secret@127.0.0.1:{s.getsockname()[1]}/push?token=t0k3n"
    try:
        daemon.post_json("/announce", announce("0a", "gMA="))
        for url in (failing.url, dead):
            status, _, _ = daemon.post_json(
                "/subscribe", {"v": 1, "content": "movie-1", "interval_ms": 100, "url": url})
            assert status == 200
        # Retried after a backoff: a second attempt arrives about a second after the first.
        failing.wait_for(2, timeout=30)
        started = time.monotonic()
        for i in range(20):
            status, _, _ = daemon.post_json("/announce", announce(f"{i + 16:02x}"))
            assert status == 200
        assert time.monotonic() - started < 10
    finally:
        failing.close()
    log = daemon.log()
    assert "push_failed subscription=1 content=movie-1" in log and "HTTP status 500" in log
    assert "push_failed subscription=2" in log
    # The subscriber's credentials and token never reach the log.
    assert "secret" not in log and "t0k3n" not in log


def test_log_lines_never_hold_a_query(daemon):
    query = (f"info_hash={INFO_HASH}&peer_id=-XX0001-abcdefghijkl&port=6881"
             "&p2pcdn_pieces=10&passkey=hunter2")
    daemon.request("GET", "/announce?" + query)
    daemon.request("GET", "/announce?passkey=hunter2&info_hash=bad")
    log = daemon.log()
    assert "127.0.0.1 GET /announce 200" in log
    assert "hunter2" not in log and "info_hash=" not in log


def test_json_log_lines(start):
    daemon = start("--log-json")
    daemon.post_json("/announce", "{}")
    daemon.request("GET", "/health")
    assert daemon.stop() == 0
    lines = [json.loads(line) for line in daemon.log().splitlines()]
    assert [(r.get("method"), r.get("path"), r.get("status")) for r in lines[:2]] == [
        ("POST", "/announce", 400), ("GET", "/health", 200)]
    assert "member 'v' is missing" in lines[0]["error"]
    assert lines[-1]["event"] == "stopping"


def test_sigterm_stops_it_cleanly(start):
    daemon = start()
    daemon.post_json("/announce", announce("0a"))
    assert daemon.stop() == 0
    assert "stopping signal Terminated" in daemon.log()
    with pytest.raises(urllib.error.URLError):
        urllib.request.urlopen(daemon.url + "/health", timeout=5)


def test_usage_and_start_failures(daemon, tmp_path):
    run = [str(program()), "tracker"]
    helped = subprocess.run(run + ["--help"], capture_output=True, text=True, timeout=30)
    assert helped.returncode == 0 and "--port-file FILE" in helped.stdout
    assert "Exit codes" in helped.stdout
    for bad in (["--listen", "127.0.0.1"], ["--interval", "0"], ["--threads", "x"], ["--what"]):
        result = subprocess.run(run + bad, capture_output=True, text=True, timeout=30)
        assert result.returncode == 2, bad
        assert "usage: p2pcdn tracker" in result.stderr
    # The port the running daemon holds is taken.
    taken = subprocess.run(run + ["--listen", f"127.0.0.1:{daemon.port}"], capture_output=True,
                           text=True, timeout=30)
    assert taken.returncode == 1 and "cannot listen on 127.0.0.1" in taken.stderr
    unwritable = subprocess.run(run + ["--listen", "127.0.0.1:0", "--port-file",
                                       str(tmp_path / "no" / "such" / "dir" / "port")],
                                capture_output=True, text=True, timeout=30)
    assert unwritable.returncode == 1 and "cannot write the port file" in unwritable.stderr
