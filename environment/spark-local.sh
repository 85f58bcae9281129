#!/usr/bin/env bash
# segattr-spark on this machine, without installing Spark: Spark's own spark-submit (org.apache.spark.deploy.SparkSubmit)
# runs from the jars Maven resolved for the spark module (Spark's provided ones included), in local mode.
#
#   environment/spark-local.sh [--cores N] COMMAND [OPTIONS]     e.g.
#   environment/spark-local.sh --cores 2 attribute --model data/model --in data/synth/train.jsonl --out runs/attributed
#
# Builds the module first if its jar or class path list is missing. Extra JVM options: SEGATTR_JAVA_OPTS
# (default -Xmx4g, one PyTorch thread per task). Spark settings: SEGATTR_SPARK_CONF="--conf k=v ...".
set -euo pipefail
cd "$(dirname "$0")/.."
cores=2
if [ "${1:-}" = "--cores" ]; then
  cores=$2
  shift 2
fi
jar=spark/target/original-segattr-spark.jar
cp_file=spark/target/classpath.txt
if [ ! -f "$jar" ] || [ ! -f "$cp_file" ]; then
  mvn -B -q -pl spark -am package -DskipTests >&2
fi
# What Spark needs on Java 17 (the flags of Spark's launcher), as in spark/pom.xml's Surefire argLine.
flags=$(sed -n 's:.*<spark.jvm.flags>\(.*\)</spark.jvm.flags>.*:\1:p' spark/pom.xml)
# The module's own classes (the thin jar) and every dependency, Spark's included: the same classes the tests run.
# (The shaded spark/target/segattr-spark.jar is for a cluster's spark-submit, whose class path already holds Spark.)
# shellcheck disable=SC2086
exec java $flags ${SEGATTR_JAVA_OPTS:--Xmx4g -Dai.djl.pytorch.num_threads=1 -Dai.djl.pytorch.num_interop_threads=1} \
  -cp "$jar:$(cat "$cp_file")" org.apache.spark.deploy.SparkSubmit \
  --master "local[$cores]" --conf spark.ui.showConsoleProgress=false ${SEGATTR_SPARK_CONF:-} \
  --class dev.segattr.spark.SegattrSpark "$jar" "$@"
