#!/usr/bin/env bash
# Temporal's time-skipping test server, the one thing the unit tier (npm run test:unit) needs beyond Node.js and the
# npm packages: a Java runtime (17 or newer) runs it, and its jars (about 33 MB, from Maven Central) are fetched with
# Maven into the tools directory once, the way @temporalio/testing fetches its own test server on first use.
# scripts/setup-debian.sh runs this too, after installing java and maven. When the jars are there it only checks.
set -uo pipefail
here=$(CDPATH= cd -- "$(dirname -- "$0")" && pwd)
. "$here/../tools-dir.sh"
version=$(sed -n '/<artifactId>temporal-test-server<\/artifactId>/{n;s|.*<version>\(.*\)</version>.*|\1|p;}' "$here/pom.xml")
lib=${TEMPORAL_TEST_SERVER_LIB:-$WP_AI_RELAY_TOOLS_DIR/temporal-test-server-$version/lib}

fail() {
  echo "temporal-test-server: $*" >&2
  exit 1
}

command -v java >/dev/null 2>&1 ||
  fail "no Java runtime: the time-skipping test server is a Java program; install one (17 or newer; Debian: apt-get install default-jre-headless)"
[ -f "$lib/temporal-test-server-$version.jar" ] && exit 0

command -v mvn >/dev/null 2>&1 ||
  fail "its jars are not in $lib yet, and fetching them takes Maven (Debian: apt-get install maven), once"
echo "temporal-test-server: fetching Temporal's time-skipping test server $version into $lib (once)"
mvn -q -B -Dstyle.color=never -f "$here/pom.xml" dependency:copy-dependencies -DoutputDirectory="$lib.partial.$$" ||
  fail "Maven could not fetch io.temporal:temporal-test-server:$version (check the network or Maven's mirror settings)"
mkdir -p "$(dirname "$lib")" && rm -rf "$lib" && mv "$lib.partial.$$" "$lib"
