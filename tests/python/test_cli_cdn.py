"""`p2pcdn policy`, `p2pcdn ingest` and `p2pcdn purge` from a CCS configuration file: a real
file served as the CSS by the loopback CDN lab's origin, hashed with `p2pcdn hash`, ingested
through the origin, read back through the edge and purged; the policy's dry run on a
handwritten statistics report; configuration errors (exit 2, the member named); and a secret
given through the environment never appearing in any output.

The lab tests skip when nginx is not installed (Debian package nginx); the others need only the
program (conftest.cli_program).
"""

import json
import subprocess
import sys
import urllib.error
import urllib.request

import pytest

from conftest import REPO, cli_env, cli_program, pseudo_random

sys.path.insert(0, str(REPO / "tests" / "integration"))
from cdn_lab import CdnLab, nginx_binary  # noqa: E402

pytestmark = pytest.mark.skipif(not cli_program().exists(),
                                reason=f"the p2pcdn program is not built ({cli_program()})")
needs_nginx = pytest.mark.skipif(nginx_binary() is None,
                                 reason="nginx is not installed (Debian package nginx)")

PIECE_LENGTH = 16 * 1024
SIZE = 5 * PIECE_LENGTH + 777  # 6 pieces, the last one short
SECRET = "tok-8d1f0c77e2a94b6f"
_opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))


def run(*args, env=None):
    """(exit code, stdout, stderr) of the program."""
    done = subprocess.run([str(cli_program()), *map(str, args)], capture_output=True, text=True,
                          env=env or cli_env(), timeout=120)
    return done.returncode, done.stdout, done.stderr


def get(url):
    try:
        with _opener.open(url, timeout=10) as answer:
            return answer.status, answer.read()
    except urllib.error.HTTPError as e:
        return e.code, e.read()


def write_config(path, **sections):
    path.write_text(json.dumps({"v": 1, **sections}, indent=2))
    return path


def piece(data, i):
    return data[i * PIECE_LENGTH:(i + 1) * PIECE_LENGTH]


@pytest.fixture(scope="module")
def lab(tmp_path_factory):
    with CdnLab(tmp_path_factory.mktemp("cdnlab"), with_varnish="auto") as lab:
        yield lab


@pytest.fixture(scope="module")
def movie(lab, tmp_path_factory):
    """(config path, content bytes, delivery base URL) of a file the lab's origin serves as the
    CSS, hashed by `p2pcdn hash`, with a configuration pushing it to the origin and purging it
    there and, when Varnish is installed, on the Varnish edge."""
    work = tmp_path_factory.mktemp("movie")
    data = pseudo_random(SIZE, seed=71)
    (work / "movie.bin").write_bytes(data)
    lab.put_bytes("css/movie.bin", data)
    code, out, err = run("hash", "--piece-length", PIECE_LENGTH, "--id", "movie-7", "--json",
                         work / "movie.bin")
    assert code == 0, err
    (work / "movie.hash.json").write_text(out)
    edge = lab.varnish_url
    base = (edge or lab.origin_url) + "/cli-cdn"
    cdn = {
        "delivery_template": base + "/{content}/{piece}",
        "origin": {"ingest_template": lab.origin_url + "/cli-cdn/{content}/{piece}",
                   "signer": {"kind": "bearer", "token_env": "CLI_CDN_TOKEN"}},
        "ingest_chain": ["origin"],
        "purge_chain": ["origin", "edge"] if edge else ["origin"],
        "http": {"timeout_ms": 20000},
        "retry": {"max_attempts": 2, "base_delay_ms": 10},
    }
    if edge:
        cdn["edge"] = {"edges": [edge], "signer": {"kind": "header", "name": "X-Purge-Key",
                                                    "value_env": "CLI_CDN_TOKEN"}}
    config = write_config(
        work / "ccs.json",
        content={"hash_file": "movie.hash.json"},  # relative to the configuration's directory
        css={"object_url": lab.origin_url + "/css/movie.bin",
             "signer": {"kind": "bearer", "token_env": "CLI_CDN_TOKEN"}},
        cdn=cdn, ttl_s=600,
        policy={"kind": "threshold", "low_copies": 2, "high_copies": 4})
    return config, data, base


