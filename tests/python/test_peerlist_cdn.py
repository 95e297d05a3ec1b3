"""CDN sources in peer lists: a CCS publishes and withdraws them at the tracker, answers carry
them restricted to what the requester lacks, URIs expand per piece, expired sources are never
given, and the JSON and bencoded forms round-trip and reject malformed input."""

import time

import pytest

import p2pcdn
from p2pcdn import Bitmap, PeerList

TEMPLATE = "https://cdn.example/{content}/piece-{piece}"


def bits(ranges, n=10):
    return Bitmap.from_ranges(ranges, n)


def ask(tracker, held, peer=b"ue1", content="film", n=10):
    """The answer to a peer holding `held` (ranges text) of an n-piece content."""
    return tracker.announce(content, peer, "192.0.2.7", 6881, piece_count=n, bitmap=bits(held, n))


@pytest.fixture
def now_s(clock):
    return clock.now // 1000


@pytest.fixture
def film(tracker, now_s):
    """A 10-piece content with one source serving 0-5 for ten minutes."""
    tracker.add_content("film", 10)
    tracker.publish_cdn("film", TEMPLATE, bits("0-5"), now_s + 600)
    return tracker


# -- publish, restrict, withdraw ------------------------------------------------------------------

def test_answer_carries_the_source_restricted_to_what_the_requester_lacks(film, now_s):
    answer = ask(film, "0-2")
    assert (answer.content_id, answer.piece_count) == ("film", 10)
    [source] = answer.cdn_sources
    assert isinstance(source, p2pcdn.CdnSource)
    assert (source.uri, source.expires_s, source.ranged) == (TEMPLATE, now_s + 600, False)
    assert source.pieces.ranges() == "3-5"
    # Statistics count the CDN's pieces apart from peer copies.
    summary = film.stats("film").summary
    assert (summary.cdn_pieces, summary.peers) == (6, 1)


def test_requester_holding_everything_served_gets_no_source(film):
    assert ask(film, "0-5").cdn_sources == []
    assert ask(film, "0-9", peer=b"seed").cdn_sources == []


def test_source_pieces_are_a_copy(film):
    answer = ask(film, "0-2")
    answer.cdn_sources[0].pieces.fill(False)
    assert answer.cdn_sources[0].pieces.ranges() == "3-5"


def test_withdraw_is_effective_from_the_next_answer(film):
    film.withdraw_cdn("film", TEMPLATE, bits("4-5"))
    assert ask(film, "0-2").cdn_sources[0].pieces.ranges() == "3"
    film.withdraw_cdn("film")  # every piece of every source
    assert ask(film, "0-2").cdn_sources == []
    with pytest.raises(p2pcdn.NotFound):
        film.withdraw_cdn("film", TEMPLATE)
    with pytest.raises(p2pcdn.NotFound):
        film.withdraw_cdn("other")


def test_withdrawing_every_piece_removes_the_source(film):
    film.withdraw_cdn("film", TEMPLATE, bits("0-5"))
    assert ask(film, "").cdn_sources == []
    with pytest.raises(p2pcdn.NotFound):
        film.withdraw_cdn("film", TEMPLATE)


def test_publishing_the_same_uri_replaces_the_source(film, now_s):
    film.publish_cdn("film", TEMPLATE, bits("8-9"), now_s + 60, ranged=True)
    [source] = ask(film, "").cdn_sources
    assert (source.pieces.ranges(), source.expires_s, source.ranged) == ("8-9", now_s + 60, True)


