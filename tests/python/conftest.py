"""Shared setup: import the binding from this checkout and give tests deterministic data.

The library comes from P2PCDN_LIBRARY (ctest sets it to the tree's own build); without it
the package falls back to build/*/src of this checkout, then the system library.
"""

import os
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


def cli_program():
    """The p2pcdn program of this build: P2PCDN_CLI, else <build>/tools/p2pcdn beside the
    <build>/src/libp2pcdn.so.0 the tests load."""
    given = os.environ.get("P2PCDN_CLI")
    if given:
        return Path(given)
    return Path(p2pcdn.library_path()).resolve().parent.parent / "tools" / "p2pcdn"


def example_program(relative):
    """An example program of this build, e.g. "c/ue_fetch": under P2PCDN_EXAMPLES_DIR, else
    <build>/examples beside the <build>/src/libp2pcdn.so.0 the tests load."""
    given = os.environ.get("P2PCDN_EXAMPLES_DIR")
    base = Path(given) if given else (
        Path(p2pcdn.library_path()).resolve().parent.parent / "examples")
    return base / relative


def cli_env(**extra):
    """The environment to run the program in: it is built with the sanitizers itself, so it
    needs no preloaded runtime and keeps its leak check."""
    env = {k: v for k, v in os.environ.items() if k not in ("LD_PRELOAD", "ASAN_OPTIONS")}
    env.update(extra)
    return env


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


class FakeClock:
    """A tracker clock the test moves by hand: Unix time in ms."""

    def __init__(self, now=1_700_000_000_000):
        self.now = now

    def __call__(self):
        return self.now

    def advance(self, ms):
        self.now += ms


@pytest.fixture
def clock():
    return FakeClock()


@pytest.fixture
def tracker(clock):
    """A tracker on the fake clock with a fixed seed, closed after the test."""
    with p2pcdn.Tracker(clock=clock, rng_seed=7, interval=120, min_interval=30,
                        peer_timeout_ms=10_000) as t:
        yield t