def secret_env():
    return cli_env(CLI_CDN_TOKEN=SECRET)


@needs_nginx
def test_ingest_read_back_and_purge(movie):
    config, data, base = movie
    code, out, err = run("ingest", "--config", config, "--pieces", "0-2,5", "--json",
                         env=secret_env())
    assert code == 0, err
    assert SECRET not in out + err
    report = json.loads(out)
    assert (report["kind"], report["content"], report["state"], report["ttl_s"]) == (
        "ingest", "movie-7", "complete", 600)
    assert [item["piece"] for item in report["items"]] == [0, 1, 2, 5]
    for item in report["items"]:
        assert item["state"] == "done"
        assert item["uri"] == f"{base}/movie-7/{item['piece']}"
        assert get(item["uri"]) == (200, piece(data, item["piece"]))
    assert len(piece(data, 5)) == 777
    assert get(f"{base}/movie-7/3")[0] == 404  # not asked for

    code, out, err = run("purge", "--config", config, "--pieces", "0-2,5", env=secret_env())
    assert code == 0, err
    assert SECRET not in out + err
    lines = out.splitlines()
    assert lines[0].split() == ["0", "done", f"{base}/movie-7/0"]
    assert lines[-1] == "purge movie-7: complete, 4 done, 0 failed, 0 cancelled"
    for i in (0, 1, 2, 5):
        assert get(f"{base}/movie-7/{i}")[0] == 404


@needs_nginx
def test_a_failed_piece_exits_1_with_its_reason(movie, tmp_path):
    config, _, _ = movie
    settings = json.loads(config.read_text())
    settings["content"]["hash_file"] = str(config.parent / "movie.hash.json")
    settings["css"]["object_url"] = settings["css"]["object_url"].replace("movie.bin", "gone.bin")
    broken = write_config(tmp_path / "ccs.json", **{k: v for k, v in settings.items() if k != "v"})
    code, out, err = run("ingest", "--config", broken, "--pieces", "1", "--json",
                         env=secret_env())
    assert code == 1, err
    (item,) = json.loads(out)["items"]
    assert (item["state"], item["driver"], item["http_status"]) == ("failed", "css", 404)
    assert SECRET not in out + err


def write_policy_case(tmp_path, policy):
    config = write_config(tmp_path / "ccs.json",
                          content={"id": "movie-1", "length": 6 * 1000, "piece_length": 1000},
                          policy=policy)
    # The threshold example of docs/api.md: five peers, the CDN holding 0 and 4 for an hour.
    stats = tmp_path / "stats.json"
    stats.write_text(json.dumps({
        "v": 1, "content": "movie-1", "seq": 3, "time": 1764000000000, "pieces": 6,
        "peers": 5, "seeds": 0, "leechers": 5, "network_peers": 0,
        "copies": [3, 1, 0, 1, 4, 5]}))
    holdings = tmp_path / "holdings.json"
    holdings.write_text(json.dumps({"v": 1, "holdings": [
        {"piece": 4, "ingested_at_ms": 1764000000000 - 3600_000},
        {"piece": 0, "bytes": 1000, "ingested_at_ms": 1764000000000 - 3600_000}]}))
    return config, stats, holdings


def test_policy_dry_run_threshold(tmp_path):
    config, stats, holdings = write_policy_case(
        tmp_path, {"kind": "threshold", "low_copies": 2, "high_copies": 4, "ttl_s": 900})
    code, out, err = run("policy", "--stats", stats, "--config", config, "--holdings", holdings,
                         "--now", 1764000000000, "--json")
    assert code == 0, err
    assert json.loads(out) == {
        "v": 1, "content": "movie-1", "policy": "threshold", "now": 1764000000000,
        "ingest": [{"piece": 2, "ttl_s": 900, "copies": 0}, {"piece": 1, "ttl_s": 900, "copies": 1},
                   {"piece": 3, "ttl_s": 900, "copies": 1}],
        "purge": [{"piece": 4, "copies": 4}]}
    code, out, err = run("policy", "--stats", stats, "--config", config, "--holdings", holdings,
                         "--now", 1764000000000)
    assert code == 0, err
    assert out.splitlines()[-1] == "3 to ingest, 1 to purge"

    # Without holdings nothing is purged; held for less than min_residency_ms, neither.
    code, out, _ = run("policy", "--stats", stats, "--config", config, "--json")
    assert code == 0 and json.loads(out)["purge"] == []
    code, out, _ = run("policy", "--stats", stats, "--config", config, "--holdings", holdings,
                       "--now", 1764000000000 - 3600_000 + 1, "--json")
    assert code == 0 and json.loads(out)["purge"] == []


