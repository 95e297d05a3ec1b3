"""The ctypes declarations against the header they mirror: the names exist, the argument
counts and the return types agree. Functions the header adds later do not fail this test;
only declarations that disagree with p2pcdn.h do."""

import ctypes
import re

import pytest

from conftest import REPO
from p2pcdn import _lib, _types

HEADER = (REPO / "include" / "p2pcdn" / "p2pcdn.h").read_text()
PROTOTYPE = re.compile(r"P2PCDN_API\s+([^;(]*?)\s*\b(p2pcdn_\w+)\s*\(([^)]*)\)\s*;", re.S)
PROTOTYPES = {
    name: (ret.strip(), params.strip()) for ret, name, params in PROTOTYPE.findall(HEADER)
}
RETURNS = {"int": ctypes.c_int, "void": None, "const char *": ctypes.c_char_p,
           "unsigned int": ctypes.c_uint}
# The header's sections this binding wraps, by prefix.
WRAPPED = ("p2pcdn_bitmap_", "p2pcdn_content_", "p2pcdn_hash_", "p2pcdn_stats_",
           "p2pcdn_peerlist_", "p2pcdn_tracker_", "p2pcdn_announce_")
DECLARED = sorted(name for name in vars(_lib) if name.startswith("p2pcdn_"))


def test_header_was_parsed():
    assert "p2pcdn_bitmap_new" in PROTOTYPES and len(PROTOTYPES) >= 50


@pytest.mark.parametrize("name", DECLARED)
def test_declaration_matches_the_header(name):
    assert name in PROTOTYPES, f"{name} is not in p2pcdn.h"
    ret, params = PROTOTYPES[name]
    func = getattr(_lib, name)
    count = 0 if params == "void" else params.count(",") + 1
    assert len(func.argtypes) == count
    assert func.restype is RETURNS[" ".join(ret.split())]


def test_every_function_of_the_wrapped_sections_is_declared():
    wanted = [n for n in PROTOTYPES
              if n.startswith(WRAPPED)
              or n in ("p2pcdn_strerror", "p2pcdn_last_error", "p2pcdn_error_clear",
                       "p2pcdn_version", "p2pcdn_version_string", "p2pcdn_abi_version",
                       "p2pcdn_global_init", "p2pcdn_global_cleanup", "p2pcdn_free")]
    assert [n for n in wanted if n not in DECLARED] == []


# -- structs and constants --------------------------------------------------------------------
# Names and order of the members of each mirrored struct, and the value of every constant the
# binding copies. Sizes and offsets follow from the member types, which ctypes lays out with
# the platform's C rules; a member added, dropped or reordered in the header shows up here.

STRUCT = re.compile(r"typedef struct (p2pcdn_\w+) \{(.*?)\}", re.S)
MEMBER = re.compile(r"(\w+)\s*(?:\[[^\]]*\])?\s*;")
STRUCTS = {
    name: MEMBER.findall(re.sub(r"/\*.*?\*/", "", body, flags=re.S))
    for name, body in STRUCT.findall(HEADER)
}
MIRRORS = {
    "p2pcdn_hash_options": _types.HashOptions,
    "p2pcdn_stats_summary": _types.StatsSummary,
    "p2pcdn_histogram_bin": _types.HistogramBin,
    "p2pcdn_peer_info": _types.PeerInfo,
    "p2pcdn_announce": _types.Announce,
    "p2pcdn_tracker_options": _types.TrackerOptions,
}


@pytest.mark.parametrize("name", sorted(MIRRORS))
def test_struct_members_match_the_header(name):
    assert [f[0] for f in MIRRORS[name]._fields_] == STRUCTS[name]


CONSTANT = re.compile(r"\bP2PCDN_(\w+)\s*(?:=\s*|\s+)(-?(?:0x[0-9a-fA-F]+|\d+))u?\b")
CONSTANTS = {name: int(value, 0) for name, value in CONSTANT.findall(HEADER)}
COPIED = sorted(name for name in vars(_types)
                if name.isupper() and not name.endswith("_CB") and name in CONSTANTS)


def test_constants_were_found():
    assert {"PEER_ID_MAX", "NUMWANT_NONE", "EVENT_STOPPED", "COPIES_RUNS",
            "SELECT_COMPLEMENTARY", "PEER_NETWORK", "TRACKER_OPTIONS_VERSION"} <= set(COPIED)


@pytest.mark.parametrize("name", COPIED)
def test_constant_matches_the_header(name):
    assert getattr(_types, name) == CONSTANTS[name]
