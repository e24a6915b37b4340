import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { leadScoreSchema } from '../../contract/leads';
import { COMMENT_LABELS } from '../../contract/moderation-policy';

/** ISO 639-1 code of the item's language, as the summary check's detector names it. */
const language = z.string().regex(/^[a-z]{2}$/, 'an ISO 639-1 code such as en or de');
const id = z.string().regex(/^[A-Za-z0-9._-]{1,40}$/);

export const commentItemSchema = z.strictObject({
  id,
  lang: language,
  label: z.enum(COMMENT_LABELS),
  author: z.string().max(100).default(''),
  authorUrl: z.string().max(300).default(''),
  isReply: z.boolean().default(false),
  content: z.string().min(1).max(5000),
  /** What makes the item interesting: `injection`, `hard`, `link`, `hate`, `threat`, `rhetorical`. */
  tags: z.array(z.string()).default([]),
});
export type CommentItem = z.output<typeof commentItemSchema>;

export const LEAD_INTENTS = leadScoreSchema.shape.intent.options;
export type LeadIntent = (typeof LEAD_INTENTS)[number];

export const leadItemSchema = z.strictObject({
  id,
  lang: language,
  intent: z.enum(LEAD_INTENTS),
  /** The form the lead came through, as the plugin sends it. */
  source: z.string().max(100).optional(),
  /** The form's fields, as lead.submitted carries them. */
  fields: z.record(z.string(), z.string().max(5000)),
});
export type LeadItem = z.output<typeof leadItemSchema>;

export const postItemSchema = z.strictObject({
  id,
  lang: language,
  title: z.string().min(1).max(300),
  content: z.string().min(1).max(20_000),
  /** The summary prompt's bound. */
  maxWords: z.number().int().min(1).default(60),
});
export type PostItem = z.output<typeof postItemSchema>;

export const EVAL_SETS = { comments: commentItemSchema, leads: leadItemSchema, posts: postItemSchema } as const;
export type EvalSetName = keyof typeof EVAL_SETS;
export type EvalItem<N extends EvalSetName> = z.output<(typeof EVAL_SETS)[N]>;

/** The sets the project ships, written for it (src/eval/sets/*.jsonl). */
export function shippedSetPath(name: EvalSetName): string {
  return join(__dirname, 'sets', `${name}.jsonl`);
}

/** A set file that does not parse: which line, and what is wrong with it. */
export class EvalSetError extends Error {
  override readonly name = 'EvalSetError';
}

/** Reads a JSONL set (one item per line, blank lines skipped), every line checked; ids must be unique. */
export function parseSet<N extends EvalSetName>(name: N, text: string, source: string): EvalItem<N>[] {
  const schema = EVAL_SETS[name];
  const items: EvalItem<N>[] = [];
  const seen = new Set<string>();
  text.split('\n').forEach((line, index) => {
    if (line.trim() === '') return;
    const where = `${source}:${index + 1}`;
    let json: unknown;
    try {
      json = JSON.parse(line);
    } catch (error) {
      throw new EvalSetError(`${where}: not JSON (${(error as Error).message})`);
    }
    const parsed = schema.safeParse(json);
    if (!parsed.success) throw new EvalSetError(`${where}: not a ${name} item: ${z.prettifyError(parsed.error)}`);
    const item = parsed.data as EvalItem<N>;
    if (seen.has(item.id)) throw new EvalSetError(`${where}: id ${item.id} appears twice`);
    seen.add(item.id);
    items.push(item);
  });
  if (items.length === 0) throw new EvalSetError(`${source}: no items`);
  return items;
}

export function readSet<N extends EvalSetName>(name: N, path = shippedSetPath(name)): EvalItem<N>[] {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new EvalSetError(`cannot read the ${name} set ${path}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
  }
  return parseSet(name, text, path);
}

/** The first `count` items: the shipped sets interleave their labels, so any prefix of four or more holds each. */
export function firstItems<T>(items: readonly T[], count: number | undefined): T[] {
  return count === undefined ? [...items] : items.slice(0, count);
}
