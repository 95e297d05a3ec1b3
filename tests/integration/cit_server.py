#!/usr/bin/python3
"""An RFC 8007 CDNI trigger endpoint (CI/T v1) in front of the loopback CDN lab, for the tests.

Python 3.11 standard library only. It listens on 127.0.0.1 on a free port and turns trigger
commands into actions on the lab's real servers (tests/integration/cdn_lab.py):

    cit_server.py --ports FILE (--lab LAB_JSON | --origin URL [--edge URL]... [--purge-edge URL]...)
                  [--cdn-id AS64500:0] [--delay-ms 200] [--max-urls 100] [--fail-first N]
                  [--absolute-location]
                                   run in the foreground until SIGTERM / SIGINT
    cit_server.py ... --pidfile P --background
                                   start it detached, wait until FILE exists, write its pid to P
    cit_server.py --stop P         stop the server whose pid is in P

FILE receives, once the server listens, a JSON object:
    {"port": n, "url": "http://127.0.0.1:n", "triggers": "http://127.0.0.1:n/triggers",
     "cdn_id": "AS64500:0", "pid": pid}

--lab takes the origin, the nginx edges and the Varnish edge from the lab's lab.json; --origin,
--edge (an nginx edge) and --purge-edge (an edge answering PURGE) name them instead.

Resources (RFC 8007 sections 4 and 6):
  POST /triggers        a command, Content-Type "application/cdni; ptype=ci-trigger-command"
                        (else 415). A trigger: 201, Location /triggers/<n> (the absolute URL
                        with --absolute-location), the status resource as body. A cancel: pending
                        triggers become "cancelled", active ones "cancelling" then "cancelled",
                        finished ones stay; 200, or 202 when one was active, 404 (and nothing
                        changed) when one is unknown. 400 malformed, 403 cdn-path holding
                        --cdn-id (a loop), 411 no Content-Length, 413 a body above 1 MiB or a
                        trigger with more than --max-urls URLs (content, metadata, ccids and
                        patterns), 503 + "Retry-After: 1" for the first --fail-first POSTs.
  GET|HEAD /triggers    the collection: triggers, staleresourcetime, coll-all, cdn-id.
  GET|HEAD /triggers/<n>
                        the status resource (ptype=ci-trigger-status) with an ETag and
                        "Cache-Control: max-age=1"; If-None-Match matching: 304.
  DELETE /triggers/<n>  200; stops the trigger if it runs and forgets it (later GET: 404).
  PUT|POST /triggers/<n>
                        405 (status resources are read-only to the uCDN).
  GET /_log             the request log as JSON: [{"method", "path", "content_type",
                        "authorization" (whether the header came; never its value), "status"}];
                        DELETE /_log clears it. Requests to /_log are not logged.

A trigger is "pending", after --delay-ms "active", then "complete", or "failed" with "errors"
(one entry per error code, listing the content URLs it hit). The actions, per content URL (the
URL's path and query, on each server; metadata URLs need no action, the lab has no metadata):
  preposition  HEAD at the origin (missing: econtent), then GET through every edge (warms it)
  invalidate   PURGE at the PURGE edges; GET with "X-Refresh: 1" at the nginx edges (refetch)
  purge        DELETE at the origin, PURGE at the PURGE edges, and at each nginx edge of a lab
               the cache file removed (nginx has no working purge, reference/cdn.md 4.5; the
               file is found from proxy_cache_path and the key $uri in the edge's nginx.conf;
               explicit --edge edges are refreshed instead)
Unknown trigger types, content.ccid and patterns give a failed trigger with "eunsupported".

Fault knobs, chosen by the content URL so a test can select them:
  /fault-unknown-error/   the URL fails with the error code "ebogus", which RFC 8007 does not
                          define (a client must treat it as fatal and not retry)
  /fault-eperm/           the URL fails with "eperm"
  /fault-hold/            the trigger stays "pending" until it is cancelled or deleted
"""

from __future__ import annotations

