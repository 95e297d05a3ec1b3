"""`p2pcdn ccs`, the NSCF as a daemon, with real parts: the loopback CDN lab (nginx WebDAV
origin, caching edges behind a 302 redirector; its origin also serves the content as the CSS),
a `p2pcdn tracker` daemon, and UEs announcing over HTTP. The daemon joins the swarm, takes the
statistics the tracker pushes, ingests the scarce pieces, publishes them (an announce answer
carries the CDN source), and withdraws then purges them once the UEs hold them; its JSON log
lines say so in order. Also: --once with --purge-on-exit, a tracker down at start, and
configuration errors (exit 2, the member named).

The lab tests skip when nginx is not installed (Debian package nginx).
"""

import base64
import json
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request

import pytest

from conftest import REPO, cli_env, cli_program, pseudo_random

sys.path.insert(0, str(REPO / "tests" / "integration"))
from cdn_lab import CdnLab, free_port, nginx_binary  # noqa: E402

pytestmark = pytest.mark.skipif(not cli_program().exists(),
                                reason=f"the p2pcdn program is not built ({cli_program()})")
needs_nginx = pytest.mark.skipif(nginx_binary() is None,
                                 reason="nginx is not installed (Debian package nginx)")

PIECE_LENGTH = 16 * 1024
PIECES = 6
SIZE = (PIECES - 1) * PIECE_LENGTH + 999
_opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))


def http(method, url, body=None):
    """(status, body) of one request; a dict body is sent as JSON."""
    data = json.dumps(body).encode() if isinstance(body, dict) else body
    req = urllib.request.Request(url, data=data, method=method,
                                 headers={"Content-Type": "application/json"} if data else {})
    try:
        with _opener.open(req, timeout=10) as answer:
            return answer.status, answer.read()
    except urllib.error.HTTPError as e:
        with e:
            return e.code, e.read()


