#!/usr/bin/env bash
# Regenerates the tables of docs/evaluation.md: every policy on every workload, the policy
# parameter sweep, and the CDN bytes against the fluid lower bound.
#   scripts/evaluate.sh [P2PCDN_BINARY] [OUT_DIR]
# Runs are deterministic (seed 1); the JSON of each run stays in OUT_DIR.
set -euo pipefail
bin=${1:-build/release/tools/p2pcdn}
out=${2:-build/evaluation}
mkdir -p "$out"
peers=${EVAL_PEERS:-1000}
pieces=${EVAL_PIECES:-500}
# The UEs' planners fill their CDN slots first (planner cdn_fill), so `all` is a CDN-assisted
# swarm and the policies decide what the CDN serves; EVAL_CDN_FALLBACK=off|idle to compare.
fallback=${EVAL_CDN_FALLBACK:-first}
common=(--pieces "$pieces" --seed 1 --cdn-fallback "$fallback")
policies=(none all threshold budget ttl random)

declare -A workload_args=(
  [flash]="--workload flash --peers $peers"
  [decay]="--workload decay --peers $peers --decay-tau 300"
  [poisson]="--workload poisson --peers $peers --arrival-rate 2 --abort-rate 0.0005 --seed-time 120 --free-riders 0.1"
  [zipf]="--workload zipf --peers $peers --arrival-rate 4 --contents 10 --zipf-alpha 0.8 --cdn-budget 500000000"
)

for w in flash decay poisson zipf; do
  for p in "${policies[@]}"; do
    # shellcheck disable=SC2086
    "$bin" simulate ${workload_args[$w]} "${common[@]}" --policy "$p" \
      --json "$out/$w-$p.json" --svg "$out/$w-$p.svg" > /dev/null
  done
done

# The sweep behind the built-in policies' defaults, on the flash crowd.
sweep=()
for lh in "1 2" "2 4" "3 6" "4 8"; do
  set -- $lh
  name="threshold-low$1-high$2"
  "$bin" simulate --workload flash --peers "$peers" "${common[@]}" --policy threshold \
    --low-copies "$1" --high-copies "$2" --json "$out/sweep-$name.json" > /dev/null
  sweep+=("$name")
done
for ttl in 60 300 600; do
  name="ttl-ttl$ttl"
  "$bin" simulate --workload flash --peers "$peers" "${common[@]}" --policy ttl --ttl "$ttl" \
    --json "$out/sweep-$name.json" > /dev/null
  sweep+=("$name")
done
for budget in 26214400 65536000 131072000; do
  name="budget-$budget"
  "$bin" simulate --workload flash --peers "$peers" "${common[@]}" --policy budget \
    --budget "$budget" --json "$out/sweep-$name.json" > /dev/null
  sweep+=("$name")
done

# The other fallback modes, for the bound table.
for fb in off idle first; do
  [ "$fb" = "$fallback" ] && continue
  for p in all threshold; do
    "$bin" simulate --workload flash --peers "$peers" --pieces "$pieces" --seed 1 --policy "$p" \
      --cdn-fallback "$fb" --json "$out/sweep-fallback-$fb-$p.json" > /dev/null
    sweep+=("fallback-$fb-$p")
  done
done

