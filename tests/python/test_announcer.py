"""Announcer: a UE's announce over HTTP, against the real `p2pcdn tracker` daemon (peer lists,
CDN sources, the tracker's refusals with their codes) and against the fault-injecting server
(tests/integration/fault_server.py) standing for a misbehaving tracker: failure statuses,
answers that are not peer lists, oversized answers, stalls, dropped connections, TLS.
"""

import json
import time
import urllib.request

import pytest

import p2pcdn
from p2pcdn import Announcer, Bitmap, PeerList, announce_to_json
# The daemon and fault server fixtures, shared with the tests of those servers.
from test_fetcher import server  # noqa: F401
from test_tracker_daemon import daemon, start  # noqa: F401


def bitmap(pieces, held=()):
    b = Bitmap(pieces)
    for i in held:
        b.set(i)
    return b


# -- the JSON request alone ----------------------------------------------------------------------

def test_announce_to_json_is_the_protocol_request():
    text = announce_to_json("movie-1", b"peer-A", "192.0.2.1", 6881, event="started",
                            bitmap=bitmap(10, (0, 1, 8)), numwant=0)
    assert json.loads(text) == {
        "v": 1, "type": "announce", "content": "movie-1", "pieces": 10,
        "peer_id": "706565722d41", "ip": "192.0.2.1", "port": 6881, "role": "user",
        "event": "started", "bitfield": "wIA=", "numwant": 0, "selection": "random",
        "include_network_peers": True, "uploaded": 0, "downloaded": 0}
    # No address: none is sent. Have-lists instead of a bitmap.
    text = announce_to_json("movie-1", "peer-B", None, 7000, piece_count=10, have=[3],
                            role="network", selection="complementary",
                            include_network_peers=False)
    message = json.loads(text)
    assert "ip" not in message and "bitfield" not in message
    assert (message["have"], message["role"], message["selection"]) == ([3], "network",
                                                                        "complementary")


@pytest.mark.parametrize("kwargs, error, text", [
    (dict(bitmap=bitmap(9), piece_count=10), p2pcdn.InvalidArgument, "bitmap has 9 bits"),
    (dict(piece_count=10, have=[10]), p2pcdn.InvalidArgument, "not below the piece count"),
    (dict(piece_count=10, have=[2], donthave=[2]), p2pcdn.InvalidArgument, "both"),
    (dict(event="joined"), p2pcdn.InvalidArgument, "event"),
    (dict(have=[-1]), p2pcdn.OutOfRange, "have"),
])
def test_announce_to_json_refuses_what_the_tracker_would(kwargs, error, text):
    with pytest.raises(error, match=text):
        announce_to_json("movie-1", b"peer-A", None, 6881, **kwargs)
    with pytest.raises(p2pcdn.InvalidArgument, match="peer id has 21 bytes"):
        announce_to_json("movie-1", b"x" * 21, None, 6881)
    with pytest.raises(p2pcdn.ParseError):
        announce_to_json("movie-1", b"peer-A", "192.0.2.256", 6881)


def test_the_json_request_through_another_http_stack(daemon):
    # A host with its own HTTP client: the library writes the body and reads the answer.
    body = announce_to_json("movie-1", b"peer-A", None, 6881, piece_count=10,
                            event="started").encode()
    request = urllib.request.Request(daemon.url + "/announce", data=body, method="POST",
                                     headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=10) as answer:
        peers = PeerList.from_json(answer.read())
    assert (peers.content_id, peers.piece_count, len(peers)) == ("movie-1", 10, 0)
    assert daemon.request("GET", "/stats/movie-1")[0] == 200


# -- the real tracker daemon --------------------------------------------------------------------

def test_announces_to_the_daemon(daemon):
    with Announcer(daemon.url + "/") as ue1, Announcer(daemon.url, timeout_ms=5000) as ue2:
        first = ue1.announce("movie-1", b"ue-1", None, 6881, event="started",
                             bitmap=bitmap(10, range(5)))
        assert (first.content_id, first.piece_count, len(first)) == ("movie-1", 10, 0)
        # The daemon took the connection's address for the one that sent none.
        second = ue2.announce("movie-1", b"ue-2", "192.0.2.2", 7000, piece_count=10,
                              event="started")
        assert [(p.id, p.address, p.port) for p in second] == [(b"ue-1", "127.0.0.1", 6881)]
        assert second.leechers == 2

        # A CCS publishes a CDN source (TR 23.844 step 5); the next answer carries it,
        # restricted to the pieces the UE lacks.
        expires = int(time.time()) + 600
        status, _, _ = daemon.post_json("/cdn/publish", {
            "v": 1, "content": "movie-1", "pieces": 10,
            "sources": [{"uri": "http://cdn.test/{content}/{piece}", "pieces": "/8A=",
                         "expires": expires}]})
        assert status == 200
        answer = ue1.announce("movie-1", b"ue-1", None, 6881, bitmap=bitmap(10, range(8)))
        (source,) = answer.cdn_sources
        assert source.uri == "http://cdn.test/{content}/{piece}"
        assert list(source.pieces) == [8, 9]
        assert answer.cdn_uri_for_piece(9) == ("http://cdn.test/movie-1/9", 0)

        done = ue1.announce("movie-1", b"ue-1", None, 6881, event="completed")
        assert done.seeds == 1 and done.cdn_sources == []
        gone = ue2.announce("movie-1", b"ue-2", None, 7000, event="stopped")
        assert len(gone) == 0
    stats = json.loads(daemon.request("GET", "/stats/movie-1")[2])
    assert (stats["peers"], stats["seeds"]) == (1, 1)


