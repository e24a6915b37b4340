import type { AutomationSettings, BacklogPage } from './batch';
import type {
  ApplyVerdictInput,
  ApplyVerdictResult,
  ClassifiedComment,
  ClassifyCommentInput,
  CommentForModeration,
} from './comment-moderation';
import type { CrmAnswer, DeliverLeadInput, LeadForm, LeadScore, NormalizedLead } from './leads';
import type { LlmCall } from './llm-call';
import type { PostForSummary, SummarizeInput, SummaryResult, WriteSummaryInput } from './post-summary';
import type { CheckTokenBudgetInput, RecordTokenSpendInput, TokenBudgetCheck } from './token-budget';
import type { SiteTarget } from './wordpress-sites';

/**
 * Every activity as the workflows call it. activities/ implements it (createActivities returns exactly this), so
 * workflows proxy activities without importing the code that does I/O, and a signature changed on either side
 * fails typecheck on both.
 */
export interface Activities {
  fetchPost(postId: number, restBase?: string, site?: string): Promise<PostForSummary>;
  writeSummary(input: WriteSummaryInput): Promise<void>;
  // llm: what the call cost (activities always report it; absent from results recorded before it was kept).
  summarizePost(input: SummarizeInput): Promise<SummaryResult>;
  listSummaryBacklog(input: { after: number; perPage: number } & SiteTarget): Promise<BacklogPage>;
  readAutomationSettings(): Promise<AutomationSettings>;
  fetchComment(commentId: number, site?: string): Promise<CommentForModeration | null>;
  classifyComment(input: ClassifyCommentInput): Promise<ClassifiedComment>;
  applyCommentVerdict(input: ApplyVerdictInput): Promise<ApplyVerdictResult>;
  normalizeLead(lead: LeadForm): Promise<NormalizedLead>;
  scoreLead(lead: NormalizedLead): Promise<LeadScore & { readonly llm?: LlmCall }>;
  deliverLead(input: DeliverLeadInput): Promise<CrmAnswer>;
  checkTokenBudget(input: CheckTokenBudgetInput): Promise<TokenBudgetCheck>;
  recordTokenSpend(input: RecordTokenSpendInput): Promise<{ spent: number }>;
}
