"""Formats Scripts/bench's measurements as a markdown table (see Scripts/bench)."""
import json
import math
import os
import sys

res, c4, c1, bytes4, bytes1, slice_bytes, rounds, watch_gb = sys.argv[1:9]
bytes4, bytes1, slice_bytes = int(bytes4), int(bytes1), int(slice_bytes)
KEYS = ["sent", "received", "confirmed", "late", "unconfirmed", "orphan", "duplicate", "disagree"]


def runs(name):
    path = os.path.join(res, name)
    if not os.path.exists(path):
        return None
    rows = [tuple(map(float, line.split())) for line in open(path) if line.strip()]
    return min(r[0] for r in rows), min(r[1] for r in rows), max(r[2] for r in rows) / 1024


def medians(name):
    """Median wall, median user CPU and largest RSS (MiB) over the rounds (issue 18's rows)."""
    path = os.path.join(res, name)
    if not os.path.exists(path):
        return None
    rows = [tuple(map(float, line.split())) for line in open(path) if line.strip()]
    rows = [r for r in rows if len(r) >= 4]
    if not rows:
        return None
    med = lambda xs: sorted(xs)[len(xs) // 2] if len(xs) % 2 else sum(sorted(xs)[len(xs) // 2 - 1:len(xs) // 2 + 1]) / 2
    return med([r[0] for r in rows]), med([r[3] for r in rows]), max(r[2] for r in rows) / 1024, len(rows)


def inflater_of(name):
    try:
        return json.load(open(os.path.join(res, name + ".json")))["input"].get("inflater", "?")
    except (OSError, ValueError, KeyError):
        return "?"


def counts_seam(name):
    try:
        d = json.load(open(os.path.join(res, name + ".json")))
    except (OSError, ValueError):
        return None
    return {h["name"]: {k: h[k] for k in KEYS} for h in d["handoffs"]}


def expected(corpus):
    return json.load(open(os.path.join(corpus, "expected.json")))["rules"]


def duck():
    try:
        return json.load(open(os.path.join(res, "duckdb.json")))
    except (OSError, ValueError):
        return None


def agree(got, corpus, with_duck=True):
    if got is None:
        return "no output"
    words = ["= expected" if got == expected(corpus) else "!= expected"]
    d = duck()
    if with_duck and d is not None:
        words.append("= DuckDB" if got == d else "!= DuckDB")
    return ", ".join(words)


def discovered(corpus):
    """Whether `seam discover` proposed the corpus spec's handoffs (services, events, keys)."""
    try:
        d = json.load(open(os.path.join(res, "discover.json")))
    except (OSError, ValueError):
        return "no output"
    got = {(h["from"], h["to"], h.get("send_event"), h.get("receive_event"), h["key"]["send"], h["key"]["receive"])
           for h in d["handoffs"]}
    want = set()
    rule = {}
    for line in open(os.path.join(corpus, "seam.yaml")):
        line = line.strip().lstrip("- ")
        if ":" not in line:
            continue
        k, v = (x.strip() for x in line.split(":", 1))
        rule[k] = v
        if k == "within":
            want.add((rule["from"], rule["to"], rule["send"], rule["receive"], rule["key"], rule["key"]))
    found = len(want & got)
    return f"{found} of {len(want)} spec handoffs proposed, {len(got) - found} more"


print(f"corpus: {bytes4 / 1e6:.0f} MB of JSON lines in 4 gzip files ({c4}); one-file case: {c1}; "
      f"best of {rounds} alternating rounds (wall and CPU minimums, RSS maximum)\n")
crc_path = os.path.join(res, "crc")
crc = open(crc_path).read().strip() if os.path.exists(crc_path) else "unknown"
print(f"gzip member CRC-32 by: {crc} (README, \"gzip\")\n")
print("| run | wall s | CPU s | MB/s | peak RSS MiB | CPU / inflate | counts |")
print("|---|---:|---:|---:|---:|---:|---|")
base = runs("inflate")
rows = [
    ("inflate (bare zlib, C)", "inflate", bytes4, 1, "-"),
    ("zcat > /dev/null", "zcat", bytes4, 1, "-"),
    ("seam check --threads 1", "seam-t1", bytes4, 1, agree(counts_seam("seam-t1"), c4)),
    ("seam check (all cores)", "seam", bytes4, 1, agree(counts_seam("seam"), c4)),
    ("seam check --threads 1, zlib's CRC-32 (SEAM_GZIP_CRC=zlib)", "seam-t1-zlibcrc", bytes4, 1,
     agree(counts_seam("seam-t1-zlibcrc"), c4)),
    ("seam discover (draft spec, one pass, one thread)", "discover", bytes4, 1, discovered(c4)),
    ("DuckDB read_ndjson + anti-join", "duckdb", bytes4, 1, agree(duck(), c4, with_duck=False)),
    (f"zcat \\| jq on {slice_bytes / 1e6:.0f} MB slice, x{bytes4 / slice_bytes:.1f} extrapolated (filter only)",
     "jq-slice", slice_bytes, bytes4 / slice_bytes, "n/a (no join)"),
]
for label, name, nbytes, scale, note in rows:
    r = runs(name)
    if r is None:
        continue
    wall, cpu, rss = r[0] * scale, r[1] * scale, r[2]
    ratio = f"{cpu / base[1]:.2f}x" if base else "-"
    print(f"| {label} | {wall:.2f} | {cpu:.2f} | {nbytes * scale / 1e6 / wall:.0f} | {rss:.0f} | {ratio} | {note} |")
one_base = runs("one-inflate")
for label, name, note in [
    ("one file: inflate (C)", "one-inflate", "-"),
    ("one file: seam check --threads 1", "one-seam-t1", agree(counts_seam("one-seam-t1"), c1, with_duck=False)),
    ("one file: seam check (all cores)", "one-seam", agree(counts_seam("one-seam"), c1, with_duck=False)),
]:
    r = runs(name)
    if r is None:
        continue
    ratio = f"{r[1] / one_base[1]:.2f}x" if one_base else "-"
    print(f"| {label} | {r[0]:.2f} | {r[1]:.2f} | {bytes1 / 1e6 / r[0]:.0f} | {r[2]:.0f} | {ratio} | {note} |")

rot = [("rotated part3, part1, part2: seam check --threads 1", "rot-seam-t1"),
       ("rotated, all files through stdin: seam check -", "rot-stdin")]
if any(runs(n) for _, n in rot):
    print("\nOrder independence (issue 13): the same 4 files, each rotated as part3, part1, part2; verdicts "
          "must equal the sorted corpus's; memory under 64 MiB plus the spill (`$TMPDIR`):\n")
    print("| run | wall s | CPU s | peak RSS MiB | CPU / sorted --threads 1 | counts |")
    print("|---|---:|---:|---:|---:|---|")
    sorted_t1 = runs("seam-t1")
    for label, name in rot:
        r = runs(name)
        if r is None:
            continue
        got = counts_seam(name)
        same = "= sorted" if got is not None and got == counts_seam("seam-t1") else "!= sorted"
        ratio = f"{r[1] / sorted_t1[1]:.2f}x" if sorted_t1 else "-"
        print(f"| {label} | {r[0]:.2f} | {r[1]:.2f} | {r[2]:.0f} | {ratio} | {same}, {agree(got, c4, with_duck=False)} |")

zb = medians("inflate")
inflater_rows = [
    ("inflate (bare zlib, C)", "inflate", "-"),
    ("inflate (bare ISA-L, C)", "inflate-isal", "-"),
    (f"seam check --threads 1, SEAM_INFLATE=isal (used: {inflater_of('seam-t1-isal')})", "seam-t1-isal",
     agree(counts_seam("seam-t1-isal"), c4, with_duck=False)),
    (f"seam check --threads 1, SEAM_INFLATE=zlib (used: {inflater_of('seam-t1-zlib')})", "seam-t1-zlib",
     agree(counts_seam("seam-t1-zlib"), c4, with_duck=False)),
    ("seam check --threads 1, SEAM_BASE (the build before; ISA-L where it has it)", "seam-t1-base",
     agree(counts_seam("seam-t1-base"), c4, with_duck=False)),
    ("long claims (every id +64 bytes): seam check --threads 1, ISA-L", "seam-t1-long",
     agree(counts_seam("seam-t1-long"), c4, with_duck=False)),
    ("long claims: SEAM_BASE, ISA-L where it has it", "seam-t1-long-base",
     agree(counts_seam("seam-t1-long-base"), c4, with_duck=False)),
    ("zstd -3 corpus: decompress (bare zstd, C)", "inflate-zstd", "-"),
    ("zstd -3 corpus: seam check --threads 1", "seam-t1-zstd", agree(counts_seam("seam-t1-zstd"), c4, with_duck=False)),
]
if zb and any(medians(n) for _, n, _ in inflater_rows[1:]):
    print("\nInflaters (issue 18): medians over the rounds of user CPU and wall, largest RSS; "
          "ratio = user CPU / bare zlib inflate's (goal for ISA-L: <= 1.0):\n")
    print("| run | wall s | user CPU s | peak RSS MiB | user CPU / zlib inflate | counts |")
    print("|---|---:|---:|---:|---:|---|")
    for label, name, note in inflater_rows:
        m = medians(name)
        if m is None:
            continue
        print(f"| {label} | {m[0]:.2f} | {m[1]:.2f} | {m[2]:.0f} | {m[1] / zb[1]:.2f}x | {note} |")

t1, tn, o1, on = runs("seam-t1"), runs("seam"), runs("one-seam-t1"), runs("one-seam")
dv = runs("discover")
print()
if dv and t1:
    print(f"- discover: CPU / seam check --threads 1 = {dv[1] / t1[1]:.2f} (goal <= 2); peak RSS {dv[2]:.0f} MiB (goal < 128)")
if t1 and tn:
    print(f"- 4 files: wall all cores / 1 thread = {tn[0] / t1[0]:.2f} (goal <= 0.6); "
          f"CPU 1 thread / inflate = {t1[1] / base[1]:.2f} (goal <= 1.5)")
if o1 and on:
    print(f"- one file: wall all cores / 1 thread = {on[0] / o1[0]:.2f} (goal <= 0.8)")

scale = [(k, runs(f"scale-{k}x"), runs(f"scale-open-{k}x")) for k in (1, 4, 16)]
if all(s[1] for s in scale):
    print("\nScaling (`--threads 1`; per-MB CPU relative to 1x; 'open' = every window 10 h, so every send stays "
          "open to the end and open handoffs grow with input):\n")
    print("| input | MB | CPU s | CPU/MB vs 1x | RSS MiB | open: CPU s | open: CPU/MB vs 1x | open: RSS MiB | log2 n vs 1x |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|---:|")
    b1 = int(open(os.path.join(res, "scale-1x.bytes")).read())
    for k, r, o in scale:
        nb = int(open(os.path.join(res, f"scale-{k}x.bytes")).read())
        per = (r[1] / nb) / (scale[0][1][1] / b1)
        pero = (o[1] / nb) / (scale[0][2][1] / b1)
        logr = math.log2(nb / 700) / math.log2(b1 / 700)  # ~700 B per transaction
        print(f"| {k}x | {nb / 1e6:.0f} | {r[1]:.2f} | {per:.2f} | {r[2]:.0f} | {o[1]:.2f} | {pero:.2f} | {o[2]:.0f} | {logr:.2f} |")

watch = [(g, runs(f"watch-{g}gb")) for g in watch_gb.split()]
if all(w[1] for w in watch):
    print("\n`seam watch` on a generated stream through a pipe (Scripts/stream-gen | seam watch -):\n")
    print("| stream | wall s | CPU s | MB/s | peak RSS MiB |")
    print("|---|---:|---:|---:|---:|")
    for g, r in watch:
        nb = int(open(os.path.join(res, f"watch-{g}gb.bytes")).read())
        print(f"| {g} GB | {r[0]:.1f} | {r[1]:.1f} | {nb / 1e6 / r[0]:.0f} | {r[2]:.0f} |")
print()
print(open(os.path.join(res, "load")).read().strip().replace("\n", "  \n"))