def bitfield(pieces):
    """base64 of the BEP 3 bitfield of these pieces of a PIECES-piece content."""
    bits = bytearray((PIECES + 7) // 8)
    for p in pieces:
        bits[p // 8] |= 0x80 >> (p % 8)
    return base64.b64encode(bytes(bits)).decode()


def wait_for(what, predicate, timeout=15.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.05)
    raise AssertionError(f"timed out waiting for {what}")


class Program:
    """One daemon of the program; it writes its port to a file and its log to stderr."""

    def __init__(self, workdir, name, *args):
        self.port_file = workdir / f"{name}.port"
        self.log_path = workdir / f"{name}.log"
        with open(self.log_path, "wb") as log:
            self.process = subprocess.Popen(
                [str(cli_program()), *map(str, args), "--port-file", str(self.port_file)],
                stdout=subprocess.PIPE, stderr=log, env=cli_env())
        wait_for(f"{name} to listen", lambda: self.port_file.exists() or
                 self.process.poll() is not None, timeout=20)
        assert self.process.poll() is None, self.log()
        self.port = int(self.port_file.read_text())
        assert self.process.stdout.readline().decode() == f"listening on 127.0.0.1:{self.port}\n"
        self.url = f"http://127.0.0.1:{self.port}"

    def log(self):
        return self.log_path.read_text(errors="replace")

    def events(self):
        """The JSON log lines that are events (request lines have no "event")."""
        out = []
        for line in self.log().splitlines():
            if line.startswith("{"):
                item = json.loads(line)
                if "event" in item:
                    out.append(item)
        return out

    def event(self, kind, **match):
        """The first event of this kind whose members match, or None."""
        for e in self.events():
            if e["event"] == kind and all(e.get(k) == v for k, v in match.items()):
                return e
        return None

    def stop(self, sig=signal.SIGTERM):
        if self.process.poll() is None:
            self.process.send_signal(sig)
        try:
            return self.process.wait(timeout=40)
        finally:
            self.process.stdout.close()


@pytest.fixture(scope="module")
def lab(tmp_path_factory):
    with CdnLab(tmp_path_factory.mktemp("ccslab"), edges=1) as lab:
        yield lab


@pytest.fixture
def daemons():
    started = []
    yield started
    for p in started:
        p.stop(signal.SIGKILL if p.process.poll() is None else signal.SIGTERM)


def make_content(lab, workdir, content_id):
    """The content's bytes, put on the origin as the CSS object and hashed by `p2pcdn hash`."""
    data = pseudo_random(SIZE, seed=len(content_id))
    (workdir / "content.bin").write_bytes(data)
    lab.put_bytes(f"css/{content_id}.bin", data)
    done = subprocess.run([str(cli_program()), "hash", "--piece-length", str(PIECE_LENGTH),
                           "--id", content_id, "--json", str(workdir / "content.bin")],
                          capture_output=True, text=True, env=cli_env(), timeout=60)
    assert done.returncode == 0, done.stderr
    (workdir / "content.hash.json").write_text(done.stdout)
    return data


def write_config(lab, workdir, content_id, tracker_url, **override):
    config = {
        "v": 1,
        "content": {"hash_file": "content.hash.json"},
        "css": {"object_url": f"{lab.origin_url}/css/{content_id}.bin"},
        "cdn": {"delivery_template": lab.redirector_url + "/pieces/{content}/{piece}",
                "origin": {"ingest_template": lab.origin_url + "/pieces/{content}/{piece}"},
                "retry": {"max_attempts": 2, "base_delay_ms": 10},
                "http": {"timeout_ms": 10000}},
        "policy": {"kind": "threshold", "low_copies": 1, "high_copies": 2,
                   "min_residency_ms": 1, "ttl_s": 600},
        "tracker": {"url": tracker_url},
        "journal": {"path": str(workdir / "ccs.journal")},
        "ttl_s": 600,
        "safety_margin_s": 30,
    }
    config.update(override)
    path = workdir / "ccs.json"
    path.write_text(json.dumps(config))
    return path


def announce(tracker, content_id, peer, pieces):
    status, body = http("POST", tracker.url + "/announce", {
        "v": 1, "content": content_id, "pieces": PIECES, "peer_id": peer, "port": 6881,
        "ip": "192.0.2.1", "bitfield": bitfield(pieces)})
    assert status == 200, body
    return json.loads(body)


def origin_pieces(lab, content_id):
    folder = lab.docroot / "pieces" / content_id
    return sorted(int(p.name) for p in folder.iterdir()) if folder.exists() else []


def kinds_in_order(events, wanted):
    """True when the event kinds `wanted` appear in this order (others may come between)."""
    position = 0
    for e in events:
        if position < len(wanted) and e["event"] == wanted[position]:
            position += 1
    return position == len(wanted)


@needs_nginx
def test_scarce_pieces_ingested_published_then_withdrawn_and_purged(lab, tmp_path, daemons):
    content_id = "ccs-flow"
    data = make_content(lab, tmp_path, content_id)
    tracker = Program(tmp_path, "tracker", "tracker", "--listen", "127.0.0.1:0", "--log-json")
    daemons.append(tracker)
    # Two UEs hold pieces 0 to 2: pieces 3 to 5 have no copy, the policy's scarce ones.
    announce(tracker, content_id, "0a", [0, 1, 2])
    announce(tracker, content_id, "0b", [0, 1, 2])
    config = write_config(lab, tmp_path, content_id, tracker.url)
    ccs = Program(tmp_path, "ccs", "ccs", "--config", config, "--listen", "127.0.0.1:0",
                  "--stats-interval", 200, "--log-json", "--peer-id", "6363732d31")
    daemons.append(ccs)

    published = wait_for("the scarce pieces published",
                         lambda: ccs.event("tracker_updated", pieces="3-5"))
    assert published["uri"] == lab.redirector_url + "/pieces/{content}/{piece}"
    assert ccs.event("joined", content=content_id)
    assert ccs.event("subscribed")["interval_ms"] == 200
    ingest = ccs.event("ingest_started", pieces="3-5")
    assert (ingest["count"], ingest["bytes"], ingest["ttl_s"]) == (3, 2 * PIECE_LENGTH + 999, 600)
    round_ = ccs.event("round", ingest=3)
    assert (round_["min_copies"], round_["purge"]) == (0, 0) and round_["seq"] >= 1
    assert origin_pieces(lab, content_id) == [3, 4, 5]
    for p in (3, 4, 5):
        assert http("GET", f"{lab.redirector_url}/pieces/{content_id}/{p}") == (
            200, data[p * PIECE_LENGTH:(p + 1) * PIECE_LENGTH])
    # A UE's announce answer now names the CDN source and the NSCF as a network peer.
    answer = announce(tracker, content_id, "0c", [])
    assert [s["uri"] for s in answer["cdn"]] == [published["uri"]]
    assert answer["cdn"][0]["pieces"] == bitfield([3, 4, 5])
    assert any(p.get("role") == "network" and p.get("id") == "6363732d31"
               for p in answer["peers"])

    # The UEs now hold everything: two copies of each piece, the policy lets the CDN go.
    announce(tracker, content_id, "0a", range(PIECES))
    announce(tracker, content_id, "0b", range(PIECES))
    wait_for("the pieces purged", lambda: ccs.event("purged", pieces="3-5"))
    assert origin_pieces(lab, content_id) == []
    assert ccs.event("withdrawn", pieces="3-5")["uri"] == published["uri"]
    assert announce(tracker, content_id, "0c", [])["cdn"] == []
    assert kinds_in_order(ccs.events(), [
        "recovered", "joined", "subscribed", "round", "ingest_started", "ingest_confirmed",
        "published", "tracker_updated", "round", "withdrawn", "purge_started", "purged"])

    assert ccs.stop() == 0
    shutdown = ccs.events()[-1]
    assert shutdown["event"] == "shutdown" and shutdown["purge"] is False
    assert (shutdown["pieces_ingested"], shutdown["pieces_purged"]) == (3, 3)


@needs_nginx
def test_once_with_purge_on_exit_leaves_nothing(lab, tmp_path, daemons):
    content_id = "ccs-once"
    make_content(lab, tmp_path, content_id)
    tracker = Program(tmp_path, "tracker", "tracker", "--listen", "127.0.0.1:0")
    daemons.append(tracker)
    announce(tracker, content_id, "0a", [0, 1, 2, 3])
    config = write_config(lab, tmp_path, content_id, tracker.url)
    done = subprocess.run([str(cli_program()), "ccs", "--config", str(config), "--once",
                           "--purge-on-exit"], capture_output=True, text=True, env=cli_env(),
                          timeout=60)
    assert done.returncode == 0, done.stderr
    metrics = json.loads(done.stdout)
    assert (metrics["type"], metrics["content"]) == ("metrics", content_id)
    assert (metrics["rounds"], metrics["pieces_ingested"], metrics["published"]) == (1, 2, 2)
    lines = done.stderr.splitlines()
    assert any(" published pieces=4-5 " in line for line in lines), done.stderr
    assert " shutdown purge=true clean=true " in lines[-1] + " "
    assert origin_pieces(lab, content_id) == []
    assert announce(tracker, content_id, "0b", [])["cdn"] == []


@needs_nginx
def test_a_tracker_down_at_start_is_retried(lab, tmp_path, daemons):
    content_id = "ccs-late"
    make_content(lab, tmp_path, content_id)
    port = free_port()
    config = write_config(lab, tmp_path, content_id, f"http://127.0.0.1:{port}")
    ccs = Program(tmp_path, "ccs", "ccs", "--config", config, "--stats-interval", 200,
                  "--log-json")
    daemons.append(ccs)
    wait_for("a failed join", lambda: ccs.event("join_failed") and ccs.event("subscribe_failed"))
    assert ccs.process.poll() is None
    tracker = Program(tmp_path, "tracker", "tracker", "--listen", f"127.0.0.1:{port}")
    daemons.append(tracker)
    wait_for("the retried join and subscription",
             lambda: ccs.event("joined") and ccs.event("subscribed"), timeout=20)
    wait_for("a round on pushed statistics", lambda: ccs.event("round"))
    assert ccs.stop(signal.SIGINT) == 0


@needs_nginx
def test_a_restarted_tracker_gets_the_peer_and_the_cdn_source_again(lab, tmp_path, daemons):
    content_id = "ccs-restart"
    make_content(lab, tmp_path, content_id)
    port = free_port()
    tracker = Program(tmp_path, "tracker", "tracker", "--listen", f"127.0.0.1:{port}",
                      "--interval", "1")
    announce(tracker, content_id, "0a", [0, 1, 2])
    config = write_config(lab, tmp_path, content_id, tracker.url)
    ccs = Program(tmp_path, "ccs", "ccs", "--config", config, "--stats-interval", 200,
                  "--rejoin-interval", 1000, "--log-json", "--peer-id", "6363732d32")
    daemons.append(ccs)
    published = wait_for("the scarce pieces published",
                         lambda: ccs.event("tracker_updated", pieces="3-5"))
    # The tracker forgets a peer silent for two intervals (2 s here): the CCS re-announces.
    time.sleep(3)
    answer = announce(tracker, content_id, "0c", [])
    assert any(p.get("id") == "6363732d32" for p in answer["peers"]), answer

    # A tracker restarted on the same port has forgotten the swarm, the subscription and the
    # CDN source; once the reports stop, the CCS subscribes, joins and publishes again.
    assert tracker.stop() == 0
    tracker = Program(tmp_path, "tracker2", "tracker", "--listen", f"127.0.0.1:{port}")
    daemons.append(tracker)
    wait_for("the resync", lambda: ccs.event("resynced"), timeout=20)
    answer = wait_for("the CDN source again", lambda: (
        lambda a: a if a["cdn"] else None)(announce(tracker, content_id, "0d", [])))
    assert [c["uri"] for c in answer["cdn"]] == [published["uri"]]
    assert any(p.get("id") == "6363732d32" for p in answer["peers"])
    assert ccs.stop() == 0


def test_configuration_errors_exit_2_naming_the_member(tmp_path):
    def run(*args):
        return subprocess.run([str(cli_program()), "ccs", *map(str, args)], capture_output=True,
                              text=True, env=cli_env(), timeout=30)

    base = {"v": 1, "content": {"id": "ccs-bad", "length": 10, "piece_length": 10},
            "cdn": {"delivery_template": "http://127.0.0.1:9/{content}/{piece}",
                    "origin": {"ingest_template": "http://127.0.0.1:9/{content}/{piece}"}},
            "policy": {"kind": "threshold"},
            "tracker": {"url": "http://127.0.0.1:9"},
            "journal": {"path": str(tmp_path / "j")}}
    for member, change in (("tracker.url", lambda c: c.pop("tracker")),
                           ("journal.path", lambda c: c.pop("journal")),
                           ("policy.kind", lambda c: c["policy"].update(kind="sometimes"))):
        config = json.loads(json.dumps(base))
        change(config)
        (tmp_path / "ccs.json").write_text(json.dumps(config))
        done = run("--config", tmp_path / "ccs.json")
        assert done.returncode == 2, (member, done.stderr)
        assert member in done.stderr
    assert not (tmp_path / "j").exists()
    done = run()
    assert done.returncode == 2 and "no --config" in done.stderr
    done = run("--config", tmp_path / "ccs.json", "--stats-interval", "5")
    assert done.returncode == 2 and "--stats-interval" in done.stderr
    done = run("--help")
    assert done.returncode == 0 and "--purge-on-exit" in done.stdout