import argparse
import hashlib
import http.client
import json
import os
import re
import signal
import subprocess
import sys
import threading
import time
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

HOST = "127.0.0.1"
COMMAND_TYPE = "application/cdni; ptype=ci-trigger-command"
STATUS_TYPE = "application/cdni; ptype=ci-trigger-status"
COLLECTION_TYPE = "application/cdni; ptype=ci-trigger-collection"
TRIGGER_TYPES = ("preposition", "invalidate", "purge")
PID_RE = re.compile(r"AS[0-9]{1,10}:[!-~]+")
MAX_BODY = 1 << 20
STALE_SECONDS = 86400
EDGE_TIMEOUT = 10.0
FAULT_CODES = (
    ("/fault-unknown-error/", "ebogus", "fault knob: an error code RFC 8007 does not define"),
    ("/fault-eperm/", "eperm", "fault knob: not permitted to act on this content"),
)
HOLD = "/fault-hold/"
FINAL = ("complete", "processed", "failed", "cancelled")


class Refused(Exception):
    """A request answered with an HTTP error status and a one-line text body."""

    def __init__(self, status: int, message: str, headers=()):
        super().__init__(message)
        self.status = status
        self.headers = list(headers)


# --------------------------------------------------------------------------------------------
# the servers the triggers act on


class NginxEdge:
    """A caching nginx edge; purge removes its cache file when its nginx.conf is known."""

    def __init__(self, url: str, conf: str | None = None):
        self.url = url
        self.cache_dir = None
        self.levels: list[int] = []
        if conf:
            text = Path(conf).read_text()
            found = re.search(r'proxy_cache_path\s+"?([^"\s]+)"?\s+levels=([0-9:]+)', text)
            keyed_by_uri = re.search(r"proxy_cache_key\s+\$uri\s*;", text)
            if found and keyed_by_uri:
                self.cache_dir = Path(found.group(1))
                self.levels = [int(n) for n in found.group(2).split(":")]

    def cache_file(self, path: str) -> Path | None:
        """Where nginx keeps `path`: md5 of the key, subdirectories from its end (levels)."""
        if self.cache_dir is None:
            return None
        uri = urllib.parse.unquote(urllib.parse.urlsplit(path).path)
        digest = hashlib.md5(uri.encode()).hexdigest()
        where, end = self.cache_dir, len(digest)
        for n in self.levels:
            where = where / digest[end - n:end]
            end -= n
        return where / digest


class Lab:
    def __init__(self, origin: str, nginx_edges: list[NginxEdge], purge_edges: list[str]):
        self.origin = origin
        self.nginx_edges = nginx_edges
        self.purge_edges = purge_edges

    @classmethod
    def from_json(cls, path: str) -> "Lab":
        info = json.loads(Path(path).read_text())
        edges = [NginxEdge(e["url"], e.get("conf")) for e in info["edges"]]
        varnish = info.get("varnish")
        return cls(info["origin"]["url"], edges, [varnish["url"]] if varnish else [])


def request(base: str, method: str, path: str, headers: dict | None = None) -> int:
    """The status of `method path` at the server `base` (the body is read and dropped)."""
    parts = urllib.parse.urlsplit(base)
    conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=EDGE_TIMEOUT)
    try:
        conn.request(method, path, headers=headers or {})
        response = conn.getresponse()
        response.read()
        return response.status
    finally:
        conn.close()


# --------------------------------------------------------------------------------------------
# commands (RFC 8007 section 5)


def string_list(value, name: str, empty_ok: bool = True) -> list[str]:
    if not isinstance(value, list) or not all(isinstance(v, str) and v for v in value):
        raise Refused(400, f"member '{name}' is not an array of non-empty strings")
    if not value and not empty_ok:
        raise Refused(400, f"member '{name}' is empty")
    return value


