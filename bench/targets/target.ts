import type { KeyCheck } from '../key-check';
import type { SignerName } from '../signers';

/**
 * The three shapes `npm run bench` compares side by side:
 * - cluster: this receiver and worker against the real Temporal server 1.32 on PostgreSQL 15;
 * - dev: `npm start` (embedded dev server on SQLite, worker and receiver in one process);
 * - seed: the seed's own design (Django + DRF under 4 gunicorn workers, PostgreSQL, Celery on Redis), bench/seed/.
 */
export const TARGETS = ['cluster', 'dev', 'seed'] as const;
export type TargetName = (typeof TARGETS)[number];

/** After the load: was every accepted event recorded once, and did the work behind it run? */
export interface TargetCheck extends KeyCheck {
  readonly target: TargetName;
  /** Accepted events whose work had not run when the check stopped waiting (a run still open, a task not `done`). Must be 0. */
  readonly not_run: number;
}

export interface Target {
  readonly name: TargetName;
  /** Base URL of the receiver; webhooks go to `${url}/webhooks/wp`. */
  readonly url: string;
  readonly signer: SignerName;
  /** The target's processes, watched for CPU and memory while it is measured (and named apart while another is). */
  readonly pids: Readonly<Record<string, number | undefined>>;
  /** Of `pids`, those whose peak RSS is reported. */
  readonly memoryOf: readonly string[];
  /**
   * Counters of the target's storage read before and after each measured window (the dev server's persistence calls
   * by operation, PostgreSQL's transactions and WAL flushes), given per request in its lines: figures that do not
   * depend on how busy the machine was.
   */
  counters?(): Promise<Record<string, number>>;
  check(sent: ReadonlySet<string>, accepted: ReadonlySet<string>): Promise<TargetCheck>;
  stop(): Promise<void>;
}

