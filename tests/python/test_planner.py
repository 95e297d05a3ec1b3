"""Planner: rarest first among connected peers, the CDN only for pieces no peer holds, the
in-flight caps, gone sources, expiry, docs/api.md's streaming example, reproducible plans from
one seed, and misuse that comes back as exceptions."""

import json

import pytest

import p2pcdn
from p2pcdn import Bitmap, PeerList, Planner

T0 = 1_764_000_000_000  # Unix ms


def bits(ranges, n):
    return Bitmap.from_ranges(ranges, n)


def sources(n, *specs):
    """A PeerList of an n-piece content with one CDN source per (ranges, expires_s)."""
    cdn = [{"uri": f"https://cdn{i}.example/{{content}}/{{piece}}",
            "pieces": bits(ranges, n).base64(), "expires": expires}
           for i, (ranges, expires) in enumerate(specs)]
    return PeerList.from_json(json.dumps({
        "v": 1, "content": "c", "pieces": n, "interval": 1800, "min_interval": 60,
        "complete": 0, "incomplete": 1, "peers": [], "cdn": cdn}))


def planner(n, **options):
    options.setdefault("rng_seed", 7)
    return Planner(n, **options)


def pieces(requests):
    return sorted(r.piece for r in requests)


# -- peers ------------------------------------------------------------------------------------

def test_rarest_first_among_peers():
    with planner(20, max_per_peer_in_flight=100) as pl:
        pl.set_peer(b"peer-A", bits("0-19", 20))
        pl.set_peer(b"peer-B", bits("0-9", 20))
        pl.set_peer("peer-C", bits("0-4", 20))  # a str key is its UTF-8 bytes
        first = pl.next(T0, 10)
        # 10-19 have one copy (A's), 5-9 two, 0-4 three.
        assert pieces(first) == list(range(10, 20))
        assert {(r.source, r.peer_key, r.cdn_index) for r in first} == {("peer", b"peer-A", 0)}
        second = pl.next(T0, 5)
        assert pieces(second) == list(range(5, 10))
        assert {r.peer_key for r in second} <= {b"peer-A", b"peer-B"}
        assert pl.in_flight == (0, 15)
        # A failed piece is wanted again; nothing is planned twice.
        pl.done(second[0].piece, "failed")
        third = pl.next(T0, 32)
        assert pieces(third) == sorted([second[0].piece, *range(5)])
        assert pl.next(T0, 32) == []


def test_a_piece_goes_to_the_least_busy_holder_below_its_cap():
    with planner(12, max_per_peer_in_flight=2) as pl:
        for key in (b"A", b"B", b"C"):
            pl.set_peer(key, bits("0-11", 12))
        requests = pl.next(T0, 12)
        # Three holders with two slots each: six requests, two per peer; the rest wait.
        assert len(requests) == 6
        by_peer = {}
        for r in requests:
            by_peer[r.peer_key] = by_peer.get(r.peer_key, 0) + 1
        assert by_peer == {b"A": 2, b"B": 2, b"C": 2}
        assert pl.next(T0) == []
        pl.done(requests[0].piece)  # a slot frees
        assert len(pl.next(T0)) == 1


def test_have_and_remove_peer():
    with planner(10, max_per_peer_in_flight=10) as pl:
        pl.set_have(bits("0-4", 10))
        pl.set_peer(b"A", bits("5", 10))
        assert [r.piece for r in pl.next(T0)] == [5]
        pl.peer_have(b"A", 6)
        assert [r.piece for r in pl.next(T0)] == [6]
        # Removing the peer puts its requests back; nobody holds them now.
        pl.remove_peer(b"A")
        assert pl.in_flight == (0, 0)
        pl.set_peer(b"B", bits("5-9", 10))
        assert pieces(pl.next(T0)) == [5, 6, 7, 8, 9]


def test_gone_from_a_peer_holds_until_its_next_have():
    with planner(4) as pl:
        pl.set_peer(b"A", bits("2", 4))
        [r] = pl.next(T0)
        pl.done(r.piece, "gone")
        assert pl.next(T0) == []
        pl.peer_have(b"A", 2)
        assert [r.piece for r in pl.next(T0)] == [2]


