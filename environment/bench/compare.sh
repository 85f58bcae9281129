#!/usr/bin/env bash
# segattr's integrated gradients against plain PyTorch on the same random checkpoint, same threads, one machine.
#   mvn -q -B package -DskipTests                     # toolkit/target/segattr.jar
#   pip install torch transformers safetensors numpy
#   environment/bench/compare.sh [THREADS=2] [K=16] [J=16] [SEQ=512]
#   MODEL=/path/to/hf-checkpoint environment/bench/compare.sh ...   # any llama/qwen2/qwen3 folder instead of
#                                                                   # the random hidden-256 Qwen3, for example
#                                                                   # one of environment/bench/make_checkpoints.py
# Prints segattr's JSON line, then one line per PyTorch variant with segattr_over_pytorch (> 1: segattr is faster).
# On a shared machine run it a few times and compare the best figures: other jobs slow whichever side they meet.
set -euo pipefail
cd "$(dirname "$0")/../.."
THREADS=${1:-2}; K=${2:-16}; J=${3:-16}; SEQ=${4:-512}
DIR=$(mktemp -d)
trap 'rm -rf "$DIR"' EXIT
if [[ -n "${MODEL:-}" ]]; then
    CHECKPOINT=$MODEL; SOURCE=(--model "$MODEL")
else
    CHECKPOINT=$DIR/model; SOURCE=(--save-model "$DIR/model" --hidden 256 --layers 4 --vocab 1024)
fi
java -jar toolkit/target/segattr.jar bench "${SOURCE[@]}" \
    --seq-len "$SEQ" --steps "$J" --batch "$K" --threads "$THREADS" --sections attribution --out "$DIR/segattr.json"
python3 -c "import json,sys; a=json.load(open(sys.argv[1]))['attribution']; print(json.dumps({'variant': 'segattr', \
'token_points_per_second': a['token_points_per_second'], 'seconds': a['seconds'], 'peak_fraction': a['work']['peak_fraction']}))" \
    "$DIR/segattr.json"
python3 environment/bench/reference_ig.py --model "$CHECKPOINT" --seq-len "$SEQ" --steps "$J" --batch "$K" \
    --threads "$THREADS" --compare "$DIR/segattr.json" --variants reference,fair
python3 environment/bench/reference_ig.py --model "$CHECKPOINT" --seq-len "$SEQ" --steps "$J" --batch "$K" \
    --threads "$THREADS" --compare "$DIR/segattr.json" --variants fair --attn sdpa
