#!/usr/bin/python3
"""Loopback CDN lab for p2pcdn's integration tests (DESIGN.md section 5, reference/cdn.md 4.4-4.6).

Starts real servers on 127.0.0.1, on free ports picked here, each with its own config, pid file,
logs and temp paths under a work directory:

  origin       nginx serving the document root (GET/HEAD); WebDAV PUT/DELETE from loopback,
               each logged to origin/ingest.log (lab.json: origin.ingest_log) as
               'PUT /uri 201 length="n" cache_control="..." digest="..." expires="..."'
  edge1..N     nginx proxy_cache edges in front of the origin (X-Cache-Status; X-Refresh: 1
               from loopback bypasses the cache and overwrites the entry)
  redirector   nginx answering 302 to one of the nginx edges (split_clients on $uri)
  varnish      optional Varnish edge in front of the origin answering PURGE and BAN
  css          optional nginx Content Source Server serving a directory read-only (--css-root)

Everything is stopped by the process ids this module started; a system nginx or varnish (which
installing the packages may have started) is never used, signalled or relied upon.

CLI (Debian's /usr/bin/python3, stdlib only):
  cdn_lab.py up WORKDIR [--with-varnish[=yes|auto]] [--edges N] [--max-age S] [--timeout S]
                        [--docroot DIR] [--css-root DIR] [--restart]
  cdn_lab.py down WORKDIR [--timeout S]
  cdn_lab.py status WORKDIR
  cdn_lab.py put-file WORKDIR SRC DEST       (DEST is a path under the document root)

`up` writes WORKDIR/lab.json and prints it; `down` stops the lab, renames lab.json to
lab.last.json (so lab.json exists only while a lab is up) and is idempotent. Exit status 77
means the servers are not installed (CTest SKIP_RETURN_CODE).

Python:
  with CdnLab(workdir) as lab:
      lab.put_bytes("pieces/s1/0", b"...")
      urllib.request.urlopen(lab.redirector_url + "/pieces/s1/0")
"""

from __future__ import annotations

import argparse
import grp
import http.client
import json
import os
import pwd
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
TEMPLATES = HERE / "cdn_lab"
LAB_JSON = "lab.json"          # exists while the lab is up
LAST_JSON = "lab.last.json"    # the description of the last lab, after down
EXIT_NOT_INSTALLED = 77
HOST = "127.0.0.1"


class LabError(RuntimeError):
    """A server of the lab failed to start or stop."""


class NotInstalled(LabError):
    """A required server binary is missing."""


# --------------------------------------------------------------------------------------------
# binaries


def find_binary(name: str, env: str) -> str | None:
    """The binary named by $env, else on PATH, else in /usr/sbin (not on a user's PATH)."""
    override = os.environ.get(env)
    if override:
        return override if os.access(override, os.X_OK) else None
    found = shutil.which(name)
    if found:
        return found
    for d in ("/usr/sbin", "/usr/local/sbin", "/sbin"):
        p = os.path.join(d, name)
        if os.access(p, os.X_OK):
            return p
    return None


def nginx_binary() -> str | None:
    return find_binary("nginx", "P2PCDN_NGINX")


def varnishd_binary() -> str | None:
    return find_binary("varnishd", "P2PCDN_VARNISHD")


# --------------------------------------------------------------------------------------------
# processes


def _proc_stat(pid: int) -> tuple[str, int, int, int] | None:
    """(state, ppid, pgid, starttime) of pid, or None if it does not exist."""
    try:
        with open(f"/proc/{pid}/stat", "rb") as f:
            data = f.read().decode("ascii", "replace")
    except (FileNotFoundError, ProcessLookupError, PermissionError):
        return None
    # comm may contain spaces and parentheses: the fields start after the last ')'
    rest = data[data.rindex(")") + 2:].split()
    return rest[0], int(rest[1]), int(rest[2]), int(rest[19])


def _cmdline(pid: int) -> str:
    try:
        with open(f"/proc/{pid}/cmdline", "rb") as f:
            return f.read().replace(b"\0", b" ").decode("utf-8", "replace")
    except OSError:
        return ""


def pid_alive(pid: int, starttime: int | None = None) -> bool:
    """True if pid runs (a zombie counts as gone) and, if given, started at starttime."""
    st = _proc_stat(pid)
    if st is None or st[0] in ("Z", "X"):
        return False
    return starttime is None or st[3] == starttime


def _starttime(pid: int) -> int | None:
    st = _proc_stat(pid)
    return None if st is None else st[3]


