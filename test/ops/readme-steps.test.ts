import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { npmStartEnv, startNpmStart, type NpmStart } from '../support/npm-start';
import { freePort } from '../support/ports';
import { eventually } from '../support/eventually';
import { ROOT, runCommand } from './helpers/cli';

/** The README's quick-start commands, as written: the shell lines of its first block that runs `relay`. */
function readmeRelayLines(): string[] {
  const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
  const block = [...readme.matchAll(/```sh\n([\s\S]*?)```/g)].map((m) => m[1]!).find((b) => b.includes('npm run relay -- send'));
  assert.ok(block, 'the README has a block with `npm run relay -- send`');
  return block.split('\n').map((line) => line.replace(/\s+#.*$/, '').trim()).filter((line) => line !== '');
}

/**
 * A newcomer's first session, run from the README: `npm start`, then its `relay` lines exactly as written. The LLM
 * is a closed port, so a lead's scoring keeps failing: `relay stuck` lists it with the variable to fix, `relay check`
 * names it, and the relay's log stays one JSON line per event with no task tokens.
 */
describe("the README's quick start, as written", () => {
  const dir = mkdtempSync(join(tmpdir(), 'wp-ai-relay-readme-'));
  let relay: NpmStart;
  let env: Record<string, string>;
  const sh = (line: string) => runCommand('sh', ['-c', line], env);

  before(async () => {
    const llmPort = await freePort();
    env = {
      ...(await npmStartEnv()),
      TEMPORAL_DEV_DB_FILE: join(dir, 'temporal.db'),
      PAYLOAD_KEY_FILE: join(dir, 'payload-keys'),
      OPENAI_API_KEY: 'sk-test',
      OPENAI_BASE_URL: `http://127.0.0.1:${llmPort}/v1`,
    };
    relay = startNpmStart(env);
    assert.match(await relay.banner, /^wp-ai-relay ready in/);
  });
  after(async () => {
    await relay?.stop('SIGTERM');
    rmSync(dir, { recursive: true, force: true });
  });

  it('sends an event, then the same key again: accepted, then duplicate', async () => {
    const [first, second] = readmeRelayLines().filter((line) => line.includes(' send '));
    assert.ok(first && second && first === second, 'the README sends the same command twice');
    const accepted = await sh(first);
    assert.equal(accepted.code, 0, accepted.stdout + accepted.stderr);
    assert.match(accepted.stdout, /^202 [^\n]*\n\{"status":"accepted"/m);
    const duplicate = await sh(second);
    assert.match(duplicate.stdout, /\{"status":"duplicate"/);
  });

  it('lists a run whose LLM step keeps failing with `relay stuck`, naming OPENAI_BASE_URL; `relay check` names it too', async () => {
    const stuckLine = readmeRelayLines().find((line) => line.endsWith('relay -- stuck'));
    const checkLine = readmeRelayLines().find((line) => line.endsWith('relay -- check'));
    assert.ok(stuckLine && checkLine);
    const sent = await sh('npm run --silent relay -- send lead.submitted');
    assert.equal(sent.code, 0, sent.stdout + sent.stderr);
    const listed = await eventually(async () => {
      const out = await sh(stuckLine);
      return /scoreLead: attempt [2-9]/.test(out.stdout) ? out.stdout : undefined;
    }, 'relay stuck to list scoreLead on its second attempt', 120_000);
    assert.match(listed, new RegExp(`last error: LLM at http://127\\.0\\.0\\.1:\\d+ \\(OPENAI_BASE_URL\\): Connection error`));

    const check = await sh(checkLine);
    assert.equal(check.code, 1, check.stdout + check.stderr);
    assert.match(check.stdout, /FAIL {2}LLM at http:\/\/127\.0\.0\.1:\d+ \(OPENAI_BASE_URL\): Connection error/);
    assert.match(check.stdout, /FAIL {2}missing configuration: set WP_BASE_URL, WP_USERNAME, WP_APP_PASSWORD/);

    // The log: JSON lines only (the SDK's own included), no task token, one line per attempt of the failing step.
    const log = relay.output().slice(relay.output().indexOf('Ctrl-C to stop') + 'Ctrl-C to stop'.length);
    const lines = log.split('\n').filter((line) => line.trim() !== '');
    const entries = lines.map((line) => {
      try {
        return JSON.parse(line) as Record<string, unknown>;
      } catch {
        return assert.fail(`not a JSON log line: ${line}`);
      }
    });
    assert.doesNotMatch(log, /taskToken/i);
    const firstAttempt = entries.filter((e) => e.activityType === 'scoreLead' && e.attempt === 1);
    assert.equal(firstAttempt.length, 1, `one line for scoreLead's first attempt:\n${lines.join('\n')}`);
  });
});