def test_bad_sources_are_refused_and_change_nothing(film, now_s):
    cases = [
        ("ftp://cdn.example/{piece}", bits("0"), now_s + 60),    # not http(s)
        ("https://cdn.example/{pice}", bits("0"), now_s + 60),   # unknown placeholder
        ("https://cdn.example/{piece}", bits("0"), now_s - 1),   # already expired
        ("https://cdn.example/{piece}", bits("0", 11), now_s + 60),  # wrong piece count
    ]
    for uri, pieces, expires in cases:
        with pytest.raises(p2pcdn.InvalidArgument):
            film.publish_cdn("film", uri, pieces, expires)
    closed = bits("0")
    closed.close()
    with pytest.raises(p2pcdn.InvalidArgument, match="closed"):
        film.publish_cdn("film", "https://cdn.example/{piece}", closed, now_s + 60)
    with pytest.raises(p2pcdn.InvalidArgument, match="closed"):
        film.withdraw_cdn("film", TEMPLATE, closed)  # never read as "every piece"
    with pytest.raises(TypeError):
        film.publish_cdn("film", "https://cdn.example/{piece}", "0-5", now_s + 60)
    assert [s.uri for s in ask(film, "").cdn_sources] == [TEMPLATE]
    assert ask(film, "").cdn_sources[0].pieces.ranges() == "0-5"


def test_source_limits(clock):
    now_s = clock.now // 1000
    with p2pcdn.Tracker(clock=clock, rng_seed=1, max_cdn_sources=3, max_cdn_per_answer=2) as t:
        t.add_content("c", 10)
        # The answer keeps the sources covering the most wanted pieces.
        t.publish_cdn("c", "https://a.example/{piece}", bits("0"), now_s + 60)
        t.publish_cdn("c", "https://b.example/{piece}", bits("0-8"), now_s + 60)
        t.publish_cdn("c", "https://c.example/{piece}", bits("0-4"), now_s + 60)
        with pytest.raises(p2pcdn.LimitReached):
            t.publish_cdn("c", "https://d.example/{piece}", bits("0"), now_s + 60)
        uris = sorted(s.uri for s in ask(t, "", content="c").cdn_sources)
        assert uris == ["https://b.example/{piece}", "https://c.example/{piece}"]


def test_expired_source_is_not_given(film, clock):
    assert len(ask(film, "").cdn_sources) == 1
    clock.advance(600 * 1000 - 1)  # the last millisecond before expiry
    assert len(ask(film, "").cdn_sources) == 1
    clock.advance(1)  # at expires_s: never handed out
    assert ask(film, "").cdn_sources == []


# -- URI expansion --------------------------------------------------------------------------------

def test_uri_for_piece_expands_the_template(film, now_s):
    answer = ask(film, "0-2")
    assert answer.cdn_uri_for_piece(4, now_s) == ("https://cdn.example/film/piece-4", 0)
    assert answer.cdn_uri_for_piece(1, now_s) is None  # the requester holds it
    assert answer.cdn_uri_for_piece(9, now_s) is None  # no source serves it
    # Usable up to the second before expiry, never at it.
    assert answer.cdn_uri_for_piece(4, now_s + 599) is not None
    assert answer.cdn_uri_for_piece(4, now_s + 600) is None
    with pytest.raises(p2pcdn.OutOfRange):
        answer.cdn_uri_for_piece(-1, now_s)


def test_uri_for_piece_defaults_to_the_system_clock(tracker):
    tracker.add_content("live", 4)
    tracker.publish_cdn("live", "http://cdn.example/{piece}", bits("0-3", 4),
                        int(time.time()) + 3600)
    answer = ask(tracker, "", content="live", n=4)
    assert answer.cdn_uri_for_piece(2) == ("http://cdn.example/2", 0)


def test_content_id_is_percent_encoded_which_leaves_unreserved_ids_unchanged(tracker, now_s):
    # Content ids are RFC 3986 unreserved characters only, so the encoding changes none of
    # them; "~" is the one many encoders escape anyway (%7E), which must not happen here.
    cid = "Film_1.v2~cut-A"
    tracker.add_content(cid, 3)
    tracker.publish_cdn(cid, "http://cdn.example/{content}/{piece}?c={content}&p={piece}",
                        bits("0-2", 3), now_s + 60)
    answer = ask(tracker, "", content=cid, n=3)
    assert answer.cdn_uri_for_piece(2, now_s) == (
        f"http://cdn.example/{cid}/2?c={cid}&p=2", 0)


