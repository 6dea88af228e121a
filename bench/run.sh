#!/usr/bin/env bash
# Reproduces every figure of issues 9 and 17 and writes bench/RESULTS.md.
#   bench/run.sh           full profile (long: journal, store and backlog up to 1M messages)
#   bench/run.sh --quick   tens of minutes, journal up to 100k
#   bench/run.sh --smoke   seconds, tiny scale (what the module's test runs)
#   bench/run.sh --quick --only ingest,e2e   only these phases (baselines ingest e2e reply journal conversations
#                                            startup jfr busy storesize backlog acks triage urgent); writes
#                                            bench/target/RESULTS-partial.md instead
#   bench/run.sh --quick --only baselines,ingest,e2e,busy,storesize,backlog,jfr   every issue-17 figure
#   bench/run.sh --quick --only acks   issue 18: 2xx -> automatic acknowledgement at the channel, and its cost
#   bench/run.sh --quick --only triage   issue 19: ingest with triage off and on (detection, rules, routes)
#   bench/run.sh --only analytics   issue 21: a month of 1M messages written into the store, each analytics call timed
#   bench/run.sh --quick --only camel  issue 23: the same end-to-end load through a camel-desk route and the webhook-desk
#   bench/run.sh --quick --only pg,migrate,cluster   issue 25: H2 against PostgreSQL, migrate-store 100k/1M, 1-3 cluster nodes + failover
#   bench/run.sh --quick --only urgent issue 19: URGENT messages into a 10,000 backlog at a 200 req/s desk, priority vs fifo
# Extra JVM options for every system under test (hub and baselines alike): BENCH_JVM_OPTS="-Xmx256m" bench/run.sh
# The hub's webhook-desk batchSize (default 20; 1 = one event per desk call, the "before" figure):
#   BENCH_DESK_BATCH=1 bench/run.sh --quick --only busy
# Another build: BENCH_HUB_LIB=<its omnibridge/lib> BENCH_PLUGINS=<a folder of its plugin zips> bench/run.sh ...
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(dirname "$here")
profile=full
only=baselines,ingest,e2e,reply,journal,conversations,startup,jfr,busy,storesize,backlog,acks,triage,urgent,analytics,camel,pg,migrate,cluster
out="$here/RESULTS.md"
while [ $# -gt 0 ]; do
  case "$1" in
    --quick) profile=quick ;;
    --smoke) profile=smoke ;;
    --only) only="${2:?--only needs a list of phases}"; out="$here/target/RESULTS-partial.md"; shift ;;
    *) echo "usage: $0 [--quick|--smoke] [--only phase,...]" >&2; exit 2 ;;
  esac
  shift
done

version=$(sed -n 's:^  <version>\(.*\)</version>:\1:p' "$root/pom.xml" | head -1)
repo="${MAVEN_REPO:-$HOME/.m2/repository}/dev/omnibridge"
if [ ! -f "$repo/omnibridge-hub/$version/omnibridge-hub-$version-dist.zip" ] \
   || [ ! -f "$repo/omnibridge-webhook-channel/$version/omnibridge-webhook-channel-$version-plugin.zip" ]; then
  echo "hub or plugin packages missing from the local repository: building them" >&2
  (cd "$root" && mvn -B -q -DskipTests install -pl '!system-tests,!bench')
fi

# Unpacks the hub dist, copies the plugin zips and writes the class path (bench/target/...).
(cd "$root" && mvn -B -q -DskipTests -pl bench package)

cd "$here"
exec java -cp "target/classes:$(cat target/bench.classpath)" dev.omnibridge.bench.Bench \
  --profile "$profile" --out "$out" --work "$here/target/bench-work" --only "$only" \
  --hub-lib "${BENCH_HUB_LIB:-$here/target/hub/omnibridge/lib}" --plugins "${BENCH_PLUGINS:-$here/target/plugin-zips}" \
  --jvm-opts "${BENCH_JVM_OPTS:-}" --desk-batch "${BENCH_DESK_BATCH:-20}"
