"""What the demo prints: each of the eleven steps of TR 23.844's flow (DESIGN.md section 1) as it
happens, with the real URLs and counts, and the totals the summary needs.

Events come from two places: the UE swarm in this process (steps 1, 6, 7, 8) and the JSON log
lines of the `p2pcdn ccs` daemon (steps 2, 3, 4, 5, 9, 10, 11). The first occurrences of a step
are printed in full; frequent ones (pieces fetched, pieces exchanged) are then summed into one
line every few seconds so the output stays readable."""

from __future__ import annotations

import json
import sys
import threading
import time

STEP_TITLES = {
    1: "UE joins the swarm, gets a peer list",
    2: "CCS (NSCF) joins the swarm as a network peer",
    3: "tracker sends swarm statistics to the CCS",
    4: "CCS ingests pieces from the CSS into the CDN",
    5: "CCS gives the tracker the CDN URIs",
    6: "UE gets a peer list with CDN URIs and peers",
    7: "UE GETs a piece from the CDN, following its redirection",
    8: "UEs exchange pieces peer to peer",
    9: "tracker sends statistics again",
    10: "CCS withdraws pieces now popular in the swarm",
    11: "CCS purges them from the CDN (or lets the TTL expire)",
}

FULL_LINES = 3          # occurrences of a frequent step printed in full
SUMMARY_EVERY = 5.0     # seconds between the summed lines


def mib(n: float) -> str:
    return f"{n / (1 << 20):.1f} MiB"


def strip_query(url: str) -> str:
    # Demo URLs carry no tokens, but a redirect could; never print a query string.
    return url.split("?", 1)[0]


