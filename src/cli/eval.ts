import { writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { createActivities, createOpenAI } from '../../activities';
import { COMMENT_PROMPT } from '../../activities/classify-comment';
import { promptId } from '../../activities/llm-call';
import { LEAD_PROMPT } from '../../activities/score-lead';
import { SUMMARY_PROMPT } from '../../activities/summarize';
import { MissingConfigError } from '../../activities/failures';
import { loadConfig } from '../config/config';
import { activitySettings } from '../temporal/worker';
import { formatReport } from '../eval/format-report';
import { commentsReport, leadsReport, postsReport, type EvalReport, type MeasuredSpamPolicy } from '../eval/report';
import { evalComments, evalLeads, evalPosts, type ItemResult } from '../eval/run-eval';
import { EVAL_SETS, EvalSetError, firstItems, readSet, shippedSetPath, type EvalSetName } from '../eval/sets';
import { positiveInteger, refuseArguments } from './arguments';
import { CliError, UsageError } from './errors';

export const usage =
  'wp-ai-relay eval [--set comments,leads,posts] [--limit N] [--comments FILE] [--leads FILE] [--posts FILE] [--json] [--policy-out FILE]';

const SET_NAMES = Object.keys(EVAL_SETS) as EvalSetName[];

/** The longest eval waits for one answer. */
const EVAL_ANSWER_TIMEOUT_MS = 10 * 60_000;

/**
 * Runs labelled sets through the configured model (OPENAI_BASE_URL, OPENAI_MODEL, OPENAI_API_KEY) with the very
 * activity functions the worker runs, one item at a time, and reports per-label precision and recall, the confusion
 * matrix, the share of schema-valid answers, tokens and latency per item. Exit 0 when it reported; 1 when no item
 * got an answer at all (server unreachable or refusing), since its figures would then mean nothing.
 */
export async function run(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      set: { type: 'string', default: SET_NAMES.join(',') },
      limit: { type: 'string' },
      comments: { type: 'string' },
      leads: { type: 'string' },
      posts: { type: 'string' },
      json: { type: 'boolean', default: false },
      'policy-out': { type: 'string' },
    },
  });
  refuseArguments(positionals, usage);
  const sets = values.set.split(',').map((s) => s.trim());
  const unknown = sets.find((s) => !(SET_NAMES as string[]).includes(s));
  if (unknown !== undefined) throw new UsageError(`unknown set "${unknown}"; the sets are ${SET_NAMES.join(', ')}`, usage);
  const limit = values.limit === undefined ? undefined : positiveInteger(values.limit, '--limit', usage);
  if (values['policy-out'] !== undefined && !sets.includes('comments')) throw new UsageError('--policy-out needs the comments set', usage);

  const config = loadConfig();
  let openai;
  try {
    // The worker's per-attempt timeout (OPENAI_TIMEOUT_MS) is a retry budget; eval measures the model, one attempt
    // per item, so it waits for each answer as long as the model takes (its latency is in the report).
    openai = createOpenAI({ ...config.openai, timeoutMs: EVAL_ANSWER_TIMEOUT_MS });
  } catch (error) {
    if (error instanceof MissingConfigError) {
      throw new CliError(`${error.message.replace(/, then reset the run$/, '')} (a local server that needs no key accepts any value)`, 2);
    }
    throw error;
  }
  const sources = Object.fromEntries(sets.map((name) => [name, values[name as EvalSetName] ?? shippedSetPath(name as EvalSetName)]));
  let loaded;
  try {
    loaded = {
      comments: sets.includes('comments') ? firstItems(readSet('comments', sources.comments), limit) : undefined,
      leads: sets.includes('leads') ? firstItems(readSet('leads', sources.leads), limit) : undefined,
      posts: sets.includes('posts') ? firstItems(readSet('posts', sources.posts), limit) : undefined,
    };
  } catch (error) {
    if (error instanceof EvalSetError) throw new CliError(error.message, 2);
    throw error;
  }

  const activities = createActivities({ settings: activitySettings(config), openai });
  const progress = (set: string, done: number, total: number) => {
    if (done % 10 === 0 || done === total) process.stderr.write(`${set} ${done}/${total}\n`);
  };
  const comments = loaded.comments && (await evalComments(activities, loaded.comments, progress));
  const leads = loaded.leads && (await evalLeads(activities, loaded.leads, progress));
  const posts = loaded.posts && (await evalPosts(activities, loaded.posts, progress));

  const model = config.openai.model;
  const report: EvalReport = {
    model,
    prompts: [COMMENT_PROMPT, LEAD_PROMPT, SUMMARY_PROMPT].map(promptId),
    ...(comments ? { comments: commentsReport(comments, { model, prompt: promptId(COMMENT_PROMPT), set: sources.comments! }) } : {}),
    ...(leads ? { leads: leadsReport(leads) } : {}),
    ...(posts ? { posts: postsReport(posts) } : {}),
    items: { ...(comments ? { comments } : {}), ...(leads ? { leads } : {}), ...(posts ? { posts } : {}) },
  };
  console.log(values.json ? JSON.stringify(report, null, 2) : formatReport(report, sources));
  if (values['policy-out'] !== undefined && report.comments) {
    // The spam figure alone, dated, for the moderation policy to read: what model, prompt and set it was measured on.
    const figure: MeasuredSpamPolicy = { ...report.comments.policy, comments: report.comments.items, measuredAt: new Date().toISOString() };
    writeFileSync(values['policy-out'], `${JSON.stringify(figure, null, 2)}\n`);
  }
  const all: ItemResult[] = [...(comments ?? []), ...(leads ?? []), ...(posts ?? [])];
  const unanswered = all.filter((r) => r.outcome === 'error');
  if (unanswered.length === all.length) {
    console.error(`wp-ai-relay: no item got an answer from ${config.openai.baseURL ?? 'the OpenAI API'}: ${unanswered[0]?.error ?? ''}`);
    return 1;
  }
  return 0;
}
