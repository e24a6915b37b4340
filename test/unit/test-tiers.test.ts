import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { describe, it } from 'node:test';

const ROOT = join(__dirname, '../..');
const scripts = (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { scripts: Record<string, string> }).scripts;

/** The folders a script's `<folder>/*.test.ts` globs name. */
function folders(script: string): string[] {
  return [...(scripts[script] ?? '').matchAll(/\b(test\/[\w/-]+)\/\*\.test\.ts\b/g)].map((match) => match[1]!);
}

function testFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return testFiles(path);
    return entry.name.endsWith('.test.ts') ? [relative(ROOT, path)] : [];
  });
}

describe('npm test', () => {
  it('runs the unit tier first, then the integration tier', () => {
    const steps = scripts.test?.split('&&').map((step) => step.trim()) ?? [];
    assert.equal(steps[0], 'npm run test:unit');
    assert.ok(steps.includes('npm run test:integration'), scripts.test);
  });

  it('runs the multisite suite on WordPress 6.8: in the integration tier, which leaves TEST_WORDPRESS at its default', () => {
    assert.ok(existsSync(join(ROOT, 'test/e2e/plugin-multisite.test.ts')));
    assert.ok(folders('test:integration').includes('test/e2e'), scripts['test:integration']);
    assert.doesNotMatch(scripts['test:integration'] ?? '', /TEST_WORDPRESS=/);
    // 6.1's wp_insert_site() strips the port the harness serves on from a new site's domain (tools/wordpress/network.ts).
    assert.doesNotMatch(scripts['test:wordpress-6.1'] ?? '', /plugin-multisite/);
  });

  it('runs every test file in exactly one tier: a new folder of tests is not silently left out of CI', () => {
    const tiers = { unit: folders('test:unit'), integration: folders('test:integration') };
    for (const file of testFiles(join(ROOT, 'test'))) {
      const inTiers = Object.entries(tiers).filter(([, dirs]) => dirs.includes(dirname(file))).map(([tier]) => tier);
      assert.equal(inTiers.length, 1, `${file} runs in ${inTiers.length === 0 ? 'no tier' : inTiers.join(' and ')}`);
    }
  });

  it('names only test files that exist where a script lists them one by one (the WordPress 6.1 tier): a moved test is not silently dropped', () => {
    for (const [name, script] of Object.entries(scripts)) {
      for (const [file] of script.matchAll(/\btest\/[\w/.-]+\.test\.ts\b/g)) {
        assert.ok(existsSync(join(ROOT, file)), `${name} runs ${file}, which does not exist`);
      }
    }
  });
});
