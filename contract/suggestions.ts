import { z } from 'zod';

/**
 * The automations a site may hold for an editor's review (its plugin's setting, sent with each event): their results
 * are written as suggestions, which an editor accepts or rejects in the editor's sidebar, instead of being published.
 */
export const SUGGESTABLE = ['summary', 'description'] as const;

export const suggestSchema = z
  .array(z.enum(SUGGESTABLE))
  .max(SUGGESTABLE.length)
  .refine((names) => new Set(names).size === names.length, 'names each automation once');
export type Suggest = z.infer<typeof suggestSchema>;

/** The `suggest` to pass on, from an event or input that may carry one: nothing when the site holds nothing for review. */
export function suggestOf(from: { readonly suggest?: Suggest | undefined }): { suggest?: Suggest } {
  return from.suggest?.length ? { suggest: from.suggest } : {};
}
