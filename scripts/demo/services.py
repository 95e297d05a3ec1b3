"""The processes the demo starts and stops: the loopback CDN lab with the CSS (nginx, through
tests/integration/cdn_lab.py), the `p2pcdn tracker` daemon and the `p2pcdn ccs` daemon.

Daemons run in their own session, so a Ctrl-C reaches only the demo, which then stops them in
order: the CCS first (it withdraws and purges what it holds), then the tracker, then the CDN."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "tests" / "integration"))
import cdn_lab  # noqa: E402  (the same lab the integration tests start)

LISTENING = re.compile(r"listening on (\S+):(\d+)")


class Daemon:
    """One `p2pcdn` daemon. Its stderr (the log) goes to log_path and, line by line, to
    on_line; its stdout announces the address it listens on."""

    def __init__(self, name: str, argv: list[str], log_path: Path, on_line=None):
        self.name = name
        self.log_path = log_path
        self.on_line = on_line
        self.listening: tuple[str, int] | None = None
        self._ready = threading.Event()
        self.proc = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                     stdin=subprocess.DEVNULL, start_new_session=True,
                                     text=True, bufsize=1)
        self._threads = [threading.Thread(target=self._read_stdout, daemon=True),
                         threading.Thread(target=self._read_log, daemon=True)]
        for t in self._threads:
            t.start()

    def _read_stdout(self):
        for line in self.proc.stdout:
            m = LISTENING.search(line)
            if m and not self._ready.is_set():
                self.listening = (m.group(1), int(m.group(2)))
                self._ready.set()
        self._ready.set()  # exited: wake a waiter, which then sees no address

    def _read_log(self):
        with open(self.log_path, "w") as log:
            for line in self.proc.stderr:
                log.write(line)
                log.flush()
                if self.on_line is not None:
                    try:
                        self.on_line(line.rstrip("\n"))
                    except Exception as e:  # keep draining: a full pipe would stall the daemon
                        print(f"demo: cannot show a {self.name} log line: {e!r}",
                              file=sys.stderr)

    def wait_listening(self, timeout: float = 20.0) -> str:
        self._ready.wait(timeout)
        if self.listening is None:
            self.stop()
            raise RuntimeError(f"{self.name} did not start; its log: {self.log_path}\n"
                               + tail(self.log_path))
        host, port = self.listening
        return f"http://{host}:{port}"

    # Above the ccs daemon's own 30 s for withdrawing and purging everything on its way out.
    def stop(self, timeout: float = 45.0) -> int | None:
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        for t in self._threads:
            t.join(5)
        return self.proc.returncode


def tail(path: Path, lines: int = 15) -> str:
    try:
        return "".join(Path(path).read_text(errors="replace").splitlines(True)[-lines:])
    except OSError:
        return ""


class Services:
    """Everything the demo started, stopped in reverse order by close()."""

    def __init__(self, work: Path, program: Path):
        self.work = work
        self.program = program
        self.lab: cdn_lab.CdnLab | None = None
        self.daemons: list[Daemon] = []

    def start_cdn(self, css_root: Path, max_age: int, edges: int = 2) -> cdn_lab.CdnLab:
        self.lab = cdn_lab.CdnLab(self.work / "cdn", edges=edges, css_root=css_root,
                                  max_age=max_age, restart=True)
        self.lab.up()
        return self.lab

    def start(self, name: str, args: list[str], on_line=None) -> tuple[Daemon, str]:
        daemon = Daemon(name, [str(self.program), *args], self.work / f"{name}.log", on_line)
        self.daemons.append(daemon)
        return daemon, daemon.wait_listening()

    def close(self) -> None:
        for daemon in reversed(self.daemons):
            daemon.stop()
        self.daemons.clear()
        if self.lab is not None:
            self.lab.down()
            self.lab = None
