#!/usr/bin/env python3
"""A fault-injecting HTTP and HTTPS server for the HTTP client and CDN fetcher tests.

Python 3.11 standard library only (plus the openssl command line program, to make a test CA
and a server certificate at start-up). Everything listens on 127.0.0.1, on free ports.

    fault_server.py --ports FILE                 run in the foreground until SIGTERM / SIGINT
    fault_server.py --ports FILE --pidfile P --background
                                                 start it detached, wait until FILE exists,
                                                 write its pid to P (the CTest fixture setup)
    fault_server.py --stop P                     kill the server whose pid is in P (cleanup)

FILE receives, once every listener is up, a JSON object:
    {"http": port, "https": port, "other": port, "closed": port, "ca_file": path,
     "ca_path": dir, "total_length": n, "piece_length": n, "pid": pid}
"https" serves the same paths as "http" with a certificate issued by a CA made at start-up
(ca_file; ca_path is a hashed directory holding it). "other" is a second plain HTTP server
standing for another host. "closed" is a port nothing listens on.

The content object is total_length bytes, byte i = (i * 7 + 3) % 251, in pieces of
piece_length. Paths (<i> is a piece index):
    /content.bin                whole object; honours a single "Range: bytes=a-b" with 206
    /norange/content.bin        whole object, ignoring Range (200)
    /badrange/content.bin       206 with a Content-Range one byte off
    /piece/<i>                  piece i
    /status/<code>/<i>          that status with a short text body
    /retry429/<s>/<i>           429 with "Retry-After: <s>"
    /retry503date/<s>/<i>       503 with Retry-After as the HTTP-date now + s
    /reset/<i>                  half the piece, then a TCP reset
    /stall/<i>                  headers and 16 bytes, then silence for 15 s
    /truncated/<i>              Content-Length of the piece, 100 bytes fewer, then close
    /wrong/<i>                  piece-length bytes that are not the piece
    /redirect/<i>               302 to /piece/<i>
    /redirect-auth/<i>          302 to /auth-required/<i> (same host)
    /auth-required/<i>          piece i with "Authorization: Bearer secret", else 401
    /loop/<n>/<i>               302 to /loop/<n+1>/<i>, forever
    /ftp/<i>                    302 to ftp://127.0.0.1/piece/<i>
    /other-host/<i>             302 to http://127.0.0.1:<other>/auth-check/<i>
    /auth-check/<i>             (any server) 400 if an Authorization header arrived, else piece i
    /large/<i>                  1 MiB body with Content-Length
    /large-unsized/<i>          1 MiB body without Content-Length (ends at close)
    /slow/<key>/<i>             piece i after 300 ms; counts concurrent requests per key
    /stats/<key>                {"max": most concurrent /slow/<key> requests, "count": total}
    PUT, POST, DELETE, PURGE <any>
                                200 echoing the body, with X-Method and X-Test-Header (the
                                request's X-Test header)
Every answer carries "X-Connection-Requests: n", the requests served on its connection so far.

An object store with faults, for the CDN client's drivers (any method, PURGE included):
    /cdn/<key>/<fault>/<name...>
                                every request is recorded under <key>; then <fault> decides:
        ok                      the store: PUT keeps the body, Content-Type and Cache-Control
                                (201 new, 204 overwrite); GET/HEAD give them back (200) or 404;
                                DELETE 204, or 404 when there is nothing; PURGE 200; POST 200
                                echoing the body
        flaky-<n>-<code>[-<s>]  the first n requests under <key> answer <code> (with
                                "Retry-After: <s>" when given), later ones the store
        status-<code>           always <code>
        only-<METHOD>-<code>    <METHOD> answers <code>, other methods the store
        limit-<bytes>           413 for a body over <bytes>, else the store
        noanswer                reads the request, then closes the connection without answering
        slow-<ms>               the store, after <ms> milliseconds
    /requests/<key>             {"count": n, "requests": [{"method", "path", "length", "time"
                                (server seconds, monotonic), "headers": {lowercase name:
                                [values]}}, ...]} for the /cdn/<key>/ requests so far
"""