def parse_command(body: bytes) -> dict:
    """The command in `body`, checked as RFC 8007 section 5.1.1 asks (else 400)."""
    try:
        command = json.loads(body)
    except (UnicodeDecodeError, ValueError) as e:
        raise Refused(400, f"the command is not valid JSON: {e}")
    if not isinstance(command, dict):
        raise Refused(400, "the command is not a JSON object")
    if ("trigger" in command) == ("cancel" in command):
        raise Refused(400, "a command holds exactly one of 'trigger' and 'cancel'")
    if "cdn-path" not in command:
        raise Refused(400, "member 'cdn-path' is missing")
    for pid in string_list(command["cdn-path"], "cdn-path", empty_ok=False):
        if not PID_RE.fullmatch(pid):
            raise Refused(400, "member 'cdn-path' holds a PID not of the form "
                               "AS<number>:<qualifier>")
    if "cancel" in command:
        string_list(command["cancel"], "cancel", empty_ok=False)
        return command
    trigger = command["trigger"]
    if not isinstance(trigger, dict) or not isinstance(trigger.get("type"), str):
        raise Refused(400, "member 'trigger' is not an object with a string 'type'")
    names = 0
    for key in ("content.urls", "metadata.urls", "content.ccid"):
        names += len(string_list(trigger.get(key, []), "trigger." + key))
    for key in ("content.patterns", "metadata.patterns"):
        patterns = trigger.get(key, [])
        if not isinstance(patterns, list) or not all(
                isinstance(p, dict) and isinstance(p.get("pattern"), str) for p in patterns):
            raise Refused(400, f"member 'trigger.{key}' is not an array of PatternMatch")
        if patterns and trigger["type"] == "preposition":
            raise Refused(400, f"member 'trigger.{key}' is not allowed with preposition")
        names += len(patterns)
    if names == 0:
        raise Refused(400, "member 'trigger' names no URL, ccid or pattern")
    return command


def url_count(trigger: dict) -> int:
    return sum(len(trigger.get(k, [])) for k in ("content.urls", "metadata.urls", "content.ccid",
                                                  "content.patterns", "metadata.patterns"))


def media_type(value: str | None) -> tuple[str, dict[str, str]]:
    """("application/cdni", {"ptype": "ci-trigger-command"}) from a Content-Type value."""
    if not value:
        return "", {}
    kind, *params = value.split(";")
    out = {}
    for p in params:
        name, _, v = p.partition("=")
        out[name.strip().lower()] = v.strip().strip('"')
    return kind.strip().lower(), out


def target_of(url: str) -> str | None:
    """The path and query of an http(s) URL: where it sits on the origin and every edge."""
    parts = urllib.parse.urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        return None
    return (parts.path or "/") + (f"?{parts.query}" if parts.query else "")


# --------------------------------------------------------------------------------------------
# trigger status resources


class Trigger:
    def __init__(self, number: int, path: str, spec: dict, delay: float):
        now = int(time.time())
        self.number = number
        self.path = path
        self.spec = spec  # as posted: RFC 8007 says unknown members are passed through
        self.ctime = self.mtime = now
        self.etime = now + int(delay) + 1
        self.status = "pending"
        self.errors: list[dict] = []
        self.stop = threading.Event()  # set by cancel and delete

    def resource(self) -> dict:
        out = {"ctime": self.ctime, "etime": self.etime, "mtime": self.mtime,
               "status": self.status, "trigger": self.spec}
        if self.errors:
            out["errors"] = self.errors
        return out


