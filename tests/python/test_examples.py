"""The examples (examples/), built by this tree, run against real parts: the CDN lab of
tests/integration/cdn_lab.py (an nginx origin with WebDAV, caching edges, a 302 redirector)
and, for the UE, a `p2pcdn tracker` daemon.

  - c/ue_fetch: announces to the daemon, plans, fetches every piece of a file from the CDN
    source the daemon advertises (through the redirector), verifies it, announces completed;
  - cpp/nscf_event_loop: the NSCF in a poll() loop ingests the scarce pieces from the origin
    as CSS, publishes, then withdraws and purges them, and shuts down clean;
  - python/tracker_policy_nscf.py: the same cycle with a policy written in Python.

Skips only when nginx is not installed (Debian package nginx) or the examples are not built.
"""

import json
import os
import subprocess
import sys
import time
import urllib.error
import urllib.request

import pytest

import p2pcdn
from conftest import REPO, cli_env, cli_program, example_program, pseudo_random
from test_tracker_daemon import daemon, start  # noqa: F401,F811  (the daemon fixtures)

sys.path.insert(0, str(REPO / "tests" / "integration"))
from cdn_lab import CdnLab, nginx_binary  # noqa: E402

pytestmark = pytest.mark.skipif(nginx_binary() is None,
                                reason="nginx is not installed (Debian package nginx); "
                                       "the CDN lab needs it")

PIECE = 32 * 1024
SIZE = 6 * PIECE + 1234  # 7 pieces, the last one short
RUN_S = 40


@pytest.fixture(scope="module")
def lab(tmp_path_factory):
    with CdnLab(tmp_path_factory.mktemp("examples-lab")) as lab:
        yield lab


@pytest.fixture
def movie(tmp_path):
    path = tmp_path / "movie.bin"
    data = pseudo_random(SIZE, seed=71)
    path.write_bytes(data)
    return path, data


def program(relative):
    path = example_program(relative)
    if not path.is_file():
        pytest.skip(f"the example is not built ({path})")
    return path


def run(args, cwd, env=None):
    """Runs an example to its end; its CompletedProcess, output as text."""
    return subprocess.run([str(a) for a in args], cwd=cwd, env=env or cli_env(),
                          stdin=subprocess.DEVNULL, capture_output=True, text=True,
                          timeout=RUN_S)


def python_env():
    """This process's environment: the library the tests load, with the runtime it needs
    (LD_PRELOAD under the sanitizers), and this checkout's package."""
    env = dict(os.environ)
    env["PYTHONPATH"] = str(REPO / "bindings" / "python")
    return env


def origin_status(lab, path):
    try:
        with urllib.request.urlopen(f"{lab.origin_url}/{path}", timeout=10) as answer:
            return answer.status
    except urllib.error.HTTPError as e:
        return e.code


