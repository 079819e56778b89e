#!/usr/bin/env python3
"""How sure is the sign of the latitude answer? (docs/VALIDATION.md)

For each constant that drives what latitude 0.2 -> 0.7 earns
(configs/latitude-alone.toml against configs/expert-store.toml), runs
`effectchain compare` with that constant set to each value of its plausible
range in both arms, and prints the profit difference (mean per year over the
5 years after the switch, and the long-run years 4-5) with the break-even
value found by linear interpolation between neighbouring values.

Usage: python3 tools/latitude-sign.py [-r 40] [-s 42] [--only KEY] [--json OUT]
Run from the repository root after `cargo build --release`.
"""
import argparse
import json
import os
import subprocess
import sys
import tempfile
import tomllib

BIN = "target/release/effectchain"
BASE = "configs/expert-store.toml"

# key: (values over the plausible range, default). The ranges and their
# reasons are in docs/VALIDATION.md, "How sure is the sign of the latitude answer".
CONSTANTS = {
    "service.latitude_resolve_gain": ([0.0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.55], 0.4),
    "service.goodwill_per_customer": ([0.0, 0.5, 1.0, 1.5, 2.0, 2.5, 3.0, 3.5, 4.0], 1.5),
    "service.latitude_time_cost": ([0.0, 0.1, 0.25, 0.4, 0.5, 0.6, 0.75, 1.0], 0.25),
    "service.quality_latitude": ([0.0, 0.05, 0.1, 0.15, 0.2], 0.1),
    "service.resolve_nonroutine": ([0.2, 0.3, 0.45, 0.55, 0.6], 0.45),
    "service.unresolved_conversion": ([0.1, 0.25, 0.4, 0.5, 0.75], 0.25),
    "market.nonroutine_share": ([0.0, 0.1, 0.2, 0.3, 0.4, 0.6, 0.8, 1.0], 0.4),
    "workforce.autonomy_weight": ([0.0, 0.25, 0.5, 0.75, 1.0], 0.5),
}

# Every constant at the end of its plausible range that is worst (or best)
# for latitude at once, and every constant halfway from its default to
# its worst end.
JOINT = {
    "all halfway to unfavourable": {
        "service.latitude_resolve_gain": 0.25,
        "service.goodwill_per_customer": 2.25,
        "service.latitude_time_cost": 0.375,
        "service.quality_latitude": 0.05,
        "service.resolve_nonroutine": 0.375,
        "service.unresolved_conversion": 0.375,
        "market.nonroutine_share": 0.3,
        "workforce.autonomy_weight": 0.375,
    },
    "all unfavourable": {
        "service.latitude_resolve_gain": 0.1,
        "service.goodwill_per_customer": 3.0,
        "service.latitude_time_cost": 0.5,
        "service.quality_latitude": 0.0,
        "service.resolve_nonroutine": 0.3,
        "service.unresolved_conversion": 0.5,
        "market.nonroutine_share": 0.2,
        "workforce.autonomy_weight": 0.25,
    },
    "all favourable": {
        "service.latitude_resolve_gain": 0.5,
        "service.goodwill_per_customer": 0.5,
        "service.latitude_time_cost": 0.1,
        "service.quality_latitude": 0.2,
        "service.resolve_nonroutine": 0.55,
        "service.unresolved_conversion": 0.1,
        "market.nonroutine_share": 0.6,
        "workforce.autonomy_weight": 1.0,
    },
}


def dump(doc):
    """Minimal TOML writer for a config of tables of scalars and arrays."""
    out = []
    for section, table in doc.items():
        out.append(f"[{section}]")
        for k, v in table.items():
            out.append(f"{k} = {json.dumps(v)}")
        out.append("")
    return "\n".join(out)


def config(overrides):
    with open(BASE, "rb") as f:
        doc = tomllib.load(f)
    for key, value in overrides.items():
        section, name = key.split(".", 1)
        doc.setdefault(section, {})[name] = value
    return doc


