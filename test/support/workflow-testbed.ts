import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Client, WorkflowHandle } from '@temporalio/client';
import type { QueryDefinition } from '@temporalio/common';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { Worker } from '@temporalio/worker';
import type { Activities } from '../../contract/activities';
import { installRuntime } from '../../src/temporal/runtime';
import { startTimeSkipping } from './time-skipping';
import { workflowBundle } from './workflow-bundle';

/** Stand-ins for the activities a test's workflows call; any other activity fails the run as unregistered. */
export type MockActivities = Partial<Activities>;

/**
 * The relay's workflows on Temporal's time-skipping test server with stand-in activities (the pattern of
 * temporalio/samples-typescript): one server and one bundle per test file, a task queue of its own per test.
 * Time skips while a test awaits a run's result, so backoffs and quiet periods of hours take milliseconds.
 */
export interface WorkflowTestbed {
  readonly env: TestWorkflowEnvironment;
  readonly client: Client;
  /** Runs `body` while a worker polls a fresh task queue with `activities`; the worker stops when it settles. */
  withWorker<T>(activities: MockActivities, body: (taskQueue: string) => Promise<T>): Promise<T>;
  teardown(): Promise<void>;
}

let runtimeInstalled = false;

export async function startWorkflowTestbed(): Promise<WorkflowTestbed> {
  if (!runtimeInstalled) installRuntime('ERROR'); // the workflows' own log lines stay out of the test output
  runtimeInstalled = true;
  const [server, bundle] = await Promise.allSettled([startTimeSkipping(), workflowBundle()]);
  if (server.status === 'rejected' || bundle.status === 'rejected') {
    if (server.status === 'fulfilled') await server.value.stop();
    throw server.status === 'rejected' ? server.reason : (bundle as PromiseRejectedResult).reason;
  }
  const { env } = server.value;
  return {
    env,
    client: env.client,
    async withWorker(activities, body) {
      const taskQueue = `unit-${randomUUID()}`;
      const worker = await Worker.create({
        connection: env.nativeConnection,
        taskQueue,
        workflowBundle: bundle.value,
        activities,
        // The workflows run in this thread's sandbox rather than a worker thread that loads the bundle again: a
        // worker then starts in a tenth of the time, which is most of a test's.
        debugMode: true,
      });
      return worker.runUntil(body(taskQueue));
    },
    teardown: () => server.value.stop(),
  };
}

/** Asks a run `query` until its answer passes `done`: waits for the state a test means, however long it takes. */
export async function queryUntil<T>(handle: WorkflowHandle, query: QueryDefinition<T>, done: (answer: T) => boolean): Promise<T> {
  for (;;) {
    const answer = await handle.query(query);
    if (done(answer)) return answer;
    await sleep(20);
  }
}