def test_first_live_source_serving_the_piece_wins(tracker, now_s):
    text = ('{"v":1,"content":"c","pieces":4,"interval":0,"min_interval":0,"complete":0,'
            '"incomplete":0,"peers":[],"cdn":['
            f'{{"uri":"http://old.example/{{piece}}","pieces":"8A==","expires":{now_s}}},'
            f'{{"uri":"http://a.example/{{piece}}","pieces":"wA==","expires":{now_s + 60}}},'
            f'{{"uri":"http://b.example/{{piece}}","pieces":"8A==","expires":{now_s + 60},'
            '"range":true}]}')
    answer = PeerList.from_json(text)
    assert [s.ranged for s in answer.cdn_sources] == [False, False, True]
    assert answer.cdn_uri_for_piece(0, now_s) == ("http://a.example/0", 1)
    assert answer.cdn_uri_for_piece(3, now_s) == ("http://b.example/3", 2)
    assert answer.cdn_uri_for_piece(3, now_s - 1) == ("http://old.example/3", 0)


# -- JSON and bencode -----------------------------------------------------------------------------

# docs/protocol.md, "Peer list": the same answer in both forms.
DOC_JSON = (
    '{"v":1,"type":"peers","content":"movie-1","pieces":10,"interval":1800,"min_interval":60,'
    '"complete":3,"incomplete":12,"peers":['
    '{"id":"706565722d41","ip":"192.0.2.1","port":6881,"role":"user","seed":false},'
    '{"id":"6363732d31","ip":"2001:db8::7","port":6882,"role":"network","seed":true},'
    '{"id":"0102","ip":"198.51.100.9","port":51413,"role":"user","seed":true}],'
    '"cdn":[{"uri":"https://cdn.example/{content}/{piece}","pieces":"AcA=",'
    '"expires":1764000000,"range":false}]}'
)
V6 = bytes.fromhex("20010db8000000000000000000000007") + (6882).to_bytes(2, "big")
DOC_BENCODE = (
    b"d3:cdnld7:expiresi1764000000e6:pieces2:\x01\xc05:rangei0e"
    b"3:url37:https://cdn.example/{content}/{piece}ee"
    b"8:completei3e7:content7:movie-110:incompletei12e8:intervali1800e12:min intervali60e"
    b"14:network peers618:" + V6 +
    b"5:peers12:\xc0\x00\x02\x01\x1a\xe1\xc6\x33\x64\x09\xc8\xd5"
    b"6:peers618:" + V6 +
    b"11:piece counti10ee"
)


def test_documented_json_decodes_and_encodes_back_unchanged():
    answer = PeerList.from_json(DOC_JSON)
    assert (answer.content_id, answer.piece_count, answer.seeds, answer.leechers) == (
        "movie-1", 10, 3, 12)
    assert [(p.id, p.address, p.port, p.role, p.seed) for p in answer] == [
        (b"peer-A", "192.0.2.1", 6881, "user", False),
        (b"ccs-1", "2001:db8::7", 6882, "network", True),
        (b"\x01\x02", "198.51.100.9", 51413, "user", True),
    ]
    [source] = answer.cdn_sources
    assert (source.pieces.ranges(), source.expires_s) == ("7-9", 1764000000)
    assert answer.to_json() == DOC_JSON


def test_documented_bencode_is_what_the_encoder_writes():
    assert PeerList.from_json(DOC_JSON).to_bencode() == DOC_BENCODE
    back = PeerList.from_bencode(DOC_BENCODE)
    # Compact peers lose ids and seed flags by design; roles survive through "network peers".
    assert [(p.id, p.address, p.port, p.role, p.seed) for p in back] == [
        (b"", "192.0.2.1", 6881, "user", False),
        (b"", "198.51.100.9", 51413, "user", False),
        (b"", "2001:db8::7", 6882, "network", False),
    ]
    assert back.to_bencode() == DOC_BENCODE


