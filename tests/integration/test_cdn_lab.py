"""Tests of the loopback CDN lab (tests/integration/cdn_lab.py) against the real servers.

Run with Debian's interpreter:
    PYTHONDONTWRITEBYTECODE=1 /usr/bin/python3 -m pytest -q -p no:cacheprovider \
        tests/integration/test_cdn_lab.py
"""

import json
import os
import subprocess
import sys
import urllib.error
import urllib.request
from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
import cdn_lab  # noqa: E402

REPO = HERE.parent.parent

pytestmark = pytest.mark.skipif(
    cdn_lab.nginx_binary() is None,
    reason="nginx is not installed (Debian package nginx); the CDN lab needs it")


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, req, fp, code, msg, headers, newurl):
        return None


# The lab is on loopback: never go through a proxy from the environment.
direct = urllib.request.build_opener(urllib.request.ProxyHandler({}))
no_redirect = urllib.request.build_opener(urllib.request.ProxyHandler({}), NoRedirect)


def request(url, method="GET", data=None, headers=None, opener=direct):
    """(status, headers, body, final url) without raising on 4xx/5xx."""
    req = urllib.request.Request(url, data=data, method=method, headers=headers or {})
    try:
        with opener.open(req, timeout=10) as r:
            return r.status, r.headers, r.read(), r.geturl()
    except urllib.error.HTTPError as e:
        return e.code, e.headers, e.read(), url


def live(server):
    return cdn_lab.pid_alive(server["pid"], server["starttime"])


@pytest.fixture(scope="module")
def lab(tmp_path_factory):
    with cdn_lab.CdnLab(tmp_path_factory.mktemp("cdnlab"), with_varnish="auto") as lab:
        yield lab


def test_lab_json_describes_the_lab(lab):
    info = json.loads(lab.json_path.read_text())
    assert info == lab.info
    servers = cdn_lab._servers(info)
    ports = [s["port"] for s in servers]
    assert len(set(ports)) == len(ports)
    assert len(info["edges"]) == 2
    assert Path(info["docroot"]).is_dir()
    for s in servers:
        assert s["url"] == f"http://127.0.0.1:{s['port']}"
        assert live(s), s["name"]
        assert Path(s["pid_file"]).read_text().strip() == str(s["pid"])
    assert cdn_lab.status(lab.workdir)["up"]


def test_redirector_points_at_the_edges_and_spreads(lab):
    chosen = set()
    for i in range(40):
        status, headers, _, _ = request(f"{lab.redirector_url}/pieces/spread/{i}",
                                        opener=no_redirect)
        assert status == 302
        loc = headers["Location"]
        edge = next((e for e in lab.edge_urls if loc.startswith(e + "/")), None)
        assert edge is not None, loc
        assert loc == f"{edge}/pieces/spread/{i}"
        chosen.add(edge)
    assert chosen == set(lab.edge_urls)
    # the same URI always goes to the same edge
    first = request(f"{lab.redirector_url}/pieces/spread/7", opener=no_redirect)[1]["Location"]
    again = request(f"{lab.redirector_url}/pieces/spread/7", opener=no_redirect)[1]["Location"]
    assert first == again


def test_get_through_redirector_miss_then_hit(lab):
    body = os.urandom(64 * 1024 + 3)
    lab.put_bytes("pieces/swarm-a/0", body)
    url = f"{lab.redirector_url}/pieces/swarm-a/0"
    status, headers, got, final = request(url)
    assert status == 200
    assert any(final.startswith(e + "/") for e in lab.edge_urls), final
    assert headers["X-Cache-Status"] == "MISS"
    assert headers["Cache-Control"] == f"public, max-age={lab.info['max_age']}"
    assert got == body
    status, headers, got2, final2 = request(url)
    assert (status, final2) == (200, final)
    assert headers["X-Cache-Status"] == "HIT"
    assert got2 == body


def test_put_file_helper_and_cli(lab, tmp_path):
    src = tmp_path / "piece"
    src.write_bytes(b"piece-bytes")
    rc = subprocess.run([str(REPO / "scripts" / "cdn-lab.sh"), "put-file", str(lab.workdir),
                         str(src), "/pieces/swarm-c/3"], capture_output=True, text=True)
    assert rc.returncode == 0, rc.stderr
    assert (lab.docroot / "pieces/swarm-c/3").read_bytes() == b"piece-bytes"
    assert request(f"{lab.origin_url}/pieces/swarm-c/3")[2] == b"piece-bytes"
    with pytest.raises(cdn_lab.LabError):
        lab.put_bytes("../escape", b"x")


def test_origin_put_delete_from_loopback(lab):
    url = f"{lab.origin_url}/pieces/swarm-b/deep/1"
    assert request(url, "PUT", b"v1")[0] == 201          # created, full path made
    assert request(url, "PUT", b"v2")[0] == 204          # overwritten
    assert request(url)[2] == b"v2"
    assert (lab.docroot / "pieces/swarm-b/deep/1").read_bytes() == b"v2"
    assert request(url, "DELETE")[0] == 204
    assert request(url, "DELETE")[0] == 404              # deletes are not idempotent on status
    assert request(url)[0] == 404


