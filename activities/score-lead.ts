import type OpenAI from 'openai';
import { leadScoreSchema, type LeadScore, type NormalizedLead } from '../contract/leads';
import { completeStructured } from './structured-output';

const SYSTEM_PROMPT =
  'You triage leads sent through a website form for the sales team. Classify the intent, score the lead from 0 ' +
  '(spam or not a lead) to 100 (ready to buy), write a one-line summary of at most 25 words in the language of the ' +
  'message, and suggest the pipeline stage. A free-mail address is weaker evidence of a company, not of spam. ' +
  'Answer only with the JSON object of the given schema.';

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

export function createLeadScoringActivities(openai: () => OpenAI, model: string) {
  return {
    /** Intent, score, one-line summary and stage, checked by zod; the address itself is not sent, its domain is. */
    async scoreLead(lead: NormalizedLead): Promise<LeadScore> {
      return completeStructured(openai(), {
        model,
        system: SYSTEM_PROMPT,
        user: describeLead(lead),
        schema: leadScoreSchema,
        name: 'lead_score',
      });
    },
  };
}
