#!/usr/bin/env bash
# Runs every Busline benchmark side by side with its peers and prints the Markdown tables of the README.
#
#   benchmarks/compare.sh                      # all scenarios, about 18 minutes on 2 cores
#   benchmarks/compare.sh 'SyncPublish'        # a subset: extra arguments go to JMH (a regex, options)
#   JMH_OPTS='-f 1 -wi 2 -i 3' benchmarks/compare.sh   # other JMH settings
#   SKIP_BUILD=1 benchmarks/compare.sh         # reuse target/benchmarks.jar
#
# Writes results/jmh-<UTC time>.json (JMH's JSON), and results/latest.json, results/latest.md (the tables) and
# results/ratios.svg (Busline's speed-up over each peer). Needs only a JDK and Maven: the tables and the chart come
# from org.busline.benchmarks.report.Report in the benchmarks jar.
set -euo pipefail

here="$(cd "$(dirname "$0")" && pwd)"
jar="$here/target/benchmarks.jar"
results="$here/results"

if [[ "${SKIP_BUILD:-0}" != 1 || ! -f "$jar" ]]; then
  (cd "$here/.." && mvn -q -pl benchmarks -am package -DskipTests)
fi
mkdir -p "$results"

# 2 forks x (3 x 1 s warm-up + 4 x 1 s measurement) per benchmark method: about 17 s each, about 18 minutes in all
# (the Kafka and outbox scenarios start a broker or use PostgreSQL).
jmh_opts=${JMH_OPTS:-"-f 2 -wi 3 -w 1s -i 4 -r 1s"}
stamp="$(date -u +%Y%m%dT%H%M%SZ)"
json="$results/jmh-$stamp.json"

# shellcheck disable=SC2086 # jmh_opts is a list of options
java -jar "$jar" $jmh_opts -prof gc -jvmArgsAppend "-Xms1g -Xmx1g" -rf json -rff "$json" \
  "${@:-org\.busline\.benchmarks\..*Benchmark\..*}"

cp "$json" "$results/latest.json"
java -cp "$jar" org.busline.benchmarks.report.Report "$json" --out "$results/latest.md" --svg "$results/ratios.svg"
echo
echo "Wrote $json, $results/latest.md and $results/ratios.svg"
