/** What a target recorded against what the load sent and was told was accepted. */
export interface KeyCheck {
  readonly accepted_keys: number;
  /** Records held (workflows, or rows of the seed's table). */
  readonly recorded: number;
  /** Accepted keys with nothing recorded: lost events. Must be 0. */
  readonly missing: number;
  /** Keys recorded more than once. Must be 0. */
  readonly repeated: number;
  /** Records for keys never sent. Must be 0. */
  readonly unknown: number;
  /** Records for keys sent but never answered (in flight when a run's window closed): recorded, not acknowledged. Allowed. */
  readonly unanswered_started: number;
  readonly ok: boolean;
}

/** Compares, key by key, how often each key was recorded (`recorded`) with the keys sent and accepted. */
export function compareKeys(recorded: ReadonlyMap<string, number>, sent: ReadonlySet<string>, accepted: ReadonlySet<string>): KeyCheck {
  let total = 0;
  let repeated = 0;
  let unknown = 0;
  let unanswered = 0;
  for (const [key, count] of recorded) {
    total += count;
    if (count > 1) repeated += 1;
    if (!sent.has(key)) unknown += 1;
    else if (!accepted.has(key)) unanswered += 1;
  }
  let missing = 0;
  for (const key of accepted) if (!recorded.has(key)) missing += 1;
  return {
    accepted_keys: accepted.size,
    recorded: total,
    missing,
    repeated,
    unknown,
    unanswered_started: unanswered,
    ok: missing === 0 && repeated === 0 && unknown === 0,
  };
}
