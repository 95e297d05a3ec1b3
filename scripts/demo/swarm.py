"""The demo's user peers (UEs): many simulated UEs in one process, on the library's Python
binding. Each UE announces to the tracker over HTTP (p2pcdn.Announcer), plans where each missing
piece comes from (p2pcdn.Planner), fetches CDN pieces over HTTP through the CDN's redirector with
its own p2pcdn.Fetcher (which verifies every piece hash), and exchanges pieces with the other
UEs. The peer-to-peer exchange is the host's own protocol in the design (step 8), so here it is
simulated: an upload takes piece_size / (upload rate / upload slots) of wall-clock time, and the
receiver verifies the bytes against the piece hash like any BitTorrent client would.

One thread drives everything (Swarm.run_once), so the UEs need no locks."""

from __future__ import annotations

import heapq
import time
from dataclasses import dataclass, field

import p2pcdn

UPLOAD_SLOTS = 4        # concurrent uploads per UE (BitTorrent's usual unchoke count)
DOWNLOAD_REQUESTS = 6   # requests a UE keeps in flight (peers and CDN together)


@dataclass
class Transfer:
    """One piece moving from one UE to another; done at `end` (time.monotonic())."""
    end: float
    uploader: "Ue"
    downloader: "Ue"
    piece: int

    def __lt__(self, other):
        return self.end < other.end


@dataclass
class UeSpec:
    name: str
    upload_bps: float
    arrive_at: float                 # seconds after the swarm starts
    pieces: list[int] = field(default_factory=list)   # what it holds when it arrives


class Ue:
    """One user peer. `swarm` is the Swarm it lives in (for its neighbours, the clock and the
    event sink)."""

    def __init__(self, swarm: "Swarm", index: int, spec: UeSpec):
        self.swarm = swarm
        self.spec = spec
        self.name = spec.name
        self.peer_id = spec.name.encode()
        self.port = 20000 + index
        n = swarm.content.piece_count
        self.have = p2pcdn.Bitmap(n)
        for i in spec.pieces:
            self.have.set(i)
        self.store: dict[int, bytes] = {i: swarm.pieces[i] for i in spec.pieces}
        self.planner = p2pcdn.Planner(n, rng_seed=swarm.seed * 1000 + index + 1,
                                      max_cdn_in_flight=4, max_per_peer_in_flight=2)
        self.planner.set_have(self.have)
        self.fetcher = p2pcdn.Fetcher(swarm.content, timeout_ms=20000)
        self.peers: dict[bytes, Ue] = {}
        self.peer_list: p2pcdn.PeerList | None = None
        self.online = False
        self.joined_at: float | None = None
        self.completed_at: float | None = None
        self.next_announce = 0.0
        self.gained: list[int] = []
        self.uploads = 0
        self.upload_queue: list[tuple[Ue, int]] = []
        self.requests = 0
        self.bytes_from_peers = 0
        self.bytes_from_cdn = 0
        self.uploaded = 0

    # -- tracker ------------------------------------------------------------------------------

    def announce(self, event: str) -> None:
        s = self.swarm
        kwargs = dict(content_id=s.content.id, peer_id=self.peer_id, address="127.0.0.1",
                      port=self.port, event=event, piece_count=s.content.piece_count,
                      uploaded=self.uploaded,
                      downloaded=self.bytes_from_peers + self.bytes_from_cdn)
        if event in ("started", "completed") or not self.gained:
            kwargs["bitmap"] = self.have
        else:
            kwargs["have"] = list(self.gained)
        if event == "stopped":
            kwargs["numwant"] = 0
        answer = s.announcer.announce(**kwargs)
        self.gained.clear()
        self.next_announce = time.monotonic() + s.announce_every
        if event == "stopped":
            return
        self.peer_list = answer
        self.planner.set_sources(answer)
        s.events.announced(self, event, answer)
        for peer in answer:
            other = s.by_id.get(peer.id)
            if other is not None and other is not self and other.online:
                self.connect(other)

    def connect(self, other: "Ue") -> None:
        # A connection is symmetric: both learn the other's bitmap (BitTorrent's bitfield).
        if other.peer_id in self.peers:
            return
        self.peers[other.peer_id] = other
        other.peers[self.peer_id] = self
        self.planner.set_peer(other.peer_id, other.have)
        other.planner.set_peer(self.peer_id, self.have)

    def leave(self) -> None:
        self.announce("stopped")
        self.online = False
        for other in list(self.peers.values()):
            other.planner.remove_peer(self.peer_id)
            del other.peers[self.peer_id]
        self.peers.clear()

    # -- pieces -------------------------------------------------------------------------------

    @property
    def complete(self) -> bool:
        return self.have.is_all()

    def request_more(self, now_ms: int) -> None:
        free = DOWNLOAD_REQUESTS - self.requests
        if free <= 0 or self.complete:
            return
        for req in self.planner.next(now_ms, free):
            self.requests += 1
            if req.source == "cdn":
                self.fetch_from_cdn(req.piece)
            else:
                self.peers[req.peer_key].queue_upload(self, req.piece)

    def fetch_from_cdn(self, piece: int) -> None:
        found = self.peer_list.cdn_uri_for_piece(piece)
        if found is None:  # the source expired since the plan; plan the piece again
            self.requests -= 1
            self.planner.done(piece, "gone")
            return
        uri = found[0]

        def finished(result, piece=piece, uri=uri):
            self.requests -= 1
            if result.ok:  # the fetcher verified the hash already
                self.bytes_from_cdn += result.bytes
                self.swarm.events.cdn_fetch(self, piece, uri, result)
                self.gain(piece, result.data)
            else:
                self.swarm.events.cdn_failure(self, piece, uri, result)
                self.planner.done(piece, "gone" if result.status == "gone" else "failed")

        self.fetcher.submit(piece, uri, finished)

    def queue_upload(self, downloader: "Ue", piece: int) -> None:
        self.upload_queue.append((downloader, piece))
        self.start_uploads()

    def start_uploads(self) -> None:
        while self.uploads < UPLOAD_SLOTS and self.upload_queue:
            downloader, piece = self.upload_queue.pop(0)
            if not downloader.online:
                continue
            self.uploads += 1
            size = len(self.store[piece])
            seconds = size / (self.spec.upload_bps / UPLOAD_SLOTS)
            self.swarm.schedule(Transfer(time.monotonic() + seconds, self, downloader, piece))

    def received(self, transfer: Transfer) -> None:
        data = transfer.uploader.store[transfer.piece]
        self.requests -= 1
        if not self.swarm.content.verify_piece(transfer.piece, data):
            # Never with the honest peers of this demo; a real client would ban the sender.
            self.swarm.events.line(f"{self.name}: piece {transfer.piece} from "
                                   f"{transfer.uploader.name} failed its hash check")
            self.planner.done(transfer.piece, "failed")
            return
        self.bytes_from_peers += len(data)
        transfer.uploader.uploaded += len(data)
        self.swarm.events.peer_piece(transfer.uploader, self, transfer.piece, len(data))
        self.gain(transfer.piece, data)

    def gain(self, piece: int, data: bytes) -> None:
        if piece in self.have:
            self.planner.done(piece, "done")
            return
        self.have.set(piece)
        self.store[piece] = data
        self.gained.append(piece)
        self.planner.done(piece, "done")
        for other in self.peers.values():  # BitTorrent's HAVE message
            other.planner.peer_have(self.peer_id, piece)
        if self.complete and self.completed_at is None:
            self.completed_at = time.monotonic()
            self.announce("completed")
            self.swarm.events.completed(self)


