#!/usr/bin/env bash
# segattr's integrated gradients against plain PyTorch on the same random checkpoint, same threads, one machine.
#   mvn -q -B package -DskipTests                     # toolkit/target/segattr.jar
#   pip install torch transformers safetensors numpy
#   environment/bench/compare.sh [THREADS=2] [J=16] [SEQ=512] [ROUNDS=3]
#   MODEL=/path/to/hf-checkpoint environment/bench/compare.sh ...   # any llama/qwen2/qwen3 folder instead of
#                                                                   # the random hidden-256 Qwen3, for example
#                                                                   # one of environment/bench/make_checkpoints.py
#   VARIANTS=sdpa,reference,eager ...                               # which PyTorch variants (default: sdpa)
#   SEGATTR_OPTIONS="--attention explicit" ...                      # extra segattr bench options (default: none)
# Each side runs with its defaults: segattr with attribute's (--batch auto, fused attention); PyTorch with
# transformers' (attn_implementation sdpa) and what a careful user writes (10 points per pass, frozen weights,
# gradient w.r.t. the interpolated embeddings only). "reference" is the reference recipe (one point per pass,
# weights not frozen), "eager" the sdpa variant with transformers' eager attention.
# The sides alternate, ROUNDS times, so that other jobs on a shared machine meet both alike; the summary gives
# medians over the rounds of wall-clock and of CPU-time throughput (CPU time moves less when the cores are busy)
# and segattr / PyTorch ratios of those medians (> 1: segattr is faster), with the machine's matmul peak.
set -euo pipefail
cd "$(dirname "$0")/../.."
THREADS=${1:-2}; J=${2:-16}; SEQ=${3:-512}; ROUNDS=${4:-3}
VARIANTS=${VARIANTS:-sdpa}
DIR=$(mktemp -d)
trap 'rm -rf "$DIR"' EXIT
cp toolkit/target/segattr.jar "$DIR/segattr.jar"   # the build may change while this runs
ln -s "$PWD/toolkit/target/lib" "$DIR/lib"
JAR=$DIR/segattr.jar
if [[ -n "${MODEL:-}" ]]; then
    CHECKPOINT=$MODEL; SOURCE=(--model "$MODEL")
else
    CHECKPOINT=$DIR/model
    java -jar "$JAR" bench --save-model "$DIR/model" --hidden 256 --layers 4 --vocab 1024 \
        --seq-len 8 --steps 1 --repeats 1 --sections attribution --out "$DIR/init.json" >/dev/null
    SOURCE=(--model "$CHECKPOINT")
fi
for ((r = 1; r <= ROUNDS; r++)); do
    # shellcheck disable=SC2086
    java -jar "$JAR" bench "${SOURCE[@]}" --seq-len "$SEQ" --steps "$J" --threads "$THREADS" \
        --repeats 2 --sections attribution ${SEGATTR_OPTIONS:-} --out "$DIR/segattr-$r.json"
    for v in ${VARIANTS//,/ }; do
        case $v in
            sdpa) args=(--variants fair --attn sdpa --batch 10) ;;
            eager) args=(--variants fair --attn eager --batch 10) ;;
            reference) args=(--variants reference --attn sdpa) ;;
            *) echo "unknown variant $v (sdpa, eager, reference)" >&2; exit 2 ;;
        esac
        python3 environment/bench/reference_ig.py --model "$CHECKPOINT" --seq-len "$SEQ" --steps "$J" \
            --threads "$THREADS" --repeats 2 "${args[@]}" | sed "s/^{/{\"name\": \"$v\", /" >> "$DIR/torch.jsonl"
    done
done
python3 - "$DIR" "$ROUNDS" <<'PY'
import glob, json, statistics, sys
d, rounds = sys.argv[1], int(sys.argv[2])
seg = [json.load(open(f)) for f in sorted(glob.glob(d + "/segattr-*.json"))]
a = [s["attribution"] for s in seg]
tokens = a[0]["seq_len"] * a[0]["steps"]
def med(xs): return statistics.median(xs)
seg_wall = med([min(x["seconds"]) for x in a]); seg_cpu = med([min(x["cpu_seconds"]) for x in a])
print(json.dumps({"variant": "segattr", "points_per_pass": a[0]["batch"], "threads": seg[0]["threads"],
                  "seq_len": a[0]["seq_len"], "steps": a[0]["steps"], "rounds": rounds,
                  "token_points_per_second": round(tokens / seg_wall), "per_cpu_second": round(tokens / seg_cpu),
                  "peak_fraction": round(med([x["work"]["peak_fraction"] for x in a]), 3),
                  "matmul_peak_gflops": round(med([s["matmul_peak_gflops"] for s in seg]), 1)}))
torch = [json.loads(l) for l in open(d + "/torch.jsonl")]
for name in dict.fromkeys(t["name"] for t in torch):
    runs = [t for t in torch if t["name"] == name]
    wall = med([min(t["seconds"]) for t in runs]); cpu = med([min(t["cpu_seconds"]) for t in runs])
    print(json.dumps({"variant": name, "points_per_pass": runs[0]["points_per_pass"],
                      "attn_implementation": runs[0]["attn_implementation"], "weights_frozen": runs[0]["weights_frozen"],
                      "token_points_per_second": round(tokens / wall), "per_cpu_second": round(tokens / cpu),
                      "segattr_over_pytorch": round(wall / seg_wall, 2), "segattr_over_pytorch_cpu": round(cpu / seg_cpu, 2),
                      "torch": runs[0]["torch"], "transformers": runs[0]["transformers"]}))
PY
