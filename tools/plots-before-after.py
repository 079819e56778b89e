#!/usr/bin/env python3
"""Figures before and after a change of the renderer, on the same results.

Usage: tools/plots-before-after.py BEFORE_BIN AFTER_BIN [OUT]

BEFORE_BIN writes the results of a run, a comparison, a small sweep and
`validate --reduced` (with their plots) into a scratch folder; each folder
is copied and re-plotted with AFTER_BIN (`effectchain plot DIR`), so both
sets of figures are drawn from the very same numbers. Every PNG pair is
compared pixel by pixel (with Pillow if installed, else a PNG decoder
written here on zlib) and
the table is printed; a few pairs, one or two per kind, are kept in OUT
(default docs/plots-before-after/) with a README.md that shows them side
by side with their figures. Exit 1 when a figure changed size; the table
also says whether the non-text SVG elements (the shapes) are the same.
"""
import os, re, shutil, struct, subprocess, sys, tempfile, zlib

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
# (kind, figure stem) pairs kept in OUT: small enough to commit.
KEEP = [
    ("run", "plot-profit"),
    ("run", "plot-profit-histogram"),
    ("compare", "plot-cumulative-difference"),
    ("compare", "plot-waterfall"),
    ("sweep", "plot-heatmap-profit-difference"),
    ("validation", "plot-contingencies"),
    ("validation", "plot-busyness"),
]


def png_pixels(path):
    """(width, height, rows of RGBA bytes) of an 8-bit RGBA or RGB PNG:
    with Pillow when it is installed, else decoded here (slow: seconds a
    figure)."""
    try:
        from PIL import Image
    except ImportError:
        return decode_png(path)
    image = Image.open(path).convert("RGBA")
    (width, height), data = image.size, image.tobytes()
    return width, height, [data[y * 4 * width : (y + 1) * 4 * width] for y in range(height)]


