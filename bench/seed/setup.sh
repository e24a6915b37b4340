#!/usr/bin/env bash
# The seed baseline's set-up, run by the benchmark before it starts the seed (never by `npm test`): Debian's
# redis-server (installed as root or through sudo when missing), and the pinned Python packages of
# requirements.txt in <tools>/seed-py/<hash of requirements.txt> (scripts/tools-dir.sh), with `pip install --target` (no root, no venv).
# When both are there it only checks. The last line of its output is that directory, for PYTHONPATH.
set -euo pipefail
cd "$(dirname "$0")/../.."
. scripts/tools-dir.sh

fail() {
  echo "seed setup: $*" >&2
  exit 1
}

if ! command -v redis-server >/dev/null 2>&1 && [ ! -x /usr/bin/redis-server ]; then
  command -v apt-get >/dev/null 2>&1 || fail "redis-server is missing and this is not Debian/Ubuntu: install Redis 7 by hand"
  sudo=()
  if [ "$(id -u)" -ne 0 ]; then
    command -v sudo >/dev/null 2>&1 || fail "redis-server is missing; run as root: apt-get install redis-server"
    sudo=(sudo)
  fi
  echo "seed setup: installing Debian's redis-server" >&2
  export DEBIAN_FRONTEND=noninteractive
  "${sudo[@]}" apt-get update -q >&2 || fail "apt-get update failed"
  "${sudo[@]}" apt-get install -y -q --no-install-recommends redis-server >&2 || fail "apt-get install redis-server failed"
fi

hash=$(sha256sum bench/seed/requirements.txt | cut -c1-12)
target="$WP_AI_RELAY_TOOLS_DIR/seed-py/$hash"
if [ ! -f "$target/.complete" ]; then
  python3 -m pip --version >/dev/null 2>&1 || fail "python3 -m pip is missing (Debian: apt-get install python3-pip)"
  echo "seed setup: installing the seed's Python packages into $target" >&2
  rm -rf "$target.partial"
  python3 -m pip install --quiet --disable-pip-version-check --no-deps --target "$target.partial" \
    -r bench/seed/requirements.txt >&2 || fail "pip install -r bench/seed/requirements.txt failed"
  touch "$target.partial/.complete"
  rm -rf "$target"
  mv "$target.partial" "$target"
fi
echo "$target"
