// The worker's single workflowsPath. Only deterministic workflow code may be reachable from here.
export { enrichPost, type EnrichPostResult } from './enrich-post';
export { enrichLead, type EnrichLeadResult } from './enrich-lead';
