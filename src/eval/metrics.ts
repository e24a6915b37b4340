/**
 * Classification figures from (expected, predicted) pairs. An item the model gave no valid answer for is predicted
 * `null`: it counts against the recall of its expected label and in no label's precision.
 */
export interface LabelFigures {
  /** Items expected to carry the label. */
  readonly support: number;
  /** Items the model gave the label. */
  readonly predicted: number;
  readonly truePositives: number;
  /** Of the items given the label, the share that carry it; null when the model never gave it. */
  readonly precision: number | null;
  /** Of the items that carry the label, the share the model gave it; null when no item carries it. */
  readonly recall: number | null;
}

export interface Classification<L extends string> {
  readonly labels: readonly L[];
  /** confusion[expected][predicted], with `invalid` for items without a valid answer. */
  readonly confusion: Record<L, Record<L | 'invalid', number>>;
  readonly perLabel: Record<L, LabelFigures>;
  /** Share of all items predicted right (invalid answers count as wrong). */
  readonly accuracy: number | null;
}

export interface Outcome<L extends string> {
  readonly expected: L;
  readonly predicted: L | null;
}

const ratio = (part: number, whole: number): number | null => (whole === 0 ? null : part / whole);

export function classify<L extends string>(labels: readonly L[], outcomes: readonly Outcome<L>[]): Classification<L> {
  const row = () => Object.fromEntries([...labels, 'invalid'].map((l) => [l, 0])) as Record<L | 'invalid', number>;
  const confusion = Object.fromEntries(labels.map((l) => [l, row()])) as Record<L, Record<L | 'invalid', number>>;
  for (const { expected, predicted } of outcomes) {
    const cells = confusion[expected];
    if (cells === undefined) throw new RangeError(`expected label "${expected}" is not one of ${labels.join(', ')}`);
    cells[predicted ?? 'invalid'] += 1;
  }
  const perLabel = Object.fromEntries(
    labels.map((label) => {
      const support = outcomes.filter((o) => o.expected === label).length;
      const predicted = outcomes.filter((o) => o.predicted === label).length;
      const truePositives = confusion[label][label];
      return [label, { support, predicted, truePositives, precision: ratio(truePositives, predicted), recall: ratio(truePositives, support) }];
    }),
  ) as Record<L, LabelFigures>;
  const correct = outcomes.filter((o) => o.predicted === o.expected).length;
  return { labels, confusion, perLabel, accuracy: ratio(correct, outcomes.length) };
}

/** Nearest-rank percentile of a non-empty list (p in 0..100); null for an empty one. */
export function percentile(values: readonly number[], p: number): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;
}

export function mean(values: readonly number[]): number | null {
  return values.length === 0 ? null : values.reduce((a, b) => a + b, 0) / values.length;
}
