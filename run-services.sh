#!/usr/bin/env bash
# Runs every facestream service as its own process against one Kafka cluster, PostgreSQL and Redis: N detectors,
# embedders, matchers and gateways side by side, as containers would (README, "Instances and partitions").
#
#   ./run-services.sh                                   # one of each
#   ./run-services.sh --detectors 2 --embedders 2 --matchers 2 --gateways 2
#   SKIP_BUILD=1 ./run-services.sh ...                  # use the jars already built
#
# Uses KAFKA_BOOTSTRAP_SERVERS, DATABASE_URL, REDIS_URL and every other setting of the README from the environment
# (defaults: localhost:9092, the machine's PostgreSQL database `test`, Redis on 127.0.0.1:6379). Gateway i listens on
# 8080+i-1; every process has its management endpoint (health, Prometheus) on 9464+k. Logs in $FACESTREAM_HOME/logs.
# Ctrl-C stops them all.
set -euo pipefail
cd "$(dirname "$0")"
declare -A count=([detector]=1 [embedder]=1 [matcher]=1 [gateway]=1)
while [ $# -gt 0 ]; do
  case "$1" in
    --detectors) count[detector]=$2; shift 2 ;;
    --embedders) count[embedder]=$2; shift 2 ;;
    --matchers) count[matcher]=$2; shift 2 ;;
    --gateways) count[gateway]=$2; shift 2 ;;
    *) echo "usage: $0 [--detectors N] [--embedders N] [--matchers N] [--gateways N]" >&2; exit 2 ;;
  esac
done
if [ -z "${SKIP_BUILD:-}" ]; then
  mvn -B -q package -DskipTests -pl detector-service,embedder-service,matcher-service,ingest-gateway -am
fi
logs="${FACESTREAM_HOME:-.facestream}/logs"
mkdir -p "$logs"
pids=()
trap 'kill "${pids[@]}" 2>/dev/null; wait' EXIT INT TERM
management=9464
for kind in detector embedder matcher gateway; do
  module="$kind-service"; [ "$kind" = gateway ] && module=ingest-gateway
  jar=$(ls "$module"/target/"$module"-*-exec.jar | head -n 1)
  for i in $(seq 1 "${count[$kind]}"); do
    name="$kind-$i"
    if [ "$kind" = gateway ]; then
      SERVER_PORT=$((8079 + i)) MANAGEMENT_SERVER_PORT=$management java ${FACESTREAM_JAVA_OPTS:-} -jar "$jar" >"$logs/$name.log" 2>&1 &
      echo "$name: http://localhost:$((8079 + i)) (management :$management, log $logs/$name.log)"
    else
      # Kafka Streams locks its state folder (the matcher's track store): one per process.
      FACESTREAM_STATE_DIR="${FACESTREAM_HOME:-.facestream}/streams/$name" FACESTREAM_MANAGEMENT_PORT=$management java ${FACESTREAM_JAVA_OPTS:-} -jar "$jar" >"$logs/$name.log" 2>&1 &
      echo "$name: management http://localhost:$management/health and /metrics (log $logs/$name.log)"
    fi
    pids+=($!)
    management=$((management + 1))
  done
done
wait -n "${pids[@]}" || true
echo "a service stopped; stopping the others (see $logs)" >&2