import argparse
import email.utils
import json
import os
import shutil
import signal
import socket
import ssl
import struct
import subprocess
import sys
import tempfile
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

TOTAL_LENGTH = 10 * 1024 + 123
PIECE_LENGTH = 1024
CONTENT = bytes((i * 7 + 3) % 251 for i in range(TOTAL_LENGTH))
PIECE_COUNT = (TOTAL_LENGTH + PIECE_LENGTH - 1) // PIECE_LENGTH
LARGE = 1 << 20

state_lock = threading.Lock()
slow_stats = {}  # key -> [current, max, count]
ports = {}
cdn_store = {}     # path -> (body, content type, cache control)
cdn_requests = {}  # key -> [request record]


def piece(i):
    return CONTENT[i * PIECE_LENGTH:(i + 1) * PIECE_LENGTH]


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "p2pcdn-fault/1"

    def log_message(self, fmt, *args):  # quiet
        pass

    def setup(self):
        self.served = 0
        context = getattr(self.server, "tls_context", None)
        if context is not None:
            self.request.settimeout(10)
            self.request = context.wrap_socket(self.request, server_side=True)
            self.request.settimeout(None)
        super().setup()

    def handle(self):
        try:
            super().handle()
        except (OSError, ValueError, ssl.SSLError):
            pass

    def finish(self):
        try:
            super().finish()
        except (OSError, ValueError):
            pass

    # -- helpers ---------------------------------------------------------------------------
    def start(self, status, length=None, headers=()):
        self.served += 1
        self.send_response(status)
        self.send_header("X-Connection-Requests", str(self.served))
        for name, value in headers:
            self.send_header(name, value)
        if length is not None:
            self.send_header("Content-Length", str(length))
        self.end_headers()

    def reply(self, status, body=b"", headers=()):
        self.start(status, len(body), headers)
        if self.command != "HEAD":
            self.wfile.write(body)

    def text(self, status, message):
        self.reply(status, (message + "\n").encode(), [("Content-Type", "text/plain")])

    def redirect(self, location):
        self.reply(302, b"moved\n", [("Location", location)])

    def piece_arg(self, value):
        i = int(value)
        if not 0 <= i < PIECE_COUNT:
            raise ValueError("piece out of range")
        return i

    def whole_object(self, mode):
        header = self.headers.get("Range")
        if header is None or mode == "norange":
            self.reply(200, CONTENT)
            return
        try:
            unit, spec = header.split("=", 1)
            first, last = spec.split("-", 1)
            first, last = int(first), int(last)
            if unit.strip() != "bytes" or first > last or first >= TOTAL_LENGTH:
                raise ValueError
        except ValueError:
            self.reply(416, b"", [("Content-Range", f"bytes */{TOTAL_LENGTH}")])
            return
        last = min(last, TOTAL_LENGTH - 1)
        shown = first + 1 if mode == "badrange" else first
        self.reply(206, CONTENT[first:last + 1],
                   [("Content-Range", f"bytes {shown}-{last}/{TOTAL_LENGTH}")])

    def reset(self, data):
        self.start(200, PIECE_LENGTH)
        self.wfile.write(data[:len(data) // 2])
        self.wfile.flush()
        time.sleep(0.05)
        self.request.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        self.close_connection = True
        self.request.close()

    def slow(self, key, i):
        with state_lock:
            entry = slow_stats.setdefault(key, [0, 0, 0])
            entry[0] += 1
            entry[1] = max(entry[1], entry[0])
            entry[2] += 1
        try:
            time.sleep(0.3)
            self.reply(200, piece(i))
        finally:
            with state_lock:
                slow_stats[key][0] -= 1

    # -- routes ----------------------------------------------------------------------------
    def do_HEAD(self):
        self.do_GET()

    def do_PUT(self):
        self.echo()

    def do_POST(self):
        self.echo()

    def do_DELETE(self):
        self.echo()

    def do_PURGE(self):
        self.echo()

    def echo(self):
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        if self.path.startswith("/cdn/"):
            return self.cdn_route(body)
        self.reply(200, body, [("X-Method", self.command),
                               ("X-Test-Header", self.headers.get("X-Test", ""))])

    def do_GET(self):
        if self.path.startswith("/cdn/"):
            return self.cdn_route(b"")
        parts = [p for p in self.path.split("?", 1)[0].split("/") if p]
        try:
            self.route(parts)
        except ValueError as e:
            self.text(400, f"bad request: {e}")

    # -- the object store with faults (/cdn/<key>/<fault>/<name...>) -------------------------
    def cdn_route(self, body):
        path = self.path.split("?", 1)[0]
        parts = path.split("/")
        if len(parts) < 5 or not parts[2] or not parts[4]:
            return self.text(400, "want /cdn/<key>/<fault>/<name>")
        key, fault = parts[2], parts[3]
        headers = {}
        for name, value in self.headers.items():
            headers.setdefault(name.lower(), []).append(value)
        with state_lock:
            seen = cdn_requests.setdefault(key, [])
            seen.append({"method": self.command, "path": self.path, "length": len(body),
                         "time": time.monotonic(), "headers": headers})
            count = len(seen)
        args = fault.split("-")
        try:
            if args[0] == "ok" and len(args) == 1:
                return self.cdn_store(path, body)
            if args[0] == "flaky" and len(args) in (3, 4):
                if count <= int(args[1]):
                    extra = [("Retry-After", args[3])] if len(args) == 4 else []
                    return self.reply(int(args[2]), b"try again\n", extra)
                return self.cdn_store(path, body)
            if args[0] == "status" and len(args) == 2:
                return self.text(int(args[1]), f"status {args[1]}")
            if args[0] == "only" and len(args) == 3:
                if self.command == args[1]:
                    return self.text(int(args[2]), f"status {args[2]}")
                return self.cdn_store(path, body)
            if args[0] == "limit" and len(args) == 2:
                if len(body) > int(args[1]):
                    return self.text(413, "too large")
                return self.cdn_store(path, body)
            if args[0] == "noanswer" and len(args) == 1:
                self.close_connection = True
                return None
            if args[0] == "slow" and len(args) == 2:
                time.sleep(int(args[1]) / 1000)
                return self.cdn_store(path, body)
        except ValueError:
            pass
        return self.text(400, f"unknown fault {fault!r}")

    def cdn_store(self, path, body):
        method = self.command
        with state_lock:
            held = cdn_store.get(path)
            if method == "PUT":
                cdn_store[path] = (body, self.headers.get("Content-Type", ""),
                                   self.headers.get("Cache-Control", ""))
            elif method == "DELETE" and held is not None:
                del cdn_store[path]
        if method == "PUT":
            return self.reply(204 if held else 201)
        if method == "DELETE":
            return self.reply(204) if held else self.text(404, "no such object")
        if method == "PURGE":
            return self.text(200, "purged")
        if method == "POST":
            return self.reply(200, body)
        if held is None:
            return self.text(404, "no such object")
        extra = [("Content-Type", held[1])] if held[1] else []
        if held[2]:
            extra.append(("Cache-Control", held[2]))
        return self.reply(200, held[0], extra)

    def route(self, parts):
        kind = parts[0] if parts else ""
        n = len(parts)
        if parts == ["content.bin"]:
            return self.whole_object("plain")
        if n == 2 and parts[1] == "content.bin" and kind in ("norange", "badrange"):
            return self.whole_object(kind)
        if kind == "piece" and n == 2:
            return self.reply(200, piece(self.piece_arg(parts[1])))
        if kind == "status" and n == 3:
            self.piece_arg(parts[2])
            return self.text(int(parts[1]), f"status {parts[1]}")
        if kind == "retry429" and n == 3:
            self.piece_arg(parts[2])
            return self.reply(429, b"slow down\n", [("Retry-After", parts[1])])
        if kind == "retry503date" and n == 3:
            self.piece_arg(parts[2])
            when = email.utils.formatdate(time.time() + int(parts[1]), usegmt=True)
            return self.reply(503, b"unavailable\n", [("Retry-After", when)])
        if kind == "reset" and n == 2:
            return self.reset(piece(self.piece_arg(parts[1])))
        if kind == "stall" and n == 2:
            data = piece(self.piece_arg(parts[1]))
            self.start(200, len(data))
            self.wfile.write(data[:16])
            self.wfile.flush()
            time.sleep(15)
            self.close_connection = True
            return None
        if kind == "truncated" and n == 2:
            data = piece(self.piece_arg(parts[1]))
            self.start(200, len(data))
            self.wfile.write(data[:-100])
            self.wfile.flush()
            self.close_connection = True
            return None
        if kind == "wrong" and n == 2:
            data = piece(self.piece_arg(parts[1]))
            return self.reply(200, bytes((b + 1) % 256 for b in data))
        if kind == "redirect" and n == 2:
            return self.redirect(f"/piece/{self.piece_arg(parts[1])}")
        if kind == "redirect-auth" and n == 2:
            return self.redirect(f"/auth-required/{self.piece_arg(parts[1])}")
        if kind == "auth-required" and n == 2:
            i = self.piece_arg(parts[1])
            if self.headers.get("Authorization") != "Bearer secret":
                return self.text(401, "authorization required")
            return self.reply(200, piece(i))
        if kind == "loop" and n == 3:
            return self.redirect(f"/loop/{int(parts[1]) + 1}/{self.piece_arg(parts[2])}")
        if kind == "ftp" and n == 2:
            return self.redirect(f"ftp://127.0.0.1/piece/{self.piece_arg(parts[1])}")
        if kind == "other-host" and n == 2:
            i = self.piece_arg(parts[1])
            return self.redirect(f"http://127.0.0.1:{ports['other']}/auth-check/{i}")
        if kind == "auth-check" and n == 2:
            i = self.piece_arg(parts[1])
            if self.headers.get("Authorization") is not None:
                return self.text(400, "authorization forwarded")
            return self.reply(200, piece(i))
        if kind == "large" and n == 2:
            self.piece_arg(parts[1])
            return self.reply(200, bytes(LARGE))
        if kind == "large-unsized" and n == 2:
            self.piece_arg(parts[1])
            self.start(200, None, [("Connection", "close")])
            self.close_connection = True
            for _ in range(LARGE // 65536):
                self.wfile.write(bytes(65536))
            return None
        if kind == "slow" and n == 3:
            return self.slow(parts[1], self.piece_arg(parts[2]))
        if kind == "requests" and n == 2:
            with state_lock:
                seen = list(cdn_requests.get(parts[1], []))
            body = json.dumps({"count": len(seen), "requests": seen}).encode()
            return self.reply(200, body, [("Content-Type", "application/json")])
        if kind == "stats" and n == 2:
            with state_lock:
                entry = slow_stats.get(parts[1], [0, 0, 0])
                body = json.dumps({"max": entry[1], "count": entry[2]}).encode()
            return self.reply(200, body, [("Content-Type", "application/json")])
        return self.text(404, "no such path")


class Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True
    request_queue_size = 64

    def handle_error(self, request, client_address):  # TLS failures and resets are expected
        pass


def run(cmd, cwd):
    subprocess.run(cmd, cwd=cwd, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)


def make_certificates(directory):
    """A CA and a server certificate for 127.0.0.1 and localhost, issued by it."""
    ec = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes"]
    run(["openssl", "req", "-x509", *ec, "-keyout", "ca.key", "-out", "ca.pem", "-days", "2",
         "-subj", "/CN=p2pcdn fault server test CA",
         "-addext", "basicConstraints=critical,CA:TRUE",
         "-addext", "keyUsage=critical,keyCertSign,cRLSign"], directory)
    run(["openssl", "req", *ec, "-keyout", "server.key", "-out", "server.csr",
         "-subj", "/CN=localhost"], directory)
    with open(os.path.join(directory, "server.ext"), "w", encoding="ascii") as f:
        f.write("subjectAltName=IP:127.0.0.1,DNS:localhost\n"
                "basicConstraints=CA:FALSE\n"
                "keyUsage=critical,digitalSignature\n"
                "extendedKeyUsage=serverAuth\n")
    run(["openssl", "x509", "-req", "-in", "server.csr", "-CA", "ca.pem", "-CAkey", "ca.key",
         "-CAcreateserial", "-out", "server.pem", "-days", "2", "-extfile", "server.ext"],
        directory)
    # A CA directory in OpenSSL's hashed layout, for CURLOPT_CAPATH.
    capath = os.path.join(directory, "capath")
    os.mkdir(capath)
    digest = subprocess.run(["openssl", "x509", "-hash", "-noout", "-in", "ca.pem"], cwd=directory,
                            check=True, capture_output=True, text=True).stdout.strip()
    shutil.copy(os.path.join(directory, "ca.pem"), os.path.join(capath, digest + ".0"))
    return os.path.join(directory, "ca.pem"), capath


def serve(ports_file):
    workdir = tempfile.mkdtemp(prefix="fault-server-",
                               dir=os.path.dirname(os.path.abspath(ports_file)))

    def stop(signum, frame):
        raise SystemExit(0)

    signal.signal(signal.SIGTERM, stop)
    try:
        ca_file, ca_path = make_certificates(workdir)
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(os.path.join(workdir, "server.pem"),
                                os.path.join(workdir, "server.key"))
        context.set_alpn_protocols(["http/1.1"])

        plain = Server(("127.0.0.1", 0), Handler)
        secure = Server(("127.0.0.1", 0), Handler)
        secure.tls_context = context
        other = Server(("127.0.0.1", 0), Handler)
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            closed = s.getsockname()[1]
        ports.update(http=plain.server_address[1], https=secure.server_address[1],
                     other=other.server_address[1], closed=closed, ca_file=ca_file,
                     ca_path=ca_path, total_length=TOTAL_LENGTH, piece_length=PIECE_LENGTH,
                     pid=os.getpid())
        for server in (plain, secure, other):
            threading.Thread(target=server.serve_forever, daemon=True).start()
        temporary = ports_file + ".tmp"
        with open(temporary, "w", encoding="utf-8") as f:
            json.dump(ports, f)
        os.replace(temporary, ports_file)
        while True:
            time.sleep(3600)
    except KeyboardInterrupt:
        pass
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
        try:
            os.remove(ports_file)
        except OSError:
            pass


def alive(pid):
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii") as f:
            return f.read().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        try:
            os.kill(pid, 0)
            return True
        except OSError:
            return False


def background(ports_file, pidfile):
    for stale in (ports_file, pidfile):
        if os.path.exists(stale):
            os.remove(stale)
    log = open(ports_file + ".log", "w", encoding="utf-8")
    child = subprocess.Popen([sys.executable, os.path.abspath(__file__), "--ports", ports_file],
                             stdin=subprocess.DEVNULL, stdout=log, stderr=log,
                             start_new_session=True)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if os.path.exists(ports_file):
            with open(pidfile, "w", encoding="ascii") as f:
                f.write(f"{child.pid}\n")
            print(f"fault server {child.pid} up: {open(ports_file, encoding='utf-8').read()}")
            return 0
        if child.poll() is not None:
            break
        time.sleep(0.05)
    child.kill()
    log.close()
    sys.stderr.write("fault server did not start:\n" + open(ports_file + ".log").read())
    return 1


def stop(pidfile):
    try:
        with open(pidfile, encoding="ascii") as f:
            pid = int(f.read().strip())
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
    print(f"fault server {pid} stopped")
    return 0


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--ports", help="where to write the ports as JSON")
    parser.add_argument("--pidfile", help="with --background: where to write the pid")
    parser.add_argument("--background", action="store_true", help="start detached")
    parser.add_argument("--stop", metavar="PIDFILE", help="kill the server in PIDFILE")
    args = parser.parse_args()
    if args.stop:
        return stop(args.stop)
    if not args.ports:
        parser.error("--ports is required")
    if args.background:
        if not args.pidfile:
            parser.error("--background needs --pidfile")
        return background(args.ports, args.pidfile)
    serve(args.ports)
    return 0


if __name__ == "__main__":
    sys.exit(main())
