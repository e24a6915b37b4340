import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { after, before, describe, it } from 'node:test';
import { promisify } from 'node:util';
import { copyOfCheckout, type CheckoutCopy } from '../support/checkout-copy';

/** The product: the receiver, the worker and the CLI, compiled, with the data files they read. */
const PRODUCT = /^dist\/(src|contract|workflows|activities)\/[\w./-]+\.(js|json|jsonl)$/;
const MANIFESTS = new Set(['package.json', 'README.md', 'LICENSE']);

/**
 * What `npm publish` would ship, from `npm pack --dry-run` in a copy of this tree (its prepack builds dist/ there,
 * so a stale local dist/ cannot hide or add anything, and the checkout's own dist/ is left to the tests using it).
 */
describe('the published package', () => {
  let copy: CheckoutCopy | undefined;
  let files: string[];

  before(async () => {
    copy = copyOfCheckout();
    const npm = process.env.npm_execpath ? [process.execPath, process.env.npm_execpath] : ['npm'];
    const { stdout } = await promisify(execFile)(npm[0]!, [...npm.slice(1), 'pack', '--dry-run', '--json'], { cwd: copy.dir, maxBuffer: 16 << 20 });
    const [pack] = JSON.parse(stdout) as [{ files: { path: string }[] }];
    files = pack.files.map((file) => file.path).sort();
  });
  after(() => copy?.remove());

  it('holds the compiled product, its manifest, README and LICENSE, and nothing else', () => {
    const other = files.filter((path) => !MANIFESTS.has(path) && !PRODUCT.test(path));
    assert.deepEqual(other, []);
    for (const manifest of MANIFESTS) assert.ok(files.includes(manifest), `${manifest} is published`);
  });

  it('holds every entry point and the workflows and activities the worker loads', () => {
    for (const entry of ['dist/src/cli.js', 'dist/src/receiver.js', 'dist/src/worker.js', 'dist/src/main.js', 'dist/workflows/index.js', 'dist/activities/index.js']) {
      assert.ok(files.includes(entry), `${entry} is published`);
    }
  });

  it("holds the evaluation sets `wp-ai-relay eval` reads when no --comments/--posts/--leads file is given", () => {
    for (const set of ['comments', 'posts', 'leads']) {
      assert.ok(files.includes(`dist/src/eval/sets/${set}.jsonl`), `the ${set} set is published`);
    }
  });

  it('holds no tooling, tests or source maps: no cluster harness, bench, tests or tools', () => {
    const tooling = files.filter((path) => /(^|\/)(cluster|bench|test|tools|scripts)\//.test(path) || /\.(map|ts)$/.test(path));
    assert.deepEqual(tooling, []);
  });
});
