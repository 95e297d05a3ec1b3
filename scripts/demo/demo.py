#!/usr/bin/python3
"""p2pcdn's end-to-end demo: the whole flow of TR 23.844 6.2.3 (DESIGN.md section 1) on loopback,
with real servers. Run through scripts/demo.sh, which installs and builds what it needs first.

It starts a CDN (nginx origin with WebDAV, caching nginx edges, an nginx 302 redirector), a CSS
(nginx holding the content), `p2pcdn tracker`, `p2pcdn ccs` (the NSCF, with the chosen storage
control policy), and a swarm of simulated UEs in this process that announce over HTTP, exchange
pieces with one another and fetch CDN pieces through the redirector, verifying every hash. It
prints each step as it happens, then a summary. Ctrl-C stops everything it started."""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import signal
import statistics
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from narrator import Narrator, mib  # noqa: E402
from services import Services  # noqa: E402

CONTENT_ID = "demo-content"
POLICIES = ("threshold", "budget", "ttl", "all", "none")
EDGE_MAX_AGE_S = 20     # how long the CDN's edges may serve a copy the origin no longer has


def parse_args(argv):
    ap = argparse.ArgumentParser(prog="scripts/demo.sh", description=__doc__.split("\n\n")[0])
    ap.add_argument("--ues", type=int, default=12, help="user peers, at least 4 (12)")
    ap.add_argument("--pieces", type=int, default=96, help="pieces of the content (96)")
    ap.add_argument("--piece-size", type=int, default=262144, help="bytes per piece (262144)")
    ap.add_argument("--policy", choices=POLICIES, default="threshold",
                    help="storage-control policy of the CCS (threshold)")
    ap.add_argument("--low-copies", type=int, default=2,
                    help="threshold/ttl: ingest a piece fewer UEs hold (2)")
    ap.add_argument("--high-copies", type=int, default=4,
                    help="threshold: purge a piece once this many UEs hold it (4)")
    ap.add_argument("--upload-kib", type=int, default=1024,
                    help="upload rate of a UE in KiB/s; the first three UEs get twice (1024)")
    ap.add_argument("--arrival-gap", type=float, default=2.0,
                    help="seconds between two UEs joining (2.0)")
    ap.add_argument("--max-time", type=float, default=150.0,
                    help="stop the swarm after this many seconds even if UEs are not done")
    ap.add_argument("--seed", type=int, default=1, help="random seed of the planners (1)")
    ap.add_argument("--json", metavar="FILE", help="also write the summary as JSON")
    ap.add_argument("--keep", action="store_true", help="keep the work directory and logs")
    ap.add_argument("--program", required=True, help=argparse.SUPPRESS)
    a = ap.parse_args(argv)
    if a.ues < 4:
        ap.error("--ues must be at least 4 (three partial seeds and one newcomer)")
    if not 8 <= a.pieces <= 100000:
        ap.error("--pieces must be 8 to 100000")
    if not 1024 <= a.piece_size <= (16 << 20):
        ap.error("--piece-size must be 1 KiB to 16 MiB")
    if a.pieces * a.piece_size > (1 << 30):
        ap.error("the content must stay under 1 GiB (pieces x piece size)")
    if a.high_copies <= a.low_copies:
        ap.error("--high-copies must be above --low-copies")
    return a


def seed_pieces(n: int) -> list[list[int]]:
    """What the three first UEs hold when they join: overlapping parts, so that most pieces have
    two or three copies, a few one, and the last tenth none (only the CSS has them)."""
    r = lambda a, b: list(range(int(a * n), int(b * n)))  # noqa: E731
    return [r(0, 0.7), r(0.2, 0.9), r(0, 0.2) + r(0.6, 0.85)]


def write_content(path: Path, size: int, seed: int) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(random.Random(seed).randbytes(size))


