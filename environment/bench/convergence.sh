#!/usr/bin/env bash
# Time to completeness: segattr's point schemes against the reference recipe in PyTorch (50 linspace points, one per
# pass, weights not frozen, transformers' default sdpa attention), on one model and sequence, same threads.
#   environment/bench/convergence.sh [THREADS=2] [ROUNDS=2]                       # the embedded model, its first training trace
#   MODEL=DIR TRACES=F environment/bench/convergence.sh ...                       # another checkpoint and trace file
#   RANDOM_SEQ=512 environment/bench/convergence.sh ...                           # the random hidden-256 Qwen3, random ids
# segattr bench --sections convergence finds, for each scheme, the fewest points of a ladder with |delta| <= 5% of
# |F(x) - F(x')| and times an attribution with them (K as attribute chooses). The PyTorch reference recipe's time
# does not depend on the tokens, so it runs on random ids of the same length. Rounds alternate the two sides; the
# summary gives medians and reference_over_scheme (> 1: segattr reaches 5% sooner).
set -euo pipefail
cd "$(dirname "$0")/../.."
THREADS=${1:-2}; ROUNDS=${2:-2}
DIR=$(mktemp -d)
trap 'rm -rf "$DIR"' EXIT
cp toolkit/target/segattr.jar "$DIR/segattr.jar"   # the build may change while this runs
ln -s "$PWD/toolkit/target/lib" "$DIR/lib"
if [[ -n "${RANDOM_SEQ:-}" ]]; then
    java -jar "$DIR/segattr.jar" bench --save-model "$DIR/model" --hidden 256 --layers 4 --vocab 1024 \
        --seq-len 8 --steps 1 --repeats 1 --sections attribution --out "$DIR/init.json" >/dev/null
    MODEL=$DIR/model; SOURCE=(--model "$MODEL" --seq-len "$RANDOM_SEQ")
else
    MODEL=${MODEL:-data/model}; SOURCE=(--model "$MODEL" --trace "${TRACES:-data/synth/train.jsonl}")
fi
for ((r = 1; r <= ROUNDS; r++)); do
    java -jar "$DIR/segattr.jar" bench "${SOURCE[@]}" --threads "$THREADS" --repeats 1 --sections convergence \
        --out "$DIR/segattr-$r.json"
    T=$(python3 -c "import json,sys; print(json.load(open(sys.argv[1]))['convergence']['seq_len'])" "$DIR/segattr-$r.json")
    python3 environment/bench/reference_ig.py --model "$MODEL" --seq-len "$T" --steps 50 --threads "$THREADS" \
        --repeats 1 --variants reference --attn sdpa >> "$DIR/torch.jsonl"
done
python3 - "$DIR" <<'PY'
import glob, json, statistics, sys
d = sys.argv[1]
seg = [json.load(open(f))["convergence"] for f in sorted(glob.glob(d + "/segattr-*.json"))]
torch = [json.loads(l) for l in open(d + "/torch.jsonl")]
ref = statistics.median([min(t["seconds"]) for t in torch])
ref_cpu = statistics.median([min(t["cpu_seconds"]) for t in torch])
ref_delta = statistics.median([abs(t["convergence_delta"]) for t in torch])
print(json.dumps({"variant": "pytorch reference recipe", "steps": 50, "seq_len": seg[0]["seq_len"],
                  "sequence": seg[0]["sequence"], "seconds": round(ref, 3), "cpu_seconds": round(ref_cpu, 3),
                  "abs_delta_random_ids": ref_delta, "rounds": len(torch)}))
for name in [s["scheme"] for s in seg[0]["schemes"]]:
    rows = [next(s for s in c["schemes"] if s["scheme"] == name) for c in seg]
    ok = [r for r in rows if r["steps"] > 0]
    if not ok:
        print(json.dumps({"scheme": name, "reached": False, "relative_delta": rows[0]["relative_delta"]}))
        continue
    wall = statistics.median([min(r["seconds"]) for r in ok]); cpu = statistics.median([min(r["cpu_seconds"]) for r in ok])
    print(json.dumps({"scheme": name, "steps": [r["steps"] for r in ok], "points_per_pass": ok[0]["points_per_pass"],
                      "relative_delta": [round(r["relative_delta"], 4) for r in ok], "seconds": round(wall, 3),
                      "cpu_seconds": round(cpu, 3), "reference_over_scheme": round(ref / wall, 2),
                      "reference_over_scheme_cpu": round(ref_cpu / cpu, 2)}))
PY
