"""Tracker: swarms, announces and their answers, failures that change nothing, expiry,
statistics subscriptions in host-driven and thread mode."""

import copy
import dataclasses
import threading

import pytest

import p2pcdn
from p2pcdn import _errors

Bitmap = p2pcdn.Bitmap
WAIT_S = 10  # generous upper bound for thread-mode events; never a sleep


def state(tracker, content):
    """What a failed call must leave as it was: the snapshot without its seq and time."""
    stats = tracker.stats(content)
    return dataclasses.replace(stats.summary, seq=0, time_ms=0), stats.copies().tolist()


# -- swarms ---------------------------------------------------------------------------------------

def test_contents(tracker):
    assert tracker.content_count == 0
    tracker.add_content("a", 10)
    tracker.add_content("a", 10)  # same count again is fine
    with pytest.raises(p2pcdn.AlreadyExists):
        tracker.add_content("a", 11)
    tracker.add_content("b", 1)
    assert tracker.content_count == 2
    tracker.remove_content("a")
    with pytest.raises(p2pcdn.NotFound):
        tracker.remove_content("a")
    with pytest.raises(p2pcdn.NotFound):
        tracker.stats("a")
    with pytest.raises(p2pcdn.InvalidArgument):
        tracker.add_content("bad id!", 1)
    assert tracker.content_count == 1


def test_swarm_limits():
    with p2pcdn.Tracker(max_swarms=1, max_pieces=16) as t:
        t.add_content("a", 16)
        with pytest.raises(p2pcdn.LimitReached):
            t.add_content("b", 1)
        t.remove_content("a")
        with pytest.raises(p2pcdn.OutOfRange):
            t.add_content("b", 17)
        assert t.content_count == 0


# -- announces ------------------------------------------------------------------------------------

def test_bitmap_and_have_donthave_change_the_copies(tracker):
    tracker.announce("c", b"a", "192.0.2.1", 1, bitmap=Bitmap.from_ranges("0-3", 8),
                     event="started")
    assert state(tracker, "c")[1] == [1, 1, 1, 1, 0, 0, 0, 0]
    tracker.announce("c", b"a", "192.0.2.1", 1, have=[4, 5], donthave=[0])
    assert state(tracker, "c")[1] == [0, 1, 1, 1, 1, 1, 0, 0]
    # A later whole bitmap replaces what the peer held.
    tracker.announce("c", b"a", "192.0.2.1", 1, bitmap=Bitmap.from_ranges("7", 8))
    assert state(tracker, "c")[1] == [0, 0, 0, 0, 0, 0, 0, 1]
    # A bitmap as the have list: its set pieces.
    tracker.announce("c", b"b", "192.0.2.2", 2, have=Bitmap.from_ranges("6-7", 8))
    assert state(tracker, "c")[1] == [0, 0, 0, 0, 0, 0, 1, 2]


def test_completed_makes_a_seed(tracker):
    tracker.add_content("c", 4)
    tracker.announce("c", b"a", "192.0.2.1", 1, event="completed")
    summary, copies = state(tracker, "c")
    assert (summary.seeds, summary.leechers, copies) == (1, 0, [1, 1, 1, 1])


def test_peer_list_never_holds_the_requester_and_flags_seeds(tracker):
    tracker.add_content("c", 4)
    tracker.announce("c", b"seed", "192.0.2.1", 1, event="completed")
    tracker.announce("c", "leech", "2001:DB8::1", 2, have=[1])  # a str id is its UTF-8 bytes
    answer = tracker.announce("c", b"me", "192.0.2.3", 3)
    peers = {p.id: p for p in answer}
    assert set(peers) == {b"seed", b"leech"}
    assert peers[b"seed"] == p2pcdn.Peer(b"seed", "192.0.2.1", 1, "user", True)
    assert peers[b"leech"] == p2pcdn.Peer(b"leech", "2001:db8::1", 2, "user", False)
    assert (answer.seeds, answer.leechers) == (1, 2)
    assert (answer.interval, answer.min_interval) == (120, 30)
    for requester in (b"seed", b"leech"):
        ids = [p.id for p in tracker.announce("c", requester, "192.0.2.9", 9)]
        assert requester not in ids and len(ids) == 2