def _group_members(pgid: int) -> list[tuple[int, int]]:
    """(pid, starttime) of the live processes in process group pgid."""
    out = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        st = _proc_stat(int(entry))
        if st and st[2] == pgid and st[0] not in ("Z", "X"):
            out.append((int(entry), st[3]))
    return out


def _signal(pid: int, sig: int) -> None:
    try:
        os.kill(pid, sig)
    except ProcessLookupError:
        pass


def stop_process(pid: int, starttime: int | None, marker: str, timeout: float = 10.0) -> bool:
    """Stop the daemon pid (and the processes of its group: nginx workers, varnish child).

    Only signals pid if it is still the process we started: same start time and `marker`
    (our config path) in its command line. SIGTERM, wait up to `timeout`, then SIGKILL.
    Returns True if something was stopped.
    """
    if not pid_alive(pid, starttime) or marker not in _cmdline(pid):
        return False
    members = []
    st = _proc_stat(pid)
    if st and st[2] == pid:  # a daemon that called setsid(): its group is its own
        members = [m for m in _group_members(pid) if m[0] != pid]
    _signal(pid, signal.SIGTERM)
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if not pid_alive(pid, starttime) and not any(pid_alive(p, s) for p, s in members):
            return True
        time.sleep(0.05)
    for p, s in [(pid, starttime)] + members:
        if pid_alive(p, s):
            _signal(p, signal.SIGKILL)
    deadline = time.monotonic() + 5.0
    while time.monotonic() < deadline:
        if not pid_alive(pid, starttime) and not any(pid_alive(p, s) for p, s in members):
            return True
        time.sleep(0.05)
    raise LabError(f"process {pid} ({marker}) survived SIGKILL")


# --------------------------------------------------------------------------------------------
# ports and readiness


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind((HOST, 0))
        return s.getsockname()[1]


def http_ready(port: int) -> bool:
    conn = http.client.HTTPConnection(HOST, port, timeout=1.0)
    try:
        conn.request("GET", "/", headers={"User-Agent": "cdn_lab-readiness"})
        conn.getresponse().read()
        return True
    except (OSError, http.client.HTTPException):
        return False
    finally:
        conn.close()


def tail(path: Path, lines: int = 20) -> str:
    try:
        text = path.read_text(errors="replace")
    except OSError:
        return f"(no {path})"
    return "\n".join(text.splitlines()[-lines:]) or f"({path} is empty)"


def _address_in_use(*logs: Path) -> bool:
    for p in logs:
        try:
            t = p.read_text(errors="replace")
        except OSError:
            continue
        if "Address already in use" in t or "Could not get socket" in t:
            return True
    return False


# --------------------------------------------------------------------------------------------
# the lab


def _render(template: str, values: dict[str, str]) -> str:
    text = (TEMPLATES / template).read_text()
    for k, v in values.items():
        text = text.replace(f"@{k}@", v)
    leftover = re.findall(r"@[A-Z_]+@", text)
    if leftover:
        raise LabError(f"{template}: unreplaced placeholders {sorted(set(leftover))}")
    return text


def _q(path: Path | str) -> str:
    s = str(path)
    if '"' in s or "\n" in s:
        raise LabError(f"unsupported character in path {s!r}")
    return s