class Endpoint:
    """The triggers of the one uCDN this endpoint serves, and the work they do on the lab."""

    def __init__(self, lab: Lab, cdn_id: str, delay: float, max_urls: int, fail_first: int,
                 absolute: bool):
        self.lab = lab
        self.cdn_id = cdn_id
        self.delay = delay
        self.max_urls = max_urls
        self.fail_first = fail_first
        self.absolute = absolute
        self.base = ""  # http://127.0.0.1:<port>, once listening
        self.lock = threading.Lock()
        self.triggers: dict[int, Trigger] = {}
        self.next_number = 0
        self.posts = 0
        self.log: list[dict] = []

    def link(self, path: str) -> str:
        return self.base + path if self.absolute else path

    # ---- commands

    def post(self, command: dict) -> tuple[int, Trigger | None]:
        with self.lock:
            if "cancel" in command:
                return self.cancel(command["cancel"]), None
            trigger = command["trigger"]
            if url_count(trigger) > self.max_urls:
                raise Refused(413, f"the trigger names {url_count(trigger)} URLs, above "
                                   f"the limit {self.max_urls}")
            number = self.next_number
            self.next_number += 1  # a status resource URL is never reused (RFC 8007 4.1)
            t = Trigger(number, f"/triggers/{number}", trigger, self.delay)
            self.triggers[number] = t
            unsupported = self.unsupported(trigger)
            if unsupported:
                t.status, t.errors = "failed", [unsupported]
            else:
                threading.Thread(target=self.run, args=(t,), daemon=True).start()
            return 201, t

    @staticmethod
    def unsupported(trigger: dict) -> dict | None:
        """The eunsupported error of a trigger this endpoint cannot carry out, or None."""
        where = {k: trigger[k] for k in ("content.urls", "metadata.urls", "content.patterns",
                                         "metadata.patterns") if trigger.get(k)}
        if trigger["type"] not in TRIGGER_TYPES:
            why = f"trigger type {trigger['type']!r} is not supported"
        elif any(trigger.get(k) for k in ("content.patterns", "metadata.patterns",
                                          "content.ccid")):
            why = "this endpoint acts on content.urls and metadata.urls only"
        else:
            return None
        return {"error": "eunsupported", **where, "description": why}

    def cancel(self, urls: list[str]) -> int:
        """Cancels the named triggers: all or nothing (404 for one it does not know)."""
        named = []
        for url in urls:
            t = self.find(urllib.parse.urlsplit(url).path)
            if t is None:
                raise Refused(404, f"no trigger status resource {url}")
            named.append(t)
        still_running = False
        for t in named:
            if t.status == "pending":
                t.status = "cancelled"
            elif t.status == "active":
                t.status = "cancelling"
                still_running = True
            else:
                continue  # finished triggers are left alone (RFC 8007 4.3)
            t.mtime = int(time.time())
            t.stop.set()
        return 202 if still_running else 200

    def find(self, path: str) -> Trigger | None:
        match = re.fullmatch(r"/triggers/([0-9]{1,9})", path)
        return self.triggers.get(int(match.group(1))) if match else None

    def delete(self, t: Trigger) -> None:
        with self.lock:
            t.stop.set()
            self.triggers.pop(t.number, None)

    # ---- the work

    def run(self, t: Trigger) -> None:
        urls = t.spec.get("content.urls", [])
        if t.stop.wait(self.delay) or (any(HOLD in u for u in urls) and t.stop.wait()):
            return  # cancelled or deleted while pending
        with self.lock:
            if t.status != "pending":
                return
            t.status, t.mtime = "active", int(time.time())
        failed: dict[str, tuple[list[str], list[str]]] = {}
        for url in urls:
            if t.stop.is_set():
                break
            problem = self.act(t.spec["type"], url)
            if problem:
                code, why = problem
                entry = failed.setdefault(code, ([], []))
                entry[0].append(url)
                entry[1].append(why)
        with self.lock:
            if t.status == "cancelling":
                t.status = "cancelled"
            elif t.status == "active":
                t.errors = [{"error": code, "content.urls": hit, "description": "; ".join(why)}
                            for code, (hit, why) in failed.items()]
                t.status = "failed" if failed else "complete"
            t.mtime = int(time.time())

    def act(self, kind: str, url: str) -> tuple[str, str] | None:
        """Carries out one URL of a trigger; (error code, description) if it failed."""
        for marker, code, why in FAULT_CODES:
            if marker in url:
                return code, why
        path = target_of(url)
        if path is None:
            return "econtent", f"{url} is not an http(s) URL"
        try:
            if kind == "preposition":
                return self.preposition(path)
            if kind == "purge":
                status = request(self.lab.origin, "DELETE", path)
                if status not in (200, 204, 404):
                    return "ecdn", f"the origin answered {status} to DELETE {path}"
            return self.invalidate(path, remove_cached=kind == "purge")
        except OSError as e:
            return "ecdn", f"{path}: {e}"

    def preposition(self, path: str) -> tuple[str, str] | None:
        status = request(self.lab.origin, "HEAD", path)
        if status != 200:
            return "econtent", f"the origin answered {status} for {path}"
        for edge in [e.url for e in self.lab.nginx_edges] + self.lab.purge_edges:
            status = request(edge, "GET", path)
            if status != 200:
                return "ecdn", f"edge {edge} answered {status} for {path}"
        return None

    def invalidate(self, path: str, remove_cached: bool) -> tuple[str, str] | None:
        for edge in self.lab.purge_edges:
            status = request(edge, "PURGE", path)
            if status not in (200, 204, 404):
                return "ecdn", f"edge {edge} answered {status} to PURGE {path}"
        for edge in self.lab.nginx_edges:
            cached = edge.cache_file(path) if remove_cached else None
            if cached is not None:
                # nginx treats a missing cache file as a miss.
                cached.unlink(missing_ok=True)
                continue
            status = request(edge.url, "GET", path, {"X-Refresh": "1"})
            if status not in (200, 404):
                return "ecdn", f"edge {edge.url} answered {status} to a refresh of {path}"
        return None

    # ---- representations

    def collection(self) -> dict:
        with self.lock:
            links = [self.link(t.path) for t in self.triggers.values()]
        return {"triggers": links, "staleresourcetime": STALE_SECONDS, "coll-all": "/triggers",
                "cdn-id": self.cdn_id}