def test_edge_keeps_stale_copy_until_refresh(lab):
    edge = lab.edge_urls[0]
    origin = f"{lab.origin_url}/pieces/swarm-d/0"
    assert request(origin, "PUT", b"old")[0] == 201
    assert request(f"{edge}/pieces/swarm-d/0")[1]["X-Cache-Status"] == "MISS"
    assert request(origin, "PUT", b"new")[0] == 204
    status, headers, body, _ = request(f"{edge}/pieces/swarm-d/0")
    assert (headers["X-Cache-Status"], body) == ("HIT", b"old")
    status, headers, body, _ = request(f"{edge}/pieces/swarm-d/0", headers={"X-Refresh": "1"})
    assert (status, headers["X-Cache-Status"], body) == (200, "BYPASS", b"new")
    status, headers, body, _ = request(f"{edge}/pieces/swarm-d/0")
    assert (headers["X-Cache-Status"], body) == ("HIT", b"new")


def test_edge_refuses_writes(lab):
    assert request(f"{lab.edge_urls[0]}/pieces/x", "PUT", b"x")[0] == 403


def test_varnish_purge(lab):
    if lab.varnish_url is None:
        pytest.skip("varnishd is not installed (Debian package varnish, needs gcc)")
    lab.put_bytes("pieces/swarm-v/0", b"varnish-object")
    url = f"{lab.varnish_url}/pieces/swarm-v/0"
    assert request(url)[1]["X-Cache-Status"] == "MISS"
    status, headers, body, _ = request(url)
    assert (status, headers["X-Cache-Status"], body) == (200, "HIT", b"varnish-object")
    assert request(url, "PURGE")[0] == 200
    assert request(url)[1]["X-Cache-Status"] == "MISS"
    # BAN by regex on the stored URL
    assert request(url)[1]["X-Cache-Status"] == "HIT"
    assert request(f"{lab.varnish_url}/", "BAN",
                   headers={"x-ban-url": "^/pieces/swarm-v/"})[0] == 200
    assert request(url)[1]["X-Cache-Status"] == "MISS"


def _all_pids(info):
    """Every process of the lab: each daemon and the members of its process group."""
    out = set()
    for s in cdn_lab._servers(info):
        out.add((s["pid"], s["starttime"]))
        out.update(cdn_lab._group_members(s["pid"]))
    return out


def test_cli_up_down_leaves_no_process(tmp_path):
    workdir = tmp_path / "lab"
    script = str(REPO / "scripts" / "cdn-lab.sh")
    up = subprocess.run([script, "up", str(workdir), "--with-varnish=auto"],
                        capture_output=True, text=True, timeout=120)
    assert up.returncode == 0, up.stderr
    info = json.loads(up.stdout)
    assert info == json.loads((workdir / "lab.json").read_text())
    pids = _all_pids(info)
    assert len(pids) >= 2 * 4                            # masters and workers
    assert all(cdn_lab.pid_alive(p, s) for p, s in pids)
    # a second up on a running lab is refused, the lab stays up
    again = subprocess.run([script, "up", str(workdir)], capture_output=True, text=True)
    assert again.returncode == 1 and "already up" in again.stderr
    assert all(cdn_lab.pid_alive(p, s) for p, s in pids)
    # --restart (a fixture after an interrupted run) replaces the lab
    rep = subprocess.run([script, "up", str(workdir), "--restart"], capture_output=True,
                        text=True, timeout=120)
    assert rep.returncode == 0, rep.stderr
    assert not any(cdn_lab.pid_alive(p, s) for p, s in pids)
    info = json.loads(rep.stdout)
    pids = _all_pids(info)

    down = subprocess.run([script, "down", str(workdir)], capture_output=True, text=True,
                          timeout=60)
    assert down.returncode == 0, down.stderr
    left = [p for p, s in pids if cdn_lab.pid_alive(p, s)]
    assert left == [], f"processes left behind: {left}"
    for s in cdn_lab._servers(info):
        assert not Path(s["pid_file"]).exists()
    assert not (workdir / "lab.json").exists()
    assert json.loads((workdir / "lab.last.json").read_text()) == info
    # idempotent
    down2 = subprocess.run([script, "down", str(workdir)], capture_output=True, text=True)
    assert down2.returncode == 0 and "stopped nothing" in down2.stdout


def test_context_manager_stops_everything(tmp_path):
    with cdn_lab.CdnLab(tmp_path / "cm", edges=3, max_age=5) as lab:
        info = lab.info
        pids = _all_pids(info)
        assert len(lab.edge_urls) == 3
        lab.put_bytes("o", b"x")
        assert request(f"{lab.origin_url}/o")[1]["Cache-Control"] == "public, max-age=5"
    assert not any(cdn_lab.pid_alive(p, s) for p, s in pids)
    # a fresh up in the same work dir after down works
    with cdn_lab.CdnLab(tmp_path / "cm") as lab:
        assert request(f"{lab.origin_url}/o")[2] == b"x"


def test_failed_start_reports_log_and_cleans_up(tmp_path, monkeypatch):
    lab = cdn_lab.CdnLab(tmp_path / "bad")
    real = cdn_lab._render

    def broken(template, values):
        text = real(template, values)
        return text.replace("proxy_cache_lock on;", "proxy_cache_lock bogus;") \
            if template == "edge.conf.in" else text

    monkeypatch.setattr(cdn_lab, "_render", broken)
    with pytest.raises(cdn_lab.LabError, match="proxy_cache_lock"):
        lab.up()
    assert not lab.json_path.exists()
    info = json.loads((lab.workdir / "lab.last.json").read_text())
    assert info["origin"] and not cdn_lab.pid_alive(info["origin"]["pid"],
                                                     info["origin"]["starttime"])
