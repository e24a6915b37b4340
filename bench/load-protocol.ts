import type { RequestKind } from './requests';
import type { SignerName } from './signers';
import type { LatencySummary } from './stats';

/** How hard to push: closed loop (`rate` unset: each of `connections` sends its next request on the answer) or paced. */
export interface Pace {
  readonly connections: number;
  readonly durationSeconds: number;
  readonly warmupSeconds: number;
  /** Requests per second, evenly spaced (open loop, at most `connections` in flight). */
  readonly rate?: number | undefined;
}

/** What the load process is asked to do (sent over IPC). */
export interface HttpJob extends Pace {
  readonly target: 'http';
  readonly url: string;
  readonly kind: RequestKind;
  readonly secret: string;
  readonly duplicateKey?: string | undefined;
  /** The target's signature scheme (default: the relay's). */
  readonly signer?: SignerName | undefined;
  /** Closed-loop runs: autocannon (default), or Node's HTTP agent, the paced runs' client (every target gets it). */
  readonly client?: 'autocannon' | 'agent' | undefined;
}

export interface DirectJob extends Pace {
  readonly target: 'direct';
  readonly address: string;
  readonly namespace: string;
  readonly taskQueue: string;
}

export interface LoadResult {
  /** Completed requests in the measured window. */
  readonly requests: number;
  readonly seconds: number;
  readonly latency: LatencySummary;
  /** Answers by HTTP status (or by outcome for direct starts). */
  readonly statuses: Record<string, number>;
  /** Connection errors and timeouts: requests that got no answer at all. */
  readonly errors: number;
  readonly timeouts: number;
  /** Paced requests never sent: all connections were still busy when the window closed (the target fell behind). */
  readonly notSent: number;
  /** Every key a request was built for (warm-up included), answered or not. */
  readonly sentKeys: string[];
  /** Keys answered 202 accepted (warm-up included). */
  readonly acceptedKeys: string[];
}

/** Keys seen by a run: every key a request was built for, and the ones that were accepted. */
export interface KeyLog {
  readonly sent: string[];
  readonly accepted: string[];
}

export type LoadMessage = { readonly type: 'measuring' } | { readonly type: 'result'; readonly result: LoadResult };
