import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { describe, it } from 'node:test';
import { COMMENT_PROMPT } from '../../activities/classify-comment';
import { promptId } from '../../activities/llm-call';
import { LEAD_PROMPT } from '../../activities/score-lead';
import { SUMMARY_PROMPT } from '../../activities/summarize';

/**
 * Each prompt's text as of its version. A run's result names the prompt version that made it, so a changed text
 * under an old version would make results lie: change the text, bump the version, and record the new digest here.
 */
const DIGESTS: Record<string, string> = {
  'comment_verdict@1': '1f84336888e4bdbb',
  'comment_verdict@2': '5dd84609a7cf7643',
  'lead_score@1': '0cc118d3a5df4141',
  'post_summary@1': 'da899106f141a669',
  // Version 2 changed the schema (600 characters) and the token limit, not the text.
  'post_summary@2': 'da899106f141a669',
  // Version 3 asks for the SEO meta description in the same answer.
  'post_summary@3': 'c9db4da7b1b1abf9',
};

describe('prompt versions', () => {
  for (const prompt of [COMMENT_PROMPT, LEAD_PROMPT, SUMMARY_PROMPT]) {
    it(`${prompt.name}: the text is the one its version ${prompt.version} names`, () => {
      const digest = createHash('sha256').update(prompt.system).digest('hex').slice(0, 16);
      const recorded = DIGESTS[promptId(prompt)];
      assert.ok(recorded !== undefined, `record '${promptId(prompt)}': '${digest}' here`);
      assert.equal(digest, recorded, `${prompt.name}'s text changed: bump its version and record ${promptId({ ...prompt, version: prompt.version + 1 })}: '${digest}'`);
    });
  }
});
