import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { test } from 'node:test';
import { promisify } from 'node:util';

const run = promisify(execFile);
const PLUGIN_ROOT = resolve(__dirname, '../../wordpress-plugin');
const VECTORS = resolve(__dirname, '../fixtures/signature-vectors.json');

function phpFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return phpFiles(path);
    return entry.name.endsWith('.php') ? [path] : [];
  });
}

test('every PHP file of the plugin passes php -l', async () => {
  const files = phpFiles(PLUGIN_ROOT);
  assert.ok(files.length >= 10, `found only ${files.length} PHP files`);
  for (const file of files) {
    const { stdout } = await run('php', ['-l', file]);
    assert.match(stdout, /No syntax errors detected/, file);
  }
});

test('every plugin file but uninstall.php stops when loaded outside WordPress', () => {
  for (const file of phpFiles(join(PLUGIN_ROOT, 'wp-ai-relay'))) {
    const guard = file.endsWith('uninstall.php') ? "defined( 'WP_UNINSTALL_PLUGIN' ) || exit;" : "defined( 'ABSPATH' ) || exit;";
    assert.ok(readFileSync(file, 'utf8').includes(guard), `${file} lacks ${guard}`);
  }
});

test("the plugin's PHP signer matches every known-answer vector of the TypeScript signer", async () => {
  const cases = (JSON.parse(readFileSync(VECTORS, 'utf8')) as { cases: { name: string }[] }).cases;
  const { stdout } = await run('php', [join(PLUGIN_ROOT, 'tests/signature-vectors.php'), VECTORS]);
  const lines = stdout.trim().split('\n');
  for (const { name } of cases) assert.ok(lines.includes(`ok - ${name}`), `vector "${name}" not ok:\n${stdout}`);
  assert.deepEqual(lines.filter((line) => !line.startsWith('ok - ')), []);
});

test('the PHP vector check fails when a vector does not match', async () => {
  const vectors = JSON.parse(readFileSync(VECTORS, 'utf8')) as { cases: { signature: string }[] };
  const broken = { ...vectors, cases: vectors.cases.map((c, i) => (i === 0 ? { ...c, signature: `${c.signature.slice(0, -2)}x=` } : c)) };
  const dir = mkdtempSync(join(tmpdir(), 'wp-ai-relay-vectors-'));
  try {
    writeFileSync(join(dir, 'vectors.json'), JSON.stringify(broken));
    await assert.rejects(run('php', [join(PLUGIN_ROOT, 'tests/signature-vectors.php'), join(dir, 'vectors.json')]), (error: { stdout?: string }) => {
      assert.match(error.stdout ?? '', /^FAIL - /m);
      return true;
    });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