class CdnLab:
    """The loopback CDN lab under `workdir`. Use as a context manager or call up()/down()."""

    def __init__(self, workdir: str | os.PathLike, *, edges: int = 2,
                 with_varnish: bool | str = False, max_age: int = 300,
                 timeout: float = 20.0, docroot: str | os.PathLike | None = None,
                 css_root: str | os.PathLike | None = None, restart: bool = False):
        self.workdir = Path(workdir).resolve()
        if edges < 1:
            raise ValueError("edges must be >= 1")
        self.edges = edges
        self.with_varnish = with_varnish  # False, True or "auto"
        self.max_age = int(max_age)
        self.timeout = float(timeout)
        self.docroot = Path(docroot).resolve() if docroot else self.workdir / "docroot"
        self.css_root = Path(css_root).resolve() if css_root else None
        self.restart = restart  # stop a lab still up in workdir (e.g. an interrupted run)
        self.info: dict | None = None

    # ---- public API

    def __enter__(self) -> "CdnLab":
        self.up()
        return self

    def __exit__(self, *exc) -> None:
        self.down()

    @property
    def json_path(self) -> Path:
        return self.workdir / LAB_JSON

    @property
    def origin_url(self) -> str:
        return self._info()["origin"]["url"]

    @property
    def edge_urls(self) -> list[str]:
        return [e["url"] for e in self._info()["edges"]]

    @property
    def redirector_url(self) -> str:
        return self._info()["redirector"]["url"]

    @property
    def css_url(self) -> str | None:
        c = self._info().get("css")
        return c["url"] if c else None

    @property
    def varnish_url(self) -> str | None:
        v = self._info().get("varnish")
        return v["url"] if v else None

    def put_file(self, src: str | os.PathLike, dest: str) -> Path:
        return _copy_into(self.docroot, src, dest)

    def put_bytes(self, dest: str, data: bytes) -> Path:
        target = _docroot_target(self.docroot, dest)
        target.parent.mkdir(parents=True, exist_ok=True)
        tmp = target.with_name(target.name + ".cdn_lab.tmp")
        tmp.write_bytes(data)
        os.replace(tmp, target)
        return target

    def up(self) -> dict:
        # lab.json exists only while a lab is up: clear a stale one before anything else, so
        # that a consumer never finds the description of a dead lab (e.g. nginx uninstalled)
        if self.json_path.exists():
            old = _load(self.json_path)
            if (not self.restart and old and
                    any(pid_alive(s["pid"], s.get("starttime")) for s in _servers(old))):
                raise LabError(f"a lab is already up in {self.workdir}; "
                               "run down first, or up --restart")
            down(self.workdir)

        nginx = nginx_binary()
        if not nginx:
            raise NotInstalled("nginx is not installed (Debian package: nginx)")
        varnishd = None
        if self.with_varnish:
            varnishd = varnishd_binary()
            if not varnishd and self.with_varnish != "auto":
                raise NotInstalled("varnishd is not installed (Debian package: varnish)")
            if varnishd and not shutil.which("gcc"):  # Debian's cc_command runs gcc
                if self.with_varnish != "auto":
                    raise NotInstalled("varnish needs a C compiler (gcc) to compile VCL")
                varnishd = None

        self.workdir.mkdir(parents=True, exist_ok=True)
        self.docroot.mkdir(parents=True, exist_ok=True)
        self.info = {
            "workdir": str(self.workdir),
            "docroot": str(self.docroot),
            "host": HOST,
            "max_age": self.max_age,
            "origin": None,
            "edges": [],
            "redirector": None,
            "varnish": None,
            "css": None,
        }
        try:
            if self.css_root:
                self.info["css"] = self._start_nginx("css", "css.conf.in", {
                    "CSS_ROOT": _q(self.css_root),
                }, nginx)
                self.info["css"]["root"] = str(self.css_root)
                self._save()
            ingest_log = self.workdir / "origin" / "ingest.log"
            self.info["origin"] = self._start_nginx("origin", "origin.conf.in", {
                "DOCROOT": _q(self.docroot),
                "MAX_AGE": str(self.max_age),
                "INGEST_LOG": _q(ingest_log),
            }, nginx)
            self.info["origin"]["ingest_log"] = str(ingest_log)
            self._save()
            origin_port = str(self.info["origin"]["port"])
            for i in range(1, self.edges + 1):
                name = f"edge{i}"
                cache = self.workdir / name / "cache"
                cache.mkdir(parents=True, exist_ok=True)
                self.info["edges"].append(self._start_nginx(name, "edge.conf.in", {
                    "NAME": name,
                    "CACHE_DIR": _q(cache),
                    "ORIGIN_PORT": origin_port,
                }, nginx))
                self._save()
            ports = [e["port"] for e in self.info["edges"]]
            split = []
            for i, p in enumerate(ports):
                if i == len(ports) - 1:
                    split.append(f"        *       {p};")
                else:
                    # split_clients takes at most two decimals; the rest goes to "*"
                    share = f"{(10000 // len(ports)) / 100:.2f}"
                    split.append(f"        {share}%  {p};")
            self.info["redirector"] = self._start_nginx("redirector", "redirector.conf.in", {
                "SPLIT": "\n".join(split),
            }, nginx)
            self._save()
            if varnishd:
                self.info["varnish"] = self._start_varnish(varnishd, origin_port)
                self._save()
        except BaseException:
            self._save()
            try:
                down(self.workdir)
            except LabError as e:  # keep the original failure
                print(f"cdn_lab: cleanup after failed up: {e}", file=sys.stderr)
            raise
        return self.info

    def down(self, timeout: float = 10.0) -> list[str]:
        stopped = down(self.workdir, timeout)
        return stopped

    # ---- internals

    def _info(self) -> dict:
        if self.info is None:
            self.info = _load(self.json_path)
            if self.info is None:
                raise LabError(f"no lab in {self.workdir} (no {LAB_JSON})")
        return self.info

    def _save(self) -> None:
        tmp = self.json_path.with_suffix(".json.tmp")
        tmp.write_text(json.dumps(self.info, indent=2) + "\n")
        os.replace(tmp, self.json_path)

    def _main_block(self, name: str, d: Path) -> dict[str, str]:
        lines = [
            "daemon on;",
            "master_process on;",
            "worker_processes 1;",
            f'pid "{_q(d / "nginx.pid")}";',
            f'error_log "{_q(d / "error.log")}" notice;',
            f'lock_file "{_q(d / "nginx.lock")}";',
        ]
        if os.geteuid() == 0:
            # As root, nginx would switch its workers to "nobody", which can neither write the
            # document root (PUT) nor, often, read the work dir. Keep the invoking user.
            user = pwd.getpwuid(os.geteuid()).pw_name
            group = grp.getgrgid(os.getegid()).gr_name
            lines.append(f"user {user} {group};")
        lines.append("events { worker_connections 512; }")
        common = [
            f'access_log "{_q(d / "access.log")}";',
            f'client_body_temp_path "{_q(d / "tmp" / "client_body")}";',
            f'proxy_temp_path "{_q(d / "tmp" / "proxy")}";',
            f'fastcgi_temp_path "{_q(d / "tmp" / "fastcgi")}";',
            f'uwsgi_temp_path "{_q(d / "tmp" / "uwsgi")}";',
            f'scgi_temp_path "{_q(d / "tmp" / "scgi")}";',
            "default_type application/octet-stream;",
            "sendfile on;",
            "keepalive_timeout 30;",
            "server_tokens off;",
        ]
        return {"MAIN": "\n".join(lines), "HTTP_COMMON": "\n".join("    " + l for l in common)}

    def _start_nginx(self, name: str, template: str, values: dict[str, str],
                     nginx: str) -> dict:
        d = self.workdir / name
        (d / "tmp").mkdir(parents=True, exist_ok=True)
        conf = d / "nginx.conf"
        pidfile = d / "nginx.pid"
        errlog = d / "error.log"
        startlog = d / "start.log"
        last = ""
        for attempt in range(5):
            port = free_port()
            for p in (pidfile,):
                p.unlink(missing_ok=True)
            conf.write_text(_render(template, {
                **self._main_block(name, d), **values, "PORT": str(port)}))
            errlog.write_text("")
            with open(startlog, "wb") as out:
                rc = _run([nginx, "-p", str(d) + "/", "-c", str(conf), "-e", str(errlog)],
                          out, self.timeout)
            if rc != 0:
                last = (f"nginx {name} exited with {rc}:\n{tail(startlog)}\n"
                        f"--- {errlog}:\n{tail(errlog)}")
                if _address_in_use(startlog, errlog):
                    continue  # the port was taken between free_port() and bind(): retry
                raise LabError(last)
            pid = _wait_pidfile(pidfile, self.timeout)
            if pid is None:
                raise LabError(f"nginx {name}: no pid file {pidfile}\n--- {errlog}:\n"
                               f"{tail(errlog)}")
            server = {
                "name": name,
                "kind": "nginx",
                "port": port,
                "url": f"http://{HOST}:{port}",
                "pid": pid,
                "starttime": _starttime(pid),
                "marker": str(conf),
                "conf": str(conf),
                "pid_file": str(pidfile),
                "error_log": str(errlog),
                "access_log": str(d / "access.log"),
            }
            _wait_ready(server, self.timeout, errlog)
            return server
        raise LabError(f"nginx {name}: no free port after 5 attempts\n{last}")

    def _start_varnish(self, varnishd: str, origin_port: str) -> dict:
        d = self.workdir / "varnish"
        d.mkdir(parents=True, exist_ok=True)
        vcl = d / "default.vcl"
        vcl.write_text(_render("varnish.vcl.in", {"ORIGIN_PORT": origin_port}))
        pidfile = d / "varnishd.pid"
        startlog = d / "start.log"
        state = d / "state"  # varnishd -n: its working directory (shared memory, VCL objects)
        last = ""
        for attempt in range(5):
            port, admin = free_port(), free_port()
            if port == admin:
                continue
            pidfile.unlink(missing_ok=True)
            cmd = [varnishd, "-j", "none",
                   "-a", f"{HOST}:{port}", "-T", f"{HOST}:{admin}",
                   "-n", str(state), "-f", str(vcl), "-s", "malloc,64m",
                   "-P", str(pidfile)]
            with open(startlog, "wb") as out:
                rc = _run(cmd, out, max(self.timeout, 60.0))
            if rc != 0:
                last = f"varnishd exited with {rc}:\n{tail(startlog, 40)}"
                if _address_in_use(startlog):
                    continue
                raise LabError(last)
            pid = _wait_pidfile(pidfile, self.timeout)
            if pid is None:
                raise LabError(f"varnishd: no pid file {pidfile}\n{tail(startlog, 40)}")
            server = {
                "name": "varnish",
                "kind": "varnish",
                "port": port,
                "admin_port": admin,
                "url": f"http://{HOST}:{port}",
                "pid": pid,
                "starttime": _starttime(pid),
                "marker": str(state),
                "vcl": str(vcl),
                "state_dir": str(state),
                "pid_file": str(pidfile),
                "start_log": str(startlog),
            }
            _wait_ready(server, self.timeout, startlog)
            return server
        raise LabError(f"varnishd: no free port after 5 attempts\n{last}")


