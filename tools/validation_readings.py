#!/usr/bin/env python3
"""Rewrites docs/VALIDATION.md from what `effectchain validate --no-plots`
printed (PRINTED, the lines .ci/run compares): the ```text block and each
experiment's **Reading** line (in experiment order), keeping any sentence
after a Reading's criteria. Run from the repository root:
tools/validation_readings.py PRINTED"""
import re, sys

printed = open(sys.argv[1]).read().rstrip("\n")
experiments = []  # (verdict, [(label, obtained, verdict)])
lines = printed.split("\n")
i = 0
while i < len(lines):
    head = re.match(r"^\S.*\[(\w+)\]: (PASS|FAIL)$", lines[i])
    if head:
        experiments.append((head.group(2).lower(), []))
    crit = re.match(r"^  (pass|FAIL) (.*)$", lines[i])
    if crit:
        obtained = lines[i + 2].strip()
        assert obtained.startswith("obtained: "), lines[i + 2]
        experiments[-1][1].append((crit.group(2), obtained[len("obtained: "):], crit.group(1).lower()))
    i += 1

path = "docs/VALIDATION.md"
doc = open(path).read()
a = doc.index("```text\n") + len("```text\n")
b = doc.index("\n```", a)
doc = doc[:a] + printed + doc[b:]

readings = [m for m in re.finditer(r"^\*\*Reading\*\* \(the committed model, full run: (pass|fail)\)\. (.*)$", doc, re.M)]
assert len(readings) == len(experiments), (len(readings), len(experiments))
out, last = [], 0
for m, (verdict, criteria) in zip(readings, experiments):
    # What follows the old criteria: the text after the last "(pass)." or "(fail).".
    old = m.group(0)
    tail = re.split(r"\((?:pass|fail)\)\.", old)[-1]
    body = "; ".join(f"{label}: {obtained} ({v})" for label, obtained, v in criteria)
    body = body[0].upper() + body[1:]
    out.append(doc[last:m.start()])
    out.append(f"**Reading** (the committed model, full run: {verdict}). {body}.{tail}")
    last = m.end()
out.append(doc[last:])
open(path, "w").write("".join(out))
