import { randomBytes } from 'node:crypto';
import { rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { ConfigValue } from './types';
import { run } from './processes';

/**
 * Runs PHP statements with the PHP CLI against the site in `dir`: inside WordPress, or (before it is installed)
 * with only `$site`, the site root, defined. Resolves to stdout; rejects with what PHP printed.
 */
export async function runPhpIn(dir: string, code: string, o = { loadWordPress: true }): Promise<string> {
  const file = join(dir, `run-${randomBytes(6).toString('hex')}.php`);
  // WordPress reads the host from the request; the CLI has none.
  const prelude = `<?php\n$_SERVER['HTTP_HOST'] = '127.0.0.1';\n$_SERVER['REQUEST_URI'] = '/';\n`;
  await writeFile(file, prelude + (o.loadWordPress ? loadWordPress(dir) : `$site = ${phpString(join(dir, 'site'))};\n`) + code);
  try {
    const { stdout } = await run('php', ['-d', 'display_errors=stderr', file], { maxBuffer: 64 * 1024 * 1024 });
    return stdout;
  } catch (error) {
    const e = error as { stderr?: string; stdout?: string; message: string };
    throw new Error(`PHP failed: ${e.stderr || e.stdout || e.message}`);
  } finally {
    await rm(file, { force: true });
  }
}

/** Loads WordPress as the admin; errors go to stderr as plain text, not as WordPress's HTML error page. */
function loadWordPress(dir: string): string {
  return `define('WP_DISABLE_FATAL_ERROR_HANDLER', true);
require ${phpString(join(dir, 'site/wp-load.php'))};
ini_set('display_errors', 'stderr');
wp_set_current_user(1);
`;
}

export function phpString(value: string): string {
  return `'${value.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
}

export function phpValue(value: ConfigValue): string {
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  if (typeof value === 'number') return String(value);
  return phpString(value);
}
