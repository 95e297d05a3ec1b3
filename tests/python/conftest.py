"""Shared setup: import the binding from this checkout and give tests deterministic data.

The library comes from P2PCDN_LIBRARY (ctest sets it to the tree's own build); without it
the package falls back to build/*/src of this checkout, then the system library.
"""

import random
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
BINDINGS = REPO / "bindings" / "python"

# The checkout's package, not one installed elsewhere (ctest also sets PYTHONPATH to it).
if str(BINDINGS) not in sys.path:
    sys.path.insert(0, str(BINDINGS))

import p2pcdn  # noqa: E402  (a load failure here names every place the library was looked for)


def pseudo_random(size, seed=1):
    """size reproducible bytes: the same every run, different for each seed."""
    return random.Random(seed).randbytes(size)


@pytest.fixture(autouse=True)
def _fresh_last_error():
    # last_error is per thread and survives successful calls: start every test clean.
    p2pcdn.clear_error()
    yield


@pytest.fixture
def write_file(tmp_path):
    """write_file(name, data) -> path of a new file under the test's temporary directory."""

    def write(name, data):
        path = tmp_path / name
        path.write_bytes(data)
        return path

    return write