def test_numwant(tracker):
    tracker.add_content("c", 1)
    for i in range(60):
        tracker.announce("c", b"p%d" % i, "192.0.2.1", 1000 + i)
    assert len(tracker.announce("c", b"me", "192.0.2.2", 1)) == p2pcdn.NUMWANT_DEFAULT
    assert len(tracker.announce("c", b"me", "192.0.2.2", 1, numwant=0)) == 0
    answer = tracker.announce("c", b"me", "192.0.2.2", 1, numwant=3)
    assert len(answer) == 3 and len({p.id for p in answer}) == 3


def test_stopped_leaves_with_an_empty_answer(tracker):
    tracker.add_content("c", 2)
    tracker.announce("c", b"a", "192.0.2.1", 1, have=[0])
    tracker.announce("c", b"b", "192.0.2.2", 2)
    answer = tracker.announce("c", b"a", "192.0.2.1", 1, event="stopped")
    assert len(answer) == 0
    summary, copies = state(tracker, "c")
    assert summary.peers == 1 and copies == [0, 0]


def test_leave(tracker):
    tracker.add_content("c", 2)
    tracker.announce("c", "a", "192.0.2.1", 1, have=[1])
    tracker.leave("c", b"a")
    assert state(tracker, "c")[0].peers == 0
    with pytest.raises(p2pcdn.NotFound):
        tracker.leave("c", b"a")


def test_network_peers_first_unless_excluded(tracker):
    tracker.add_content("c", 2)
    for i in range(5):
        tracker.announce("c", b"u%d" % i, "192.0.2.1", 1 + i)
    tracker.announce("c", b"ccs", "198.51.100.1", 443, role="network", event="completed")
    answer = tracker.announce("c", b"me", "192.0.2.2", 9, numwant=2)
    assert answer[0].id == b"ccs" and answer[0].role == "network"
    excluded = tracker.announce("c", b"me", "192.0.2.2", 9, include_network_peers=False)
    assert b"ccs" not in [p.id for p in excluded] and len(excluded) == 5


@pytest.mark.parametrize("seed", [1, 2, 3, 42])
def test_complementary_selection_prefers_what_the_requester_lacks(clock, seed):
    # Nine peers hold what the requester already has; one holds exactly what it lacks. The
    # swarm is small enough to fall inside the selection's random sample whole.
    with p2pcdn.Tracker(clock=clock, rng_seed=seed) as t:
        t.add_content("c", 16)
        for i in range(9):
            t.announce("c", b"same%d" % i, "192.0.2.1", 100 + i,
                       bitmap=Bitmap.from_ranges("0-7", 16))
        t.announce("c", b"target", "192.0.2.2", 200, bitmap=Bitmap.from_ranges("8-15", 16))
        answer = t.announce("c", b"me", "192.0.2.3", 300, bitmap=Bitmap.from_ranges("0-7", 16),
                            numwant=1, selection="complementary")
        assert [p.id for p in answer] == [b"target"]


# -- failures change nothing ----------------------------------------------------------------------

@pytest.fixture
def busy(tracker):
    """A swarm of 8 pieces with two peers."""
    tracker.announce("c", b"a", "192.0.2.1", 1, bitmap=Bitmap.from_ranges("0-3", 8))
    tracker.announce("c", b"b", "192.0.2.2", 2, piece_count=8, have=[3, 4])
    return tracker


