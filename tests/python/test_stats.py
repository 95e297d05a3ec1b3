"""Stats: snapshots taken from a tracker, their numbers, and the JSON form both ways."""

import copy
import dataclasses
import json

import pytest

import p2pcdn
from p2pcdn import _errors


def swarm(tracker, content="movie"):
    """8 pieces: a holds 0-3, b holds 2-5, c holds everything; pieces 6-7 only at c."""
    tracker.announce(content, b"a", "192.0.2.1", 1, bitmap=p2pcdn.Bitmap.from_ranges("0-3", 8))
    tracker.announce(content, b"b", "192.0.2.2", 2, bitmap=p2pcdn.Bitmap.from_ranges("2-5", 8))
    tracker.announce(content, b"c", "192.0.2.3", 3, piece_count=8, event="completed")
    return tracker.stats(content)


def test_numbers_of_a_snapshot(tracker, clock):
    stats = swarm(tracker)
    assert stats.content_id == "movie"
    assert stats.copies().tolist() == [2, 2, 3, 3, 2, 2, 1, 1]
    assert stats.network_copies().tolist() == []
    assert stats.histogram() == [(1, 2), (2, 4), (3, 2)]
    assert stats.rarest().ranges() == "6-7"
    s = stats.summary
    assert (s.piece_count, s.peers, s.seeds, s.leechers, s.network_peers) == (8, 3, 1, 2, 0)
    assert (s.min_copies, s.max_copies, s.pieces_at_min) == (1, 3, 2)
    # libtorrent's figure: min_copies + the fraction of pieces above it.
    assert s.distributed_copies == pytest.approx(1 + 6 / 8)
    assert s.time_ms == clock.now and s.cdn_pieces == 0


def test_summary_is_a_frozen_value(tracker):
    s = swarm(tracker).summary
    with pytest.raises(AttributeError):
        s.peers = 9
    assert dataclasses.replace(s) == s and hash(s) == hash(dataclasses.replace(s))
    assert isinstance(s, p2pcdn.StatsSummary)


def test_seq_grows_with_each_snapshot(tracker):
    first = swarm(tracker).summary.seq
    assert tracker.stats("movie").summary.seq == first + 1


def test_network_peers_are_counted_apart(tracker):
    tracker.add_content("movie", 4)
    tracker.announce("movie", b"u", "192.0.2.1", 1, have=[0])
    tracker.announce("movie", b"ccs", "192.0.2.9", 9, role="network", have=[0, 1])
    stats = tracker.stats("movie")
    assert stats.copies().tolist() == [1, 0, 0, 0]
    assert stats.network_copies().tolist() == [1, 1, 0, 0]
    assert (stats.summary.peers, stats.summary.network_peers) == (1, 1)


def test_empty_swarm(tracker):
    tracker.add_content("empty", 5)
    stats = tracker.stats("empty")
    assert stats.copies().tolist() == [0] * 5
    assert stats.histogram() == [(0, 5)]
    assert stats.rarest().is_all()
    assert stats.summary.peers == 0 and stats.summary.pieces_at_min == 5


# -- JSON -----------------------------------------------------------------------------------------

def same_report(a, b):
    assert a.content_id == b.content_id
    assert a.summary == b.summary
    assert a.copies() == b.copies()
    assert a.network_copies() == b.network_copies()


@pytest.mark.parametrize("encoding,member", [("plain", "copies"), ("runs", "copies_runs")])
def test_json_round_trip(tracker, encoding, member):
    stats = swarm(tracker)
    text = stats.to_json(encoding)
    assert member in json.loads(text)
    same_report(p2pcdn.Stats.from_json(text), stats)
    same_report(p2pcdn.Stats.from_json(text.encode()), stats)


def test_runs_encoding(tracker):
    stats = swarm(tracker)
    assert json.loads(stats.to_json("runs"))["copies_runs"] == [2, 2, 3, 2, 2, 2, 1, 2]
    assert json.loads(stats.to_json(p2pcdn.COPIES_PLAIN))["copies"] == [2, 2, 3, 3, 2, 2, 1, 1]


