import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { COMMENT_PROMPT } from '../../activities/classify-comment';
import { promptId } from '../../activities/llm-call';
import { LEAD_PROMPT } from '../../activities/score-lead';
import { SUMMARY_PROMPT } from '../../activities/summarize';
import type { EvalReport } from '../../src/eval/report';
import { startLlmStub, type LlmStub } from '../../tools/llm-stub';
import { runRelayCli } from './helpers/cli';

/**
 * `relay eval` end to end, as a user runs it: its own process, the real `openai` client, the LLM stand-in's
 * keyword rules as the "model" (casino → spam, idiot → toxic, "?" → question, anything else ok), so every figure
 * of the report is known in advance.
 */
const COMMENTS = [
  { id: 'c1', lang: 'en', label: 'spam', content: 'Buy now: cheap watches at watches.example' }, // answered off-schema below
  { id: 'c2', lang: 'en', label: 'spam', content: 'Cheap pills, buy now at pills.example' },
  { id: 'c3', lang: 'en', label: 'spam', content: 'Visit my site for great deals on hosting.' },
  { id: 'c4', lang: 'en', label: 'toxic', content: 'Shut up, you idiot.' },
  { id: 'c5', lang: 'en', label: 'question', content: 'How do I set the timeout?' },
  { id: 'c6', lang: 'en', label: 'ok', content: 'Casino night at the parish hall was great fun.', tags: ['hard'] },
  { id: 'c7', lang: 'en', label: 'ok', content: 'Lovely post, thanks.', tags: ['injection'] },
];

