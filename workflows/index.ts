// The worker's single workflowsPath. Only deterministic workflow code may be reachable from here.
export { enrichPost, type EnrichPostResult } from './enrich-post';
export { moderateComment, type ModerateCommentResult } from './moderate-comment';
export { enrichLead, type EnrichLeadResult } from './enrich-lead';
export { batchEnrich, type BatchProgress, type BatchState } from './batch-enrich';
export { debouncePostUpdates, type DebounceStatus } from './debounce-post-updates';
export { scheduledBatch, type ScheduledBatchInput } from './scheduled-batch';
export { tokenBudget } from './token-budget';
