"""The tracker's HTTP handlers through the binding (Tracker.handle_*, tracker_http.h): what a
Python HTTP front-end would call, with the status and body to send for good and bad requests."""

import json

import pytest

import p2pcdn
from p2pcdn import HttpAnswer, PeerList, Stats, Tracker

ANNOUNCE = {"v": 1, "content": "movie-1", "pieces": 10, "peer_id": "0a", "port": 6881,
            "bitfield": "gMA="}


def test_announce_answers_and_failures(tracker):
    answer = tracker.handle_announce_json(json.dumps(ANNOUNCE), "192.0.2.1")
    assert isinstance(answer, HttpAnswer)
    assert (answer.status, answer.code) == (200, 0)
    assert PeerList.from_json(answer.body.decode()).content_id == "movie-1"
    bad = tracker.handle_announce_json(b'{"v":2}', "192.0.2.1")
    assert (bad.status, bad.code) == (400, p2pcdn.ParseError.code)
    assert json.loads(bad.body) == {"v": 1, "type": "error", "code": -6,
                                    "message": "member 'v' is 2, only version 1 is supported"}
    # No address anywhere: the library's EINVAL, still with an answer.
    other = dict(ANNOUNCE, peer_id="0b")
    missing = tracker.handle_announce_json(json.dumps(other))
    assert (missing.status, missing.code) == (400, p2pcdn.InvalidArgument.code)
    assert tracker.stats("movie-1").summary.peers == 1


def test_bittorrent_publish_withdraw_and_stats(tracker, clock):
    query = ("info_hash=%124Vx%9A%BC%DE%F1%23Eg%89%AB%CD%EF%124Vx%9A"
             "&peer_id=-XX0001-abcdefghijkl&port=6881&left=0&p2pcdn_pieces=10")
    answer = tracker.handle_bt_announce(query, "192.0.2.1")
    assert (answer.status, answer.code) == (200, 0)
    assert PeerList.from_bencode(answer.body).seeds == 1
    failed = tracker.handle_bt_announce("port=1", "192.0.2.1")
    assert failed.status == 200 and failed.code == p2pcdn.ParseError.code
    assert failed.body.startswith(b"d14:failure reason")

    swarm = "123456789abcdef123456789abcdef123456789a"
    publish = {"v": 1, "content": swarm, "pieces": 10, "sources": [
        {"uri": "http://cdn.example/{piece}", "pieces": "/8A=",
         "expires": clock.now // 1000 + 60}]}
    done = tracker.handle_publish_json(json.dumps(publish))
    assert (done.status, json.loads(done.body)["sources"]) == (200, 1)
    report = Stats.from_json(tracker.stats_json(swarm, "plain"))
    assert report.summary.cdn_pieces == 10
    gone = tracker.handle_withdraw_json(json.dumps({"v": 1, "content": swarm}))
    assert json.loads(gone.body)["changed"] == 1
    again = tracker.handle_withdraw_json(
        json.dumps({"v": 1, "content": swarm, "uri": "http://cdn.example/{piece}"}))
    assert (again.status, again.code) == (404, p2pcdn.NotFound.code)
    with pytest.raises(p2pcdn.NotFound, match="unknown content 'nope'"):
        tracker.stats_json("nope")


def test_subscriptions_errors_and_statuses():
    assert Tracker.parse_subscribe(
        '{"v":1,"content":"c","interval_ms":500,"url":"http://h:1/s"}') == ("c", "http://h:1/s",
                                                                           500)
    with pytest.raises(p2pcdn.ParseError, match="member 'url' is missing"):
        Tracker.parse_subscribe('{"v":1,"content":"c","interval_ms":500}')
    assert json.loads(Tracker.error_json(-7, "no\nsuch")) == {
        "v": 1, "type": "error", "code": -7, "message": "no?such"}
    with pytest.raises(p2pcdn.InvalidArgument):
        Tracker.error_json(0, "fine")
    assert [Tracker.http_status(c) for c in (0, -6, -7, -8, -3, -13)] == [
        200, 400, 404, 409, 503, 500]


def test_a_closed_tracker_refuses():
    t = Tracker()
    t.close()
    with pytest.raises(p2pcdn.InvalidArgument):
        t.handle_announce_json(json.dumps(ANNOUNCE), "192.0.2.1")
