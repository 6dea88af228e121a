#!/usr/bin/env bash
# Reproduces every figure of issue 9 and writes bench/RESULTS.md.
#   bench/run.sh           full profile (long: journal up to 1M messages)
#   bench/run.sh --quick   a few minutes, journal up to 100k
#   bench/run.sh --smoke   seconds, tiny scale (what the module's test runs)
# Extra JVM options for every system under test (hub and baselines alike): BENCH_JVM_OPTS="-Xmx256m" bench/run.sh
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(dirname "$here")
profile=full
case "${1:-}" in
  --quick) profile=quick ;;
  --smoke) profile=smoke ;;
  "") ;;
  *) echo "usage: $0 [--quick|--smoke]" >&2; exit 2 ;;
esac

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
  --profile "$profile" --out "$here/RESULTS.md" --work "$here/target/bench-work" \
  --hub-lib "$here/target/hub/omnibridge/lib" --plugins "$here/target/plugin-zips" --jvm-opts "${BENCH_JVM_OPTS:-}"
