import type OpenAI from 'openai';
import { leadScoreSchema, type LeadScore, type NormalizedLead } from '../contract/leads';
import type { LlmCall, VersionedPrompt } from './llm-call';
import type { ActivitySettings } from './settings';
import { completeStructured } from './structured-output';

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

export function createLeadScoringActivities(openai: () => OpenAI, llm: ActivitySettings['openai']) {
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