# --------------------------------------------------------------------------------------------
# HTTP


def etag_of(body: bytes) -> str:
    return '"' + hashlib.sha256(body).hexdigest()[:24] + '"'


def etag_matches(header: str | None, etag: str) -> bool:
    if header is None:
        return False
    tags = [t.strip() for t in header.split(",")]
    return "*" in tags or any(t.removeprefix("W/") == etag for t in tags)


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "p2pcdn-cit/1"
    endpoint: Endpoint  # set on the class by serve()

    def log_message(self, fmt, *args):  # quiet; the request log is /_log
        pass

    def reply(self, status: int, body: bytes = b"", content_type: str | None = None,
              headers=()):
        path = urllib.parse.urlsplit(self.path).path
        if path != "/_log":
            with self.endpoint.lock:
                self.endpoint.log.append({
                    "method": self.command,
                    "path": path,
                    "content_type": self.headers.get("Content-Type"),
                    "authorization": self.headers.get("Authorization") is not None,
                    "status": status,
                })
        if not self.body_read and (self.headers.get("Content-Length", "0") != "0" or
                                   self.headers.get("Transfer-Encoding")):
            self.close_connection = True  # an unread body would be taken for the next request
        self.send_response(status)
        if self.close_connection:
            self.send_header("Connection", "close")
        if content_type:
            self.send_header("Content-Type", content_type)
        for name, value in headers:
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def refuse(self, e: Refused) -> None:
        self.reply(e.status, (str(e) + "\n").encode(), "text/plain", e.headers)

    def body(self) -> bytes:
        if self.headers.get("Transfer-Encoding"):
            raise Refused(411, "send the command with a Content-Length")
        length = self.headers.get("Content-Length")
        if length is None:
            raise Refused(411, "send the command with a Content-Length")
        try:
            n = int(length)
        except ValueError:
            raise Refused(400, "bad Content-Length")
        if n > MAX_BODY:
            raise Refused(413, f"the body is {n} bytes, above the limit {MAX_BODY}")
        self.body_read = True
        return self.rfile.read(n) if n > 0 else b""

    def json_reply(self, status: int, value, content_type: str, headers=()):
        self.reply(status, json.dumps(value, indent=2).encode() + b"\n", content_type, headers)

    def resource_reply(self, value, content_type: str):
        """A pollable representation: ETag, a 1 s polling hint, 304 when unchanged."""
        body = json.dumps(value, indent=2).encode() + b"\n"
        etag = etag_of(body)
        headers = [("ETag", etag), ("Cache-Control", "max-age=1")]
        if etag_matches(self.headers.get("If-None-Match"), etag):
            self.reply(304, b"", None, headers)
        else:
            self.reply(200, body, content_type, headers)

    def dispatch(self):
        self.body_read = False
        path = urllib.parse.urlsplit(self.path).path
        e = self.endpoint
        try:
            if path == "/_log":
                return self.log_route()
            if path == "/triggers":
                return self.collection_route()
            if path.startswith("/triggers/"):
                with e.lock:
                    t = e.find(path)
                if self.command in ("PUT", "POST"):
                    raise Refused(405, "trigger status resources are read-only",
                                  [("Allow", "GET, HEAD, DELETE")])
                if t is None:
                    raise Refused(404, f"no trigger status resource {path}")
                if self.command == "DELETE":
                    e.delete(t)
                    return self.reply(200)
                with e.lock:
                    value = t.resource()
                return self.resource_reply(value, STATUS_TYPE)
            raise Refused(404, f"no resource {path}")
        except Refused as refused:
            return self.refuse(refused)

    def log_route(self):
        e = self.endpoint
        if self.command == "DELETE":
            with e.lock:
                e.log.clear()
            return self.reply(200)
        with e.lock:
            entries = list(e.log)
        return self.json_reply(200, entries, "application/json")

    def collection_route(self):
        e = self.endpoint
        if self.command in ("GET", "HEAD"):
            return self.resource_reply(e.collection(), COLLECTION_TYPE)
        if self.command != "POST":
            raise Refused(405, "POST commands to the collection", [("Allow", "GET, HEAD, POST")])
        with e.lock:
            e.posts += 1
            busy = e.posts <= e.fail_first
        # Read the body first, so the connection stays usable whatever the answer.
        body = self.body()
        if busy:
            raise Refused(503, "fault knob --fail-first: try again", [("Retry-After", "1")])
        kind, params = media_type(self.headers.get("Content-Type"))
        if kind != "application/cdni" or params.get("ptype") != "ci-trigger-command":
            raise Refused(415, f"send the command as {COMMAND_TYPE}")
        command = parse_command(body)
        if e.cdn_id in command["cdn-path"]:
            raise Refused(403, f"cdn-path already holds {e.cdn_id}: a loop")
        status, t = e.post(command)
        if t is None:
            return self.reply(status)
        with e.lock:
            value = t.resource()
        return self.json_reply(status, value, STATUS_TYPE, [("Location", e.link(t.path))])

    do_GET = do_HEAD = do_POST = do_PUT = do_DELETE = dispatch


class Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True

    def handle_error(self, request, client_address):  # resets by clients are expected
        pass


# --------------------------------------------------------------------------------------------
# process control (the style of fault_server.py)


def serve(args) -> None:
    lab = Lab.from_json(args.lab) if args.lab else Lab(
        args.origin, [NginxEdge(u) for u in args.edge], args.purge_edge)
    endpoint = Endpoint(lab, args.cdn_id, args.delay_ms / 1000.0, args.max_urls,
                        args.fail_first, args.absolute_location)

    def stop(signum, frame):
        raise SystemExit(0)

    signal.signal(signal.SIGTERM, stop)
    server = Server((HOST, 0), type("BoundHandler", (Handler,), {"endpoint": endpoint}))
    port = server.server_address[1]
    endpoint.base = f"http://{HOST}:{port}"
    try:
        threading.Thread(target=server.serve_forever, daemon=True).start()
        info = {"port": port, "url": endpoint.base, "triggers": endpoint.base + "/triggers",
                "cdn_id": args.cdn_id, "pid": os.getpid()}
        temporary = args.ports + ".tmp"
        with open(temporary, "w", encoding="utf-8") as f:
            json.dump(info, f)
        os.replace(temporary, args.ports)
        while True:
            time.sleep(3600)
    except KeyboardInterrupt:
        pass
    finally:
        try:
            os.remove(args.ports)
        except OSError:
            pass


