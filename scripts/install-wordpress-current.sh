#!/usr/bin/env bash
# Today's WordPress for the tests, beside the oldest supported one: Debian trixie's `wordpress` package (6.8.x,
# architecture `all`, PHP and JavaScript files only), with the packages its files link to and its default theme,
# unpacked into the tools directory as `wordpress-<series>/`, a root whose `usr/share/wordpress` the test harness
# serves (TEST_WORDPRESS=6.8). Bookworm's own `wordpress` (6.1) stays installed by apt for TEST_WORDPRESS=6.1.
#
# Why unpack instead of an apt pin: both versions are one package name, so a pin would replace 6.1 rather than sit
# beside it, and it would leave trixie in the machine's sources for every later apt-get. Here apt reads trixie's
# index from a private, temporary state directory (no root, the machine's apt left as it was) and only downloads
# the .debs; dpkg-deb unpacks them. Debian's signing keys still verify the index.
# Idempotent (a present root is kept) and safe to run concurrently (each run unpacks aside, then renames).
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/tools-dir.sh

SUITE=trixie
SERIES=6.8
# The files wordpress links to by relative paths (getID3, lodash, underscore, cropper) and the default theme of 6.8.
PACKAGES=(wordpress wordpress-theme-twentytwentyfive php-getid3 libjs-lodash libjs-underscore libjs-cropper)
root=$WP_AI_RELAY_TOOLS_DIR/wordpress-$SERIES
[ -f "$root/usr/share/wordpress/wp-settings.php" ] && exit 0

mkdir -p "$WP_AI_RELAY_TOOLS_DIR"
work=$(mktemp -d "$WP_AI_RELAY_TOOLS_DIR/wordpress-$SERIES.partial.XXXXXX")
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/lists/partial" "$work/cache/archives/partial" "$work/debs" "$work/root"
# The mirrors this machine's apt already uses for its own release (deb822 or one-line sources), asked for the
# newer suite: nothing here names a mirror of its own.
mirror_of() { # main | security
  { for f in /etc/apt/sources.list.d/*.sources; do [ -f "$f" ] && cat "$f" && echo; done; echo; } | awk -v want="$1" '
    /^URIs:/ { uri = $2 } /^Suites:/ { suites = $0 }
    /^[[:space:]]*$/ { if (uri != "" && !found && ((want == "security") == (suites ~ /-security/))) { print uri; found = 1 } uri = ""; suites = "" }'
  { cat /etc/apt/sources.list /etc/apt/sources.list.d/*.list 2>/dev/null || true; } | awk -v want="$1" '$1 == "deb" && (want == "security") == ($3 ~ /-security/) { print $2 }'
}
main_uri=$(mirror_of main | head -n 1)
security_uri=$(mirror_of security | head -n 1)
[ -n "$main_uri" ] || { echo "install-wordpress-current: apt's sources name no Debian mirror to fetch $SUITE from" >&2; exit 1; }
cat >"$work/trixie.sources" <<EOF
Types: deb
URIs: $main_uri
Suites: $SUITE $SUITE-updates
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
EOF
[ -z "$security_uri" ] || cat >>"$work/trixie.sources" <<EOF

Types: deb
URIs: $security_uri
Suites: $SUITE-security
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
EOF
apt_private=(
  -o "Dir::Etc::SourceList=$work/trixie.sources" -o Dir::Etc::SourceParts=/dev/null
  -o "Dir::State::Lists=$work/lists" -o "Dir::Cache=$work/cache" -o Debug::NoLocking=true
  # Root hands downloads to the unprivileged _apt user, who cannot write into this directory.
  -o APT::Sandbox::User=root
)
echo "setup: fetching WordPress $SERIES (Debian $SUITE's package) into $root"
apt-get -q "${apt_private[@]}" update >/dev/null
(cd "$work/debs" && apt-get -q "${apt_private[@]}" download "${PACKAGES[@]}" >/dev/null)
for deb in "$work"/debs/*.deb; do dpkg-deb -x "$deb" "$work/root"; done
version=$(dpkg-deb -f "$work"/debs/wordpress_*.deb Version)
case $version in "$SERIES".*) ;; *) echo "setup: $SUITE serves wordpress $version, not $SERIES.x" >&2 && exit 1 ;; esac
echo "$version" >"$work/root/wordpress-version"
# Another run may have finished first: its root is as good as ours.
mv -T "$work/root" "$root" 2>/dev/null || [ -f "$root/usr/share/wordpress/wp-settings.php" ]
echo "setup: WordPress $version ready"
