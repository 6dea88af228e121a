#!/usr/bin/env bash
# Runs the quickstart: the stand-in desk on :8090 and the hub on :8080, with the reference plugins.
# Build first (from the repository root): mvn -q -DskipTests install
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
dist="$root/hub/target/omnibridge-hub-0.1.0-SNAPSHOT-dist/omnibridge"
if [ ! -x "$dist/bin/omnibridge" ]; then
  echo "The hub is not built yet: run 'mvn -q -DskipTests install' in $root first." >&2
  exit 1
fi
mkdir -p "$here/plugins"
rm -f "$here"/plugins/*.zip
cp "$root"/connectors/*/target/*-plugin.zip "$here/plugins/"
java "$here/QuickstartDesk.java" &
desk=$!
trap 'kill $desk 2>/dev/null || true' EXIT
cd "$here"
"$dist/bin/omnibridge" run --config "$here/omnibridge.yaml"
