"""The ctypes declarations against the header they mirror: the names exist, the argument
counts and the return types agree. Functions the header adds later do not fail this test;
only declarations that disagree with p2pcdn.h do."""

import ctypes
import re

import pytest

from conftest import REPO
from p2pcdn import _lib

HEADER = (REPO / "include" / "p2pcdn" / "p2pcdn.h").read_text()
PROTOTYPE = re.compile(r"P2PCDN_API\s+([^;(]*?)\s*\b(p2pcdn_\w+)\s*\(([^)]*)\)\s*;", re.S)
PROTOTYPES = {
    name: (ret.strip(), params.strip()) for ret, name, params in PROTOTYPE.findall(HEADER)
}
RETURNS = {"int": ctypes.c_int, "void": None, "const char *": ctypes.c_char_p,
           "unsigned int": ctypes.c_uint}
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


def test_every_bitmap_and_content_function_is_declared():
    wanted = [n for n in PROTOTYPES
              if n.startswith(("p2pcdn_bitmap_", "p2pcdn_content_", "p2pcdn_hash_"))
              or n in ("p2pcdn_strerror", "p2pcdn_last_error", "p2pcdn_error_clear",
                       "p2pcdn_version", "p2pcdn_version_string", "p2pcdn_abi_version",
                       "p2pcdn_global_init", "p2pcdn_global_cleanup", "p2pcdn_free")]
    assert [n for n in wanted if n not in DECLARED] == []
