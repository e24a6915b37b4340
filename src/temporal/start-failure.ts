import { status } from '@grpc/grpc-js';
import { isGrpcServiceError } from '@temporalio/client';
import { NamespaceNotFoundError } from '@temporalio/common';
import { WebhookError } from '../webhooks/errors';
import { SEARCH_ATTRIBUTES } from './search-attributes';

/** Seconds a sender should wait before retrying when Temporal cannot record the start. */
export const TEMPORAL_RETRY_AFTER_SECONDS = 5;

/** Seconds a sender should wait while the relay is misconfigured: an operator has to act first. */
export const MISCONFIGURED_RETRY_AFTER_SECONDS = 60;

/** INVALID_ARGUMENT messages that are about the relay's namespace, not the event (Temporal server wording). */
const UNREGISTERED_SEARCH_ATTRIBUTE = /no mapping defined for search attribute|search attribute \S+ is not defined/i;

/**
 * The one place a failed start becomes an HTTP answer (DESIGN.md's status table):
 * - the relay's own misconfiguration (namespace, search attributes, credentials) → 503 `relay_misconfigured`:
 *   the sender keeps the event until an operator fixes it, and the log line says what to fix;
 * - a refusal of the event itself (INVALID_ARGUMENT) → 400 `rejected_by_temporal` with Temporal's reason, since
 *   retrying the same bytes can never succeed;
 * - anything else (UNAVAILABLE, DEADLINE_EXCEEDED, RESOURCE_EXHAUSTED, ABORTED, unknown) → 503
 *   `temporal_unavailable`: the start is not known to be recorded, so it is not acknowledged, and the sender
 *   retries with the same key (and gets `duplicate` if it did land).
 */
export function startFailureToWebhookError(error: unknown): WebhookError {
  const misconfiguration = describeMisconfiguration(error);
  if (misconfiguration !== undefined) {
    return new WebhookError(
      503,
      'relay_misconfigured',
      'the relay cannot start workflows until its operator fixes its Temporal configuration; retry later with the same key',
      MISCONFIGURED_RETRY_AFTER_SECONDS,
      { cause: new RelayMisconfiguredError(misconfiguration, { cause: error }) },
    );
  }
  const grpc = grpcCause(error);
  if (grpc?.code === status.INVALID_ARGUMENT) {
    return new WebhookError(400, 'rejected_by_temporal', `Temporal refused this event: ${grpc.details}`, undefined, {
      cause: error,
    });
  }
  return new WebhookError(
    503,
    'temporal_unavailable',
    'Temporal did not record the start; retry later with the same key',
    TEMPORAL_RETRY_AFTER_SECONDS,
    { cause: error },
  );
}

/** What the operator has to fix, or undefined when the failure is not the relay's configuration. */
export function describeMisconfiguration(error: unknown): string | undefined {
  if (error instanceof NamespaceNotFoundError) {
    return `${error.message}: create it, or set TEMPORAL_NAMESPACE to an existing namespace`;
  }
  const grpc = grpcCause(error);
  if (grpc === undefined) return undefined;
  switch (grpc.code) {
    case status.NOT_FOUND:
      return /namespace/i.test(grpc.details)
        ? `${grpc.details}: create it, or set TEMPORAL_NAMESPACE to an existing namespace`
        : undefined;
    case status.PERMISSION_DENIED:
    case status.UNAUTHENTICATED:
      return `${grpc.details}: give the relay's credentials (TEMPORAL_API_KEY or its client certificate) access to the namespace`;
    case status.INVALID_ARGUMENT:
      return UNREGISTERED_SEARCH_ATTRIBUTE.test(grpc.details)
        ? `${grpc.details}: register the relay's search attributes (${REGISTER_HINT})`
        : undefined;
    default:
      return undefined;
  }
}

/** The command that registers every search attribute the relay sets, for the operator's log line. */
export const REGISTER_HINT = Object.entries(SEARCH_ATTRIBUTES)
  .map(([name, type]) => registerCommand(name, type))
  .join('; ');

/** The command that registers one search attribute (in a namespace other than the default when given). */
export function registerCommand(name: string, type: string, namespace = 'default'): string {
  return `temporal operator search-attribute create --name ${name} --type ${type}${namespace === 'default' ? '' : ` --namespace ${namespace}`}`;
}

/** The cause of a relay_misconfigured answer; its message is what the error-level log line tells the operator. */
export class RelayMisconfiguredError extends Error {
  override readonly name = 'RelayMisconfiguredError';
}

/** The gRPC error itself or the one a client error wraps (ServiceError keeps it as `cause`). */
function grpcCause(error: unknown): { code: number; details: string } | undefined {
  for (let current = error, depth = 0; current instanceof Error && depth < 4; current = current.cause, depth += 1) {
    if (isGrpcServiceError(current)) return { code: current.code, details: current.details };
  }
  return undefined;
}
