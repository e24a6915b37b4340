import type { Classification } from './metrics';
import type { EvalReport, SetFigures } from './report';

const fixed = (value: number | null, digits = 3) => (value === null ? '-' : value.toFixed(digits));
const percent = (share: number) => `${(share * 100).toFixed(1)}%`;

function figuresLines(f: SetFigures): string[] {
  return [
    `  schema-valid ${f.schemaValid}/${f.items} (${percent(f.schemaValidShare)}), off-schema ${f.invalid}, no answer ${f.errors}`,
    `  tokens per item ${fixed(f.tokens.perItem, 1)} (total ${f.tokens.total}: prompt ${f.tokens.prompt}, completion ${f.tokens.completion})`,
    `  latency per item mean ${f.latencyMs.mean ?? '-'} ms, p50 ${f.latencyMs.p50 ?? '-'} ms, p95 ${f.latencyMs.p95 ?? '-'} ms, max ${f.latencyMs.max ?? '-'} ms`,
  ];
}

function classificationLines<L extends string>(c: Classification<L>): string[] {
  const width = Math.max(8, ...c.labels.map((l) => l.length));
  const columns = [...c.labels, 'invalid' as const];
  const cell = (text: string | number, w: number) => String(text).padStart(w);
  return [
    `  ${'label'.padEnd(width)} ${cell('precision', 9)} ${cell('recall', 7)} ${cell('support', 7)}`,
    ...c.labels.map((l) => {
      const f = c.perLabel[l];
      return `  ${l.padEnd(width)} ${cell(fixed(f.precision), 9)} ${cell(fixed(f.recall), 7)} ${cell(f.support, 7)}`;
    }),
    `  accuracy ${fixed(c.accuracy)}`,
    `  confusion (rows: expected, columns: answered)`,
    `  ${''.padEnd(width)} ${columns.map((l) => cell(l, Math.max(l.length, 4))).join(' ')}`,
    ...c.labels.map((expected) => `  ${expected.padEnd(width)} ${columns.map((l) => cell(c.confusion[expected][l], Math.max(l.length, 4))).join(' ')}`),
  ];
}

/**
 * The settings the moderation policy reads (src/config/config.ts). The precision is rounded down, so the figure set never
 * claims more than was measured (0.9796 is 0.979, not 0.980).
 */
export function spamPolicySettings(precision: number, model: string): string {
  return `MODERATION_SPAM_PRECISION=${(Math.floor(precision * 1000) / 1000).toFixed(3)} MODERATION_SPAM_PRECISION_MODEL=${model}`;
}

const ids = (list: readonly string[]) => (list.length === 0 ? 'none' : list.join(', '));

/** The report as people read it; `--json` prints the EvalReport itself. */
export function formatReport(report: EvalReport, sources: Partial<Record<'comments' | 'leads' | 'posts', string>>): string {
  const lines = [`relay eval: model ${report.model}, prompts ${report.prompts.join(' ')}`];
  const { comments, leads, posts } = report;
  if (comments) {
    lines.push('', `comments (${comments.items} items, ${sources.comments})`, ...figuresLines(comments), ...classificationLines(comments.classification));
    lines.push(`  prompt-injection attempts labelled as expected: ${comments.injection.labelledAsExpected}/${comments.injection.items}`);
    const p = comments.policy;
    lines.push(
      `  spam precision ${fixed(p.spamPrecision)} (${comments.classification.perLabel.spam.truePositives} of ${p.labelledSpam} labelled spam are spam)`,
      `  legitimate comments labelled spam: ${ids(p.legitimateLabelledSpam)}`,
      `  legitimate comments the configured policy would move to Spam: ${ids(p.legitimateMovedToSpam)}`,
      p.spamPrecision === null
        ? '  no comment was labelled spam: no spam precision to set'
        : `  for the moderation policy: ${spamPolicySettings(p.spamPrecision, p.model)}`,
    );
  }
  if (leads) {
    lines.push('', `leads (${leads.items} items, ${sources.leads}): intent`, ...figuresLines(leads), ...classificationLines(leads.classification));
  }
  if (posts) {
    const valid = posts.schemaValid;
    lines.push(
      '',
      `posts (${posts.items} items, ${sources.posts}): summaries`,
      ...figuresLines(posts),
      `  language kept ${posts.checks.languageKept}/${valid}, no markdown ${posts.checks.noMarkdown}/${valid}, within the word bound ${posts.checks.withinLength}/${valid}, mean ${fixed(posts.checks.meanWords, 1)} words`,
    );
  }
  return lines.join('\n');
}
