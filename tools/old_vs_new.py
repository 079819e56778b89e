#!/usr/bin/env python3
"""Statistical equality of two builds' results: runs CONFIG with each
binary (same seed and replications) and prints, per headline KPI, each
build's mean with its 95% CI and the difference in standard errors
(Welch). Usage: tools/old_vs_new.py OLD_BIN NEW_BIN CONFIG REPLICATIONS
[NEW_SEED]; with NEW_SEED the new build runs with that master seed, so the
two samples are independent (without it both use the config's seed and
share their random streams)."""
import json, math, subprocess, sys, tempfile

KPIS = ["profit", "revenue", "served", "conversion", "mean_basket", "lost_visit_share",
        "active_customers", "mean_happiness", "annual_retention",
        "staff_satisfaction", "exhaustion", "annual_turnover",
        "time_per_customer", "service_standard", "queue_wait",
        "abuse_per_employee_year", "customer_base_value"]

def kpis(binary, config, reps, out, seed=None):
    seed_args = [] if seed is None else ["--seed", str(seed)]
    subprocess.run([binary, "run", config, "-r", str(reps), "-o", out,
                    "--no-plots", "-q"] + seed_args, check=True,
                   stdout=subprocess.DEVNULL)
    return json.load(open(f"{out}/summary.json"))["kpis"]

old_bin, new_bin, config, reps = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
new_seed = int(sys.argv[5]) if len(sys.argv) > 5 else None
with tempfile.TemporaryDirectory() as tmp:
    old = kpis(old_bin, config, reps, f"{tmp}/old")
    new = kpis(new_bin, config, reps, f"{tmp}/new", new_seed)
print(f"| KPI | old mean (95% CI) | new mean (95% CI) | difference / SE |")
print("|---|---|---|---|")
for name in KPIS:
    if name not in old:
        continue
    o, n = old[name], new[name]
    se = math.sqrt(o["sd"] ** 2 / o["n"] + n["sd"] ** 2 / n["n"])
    z = (n["mean"] - o["mean"]) / se if se > 0 else 0.0
    fmt = lambda s: f"{s['mean']:.4g} ({s['ci_low']:.4g} to {s['ci_high']:.4g})"
    print(f"| {name} | {fmt(o)} | {fmt(n)} | {z:+.2f} |")