def _run(cmd: list[str], out, timeout: float) -> int:
    """Run a daemonizing command with output to a file (a pipe could be held by the daemon)."""
    try:
        return subprocess.run(cmd, stdin=subprocess.DEVNULL, stdout=out, stderr=out,
                              timeout=timeout).returncode
    except subprocess.TimeoutExpired:
        raise LabError(f"{cmd[0]} did not return within {timeout:.0f}s")


def _wait_pidfile(pidfile: Path, timeout: float) -> int | None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            text = pidfile.read_text().strip()
            if text:
                return int(text)
        except (OSError, ValueError):
            pass
        time.sleep(0.02)
    return None


def _wait_ready(server: dict, timeout: float, log: Path) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if not pid_alive(server["pid"], server["starttime"]):
            raise LabError(f"{server['name']} (pid {server['pid']}) died while starting\n"
                           f"--- {log}:\n{tail(log)}")
        if http_ready(server["port"]):
            return
        time.sleep(0.05)
    raise LabError(f"{server['name']} not answering HTTP on {server['url']} after "
                   f"{timeout:.0f}s\n--- {log}:\n{tail(log)}")


def _load(path: Path) -> dict | None:
    try:
        return json.loads(path.read_text())
    except (OSError, ValueError):
        return None


def _servers(info: dict) -> list[dict]:
    out = []
    for key in ("varnish", "redirector"):
        if info.get(key):
            out.append(info[key])
    out.extend(reversed(info.get("edges") or []))
    if info.get("origin"):
        out.append(info["origin"])
    if info.get("css"):
        out.append(info["css"])
    return out  # stop order: front to back


