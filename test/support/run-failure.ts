import assert from 'node:assert/strict';
import { ActivityFailure, ApplicationFailure, WorkflowFailedError, type WorkflowHandle } from '@temporalio/client';

/**
 * Waits for a run that must fail at an activity and checks the error chain Temporal reports for it
 * (WorkflowFailedError → ActivityFailure → ApplicationFailure); returns the activity failure and its cause.
 */
export async function activityFailureOf(handle: WorkflowHandle): Promise<{ activity: ActivityFailure; cause: ApplicationFailure }> {
  const error = await handle.result().then(
    () => assert.fail(`${handle.workflowId} should have failed`),
    (e: unknown) => e,
  );
  assert.ok(error instanceof WorkflowFailedError, String(error));
  assert.ok(error.cause instanceof ActivityFailure, String(error.cause));
  assert.ok(error.cause.cause instanceof ApplicationFailure, String(error.cause.cause));
  return { activity: error.cause, cause: error.cause.cause };
}
