import type { Client } from '@temporalio/client';
import type { temporal } from '@temporalio/proto';

/** What a parent's history says about its children and the signals it got, in the order Temporal recorded it. */
export type ParentEvent =
  | { readonly kind: 'child-started'; readonly workflowId: string }
  | { readonly kind: 'child-closed'; readonly workflowId: string }
  | { readonly kind: 'signal'; readonly name: string }
  | { readonly kind: 'continued-as-new' };

/**
 * The parent events of every run of `workflowId` from `firstRunId` on, following continue-as-new: one list per run.
 * A history is what happened, whatever the machine's speed, so assertions on it hold no timing.
 */
export async function parentEventsByRun(client: Client, workflowId: string, firstRunId: string): Promise<ParentEvent[][]> {
  const runs: ParentEvent[][] = [];
  let runId: string | undefined = firstRunId;
  while (runId !== undefined) {
    const history: temporal.api.history.v1.IHistory = await client.workflow.getHandle(workflowId, runId).fetchHistory();
    const run: ParentEvent[] = [];
    runId = undefined;
    for (const event of history.events ?? []) {
      const initiated = event.startChildWorkflowExecutionInitiatedEventAttributes;
      if (initiated) run.push({ kind: 'child-started', workflowId: initiated.workflowId ?? '' });
      const refused = event.startChildWorkflowExecutionFailedEventAttributes;
      if (refused) run.push({ kind: 'child-closed', workflowId: refused.workflowId ?? '' });
      const closed =
        event.childWorkflowExecutionCompletedEventAttributes ??
        event.childWorkflowExecutionFailedEventAttributes ??
        event.childWorkflowExecutionCanceledEventAttributes ??
        event.childWorkflowExecutionTimedOutEventAttributes ??
        event.childWorkflowExecutionTerminatedEventAttributes;
      if (closed) run.push({ kind: 'child-closed', workflowId: closed.workflowExecution?.workflowId ?? '' });
      const signal = event.workflowExecutionSignaledEventAttributes;
      if (signal) run.push({ kind: 'signal', name: signal.signalName ?? '' });
      const next: temporal.api.history.v1.IWorkflowExecutionContinuedAsNewEventAttributes | null | undefined =
        event.workflowExecutionContinuedAsNewEventAttributes;
      if (next) {
        run.push({ kind: 'continued-as-new' });
        runId = next.newExecutionRunId ?? undefined;
      }
    }
    runs.push(run);
  }
  return runs;
}

/** The most children a run had started and not yet seen close, at any point of its history. */
export function mostChildrenInFlight(run: readonly ParentEvent[]): number {
  let inFlight = 0;
  let most = 0;
  for (const event of run) {
    if (event.kind === 'child-started') most = Math.max(most, ++inFlight);
    if (event.kind === 'child-closed') inFlight -= 1;
  }
  return most;
}

/** Children started after the signal `from` and before the signal `to` (or the run's end). */
export function childrenStartedBetween(run: readonly ParentEvent[], from: string, to?: string): string[] {
  const start = run.findIndex((e) => e.kind === 'signal' && e.name === from);
  if (start < 0) throw new Error(`no ${from} signal in the run's history`);
  const end = to === undefined ? run.length : run.findIndex((e, i) => i > start && e.kind === 'signal' && e.name === to);
  if (end < 0) throw new Error(`no ${to} signal after ${from} in the run's history`);
  return run.slice(start, end).flatMap((e) => (e.kind === 'child-started' ? [e.workflowId] : []));
}
