import type { LlmCall } from './llm-call';
import { z } from 'zod';

export const normalizedLeadSchema = z.object({
  leadId: z.string(),
  site: z.string(),
  submittedAt: z.string(),
  source: z.string().nullable(),
  /** Lower-cased; null when the form sent no valid address. */
  email: z.string().nullable(),
  domain: z.string().nullable(),
  freeMail: z.boolean(),
  name: z.string().nullable(),
  company: z.string().nullable(),
  message: z.string().nullable(),
  otherFields: z.record(z.string(), z.string()),
});
export type NormalizedLead = z.infer<typeof normalizedLeadSchema>;

export const leadScoreSchema = z.object({
  intent: z.enum(['purchase', 'quote', 'demo', 'support', 'partnership', 'job', 'spam', 'other']),
  /** 0 = not a lead at all, 100 = ready to buy. */
  score: z.number().int().min(0).max(100),
  summary: z.string().min(1).max(200),
  stage: z.enum(['new', 'qualified', 'nurture', 'support', 'disqualified']),
});
export type LeadScore = z.infer<typeof leadScoreSchema>;

export interface DeliverLeadInput {
  /** Derived from the event's key by the workflow, so every attempt and every reset sends the same one. */
  readonly idempotencyKey: string;
  readonly lead: NormalizedLead;
  readonly score: LeadScore;
  /** "<workflowId>/<runId>" of the run that scored the lead. */
  readonly run: string;
}

export type CrmAnswer = { readonly outcome: 'delivered' | 'already_delivered'; readonly status: number };

export interface EnrichLeadResult {
  readonly outcome: 'delivered' | 'already_delivered';
  readonly leadId: string;
  readonly idempotencyKey: string;
  readonly score: number;
  readonly intent: string;
  readonly stage: string;
  /** The prompt version and tokens of the score; absent from runs recorded before they were kept. */
  readonly llm?: LlmCall;
}

/** The CRM's Idempotency-Key: the event's key, so attempts, re-sent events and resets all name one record. */
export function crmIdempotencyKey(eventKey: string): string {
  return `crm:${eventKey}`;
}
