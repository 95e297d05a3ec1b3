"""p2pcdn.Nscf: option errors and misuse, a tracker link and a policy written in Python, the
controller thread's rules; then, when nginx is installed, a whole cycle against the loopback
CDN lab (tests/integration/cdn_lab.py) driven by a Python policy: scarce pieces ingested from
the origin as CSS, advertised by an in-process Tracker, fetched by a UE through the lab's 302
redirector, purged once enough UEs hold them, and nothing left after shutdown."""

import sys
import urllib.error
import urllib.request

import pytest

import p2pcdn
from conftest import REPO, pseudo_random
from p2pcdn import Bitmap, Content, Nscf, Policy, Stats, Tracker, TrackerLink

sys.path.insert(0, str(REPO / "tests" / "integration"))
from cdn_lab import CdnLab, nginx_binary  # noqa: E402

STATS = ('{"v":1,"content":"film","seq":1,"time":1764000000000,"pieces":6,"peers":5,'
         '"seeds":0,"leechers":5,"network_peers":0,"copies":[3,1,0,1,4,5]}')
CDN = {"delivery_template": "http://127.0.0.1:9/cdn/{content}/{piece}",
       "origin_ingest_template": "http://127.0.0.1:9/cdn/{content}/{piece}"}


class RecordingLink(TrackerLink):
    """A tracker link that records its calls and fails while `fail` is set."""

    def __init__(self):
        self.calls = []
        self.fail = None

    def _record(self, *call):
        self.calls.append(call)
        if self.fail is not None:
            raise self.fail

    def join(self, content_id, piece_count, peer_id, address, port):
        self._record("join", content_id, piece_count, peer_id, address, port)

    def fetch_stats(self, content_id):
        self._record("fetch_stats", content_id)
        return Stats.from_json(STATS)

    def publish(self, content_id, source):
        self._record("publish", content_id, source.uri)

    def withdraw(self, content_id, uri, pieces):
        self._record("withdraw", content_id, uri, pieces)


@pytest.fixture
def film():
    with Content("film", 5800, 1000) as content:
        yield content


def make(content, tmp_path, policy, link, **extra):
    return Nscf(content, cdn=CDN, policy=policy, tracker=link,
                journal_path=tmp_path / "nscf.journal", peer_id=b"nscf-py", address="192.0.2.7",
                port=6881, clock=lambda: 1764000000000, **extra)


def test_option_errors(film, tmp_path):
    link = RecordingLink()
    with Policy.none() as policy:
        with pytest.raises(TypeError, match="content"):
            make("film", tmp_path, policy, link)
        with pytest.raises(TypeError, match="policy"):
            make(film, tmp_path, "none", link)
        with pytest.raises(TypeError, match="callable join"):
            make(film, tmp_path, policy, object())
        partial = type("Partial", (), {"join": lambda self, *args: None})()
        with pytest.raises(TypeError, match="callable fetch_stats"):
            make(film, tmp_path, policy, partial)
        with pytest.raises(p2pcdn.InvalidArgument, match="safety margin 10 ms"):
            make(film, tmp_path, policy, link, safety_margin_ms=10)
        with pytest.raises(p2pcdn.InvalidArgument, match="peer id of 21 bytes"):
            Nscf(film, cdn=CDN, policy=policy, tracker=link, journal_path=tmp_path / "j",
                 peer_id=b"x" * 21, address="192.0.2.7")
        with pytest.raises(p2pcdn.InvalidArgument, match="address"):
            Nscf(film, cdn=CDN, policy=policy, tracker=link, journal_path=tmp_path / "j",
                 peer_id=b"x", address="nowhere")
        with pytest.raises(TypeError, match="delivery_template"):
            Nscf(film, cdn={}, policy=policy, tracker=link, journal_path=tmp_path / "j",
                 peer_id=b"x", address="192.0.2.7")
    assert link.calls == []  # no failed constructor reached the link


