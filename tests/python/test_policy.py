"""Policy and Decision: the built-ins through the binding, a policy written in Python (checked
against the built-in threshold policy on a random swarm), exceptions and refused items from a
Python policy, and misuse that comes back as exceptions."""

import json
import random

import pytest

import p2pcdn
from p2pcdn import Content, Decision, Holding, IngestItem, Policy, PolicyInput, Stats

T0 = 1_764_000_000_000  # Unix ms
HOUR = 3_600_000


def stats(copies, peers, content="film"):
    return Stats.from_json(json.dumps({
        "v": 1, "content": content, "seq": 1, "time": T0, "pieces": len(copies),
        "peers": peers, "seeds": 0, "leechers": peers, "network_peers": 0, "copies": copies}))


def layout(pieces, last=1000):
    return Content("film", 1000 * (pieces - 1) + last, 1000)


def held(piece, ingested_at_ms=T0 - HOUR, expires_at_ms=0):
    return Holding(piece, 1000, ingested_at_ms, expires_at_ms)


def decide(policy, copies, peers, holdings=(), now_ms=T0, last=1000):
    with stats(copies, peers) as s, layout(len(copies), last) as c:
        with policy.decide(s, holdings, c, now_ms) as d:
            return d.ingests, d.purges


# -- built-ins --------------------------------------------------------------------------------

def test_threshold_marks_and_reading_a_decision():
    with Policy.threshold(ttl_s=300) as p, stats([3, 1, 0, 1, 4, 5], 5) as s, layout(6) as c:
        d = p.decide(s, [held(4), (0, 1000, T0 - HOUR)], c, T0)  # any order, either form
        assert d.counts == (3, 1)
        # Below 2 copies and lacked by someone, scarcest first; 4 reached the high mark.
        assert d.ingests == [IngestItem(2, 300), IngestItem(1, 300), IngestItem(3, 300)]
        assert d.purges == [4]
        assert repr(d) == "<Decision: 3 ingests, 1 purges>"
        d.close()
        assert repr(d) == "<Decision closed>"
        with pytest.raises(p2pcdn.InvalidArgument):
            d.counts


def test_threshold_residency_cap_and_capacity():
    p = Policy.threshold(min_residency_ms=1000, max_changes=2, capacity_bytes=2000)
    young, old = held(3, T0 - 999), held(4, T0 - 1000)
    # Full (2000 of 2000): 1 gets the room of 4 (due); 3 is too young to go.
    assert decide(p, [1, 0, 1, 9, 9], 10, [young, old]) == ([IngestItem(1, 0)], [4])
    assert decide(Policy.threshold(), [1, 0, 1, 9, 9], 10, [young, old])[1] == []


def test_budget_ttl_and_the_baselines():
    copies = [3, 1, 0, 1, 4, 5]
    holdings = [held(0, expires_at_ms=T0 + 1000), held(5)]
    ingests, purges = decide(Policy.budget(budget_bytes=3000), copies, 5, holdings)
    assert [i.piece for i in ingests] == [2, 1, 3] and purges == [5, 0]
    assert decide(Policy.ttl(ttl_s=90), copies, 5, holdings) == (
        [IngestItem(2, 90), IngestItem(1, 90), IngestItem(3, 90)], [])
    assert decide(Policy.all(), copies, 5, holdings) == (
        [IngestItem(p, 0) for p in (1, 2, 3, 4)], [])
    assert decide(Policy.none(), copies, 5, holdings) == ([], [0, 5])
    # An expired holding is not held.
    assert decide(Policy.none(), copies, 5, [held(1, expires_at_ms=T0)]) == ([], [])


def test_the_same_input_gives_the_same_decision():
    rng = random.Random(3)
    copies = [rng.randrange(8) for _ in range(3000)]
    holdings = [held(i, T0 - rng.randrange(2 * HOUR)) for i in range(0, 3000, 4)]
    for policy in (Policy.threshold(max_changes=100, capacity_bytes=900_000),
                   Policy.budget(budget_bytes=800_000, max_changes=100), Policy.ttl()):
        first = decide(policy, copies, 8, holdings)
        assert first != ([], [])
        assert decide(policy, copies, 8, list(reversed(holdings))) == first


# -- a policy written in Python ---------------------------------------------------------------

def python_threshold(low, high, max_changes, residency_ms):
    """The threshold policy without a capacity, written in Python."""

    def decide(view):
        assert isinstance(view, PolicyInput)
        live = {h.piece: h for h in view.holdings
                if h.expires_at_ms == 0 or h.expires_at_ms > view.now_ms}
        ingests = sorted((c, i) for i, c in enumerate(view.copies)
                         if c < low and c < view.peers and i not in live)
        purges = sorted((-view.copies[p], p) for p, h in live.items()
                        if view.copies[p] >= high and view.now_ms - h.ingested_at_ms >= residency_ms)
        ingests = [i for _, i in ingests[:max_changes]]
        purges = [p for _, p in purges[: max_changes - len(ingests)]]
        return ingests, purges

    return decide


def test_a_python_policy_decides_like_the_built_in_one():
    rng = random.Random(5)
    copies = [rng.randrange(12) for _ in range(2000)]
    holdings = [held(i, T0 - rng.randrange(120_000), rng.choice([0, T0 - 1, T0 + 5000]))
                for i in sorted(rng.sample(range(2000), 700))]
    for changes in (1, 50, 5000):
        built_in = Policy.threshold(low_copies=3, high_copies=7, min_residency_ms=30_000,
                                    max_changes=changes)
        python = Policy.from_callable(python_threshold(3, 7, changes, 30_000))
        expected = decide(built_in, copies, 11, holdings)
        assert decide(python, copies, 11, holdings) == expected
        # Ingests come first: only the largest cap leaves room for purges.
        assert expected[0] and bool(expected[1]) == (changes == 5000)


