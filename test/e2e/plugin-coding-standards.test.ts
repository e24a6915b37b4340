import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { test } from 'node:test';
import { promisify } from 'node:util';
import { requireSystemFiles } from '../../tools/system-packages';

const run = promisify(execFile);
const MAKE_POT = resolve(__dirname, '../../scripts/make-pot.sh');
const RULESET = resolve(__dirname, '../../wordpress-plugin/phpcs.xml.dist');
const SECURITY_SNIFFS = resolve(__dirname, '../../wordpress-plugin/phpcs/WpAiRelay');
const FIXTURE = resolve(__dirname, '../fixtures/phpcs/security.php');

interface PhpcsReport {
  totals: { errors: number; warnings: number };
  files: Record<string, { messages: { line: number; source: string; message: string }[] }>;
}

/** phpcs exits 1 or 2 when it finds something; the JSON report on stdout is the answer either way. */
async function phpcs(args: string[]): Promise<PhpcsReport> {
  requireSystemFiles([{ path: '/usr/bin/phpcs', pkg: 'php-codesniffer' }]);
  const result = await run('phpcs', ['--report=json', ...args]).catch((error: { stdout?: string }) => error);
  return JSON.parse(result.stdout ?? '') as PhpcsReport;
}

test('the plugin passes its coding standard with no error and no warning', async () => {
  const report = await phpcs([`--standard=${RULESET}`]);
  const found = Object.entries(report.files).flatMap(([file, { messages }]) =>
    messages.map((m) => `${file}:${m.line} ${m.source}: ${m.message}`),
  );
  assert.deepEqual(found, []);
  assert.ok(Object.keys(report.files).length >= 20, 'the ruleset names the plugin files');
});

test('the security sniffs flag input read before its nonce check and output printed unescaped, and nothing else', async () => {
  const report = await phpcs([`--standard=${SECURITY_SNIFFS}`, FIXTURE]);
  const found = Object.values(report.files)
    .flatMap(({ messages }) => messages.map((m) => `${m.line} ${m.source.replace(/^WpAiRelay\.Security\./, '')}`))
    .sort();
  const expected = readFileSync(FIXTURE, 'utf8')
    .split('\n')
    .flatMap((line, index) => [...line.matchAll(/Expect: (\S+)/g)].map((m) => `${index + 1} ${m[1]}`))
    .sort();
  assert.ok(expected.length >= 8);
  assert.deepEqual(found, expected);
});

test("the plugin's translation template holds the PHP's and the editor script's strings, each placeholder explained", async () => {
  requireSystemFiles([{ path: '/usr/bin/xgettext', pkg: 'gettext' }]);
  const dir = mkdtempSync(join(tmpdir(), 'wp-ai-relay-pot-'));
  try {
    const pot = join(dir, 'wp-ai-relay.pot');
    await run('bash', [MAKE_POT, pot]);
    const text = readFileSync(pot, 'utf8');
    assert.match(text, /^msgid "Deliveries"$/m, 'a string of the PHP');
    assert.match(text, /^msgid "Hand back to the AI"$/m, 'a string of the editor script');
    // WordPress's rule: a string with placeholders tells translators what they stand for.
    const unexplained = text
      .split('\n\n')
      .filter((entry) => /^#, (php|javascript)-format/m.test(entry) && !/^#\. translators:/m.test(entry))
      .map((entry) => /^msgid "(.*)"$/m.exec(entry)?.[1]);
    assert.deepEqual(unexplained, []);
    // msgfmt checks each format string against its plural; a template's header has no plural rule yet.
    await writeFile(pot, text.replace(/^"Plural-Forms: .*$/m, '"Plural-Forms: nplurals=2; plural=(n != 1);\\n"'));
    await run('msgfmt', ['--check-format', '-o', '/dev/null', pot]);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