def test_the_daemons_refusals_keep_their_code(start):
    daemon = start("--max-swarms", "1")
    with Announcer(daemon.url) as ue:
        ue.announce("movie-1", b"ue-1", None, 6881, piece_count=10)
        with pytest.raises(p2pcdn.InvalidArgument,
                           match=r"refused the announce \(400\): .*has 10 pieces, not 12"):
            ue.announce("movie-1", b"ue-1", None, 6881, piece_count=12)
        with pytest.raises(p2pcdn.LimitReached, match="holds 1 contents"):
            ue.announce("movie-2", b"ue-1", None, 6881, piece_count=10)
        with pytest.raises(p2pcdn.NotFound, match="does not say its piece count"):
            ue.announce("movie-3", b"ue-1", None, 6881)
        # Refused by the library before anything is sent: the daemon never sees it.
        before = daemon.log().count("POST /announce")
        with pytest.raises(p2pcdn.InvalidArgument, match="not below the piece count"):
            ue.announce("movie-1", b"ue-1", None, 6881, piece_count=10, have=[10])
        assert daemon.log().count("POST /announce") == before
        # And it goes on working.
        assert ue.announce("movie-1", b"ue-2", None, 6882).piece_count == 10


# -- a misbehaving tracker ------------------------------------------------------------------------

def announce_at(url, **options):
    with Announcer(url, **options) as ue:
        return ue.announce("movie-1", b"ue-1", "192.0.2.1", 6881, piece_count=10)


@pytest.fixture
def http(server):  # noqa: F811  (the fault server fixture imported above)
    return f"http://127.0.0.1:{server['http']}"


@pytest.mark.parametrize("path, error, text", [
    # The server echoes the request: JSON, but no peer list.
    ("", p2pcdn.ProtocolError, "no peer list"),
    # 200 with a text body.
    ("/cdn/flaky/flaky-99-200", p2pcdn.ProtocolError, "no peer list"),
    ("/cdn/s500/status-500", p2pcdn.HTTPError, "answered 500 to the announce"),
    ("/cdn/s404/status-404", p2pcdn.HTTPError, "answered 404 to the announce"),
    ("/cdn/s302/status-302", p2pcdn.HTTPError, "answered 302"),
    ("/cdn/gone/noanswer", p2pcdn.NetworkError, "announce to the tracker failed"),
])
def test_misbehaving_servers(http, path, error, text):
    with pytest.raises(error, match=text):
        announce_at(http + path)


def test_answers_are_bounded_and_timed(http, server):
    # The echo of a 2^20-piece announce is ~175 KB: above max_response_bytes, aborted.
    with Announcer(http, max_response_bytes=4096) as ue:
        with pytest.raises(p2pcdn.LimitReached):
            ue.announce("movie-1", b"ue-1", None, 6881, bitmap=bitmap(1 << 20))
        # The same announcer still works for a small answer (the echo, no peer list).
        with pytest.raises(p2pcdn.ProtocolError):
            ue.announce("movie-1", b"ue-1", None, 6881, piece_count=10)
    started = time.monotonic()
    with pytest.raises(p2pcdn.OperationTimeout):
        announce_at(http + "/cdn/slow/slow-5000", timeout_ms=300)
    assert time.monotonic() - started < 4
    with pytest.raises(p2pcdn.NetworkError):
        announce_at(f"http://127.0.0.1:{server['closed']}")


def test_tls(server):
    https = f"https://127.0.0.1:{server['https']}"
    with pytest.raises(p2pcdn.TLSError):
        announce_at(https)
    # Verified against the test CA, the (echoing) server answers: no peer list.
    with pytest.raises(p2pcdn.ProtocolError):
        announce_at(https, ca_file=server["ca_file"])
    with pytest.raises(p2pcdn.ProtocolError, match="refused to connect to loopback"):
        announce_at(https, ca_file=server["ca_file"], refuse_private_addresses=True)


# -- construction ------------------------------------------------------------------------------

def test_construction():
    for url in ("", "http://", "http://127.0.0.1:1/?key=secret", "http://127.0.0.1:1/#top"):
        with pytest.raises(p2pcdn.InvalidArgument) as caught:
            Announcer(url)
        assert "secret" not in str(caught.value)
    with pytest.raises(p2pcdn.ProtocolError, match="ftp"):
        Announcer("ftp://127.0.0.1/")
    with pytest.raises(p2pcdn.InvalidArgument, match="negative"):
        Announcer("http://127.0.0.1:1", timeout_ms=-1)
    with pytest.raises(TypeError):
        Announcer(None)
    ue = Announcer("http://127.0.0.1:1")
    ue.close()
    ue.close()
    with pytest.raises(p2pcdn.InvalidArgument):
        ue.announce("movie-1", b"ue-1", None, 6881)
    with pytest.raises(TypeError):
        ue.copy()


def test_holds_a_global_init_reference():
    base = p2pcdn.global_init()
    p2pcdn.global_cleanup()
    ue = Announcer("http://127.0.0.1:1")
    assert p2pcdn.global_init() == base + 1
    p2pcdn.global_cleanup()
    ue.close()
    assert p2pcdn.global_init() == base
    p2pcdn.global_cleanup()
