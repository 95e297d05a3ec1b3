"""Tests of the RFC 8007 trigger endpoint (tests/integration/cit_server.py) against a real lab.

Run with Debian's interpreter:
    PYTHONDONTWRITEBYTECODE=1 /usr/bin/python3 -m pytest -q -p no:cacheprovider \
        tests/integration/test_cit_server.py
"""

import json
import os
import subprocess
import sys
import time
import http.client
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
import cdn_lab  # noqa: E402

SERVER = str(HERE / "cit_server.py")
COMMAND_TYPE = "application/cdni; ptype=ci-trigger-command"
STATUS_TYPE = "application/cdni; ptype=ci-trigger-status"
FINAL = ("complete", "processed", "failed", "cancelled")

pytestmark = pytest.mark.skipif(
    cdn_lab.nginx_binary() is None,
    reason="nginx is not installed (Debian package nginx); the CDN lab needs it")

# The lab is on loopback: never go through a proxy from the environment.
direct = urllib.request.build_opener(urllib.request.ProxyHandler({}))


def request(url, method="GET", data=None, headers=None):
    """(status, headers, body) without raising on 4xx/5xx."""
    req = urllib.request.Request(url, data=data, method=method, headers=headers or {})
    try:
        with direct.open(req, timeout=10) as r:
            return r.status, r.headers, r.read()
    except urllib.error.HTTPError as e:
        return e.code, e.headers, e.read()