@pytest.mark.parametrize("kwargs,error,code", [
    (dict(bitmap=Bitmap.from_ranges("0", 9)), p2pcdn.InvalidArgument, _errors.EINVAL),
    (dict(have=[8]), p2pcdn.OutOfRange, _errors.ERANGE),
    (dict(donthave=[100]), p2pcdn.OutOfRange, _errors.ERANGE),
    (dict(have=[1, 5], donthave=[5]), p2pcdn.InvalidArgument, _errors.EINVAL),
    (dict(piece_count=9), p2pcdn.InvalidArgument, _errors.EINVAL),
    (dict(address="192.0.2.256"), p2pcdn.ParseError, _errors.EPARSE),
    (dict(address="example.org"), p2pcdn.ParseError, _errors.EPARSE),
    (dict(peer_id=b""), p2pcdn.InvalidArgument, _errors.EINVAL),
    (dict(peer_id=b"x" * (p2pcdn.PEER_ID_MAX + 1)), p2pcdn.InvalidArgument, _errors.EINVAL),
    (dict(role=5), p2pcdn.InvalidArgument, _errors.EINVAL),
    (dict(event=9), p2pcdn.InvalidArgument, _errors.EINVAL),
])
def test_failed_announce_changes_nothing(busy, kwargs, error, code):
    before = state(busy, "c")
    args = dict(peer_id=b"a", address="192.0.2.1")
    args.update(kwargs)
    with pytest.raises(error) as info:
        busy.announce("c", args.pop("peer_id"), args.pop("address"), 1, **args)
    assert info.value.code == code and info.value.message
    assert state(busy, "c") == before


def test_bitmap_with_have_is_refused(busy):
    before = state(busy, "c")
    with pytest.raises(p2pcdn.P2pcdnError):
        busy.announce("c", b"a", "192.0.2.1", 1, bitmap=Bitmap(8), have=[7])
    assert state(busy, "c") == before


def test_unknown_content_without_swarm_creation(clock):
    with p2pcdn.Tracker(clock=clock, create_swarms=False) as t:
        with pytest.raises(p2pcdn.NotFound) as info:
            t.announce("c", b"a", "192.0.2.1", 1, piece_count=8)
        assert info.value.code == _errors.ENOTFOUND
        assert t.content_count == 0
        t.add_content("c", 8)
        t.announce("c", b"a", "192.0.2.1", 1, have=[0])
        assert state(t, "c")[1] == [1, 0, 0, 0, 0, 0, 0, 0]


def test_unknown_content_without_a_piece_count(tracker):
    with pytest.raises(p2pcdn.P2pcdnError):
        tracker.announce("c", b"a", "192.0.2.1", 1)
    assert tracker.content_count == 0


def test_peer_limit(clock):
    with p2pcdn.Tracker(clock=clock, max_peers_per_swarm=2) as t:
        t.add_content("c", 4)
        t.announce("c", b"a", "192.0.2.1", 1, have=[0])
        t.announce("c", b"b", "192.0.2.2", 2, have=[0, 1])
        before = state(t, "c")
        with pytest.raises(p2pcdn.LimitReached) as info:
            t.announce("c", b"c", "192.0.2.3", 3, have=[2])
        assert info.value.code == _errors.ELIMIT
        assert state(t, "c") == before
        t.announce("c", b"a", "192.0.2.1", 1, have=[3])  # known peers still announce


def test_binding_refuses_values_ctypes_would_wrap(busy):
    before = state(busy, "c")
    for kwargs in (dict(have=[-1]), dict(numwant=-1), dict(uploaded=-5)):
        with pytest.raises(p2pcdn.OutOfRange):
            busy.announce("c", b"a", "192.0.2.1", 1, **kwargs)
    with pytest.raises(p2pcdn.OutOfRange):
        busy.announce("c", b"a", "192.0.2.1", 65536)
    with pytest.raises(p2pcdn.InvalidArgument):
        busy.announce("c", b"a", "192.0.2.1", 1, event="joined")
    with pytest.raises(TypeError):
        busy.announce("c", b"a", "192.0.2.1", 1, bitmap="0-3")
    closed = Bitmap(8)
    closed.close()
    with pytest.raises(p2pcdn.InvalidArgument):
        busy.announce("c", b"a", "192.0.2.1", 1, bitmap=closed)
    assert state(busy, "c") == before


# -- expiry ---------------------------------------------------------------------------------------

