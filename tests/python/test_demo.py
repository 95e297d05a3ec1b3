"""The end-to-end demo (scripts/demo/demo.py, the README's main command after its build step),
run small: a real CDN lab with a CSS, the tracker and CCS daemons, and a swarm of UEs. Checks
the summary it writes: every UE completes, all eleven steps of the flow happen, the CDN served
the pieces the swarm lacked, peers served most bytes, and nothing is left in the CDN once the
CCS has stopped.

Skips when nginx is not installed (Debian package nginx)."""

import json
import subprocess
import sys

import pytest

from conftest import REPO, cli_program

sys.path.insert(0, str(REPO / "tests" / "integration"))
from cdn_lab import nginx_binary  # noqa: E402

pytestmark = [
    pytest.mark.skipif(not cli_program().exists(),
                       reason=f"the p2pcdn program is not built ({cli_program()})"),
    pytest.mark.skipif(nginx_binary() is None, reason="nginx is not installed"),
]

DEMO = REPO / "scripts" / "demo" / "demo.py"


def run_demo(tmp_path, *args):
    out = tmp_path / "summary.json"
    done = subprocess.run(
        [sys.executable, "-B", str(DEMO), "--program", str(cli_program()), "--json", str(out),
         *args], capture_output=True, text=True, timeout=240)
    summary = json.loads(out.read_text()) if out.exists() else None
    return done, summary


def test_the_threshold_demo_runs_all_eleven_steps(tmp_path):
    done, s = run_demo(tmp_path, "--ues", "6", "--pieces", "40", "--piece-size", "65536",
                       "--upload-kib", "512", "--arrival-gap", "1")
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    assert s["complete_ues"] == 6
    assert s["steps_seen"] == list(range(1, 12)), done.stdout[-3000:]
    # The last tenth of the pieces had no copy in the swarm: only the CDN could serve them,
    # after the CCS fetched them from the CSS.
    assert s["pieces_from_cdn"] >= 4
    assert s["bytes_from_css"] >= 4 * 65536
    assert s["ingested_pieces"] >= 4 and s["purged_pieces"] >= 1
    assert s["cdn_failures"] == 0
    assert s["cdn_redirects"] == s["pieces_from_cdn"]  # every GET went through the 302
    assert 0.5 < s["offload"] < 1.0
    assert s["cdn_objects_after_ccs_exit"] == 0
    assert max(n for _, n in s["cdn_objects_over_time"]) >= 4
    for step in ("step  1", "step  7", "step 11", "Summary"):
        assert step in done.stdout


def test_without_a_cdn_the_pieces_nobody_holds_never_arrive(tmp_path):
    done, s = run_demo(tmp_path, "--ues", "4", "--pieces", "20", "--piece-size", "16384",
                       "--policy", "none", "--max-time", "12")
    assert done.returncode == 3, done.stdout[-2000:]
    assert s["complete_ues"] == 0
    assert s["pieces_from_cdn"] == 0 and s["bytes_from_css"] == 0
    assert 4 not in s["steps_seen"] and 7 not in s["steps_seen"]


def test_bad_options_are_refused(tmp_path):
    done, _ = run_demo(tmp_path, "--ues", "2")
    assert done.returncode == 2
    assert "--ues" in done.stderr