class Endpoint:
    """A cit_server.py started with --background and stopped by its pid file."""

    def __init__(self, directory: Path, *options: str):
        directory.mkdir(parents=True, exist_ok=True)
        self.ports = directory / "ports.json"
        self.pidfile = directory / "server.pid"
        started = subprocess.run(
            [sys.executable, SERVER, "--ports", str(self.ports), "--pidfile",
             str(self.pidfile), "--background", *options],
            capture_output=True, text=True, timeout=60)
        assert started.returncode == 0, started.stderr
        self.info = json.loads(self.ports.read_text())
        self.url = self.info["url"]
        self.triggers = self.info["triggers"]

    def stop(self):
        pid = self.info["pid"]
        done = subprocess.run([sys.executable, SERVER, "--stop", str(self.pidfile)],
                              capture_output=True, text=True, timeout=30)
        assert done.returncode == 0, done.stderr
        assert not cdn_lab.pid_alive(pid)
        assert not self.pidfile.exists() and not self.ports.exists()

    def post(self, command, content_type=COMMAND_TYPE, headers=None):
        body = command if isinstance(command, bytes) else json.dumps(command).encode()
        h = {"Content-Type": content_type} if content_type else {}
        h.update(headers or {})
        return request(self.triggers, "POST", body, h)

    def trigger(self, kind, urls, cdn_path=("AS64496:1",)):
        """Posts a trigger; returns the status resource's URL and the 201 body."""
        status, headers, body = self.post(
            {"trigger": {"type": kind, "content.urls": list(urls)}, "cdn-path": list(cdn_path)})
        assert status == 201, body
        assert headers["Content-Type"] == STATUS_TYPE
        return urllib.parse.urljoin(self.triggers, headers["Location"]), json.loads(body)

    def wait(self, tsr, timeout=15.0):
        """The status resource once it is final."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            status, _, body = request(tsr)
            assert status == 200, body
            resource = json.loads(body)
            if resource["status"] in FINAL:
                return resource
            time.sleep(0.05)
        raise AssertionError(f"{tsr} still {resource['status']} after {timeout}s")

    def log(self):
        return json.loads(request(self.url + "/_log")[2])


@pytest.fixture(scope="module")
def lab(tmp_path_factory):
    with cdn_lab.CdnLab(tmp_path_factory.mktemp("citlab"), with_varnish="auto") as lab:
        yield lab


@pytest.fixture(scope="module")
def endpoint(lab, tmp_path_factory):
    server = Endpoint(tmp_path_factory.mktemp("cit"), "--lab", str(lab.json_path),
                      "--delay-ms", "100", "--max-urls", "5")
    yield server
    server.stop()


def piece_url(path):
    """A published URL of a piece: only its path matters to the endpoint."""
    return f"http://cdn.example/{path}"


def cache_status(edge, path):
    status, headers, _ = request(f"{edge}/{path}")
    return status, headers.get("X-Cache-Status")


def test_preposition_warms_every_edge(lab, endpoint):
    lab.put_bytes("pieces/pre/0", b"piece-0")
    tsr, created = endpoint.trigger("preposition", [piece_url("pieces/pre/0")])
    assert created["status"] == "pending"
    assert created["trigger"] == {"type": "preposition",
                                  "content.urls": [piece_url("pieces/pre/0")]}
    assert created["ctime"] <= created["mtime"] <= created["etime"]
    done = endpoint.wait(tsr)
    assert done["status"] == "complete" and "errors" not in done
    edges = lab.edge_urls + ([lab.varnish_url] if lab.varnish_url else [])
    for edge in edges:
        assert cache_status(edge, "pieces/pre/0") == (200, "HIT"), edge


def test_preposition_of_a_missing_object_fails_with_econtent(lab, endpoint):
    lab.put_bytes("pieces/pre/1", b"piece-1")
    urls = [piece_url("pieces/pre/1"), piece_url("pieces/pre/missing")]
    done = endpoint.wait(endpoint.trigger("preposition", urls)[0])
    assert done["status"] == "failed"
    assert [(e["error"], e["content.urls"]) for e in done["errors"]] == \
        [("econtent", [piece_url("pieces/pre/missing")])]
    assert "404" in done["errors"][0]["description"]


def test_purge_removes_from_origin_and_edges(lab, endpoint):
    path = "pieces/purge/0"
    lab.put_bytes(path, b"to-be-purged")
    for edge in lab.edge_urls + ([lab.varnish_url] if lab.varnish_url else []):
        request(f"{edge}/{path}")
        assert cache_status(edge, path) == (200, "HIT")
    done = endpoint.wait(endpoint.trigger("purge", [piece_url(path)])[0])
    assert done["status"] == "complete"
    assert request(f"{lab.origin_url}/{path}")[0] == 404
    assert not (lab.docroot / path).exists()
    if lab.varnish_url:
        assert cache_status(lab.varnish_url, path) == (404, "MISS")
    for edge in lab.edge_urls:  # the nginx edges' cache files are gone too
        assert cache_status(edge, path) == (404, "MISS"), edge


def test_invalidate_refreshes_the_edges_only(lab, endpoint):
    path = "pieces/inval/0"
    lab.put_bytes(path, b"old")
    edges = lab.edge_urls + ([lab.varnish_url] if lab.varnish_url else [])
    for edge in edges:
        request(f"{edge}/{path}")
    lab.put_bytes(path, b"new")
    assert request(f"{lab.edge_urls[0]}/{path}")[2] == b"old"  # stale until invalidated
    done = endpoint.wait(endpoint.trigger("invalidate", [piece_url(path)])[0])
    assert done["status"] == "complete"
    assert request(f"{lab.origin_url}/{path}")[2] == b"new"   # the origin keeps it
    for edge in edges:
        assert request(f"{edge}/{path}")[2] == b"new", edge


def test_polling_with_etag(lab, endpoint):
    tsr, _ = endpoint.trigger("purge", [piece_url("pieces/fault-hold/etag")])
    status, headers, body = request(tsr)
    assert status == 200
    assert headers["Content-Type"] == STATUS_TYPE
    assert headers["Cache-Control"] == "max-age=1"
    etag = headers["ETag"]
    assert etag.startswith('"') and etag.endswith('"')
    status, headers, body = request(tsr, headers={"If-None-Match": etag})
    assert (status, body, headers["ETag"]) == (304, b"", etag)
    assert request(tsr, headers={"If-None-Match": f'"other", W/{etag}'})[0] == 304
    assert request(tsr, headers={"If-None-Match": '"other"'})[0] == 200
    head = request(tsr, "HEAD")
    assert head[0] == 200 and head[2] == b"" and head[1]["ETag"] == etag
    # A change of status changes the ETag.
    assert endpoint.post({"cancel": [tsr], "cdn-path": ["AS64496:1"]})[0] == 200
    status, headers, body = request(tsr, headers={"If-None-Match": etag})
    assert status == 200 and headers["ETag"] != etag
    assert json.loads(body)["status"] == "cancelled"


def test_status_resources_are_read_only(endpoint):
    tsr, _ = endpoint.trigger("invalidate", [piece_url("pieces/ro/0")])
    for method in ("PUT", "POST"):
        status, headers, _ = request(tsr, method, b"{}", {"Content-Type": COMMAND_TYPE})
        assert status == 405
        assert headers["Allow"] == "GET, HEAD, DELETE"
    assert request(endpoint.triggers, "PUT", b"{}")[0] == 405
    assert request(endpoint.triggers, "DELETE")[0] == 405


def test_wrong_media_type_is_415(endpoint):
    command = {"trigger": {"type": "purge", "content.urls": ["http://o/x"]},
               "cdn-path": ["AS64496:1"]}
    assert endpoint.post(command, "application/json")[0] == 415
    assert endpoint.post(command, "application/cdni; ptype=ci-trigger-status")[0] == 415
    assert endpoint.post(command, None)[0] == 415
    # Parameter case and quoting do not matter.
    assert endpoint.post(command, 'Application/CDNI; PTYPE="ci-trigger-command"')[0] == 201


@pytest.mark.parametrize("body", [
    b"{",
    b"[]",
    json.dumps({"cdn-path": ["AS64496:1"]}).encode(),
    json.dumps({"trigger": {"type": "purge", "content.urls": ["u"]}}).encode(),
    json.dumps({"trigger": {"type": "purge", "content.urls": ["u"]}, "cancel": ["c"],
                "cdn-path": ["AS64496:1"]}).encode(),
    json.dumps({"trigger": {"type": "purge", "content.urls": ["u"]},
                "cdn-path": ["64496:1"]}).encode(),
    json.dumps({"trigger": {"type": "purge", "content.urls": ["u"]}, "cdn-path": []}).encode(),
    json.dumps({"trigger": {"type": "purge"}, "cdn-path": ["AS64496:1"]}).encode(),
    json.dumps({"trigger": {"type": "preposition", "content.patterns": [{"pattern": "http://o/*"}]},
                "cdn-path": ["AS64496:1"]}).encode(),
    json.dumps({"cancel": [], "cdn-path": ["AS64496:1"]}).encode(),
])
def test_malformed_commands_are_400(endpoint, body):
    status, headers, text = endpoint.post(body)
    assert status == 400, text
    assert headers["Content-Type"] == "text/plain"


def test_own_pid_in_cdn_path_is_a_loop(endpoint):
    status, _, body = endpoint.post(
        {"trigger": {"type": "purge", "content.urls": ["http://o/x"]},
         "cdn-path": ["AS64496:1", "AS64500:0"]})
    assert status == 403 and b"AS64500:0" in body


def test_cancel(lab, endpoint):
    held, _ = endpoint.trigger("purge", [piece_url("pieces/fault-hold/c")])
    lab.put_bytes("pieces/cancel/done", b"x")
    done_url, _ = endpoint.trigger("preposition", [piece_url("pieces/cancel/done")])
    assert endpoint.wait(done_url)["status"] == "complete"
    status, _, body = endpoint.post({"cancel": [held, done_url], "cdn-path": ["AS64496:1"]})
    assert status == 200, body
    assert json.loads(request(held)[2])["status"] == "cancelled"
    assert json.loads(request(done_url)[2])["status"] == "complete"   # left alone
    # A path names the resource as well as the URL; an unknown one changes nothing.
    another, _ = endpoint.trigger("purge", [piece_url("pieces/fault-hold/d")])
    status, _, _ = endpoint.post({"cancel": [another.removeprefix(endpoint.url),
                                             endpoint.url + "/triggers/999999"],
                                  "cdn-path": ["AS64496:1"]})
    assert status == 404
    assert json.loads(request(another)[2])["status"] == "pending"
    assert endpoint.post({"cancel": [another.removeprefix(endpoint.url)],
                          "cdn-path": ["AS64496:1"]})[0] == 200
    assert json.loads(request(another)[2])["status"] == "cancelled"


def test_delete_forgets_the_trigger(endpoint):
    tsr, _ = endpoint.trigger("purge", [piece_url("pieces/fault-hold/del")])
    path = tsr.removeprefix(endpoint.url)
    assert path in json.loads(request(endpoint.triggers)[2])["triggers"]
    assert request(tsr, "DELETE")[0] == 200
    assert request(tsr)[0] == 404
    assert request(tsr, "DELETE")[0] == 404
    assert path not in json.loads(request(endpoint.triggers)[2])["triggers"]
    # The number is not reused.
    again, _ = endpoint.trigger("purge", [piece_url("pieces/fault-hold/del")])
    assert again != tsr
    request(again, "DELETE")


def test_too_many_urls_is_413(endpoint):
    urls = [piece_url(f"pieces/many/{i}") for i in range(6)]
    status, _, body = endpoint.post({"trigger": {"type": "purge", "content.urls": urls},
                                     "cdn-path": ["AS64496:1"]})
    assert status == 413 and b"above the limit 5" in body
    assert endpoint.post({"trigger": {"type": "purge", "content.urls": urls[:5]},
                          "cdn-path": ["AS64496:1"]})[0] == 201
    # A body above 1 MiB is refused from its Content-Length, before it is sent.
    conn = http.client.HTTPConnection("127.0.0.1", endpoint.info["port"], timeout=10)
    try:
        conn.putrequest("POST", "/triggers")
        conn.putheader("Content-Type", COMMAND_TYPE)
        conn.putheader("Content-Length", str((1 << 20) + 1))
        conn.endheaders()
        response = conn.getresponse()
        assert response.status == 413
        assert response.getheader("Connection") == "close"
    finally:
        conn.close()


def test_fault_knobs_give_error_codes(lab, endpoint):
    lab.put_bytes("pieces/codes/0", b"x")
    urls = [piece_url("pieces/fault-unknown-error/0"), piece_url("pieces/codes/0"),
            piece_url("pieces/fault-eperm/0"), piece_url("pieces/fault-unknown-error/1")]
    done = endpoint.wait(endpoint.trigger("preposition", urls)[0])
    assert done["status"] == "failed"
    codes = {e["error"]: e["content.urls"] for e in done["errors"]}
    assert codes == {"ebogus": [urls[0], urls[3]], "eperm": [urls[2]]}


def test_unsupported_triggers_fail_with_eunsupported(endpoint):
    status, _, body = endpoint.post({"trigger": {"type": "refresh", "content.urls": ["http://o/x"]},
                                     "cdn-path": ["AS64496:1"]})
    assert status == 201
    resource = json.loads(body)
    assert resource["status"] == "failed"
    assert resource["errors"][0]["error"] == "eunsupported"
    assert resource["errors"][0]["content.urls"] == ["http://o/x"]
    status, _, body = endpoint.post(
        {"trigger": {"type": "purge", "content.patterns": [{"pattern": "http://o/*"}]},
         "cdn-path": ["AS64496:1"]})
    assert status == 201 and json.loads(body)["errors"][0]["error"] == "eunsupported"


def test_collection(endpoint):
    status, headers, body = request(endpoint.triggers)
    assert status == 200
    assert headers["Content-Type"] == "application/cdni; ptype=ci-trigger-collection"
    assert "ETag" in headers
    collection = json.loads(body)
    assert collection["cdn-id"] == "AS64500:0"
    assert collection["coll-all"] == "/triggers"
    assert collection["staleresourcetime"] == 86400
    assert all(t.startswith("/triggers/") for t in collection["triggers"])


def test_request_log_records_authorization_presence_only(endpoint):
    assert request(endpoint.url + "/_log", "DELETE")[0] == 200
    endpoint.post({"trigger": {"type": "purge", "content.urls": ["http://o/log"]},
                   "cdn-path": ["AS64496:1"]}, headers={"Authorization": "Bearer s3cr3t"})
    request(endpoint.triggers)
    log = endpoint.log()
    assert log == [
        {"method": "POST", "path": "/triggers", "content_type": COMMAND_TYPE,
         "authorization": True, "status": 201},
        {"method": "GET", "path": "/triggers", "content_type": None,
         "authorization": False, "status": 200},
    ]
    assert "s3cr3t" not in request(endpoint.url + "/_log")[2].decode()


def test_fail_first_and_explicit_servers(lab, tmp_path):
    options = ["--origin", lab.origin_url, "--fail-first", "2", "--absolute-location",
               "--cdn-id", "AS65000:7", "--delay-ms", "0"]
    for edge in lab.edge_urls:
        options += ["--edge", edge]
    if lab.varnish_url:
        options += ["--purge-edge", lab.varnish_url]
    server = Endpoint(tmp_path / "explicit", *options)
    try:
        command = {"trigger": {"type": "preposition",
                               "content.urls": [piece_url("pieces/explicit/0")]},
                   "cdn-path": ["AS64496:1"]}
        lab.put_bytes("pieces/explicit/0", b"x")
        for _ in range(2):
            status, headers, _ = server.post(command)
            assert (status, headers["Retry-After"]) == (503, "1")
        status, headers, body = server.post(command)
        assert status == 201
        location = headers["Location"]
        assert location.startswith(server.url + "/triggers/")   # --absolute-location
        assert server.wait(location)["status"] == "complete"
        assert cache_status(lab.edge_urls[0], "pieces/explicit/0") == (200, "HIT")
        # Its own PID, not the default one, makes a loop.
        assert server.post({**command, "cdn-path": ["AS64500:0"]})[0] == 201
        assert server.post({**command, "cdn-path": ["AS65000:7"]})[0] == 403
        # Without the lab's nginx.conf, purge refreshes the nginx edges instead.
        done = server.wait(server.trigger("purge", [piece_url("pieces/explicit/0")])[0])
        assert done["status"] == "complete"
        assert request(f"{lab.origin_url}/pieces/explicit/0")[0] == 404
    finally:
        server.stop()


def test_cli_refuses_bad_arguments(tmp_path):
    for args in (["--ports", str(tmp_path / "p")],
                 ["--ports", str(tmp_path / "p"), "--lab", "x", "--origin", "http://o"],
                 ["--ports", str(tmp_path / "p"), "--origin", "http://o", "--cdn-id", "x"],
                 ["--ports", str(tmp_path / "p"), "--origin", "http://o", "--background"]):
        done = subprocess.run([sys.executable, SERVER, *args], capture_output=True, text=True,
                              timeout=30)
        assert done.returncode == 2, args
    assert not (tmp_path / "p").exists()
    # Stopping nothing is fine (a cleanup after a failed start).
    done = subprocess.run([sys.executable, SERVER, "--stop", str(tmp_path / "none.pid")],
                          capture_output=True, text=True, timeout=30)
    assert done.returncode == 0 and "nothing to stop" in done.stdout
    assert os.listdir(tmp_path) == []
