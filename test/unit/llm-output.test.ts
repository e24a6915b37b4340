import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { degenerateField, repetitionIn } from '../../activities/degenerate-output';
import { invalidLlmOutput, MAX_INVALID_OUTPUT_ATTEMPTS } from '../../activities/failures';
import { labelConfidence } from '../../activities/label-confidence';
import { summarySchema } from '../../contract/post-summary';

/** Tokens as llama.cpp's server and OpenAI return them in `choices[0].logprobs.content`. */
const tokens = (...pairs: [string, number][]) => pairs.map(([token, logprob]) => ({ token, logprob }));

describe('label confidence from log-probabilities', () => {
  it('is the probability of the label\'s own tokens, whatever the JSON around them cost', () => {
    const answer = tokens(['{"', -0.01], ['label', -0.02], ['":"', -0.01], ['sp', Math.log(0.8)], ['am', Math.log(0.5)], ['","', -3], ['reason', -0.1]);
    assert.equal(labelConfidence(answer, 'spam')?.toFixed(6), (0.8 * 0.5).toFixed(6));
  });

  it('counts a token that carries the label with punctuation around it, and no token after the label', () => {
    const answer = tokens(['{"label', 0], ['":', 0], [' "question', Math.log(0.3)], ['",', Math.log(0.9)], ['"reason":"x"}', 0]);
    assert.equal(labelConfidence(answer, 'question')?.toFixed(6), (0.3).toFixed(6));
  });

  it('is unknown (null) without tokens, or when the tokens do not spell the parsed label', () => {
    assert.equal(labelConfidence(null, 'ok'), null);
    assert.equal(labelConfidence([], 'ok'), null);
    assert.equal(labelConfidence(tokens(['{"label":"ok"}', 0]), 'spam'), null);
    assert.equal(labelConfidence(tokens(['{"reason":"fine"}', 0]), 'ok'), null);
  });
});

describe('degenerate answers', () => {
  it('finds a sentence repeated, as a 135M model wrote instead of a 60-word summary', () => {
    const looped = 'The post explains how retries work in Temporal. '.repeat(5);
    assert.match(repetitionIn(looped) ?? '', /the sentence "The post explains how retries work in Temporal\." is repeated/);
  });

  it('finds the same words over and over when a length limit cut the sentence off', () => {
    assert.match(repetitionIn('retries and timeouts and retries and timeouts and retries and timeouts and retries and') ?? '', /repeated 3 times/);
  });

  it('lets an ordinary summary, a short reason and a short repeated phrase through', () => {
    assert.equal(repetitionIn('Temporal retries an activity until it succeeds. Timeouts bound each attempt, and a failed run can be reset.'), undefined);
    assert.equal(repetitionIn('Asks how to set the timeout.'), undefined);
    assert.equal(repetitionIn('Yes. Yes. Thank you!'), undefined);
  });

  it('names the field of a structured answer that is degenerate', () => {
    assert.match(degenerateField({ intent: 'quote', summary: 'We need a quote now. We need a quote now.' }) ?? '', /^summary: the sentence/);
    assert.equal(degenerateField({ label: 'ok', reason: 'A friendly remark on the post.' }), undefined);
  });
});

describe('bounded output', () => {
  it('holds a 60-word summary and refuses the 1 200 characters a looping model wrote', () => {
    const sixtyWords = Array.from({ length: 60 }, (_, i) => `word${i}`).join(' ');
    const description = 'How retries work.';
    assert.equal(summarySchema.safeParse({ summary: sixtyWords, description }).success, true);
    assert.equal(summarySchema.safeParse({ summary: 'x'.repeat(1200), description }).success, false);
  });

  it('retries an unusable answer, then fails naming the model and what to do', () => {
    const first = invalidLlmOutput('degenerate post_summary', 1, 'SmolLM2-135M-Instruct');
    assert.deepEqual([first.type, first.nonRetryable], ['InvalidLlmOutput', false]);
    const last = invalidLlmOutput('degenerate post_summary', MAX_INVALID_OUTPUT_ATTEMPTS, 'SmolLM2-135M-Instruct');
    assert.equal(last.nonRetryable, true);
    assert.match(last.message, /^model SmolLM2-135M-Instruct gave an answer the step cannot use \(attempt 3 of 3\): degenerate post_summary; .*relay eval.*OPENAI_MODEL/);
  });
});