def test_the_view_a_python_policy_gets():
    seen = []

    def look(view):
        seen.append(view)
        # Every ingest form: a piece, (piece, ttl_s), an IngestItem.
        return [2, (1, 60), IngestItem(3, 0)], [5]

    with Policy.from_callable(look) as p, stats([3, 1, 0, 1, 4, 5], 5) as s, \
            layout(6, last=800) as c:
        d = p.decide(s, [held(5, expires_at_ms=T0 + 9)], c, T0 + 1)
        assert d.ingests == [IngestItem(2, 0), IngestItem(1, 60), IngestItem(3, 0)]
        assert d.purges == [5]
        assert repr(p) == "<Policy (Python)>"
    [view] = seen
    assert (view.content_id, view.piece_count, view.piece_length, view.total_length) == (
        "film", 6, 1000, 5800)
    assert (view.peers, view.seeds, view.leechers, view.network_peers) == (5, 0, 5, 0)
    assert list(view.copies) == [3, 1, 0, 1, 4, 5]  # a copy, still readable after the call
    assert view.holdings == [Holding(5, 1000, T0 - HOUR, T0 + 9)]
    assert view.now_ms == T0 + 1
    # No change at all.
    assert decide(Policy.from_callable(lambda view: None), [0], 1) == ([], [])


def test_an_exception_from_a_python_policy_surfaces():
    class Broken(Exception):
        pass

    calls = []

    def broken(view):
        calls.append(1)
        if len(calls) == 1:
            raise Broken("policy bug")
        return [0], []

    p = Policy.from_callable(broken)
    with pytest.raises(Broken, match="policy bug") as info:
        decide(p, [0, 1], 2)
    assert isinstance(info.value.__context__, p2pcdn.CallbackAborted)
    # Nothing stale is left behind: the next call works.
    assert decide(p, [0, 1], 2) == ([IngestItem(0, 0)], [])


@pytest.mark.parametrize("answer, error, text", [
    (([], [1]), p2pcdn.InvalidArgument, "purge of piece 1: the CDN does not hold it"),
    (([7], []), p2pcdn.InvalidArgument, "ingest of piece 7: out of range for 2 pieces"),
    (([0, 0], []), p2pcdn.InvalidArgument, "already ingested"),
    (([-1], []), p2pcdn.OutOfRange, "piece -1"),
    (([(0, 2**32)], []), p2pcdn.OutOfRange, "ttl_s"),
    (([0],), ValueError, "not enough values"),
    ("nonsense", ValueError, "too many values"),
])
def test_a_bad_answer_from_a_python_policy_is_refused(answer, error, text):
    p = Policy.from_callable(lambda view: answer)
    with pytest.raises(error, match=text):
        decide(p, [0, 1], 2)


def test_a_policy_must_be_callable():
    with pytest.raises(TypeError):
        Policy.from_callable(42)


# -- misuse -----------------------------------------------------------------------------------

def test_options_are_checked():
    with pytest.raises(p2pcdn.InvalidArgument, match="high_copies 4 must be above"):
        Policy.threshold(low_copies=4)
    with pytest.raises(p2pcdn.InvalidArgument, match="negative"):
        Policy.budget(min_residency_ms=-1)
    with pytest.raises(p2pcdn.InvalidArgument, match="renew_before_s 60 must be below"):
        Policy.ttl(ttl_s=60, renew_before_s=60)
    with pytest.raises(p2pcdn.OutOfRange):
        Policy.threshold(max_changes=-1)  # refused here, never wrapped
    with pytest.raises(p2pcdn.OutOfRange):
        Policy.ttl(ttl_s=2**32)
    with pytest.raises(TypeError):
        Policy()
    with pytest.raises(TypeError):
        Decision()
    with pytest.raises(TypeError):
        Policy.all().copy()


def test_bad_input_is_refused():
    p = Policy.threshold()
    with pytest.raises(p2pcdn.InvalidArgument, match="holdings\\[0\\]: piece 9 is out of range"):
        decide(p, [0, 1], 2, [held(9)])
    with pytest.raises(p2pcdn.InvalidArgument, match="without repeats"):
        decide(p, [0, 1], 2, [held(1), held(1)])
    with pytest.raises(p2pcdn.InvalidArgument, match="0 bytes"):
        decide(p, [0, 1], 2, [Holding(1, 0, T0)])
    with pytest.raises(p2pcdn.InvalidArgument, match="3 holdings for a content of 2 pieces"):
        decide(p, [0, 1], 2, [held(0), held(1), held(2)])
    with pytest.raises(p2pcdn.OutOfRange):
        decide(p, [0, 1], 2, [held(-1)])
    with stats([0, 1], 2, content="other") as s, layout(2) as c:
        with pytest.raises(p2pcdn.InvalidArgument, match="for content 'other'"):
            p.decide(s, [], c, T0)
        with pytest.raises(TypeError):
            p.decide(c, [], c, T0)
        with pytest.raises(TypeError):
            p.decide(s, [], s, T0)
        with pytest.raises(p2pcdn.OutOfRange):
            p.decide(s, [], c, 2**63)
        s.close()
        with pytest.raises(p2pcdn.InvalidArgument):
            p.decide(s, [], c, T0)
    p.close()
    with pytest.raises(p2pcdn.InvalidArgument):
        decide(p, [0, 1], 2)
    assert repr(p) == "<Policy closed>"