def _docroot_target(docroot: Path, dest: str) -> Path:
    rel = Path(dest.lstrip("/"))
    if not rel.parts or ".." in rel.parts:
        raise LabError(f"bad destination path {dest!r}")
    return Path(docroot) / rel


# --------------------------------------------------------------------------------------------
# module-level operations (used by the CLI)


def up(workdir, **kw) -> dict:
    return CdnLab(workdir, **kw).up()


def down(workdir, timeout: float = 10.0) -> list[str]:
    """Stop what `up` started in workdir (from lab.json, else from the pid files). Idempotent."""
    wd = Path(workdir).resolve()
    info = _load(wd / LAB_JSON)
    servers = _servers(info) if info else []
    if not servers:
        # no (or a partial) lab.json: fall back to the pid files of our own layout
        for conf in sorted(wd.glob("*/nginx.conf")):
            pidfile = conf.parent / "nginx.pid"
            try:
                pid = int(pidfile.read_text().strip())
            except (OSError, ValueError):
                continue
            servers.append({"name": conf.parent.name, "pid": pid, "starttime": None,
                            "marker": str(conf)})
        vpid = wd / "varnish" / "varnishd.pid"
        try:
            servers.insert(0, {"name": "varnish", "pid": int(vpid.read_text().strip()),
                               "starttime": None, "marker": str(wd / "varnish" / "state")})
        except (OSError, ValueError):
            pass
    stopped = []
    errors = []
    for s in servers:
        try:
            if stop_process(s["pid"], s.get("starttime"), s["marker"], timeout):
                stopped.append(s["name"])
        except LabError as e:
            errors.append(str(e))
    for s in servers:
        pf = s.get("pid_file")
        if pf and not pid_alive(s["pid"], s.get("starttime")):
            Path(pf).unlink(missing_ok=True)
    if errors:
        raise LabError("; ".join(errors))
    if (wd / LAB_JSON).exists():
        # kept for post-mortem; lab.json itself exists only while the lab is up
        os.replace(wd / LAB_JSON, wd / LAST_JSON)
    return stopped


