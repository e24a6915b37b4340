import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { EvalReport, SetFigures } from '../../src/eval/report';
import type { ItemResult } from '../../src/eval/run-eval';
import { runRelayCli } from '../ops/helpers/cli';
import { startLlamaServer, type LlamaServer } from '../support/llama-server';

/**
 * `relay eval` on a slice of the shipped sets (the first four items of each: every comment label) against a real
 * inference server with a real model, llama.cpp's llama-server serving SmolLM2-135M-Instruct. Nothing here judges
 * the model: it asserts that the run completes and that the report adds up, as it must for any model.
 */
describe('relay eval against a real model (llama.cpp, SmolLM2-135M-Instruct)', () => {
  let server: LlamaServer;

  before(async () => {
    server = await startLlamaServer();
  });
  after(async () => {
    await server?.stop();
  });

  function assertFigures(name: string, figures: SetFigures | undefined, items: number, errors: string[]): asserts figures is SetFigures {
    assert.ok(figures, `${name} reported`);
    assert.equal(figures.items, items, `${name}: ${items} items`);
    assert.equal(figures.errors, 0, `${name}: the server answered every item, but: ${errors.join('; ')}`);
    assert.equal(figures.schemaValid + figures.invalid, items);
    assert.equal(figures.schemaValidShare, figures.schemaValid / items);
    if (figures.schemaValid > 0) assert.ok(figures.tokens.perItem! > 0 && figures.tokens.completion > 0, `${name}: the server reported its usage`);
    assert.ok(figures.latencyMs.p50! > 0);
  }

  const errorsOf = (items: readonly ItemResult[] | undefined) => (items ?? []).flatMap((i) => (i.outcome === 'error' ? [`${i.id}: ${i.error}`] : []));

  /**
   * One `relay eval` run against the server. Its hang guard is far above the time a loaded 2-core machine takes
   * (about 2 s per comment or lead and 5 s per summary when idle, 10-20 s under load), below the suite's per-test limit.
   */
  async function evaluate(args: string[]): Promise<EvalReport> {
    const env = { OPENAI_BASE_URL: server.baseURL, OPENAI_MODEL: server.model, OPENAI_API_KEY: 'local' };
    const out = await runRelayCli(['eval', '--json', ...args], env, 540_000);
    assert.equal(out.code, 0, `${out.stderr}\n${server.log().split('\n').slice(-20).join('\n')}`);
    const report = JSON.parse(out.stdout) as EvalReport;
    assert.equal(report.model, server.model);
    return report;
  }

  it('completes on a slice of the comments and leads, and reports figures that add up', async () => {
    const report = await evaluate(['--set', 'comments,leads', '--limit', '4']);
    const { comments, leads } = report;
    assertFigures('comments', comments, 4, errorsOf(report.items.comments));
    assertFigures('leads', leads, 4, errorsOf(report.items.leads));
    for (const label of comments.classification.labels) {
      const row: number = (Object.values(comments.classification.confusion[label]) as number[]).reduce((a, b) => a + b, 0);
      assert.equal(row, comments.classification.perLabel[label].support, `the ${label} row holds every ${label} comment`);
      assert.equal(comments.classification.perLabel[label].support, 1, 'the slice holds one comment of each label');
    }
    // The default policy moves no comment to Spam on this model's word alone, whatever it answered.
    assert.deepEqual(comments.policy.legitimateMovedToSpam, []);
    assert.equal(report.items.comments?.filter((c) => c.action === 'spam').length, 0);
  });

  it('completes on a slice of the posts and checks each valid summary', async () => {
    const report = await evaluate(['--set', 'posts', '--limit', '2']);
    const { posts } = report;
    assertFigures('posts', posts, 2, errorsOf(report.items.posts));
    assert.equal(posts.checks.meanWords === null, posts.schemaValid === 0);
  });
});
