"""A UE fetching a real file through a real CDN: the loopback lab of tests/integration/cdn_lab.py
(nginx origin, caching edges, and a redirector answering 302 to an edge). A tracker hands out
the CDN source, the planner picks the pieces, the fetcher follows the redirect, and every piece
is checked against its hash; the reassembled file must equal the original.

Skips only when nginx is not installed (Debian package nginx).
"""

import sys
import time
import urllib.request

import pytest

import p2pcdn
from conftest import REPO, pseudo_random
from p2pcdn import Bitmap

sys.path.insert(0, str(REPO / "tests" / "integration"))
from cdn_lab import CdnLab, nginx_binary  # noqa: E402

pytestmark = pytest.mark.skipif(nginx_binary() is None,
                                reason="nginx is not installed (Debian package nginx); "
                                       "the CDN lab needs it")

PIECE_LENGTH = 64 * 1024
SIZE = 17 * PIECE_LENGTH + 4321  # 18 pieces, the last one short


@pytest.fixture(scope="module")
def lab(tmp_path_factory):
    with CdnLab(tmp_path_factory.mktemp("cdnlab")) as lab:
        yield lab


@pytest.fixture(scope="module")
def movie(tmp_path_factory):
    """(path, bytes, Content with SHA-1 piece hashes) of a real file."""
    path = tmp_path_factory.mktemp("movie") / "movie.bin"
    data = pseudo_random(SIZE, seed=23)
    path.write_bytes(data)
    content = p2pcdn.Content.from_file("movie-1", path, PIECE_LENGTH)
    yield path, data, content
    content.close()


def now_ms():
    return int(time.time() * 1000)


def cache_status(url):
    """The X-Cache-Status an edge gives for url now (a proxy from the environment is not used)."""
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    with opener.open(url, timeout=10) as answer:
        answer.read()
        return answer.headers["X-Cache-Status"]


def announce_and_plan(content_id, piece_count, template, ranged=False):
    """A tracker's answer carrying one CDN source, and a planner fed with it."""
    tracker = p2pcdn.Tracker(rng_seed=3)
    tracker.add_content(content_id, piece_count)
    every = Bitmap(piece_count)
    every.fill()
    tracker.publish_cdn(content_id, template, every, int(time.time()) + 600, ranged=ranged)
    answer = tracker.announce(content_id, b"ue-1", "192.0.2.10", 6881,
                              bitmap=Bitmap(piece_count))
    tracker.close()
    planner = p2pcdn.Planner(piece_count, max_cdn_in_flight=4, rng_seed=3)
    planner.set_sources(answer)
    return answer, planner


def download(answer, planner, fetcher, budget_s=60):
    """Plan, fetch, report, until nothing is planned or pending; the FetchResult per piece.
    A piece that fails is reported gone, not retried: the test wants every outcome seen."""
    results = {}

    def finished(result):
        results[result.piece] = result
        planner.done(result.piece, "done" if result.ok else "gone")

    deadline = time.monotonic() + budget_s
    while True:
        requests = planner.next(now_ms())
        for request in requests:
            assert request.source == "cdn"
            uri, index = answer.cdn_uri_for_piece(request.piece)
            assert index == request.cdn_index
            fetcher.submit(request.piece, uri, finished,
                           ranged=answer.cdn_sources[index].ranged)
        # Done only when a plan made with every slot free is empty: callbacks in step()
        # free slots, so an empty plan before a step says nothing.
        if not requests and planner.in_flight == (0, 0):
            assert fetcher.pending == 0
            return results
        fetcher.step(100)
        assert time.monotonic() < deadline, "the download did not finish"


def test_pieces_through_the_redirector_and_edges(lab, movie):
    _, data, content = movie
    for i in range(content.piece_count):
        offset, length = content.piece_range(i)
        lab.put_bytes(f"pieces/movie-1/{i}", data[offset:offset + length])
    answer, planner = announce_and_plan(
        "movie-1", content.piece_count, lab.redirector_url + "/pieces/{content}/{piece}")
    with planner, answer, p2pcdn.Fetcher(content, timeout_ms=20000) as fetcher:
        results = download(answer, planner, fetcher)
    assert sorted(results) == list(range(content.piece_count))
    assert all(r.status == "ok" for r in results.values()), {
        p: (r.status, r.message) for p, r in results.items() if not r.ok}
    assert b"".join(results[i].data for i in range(content.piece_count)) == data
    edges = tuple(url + "/" for url in lab.edge_urls)
    for r in results.values():
        # One 302 from the redirector, then an edge served it (split by URI over the edges).
        assert r.redirects == 1 and r.final_url.startswith(edges), r.final_url
    assert len({r.final_url.split("/pieces/")[0] for r in results.values()}) == len(edges)
    # The fetch went through the edge's cache: asked again, the edge has it.
    assert cache_status(results[0].final_url) == "HIT"


def test_whole_object_by_byte_ranges(lab, movie):
    path, data, content = movie
    lab.put_file(path, "objects/movie-1.bin")
    answer, planner = announce_and_plan(
        "movie-1", content.piece_count, lab.redirector_url + "/objects/{content}.bin",
        ranged=True)
    with planner, answer, p2pcdn.Fetcher(content, timeout_ms=20000) as fetcher:
        results = download(answer, planner, fetcher)
    assert all(r.status == "ok" for r in results.values()), {
        p: (r.status, r.message) for p, r in results.items() if not r.ok}
    assert b"".join(results[i].data for i in range(content.piece_count)) == data


def test_missing_and_corrupt_pieces_through_the_lab(lab, movie):
    _, data, content = movie
    lab.put_bytes("damaged/movie-1/1", b"\0" * PIECE_LENGTH)  # not piece 1; 0 is missing
    url = lab.redirector_url + "/damaged/movie-1/{}"
    with p2pcdn.Fetcher(content, timeout_ms=20000) as fetcher:
        missing = fetcher.get(0, url.format(0))
        assert (missing.status, missing.http_status, missing.redirects) == ("gone", 404, 1)
        corrupt = fetcher.get(1, url.format(1))
        assert (corrupt.status, corrupt.data) == ("hash_mismatch", None)
