import { status } from '@grpc/grpc-js';
import { isGrpcServiceError } from '@temporalio/client';
import { NamespaceNotFoundError } from '@temporalio/common';
import { SEARCH_ATTRIBUTES } from '../../contract/search-attributes';

/**
 * Why Temporal did not record a start, in the terms the caller decides on (the HTTP layer maps each to a status,
 * src/http/start-failure-answer.ts):
 * - `misconfigured`: the relay's own configuration (namespace, search attributes, credentials); `fix` says what an
 *   operator has to change, and nothing the sender does helps until then;
 * - `refused`: Temporal refused the event itself (INVALID_ARGUMENT), so the same bytes can never succeed;
 * - `unavailable`: anything else (UNAVAILABLE, DEADLINE_EXCEEDED, RESOURCE_EXHAUSTED, ABORTED, unknown): the start
 *   is not known to be recorded, and a retry with the same key is answered `duplicate` if it did land.
 */
export type StartFailureCause =
  | { readonly kind: 'misconfigured'; readonly fix: string }
  | { readonly kind: 'refused'; readonly reason: string }
  | { readonly kind: 'unavailable' };

/** A start Temporal did not record; `error.cause` is the client's own error. */
export class StartFailure extends Error {
  override readonly name = 'StartFailure';
  constructor(
    readonly failure: StartFailureCause,
    options: { cause: unknown },
  ) {
    super(failure.kind === 'misconfigured' ? failure.fix : failure.kind === 'refused' ? failure.reason : 'Temporal did not record the start', options);
  }
}

/** INVALID_ARGUMENT messages that are about the relay's namespace, not the event (Temporal server wording). */
const UNREGISTERED_SEARCH_ATTRIBUTE = /no mapping defined for search attribute|search attribute \S+ is not defined/i;

/** The cause of a start Temporal did not record, from the client's error. */
export function classifyStartFailure(error: unknown): StartFailure {
  const fix = describeMisconfiguration(error);
  if (fix !== undefined) return new StartFailure({ kind: 'misconfigured', fix }, { cause: error });
  const grpc = grpcCause(error);
  if (grpc?.code === status.INVALID_ARGUMENT) return new StartFailure({ kind: 'refused', reason: grpc.details }, { cause: error });
  return new StartFailure({ kind: 'unavailable' }, { cause: error });
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
const REGISTER_HINT = Object.entries(SEARCH_ATTRIBUTES)
  .map(([name, type]) => registerCommand(name, type))
  .join('; ');

/** The command that registers one search attribute (in a namespace other than the default when given). */
export function registerCommand(name: string, type: string, namespace = 'default'): string {
  return `temporal operator search-attribute create --name ${name} --type ${type}${namespace === 'default' ? '' : ` --namespace ${namespace}`}`;
}

/** The gRPC error itself or the one a client error wraps (ServiceError keeps it as `cause`). */
function grpcCause(error: unknown): { code: number; details: string } | undefined {
  for (let current = error, depth = 0; current instanceof Error && depth < 4; current = current.cause, depth += 1) {
    if (isGrpcServiceError(current)) return { code: current.code, details: current.details };
  }
  return undefined;
}