def test_auto_encoding_picks_the_smaller(tracker):
    # 4 runs over 8 pieces are more than half the plain size: plain.
    assert "copies" in json.loads(swarm(tracker).to_json())
    # One run over 64 pieces: runs.
    tracker.add_content("flat", 64)
    assert "copies_runs" in json.loads(tracker.stats("flat").to_json("auto"))


@pytest.mark.parametrize("text", [
    "", "not json", "[]", "{}", '{"v": 1}',
    '{"v":2,"type":"stats","content":"x","seq":1,"time":0,"pieces":1,"peers":0,"seeds":0,'
    '"leechers":0,"network_peers":0,"copies":[0]}',
])
def test_malformed_json_is_a_parse_error(text):
    with pytest.raises(p2pcdn.ParseError) as info:
        p2pcdn.Stats.from_json(text)
    assert info.value.code == _errors.EPARSE and isinstance(info.value, ValueError)
    assert info.value.message


def test_inconsistent_report_is_a_parse_error_naming_the_member(tracker):
    report = json.loads(swarm(tracker).to_json("plain"))
    report["copies"] = report["copies"][:-1]  # one entry short
    with pytest.raises(p2pcdn.ParseError, match="copies"):
        p2pcdn.Stats.from_json(json.dumps(report))
    report = json.loads(swarm(tracker).to_json("plain"))
    report["copies"][0] = 99  # more copies than peers
    with pytest.raises(p2pcdn.ParseError, match="copies"):
        p2pcdn.Stats.from_json(json.dumps(report))


def test_unknown_encoding(tracker):
    stats = swarm(tracker)
    with pytest.raises(p2pcdn.InvalidArgument, match="copies encoding"):
        stats.to_json("rle")
    with pytest.raises(p2pcdn.InvalidArgument) as info:
        stats.to_json(7)  # left to the library
    assert info.value.code == _errors.EINVAL


# -- lifetime -------------------------------------------------------------------------------------

def test_copy_is_independent(tracker):
    stats = swarm(tracker)
    twin = copy.copy(stats)
    stats.close()
    assert twin.copies().tolist() == [2, 2, 3, 3, 2, 2, 1, 1]


def test_closed_stats_raise_invalid_argument(tracker):
    stats = swarm(tracker)
    stats.close()
    stats.close()
    for call in (lambda: stats.summary, stats.copies, stats.histogram, stats.rarest,
                 stats.to_json, lambda: stats.content_id):
        with pytest.raises(p2pcdn.InvalidArgument):
            call()
    assert repr(stats) == "<Stats closed>"


def test_stats_are_not_made_from_nothing():
    with pytest.raises(TypeError):
        p2pcdn.Stats()


def test_hand_written_report():
    # Members the tracker does not fill yet: cdn (base64 of the BEP 3 bitfield) and
    # network_copies in runs.
    text = json.dumps({
        "v": 1, "content": "x", "seq": 7, "time": -5, "pieces": 10, "peers": 3, "seeds": 1,
        "leechers": 2, "network_peers": 1, "copies_runs": [1, 4, 3, 6],
        "network_copies_runs": [0, 9, 1, 1],
        "cdn": p2pcdn.Bitmap.from_ranges("0-2,9", 10).base64(),
    })
    stats = p2pcdn.Stats.from_json(text)
    assert stats.copies().tolist() == [1] * 4 + [3] * 6
    assert stats.network_copies().tolist() == [0] * 9 + [1]
    s = stats.summary
    assert (s.seq, s.time_ms, s.cdn_pieces, s.network_peers) == (7, -5, 4, 1)
    assert (s.min_copies, s.max_copies, s.pieces_at_min) == (1, 3, 4)
    assert s.distributed_copies == pytest.approx(1.6)
    assert stats.rarest().ranges() == "0-3"
    same_report(p2pcdn.Stats.from_json(stats.to_json("plain")), stats)