class Narrator:
    def __init__(self, *, css_url: str, tracker_url: str, out=sys.stdout):
        self.out = out
        self.css_url = css_url
        self.tracker_url = tracker_url
        self.started = time.monotonic()
        self.lock = threading.Lock()   # the ccs log arrives on a reader thread
        self.seen: dict[int, int] = {}
        self.window = {"cdn_pieces": 0, "cdn_bytes": 0, "peer_pieces": 0, "peer_bytes": 0}
        self.last_summary = self.started
        self.totals = {"cdn_pieces": 0, "cdn_bytes": 0, "peer_pieces": 0, "peer_bytes": 0,
                       "cdn_failures": 0, "ingested_pieces": 0, "purged_pieces": 0,
                       "expired_pieces": 0, "rounds": 0, "redirects": 0}
        self.surrogates: set[str] = set()
        self.ccs_metrics: dict | None = None

    # -- printing -----------------------------------------------------------------------------

    def elapsed(self) -> float:
        return time.monotonic() - self.started

    def line(self, text: str) -> None:
        with self.lock:
            print(f"[{self.elapsed():6.1f}s] {text}", file=self.out, flush=True)

    def step(self, n: int, text: str, always: bool = False) -> bool:
        """Prints step n's line while it is among its first FULL_LINES (or always)."""
        with self.lock:
            count = self.seen.get(n, 0)
            self.seen[n] = count + 1
        if count == 0:
            self.line(f"step {n:>2}  {STEP_TITLES[n]}")
        if always or count < FULL_LINES:
            self.line(f"         {text}")
            return True
        return False

    def periodic(self, cdn_objects: int) -> None:
        now = time.monotonic()
        if now - self.last_summary < SUMMARY_EVERY:
            return
        with self.lock:
            w = dict(self.window)
            for k in self.window:
                self.window[k] = 0
        self.last_summary = now
        self.line(f"         last {SUMMARY_EVERY:.0f} s: {w['peer_pieces']} pieces peer to peer "
                  f"({mib(w['peer_bytes'])}), {w['cdn_pieces']} from the CDN "
                  f"({mib(w['cdn_bytes'])}); CDN objects now {cdn_objects}")

    # -- the UE side (swarm.py calls these) ---------------------------------------------------

    def announced(self, ue, event: str, answer) -> None:
        if event != "started":
            return
        sources = answer.cdn_sources
        peers = ", ".join(p.id.decode(errors="replace") for p in answer) or "none"
        if sources:
            held = sum(s.pieces.count() for s in sources)
            self.step(6, f"{ue.name}: POST {self.tracker_url}/announce -> peers [{peers}] and "
                         f"{len(sources)} CDN source(s) {sources[0].uri} for {held} pieces",
                      always=True)
        else:
            self.step(1, f"{ue.name}: POST {self.tracker_url}/announce -> peers [{peers}], "
                         f"no CDN source", always=True)

    def cdn_fetch(self, ue, piece: int, uri: str, result) -> None:
        with self.lock:
            for d in (self.window, self.totals):
                d["cdn_pieces"] += 1
                d["cdn_bytes"] += result.bytes
            self.totals["redirects"] += result.redirects
            final = strip_query(result.final_url)
            self.surrogates.add(final.split("/", 3)[2] if "//" in final else final)
        self.step(7, f"{ue.name}: GET {uri} -> {result.redirects} redirect(s) -> {final}: "
                     f"{result.bytes} bytes, piece hash verified")

    def cdn_failure(self, ue, piece: int, uri: str, result) -> None:
        with self.lock:
            self.totals["cdn_failures"] += 1
        self.line(f"         {ue.name}: GET {uri} failed: {result.status} {result.message}")

    def peer_piece(self, uploader, downloader, piece: int, size: int) -> None:
        with self.lock:
            for d in (self.window, self.totals):
                d["peer_pieces"] += 1
                d["peer_bytes"] += size
        self.step(8, f"{downloader.name} got piece {piece} ({size} bytes) from "
                     f"{uploader.name}, hash verified")

    def completed(self, ue) -> None:
        took = ue.completed_at - ue.joined_at
        self.line(f"         {ue.name} complete after {took:.1f} s: "
                  f"{mib(ue.bytes_from_peers)} from peers, {mib(ue.bytes_from_cdn)} from the CDN")

    # -- the CCS side: one JSON log line of `p2pcdn ccs --log-json` ---------------------------

    def ccs_line(self, raw: str) -> None:
        try:
            record = json.loads(raw)
        except ValueError:
            return
        if not isinstance(record, dict):
            return
        kind = record.get("event")
        handler = CCS_EVENTS.get(kind)
        if handler is not None:
            handler(self, record)

    def _joined(self, r):
        self.step(2, f"CCS joined swarm {r.get('content', '')} at {self.tracker_url} as a "
                     f"network peer", always=True)

    def _round(self, r):
        with self.lock:
            self.totals["rounds"] += 1
            first = self.totals["rounds"] == 1
        text = (f"report #{r.get('seq')}: fewest copies of a piece {r.get('min_copies')}; "
                f"policy: ingest {r.get('ingest', 0)}, purge {r.get('purge', 0)}")
        if first:
            self.step(3, text, always=True)
        elif r.get("ingest") or r.get("purge"):
            self.step(9, text, always=True)
        else:
            self.step(9, text)

    def _ingest_started(self, r):
        self.step(4, f"{r.get('count')} pieces ({r.get('pieces')}) from the CSS "
                     f"{self.css_url} into the CDN origin", always=True)

    def _ingest_confirmed(self, r):
        with self.lock:
            self.totals["ingested_pieces"] += int(r.get("count", 0))
        self.step(4, f"uploaded {r.get('count')} pieces ({r.get('pieces')}), "
                     f"{mib(int(r.get('bytes', 0)))}", always=True)

    def _ingest_failed(self, r):
        self.line(f"         CCS ingest failed for {r.get('pieces')}: {r.get('message', '')}")

    def _published(self, r):
        self.step(5, f"published {r.get('count')} pieces ({r.get('pieces')}) as "
                     f"{r.get('uri')}", always=True)

    def _withdrawn(self, r):
        self.step(10, f"withdrew {r.get('count')} pieces ({r.get('pieces')}) from the "
                      f"tracker", always=True)

    def _purged(self, r):
        with self.lock:
            self.totals["purged_pieces"] += int(r.get("count", 0))
        self.step(11, f"purged {r.get('count')} pieces ({r.get('pieces')}) from the CDN",
                  always=True)

    def _expired(self, r):
        with self.lock:
            self.totals["expired_pieces"] += int(r.get("count", 0))
        self.step(11, f"{r.get('count')} pieces ({r.get('pieces')}) left to their TTL",
                  always=True)

    def _problem(self, r):
        self.line(f"         CCS {r.get('event')}: {r.get('message', '')}")

    def _metrics(self, r):
        with self.lock:
            self.ccs_metrics = r


CCS_EVENTS = {
    "joined": Narrator._joined,
    "round": Narrator._round,
    "ingest_started": Narrator._ingest_started,
    "ingest_confirmed": Narrator._ingest_confirmed,
    "ingest_failed": Narrator._ingest_failed,
    "published": Narrator._published,
    "withdrawn": Narrator._withdrawn,
    "purged": Narrator._purged,
    "expired": Narrator._expired,
    "purge_failed": Narrator._problem,
    "link_failed": Narrator._problem,
    "policy_failed": Narrator._problem,
    "metrics": Narrator._metrics,
}
