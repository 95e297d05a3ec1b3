"""The ctypes declarations against the header they mirror: the names exist, the argument
counts and the return types agree, every function of the wrapped sections is declared, and the
struct mirrors and copied constants match. The header is p2pcdn.h with the parts it includes
(planner.h, fetcher.h) read in where it includes them."""

import ctypes
import re

import pytest

from conftest import REPO
from p2pcdn import _lib, _types

INCLUDE = REPO / "include"
PART = re.compile(r'^#include "(p2pcdn/(?!p2pcdn_version\.h)[\w.]+)"', re.M)


def read_header(name):
    """The header's text with its own parts (not the generated version header) in place."""
    text = (INCLUDE / name).read_text()
    return PART.sub(lambda m: read_header(m.group(1)), text)


HEADER = read_header("p2pcdn/p2pcdn.h")
PROTOTYPE = re.compile(r"P2PCDN_API\s+([^;(]*?)\s*\b(p2pcdn_\w+)\s*\(([^)]*)\)\s*;", re.S)
PROTOTYPES = {
    name: (ret.strip(), params.strip()) for ret, name, params in PROTOTYPE.findall(HEADER)
}
RETURNS = {"int": ctypes.c_int, "void": None, "const char *": ctypes.c_char_p,
           "unsigned int": ctypes.c_uint}
# The header's sections this binding wraps, by prefix.
WRAPPED = ("p2pcdn_bitmap_", "p2pcdn_content_", "p2pcdn_hash_", "p2pcdn_stats_",
           "p2pcdn_peerlist_", "p2pcdn_tracker_", "p2pcdn_announce_", "p2pcdn_announcer_",
           "p2pcdn_cdn_source_",
           "p2pcdn_planner_", "p2pcdn_fetcher_", "p2pcdn_fetch_", "p2pcdn_policy_",
           "p2pcdn_decision_", "p2pcdn_cdn_", "p2pcdn_signer_", "p2pcdn_css_", "p2pcdn_nscf_")
DECLARED = sorted(name for name in vars(_lib) if name.startswith("p2pcdn_"))


def test_header_was_parsed():
    assert "p2pcdn_bitmap_new" in PROTOTYPES and len(PROTOTYPES) >= 50
    # The parts were read in: a function of each.
    assert {"p2pcdn_planner_next", "p2pcdn_fetcher_get"} <= set(PROTOTYPES)


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
# Comments go first: one may hold a brace ("{piece}") that would end a body early.
STRUCTS = {
    name: MEMBER.findall(body)
    for name, body in STRUCT.findall(re.sub(r"/\*.*?\*/", "", HEADER, flags=re.S))
}
MIRRORS = {
    "p2pcdn_hash_options": _types.HashOptions,
    "p2pcdn_stats_summary": _types.StatsSummary,
    "p2pcdn_histogram_bin": _types.HistogramBin,
    "p2pcdn_peer_info": _types.PeerInfo,
    "p2pcdn_announce": _types.Announce,
    "p2pcdn_tracker_options": _types.TrackerOptions,
    "p2pcdn_cdn_source": _types.CdnSource,
    "p2pcdn_planner_options": _types.PlannerOptions,
    "p2pcdn_piece_request": _types.PieceRequest,
    "p2pcdn_fetcher_options": _types.FetcherOptions,
    "p2pcdn_fetch_result": _types.FetchResult,
    "p2pcdn_announcer_options": _types.AnnouncerOptions,
    "p2pcdn_holding": _types.Holding,
    "p2pcdn_ingest_item": _types.IngestItem,
    "p2pcdn_policy_threshold_options": _types.PolicyThresholdOptions,
    "p2pcdn_policy_budget_options": _types.PolicyBudgetOptions,
    "p2pcdn_policy_ttl_options": _types.PolicyTtlOptions,
    "p2pcdn_policy_input": _types.PolicyInput,
    "p2pcdn_signer_options": _types.SignerOptions,
    "p2pcdn_cdn_options": _types.CdnOptions,
    "p2pcdn_css_options": _types.CssOptions,
    "p2pcdn_cdn_job_info": _types.CdnJobInfo,
    "p2pcdn_cdn_item_result": _types.CdnItemResult,
    "p2pcdn_cdn_driver_metrics": _types.CdnDriverMetrics,
    "p2pcdn_nscf_link_callbacks": _types.NscfLinkCallbacks,
    "p2pcdn_nscf_options": _types.NscfOptions,
    "p2pcdn_nscf_event": _types.NscfEvent,
    "p2pcdn_nscf_holding": _types.NscfHolding,
    "p2pcdn_nscf_metrics": _types.NscfMetrics,
}


def test_every_struct_of_the_wrapped_sections_is_mirrored():
    # Every struct of the header is one a caller fills or reads, so each needs a mirror.
    assert sorted(STRUCTS) == sorted(MIRRORS)



@pytest.mark.parametrize("name", sorted(MIRRORS))
def test_struct_members_match_the_header(name):
    assert [f[0] for f in MIRRORS[name]._fields_] == STRUCTS[name]


CONSTANT = re.compile(r"\bP2PCDN_(\w+)\s*(?:=\s*|\s+)(-?(?:0x[0-9a-fA-F]+|\d+))u?\b")
CONSTANTS = {name: int(value, 0) for name, value in CONSTANT.findall(HEADER)}
COPIED = sorted(name for name in vars(_types)
                if name.isupper() and not name.endswith("_CB") and name in CONSTANTS)


def test_constants_were_found():
    assert {"PEER_ID_MAX", "NUMWANT_NONE", "EVENT_STOPPED", "COPIES_RUNS",
            "SELECT_COMPLEMENTARY", "PEER_NETWORK", "TRACKER_OPTIONS_VERSION",
            "CDN_SOURCE_VERSION", "PLANNER_OPTIONS_VERSION", "SOURCE_CDN", "PLAN_GONE",
            "FETCH_FATAL", "FETCHER_OPTIONS_VERSION", "FETCH_RESULT_VERSION",
            "POLICY_THRESHOLD_OPTIONS_VERSION", "POLICY_BUDGET_OPTIONS_VERSION",
            "POLICY_TTL_OPTIONS_VERSION", "POLICY_INPUT_VERSION", "CDN_OPTIONS_VERSION",
            "SIGNER_OPTIONS_VERSION", "CSS_OPTIONS_VERSION", "CDN_DRIVER_CIT", "JOB_CANCELLED",
            "ITEM_CANCELLED", "SIGNER_AWS_SIGV4"} <= set(COPIED)


@pytest.mark.parametrize("name", COPIED)
def test_constant_matches_the_header(name):
    assert getattr(_types, name) == CONSTANTS[name]