def test_expiry_follows_the_clock(tracker, clock):
    tracker.add_content("c", 2)
    tracker.announce("c", b"old", "192.0.2.1", 1, have=[0])
    clock.advance(6_000)
    tracker.announce("c", b"new", "192.0.2.2", 2, have=[1])
    clock.advance(4_000)  # old: silent 10 s, the timeout; not past it yet
    assert tracker.expire() == 0
    clock.advance(1)
    assert tracker.expire() == 1
    summary, copies = state(tracker, "c")
    assert summary.peers == 1 and copies == [0, 1]
    assert tracker.content_count == 1  # empty swarms are kept
    clock.advance(10_000)
    assert tracker.expire() == 1 and state(tracker, "c")[0].peers == 0


def test_step_expires_too(tracker, clock):
    tracker.add_content("c", 1)
    tracker.announce("c", b"a", "192.0.2.1", 1)
    clock.advance(10_001)
    assert tracker.step() == -1
    assert state(tracker, "c")[0].peers == 0


# -- subscriptions, host-driven -------------------------------------------------------------------

def test_subscription_reports_at_once_then_per_interval(tracker, clock):
    tracker.add_content("c", 4)
    reports = []
    sub = tracker.subscribe(reports.append, 1000, "c")
    assert tracker.step() == 1000 and len(reports) == 1  # the first at once
    assert tracker.step() == 1000 and len(reports) == 1
    clock.advance(999)
    assert tracker.step() == 1 and len(reports) == 1
    tracker.announce("c", b"a", "192.0.2.1", 1, have=[2])
    clock.advance(1)
    tracker.step()
    assert len(reports) == 2
    # The Stats handed over are copies: they outlive the callback and the swarm's changes.
    assert reports[0].copies().tolist() == [0, 0, 0, 0]
    assert reports[1].copies().tolist() == [0, 0, 1, 0]
    assert reports[1].summary.seq > reports[0].summary.seq
    assert reports[1].summary.time_ms == clock.now
    tracker.unsubscribe(sub)
    clock.advance(5000)
    assert tracker.step() == -1 and len(reports) == 2
    with pytest.raises(p2pcdn.NotFound):
        tracker.unsubscribe(sub)


def test_returning_false_ends_the_subscription(tracker, clock):
    tracker.add_content("c", 1)
    seen = []

    def third_is_last(stats):
        seen.append(stats.summary.seq)
        return len(seen) < 3  # True twice, then False

    tracker.subscribe(third_is_last, 100, "c")
    for _ in range(6):
        tracker.step()
        clock.advance(100)
    assert len(seen) == 3
    assert tracker.step() == -1


def test_subscription_to_every_content(tracker):
    tracker.add_content("a", 1)
    tracker.add_content("b", 1)
    ids = []
    tracker.subscribe(lambda s: ids.append(s.content_id), 1000)
    tracker.step()
    assert sorted(ids) == ["a", "b"]


def test_unsubscribe_from_its_own_callback(tracker, clock):
    tracker.add_content("c", 1)
    calls = []
    holder = {}

    def once(stats):
        calls.append(stats)
        tracker.unsubscribe(holder["id"])

    holder["id"] = tracker.subscribe(once, 10, "c")
    tracker.step()
    clock.advance(10)
    assert tracker.step() == -1 and len(calls) == 1


def test_callback_exception_is_raised_from_the_next_step(tracker, clock):
    tracker.add_content("c", 1)
    calls = []

    def failing(stats):
        calls.append(stats)
        raise ValueError(f"boom {len(calls)}")

    tracker.subscribe(failing, 100, "c")
    with pytest.raises(ValueError, match="boom 1"):
        tracker.step()
    assert tracker.step() == 100  # raised once; nothing new was due
    clock.advance(100)
    with pytest.raises(ValueError, match="boom 2"):
        tracker.step()  # the subscription went on
    assert len(calls) == 2


def test_clock_exception_is_raised_from_the_next_step(clock):
    broken = {"on": False}

    def flaky():
        if broken["on"]:
            raise RuntimeError("clock broke")
        return clock()

    with p2pcdn.Tracker(clock=flaky) as t:
        t.announce("c", b"a", "192.0.2.1", 1, piece_count=1)
        broken["on"] = True
        t.announce("c", b"a", "192.0.2.1", 1)  # the library gets the last good time
        broken["on"] = False
        with pytest.raises(RuntimeError, match="clock broke"):
            t.step()
        # Not a time of 0, which would have expired the peer at once.
        assert t.stats("c").summary.peers == 1