describe('relay eval against the LLM stand-in', () => {
  let llm: LlmStub;
  let dir: string;
  let commentsFile: string;
  const env = () => ({ OPENAI_API_KEY: 'sk-eval', OPENAI_BASE_URL: llm.baseURL, OPENAI_MODEL: 'eval-model' });

  before(async () => {
    llm = await startLlmStub();
    dir = mkdtempSync(join(tmpdir(), 'relay-eval-'));
    commentsFile = join(dir, 'comments.jsonl');
    writeFileSync(commentsFile, COMMENTS.map((c) => JSON.stringify(c)).join('\n') + '\n');
  });
  after(async () => {
    await llm.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('reports per-label precision and recall, the confusion matrix, schema-valid share, tokens and the spam figure', async () => {
    llm.enqueue({ kind: 'invalid', content: 'not json at all' });
    const before = llm.requests.length;
    const policyFile = join(dir, 'spam-policy.json');
    const out = await runRelayCli(['eval', '--set', 'comments', '--comments', commentsFile, '--json', '--policy-out', policyFile], env());
    assert.equal(out.code, 0, out.stderr);
    const report = JSON.parse(out.stdout) as EvalReport;
    const comments = report.comments!;
    assert.equal(report.model, 'eval-model');
    assert.deepEqual(report.prompts, [COMMENT_PROMPT, LEAD_PROMPT, SUMMARY_PROMPT].map(promptId));
    assert.deepEqual([comments.items, comments.schemaValid, comments.invalid, comments.errors], [7, 6, 1, 0]);
    assert.deepEqual(comments.classification.confusion, {
      spam: { spam: 1, toxic: 0, question: 0, ok: 1, invalid: 1 },
      toxic: { spam: 0, toxic: 1, question: 0, ok: 0, invalid: 0 },
      question: { spam: 0, toxic: 0, question: 1, ok: 0, invalid: 0 },
      ok: { spam: 1, toxic: 0, question: 0, ok: 1, invalid: 0 },
    });
    const { spam, ok } = comments.classification.perLabel;
    assert.deepEqual([spam.precision, spam.recall, ok.precision, ok.recall], [0.5, 1 / 3, 0.5, 0.5]);
    // The stand-in reports 10 prompt + 10 completion tokens per answer; the off-schema answer's are not counted.
    assert.deepEqual(comments.tokens, { prompt: 60, completion: 60, total: 120, perItem: 20 });
    assert.deepEqual(comments.policy, {
      model: 'eval-model',
      prompt: promptId(COMMENT_PROMPT),
      set: commentsFile,
      spamPrecision: 0.5,
      labelledSpam: 2,
      legitimateLabelledSpam: ['c6'],
      // The default policy never moves a comment to Spam by itself (MODERATION_AUTO_SPAM is off).
      legitimateMovedToSpam: [],
    });
    assert.deepEqual(comments.injection, { items: 1, labelledAsExpected: 1 });
    const written = JSON.parse(readFileSync(policyFile, 'utf8')) as Record<string, unknown>;
    assert.deepEqual({ ...written, measuredAt: undefined }, { ...comments.policy, comments: 7, measuredAt: undefined });
    assert.ok(!Number.isNaN(Date.parse(String(written.measuredAt))));
    const sent = llm.requests.slice(before);
    assert.equal(sent.length, 7, 'one request per comment');
    assert.ok(sent.every((r) => r.model === 'eval-model' && r.response_format?.json_schema?.name === 'comment_verdict'));
    assert.match(sent[4]!.messages.at(-1)!.content, /How do I set the timeout\?/);
  });

  it('prints the report as text with the settings for the policy, and runs the shipped leads and posts', async () => {
    const out = await runRelayCli(['eval', '--comments', commentsFile, '--limit', '3'], env());
    assert.equal(out.code, 0, out.stderr);
    assert.match(out.stdout, /^relay eval: model eval-model, prompts comment_verdict@\d+ lead_score@\d+ post_summary@\d+$/m);
    assert.match(out.stdout, /^comments \(3 items, .*comments\.jsonl\)$/m);
    assert.match(out.stdout, /^leads \(3 items, .*leads\.jsonl\): intent$/m);
    assert.match(out.stdout, /^ {2}schema-valid 3\/3 \(100\.0%\), off-schema 0, no answer 0$/m);
    // The stand-in answers every lead "quote"; the first three shipped leads are a purchase, a quote and a demo.
    assert.match(out.stdout, /^ {2}quote +0\.333 +1\.000 +1$/m);
    assert.match(out.stdout, /^ {2}tokens per item 20\.0 \(total 60: prompt 30, completion 30\)$/m);
    assert.match(out.stdout, /^posts \(3 items, .*posts\.jsonl\): summaries$/m);
    assert.match(out.stdout, /no markdown 3\/3, within the word bound 3\/3/);
    // c1 and c2 are spam and answered spam, c3 is spam answered ok.
    assert.match(out.stdout, /^ {2}spam precision 1\.000 \(2 of 2 labelled spam are spam\)$/m);
    assert.match(out.stdout, /^ {2}for the moderation policy: MODERATION_SPAM_PRECISION=1\.000 MODERATION_SPAM_PRECISION_MODEL=eval-model$/m);
  });

  it('exits 1 and says so when no item gets an answer', async () => {
    llm.setDefault({ kind: 'status', status: 401, message: 'invalid api key' });
    try {
      const out = await runRelayCli(['eval', '--set', 'comments', '--comments', commentsFile, '--limit', '2'], env());
      assert.equal(out.code, 1);
      assert.match(out.stdout, /schema-valid 0\/2 \(0\.0%\), off-schema 0, no answer 2/);
      assert.match(out.stderr, /no item got an answer from http:\/\/127\.0\.0\.1:\d+\/v1: LLM at http:\/\/127\.0\.0\.1:\d+ \(OPENAI_BASE_URL\) answered HTTP 401/);
    } finally {
      llm.setDefault({ kind: 'summary' });
    }
  });

  it('refuses a set file with a bad line before calling the model', async () => {
    const bad = join(dir, 'bad.jsonl');
    writeFileSync(bad, `${JSON.stringify(COMMENTS[0])}\n${JSON.stringify({ ...COMMENTS[1], label: 'rude' })}\n`);
    const before = llm.requests.length;
    const out = await runRelayCli(['eval', '--set', 'comments', '--comments', bad], env());
    assert.equal(out.code, 2);
    assert.match(out.stderr, /bad\.jsonl:2: not a comments item/);
    assert.equal(llm.requests.length, before);
  });
});
