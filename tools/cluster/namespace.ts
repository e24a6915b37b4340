import { status } from '@grpc/grpc-js';
import { Client, Connection, isGrpcServiceError } from '@temporalio/client';
import { msToTs } from '@temporalio/common/lib/time';
import { temporal } from '@temporalio/proto';
import { setTimeout as sleep } from 'node:timers/promises';
import { checkReadiness } from '../../src/temporal/readiness';
import { SEARCH_ATTRIBUTES } from '../../contract/search-attributes';

const { IndexedValueType } = temporal.api.enums.v1;

export interface NamespaceOptions {
  readonly namespace: string;
  /** Retention is the idempotency window: a key is refused for this long after its run closed. */
  readonly retentionDays: number;
}

function hasCode(error: unknown, code: status): boolean {
  return isGrpcServiceError(error) && error.code === code;
}

/**
 * What `temporal operator namespace create --retention` and `temporal operator search-attribute create` do, through
 * the same gRPC services: the namespace is registered (or its retention updated) and the relay's search
 * attributes added where missing, so running it again on an existing database changes nothing else.
 */
export async function registerNamespace(connection: Connection, options: NamespaceOptions): Promise<void> {
  const retention = msToTs(`${options.retentionDays} days`);
  try {
    await connection.workflowService.registerNamespace({ namespace: options.namespace, workflowExecutionRetentionPeriod: retention });
  } catch (error) {
    if (!hasCode(error, status.ALREADY_EXISTS)) throw error;
    await connection.workflowService.updateNamespace({ namespace: options.namespace, config: { workflowExecutionRetentionTtl: retention } });
  }
  const { customAttributes } = await connection.operatorService.listSearchAttributes({ namespace: options.namespace });
  const missing = Object.entries(SEARCH_ATTRIBUTES).filter(([name]) => customAttributes?.[name] === undefined);
  if (missing.length === 0) return;
  await connection.operatorService.addSearchAttributes({
    namespace: options.namespace,
    searchAttributes: Object.fromEntries(
      missing.map(([name, type]) => [name, IndexedValueType[`INDEXED_VALUE_TYPE_${type.toUpperCase()}` as keyof typeof IndexedValueType]]),
    ),
  });
}

/**
 * Waits until the relay could start a run: /readyz's own checks pass, and the frontend's namespace cache (refreshed
 * on `system.namespaceCacheRefreshInterval`) knows the namespace and its search attributes, which a visibility
 * query filtering on every one of them proves without starting anything.
 */
export async function waitUntilUsable(connection: Connection, namespace: string, timeoutMs: number): Promise<void> {
  const client = new Client({ connection, namespace });
  const query = Object.entries(SEARCH_ATTRIBUTES)
    .map(([name, type]) => `${name} = ${type === 'Int' ? '0' : "'probe'"}`)
    .join(' AND ');
  const deadline = Date.now() + timeoutMs;
  let last = 'no answer yet';
  for (;;) {
    try {
      const readiness = await checkReadiness(client, namespace);
      if (readiness.status === 'ready') {
        await connection.workflowService.listWorkflowExecutions({ namespace, query, pageSize: 1 });
        return;
      }
      last = JSON.stringify(readiness);
    } catch (error) {
      last = error instanceof Error ? error.message : String(error);
    }
    if (Date.now() > deadline) throw new Error(`namespace ${namespace} not usable after ${timeoutMs} ms: ${last}`);
    await sleep(250);
  }
}
