"""A minimal PEP 517 (and PEP 660) build backend for the pure-Python p2pcdn package.

It exists so the package installs with no network and no setuptools: pip runs it with an
empty build environment. It writes the wheel with zipfile itself: the p2pcdn/*.py files plus
a .dist-info with METADATA, WHEEL and RECORD (sha256 of every file, as the wheel spec asks).
"""

import base64
import hashlib
import io
import tarfile
import tomllib
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = "p2pcdn"
TAG = "py3-none-any"
# A fixed timestamp makes the same sources give the same archive bytes.
EPOCH = (1980, 1, 1, 0, 0, 0)


def _project():
    with open(ROOT / "pyproject.toml", "rb") as f:
        return tomllib.load(f)["project"]


def _dist_name():
    project = _project()
    return f"{project['name'].replace('-', '_')}-{project['version']}"


def _metadata():
    project = _project()
    lines = [
        "Metadata-Version: 2.1",
        f"Name: {project['name']}",
        f"Version: {project['version']}",
        f"Summary: {project.get('description', '')}",
    ]
    if "requires-python" in project:
        lines.append(f"Requires-Python: {project['requires-python']}")
    return "\n".join(lines) + "\n"


def _wheel_file():
    return f"Wheel-Version: 1.0\nGenerator: p2pcdn_build\nRoot-Is-Purelib: true\nTag: {TAG}\n"


def _package_files():
    """(path inside the archive, bytes) for every module of the package."""
    for path in sorted((ROOT / PACKAGE).rglob("*.py")):
        if "__pycache__" not in path.parts:
            yield path.relative_to(ROOT).as_posix(), path.read_bytes()


def _record_hash(data):
    digest = hashlib.sha256(data).digest()
    return "sha256=" + base64.urlsafe_b64encode(digest).rstrip(b"=").decode("ascii")


def _write_wheel(wheel_directory, files):
    """Writes files (name -> bytes) plus the .dist-info; returns the wheel's file name."""
    dist = _dist_name()
    info = f"{dist}.dist-info"
    files = dict(files)
    files[f"{info}/METADATA"] = _metadata().encode("utf-8")
    files[f"{info}/WHEEL"] = _wheel_file().encode("utf-8")
    record = [f"{name},{_record_hash(data)},{len(data)}" for name, data in files.items()]
    record.append(f"{info}/RECORD,,")  # RECORD cannot hold its own hash
    files[f"{info}/RECORD"] = ("\n".join(record) + "\n").encode("utf-8")

    name = f"{dist}-{TAG}.whl"
    with zipfile.ZipFile(Path(wheel_directory) / name, "w", zipfile.ZIP_DEFLATED) as whl:
        for arcname, data in files.items():
            entry = zipfile.ZipInfo(arcname, date_time=EPOCH)
            entry.external_attr = 0o644 << 16
            entry.compress_type = zipfile.ZIP_DEFLATED
            whl.writestr(entry, data)
    return name


# -- PEP 517 hooks -------------------------------------------------------------------------------


def get_requires_for_build_wheel(config_settings=None):
    return []


def get_requires_for_build_sdist(config_settings=None):
    return []


def get_requires_for_build_editable(config_settings=None):
    return []


def prepare_metadata_for_build_wheel(metadata_directory, config_settings=None):
    info = Path(metadata_directory) / f"{_dist_name()}.dist-info"
    info.mkdir(parents=True, exist_ok=True)
    (info / "METADATA").write_text(_metadata(), encoding="utf-8")
    (info / "WHEEL").write_text(_wheel_file(), encoding="utf-8")
    return info.name


prepare_metadata_for_build_editable = prepare_metadata_for_build_wheel


def build_wheel(wheel_directory, config_settings=None, metadata_directory=None):
    return _write_wheel(wheel_directory, _package_files())


def build_editable(wheel_directory, config_settings=None, metadata_directory=None):
    # PEP 660: a .pth line puts this source tree on sys.path instead of copying the package.
    pth = (str(ROOT) + "\n").encode("utf-8")
    return _write_wheel(wheel_directory, {f"_{PACKAGE}_editable.pth": pth})


def build_sdist(sdist_directory, config_settings=None):
    dist = _dist_name()
    name = f"{dist}.tar.gz"
    members = [("pyproject.toml", (ROOT / "pyproject.toml").read_bytes()),
               ("_build/p2pcdn_build.py", Path(__file__).read_bytes()),
               ("PKG-INFO", _metadata().encode("utf-8"))]
    members += list(_package_files())
    with tarfile.open(Path(sdist_directory) / name, "w:gz", format=tarfile.PAX_FORMAT) as tar:
        for arcname, data in members:
            entry = tarfile.TarInfo(f"{dist}/{arcname}")
            entry.size = len(data)
            entry.mode = 0o644
            entry.mtime = 315532800  # EPOCH as a Unix time
            tar.addfile(entry, io.BytesIO(data))
    return name