def test_python_link_and_policy(film, tmp_path):
    link = RecordingLink()
    seen = []

    def decide(view):
        seen.append(view)
        if len(seen) == 2:
            raise KeyError("policy bug")
        return None

    with Policy.from_callable(decide) as policy, make(film, tmp_path, policy, link) as nscf:
        assert nscf.content_id == "film"
        # Recovery of an empty journal tells the tracker to drop everything.
        assert link.calls == [("withdraw", "film", CDN["delivery_template"], None)]
        nscf.join()
        assert link.calls[-1] == ("join", "film", 6, b"nscf-py", "192.0.2.7", 6881)

        link.fail = ConnectionError("tracker down")
        with pytest.raises(ConnectionError, match="tracker down") as info:
            nscf.join()
        assert isinstance(info.value.__context__, p2pcdn.CallbackAborted)
        with pytest.raises(ConnectionError):
            nscf.request_stats()
        link.fail = None

        nscf.request_stats()
        assert nscf.step() == 0
        assert seen[0].content_id == "film" and list(seen[0].copies) == [3, 1, 0, 1, 4, 5]
        assert seen[0].now_ms == 1764000000000
        # A policy's exception comes out of step(), and the round counts as failed.
        nscf.on_stats(Stats.from_json(STATS))
        with pytest.raises(KeyError, match="policy bug"):
            nscf.step()
        m = nscf.metrics()
        assert m.rounds == 1 and m.policy_failures == 1 and m.pieces_ingested == 0
        assert nscf.holdings() == []

        with pytest.raises(TypeError):
            nscf.on_stats("{}")
        with pytest.raises(p2pcdn.InvalidArgument, match="other"):
            nscf.on_stats(Stats.from_json(STATS.replace('"film"', '"other"')))

        # The journal is locked while this Nscf lives.
        with pytest.raises(p2pcdn.P2pcdnError):
            make(film, tmp_path, policy, RecordingLink())

        # The controller thread.
        nscf.start(5)
        assert nscf.running
        with pytest.raises(p2pcdn.InvalidState):
            nscf.step()
        with pytest.raises(p2pcdn.InvalidState):
            nscf.start()
        nscf.on_stats(Stats.from_json(STATS))
        nscf.stop()
        assert not nscf.running
        assert nscf.shutdown(purge_all=True, timeout_ms=1000)
    assert nscf.closed
    nscf.close()
    with pytest.raises(p2pcdn.InvalidArgument):
        nscf.join()


def test_events_in_order(film, tmp_path):
    """Events without a network: the CDN refuses every upload (nothing listens on port 9)."""
    link = RecordingLink()
    events = []
    with Policy.from_callable(lambda view: ([(2, 60), (3, 60)], [])) as policy:
        with make(film, tmp_path, policy, link, on_event=events.append) as nscf:
            # The recovery's events came before the constructor returned.
            assert [e.name for e in events] == ["tracker_updated", "recovered"]
            assert events[1].held == 0 and events[1].pieces == ()
            nscf.request_stats()
            for _ in range(100):
                if nscf.step(50) == 0 and any(e.name == "ingest_failed" for e in events):
                    break
            names = [e.name for e in events]
            assert names[2:5] == ["round", "ingest_started", "ingest_failed"]
            round_, started, failed = events[2:5]
            assert (round_.seq, round_.min_copies, round_.ingest_count, round_.purge_count) == (
                1, 0, 2, 0)
            assert (started.pieces, started.pieces_text, started.bytes, started.ttl_s) == (
                (2, 3), "2-3", 2000, 60)
            assert started.uri == CDN["delivery_template"]
            assert failed.pieces == (2, 3) and failed.error != 0 and failed.message
            assert all(e.time_ms == 1764000000000 for e in events)

            # A tracker call that fails is an event too; one raising on_event is kept.
            def broken(event):
                raise RuntimeError("display gone")

            link.fail = ConnectionError("tracker down")
            nscf.recover()
            assert events[-2].name == "link_failed" and events[-2].operation == "withdraw"
            assert events[-1].name == "recovered"
            link.fail = None
        # A failed Nscf (the journal is locked by this one... now closed; lock it again) tells
        # nothing.
        holder = make(film, tmp_path, policy, RecordingLink())
        refused = []
        with pytest.raises(p2pcdn.P2pcdnError):
            make(film, tmp_path, policy, RecordingLink(), on_event=refused.append)
        assert refused == []
        holder.close()
        with make(film, tmp_path, policy, RecordingLink(), on_event=broken) as nscf:
            assert isinstance(nscf.event_error, RuntimeError)
        with pytest.raises(TypeError, match="on_event"):
            make(film, tmp_path, policy, RecordingLink(), on_event=42)


def test_tracker_in_process_and_by_url(film, tmp_path):
    with Policy.none() as policy, Tracker() as tracker:
        tracker.add_content("film", 6)
        with make(film, tmp_path, policy, tracker) as nscf:
            nscf.join()
            nscf.request_stats()
            nscf.step()
            assert tracker.stats("film").summary.network_peers == 1
            assert nscf.metrics().rounds == 1
        # Nothing listens there: made fine, the link's failure shows at the first call.
        with make(film, tmp_path, policy, "http://127.0.0.1:9", link_retry_ms=1) as nscf:
            with pytest.raises(p2pcdn.P2pcdnError):
                nscf.join()


# ---- against the CDN lab ----------------------------------------------------------------------

PIECE = 16 * 1024
SIZE = 4 * PIECE - 321


@pytest.fixture(scope="module")
def lab(tmp_path_factory):
    if nginx_binary() is None:
        pytest.skip("nginx is not installed (Debian package nginx); the CDN lab needs it")
    with CdnLab(tmp_path_factory.mktemp("cdnlab")) as lab:
        yield lab


def scarcity_policy(view):
    """Written in Python: ingest what fewer than 2 UEs hold, purge what 3 or more hold."""
    held = {h.piece for h in view.holdings}
    ingests = [(p, 600) for p, c in enumerate(view.copies) if c < 2 and p not in held]
    purges = [p for p in sorted(held) if view.copies[p] >= 3]
    return ingests, purges