def policy_config(a) -> dict:
    if a.policy == "threshold":
        return {"kind": "threshold", "low_copies": a.low_copies, "high_copies": a.high_copies,
                "min_residency_ms": 5000}
    if a.policy == "ttl":
        return {"kind": "ttl", "low_copies": a.low_copies, "ttl_s": 40, "renew_before_s": 10}
    if a.policy == "budget":
        return {"kind": "budget", "budget_bytes": a.piece_size * max(1, a.pieces // 5),
                "min_residency_ms": 5000}
    return {"kind": a.policy}


def ccs_config(a, work: Path, lab, content_path: Path, tracker_url: str) -> Path:
    base = f"/p2pcdn/{{content}}/{{piece}}"
    config = {
        "v": 1,
        "content": {"id": CONTENT_ID, "file": str(content_path),
                    "piece_length": a.piece_size, "algo": "sha1"},
        "css": {"object_url": f"{lab.css_url}/{content_path.name}"},
        "cdn": {
            "delivery_template": lab.redirector_url + base,
            "origin": {"ingest_template": lab.origin_url + base},
            # nginx edges cannot PURGE: the CCS deletes at the origin and the edges' copies
            # expire within the origin's max-age (EDGE_MAX_AGE_S).
            "ingest_chain": ["origin"],
            "purge_chain": ["origin"],
        },
        "policy": policy_config(a),
        "tracker": {"url": tracker_url},
        "journal": {"path": str(work / "ccs.journal")},
        "ttl_s": 300 if a.policy != "ttl" else 40,
        "safety_margin_s": 10,
    }
    path = work / "ccs.json"
    path.write_text(json.dumps(config, indent=2) + "\n")
    return path


def count_objects(lab) -> int:
    d = Path(lab.info["docroot"]) / "p2pcdn" / CONTENT_ID
    return sum(1 for p in d.iterdir() if p.is_file()) if d.is_dir() else 0


def css_bytes(lab, name: str) -> tuple[int, int]:
    """(requests, body bytes) the CSS served for the content object `name`, from its nginx
    access log (combined format); the lab's own readiness probes are not counted."""
    requests = sent = 0
    try:
        lines = Path(lab.info["css"]["access_log"]).read_text(errors="replace").splitlines()
    except OSError:
        return 0, 0
    for line in lines:
        parts = line.split('"')
        if len(parts) < 3 or parts[1].split(" ")[1:2] != [f"/{name}"]:
            continue
        fields = parts[2].split()
        if len(fields) >= 2 and fields[0] in ("200", "206") and fields[1].isdigit():
            requests += 1
            sent += int(fields[1])
    return requests, sent


def main(argv) -> int:
    a = parse_args(argv)
    import p2pcdn  # after parse_args: --help works without the library
    from swarm import Swarm, UeSpec

    work = Path(tempfile.mkdtemp(prefix="p2pcdn-demo-"))
    services = Services(work, Path(a.program))
    stop = {"now": False}

    def interrupt(signum, frame):
        stop["now"] = True

    signal.signal(signal.SIGINT, interrupt)
    signal.signal(signal.SIGTERM, interrupt)
    swarm = None
    summary = None
    try:
        size = a.pieces * a.piece_size
        content_path = work / "css" / "demo-content.bin"
        write_content(content_path, size, a.seed)
        content = p2pcdn.Content.from_file(CONTENT_ID, str(content_path), a.piece_size)

        lab = services.start_cdn(content_path.parent, EDGE_MAX_AGE_S)
        tracker, tracker_url = services.start(
            "tracker", ["tracker", "--listen", "127.0.0.1:0", "--interval", "2", "--log-json"])
        narrator = Narrator(css_url=f"{lab.css_url}/{content_path.name}",
                            tracker_url=tracker_url)
        print(f"p2pcdn demo: {a.ues} UEs, content {CONTENT_ID} of {a.pieces} pieces x "
              f"{a.piece_size} bytes ({mib(size)}), policy {a.policy}")
        print(f"  CDN      origin {lab.origin_url} (WebDAV PUT/DELETE), edges "
              f"{' '.join(lab.edge_urls)} (max-age {EDGE_MAX_AGE_S} s), 302 redirector "
              f"{lab.redirector_url}")
        print(f"  CSS      {narrator.css_url}")
        print(f"  tracker  {tracker_url}  (p2pcdn tracker)")
        print(f"  work dir {work}\n", flush=True)

        seeds = seed_pieces(a.pieces)
        rate = a.upload_kib * 1024.0
        specs = [UeSpec(f"ue-{i + 1:02d}", rate * 2, 0.0, seeds[i]) for i in range(3)]
        specs += [UeSpec(f"ue-{i + 1:02d}", rate, float("inf")) for i in range(3, a.ues)]
        swarm = Swarm(content=content, content_path=str(content_path),
                      tracker_url=tracker_url, specs=specs, events=narrator, seed=a.seed,
                      announce_every=2.0)
        while not all(ue.online for ue in swarm.ues[:3]):
            swarm.run_once()

        config = ccs_config(a, work, lab, content_path, tracker_url)
        services.start("ccs", ["ccs", "--config", str(config), "--listen", "127.0.0.1:0",
                               "--stats-interval", "1000", "--rejoin-interval", "1000",
                               "--log-json", "--purge-on-exit"],
                       on_line=narrator.ccs_line)
        first = swarm.elapsed() + 3.0
        for k, spec in enumerate(specs[3:]):
            spec.arrive_at = first + k * a.arrival_gap

        objects = drive(a, swarm, narrator, lab, stop)
        if stop["now"]:
            print("\ninterrupted: stopping everything", flush=True)
        summary = summarize(a, swarm, narrator, css_bytes(lab, content_path.name), objects)
        services.daemons[-1].stop()  # the CCS: with --purge-on-exit it clears the CDN
        summary["cdn_objects_after_ccs_exit"] = count_objects(lab)
        print_summary(summary)
        if a.json:
            Path(a.json).write_text(json.dumps(summary, indent=2) + "\n")
    finally:
        signal.signal(signal.SIGINT, signal.SIG_IGN)  # a second Ctrl-C must not skip cleanup
        if swarm is not None:
            swarm.close()
        services.close()
        if a.keep:
            print(f"logs and files kept in {work}")
        else:
            shutil.rmtree(work, ignore_errors=True)
    if summary is None:
        return 1
    return 0 if summary["complete_ues"] == a.ues or stop["now"] else 3


def drive(a, swarm, narrator, lab, stop) -> list[tuple[float, int]]:
    """Runs the swarm until every UE is complete (or --max-time, or Ctrl-C), then gives the CCS
    time to purge what the swarm no longer needs. The CDN object count, sampled each second."""
    objects = [(0.0, count_objects(lab))]
    last_sample = 0.0
    while not stop["now"] and not swarm.all_complete and swarm.elapsed() < a.max_time:
        swarm.run_once()
        if swarm.elapsed() - last_sample >= 1.0:
            last_sample = swarm.elapsed()
            objects.append((round(last_sample, 1), count_objects(lab)))
            narrator.periodic(objects[-1][1])
    # Let the CCS see the finished swarm and purge what it no longer needs (steps 9-11).
    if swarm.all_complete and a.policy != "all":
        narrator.line("all UEs complete; waiting for the CCS to purge the CDN copies")
        deadline = time.monotonic() + 20
        while not stop["now"] and time.monotonic() < deadline and count_objects(lab):
            swarm.run_once(0.1)
            if swarm.elapsed() - last_sample >= 1.0:
                last_sample = swarm.elapsed()
                objects.append((round(last_sample, 1), count_objects(lab)))
        # The origin's files go before the CCS's log line saying so reaches us: wait for
        # the line, so that steps 10 and 11 are counted.
        t = narrator.totals
        deadline = time.monotonic() + 2
        while (time.monotonic() < deadline and not count_objects(lab)
               and t["purged_pieces"] + t["expired_pieces"] < t["ingested_pieces"]):
            swarm.run_once(0.05)
    objects.append((round(swarm.elapsed(), 1), count_objects(lab)))
    return objects


def summarize(a, swarm, narrator, css, objects) -> dict:
    t = narrator.totals
    css_requests, css_sent = css
    times = sorted(ue.completed_at - ue.joined_at for ue in swarm.ues if ue.completed_at)
    all_bytes = t["peer_bytes"] + t["cdn_bytes"]
    return {
        "ues": a.ues, "pieces": a.pieces, "piece_size": a.piece_size, "policy": a.policy,
        "elapsed_s": round(swarm.elapsed(), 1),
        "complete_ues": len(times),
        "bytes_from_css": css_sent, "css_requests": css_requests,
        "bytes_from_cdn": t["cdn_bytes"], "pieces_from_cdn": t["cdn_pieces"],
        "bytes_from_peers": t["peer_bytes"], "pieces_from_peers": t["peer_pieces"],
        "offload": round(t["peer_bytes"] / all_bytes, 4) if all_bytes else 0.0,
        "cdn_failures": t["cdn_failures"], "cdn_redirects": t["redirects"],
        "surrogates": sorted(narrator.surrogates),
        "ccs_rounds": t["rounds"], "ingested_pieces": t["ingested_pieces"],
        "purged_pieces": t["purged_pieces"], "expired_pieces": t["expired_pieces"],
        "cdn_objects_over_time": objects,
        "completion_s": {
            "each": [round(x, 1) for x in times],
            "p50": round(statistics.median(times), 1) if times else None,
            "max": round(times[-1], 1) if times else None,
        },
        "steps_seen": sorted(narrator.seen),
    }


def print_summary(s: dict) -> None:
    print("\nSummary")
    print(f"  UEs complete         {s['complete_ues']} of {s['ues']} in {s['elapsed_s']} s")
    print(f"  bytes from the CSS   {mib(s['bytes_from_css'])} in {s['css_requests']} range "
          f"requests (CDN ingest)")
    print(f"  bytes from the CDN   {mib(s['bytes_from_cdn'])} ({s['pieces_from_cdn']} pieces, "
          f"{s['cdn_redirects']} redirects to {', '.join(s['surrogates']) or '-'})")
    print(f"  bytes from peers     {mib(s['bytes_from_peers'])} ({s['pieces_from_peers']} "
          f"pieces); offload {100 * s['offload']:.1f}%")
    print(f"  CCS                  {s['ccs_rounds']} statistics rounds, "
          f"{s['ingested_pieces']} pieces ingested, {s['purged_pieces']} purged, "
          f"{s['expired_pieces']} left to expire")
    samples = s["cdn_objects_over_time"]
    step = max(1, len(samples) // 12)
    shown = samples[::step] + ([samples[-1]] if (len(samples) - 1) % step else [])
    print("  CDN objects          " + "  ".join(f"{t:.0f}s:{n}" for t, n in shown))
    print(f"  after the CCS exit   {s['cdn_objects_after_ccs_exit']} objects left in the CDN")
    c = s["completion_s"]
    if c["each"]:
        print(f"  completion times     median {c['p50']} s, max {c['max']} s  "
              f"(each: {', '.join(str(x) for x in c['each'])})")
    missing = [n for n in range(1, 12) if n not in s["steps_seen"]]
    print(f"  steps seen           {len(s['steps_seen'])} of 11"
          + (f" (not seen: {', '.join(map(str, missing))})" if missing else ""))


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