def compare(overrides, reps, seed, tmp):
    a = config(overrides)
    b = config({**overrides, "policy.latitude": 0.7})
    pa, pb, out = (os.path.join(tmp, n) for n in ("a.toml", "b.toml", "out"))
    with open(pa, "w") as f:
        f.write(dump(a))
    with open(pb, "w") as f:
        f.write(dump(b))
    subprocess.run(
        [BIN, "compare", pa, pb, "-r", str(reps), "-s", str(seed), "-q", "--no-plots", "-o", out],
        check=True, stdout=subprocess.DEVNULL,
    )
    with open(os.path.join(out, "comparison.json")) as f:
        c = json.load(f)
    years = c["horizon_after_switch"]["years"]
    t = c["total_after_switch"]
    lr = c["long_run"]
    kpi = {k["name"]: k for k in c["kpis"]}
    return {
        "resolution_a": kpi["resolution_rate"]["a"]["mean"],
        "resolution_b": kpi["resolution_rate"]["b"]["mean"],
        "minutes_a": kpi["time_per_customer"]["a"]["mean"],
        "minutes_b": kpi["time_per_customer"]["b"]["mean"],
        "per_year": t["mean"] / years,
        "per_year_ci": [t["ci_low"] / years, t["ci_high"] / years],
        "long_run": lr["mean"],
        "long_run_ci": [lr["ci_low"], lr["ci_high"]],
    }


def crossings(xs, ys):
    found = []
    for (x0, y0), (x1, y1) in zip(zip(xs, ys), zip(xs[1:], ys[1:])):
        if y0 == 0:
            found.append(x0)
        elif (y0 < 0) != (y1 < 0) and y1 != 0:
            found.append(x0 + (x1 - x0) * y0 / (y0 - y1))
    if ys and ys[-1] == 0:
        found.append(xs[-1])
    return found


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("-r", type=int, default=40)
    ap.add_argument("-s", type=int, default=42)
    ap.add_argument("--only", action="append")
    ap.add_argument("--json")
    args = ap.parse_args()
    results = {}
    with tempfile.TemporaryDirectory() as tmp:
        for key, (values, default) in CONSTANTS.items():
            if args.only and key not in args.only:
                continue
            rows = []
            for v in values:
                r = compare({key: v}, args.r, args.s, tmp)
                rows.append({"value": v, **r})
                print(
                    f"{key} = {v}: {r['per_year']:+,.0f} EUR/yr "
                    f"[{r['per_year_ci'][0]:+,.0f}, {r['per_year_ci'][1]:+,.0f}]; "
                    f"long run {r['long_run']:+,.0f} [{r['long_run_ci'][0]:+,.0f}, {r['long_run_ci'][1]:+,.0f}]; "
                    f"resolution {r['resolution_a']:.3f} -> {r['resolution_b']:.3f}, "
                    f"minutes {r['minutes_a']:.2f} -> {r['minutes_b']:.2f}",
                    flush=True,
                )
            xs = [r["value"] for r in rows]
            be = crossings(xs, [r["per_year"] for r in rows])
            be_lr = crossings(xs, [r["long_run"] for r in rows])
            print(f"  break-even (per year): {be or 'none in range'}; long run: {be_lr or 'none in range'}", flush=True)
            results[key] = {"default": default, "rows": rows, "break_even": be, "break_even_long_run": be_lr}
        for name, overrides in JOINT.items():
            if args.only and name not in args.only:
                continue
            r = compare(overrides, args.r, args.s, tmp)
            results[name] = {"overrides": overrides, **r}
            print(
                f"{name}: {r['per_year']:+,.0f} EUR/yr [{r['per_year_ci'][0]:+,.0f}, {r['per_year_ci'][1]:+,.0f}]; "
                f"long run {r['long_run']:+,.0f} [{r['long_run_ci'][0]:+,.0f}, {r['long_run_ci'][1]:+,.0f}]",
                flush=True,
            )
    if args.json:
        with open(args.json, "w") as f:
            json.dump(results, f, indent=1)


if __name__ == "__main__":
    sys.exit(main())
