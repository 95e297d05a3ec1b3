#!/usr/bin/python3
"""tracker_policy_nscf.py --css TEMPLATE --ingest TEMPLATE --delivery TEMPLATE
                          [--piece-length N] [--journal PATH] FILE

The three CCS-side parts of p2pcdn driven from Python (TR 23.844 steps 2 to 11):

  - a Tracker in this process, holding the swarm of FILE (content id "py-example");
  - a storage-control policy written in Python (Policy.from_callable): a piece held by fewer
    than 2 UEs goes into the CDN, one held by 3 or more comes out of it;
  - the NSCF (Nscf), which runs that policy on the tracker's statistics, ingests the pieces it
    picks from the CSS into the CDN, publishes them to the tracker, and later withdraws and
    purges them.

  --css       where the content's pieces are (the Content Source Server), a URI template
              such as http://origin/css/{content}/{piece}
  --ingest    where the NSCF PUTs a piece into the CDN (an origin with WebDAV)
  --delivery  the URI UEs GET it from (a redirector in front of the edges)

It plays a small swarm against the tracker, checks that a UE gets a scarce piece from the CDN
(verified against its hash), lets the swarm fill up so the policy purges, and shuts the NSCF
down with nothing left in the CDN. Exit status 0 when all of that happened, 1 otherwise.

The p2pcdn package must be importable (PYTHONPATH=bindings/python in a source checkout).
"""

import argparse
import sys
import tempfile
import time
from pathlib import Path

import p2pcdn
from p2pcdn import Bitmap, Content, Fetcher, Nscf, Policy, Tracker

CONTENT_ID = "py-example"
LOW, HIGH = 2, 3  # the policy's thresholds, in UE copies
TTL_S = 600


def scarcity_policy(view):
    """The policy: called by the NSCF with a PolicyInput each round; returns the pieces to
    ingest (with their TTL) and the held pieces to purge."""
    held = {h.piece for h in view.holdings}
    ingest = [(piece, TTL_S) for piece, copies in enumerate(view.copies)
              if copies < LOW and piece not in held]
    purge = [piece for piece in sorted(held) if view.copies[piece] >= HIGH]
    return ingest, purge


def settle(nscf, want_published, budget_s=20):
    """Asks for statistics and steps the NSCF until it holds exactly want_published pieces,
    all advertised, with no CDN job running. The holdings, or None when it did not settle."""
    nscf.request_stats()
    deadline = time.monotonic() + budget_s
    while time.monotonic() < deadline:
        running = nscf.step(100)
        holdings = nscf.holdings()
        if running == 0 and len(holdings) == want_published and all(
                h.state == "published" for h in holdings):
            return holdings
    return None


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--css", required=True)
    parser.add_argument("--ingest", required=True)
    parser.add_argument("--delivery", required=True)
    parser.add_argument("--piece-length", type=int, default=64 * 1024)
    parser.add_argument("--journal")
    parser.add_argument("file")
    args = parser.parse_args()

    data = Path(args.file).read_bytes()
    content = Content.from_file(CONTENT_ID, args.file, args.piece_length)
    pieces = content.piece_count
    if pieces < 2:
        print("the content needs at least 2 pieces", file=sys.stderr)
        return 2
    journal = args.journal or str(Path(tempfile.mkdtemp()) / "nscf.journal")
    half, full = Bitmap(pieces), Bitmap(pieces)
    half.set_range(0, pieces // 2)
    full.fill()
    scarce = list(range(pieces // 2, pieces))

    with Tracker() as tracker, Policy.from_callable(scarcity_policy) as policy, \
            Nscf(content, cdn={"delivery_template": args.delivery,
                               "origin_ingest_template": args.ingest},
                 css={"piece_template": args.css}, policy=policy, tracker=tracker,
                 journal_path=journal, peer_id="ccs-python", address="127.0.0.1",
                 port=6999) as nscf:
        tracker.add_content(CONTENT_ID, pieces)
        nscf.join()  # step 2: the CCS joins the swarm as a network peer
        print(f"NSCF joined the swarm of {CONTENT_ID} ({pieces} pieces)")

        # Steps 1 and 3 to 5: UEs join; the scarce half is ingested and published.
        for n, held in ((1, half), (2, half), (3, None)):
            tracker.announce(CONTENT_ID, f"ue-{n}", "127.0.0.1", 7000 + n, event="started",
                             bitmap=held)
        holdings = settle(nscf, len(scarce))
        if holdings is None or [h.piece for h in holdings] != scarce:
            print(f"the NSCF did not publish the scarce pieces: {nscf.holdings()}",
                  file=sys.stderr)
            return 1
        print(f"published pieces {scarce[0]}-{scarce[-1]} at {holdings[0].uri}")

        # Steps 6 and 7: the empty UE is told of the CDN source and GETs a piece from it.
        with tracker.announce(CONTENT_ID, "ue-3", "127.0.0.1", 7003) as answer:
            uri, _ = answer.cdn_uri_for_piece(scarce[-1])
        with Fetcher(content) as fetcher:
            result = fetcher.get(scarce[-1], uri)
        offset, length = content.piece_range(scarce[-1])
        if not result.ok or result.data != data[offset:offset + length]:
            print(f"the UE could not get piece {scarce[-1]}: {result.message}", file=sys.stderr)
            return 1
        print(f"a UE fetched piece {scarce[-1]} ({len(result.data)} bytes, "
              f"{result.redirects} redirect(s)), verified")

        # Steps 9 to 11: three UEs complete; the policy lets every piece go.
        for n in (4, 5, 6):
            tracker.announce(CONTENT_ID, f"ue-{n}", "127.0.0.1", 7000 + n, event="completed",
                             bitmap=full)
        if settle(nscf, 0) is None:
            print(f"the NSCF did not purge: {nscf.holdings()}", file=sys.stderr)
            return 1
        with tracker.announce(CONTENT_ID, "ue-3", "127.0.0.1", 7003) as answer:
            advertised = len(answer.cdn_sources)
        print(f"withdrawn and purged; the tracker advertises {advertised} CDN sources")

        clean = nscf.shutdown(purge_all=True, timeout_ms=30000)
        m = nscf.metrics()
        print(f"ingested {m.pieces_ingested} pieces ({m.bytes_ingested} bytes), purged "
              f"{m.pieces_purged}; shutdown {'clean' if clean else 'NOT clean'}")
        return 0 if clean and advertised == 0 else 1


if __name__ == "__main__":
    try:
        sys.exit(main())
    except p2pcdn.P2pcdnError as e:
        print(f"tracker_policy_nscf: {e}", file=sys.stderr)
        sys.exit(1)
