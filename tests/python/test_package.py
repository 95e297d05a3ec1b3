"""Packaging: offline pip install, the in-tree build backend, and how the library is found."""

import base64
import hashlib
import importlib.util
import os
import subprocess
import sys
import tarfile
import tomllib
import zipfile

import pytest

import p2pcdn
from conftest import BINDINGS, REPO
from p2pcdn import _lib

PROJECT = tomllib.loads((BINDINGS / "pyproject.toml").read_text())["project"]
MODULES = sorted(p.name for p in (BINDINGS / "p2pcdn").glob("*.py"))


def clean_env(**extra):
    """The environment for a child python: no PYTHONPATH or library override of ours."""
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "P2PCDN_LIBRARY")}
    env["PYTHONDONTWRITEBYTECODE"] = "1"  # keep __pycache__ out of the source tree
    env.update(extra)
    return env


def library_for_children():
    # The file this process loaded, so an ASan preload in the environment still matches it.
    return os.path.abspath(_lib.path) if os.sep in _lib.path else _lib.path


def test_versions_agree():
    assert PROJECT["name"] == "p2pcdn"
    assert PROJECT["version"] == p2pcdn.__version__ == p2pcdn.version_string()


@pytest.fixture(scope="module")
def installed(tmp_path_factory):
    target = tmp_path_factory.mktemp("site")
    result = subprocess.run(
        [sys.executable, "-m", "pip", "install", "--no-index", "--no-cache-dir",
         "--disable-pip-version-check", "--target", str(target), str(BINDINGS)],
        cwd=REPO, env=clean_env(), capture_output=True, text=True, timeout=300,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    return target


def run_installed(target, code, **env):
    return subprocess.run(
        [sys.executable, "-c", code],
        cwd=target.parent, env=clean_env(PYTHONPATH=str(target), **env),
        capture_output=True, text=True, timeout=60,
    )


def test_pip_install_offline(installed):
    assert sorted(p.name for p in (installed / "p2pcdn").glob("*.py")) == MODULES
    dist = installed / f"p2pcdn-{PROJECT['version']}.dist-info"
    assert (dist / "METADATA").is_file() and (dist / "RECORD").is_file()
    assert not any(installed.glob("_build*"))  # the backend is not part of the package


def test_installed_package_imports_and_reports_versions(installed):
    result = run_installed(
        installed,
        "import p2pcdn; print(p2pcdn.__file__); print(p2pcdn.__version__);"
        "print(p2pcdn.version_string()); print(p2pcdn.Bitmap.from_ranges('1-2', 4).hex())",
        P2PCDN_LIBRARY=library_for_children(),
    )
    assert result.returncode == 0, result.stderr
    where, version, library_version, hex_text = result.stdout.split()
    assert where.startswith(str(installed))
    assert version == library_version == PROJECT["version"]
    assert hex_text == "60"


def test_explicit_library_path_is_the_only_one_tried(installed):
    result = run_installed(installed, "import p2pcdn", P2PCDN_LIBRARY="/nonexistent/libp2pcdn.so.0")
    assert result.returncode != 0
    assert "ImportError" in result.stderr
    assert "/nonexistent/libp2pcdn.so.0" in result.stderr
    assert "system libp2pcdn" not in result.stderr


def test_not_a_p2pcdn_library(installed):
    libc = "libc.so.6"
    result = run_installed(installed, "import p2pcdn", P2PCDN_LIBRARY=libc)
    assert result.returncode != 0
    assert "not libp2pcdn" in result.stderr


def test_installed_copy_does_not_look_in_a_build_tree(installed):
    # Outside a checkout only the system library is left; whether it is installed or not,
    # the answer is either a working import or one ImportError that says what to set.
    result = run_installed(installed, "import p2pcdn; print(p2pcdn.library_path())")
    if result.returncode == 0:
        assert "/build/" not in result.stdout
    else:
        assert "P2PCDN_LIBRARY" in result.stderr
        assert "libp2pcdn.so.0" in result.stderr


# -- the build backend -------------------------------------------------------------------------


@pytest.fixture(scope="module")
def backend():
    spec = importlib.util.spec_from_file_location(
        "p2pcdn_build", BINDINGS / "_build" / "p2pcdn_build.py"
    )
    module = importlib.util.module_from_spec(spec)
    dont_write = sys.dont_write_bytecode
    sys.dont_write_bytecode = True
    try:
        spec.loader.exec_module(module)
    finally:
        sys.dont_write_bytecode = dont_write
    return module


def test_backend_needs_nothing(backend):
    assert backend.get_requires_for_build_wheel() == []
    assert backend.get_requires_for_build_sdist() == []


def test_wheel_record_is_complete_and_correct(backend, tmp_path):
    name = backend.build_wheel(str(tmp_path))
    assert name == f"p2pcdn-{PROJECT['version']}-py3-none-any.whl"
    with zipfile.ZipFile(tmp_path / name) as whl:
        names = set(whl.namelist())
        dist = f"p2pcdn-{PROJECT['version']}.dist-info"
        record = whl.read(f"{dist}/RECORD").decode().splitlines()
        listed = {}
        for line in record:
            path, digest, size = line.rsplit(",", 2)
            listed[path] = (digest, size)
        assert set(listed) == names
        for path, (digest, size) in listed.items():
            if path.endswith("/RECORD"):
                assert (digest, size) == ("", "")
                continue
            data = whl.read(path)
            expected = base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=")
            assert digest == "sha256=" + expected.decode()
            assert int(size) == len(data)
        metadata = whl.read(f"{dist}/METADATA").decode()
        wheel = whl.read(f"{dist}/WHEEL").decode()
    assert {f"p2pcdn/{m}" for m in MODULES} <= names
    assert not any("__pycache__" in n or n.startswith("_build") for n in names)
    assert f"Version: {PROJECT['version']}\n" in metadata and "Name: p2pcdn\n" in metadata
    assert "Root-Is-Purelib: true" in wheel and "Tag: py3-none-any" in wheel


def test_wheel_is_reproducible(backend, tmp_path):
    first, second = tmp_path / "a", tmp_path / "b"
    first.mkdir()
    second.mkdir()
    name = backend.build_wheel(str(first))
    assert backend.build_wheel(str(second)) == name
    assert (first / name).read_bytes() == (second / name).read_bytes()


def test_prepare_metadata(backend, tmp_path):
    name = backend.prepare_metadata_for_build_wheel(str(tmp_path))
    assert (tmp_path / name / "METADATA").read_text().startswith("Metadata-Version:")


def test_sdist(backend, tmp_path):
    name = backend.build_sdist(str(tmp_path))
    root = f"p2pcdn-{PROJECT['version']}"
    assert name == f"{root}.tar.gz"
    with tarfile.open(tmp_path / name) as tar:
        names = set(tar.getnames())
    assert {f"{root}/pyproject.toml", f"{root}/_build/p2pcdn_build.py", f"{root}/PKG-INFO"} <= names
    assert {f"{root}/p2pcdn/{m}" for m in MODULES} <= names


def test_editable_wheel_points_at_the_checkout(backend, tmp_path):
    name = backend.build_editable(str(tmp_path))
    with zipfile.ZipFile(tmp_path / name) as whl:
        assert whl.read("_p2pcdn_editable.pth").decode().strip() == str(BINDINGS)


# -- where the library comes from --------------------------------------------------------------


def test_checkout_is_recognised():
    assert _lib._source_root() == REPO


def test_abi_major_is_checked(monkeypatch):
    # Pretend the binding was written for the next ABI major: the loaded library must be
    # refused, with both numbers in the message.
    monkeypatch.setattr(_lib, "ABI_VERSION", p2pcdn.abi_version() + 1)
    monkeypatch.setenv("P2PCDN_LIBRARY", library_for_children())
    with pytest.raises(ImportError) as info:
        _lib._load()
    message = str(info.value)
    assert f"ABI version {p2pcdn.abi_version()}" in message
    assert f"needs {p2pcdn.abi_version() + 1}" in message


def test_build_tree_preference(tmp_path):
    soname = _lib.SONAME
    for i, name in enumerate(["other-old", "dev", "other-new", "release"]):
        path = tmp_path / "build" / name / "src" / soname
        path.parent.mkdir(parents=True)
        path.write_bytes(b"")
        os.utime(path, (1_000_000 + i, 1_000_000 + i))
    found = [p.parent.parent.name for p in _lib._build_tree_candidates(tmp_path)]
    assert found == ["release", "dev", "other-new", "other-old"]
