#!/usr/bin/env bash
# Temporal's time-skipping test server, the one thing the unit tier (npm run test:unit) needs beyond Node.js and the
# npm packages: a Java runtime (17 or newer) runs it, and its jars (about 33 MB, from Maven Central) are fetched with
# Maven into the tools directory once, the way @temporalio/testing fetches its own test server on first use.
# scripts/setup-debian.sh runs this too, after installing java and maven. When everything is there it only checks.
set -uo pipefail
here=$(CDPATH= cd -- "$(dirname -- "$0")" && pwd)
. "$here/../tools-dir.sh"
version=$(sed -n '/<artifactId>temporal-test-server<\/artifactId>/{n;s|.*<version>\(.*\)</version>.*|\1|p;}' "$here/pom.xml")
lib=${TEMPORAL_TEST_SERVER_LIB:-$WP_AI_RELAY_TOOLS_DIR/temporal-test-server-$version/lib}
archive=$(dirname "$lib")/classes.jsa

fail() {
  echo "temporal-test-server: $*" >&2
  exit 1
}

command -v java >/dev/null 2>&1 ||
  fail "no Java runtime: the time-skipping test server is a Java program; install one (17 or newer; Debian: apt-get install default-jre-headless)"
have_jars() { [ -f "$lib/temporal-test-server-$version.jar" ]; }
have_jars && [ -f "$archive" ] && exit 0

if ! have_jars; then
  command -v mvn >/dev/null 2>&1 ||
    fail "its jars are not in $lib yet, and fetching them takes Maven (Debian: apt-get install maven), once"
  echo "temporal-test-server: fetching Temporal's time-skipping test server $version into $lib (once)"
  mvn -q -B -Dstyle.color=never -f "$here/pom.xml" dependency:copy-dependencies -DoutputDirectory="$lib.partial.$$" ||
    fail "Maven could not fetch io.temporal:temporal-test-server:$version (check the network or Maven's mirror settings)"
  mkdir -p "$(dirname "$lib")" && rm -rf "$lib" && mv "$lib.partial.$$" "$lib"
fi

# A class-data archive of what the server loads until its port is open, made once by starting it: the launcher
# then starts a JVM in about a third of the time. Without one (an archive the JVM refuses), it starts as before.
port=$(node -e "const s = require('node:net').createServer().listen(0, '127.0.0.1', () => { console.log(s.address().port); s.close(); })")
java -XX:ArchiveClassesAtExit="$archive.$$" -Xms64m -Xmx512m -XX:+UseSerialGC -XX:TieredStopAtLevel=1 \
  -cp "$lib/*" io.temporal.testserver.TestServer "$port" >/dev/null 2>&1 &
server=$!
until (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; do
  kill -0 "$server" 2>/dev/null || break
  sleep 0.1
done
kill -TERM "$server" 2>/dev/null
wait "$server"
[ -s "$archive.$$" ] && mv "$archive.$$" "$archive" || rm -f "$archive.$$"
exit 0