def docroot_of(workdir) -> Path:
    """The origin's document root of the lab in workdir (running or last one)."""
    wd = Path(workdir).resolve()
    info = _load(wd / LAB_JSON) or _load(wd / LAST_JSON)
    return Path(info["docroot"]) if info else wd / "docroot"


def put_file(workdir, src, dest: str) -> Path:
    """Copy src to dest (a path under the document root of the lab in workdir)."""
    return _copy_into(docroot_of(workdir), src, dest)


def _copy_into(docroot: Path, src, dest: str) -> Path:
    target = _docroot_target(docroot, dest)
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_name(target.name + ".cdn_lab.tmp")
    shutil.copyfile(src, tmp)
    os.chmod(tmp, 0o644)
    os.replace(tmp, target)
    return target


def status(workdir) -> dict:
    wd = Path(workdir).resolve()
    info = _load(wd / LAB_JSON)
    if not info:
        return {"workdir": str(wd), "up": False, "servers": {}}
    servers = {s["name"]: pid_alive(s["pid"], s.get("starttime")) and s["marker"] in
               _cmdline(s["pid"]) for s in _servers(info)}
    return {"workdir": str(wd), "up": bool(servers) and all(servers.values()),
            "servers": servers}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="cdn_lab.py", description=__doc__.split("\n\n")[0])
    sub = ap.add_subparsers(dest="cmd", required=True)
    p_up = sub.add_parser("up", help="start the lab, write WORKDIR/lab.json and print it")
    p_up.add_argument("workdir")
    p_up.add_argument("--with-varnish", nargs="?", const="yes", default="no",
                      choices=["yes", "auto", "no"],
                      help="also start a Varnish PURGE edge (auto: only if installed)")
    p_up.add_argument("--edges", type=int, default=2, help="number of nginx edges (2)")
    p_up.add_argument("--max-age", type=int, default=300,
                      help="Cache-Control max-age the origin sends (300)")
    p_up.add_argument("--timeout", type=float, default=20.0,
                      help="seconds to wait for each server (20)")
    p_up.add_argument("--docroot", help="origin document root (WORKDIR/docroot)")
    p_up.add_argument("--css-root", help="also serve this directory as a CSS (read-only)")
    p_up.add_argument("--restart", action="store_true",
                      help="stop a lab still up in WORKDIR (an interrupted run) first")
    p_down = sub.add_parser("down", help="stop what up started (idempotent)")
    p_down.add_argument("workdir")
    p_down.add_argument("--timeout", type=float, default=10.0,
                        help="seconds before SIGKILL (10)")
    p_st = sub.add_parser("status", help="print which servers of the lab are running")
    p_st.add_argument("workdir")
    p_put = sub.add_parser("put-file", help="copy a file into the origin's document root")
    p_put.add_argument("workdir")
    p_put.add_argument("src")
    p_put.add_argument("dest", help="path under the document root, e.g. pieces/swarm/0")
    a = ap.parse_args(argv)

    try:
        if a.cmd == "up":
            wv = {"yes": True, "auto": "auto", "no": False}[a.with_varnish]
            info = up(a.workdir, edges=a.edges, with_varnish=wv, max_age=a.max_age,
                      timeout=a.timeout, docroot=a.docroot, css_root=a.css_root,
                      restart=a.restart)
            print(json.dumps(info, indent=2))
        elif a.cmd == "down":
            stopped = down(a.workdir, a.timeout)
            print(f"cdn_lab: stopped {', '.join(stopped) if stopped else 'nothing'}")
        elif a.cmd == "status":
            st = status(a.workdir)
            print(json.dumps(st, indent=2))
            return 0 if st["up"] else 1
        elif a.cmd == "put-file":
            print(put_file(a.workdir, a.src, a.dest))
    except NotInstalled as e:
        print(f"cdn_lab: {e}", file=sys.stderr)
        return EXIT_NOT_INSTALLED
    except LabError as e:
        print(f"cdn_lab: {e}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
