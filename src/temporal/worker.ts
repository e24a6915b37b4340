import { NativeConnection, Worker, type WorkerOptions } from '@temporalio/worker';
import type { PayloadCodec } from '@temporalio/common';
import { createActivities, type ActivityDeps } from '../../activities';
import type { ActivitySettings } from '../../activities/settings';
import { dataConverterOf, resolvePayloadCodec } from './data-converter';
import type { Config } from '../config/config';
import type { Logger } from '../logging/logger';
import type { Tracing } from '../tracing/start-tracing';
import { logActivityAttempts } from './activity-log';
import { heartbeatWhileRunning } from './activity-heartbeat';
import { temporalConnectionOptions } from './connection-options';

/** The single workflowsPath: the worker bundles workflows/ and nothing else. */
export const WORKFLOWS_PATH = require.resolve('../../workflows');

export interface RelayWorkerOptions {
  readonly config: Config;
  readonly address: string;
  /** Overrides for the activities' clients (tests point them at stand-ins). */
  readonly activityDeps?: Omit<ActivityDeps, 'settings'>;
  /** A prebuilt bundle (bundleWorkflowCode) so several workers in one process don't each run webpack. */
  readonly workflowBundle?: WorkerOptions['workflowBundle'];
  /** The payload codec; resolved from config (resolvePayloadCodec) when not given. */
  readonly codec?: PayloadCodec;
  /** Logs one line per activity attempt when given. */
  readonly logger?: Logger;
  /** Tracing's worker side (startTracing), when tracing is on. */
  readonly tracing?: Tracing['worker'];
}

export interface RelayWorker {
  readonly worker: Worker;
  readonly connection: NativeConnection;
}

/** The activities' part of the configuration (the worker's, and `relay eval`'s, which runs the same activities). */
export function activitySettings(config: Config): ActivitySettings {
  return { openai: config.openai, wordpress: config.wordpress, crm: config.crm, automation: config.automation, moderation: config.moderation };
}

export async function createRelayWorker(options: RelayWorkerOptions): Promise<RelayWorker> {
  const { config, tracing } = options;
  const connection = await NativeConnection.connect(temporalConnectionOptions(config, options.address));
  try {
    const worker = await Worker.create({
      connection,
      namespace: config.temporal.namespace,
      taskQueue: config.temporal.taskQueue,
      ...(options.workflowBundle ? { workflowBundle: options.workflowBundle } : { workflowsPath: WORKFLOWS_PATH }),
      // The activities get their part of the configuration here; they never read it themselves.
      activities: createActivities({
        settings: activitySettings(config),
        ...options.activityDeps,
      }),
      // The tracing interceptor comes first: it opens the attempt's span, inside which the others run and log.
      interceptors: {
        activity: [
          ...(tracing ? [tracing.activity] : []),
          heartbeatWhileRunning,
          ...(options.logger ? [logActivityAttempts(options.logger)] : []),
        ],
        ...(tracing ? { workflowModules: tracing.workflowModules } : {}),
      },
      ...(tracing ? { sinks: tracing.sinks } : {}),
      // SIGTERM: attempts in flight get this long to finish; then they are cancelled (their HTTP calls aborted)
      // and handed back to Temporal, which retries them on another worker at once rather than after a timeout.
      shutdownGraceTime: config.worker.shutdownGraceMs,
      dataConverter: dataConverterOf(options.codec ?? resolvePayloadCodec(config).codec),
      ...(config.worker.maxCachedWorkflows === undefined ? {} : { maxCachedWorkflows: config.worker.maxCachedWorkflows }),
    });
    return { worker, connection };
  } catch (error) {
    await connection.close();
    throw error;
  }
}