def test_policy_input_errors_exit_1(tmp_path):
    config, stats, holdings = write_policy_case(tmp_path, {"kind": "all"})
    other = tmp_path / "other.json"
    other.write_text(stats.read_text().replace("movie-1", "movie-2"))
    code, _, err = run("policy", "--stats", other, "--config", config)
    assert code == 1 and "movie-2" in err
    holdings.write_text('{"v":1,"holdings":[{"piece":9}]}')
    code, _, err = run("policy", "--stats", stats, "--config", config, "--holdings", holdings)
    assert code == 1 and "holdings[0].piece" in err
    holdings.write_text('{"v":1,"holdings":[{"piece":1},{"piece":1}]}')
    code, _, err = run("policy", "--stats", stats, "--config", config, "--holdings", holdings)
    assert code == 1 and "held twice" in err
    code, _, err = run("policy", "--stats", tmp_path / "missing.json", "--config", config)
    assert code == 1 and "missing.json" in err


GOOD_CDN = {"delivery_template": "http://127.0.0.1:9/p/{content}/{piece}",
            "origin": {"ingest_template": "http://127.0.0.1:9/p/{content}/{piece}"}}
GOOD_CONTENT = {"id": "movie-1", "length": 5000, "piece_length": 1000}


@pytest.mark.parametrize("settings, member", [
    ({"v": 2}, "v"),
    ({"content": {"id": "a b", "length": 1, "piece_length": 1}}, "content.id"),
    ({"content": {"id": "m", "length": 10}}, "content.piece_length"),
    ({"content": {**GOOD_CONTENT, "piece_length": 0}}, "content.piece_length"),
    ({"content": {**GOOD_CONTENT, "hash_file": "a", "file": "b"}}, "content.file"),
    ({"content": {**GOOD_CONTENT, "algo": "md5"}}, "content.algo"),
    ({"cdn": {"delivery_template": "ftp://x/{piece}"}}, "cdn.delivery_template"),
    ({"cdn": {"delivery_template": "http://x/no-placeholder"}}, "cdn.delivery_template"),
    ({"cdn": {**GOOD_CDN, "purge_chain": ["edge"]}}, "cdn.purge_chain[0]"),
    ({"cdn": {**GOOD_CDN, "purge_chain": ["origin", "origin"]}}, "cdn.purge_chain[1]"),
    ({"cdn": {**GOOD_CDN, "ingest_chain": ["ftp"]}}, "cdn.ingest_chain[0]"),
    ({"cdn": {**GOOD_CDN, "edge": {"edges": []}}}, "cdn.edge.edges"),
    ({"cdn": {**GOOD_CDN, "http": {"timeout_ms": -5}}}, "cdn.http.timeout_ms"),
    ({"cdn": {**GOOD_CDN, "retry": {"max_attempts": 1000}}}, "cdn.retry.max_attempts"),
    ({"cdn": {**GOOD_CDN, "origin": {"ingest_template": "http://o/{piece}",
                                     "signer": {"kind": "magic"}}}}, "cdn.origin.signer.kind"),
    ({"cdn": {**GOOD_CDN, "origin": {"ingest_template": "http://o/{piece}",
                                     "signer": {"kind": "bearer"}}}},
     "cdn.origin.signer.token"),
    ({"cdn": {**GOOD_CDN, "origin": {"ingest_template": "http://o/{piece}",
                                     "signer": {"kind": "bearer", "token_env": "1X"}}}},
     "cdn.origin.signer.token_env"),
    ({"css": {"object_url": "http://c/x", "piece_template": "http://c/{piece}"}},
     "css.object_url"),
    ({"policy": {"kind": "threshold", "low_copies": 5}}, "policy.high_copies"),
    ({"policy": {"kind": "ttl", "ttl_s": 60, "renew_before_s": 60}}, "policy.renew_before_s"),
    ({"policy": {"kind": "magic"}}, "policy.kind"),
    ({"tracker": {"url": 7}}, "tracker.url"),
    ({"ttl_s": 0}, "ttl_s"),
    ({"ttl_s": 60, "safety_margin_s": 60}, "safety_margin_s"),
])
def test_config_errors_exit_2_naming_the_member(tmp_path, settings, member):
    base = {"content": GOOD_CONTENT, "cdn": GOOD_CDN,
            "policy": {"kind": "threshold"}}
    config = tmp_path / "ccs.json"
    config.write_text(json.dumps({"v": 1, **base, **settings}))
    code, _, err = run("purge", "--config", config, "--pieces", "0")
    assert code == 2
    assert f"p2pcdn purge: {member}: " in err


