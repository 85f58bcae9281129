#!/usr/bin/env bash
# Why segment strength separates important from unimportant segments only so far on the embedded default
# (issue 12's AUROC goal): two probes on a walkthrough run's training traces, each attributed by the same
# starting model with the walkthrough's settings, scored by AUROC of strength against the known roles.
#   A. the zero embedding as the baseline instead of the pad token's;
#   B. the same traces with every truncated exploration cut before its own result ("4 plus 25 is 29, and then"
#      becomes "4 plus 25, and then"): do explorations score like steps because they compute something?
# Usage: environment/probes/auroc.sh RUN_DIR OUT_DIR   (RUN_DIR: runs/walkthrough; needs python3 for the edit
# and the AUROC; nothing is downloaded). Writes OUT_DIR/auroc.md.
set -euo pipefail
run=${1:?run folder}; out=${2:?output folder}
jar="$(dirname "$0")/../../toolkit/target/segattr.jar"
model="$(dirname "$0")/../../data/model"
mkdir -p "$out"
segattr() { java -Dai.djl.pytorch.num_threads=1 -Dai.djl.pytorch.num_interop_threads=1 -jar "$jar" "$@"; }
settings=(--model "$model" --points adaptive --steps 12)

python3 - "$run/inputs/train.jsonl" "$out/train-no-result.jsonl" <<'PY'
import json, re, sys
src, dst = sys.argv[1], sys.argv[2]
# The generator's four exploration phrasings state their result as "E is Z," / "That is Z, " / ", that gives Z"
cut = [(re.compile(r"(\d+ (?:plus|minus|times) \d+) is \d+"), r"\1"),
       (re.compile(r" That is \d+,?"), ""),
       (re.compile(r", that gives \d+"), "")]
with open(src) as f, open(dst, "w") as g:
    changed = 0
    for line in f:
        r = json.loads(line)
        segs = []
        for s, m in zip(r["segments"], r["segment_moves"]):
            if m == "explore":
                t = s
                for p, rep in cut:
                    t = p.sub(rep, t)
                changed += t != s
                s = t
            segs.append(s)
        r["segments"] = segs
        r["reasoning"] = "".join(segs)
        g.write(json.dumps(r) + "\n")
print(f"{changed} explorations cut before their result", file=sys.stderr)
PY

segattr segment --in "$run/inputs/train.jsonl" --out "$out/segmented.jsonl"
segattr attribute "${settings[@]}" --baseline zero --in "$out/segmented.jsonl" --out "$out/attributed-zero.jsonl"
segattr select --in "$out/attributed-zero.jsonl" --out "$out/selected-zero.jsonl" --table "$out/segments-zero.csv"
segattr segment --in "$out/train-no-result.jsonl" --out "$out/segmented-no-result.jsonl"
segattr attribute "${settings[@]}" --baseline pad --in "$out/segmented-no-result.jsonl" --out "$out/attributed-no-result.jsonl"
segattr select --in "$out/attributed-no-result.jsonl" --out "$out/selected-no-result.jsonl" --table "$out/segments-no-result.csv"

python3 - "$run/segments.csv" "$out/segments-zero.csv" "$out/segments-no-result.csv" "$run/attributed.jsonl" > "$out/auroc.md" <<'PY'
import csv, json, sys
moves = {}
for line in open(sys.argv[4]):
    r = json.loads(line)
    moves[r["id"]] = r["segment_moves"]
def auroc(a, b):
    return sum(1 if x > y else 0.5 if x == y else 0 for x in a for y in b) / (len(a) * len(b))
print("| attribution | AUROC important vs unimportant | middle segments | step vs explore (middle) | step vs restate (middle) | mean strength: step / check / explore / restate |")
print("|---|---|---|---|---|---|")
for name, path in zip(["walkthrough (pad baseline)", "A: zero baseline", "B: explorations cut before their result"], sys.argv[1:4]):
    rows = list(csv.DictReader(open(path)))
    imp, unimp, imp_mid, unimp_mid = [], [], [], []
    by = {}
    for r in rows:
        i, m = int(r["index"]), moves[r["id"]]
        s = float(r["strength"])
        middle = 0 < i < len(m) - 2
        important = r["role"] in ("essential", "reflective")
        (imp if important else unimp).append(s)
        if middle:
            (imp_mid if important else unimp_mid).append(s)
            by.setdefault(m[i], []).append(s)
    mean = lambda k: sum(by[k]) / len(by[k])
    print(f"| {name} | {auroc(imp, unimp):.3f} | {auroc(imp_mid, unimp_mid):.3f} | {auroc(by['step'], by['explore']):.3f} "
          f"| {auroc(by['step'], by['restate']):.3f} | {mean('step'):.3f} / {mean('check'):.3f} / {mean('explore'):.3f} / {mean('restate'):.3f} |")
PY
cat "$out/auroc.md"
