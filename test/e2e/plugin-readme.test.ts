import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { test } from 'node:test';
import { WORDPRESS_SERIES } from '../../tools/wordpress';

const PLUGIN = resolve(__dirname, '../../wordpress-plugin/wp-ai-relay');
const readme = readFileSync(`${PLUGIN}/readme.txt`, 'utf8');
const main = readFileSync(`${PLUGIN}/wp-ai-relay.php`, 'utf8');

/** `Name: value` lines, as the plugin directory reads the readme's header and WordPress the plugin's. */
function fields(text: string, prefix = ''): Map<string, string> {
  const pattern = new RegExp(`^${prefix}([A-Z][A-Za-z ]+):\\s*(.+)$`, 'gm');
  return new Map([...text.matchAll(pattern)].map((m) => [m[1] ?? '', (m[2] ?? '').trim()]));
}

test("readme.txt has the plugin directory's header, and it agrees with the plugin's own header", () => {
  const header = fields(readme.split('\n\n')[0] ?? '');
  const plugin = fields(main, ' \\* ');
  assert.equal(/^=== (.+) ===$/m.exec(readme)?.[1], plugin.get('Plugin Name'));
  assert.equal(header.get('Stable tag'), plugin.get('Version'));
  assert.equal(header.get('Requires PHP'), plugin.get('Requires PHP'));
  assert.equal(header.get('Requires at least'), plugin.get('Requires at least'));
  for (const name of ['Tags', 'License', 'License URI']) assert.ok(header.get(name), `${name} is set`);
  assert.ok((header.get('Tags') ?? '').split(',').length <= 5, 'at most 5 tags');
});

test('readme.txt says it is tested up to the newest WordPress the suite runs on, and requires the oldest', () => {
  const header = fields(readme.split('\n\n')[0] ?? '');
  const versions = [...WORDPRESS_SERIES].sort((a, b) => Number(a.split('.')[1]) - Number(b.split('.')[1]));
  assert.equal(header.get('Tested up to'), versions.at(-1));
  assert.equal(header.get('Requires at least'), versions[0]);
});

test('readme.txt has a short description within 150 characters and the sections the directory shows', () => {
  const short = readme.split('\n\n')[1] ?? '';
  assert.ok(short.length > 0 && short.length <= 150, `short description is ${short.length} characters`);
  for (const section of ['Description', 'Installation', 'Frequently Asked Questions', 'Changelog']) {
    assert.match(readme, new RegExp(`^== ${section} ==$`, 'm'));
  }
  const version = fields(main, ' \\* ').get('Version') ?? '';
  assert.match(readme, new RegExp(`^= ${version.replaceAll('.', '\\.')} =$`, 'm'), 'the changelog has the current version');
});