def test_config_file_errors_exit_2(tmp_path):
    config = tmp_path / "ccs.json"
    for text, words in [("{", "not valid JSON"), ("[]", "not a JSON object"),
                        ('{"v":1,"v":1}', "v: appears more than once"),
                        ('{"v":1}', "no content section")]:
        config.write_text(text)
        code, _, err = run("purge", "--config", config, "--pieces", "0")
        assert code == 2 and words in err, err
    code, _, err = run("purge", "--config", tmp_path / "none.json", "--pieces", "0")
    assert code == 2 and "cannot open" in err


def test_secrets_stay_out_of_the_file_and_every_output(tmp_path):
    config = tmp_path / "ccs.json"
    inline = {"kind": "bearer", "token": SECRET}
    config.write_text(json.dumps({"v": 1, "content": GOOD_CONTENT, "cdn": {
        **GOOD_CDN, "origin": {"ingest_template": "http://o/{piece}", "signer": inline}}}))
    code, out, err = run("purge", "--config", config, "--pieces", "0")
    assert code == 2 and "cdn.origin.signer.token: secrets are never written" in err
    assert SECRET not in out + err

    # From the environment and from a file: used, never shown, also when the request fails.
    (tmp_path / "key").write_text(SECRET + "\n")
    for signer in ({"kind": "bearer", "token_env": "CLI_CDN_TOKEN"},
                   {"kind": "header", "name": "X-Key", "value_file": "key"},
                   {"kind": "aws-sigv4", "access_key_id": "AKIDEXAMPLE",
                    "secret_access_key_env": "CLI_CDN_TOKEN", "region": "us-east-1"}):
        config.write_text(json.dumps({"v": 1, "content": GOOD_CONTENT, "cdn": {
            **GOOD_CDN, "origin": {"ingest_template": "http://127.0.0.1:9/{piece}",
                                   "signer": signer},
            "retry": {"max_attempts": 1}}}))
        code, out, err = run("purge", "--config", config, "--pieces", "0-1", "--json",
                             "--progress", env=secret_env())
        assert code == 1, err
        assert [i["state"] for i in json.loads(out)["items"]] == ["failed", "failed"]
        assert SECRET not in out + err

    config.write_text(json.dumps({"v": 1, "content": GOOD_CONTENT, "cdn": {
        **GOOD_CDN, "origin": {"ingest_template": "http://o/{piece}",
                               "signer": {"kind": "bearer", "token_env": "CLI_CDN_UNSET"}}}}))
    code, _, err = run("purge", "--config", config, "--pieces", "0")
    assert code == 2
    assert "cdn.origin.signer.token_env: the environment variable CLI_CDN_UNSET is not set" in err


@pytest.mark.parametrize("command", ["policy", "ingest", "purge"])
def test_help_and_usage(command):
    code, out, _ = run(command, "--help")
    assert code == 0 and out.startswith(f"usage: p2pcdn {command}") and "Exit codes" in out
    code, out, err = run(command, "--bogus")
    assert code == 2 and out == "" and "unexpected argument '--bogus'" in err
    code, _, err = run(command)
    assert code == 2 and "no --" in err


def test_bad_piece_ranges_exit_2(tmp_path):
    config = write_config(tmp_path / "ccs.json", content=GOOD_CONTENT, cdn=GOOD_CDN)
    for ranges in ("5", "3-1", "x", ""):
        code, _, err = run("purge", "--config", config, "--pieces", ranges)
        assert code == 2 and "--pieces" in err, (ranges, err)
