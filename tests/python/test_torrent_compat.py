"""SHA-1 piece hashes are byte-identical to the `pieces` string real torrent creators write.

Two independent creators: libtorrent (python3-libtorrent) and the mktorrent program. The test
skips only when one of them is not installed; scripts/test.sh installs both.
"""

import shutil
import subprocess

import pytest

import p2pcdn
from conftest import pseudo_random

KiB = 1024
MiB = 1024 * KiB

# (file size, log2 of the piece length). mktorrent takes piece lengths 2^15 to 2^28.
CASES = [
    pytest.param((3 * MiB + 12345, 18), id="3MiB-short-last-piece"),
    pytest.param((2 * MiB, 16), id="2MiB-exact-pieces"),
    pytest.param((1_000_003, 15), id="odd-size-32KiB-pieces"),
    pytest.param((1000, 16), id="smaller-than-one-piece"),
    pytest.param((1, 15), id="one-byte"),
]


@pytest.fixture
def sample(tmp_path, request):
    """A file of deterministic pseudo-random bytes in its own directory."""
    size, log2 = request.param
    folder = tmp_path / "data"
    folder.mkdir()
    path = folder / f"sample-{size}.bin"
    path.write_bytes(pseudo_random(size, seed=size))
    return path, 1 << log2, log2


def ours(path, piece_length):
    with p2pcdn.Content.from_file("sample", path, piece_length, algo="sha1") as content:
        assert content.hash_algo == "sha1"
        return content.hashes("raw")


# -- a small bencode decoder (BEP 3), enough to read a .torrent ---------------------------------


def bdecode(data):
    value, end = _decode(data, 0)
    if end != len(data):
        raise ValueError(f"trailing bytes after offset {end}")
    return value


def _decode(data, i):
    kind = data[i : i + 1]
    if kind == b"i":
        end = data.index(b"e", i)
        return int(data[i + 1 : end]), end + 1
    if kind in (b"l", b"d"):
        items, i = [], i + 1
        while data[i : i + 1] != b"e":
            item, i = _decode(data, i)
            items.append(item)
        if kind == b"l":
            return items, i + 1
        return dict(zip(items[0::2], items[1::2])), i + 1
    if kind.isdigit():
        colon = data.index(b":", i)
        start = colon + 1
        end = start + int(data[i:colon])
        if end > len(data):
            raise ValueError(f"string at offset {i} runs past the end")
        return data[start:end], end
    raise ValueError(f"unexpected byte {kind!r} at offset {i}")


def test_bdecode_itself():
    assert bdecode(b"d3:cow3:moo4:spaml1:ai-3eee") == {b"cow": b"moo", b"spam": [b"a", -3]}
    with pytest.raises(ValueError):
        bdecode(b"5:abc")


# -- the comparisons ---------------------------------------------------------------------------


@pytest.mark.parametrize("sample", CASES, indirect=True)
@pytest.mark.parametrize("mode", ["v1_only", "hybrid"])
def test_pieces_match_libtorrent(sample, mode):
    lt = pytest.importorskip("libtorrent", reason="python3-libtorrent is not installed")
    path, piece_length, _ = sample

    files = lt.file_storage()
    lt.add_files(files, str(path))
    # libtorrent 2 writes hybrid v1+v2 torrents by default; their v1 `pieces` must match too.
    flags = lt.create_torrent.v1_only if mode == "v1_only" else 0
    torrent = lt.create_torrent(files, piece_length, flags=flags)
    lt.set_piece_hashes(torrent, str(path.parent))
    info = torrent.generate()[b"info"]

    assert info[b"piece length"] == piece_length
    assert info[b"length"] == path.stat().st_size
    assert ours(path, piece_length) == info[b"pieces"]


@pytest.mark.parametrize("sample", CASES, indirect=True)
def test_pieces_match_mktorrent(sample, tmp_path):
    mktorrent = shutil.which("mktorrent")
    if mktorrent is None:
        pytest.skip("mktorrent is not installed")
    path, piece_length, log2 = sample
    out = tmp_path / "out.torrent"

    subprocess.run(
        [mktorrent, "-l", str(log2), "-a", "http://127.0.0.1/announce", "-o", str(out), str(path)],
        check=True,
        capture_output=True,
        timeout=120,
    )
    info = bdecode(out.read_bytes())[b"info"]

    assert info[b"piece length"] == piece_length
    assert info[b"length"] == path.stat().st_size
    assert ours(path, piece_length) == info[b"pieces"]


@pytest.mark.parametrize("sample", CASES[:1], indirect=True)
def test_torrent_pieces_import_and_verify(sample):
    # The other direction: a torrent's `pieces` string imported into a content verifies the
    # file's own pieces, and rejects a changed one.
    lt = pytest.importorskip("libtorrent", reason="python3-libtorrent is not installed")
    path, piece_length, _ = sample
    files = lt.file_storage()
    lt.add_files(files, str(path))
    torrent = lt.create_torrent(files, piece_length, flags=lt.create_torrent.v1_only)
    lt.set_piece_hashes(torrent, str(path.parent))
    pieces = torrent.generate()[b"info"][b"pieces"]

    data = path.read_bytes()
    with p2pcdn.Content("sample", len(data), piece_length) as content:
        content.import_hashes(pieces, algo="sha1", format="raw")
        for i in range(content.piece_count):
            offset, length = content.piece_range(i)
            assert content.verify_piece(i, data[offset : offset + length])
        changed = bytearray(data[:piece_length])
        changed[-1] ^= 0xFF
        assert not content.verify_piece(0, changed)