def test_subscribe_arguments(tracker):
    with pytest.raises(TypeError):
        tracker.subscribe(None, 100)
    with pytest.raises(p2pcdn.P2pcdnError):
        tracker.subscribe(lambda s: None, 0)  # an interval of 0 would spin


# -- thread mode ----------------------------------------------------------------------------------

def test_thread_mode_delivers_on_another_thread():
    with p2pcdn.Tracker() as t:
        t.add_content("c", 4)
        delivered = threading.Event()
        where = []

        def report(stats):
            where.append((threading.get_ident(), stats.content_id))
            delivered.set()

        t.subscribe(report, 20, "c")
        t.start()
        with pytest.raises(p2pcdn.InvalidState):
            t.start()
        assert delivered.wait(WAIT_S)
        t.stop()
        thread, content = where[0]
        assert content == "c" and thread != threading.get_ident()


def test_thread_mode_exception_is_raised_from_stop():
    with p2pcdn.Tracker() as t:
        t.add_content("c", 1)
        raised = threading.Event()

        def failing(stats):
            raised.set()
            raise KeyError("in the tracker thread")

        t.subscribe(failing, 20, "c")
        t.start()
        assert raised.wait(WAIT_S)
        with pytest.raises(KeyError, match="in the tracker thread"):
            t.stop()


def test_close_stops_the_thread():
    t = p2pcdn.Tracker()
    t.add_content("c", 1)
    delivered = threading.Event()
    t.subscribe(lambda s: delivered.set(), 20, "c")
    t.start()
    assert delivered.wait(WAIT_S)
    t.close()
    assert t.closed


# -- lifetime -------------------------------------------------------------------------------------

def test_closed_tracker_raises_invalid_argument(tracker):
    tracker.add_content("c", 1)
    tracker.close()
    tracker.close()
    calls = [
        lambda: tracker.add_content("d", 1),
        lambda: tracker.remove_content("c"),
        lambda: tracker.content_count,
        lambda: tracker.announce("c", b"a", "192.0.2.1", 1),
        lambda: tracker.leave("c", b"a"),
        tracker.expire,
        lambda: tracker.stats("c"),
        lambda: tracker.subscribe(lambda s: None, 100),
        lambda: tracker.unsubscribe(1),
        tracker.step,
        tracker.start,
        tracker.stop,
    ]
    for call in calls:
        with pytest.raises(p2pcdn.InvalidArgument) as info:
            call()
        assert info.value.code == _errors.EINVAL
    assert repr(tracker) == "<Tracker closed>"


def test_tracker_cannot_be_copied(tracker):
    for make in (tracker.copy, lambda: copy.copy(tracker), lambda: copy.deepcopy(tracker)):
        with pytest.raises(TypeError):
            make()


def test_bad_options():
    with pytest.raises(p2pcdn.InvalidArgument):
        p2pcdn.Tracker(peer_timeout_ms=-1)
    with pytest.raises(p2pcdn.OutOfRange):
        p2pcdn.Tracker(max_swarms=2**32)
    with pytest.raises(TypeError):
        p2pcdn.Tracker(clock=5)


# -- peer list ------------------------------------------------------------------------------------

def test_peer_list_sequence(tracker):
    tracker.add_content("c", 1)
    for i in range(3):
        tracker.announce("c", b"p%d" % i, "192.0.2.1", 10 + i)
    answer = tracker.announce("c", b"me", "192.0.2.2", 1)
    peers = list(answer)
    assert len(peers) == 3
    assert answer[-1] == peers[-1] and answer[0:2] == peers[0:2]
    with pytest.raises(IndexError):
        answer[3]
    with pytest.raises(IndexError):
        answer[-4]
    twin = answer.copy()
    answer.close()
    assert list(twin) == peers
    with pytest.raises(p2pcdn.InvalidArgument):
        len(answer)
    with pytest.raises(TypeError):
        p2pcdn.PeerList()