def alive(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii") as f:
            return f.read().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


def background(argv: list[str], ports_file: str, pidfile: str) -> int:
    for stale in (ports_file, pidfile):
        if os.path.exists(stale):
            os.remove(stale)
    child_argv = [a for a in argv if a != "--background"]
    log = open(ports_file + ".log", "w", encoding="utf-8")
    child = subprocess.Popen([sys.executable, os.path.abspath(__file__), *child_argv],
                             stdin=subprocess.DEVNULL, stdout=log, stderr=log,
                             start_new_session=True)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if os.path.exists(ports_file):
            with open(pidfile, "w", encoding="ascii") as f:
                f.write(f"{child.pid}\n")
            print(f"cit server {child.pid} up: {Path(ports_file).read_text()}")
            return 0
        if child.poll() is not None:
            break
        time.sleep(0.05)
    child.kill()
    child.wait()
    log.close()
    sys.stderr.write("cit server did not start:\n" + Path(ports_file + ".log").read_text())
    return 1


def stop(pidfile: str) -> int:
    try:
        pid = int(Path(pidfile).read_text().strip())
    except (OSError, ValueError):
        print(f"no pid in {pidfile}; nothing to stop")
        return 0
    try:
        os.kill(pid, signal.SIGTERM)
    except ProcessLookupError:
        pass
    deadline = time.monotonic() + 5
    while alive(pid) and time.monotonic() < deadline:
        time.sleep(0.05)
    if alive(pid):
        os.kill(pid, signal.SIGKILL)
    os.remove(pidfile)
    print(f"cit server {pid} stopped")
    return 0


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--ports", help="where to write the port and URLs as JSON")
    parser.add_argument("--pidfile", help="with --background: where to write the pid")
    parser.add_argument("--background", action="store_true", help="start detached")
    parser.add_argument("--stop", metavar="PIDFILE", help="stop the server in PIDFILE")
    parser.add_argument("--lab", metavar="LAB_JSON", help="the cdn_lab's lab.json")
    parser.add_argument("--origin", metavar="URL", help="the origin (WebDAV PUT/DELETE)")
    parser.add_argument("--edge", metavar="URL", action="append", default=[],
                        help="an nginx caching edge (X-Refresh); repeatable")
    parser.add_argument("--purge-edge", metavar="URL", action="append", default=[],
                        help="an edge answering PURGE, e.g. Varnish; repeatable")
    parser.add_argument("--cdn-id", default="AS64500:0",
                        help="this dCDN's PID; commands whose cdn-path holds it get 403")
    parser.add_argument("--delay-ms", type=int, default=200,
                        help="how long a trigger stays pending (200)")
    parser.add_argument("--max-urls", type=int, default=100,
                        help="more URLs in one trigger get 413 (100)")
    parser.add_argument("--fail-first", type=int, default=0, metavar="N",
                        help="answer the first N POSTs with 503 and Retry-After: 1")
    parser.add_argument("--absolute-location", action="store_true",
                        help="absolute URLs in Location and the collection (default: paths)")
    args = parser.parse_args(argv)
    if args.stop:
        return stop(args.stop)
    if not args.ports:
        parser.error("--ports is required")
    if bool(args.lab) == bool(args.origin):
        parser.error("give either --lab or --origin")
    if args.lab and (args.edge or args.purge_edge):
        parser.error("--edge and --purge-edge go with --origin, not --lab")
    if not PID_RE.fullmatch(args.cdn_id):
        parser.error("--cdn-id must be of the form AS<number>:<qualifier>")
    if args.background:
        if not args.pidfile:
            parser.error("--background needs --pidfile")
        return background(argv, args.ports, args.pidfile)
    serve(args)
    return 0


if __name__ == "__main__":
    sys.exit(main())
