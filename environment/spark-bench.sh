#!/usr/bin/env bash
# The Spark job on local[CORES] against `segattr attribute` on the same traces, options and threads, runs alternated
# (A B A B ...) so a busy machine weighs on both alike. Prints one JSON object: wall seconds of every run, medians,
# the ratio, and the job's cost balance (its planning line).
#
#   environment/spark-bench.sh [N_TRACES=24] [ROUNDS=2] [CORES=2]      (after mvn -B -q package -DskipTests)
#
# Both sides: one PyTorch thread per JVM (the tiny model of the embedded default runs faster on one), the embedded
# default's model, 8 Gauss-Legendre points, 4 per pass (the walkthrough's settings).
set -euo pipefail
cd "$(dirname "$0")/.."
n=${1:-24}
rounds=${2:-2}
cores=${3:-2}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
head -n "$n" data/synth/train.jsonl > "$work/traces.jsonl"
opts=(--model data/model --in "$work/traces.jsonl" --steps 8 --points gauss-legendre --batch 4)
threads=(-Dai.djl.pytorch.num_threads=1 -Dai.djl.pytorch.num_interop_threads=1)
cli=()
job=()
now() { date +%s.%N; }
for r in $(seq 1 "$rounds"); do
  rm -rf "$work/cli.jsonl" "$work/job"
  t0=$(now)
  OMP_NUM_THREADS=1 java -Xmx4g "${threads[@]}" -jar toolkit/target/segattr.jar attribute "${opts[@]}" --out "$work/cli.jsonl" 2>"$work/cli.log"
  t1=$(now)
  OMP_NUM_THREADS=1 SEGATTR_JAVA_OPTS="-Xmx4g ${threads[*]}" environment/spark-local.sh --cores "$cores" attribute "${opts[@]}" \
    --out "$work/job" 2>"$work/job.log"
  t2=$(now)
  cli+=("$(echo "$t1 - $t0" | bc)")
  job+=("$(echo "$t2 - $t1" | bc)")
done
plan=$(grep -m1 "records to do" "$work/job.log" || true)
python3 - "$plan" "${cli[*]}" "${job[*]}" "$n" "$cores" <<'PY'
import json, statistics, sys
plan, cli, job, n, cores = sys.argv[1], [float(x) for x in sys.argv[2].split()], [float(x) for x in sys.argv[3].split()], int(sys.argv[4]), int(sys.argv[5])
print(json.dumps({"traces": n, "spark_master": f"local[{cores}]", "cli_seconds": cli, "spark_seconds": job,
                  "cli_median": statistics.median(cli), "spark_median": statistics.median(job),
                  "spark_over_cli": statistics.median(job) / statistics.median(cli),
                  "pairwise_ratios": [j / c for c, j in zip(cli, job)], "plan": plan}, indent=2))
PY
