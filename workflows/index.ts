// The worker's single workflowsPath. Only deterministic workflow code may be reachable from here; what callers
// share with the workflows (inputs, results, signals, queries, updates) lives in contract/.
export { enrichPost } from './enrich-post';
export { moderateComment } from './moderate-comment';
export { enrichLead } from './enrich-lead';
export { batchEnrich } from './batch-enrich';
export { debouncePostUpdates } from './debounce-post-updates';
export { scheduledBatch } from './scheduled-batch';
export { tokenBudget } from './token-budget';