def test_tracker_answer_round_trips_through_both_forms(film, now_s):
    film.announce("film", b"peer-B", "2001:db8::2", 51413, bitmap=bits("0-9"))
    film.announce("film", b"ccs", "198.51.100.1", 80, role="network", bitmap=bits("0-4"))
    answer = ask(film, "0-2")
    via_json = PeerList.from_json(answer.to_json())
    assert via_json.to_json() == answer.to_json()
    assert list(via_json) == list(answer)
    via_bencode = PeerList.from_bencode(answer.to_bencode())
    assert via_bencode.cdn_sources == answer.cdn_sources
    assert (via_bencode.content_id, via_bencode.piece_count, via_bencode.interval,
            via_bencode.min_interval, via_bencode.seeds, via_bencode.leechers) == (
        answer.content_id, answer.piece_count, answer.interval, answer.min_interval,
        answer.seeds, answer.leechers)
    assert sorted((p.address, p.port, p.role) for p in via_bencode) == sorted(
        (p.address, p.port, p.role) for p in answer)
    assert via_bencode.cdn_uri_for_piece(4, now_s) == ("https://cdn.example/film/piece-4", 0)
    # Bytes-like input of any kind decodes the same.
    assert PeerList.from_bencode(bytearray(answer.to_bencode())).to_bencode() == \
        answer.to_bencode()
    assert PeerList.from_json(answer.to_json().encode()).to_json() == answer.to_json()


def test_smallest_lists():
    text = ('{"v":1,"type":"peers","content":"x","pieces":0,"interval":0,"min_interval":0,'
            '"complete":0,"incomplete":0,"peers":[],"cdn":[]}')
    data = (b"d8:completei0e7:content1:x10:incompletei0e8:intervali0e12:min intervali0e"
            b"5:peers0:11:piece counti0ee")
    assert PeerList.from_json(text).to_bencode() == data
    assert PeerList.from_bencode(data).to_json() == text


@pytest.mark.parametrize("text, member", [
    (DOC_JSON[:-1], None),                                  # cut short
    (DOC_JSON.replace('"v":1', '"v":2'), "v"),
    (DOC_JSON.replace('"port":6881', '"port":70000'), "port"),
    (DOC_JSON.replace('"ip":"192.0.2.1"', '"ip":"192.0.2.256"'), "ip"),
    (DOC_JSON.replace('"AcA="', '"AcE="'), "pieces"),        # a spare bit set
    (DOC_JSON.replace("{content}", "{contents}"), "placeholder"),
    (DOC_JSON.replace('"movie-1"', '"movie 1"'), "content"),
    ('[]', None),
])
def test_malformed_json_is_a_parse_error(text, member):
    with pytest.raises(p2pcdn.ParseError) as info:
        PeerList.from_json(text)
    if member is not None:
        assert member in str(info.value)


@pytest.mark.parametrize("data", [
    DOC_BENCODE[:-1],                                        # cut short
    DOC_BENCODE + b"e",                                      # trailing bytes
    b"d5:peers5:abcdee",                                     # compact peers not 6 bytes each
    DOC_BENCODE.replace(b"i1800e", b"i01800e"),              # not canonical
    DOC_BENCODE.replace(b"5:rangei0e", b"5:rangei2e"),
    DOC_BENCODE.replace(b"6:pieces2:\x01\xc0", b"6:pieces1:\x01"),  # bitfield too short
    b"d8:completei0e7:content1:x8:intervali0e5:peersld2:ip9:192.0.2.14:porti1eee"
    b"11:piece counti0ee",                                   # non-compact peers
    b"",
])
def test_malformed_bencode_is_a_parse_error(data):
    with pytest.raises(p2pcdn.ParseError):
        PeerList.from_bencode(data)


def test_tracker_failure_answer_is_a_protocol_error():
    with pytest.raises(p2pcdn.ProtocolError, match="unknown torrent"):
        PeerList.from_bencode(b"d14:failure reason15:unknown torrente")


def test_a_peer_list_is_made_by_the_library_only_and_closes(film):
    with pytest.raises(TypeError):
        PeerList()
    answer = ask(film, "")
    answer.close()
    for use in (lambda: answer.cdn_sources, lambda: answer.to_json(),
                lambda: answer.to_bencode(), lambda: answer.content_id,
                lambda: answer.cdn_uri_for_piece(0, 0)):
        with pytest.raises(p2pcdn.InvalidArgument):
            use()
    assert repr(answer) == "<PeerList closed>"
