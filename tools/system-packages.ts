import { accessSync } from 'node:fs';

/**
 * A file the suite needs from a Debian package. Checked before a harness starts, so a machine that lacks the
 * package fails with the package's name (scripts/setup-debian.sh installs it) instead of with an empty page.
 */
export function requireSystemFiles(needs: readonly { readonly path: string; readonly pkg: string }[]): void {
  const missing = needs.filter(({ path }) => {
    try {
      accessSync(path);
      return false;
    } catch {
      return true;
    }
  });
  if (missing.length > 0) {
    const list = missing.map(({ path, pkg }) => `${path} (Debian package ${pkg})`).join(', ');
    throw new Error(`missing ${list}: run scripts/setup-debian.sh, or install the package(s) by hand`);
  }
}
