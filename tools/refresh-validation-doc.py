#!/usr/bin/env python3
"""Brings docs/VALIDATION.md up to date with a full `effectchain validate` run.

Usage (from the repository root, after `cargo build --release`):

    python3 tools/refresh-validation-doc.py

It runs `effectchain validate -o <scratch>`, replaces the printed table (the
```text block that .ci/run compares), rewrites each experiment's
"**Reading**" line from the same table, and copies the plots to
docs/validation/. Review the diff: the prose around the figures (and "Where
the model departs") is not rewritten.
"""
import os
import re
import shutil
import subprocess
import sys
import tempfile

DOC = "docs/VALIDATION.md"
scratch = tempfile.mkdtemp()
out = os.path.join(scratch, "out")
run = subprocess.run(
    ["./target/release/effectchain", "validate", "-o", out],
    stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
printed = [l for l in run.stdout.splitlines()
           if l and not l.startswith(("Output: ", "Report: "))]

# Parse the table: experiment header, then (verdict, measure, obtained).
experiments = {}
current = None
for i, line in enumerate(printed):
    m = re.match(r"^\S.* \[(\w+)\]: (PASS|FAIL)$", line)
    if m:
        current = experiments.setdefault(m.group(1), {"verdict": m.group(2), "criteria": []})
        continue
    m = re.match(r"^  (pass|FAIL) (.*)$", line)
    if m:
        obtained = printed[i + 2].strip()
        assert obtained.startswith("obtained: "), obtained
        current["criteria"].append((m.group(1).lower(), m.group(2), obtained[len("obtained: "):]))

doc = open(DOC).read()
start = doc.index("```text\n") + len("```text\n")
end = doc.index("\n```", start)
doc = doc[:start] + "\n".join(printed) + doc[end:]

def reading(name):
    e = experiments[name]
    parts = [f"{measure}: {obtained} ({verdict})" for verdict, measure, obtained in e["criteria"]]
    text = "; ".join(parts)
    text = text[0].upper() + text[1:]
    verdict = e["verdict"].lower()
    tail = ' "Where the model departs" below says why.' if verdict == "fail" else ""
    return f"**Reading** (the committed model, full run: {verdict}). {text}.{tail}"

# Each section "## N. Title (`name`)" has one Reading line.
sections = list(re.finditer(r"^## \d+\. .*\(`(\w+)`\)$", doc, flags=re.M))
pieces, last = [], 0
for k, s in enumerate(sections):
    body_end = sections[k + 1].start() if k + 1 < len(sections) else len(doc)
    body = doc[s.start():body_end]
    new_body = re.sub(r"^\*\*Reading\*\*.*$", lambda _: reading(s.group(1)), body, count=1, flags=re.M)
    pieces.append(doc[last:s.start()] + new_body)
    last = body_end
doc = "".join(pieces) + doc[last:]
open(DOC, "w").write(doc)

for f in sorted(os.listdir(out)):
    if f.startswith("plot-") and f.endswith(".png") and os.path.exists(os.path.join("docs/validation", f)):
        shutil.copyfile(os.path.join(out, f), os.path.join("docs/validation", f))
shutil.rmtree(scratch)
sys.exit(0)