def decode_png(path):
    """[`png_pixels`] with the standard library only."""
    data = open(path, "rb").read()
    assert data[:8] == b"\x89PNG\r\n\x1a\n", path
    pos, idat = 8, b""
    while pos < len(data):
        (length,) = struct.unpack(">I", data[pos : pos + 4])
        kind = data[pos + 4 : pos + 8]
        body = data[pos + 8 : pos + 8 + length]
        if kind == b"IHDR":
            width, height, depth, color = struct.unpack(">IIBB", body[:10])
            assert depth == 8 and color in (2, 6), f"{path}: unsupported PNG"
        elif kind == b"IDAT":
            idat += body
        pos += 12 + length
    bpp = 4 if color == 6 else 3
    raw = zlib.decompress(idat)
    stride = width * bpp
    rows, prev = [], bytearray(stride)
    for y in range(height):
        f = raw[y * (stride + 1)]
        line = bytearray(raw[y * (stride + 1) + 1 : (y + 1) * (stride + 1)])
        for i in range(stride):
            a = line[i - bpp] if i >= bpp else 0
            b = prev[i]
            c = prev[i - bpp] if i >= bpp else 0
            if f == 1:
                line[i] = (line[i] + a) & 255
            elif f == 2:
                line[i] = (line[i] + b) & 255
            elif f == 3:
                line[i] = (line[i] + (a + b) // 2) & 255
            elif f == 4:
                p = a + b - c
                pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                pred = a if pa <= pb and pa <= pc else (b if pb <= pc else c)
                line[i] = (line[i] + pred) & 255
        rows.append(bytes(line) if bpp == 4 else bytes(
            v for k in range(width) for v in (*line[3 * k : 3 * k + 3], 255)))
        prev = line
    return width, height, rows


def compare_png(a, b):
    """(pixels that differ, pixels that differ by 32/255 or more, largest
    difference of a channel), or None if the sizes differ."""
    wa, ha, ra = png_pixels(a)
    wb, hb, rb = png_pixels(b)
    if (wa, ha) != (wb, hb):
        return None
    differ = large = top = 0
    for la, lb in zip(ra, rb):
        if la == lb:
            continue
        for k in range(0, len(la), 4):
            d = max(abs(la[k + j] - lb[k + j]) for j in range(4))
            if d:
                differ += 1
                large += d >= 32
                top = max(top, d)
    return differ, large, top


def shapes(svg):
    """The SVG without its text outlines (one `<path aria-label=...>` a text)."""
    return [l for l in open(svg).read().splitlines() if not l.startswith("<path aria-label=")]


def run(*args):
    subprocess.run(args, check=True, stdout=subprocess.DEVNULL, cwd=ROOT)


def main():
    before, after = os.path.abspath(sys.argv[1]), os.path.abspath(sys.argv[2])
    out = os.path.abspath(sys.argv[3]) if len(sys.argv) > 3 else os.path.join(ROOT, "docs", "plots-before-after")
    with tempfile.TemporaryDirectory() as tmp:
        sweep = os.path.join(tmp, "sweep.toml")
        text = open(os.path.join(ROOT, "configs/sweeps/latitude-by-growth-need.toml")).read()
        text = text.replace('base = "../expert-store.toml"',
                            f'base = "{os.path.join(ROOT, "configs/expert-store.toml")}"')
        text = text.replace("replications = 20", "replications = 4").replace("steps = 5", "steps = 3")
        open(sweep, "w").write(text)
        b = os.path.join(tmp, "before")
        run(before, "run", "configs/chain.toml", "-r", "8", "-o", f"{b}/run", "-q")
        run(before, "compare", "configs/chain.toml", "configs/empowered.toml", "-r", "8",
            "-o", f"{b}/compare", "-q")
        run(before, "sweep", sweep, "-o", f"{b}/sweep", "-q")
        # Exit 1 when an experiment fails its criteria (docs/VALIDATION.md
        # lists the known fails); the folder and its plots are written anyway.
        subprocess.run([before, "validate", "--reduced", "-o", f"{b}/validation"],
                       stdout=subprocess.DEVNULL, cwd=ROOT)
        a = os.path.join(tmp, "after")
        shutil.copytree(b, a)
        for kind in ["run", "compare", "sweep", "validation"]:
            run(after, "plot", f"{a}/{kind}")
        rows, bad = [], []
        for kind in ["run", "compare", "sweep", "validation"]:
            for name in sorted(os.listdir(f"{b}/{kind}")):
                if not (name.startswith("plot-") and name.endswith(".png")):
                    continue
                stem = name[:-4]
                result = compare_png(f"{b}/{kind}/{name}", f"{a}/{kind}/{name}")
                same_shapes = shapes(f"{b}/{kind}/{stem}.svg") == shapes(f"{a}/{kind}/{stem}.svg")
                if result is None:
                    bad.append(f"{kind}/{stem}")
                rows.append((kind, stem, result, same_shapes))
        print("| folder | figure | pixels that differ | by 32/255 or more | largest difference | same shapes |")
        print("|---|---|---:|---:|---:|---|")
        for kind, stem, r, same in rows:
            cells = ("size differs", "", "") if r is None else r
            print(f"| {kind} | {stem} | {cells[0]} | {cells[1]} | {cells[2]} | {'yes' if same else 'NO'} |")
        os.makedirs(out, exist_ok=True)
        lines = [
            "# Figures before and after the renderer change",
            "",
            "Written by `tools/plots-before-after.py BEFORE_BIN AFTER_BIN`: the same",
            "results (a run, a comparison, a 3 x 3 sweep and `validate --reduced`)",
            "drawn by the build before the change and re-plotted by the build after",
            "it. Each figure is 1600 x 900 pixels; the pairs kept here are",
            "representative, the table covers every figure of the four folders.",
            "",
        ]
        for kind, stem in KEEP:
            for side, folder in (("before", b), ("after", a)):
                shutil.copyfile(f"{folder}/{kind}/{stem}.png", f"{out}/{kind}-{stem}-{side}.png")
            lines += [f"## {kind}: {stem}", "",
                      "| before | after |", "|---|---|",
                      f"| ![before]({kind}-{stem}-before.png) | ![after]({kind}-{stem}-after.png) |", ""]
        lines += ["## Every figure, pixel by pixel", "",
                  "| folder | figure | pixels that differ | by 32/255 or more | largest difference | same shapes |",
                  "|---|---|---:|---:|---:|---|"]
        for kind, stem, r, same in rows:
            cells = ("size differs", "", "") if r is None else r
            lines.append(f"| {kind} | {stem} | {cells[0]} | {cells[1]} | {cells[2]} | {'yes' if same else 'NO'} |")
        # A hand-written "What differs here" section of an earlier README
        # (the explanation of the differences) is kept.
        readme = f"{out}/README.md"
        notes = open(readme).read().partition("\n## What differs here")[1:] if os.path.exists(readme) else ()
        open(readme, "w").write("\n".join(lines) + "\n" + "".join(notes))
    if bad:
        print("figures whose size differs:", ", ".join(bad), file=sys.stderr)
        sys.exit(1)


if __name__ == "__main__":
    main()
