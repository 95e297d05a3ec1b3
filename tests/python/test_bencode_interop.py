"""The bencoded announce answer is readable by an independent BitTorrent implementation:
libtorrent (python3-libtorrent) decodes PeerList.to_bencode(), and its compact peers (BEP 23
for IPv4, BEP 7 for IPv6) and `cdn` entries say what was announced and published.

Skips only when libtorrent is not installed; scripts/test.sh installs it.
"""

import ipaddress

import pytest

import p2pcdn
from p2pcdn import Bitmap, PeerList

lt = pytest.importorskip("libtorrent", reason="python3-libtorrent is not installed")


def compact(blob, size):
    """(address text, port) of each entry of a compact peer string: the address bytes, then
    the port as 2 big-endian bytes."""
    assert len(blob) % size == 0, f"{len(blob)} bytes is not a multiple of {size}"
    out = []
    for i in range(0, len(blob), size):
        entry = blob[i:i + size]
        out.append((str(ipaddress.ip_address(entry[:-2])), int.from_bytes(entry[-2:], "big")))
    return out


@pytest.fixture
def answer(tracker, clock):
    """A tracker answer with IPv4 and IPv6 user peers, a network peer and two CDN sources."""
    now_s = clock.now // 1000
    tracker.add_content("movie-1", 20)
    peers = [
        (b"v4-a", "192.0.2.1", 6881, "user"),
        (b"v4-b", "198.51.100.9", 51413, "user"),
        (b"v4-ccs", "203.0.113.5", 443, "network"),
        (b"v6-a", "2001:db8::7", 6882, "user"),
        (b"v6-b", "2001:db8:0:1::1", 65535, "user"),
    ]
    for peer_id, address, port, role in peers:
        tracker.announce("movie-1", peer_id, address, port, role=role,
                         bitmap=Bitmap.from_ranges("0-9", 20))
    tracker.publish_cdn("movie-1", "https://cdn.example/{content}/{piece}",
                        Bitmap.from_ranges("5-19", 20), now_s + 600)
    tracker.publish_cdn("movie-1", "http://origin.example/movie-1.bin",
                        Bitmap.from_ranges("0-19", 20), now_s + 3600, ranged=True)
    requester = Bitmap.from_ranges("0-7,18", 20)
    answer = tracker.announce("movie-1", b"requester", "192.0.2.200", 7000, bitmap=requester)
    return answer, peers, requester, now_s


def test_libtorrent_reads_the_standard_keys(answer):
    answer, peers, _, _ = answer
    data = answer.to_bencode()
    decoded = lt.bdecode(data)
    assert decoded is not None, "libtorrent could not decode the answer"
    # Canonical bencode (sorted keys, minimal integers): libtorrent writes back the same bytes.
    assert lt.bencode(decoded) == data
    assert decoded[b"interval"] == answer.interval == 120
    assert decoded[b"min interval"] == answer.min_interval == 30
    assert decoded[b"complete"] == answer.seeds
    assert decoded[b"incomplete"] == answer.leechers
    assert decoded[b"content"] == b"movie-1"
    assert decoded[b"piece count"] == 20

    v4 = compact(decoded[b"peers"], 6)
    v6 = compact(decoded.get(b"peers6", b""), 18)
    expected_v4 = sorted((a, p) for _, a, p, _ in peers if ":" not in a)
    expected_v6 = sorted((a, p) for _, a, p, _ in peers if ":" in a)
    assert sorted(v4) == expected_v4
    assert sorted(v6) == expected_v6
    # The binding's own view of the answer says the same.
    assert sorted((p.address, p.port) for p in answer) == sorted(v4 + v6)
    assert ("192.0.2.200", 7000) not in v4  # never the requester
    # The network peer is marked apart; BitTorrent clients ignore the key.
    assert compact(decoded[b"network peers"], 6) == [("203.0.113.5", 443)]


def test_libtorrent_reads_the_cdn_entries(answer):
    answer, _, requester, now_s = answer
    decoded = lt.bdecode(answer.to_bencode())
    entries = decoded[b"cdn"]
    published = {
        b"https://cdn.example/{content}/{piece}": (Bitmap.from_ranges("5-19", 20), now_s + 600, 0),
        b"http://origin.example/movie-1.bin": (Bitmap.from_ranges("0-19", 20), now_s + 3600, 1),
    }
    assert sorted(e[b"url"] for e in entries) == sorted(published)
    for entry in entries:
        served, expires, ranged = published[entry[b"url"]]
        # Restricted to what the requester lacks, as a BEP 3 bitfield of ceil(20 / 8) bytes.
        wanted = served - requester
        assert len(entry[b"pieces"]) == 3
        assert entry[b"pieces"] == wanted.to_wire()
        assert Bitmap.from_wire(entry[b"pieces"], 20) == wanted
        assert entry[b"expires"] == expires
        assert entry.get(b"range", 0) == ranged


def test_answer_libtorrent_reencodes_decodes_here(answer):
    # The other direction: bytes libtorrent wrote decode to the same answer.
    answer, _, _, _ = answer
    rewritten = lt.bencode(lt.bdecode(answer.to_bencode()))
    back = PeerList.from_bencode(rewritten)
    assert back.cdn_sources == answer.cdn_sources
    assert sorted((p.address, p.port, p.role) for p in back) == sorted(
        (p.address, p.port, p.role) for p in answer)


def test_a_plain_tracker_response_libtorrent_writes_decodes_here():
    # What any BitTorrent tracker sends, built with libtorrent's encoder; the p2pcdn keys
    # "content" and "piece count" are required by this decoder.
    response = {
        b"interval": 900,
        b"min interval": 60,
        b"complete": 2,
        b"incomplete": 5,
        b"peers": ipaddress.ip_address("10.1.2.3").packed + (6881).to_bytes(2, "big"),
        b"peers6": ipaddress.ip_address("2001:db8::9").packed + (1).to_bytes(2, "big"),
        b"content": b"c",
        b"piece count": 4,
        b"tracker id": b"ignored",
        b"warning message": b"ignored too",
    }
    answer = PeerList.from_bencode(lt.bencode(response))
    assert (answer.interval, answer.min_interval, answer.seeds, answer.leechers) == (
        900, 60, 2, 5)
    assert [(p.address, p.port, p.id) for p in answer] == [
        ("10.1.2.3", 6881, b""), ("2001:db8::9", 1, b"")]
    assert answer.cdn_sources == []


def test_failure_reason_written_by_libtorrent_is_a_protocol_error():
    with pytest.raises(p2pcdn.ProtocolError, match="torrent not registered"):
        PeerList.from_bencode(lt.bencode({b"failure reason": b"torrent not registered"}))