def put_pieces(lab, prefix, data):
    """The file's pieces at the origin as <prefix>/<i>: the CSS, or the CDN's own objects."""
    for i in range(0, (len(data) + PIECE - 1) // PIECE):
        lab.put_bytes(f"{prefix}/{i}", data[i * PIECE:(i + 1) * PIECE])


def publish(lab, daemon, content_id, data):
    """What a CCS does for the UE: puts the pieces into the CDN, joins the swarm as a network
    peer, and publishes the CDN source (the redirector in front of the edges) to the tracker."""
    pieces = (len(data) + PIECE - 1) // PIECE
    put_pieces(lab, f"ue-example/{content_id}", data)
    with p2pcdn.Announcer(daemon.url) as ccs:
        ccs.announce(content_id, b"ccs-1", "127.0.0.1", 6999, piece_count=pieces,
                     role="network", event="started", numwant=0)
    every = p2pcdn.Bitmap(pieces)
    every.fill()
    status, _, body = daemon.post_json("/cdn/publish", {
        "v": 1, "content": content_id, "pieces": pieces,
        "sources": [{"uri": lab.redirector_url + "/ue-example/{content}/{piece}",
                     "pieces": every.base64(), "expires": int(time.time()) + 600}]})
    assert status == 200, body


# -- C: a UE through the C ABI only ------------------------------------------------------------

def test_ue_fetch(lab, daemon, movie, tmp_path):
    ue_fetch = program("c/ue_fetch")
    path, data = movie
    pieces = (SIZE + PIECE - 1) // PIECE
    # The content's hashes as `p2pcdn hash --json` gives them, one hex digest per line.
    hashed = subprocess.run([str(cli_program()), "hash", "--json", "--id", "ex-movie",
                             "--piece-length", str(PIECE), str(path)], env=cli_env(),
                            capture_output=True, text=True, check=True)
    info = json.loads(hashed.stdout)
    assert (info["content"], info["pieces"]) == ("ex-movie", pieces)
    (tmp_path / "hashes.txt").write_text("\n".join(info["hashes"]) + "\n")

    publish(lab, daemon, "ex-movie", data)
    out = tmp_path / "got.bin"
    done = run([ue_fetch, daemon.url, "ex-movie", SIZE, PIECE, tmp_path / "hashes.txt", out],
               tmp_path)
    assert done.returncode == 0, done.stdout + done.stderr
    assert out.read_bytes() == data
    assert f"CDN source {lab.redirector_url}/ue-example/{{content}}/{{piece}}: {pieces} pieces" \
        in done.stdout
    assert f"fetched {pieces} pieces ({SIZE} bytes), 0 failed" in done.stdout
    assert done.stdout.count("redirect(s), verified") == pieces
    assert "announce completed" in done.stdout
    stats = json.loads(daemon.request("GET", "/stats/ex-movie")[2])
    assert (stats["seeds"], stats["network_peers"]) == (1, 1)

    # A CDN serving bytes that are not the content: every piece fails its hash, the UE says
    # so and fails.
    publish(lab, daemon, "ex-wrong", bytes(len(data)))
    again = run([ue_fetch, daemon.url, "ex-wrong", SIZE, PIECE, tmp_path / "hashes.txt", out],
                tmp_path)
    assert again.returncode == 1
    assert f"fetched 0 pieces (0 bytes), {pieces} failed" in again.stdout


def test_ue_fetch_failures(tmp_path):
    ue_fetch = program("c/ue_fetch")
    (tmp_path / "hashes.txt").write_text("00" * 20 + "\n")
    usage = run([ue_fetch, "http://127.0.0.1:1"], tmp_path)
    assert usage.returncode == 2 and "usage: ue_fetch" in usage.stderr
    # Port 1: no tracker there.
    failed = run([ue_fetch, "http://127.0.0.1:1", "x", 10, 10, tmp_path / "hashes.txt",
                  tmp_path / "out"], tmp_path)
    assert failed.returncode == 1
    assert "p2pcdn_announcer_announce" in failed.stderr and "connect" in failed.stderr


# -- C++: the NSCF in a host's poll() loop -------------------------------------------------------

def test_nscf_event_loop(lab, movie, tmp_path):
    event_loop = program("cpp/nscf_event_loop")
    path, data = movie
    put_pieces(lab, "loop-css/event-loop", data)
    done = run([event_loop, lab.origin_url + "/loop-css/{content}/{piece}",
                lab.origin_url + "/loop-cdn/{content}/{piece}",
                lab.redirector_url + "/loop-cdn/{content}/{piece}", path, PIECE,
                tmp_path / "nscf.journal"], tmp_path)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "published 4 scarce pieces to the tracker" in done.stdout
    assert f"{lab.redirector_url}/loop-cdn/event-loop/6" in done.stdout
    assert "the NSCF withdrew and purged every piece" in done.stdout
    assert "ingested 4 pieces" in done.stdout and "shutdown clean" in done.stdout
    assert origin_status(lab, "loop-cdn/event-loop/6") == 404


def test_nscf_event_loop_stops_on_sigterm(lab, movie, tmp_path):
    event_loop = program("cpp/nscf_event_loop")
    path, data = movie
    # No CSS content: the ingests fail and the loop would wait; SIGTERM ends it cleanly.
    proc = subprocess.Popen(
        [str(event_loop), lab.origin_url + "/nowhere/{content}/{piece}",
         lab.origin_url + "/loop-cdn2/{content}/{piece}",
         lab.redirector_url + "/loop-cdn2/{content}/{piece}", str(path), str(PIECE),
         str(tmp_path / "nscf.journal")],
        env=cli_env(), stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
        text=True)
    try:
        assert "three UEs joined" in proc.stdout.readline() + proc.stdout.readline()
        proc.stdin.write("status\n")
        proc.stdin.flush()
        time.sleep(0.5)
        proc.terminate()
        out, err = proc.communicate(timeout=RUN_S)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    assert "holdings:" in out and "signal: stopping" in out
    assert "shutdown clean" in out
    assert proc.returncode == 1  # stopped before the swarm settled


# -- Python: tracker, policy and NSCF ----------------------------------------------------------

def test_python_tracker_policy_nscf(lab, movie, tmp_path):
    script = REPO / "examples" / "python" / "tracker_policy_nscf.py"
    path, data = movie
    put_pieces(lab, "py-css/py-example", data)
    done = run([sys.executable, script, "--css", lab.origin_url + "/py-css/{content}/{piece}",
                "--ingest", lab.origin_url + "/py-cdn/{content}/{piece}",
                "--delivery", lab.redirector_url + "/py-cdn/{content}/{piece}",
                "--piece-length", PIECE, "--journal", tmp_path / "nscf.journal", path],
               tmp_path, env=python_env())
    assert done.returncode == 0, done.stdout + done.stderr
    assert f"published pieces 3-6 at {lab.redirector_url}/py-cdn/py-example/3" in done.stdout
    assert "a UE fetched piece 6 (1234 bytes, 1 redirect(s)), verified" in done.stdout
    assert "the tracker advertises 0 CDN sources" in done.stdout
    assert "ingested 4 pieces" in done.stdout and "shutdown clean" in done.stdout
    assert origin_status(lab, "py-cdn/py-example/3") == 404