class ForwardingLink(TrackerLink):
    """The host link in Python, forwarding to an in-process Tracker, counting its calls."""

    def __init__(self, tracker):
        self.tracker = tracker
        self.published = []
        self.withdrawn = []

    def join(self, content_id, piece_count, peer_id, address, port):
        self.tracker.announce(content_id, peer_id, address, port, piece_count=piece_count,
                              role="network", event="started")

    def fetch_stats(self, content_id):
        return self.tracker.stats(content_id)

    def publish(self, content_id, source):
        self.published.append(list(source.pieces))
        self.tracker.publish_cdn(content_id, source.uri, source.pieces, source.expires_s,
                                 source.ranged)

    def withdraw(self, content_id, uri, pieces):
        self.withdrawn.append(None if pieces is None else pieces.count())
        try:
            self.tracker.withdraw_cdn(content_id, uri, pieces)
        except p2pcdn.NotFound:
            pass  # already withdrawn


def settle(nscf, tracker, published):
    nscf.request_stats()
    for _ in range(100):
        running = nscf.step(100)
        holdings = nscf.holdings()
        if running == 0 and len(holdings) == published and all(
                h.state == "published" for h in holdings):
            return holdings
    raise AssertionError(f"the Nscf did not settle: {nscf.holdings()}")


def origin_status(lab, path):
    try:
        with urllib.request.urlopen(f"{lab.origin_url}/{path}") as answer:
            return answer.status
    except urllib.error.HTTPError as e:
        return e.code


def test_cycle_through_the_lab(lab, tmp_path):
    data = pseudo_random(SIZE, seed=44)
    content = Content("py-lab", SIZE, PIECE)
    content.hash_buffer(data)
    for i in range(4):
        offset, length = content.piece_range(i)
        lab.put_bytes(f"nscf-py-css/py-lab/{i}", data[offset:offset + length])
    half, full = Bitmap(4), Bitmap(4)
    half.set(0)
    half.set(1)
    full.fill()
    cdn = {"delivery_template": lab.redirector_url + "/nscf-py/{content}/{piece}",
           "origin_ingest_template": lab.origin_url + "/nscf-py/{content}/{piece}"}
    css = {"piece_template": lab.origin_url + "/nscf-py-css/{content}/{piece}"}
    tracker = Tracker()
    link = ForwardingLink(tracker)
    with tracker, Policy.from_callable(scarcity_policy) as policy, \
            Nscf(content, cdn=cdn, css=css, policy=policy, tracker=link,
                 journal_path=tmp_path / "lab.journal", peer_id="nscf-py-lab",
                 address="127.0.0.1", port=6999) as nscf:
        tracker.add_content("py-lab", 4)
        nscf.join()
        assert tracker.stats("py-lab").summary.network_peers == 1
        for n, held in ((1, half), (2, half), (3, None)):
            tracker.announce("py-lab", f"ue-{n}", "127.0.0.1", 7000 + n, event="started",
                             bitmap=held)
        holdings = settle(nscf, tracker, 2)
        assert [h.piece for h in holdings] == [2, 3]
        assert holdings[1].bytes == PIECE - 321
        assert holdings[0].uri == f"{lab.redirector_url}/nscf-py/py-lab/2"
        assert holdings[0].object_expires_at_ms - holdings[0].ingested_at_ms == 600_000
        assert link.published[-1] == [2, 3]

        # The empty UE learns of the source and GETs piece 3 through the redirector.
        with tracker.announce("py-lab", "ue-3", "127.0.0.1", 7003) as answer:
            uri, _ = answer.cdn_uri_for_piece(3)
            assert answer.cdn_uri_for_piece(0) is None
        with p2pcdn.Fetcher(content) as fetcher:
            result = fetcher.get(3, uri)
        assert result.ok and result.redirects == 1
        assert result.data == data[3 * PIECE:]

        # Three UEs complete: the policy lets 2 and 3 go; withdrawn first, then purged.
        for n in (4, 5, 6):
            tracker.announce("py-lab", f"ue-{n}", "127.0.0.1", 7000 + n, event="completed",
                             bitmap=full)
        assert settle(nscf, tracker, 0) == []
        with tracker.announce("py-lab", "ue-3", "127.0.0.1", 7003) as answer:
            assert answer.cdn_uri_for_piece(3) is None
        assert origin_status(lab, "nscf-py/py-lab/3") == 404
        m = nscf.metrics()
        assert (m.pieces_ingested, m.pieces_purged, m.ingest_failures) == (2, 2, 0)
        assert m.link_failures == 0 and link.withdrawn[-1] in (2, None)

        # They leave: scarce again, back in the CDN; shutdown with purge leaves nothing.
        for n in (4, 5, 6):
            tracker.leave("py-lab", f"ue-{n}")
        settle(nscf, tracker, 2)
        assert origin_status(lab, "nscf-py/py-lab/2") == 200
        assert nscf.shutdown(purge_all=True, timeout_ms=30000)
        assert nscf.holdings() == []
        assert origin_status(lab, "nscf-py/py-lab/2") == 404
        with tracker.announce("py-lab", "ue-3", "127.0.0.1", 7003) as answer:
            assert answer.cdn_sources == []