class Swarm:
    """The UEs of the demo and their one event loop."""

    def __init__(self, *, content: p2pcdn.Content, content_path: str, tracker_url: str,
                 specs: list[UeSpec], events, seed: int, announce_every: float):
        self.content = content
        self.seed = seed
        self.events = events
        self.announce_every = announce_every
        self.announcer = p2pcdn.Announcer(tracker_url, timeout_ms=10000)
        with open(content_path, "rb") as f:
            blob = f.read()
        self.pieces = []
        for i in range(content.piece_count):
            offset, length = content.piece_range(i)
            self.pieces.append(blob[offset:offset + length])
        self.ues = [Ue(self, i, spec) for i, spec in enumerate(specs)]
        self.by_id = {ue.peer_id: ue for ue in self.ues}
        self.transfers: list[Transfer] = []
        self.started = time.monotonic()

    def schedule(self, transfer: Transfer) -> None:
        heapq.heappush(self.transfers, transfer)

    def elapsed(self) -> float:
        return time.monotonic() - self.started

    @property
    def all_complete(self) -> bool:
        return all(ue.completed_at is not None for ue in self.ues)

    def run_once(self, tick: float = 0.02) -> None:
        now = time.monotonic()
        for ue in self.ues:
            if not ue.online and ue.joined_at is None and self.elapsed() >= ue.spec.arrive_at:
                ue.online = True
                ue.joined_at = now
                ue.announce("started")
        while self.transfers and self.transfers[0].end <= now:
            t = heapq.heappop(self.transfers)
            t.uploader.uploads -= 1
            if t.downloader.online:
                t.downloader.received(t)
            t.uploader.start_uploads()
        now_ms = int(time.time() * 1000)
        for ue in self.ues:
            if not ue.online:
                continue
            ue.fetcher.step(0)
            ue.request_more(now_ms)
            if time.monotonic() >= ue.next_announce:
                ue.announce("update")
        wait = tick
        if self.transfers:
            wait = min(wait, max(0.0, self.transfers[0].end - time.monotonic()))
        time.sleep(wait)

    def close(self) -> None:
        for ue in self.ues:
            if ue.online:
                try:
                    ue.leave()
                except p2pcdn.Error:
                    pass  # the tracker may be gone already on Ctrl-C
            ue.fetcher.close()
            ue.planner.close()
        self.announcer.close()