# -- the CDN ----------------------------------------------------------------------------------

def test_cdn_only_for_pieces_no_peer_holds_within_its_cap():
    with planner(10, max_cdn_in_flight=2, max_per_peer_in_flight=4) as pl:
        pl.set_peer(b"A", bits("0-4", 10))
        pl.set_sources(sources(10, ("0-9", T0 // 1000 + 60), ("5-9", T0 // 1000 + 3600)))
        requests = pl.next(T0)
        peer = [r for r in requests if r.source == "peer"]
        cdn = [r for r in requests if r.source == "cdn"]
        assert len(peer) == 4 and all(r.piece < 5 for r in peer)
        assert len(cdn) == 2 and all(r.piece >= 5 for r in cdn)
        # From the first source serving the piece; CDN requests carry no peer key.
        assert {(r.cdn_index, r.peer_key) for r in cdn} == {(0, b"")}
        assert pl.in_flight == (2, 4)


def test_set_cdn_limit_meters_the_cdn():
    with planner(10, max_cdn_in_flight=4) as pl:
        pl.set_sources(sources(10, ("0-9", T0 // 1000 + 3600)))
        pl.set_cdn_limit(0)
        assert pl.next(T0) == []
        pl.set_cdn_limit(3)
        assert [r.source for r in pl.next(T0)] == ["cdn"] * 3
        pl.set_cdn_limit(1)  # below what is in flight: those stay, nothing new
        assert pl.next(T0) == [] and pl.in_flight == (3, 0)
        with pytest.raises(p2pcdn.OutOfRange):
            pl.set_cdn_limit(2**32)


def test_gone_from_a_source_moves_the_piece_to_the_next_source():
    with planner(10) as pl:
        pl.set_peer(b"A", bits("0-8", 10))  # only 9 needs the CDN
        pl.set_sources(sources(10, ("0-9", T0 // 1000 + 60), ("5-9", T0 // 1000 + 3600)))
        [first] = [r for r in pl.next(T0) if r.source == "cdn"]
        assert (first.piece, first.cdn_index) == (9, 0)
        pl.done(9, "gone")
        [again] = pl.next(T0)
        assert (again.piece, again.source, again.cdn_index) == (9, "cdn", 1)
        pl.done(9, "gone")
        assert pl.next(T0) == []  # no source left for it


def test_expired_sources_are_never_used():
    expiry = T0 // 1000 + 60
    with planner(10, max_cdn_in_flight=10) as pl:
        pl.set_sources(sources(10, ("0-9", expiry), ("5-9", expiry + 3540)))
        # At expires_s * 1000 the first source is expired: only the second one serves.
        requests = pl.next(expiry * 1000)
        assert pieces(requests) == [5, 6, 7, 8, 9]
        assert {(r.source, r.cdn_index) for r in requests} == {("cdn", 1)}
        for r in requests:
            pl.done(r.piece, "failed")
        assert pl.next((expiry + 3540) * 1000) == []


def test_sources_from_a_tracker_answer(tracker, clock):
    now_s = clock.now // 1000
    tracker.add_content("film", 8)
    tracker.publish_cdn("film", "https://cdn.example/{content}/{piece}", bits("0-7", 8),
                        now_s + 600)
    answer = tracker.announce("film", b"ue", "192.0.2.1", 1, bitmap=bits("0-3", 8))
    with planner(8, max_cdn_in_flight=8) as pl:
        pl.set_have(bits("0-3", 8))
        pl.set_sources(answer)
        requests = pl.next(clock.now)
        assert pieces(requests) == [4, 5, 6, 7]
        assert all(r.source == "cdn" for r in requests)
        uri, _ = answer.cdn_uri_for_piece(requests[0].piece, now_s)
        assert uri == f"https://cdn.example/film/{requests[0].piece}"


def test_a_gone_mark_survives_a_new_list_with_the_same_uri():
    with planner(4, max_cdn_in_flight=4) as pl:
        pl.set_sources(sources(4, ("0-3", T0 // 1000 + 60)))
        requests = pl.next(T0)
        for r in requests:
            pl.done(r.piece, "gone" if r.piece == 2 else "failed")
        pl.set_sources(sources(4, ("0-3", T0 // 1000 + 600)))
        assert pieces(pl.next(T0)) == [0, 1, 3]


# -- streaming --------------------------------------------------------------------------------

def streaming(**overrides):
    options = dict(streaming=True, window_pieces=6, piece_duration_ms=1000, peer_piece_ms=2500,
                   max_cdn_in_flight=8, max_per_peer_in_flight=2, rng_seed=1)
    options.update(overrides)
    pl = Planner(200, **options)
    pl.set_peer(b"A", bits("0-103,105-199", 200))  # no peer holds 104
    pl.set_sources(sources(200, ("0-199", T0 // 1000 + 3600)))
    return pl


def test_streaming_example_of_the_docs():
    with streaming() as pl:
        with pytest.raises(p2pcdn.InvalidState):
            pl.next(T0)  # no position yet
        pl.set_position(100, T0)
        plan = [(r.piece, r.source) for r in pl.next(T0 + 200)]
        # 100-102 are urgent (a peer would deliver at T + 2700); 104 has no peer holder.
        assert plan[:6] == [(100, "cdn"), (101, "cdn"), (102, "cdn"), (103, "peer"),
                            (104, "cdn"), (105, "peer")]
        # A was at its cap of 2 after 103 and 105: nothing more goes to peers.
        assert all(source == "cdn" for _, source in plan[6:])


def test_streaming_one_millisecond_late_goes_to_the_cdn():
    with streaming() as pl:
        pl.set_position(100, T0)
        plan = dict((r.piece, r.source) for r in pl.next(T0 + 501))
        assert plan[103] == "cdn"  # a peer would deliver at T + 3001, after its deadline


def test_streaming_urgent_pieces_wait_for_a_cdn_slot():
    with streaming(max_cdn_in_flight=1) as pl:
        pl.set_position(100, T0)
        plan = [(r.piece, r.source) for r in pl.next(T0 + 200)]
        assert plan == [(100, "cdn"), (103, "peer"), (105, "peer")]
        with pytest.raises(p2pcdn.OutOfRange):
            pl.set_position(200, T0)


# -- reproducibility --------------------------------------------------------------------------

def plan_with_seed(seed):
    with Planner(500, rng_seed=seed, max_per_peer_in_flight=50, max_cdn_in_flight=20) as pl:
        pl.set_peer(b"A", bits("0-299", 500))
        pl.set_peer(b"B", bits("100-399", 500))
        pl.set_sources(sources(500, ("0-499", T0 // 1000 + 60)))
        return [(r.piece, r.source, r.peer_key, r.cdn_index) for r in pl.next(T0, 200)]


def test_one_seed_gives_one_plan():
    assert plan_with_seed(42) == plan_with_seed(42)
    assert plan_with_seed(42) != plan_with_seed(43)


# -- misuse -----------------------------------------------------------------------------------

def test_options_and_sizes_are_checked():
    with pytest.raises(p2pcdn.InvalidArgument):
        Planner(10, max_peers=70000)
    with pytest.raises(p2pcdn.OutOfRange):
        Planner(0)
    with pytest.raises(p2pcdn.OutOfRange):
        Planner(10, max_cdn_in_flight=-1)  # refused here, never wrapped to 2^32-1
    with Planner(10) as pl:  # every default
        assert pl.in_flight == (0, 0)


def test_misuse_raises():
    with planner(10, max_peers=1) as pl:
        ten = bits("0-9", 10)
        with pytest.raises(p2pcdn.InvalidArgument):
            pl.set_peer(b"", ten)
        with pytest.raises(p2pcdn.InvalidArgument):
            pl.set_peer(b"x" * 21, ten)
        with pytest.raises(p2pcdn.InvalidArgument):
            pl.set_peer(b"A", bits("0", 11))
        with pytest.raises(p2pcdn.InvalidArgument):
            pl.set_have(bits("0", 11))
        with pytest.raises(TypeError):
            pl.set_have("0-4")
        closed = bits("0", 10)
        closed.close()
        with pytest.raises(p2pcdn.InvalidArgument, match="closed"):
            pl.set_peer(b"A", closed)
        with pytest.raises(p2pcdn.NotFound):
            pl.peer_have(b"A", 0)
        with pytest.raises(p2pcdn.NotFound):
            pl.remove_peer(b"A")
        pl.set_peer(b"A", ten)
        with pytest.raises(p2pcdn.LimitReached):
            pl.set_peer(b"B", ten)
        with pytest.raises(p2pcdn.OutOfRange):
            pl.done(10)
        with pytest.raises(p2pcdn.InvalidArgument):
            pl.done(1, "lost")  # refused by the binding
        with pytest.raises(p2pcdn.InvalidArgument):
            pl.done(1, 7)  # a code goes to the library, which refuses it
        with pytest.raises(p2pcdn.InvalidState):
            pl.done(1, "failed")  # not in flight
        pl.done(1)  # "done" is accepted for any piece
        with pytest.raises(TypeError):
            pl.set_sources(None)
        answer = sources(10, ("0-9", T0 // 1000 + 60))
        answer.close()
        with pytest.raises(p2pcdn.InvalidArgument):
            pl.set_sources(answer)
        with pytest.raises(p2pcdn.InvalidArgument):
            pl.set_sources(sources(11, ("0-10", T0 // 1000 + 60)))  # another piece count
        assert pl.next(T0, 0) == []
        with pytest.raises(TypeError):
            pl.copy()
    with pytest.raises(p2pcdn.InvalidArgument):
        pl.next(T0)
    assert repr(pl) == "<Planner closed>"


# -- cdn_fill and batched HAVEs -----------------------------------------------------------------

def test_cdn_fill_idle_takes_the_room_busy_peers_leave():
    lst = sources(20, ("0-19", T0 // 1000 + 3600))
    for fill, cdn in (("off", 0), ("idle", 3), (p2pcdn.planner.CDN_FILL_IDLE, 3)):
        p = planner(20, max_per_peer_in_flight=2, max_cdn_in_flight=3, cdn_fill=fill)
        p.set_peer("A", bits("0-19", 20))
        p.set_sources(lst)
        plan = p.next(T0, 10)
        assert [r.source for r in plan].count("peer") == 2
        assert p.in_flight == (cdn, 2)


def test_cdn_fill_first_fills_the_cdn_before_peers_and_skips_late_peers():
    p = planner(20, max_per_peer_in_flight=4, max_cdn_in_flight=2, peer_piece_ms=1000,
                cdn_fill="first")
    p.set_peer("A", bits("0-19", 20))
    p.set_sources(sources(20, ("0-19", T0 // 1000 + 3600)))
    assert [r.source for r in p.next(T0, 3)] == ["cdn", "cdn", "peer"]
    assert p.next(T0 + 2000, 3) == []  # A is late, the CDN full
    assert p.in_flight == (2, 1)


def test_cdn_fill_is_checked():
    with pytest.raises(p2pcdn.InvalidArgument, match="cdn_fill"):
        Planner(4, cdn_fill="sometimes")
    with pytest.raises(p2pcdn.InvalidArgument, match="cdn_fill 7"):
        Planner(4, cdn_fill=7)


def test_peer_have_many_is_all_or_nothing():
    p = planner(10)
    p.set_peer(b"A", bits("0", 10))
    p.peer_have_many(b"A", [7, 2])
    p.peer_have_many(b"A", [])
    with pytest.raises(p2pcdn.OutOfRange):
        p.peer_have_many(b"A", [3, 10])
    with pytest.raises(p2pcdn.OutOfRange):
        p.peer_have_many(b"A", [-1])
    with pytest.raises(p2pcdn.NotFound):
        p.peer_have_many(b"B", [1])
    assert pieces(p.next(T0, 10)) == [0, 2, 7]
