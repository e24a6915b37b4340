import type { LeadSubmitted } from './events';
import type { LlmCall } from './llm-call';
import { z } from 'zod';

/** The lead as the form sent it (fields sanitised by the event's schema): what normalizeLead reads. */
export const leadFormSchema = z.object({
  leadId: z.string().min(1),
  site: z.string().min(1),
  submittedAt: z.string(),
  source: z.string().optional(),
  fields: z.record(z.string(), z.string()),
});
export type LeadForm = z.infer<typeof leadFormSchema>;

/**
 * enrichLead's own input: the form and the event's key, from which the CRM's key is derived. The form is personal
 * data the run needs (it is what gets scored and delivered), so it stays in the input, encrypted by the codec.
 */
export const enrichLeadInputSchema = z.object({
  eventKey: z.string().min(1),
  lead: leadFormSchema,
});
export type EnrichLeadInput = z.infer<typeof enrichLeadInputSchema>;

/** The form of a lead.submitted event. */
export function leadFormOf(event: LeadSubmitted): LeadForm {
  return {
    leadId: event.lead_id,
    site: event.site,
    submittedAt: event.submitted_at,
    ...(event.source === undefined ? {} : { source: event.source }),
    fields: event.fields,
  };
}

/** The input the event table gives enrichLead for a lead.submitted event. */
export function enrichLeadInputOf(event: LeadSubmitted): EnrichLeadInput {
  return { eventKey: event.idempotency_key, lead: leadFormOf(event) };
}

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
