import type OpenAI from 'openai';
import type { Config } from '../src/config';
import { z } from 'zod';
import type { NormalizedLead } from './normalize-lead';
import type { LlmCall, VersionedPrompt } from '../contract/llm-usage';
import { completeStructured } from './structured-output';

export const leadScoreSchema = z.object({
  intent: z.enum(['purchase', 'quote', 'demo', 'support', 'partnership', 'job', 'spam', 'other']),
  /** 0 = not a lead at all, 100 = ready to buy. */
  score: z.number().int().min(0).max(100),
  summary: z.string().min(1).max(200),
  stage: z.enum(['new', 'qualified', 'nurture', 'support', 'disqualified']),
});
export type LeadScore = z.infer<typeof leadScoreSchema>;

/** Four short fields in JSON: a 25-word summary is about 40 tokens, the rest about 30. */
const LEAD_MAX_TOKENS = 150;

export const LEAD_PROMPT: VersionedPrompt = {
  name: 'lead_score',
  version: 1,
  system:
    'You triage leads sent through a website form for the sales team. Classify the intent, score the lead from 0 ' +
    '(spam or not a lead) to 100 (ready to buy), write a one-line summary of at most 25 words in the language of the ' +
    'message, and suggest the pipeline stage. A free-mail address is weaker evidence of a company, not of spam. ' +
    'Answer only with the JSON object of the given schema.',
};

function describeLead(lead: NormalizedLead): string {
  const lines = [
    `E-mail domain: ${lead.domain ?? '(none)'}${lead.freeMail ? ' (free-mail provider)' : ''}`,
    `Name: ${lead.name ?? '(none)'}`,
    `Company: ${lead.company ?? '(none)'}`,
    `Form: ${lead.source ?? '(unknown)'}`,
    ...Object.entries(lead.otherFields).map(([key, value]) => `${key}: ${value}`),
    '',
    lead.message ?? '(no message)',
  ];
  return lines.join('\n');
}

export function createLeadScoringActivities(openai: () => OpenAI, llm: Config['openai']) {
  return {
    /** Intent, score, one-line summary and stage, checked by zod; the address itself is not sent, its domain is. */
    async scoreLead(lead: NormalizedLead): Promise<LeadScore & { readonly llm: LlmCall }> {
      const { value, llm: call } = await completeStructured(openai(), {
        model: llm.model,
        dialect: llm,
        maxTokens: LEAD_MAX_TOKENS,
        prompt: LEAD_PROMPT,
        user: describeLead(lead),
        schema: leadScoreSchema,
      });
      return { ...value, llm: call };
    },
  };
}
