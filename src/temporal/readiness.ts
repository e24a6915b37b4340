import type { Client } from '@temporalio/client';
import { temporal } from '@temporalio/proto';
import { describeMisconfiguration, registerCommand } from './start-failure';
import { SEARCH_ATTRIBUTES } from '../../contract/search-attributes';

export type Readiness =
  | { readonly status: 'ready' }
  | { readonly status: 'temporal unreachable' }
  | { readonly status: 'misconfigured'; readonly problems: readonly string[] };

/** Longest a readiness probe waits for Temporal. */
const READY_DEADLINE_MS = 2000;

const { IndexedValueType } = temporal.api.enums.v1;

/**
 * Ready means a start would be recorded: Temporal answers, the namespace exists and may be used with the relay's
 * credentials, and every search attribute the relay sets is registered with its type. A server that answers is
 * not enough: a missing namespace or attribute makes every start fail while the process looks healthy.
 */
export async function checkReadiness(client: Client, namespace: string): Promise<Readiness> {
  try {
    const { customAttributes } = await client.withDeadline(Date.now() + READY_DEADLINE_MS, async () => {
      await client.workflowService.describeNamespace({ namespace });
      return client.connection.operatorService.listSearchAttributes({ namespace });
    });
    const problems = Object.entries(SEARCH_ATTRIBUTES).flatMap(([name, type]) => {
      const expected = IndexedValueType[`INDEXED_VALUE_TYPE_${type.toUpperCase()}` as keyof typeof IndexedValueType];
      const actual = customAttributes?.[name];
      // Each problem carries its own fix, once: the one command that registers this attribute.
      if (actual === undefined) return [`search attribute ${name} is not registered in namespace ${namespace}: ${registerCommand(name, type, namespace)}`];
      if (actual !== expected) return [`search attribute ${name} is registered as ${IndexedValueType[actual]}, not ${type}: re-create it`];
      return [];
    });
    return problems.length === 0 ? { status: 'ready' } : { status: 'misconfigured', problems };
  } catch (error) {
    const misconfiguration = describeMisconfiguration(error);
    if (misconfiguration !== undefined) return { status: 'misconfigured', problems: [misconfiguration] };
    return { status: 'temporal unreachable' };
  }
}