# The defaults of the built-in policies on every workload: threshold's copies and minimum
# residency, ttl's TTL.
defaults=()
for w in flash decay poisson zipf; do
  for v in "low1-high2|--low-copies 1 --high-copies 2" "low4-high8|--low-copies 4 --high-copies 8" \
           "res90|--min-residency 90" "res120|--min-residency 120"; do
    # shellcheck disable=SC2086
    "$bin" simulate ${workload_args[$w]} "${common[@]}" --policy threshold ${v#*|} \
      --json "$out/defaults-$w-threshold-${v%%|*}.json" > /dev/null
    defaults+=("$w-threshold-${v%%|*}")
  done
  for t in 60 300; do
    # shellcheck disable=SC2086
    "$bin" simulate ${workload_args[$w]} "${common[@]}" --policy ttl --ttl "$t" \
      --json "$out/defaults-$w-ttl-ttl$t.json" > /dev/null
    defaults+=("$w-ttl-ttl$t")
  done
done

# The rate rule (--cdn-fallback rate): each UE asks the CDN only for its peers' deficit
# against finishing by arrival + deadline, for the figure that matters.
rate=()
for d in 80 85 90; do
  for p in all threshold budget ttl random; do
    "$bin" simulate --workload flash --peers "$peers" --pieces "$pieces" --seed 1 --policy "$p" \
      --cdn-fallback rate --deadline "$d" --json "$out/rate-$p-d$d.json" > /dev/null
    rate+=("rate-$p-d$d")
  done
done
# The model before 2026-11-25 (fair-share CDN flows, requests never taken back from a peer).
for p in all threshold; do
  "$bin" simulate --workload flash --peers "$peers" --pieces "$pieces" --seed 1 --policy "$p" \
    --cdn-share fair --peer-timeout 0 --json "$out/sweep-oldmodel-$p.json" > /dev/null
  sweep+=("oldmodel-$p")
done
# The best rate run on other seeds, each against its own `all`.
seeds=(${EVAL_SEEDS:-1 2 3})
for s in "${seeds[@]}"; do
  "$bin" simulate --workload flash --peers "$peers" --pieces "$pieces" --seed "$s" --policy all \
    --json "$out/seed$s-all.json" > /dev/null
  "$bin" simulate --workload flash --peers "$peers" --pieces "$pieces" --seed "$s" --policy ttl \
    --cdn-fallback rate --deadline 85 --json "$out/seed$s-ttl-rate-d85.json" > /dev/null
done

/usr/bin/python3 - "$out" "${sweep[@]}" -- "${rate[@]}" -- "${seeds[@]}" -- "${defaults[@]}" <<'PY'
import json, sys
args = sys.argv[2:]
out = sys.argv[1]
first_dash = args.index("--")
second_dash = args.index("--", first_dash + 1)
third_dash = args.index("--", second_dash + 1)
sweep, rate = args[:first_dash], args[first_dash + 1:second_dash]
seeds, defaults = args[second_dash + 1:third_dash], args[third_dash + 1:]
policies = ["none", "all", "threshold", "budget", "ttl", "random"]
def load(name):
    with open(f"{out}/{name}.json") as f:
        return json.load(f)["results"]
def row(label, r):
    return (f"| {label} | {r['cdn_egress_bytes']/1e9:.2f} | {r['cdn_peak_rate_bps']/1e6:.0f} | "
            f"{r['css_egress_bytes']/1e9:.2f} | {r['cdn_storage_gb_hours']:.3f} | "
            f"{r['ingests']} / {r['purges']} / {r['expiries']} / {r['reingested']} | "
            f"{r['offload']:.4f} | {r['completion_p50_s']:.0f} / {r['completion_p95_s']:.0f} / "
            f"{r['completion_p99_s']:.0f} | {r['completed']}/{r['arrived']} | "
            f"{r['zero_copy_time_s']:.0f} |")
head = ("| policy | CDN GB | CDN peak Mbit/s | CSS GB | CDN GB*h | ingests / purges / expiries / "
        "re-ingested | offload | completion p50 / p95 / p99 s | done | 0-copy s |\n"
        "|---|---|---|---|---|---|---|---|---|---|")
for w in ["flash", "decay", "poisson", "zipf"]:
    print(f"\n### {w}\n\n{head}")
    for p in policies:
        print(row(p, load(f"{w}-{p}")))
print(f"\n### sweep (flash)\n\n{head}")
for name in sweep:
    print(row(name, load(f"sweep-{name}")))
# CDN bytes against the fluid lower bound at T = p95 completion of `all` (flash crowd):
# B = max(0, N F - (u_s + sum u_i) T), the bytes the peers and the CSS cannot upload by T.
a = load("flash-all")
T = a["completion_p95_s"]
N = a["arrived"]
F = a["content_bytes"]
cap = (a["css_upload_bps"] + a["sum_peer_upload_bps"]) / 8
bound = max(0.0, N * F - cap * T)
def bound_of(a):
    cap = (a["css_upload_bps"] + a["sum_peer_upload_bps"]) / 8
    return max(0.0, a["arrived"] * a["content_bytes"] - cap * a["completion_p95_s"])
print(f"\n### CDN bytes against the fluid bound (flash; T = p95 of all = {T:.1f} s, "
      f"bound = {bound/1e9:.2f} GB)\n")
print("| run | CDN GB | ratio to bound | p95 s | p95 vs all |\n|---|---|---|---|---|")
for p in policies + rate + [f"sweep-{s}" for s in sweep]:
    r = load(p if p.startswith(("sweep-", "rate-")) else f"flash-{p}")
    ratio = r["cdn_egress_bytes"] / bound if bound > 0 else float("inf")
    print(f"| {p} | {r['cdn_egress_bytes']/1e9:.2f} | {ratio:.2f} | {r['completion_p95_s']:.1f} | "
          f"{r['completion_p95_s']/T:.3f} |")
print("\n### The built-in policies' defaults on every workload (CDN GB, p95 s)\n")
print("| workload | threshold 2/4, 60 s (default) | 1/2 | 4/8 | min residency 90 s | 120 s | "
      "ttl 600 s (default) | 60 s | 300 s | all |\n|---|---|---|---|---|---|---|---|---|---|")
def cell(r):
    return f"{r['cdn_egress_bytes']/1e9:.1f}, {r['completion_p95_s']:.0f}"
for w in ["flash", "decay", "poisson", "zipf"]:
    d = lambda v: cell(load(f"defaults-{w}-{v}"))
    print(f"| {w} | {cell(load(f'{w}-threshold'))} | {d('threshold-low1-high2')} | "
          f"{d('threshold-low4-high8')} | {d('threshold-res90')} | {d('threshold-res120')} | "
          f"{cell(load(f'{w}-ttl'))} | {d('ttl-ttl60')} | {d('ttl-ttl300')} | "
          f"{cell(load(f'{w}-all'))} |")
print("\n### ttl with the rate rule (deadline 85 s) on other seeds, each against its own `all`\n")
print("| seed | T s | bound GB | CDN GB | ratio to bound | p95 vs all |\n|---|---|---|---|---|---|")
for s in seeds:
    a, r = load(f"seed{s}-all"), load(f"seed{s}-ttl-rate-d85")
    b = bound_of(a)
    print(f"| {s} | {a['completion_p95_s']:.1f} | {b/1e9:.2f} | {r['cdn_egress_bytes']/1e9:.2f} | "
          f"{r['cdn_egress_bytes']/b:.2f} | {r['completion_p95_s']/a['completion_p95_s']:.3f} |")
PY
