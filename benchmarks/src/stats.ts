/** Median, minimum and maximum of a set of measurements. */
export interface Summary {
  median: number;
  min: number;
  max: number;
  /** Every measurement in the order it was taken. */
  values: number[];
}

export function median(values: readonly number[]): number {
  if (values.length === 0) {
    return Number.NaN;
  }

  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);

  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

export function summarize(values: readonly number[]): Summary {
  return {
    median: median(values),
    min: values.length === 0 ? Number.NaN : Math.min(...values),
    max: values.length === 0 ? Number.NaN : Math.max(...values),
    values: [...values],
  };
}

/** Divides each entry measurement by the baseline measurement of the same round. */
export function roundRatios(baseline: readonly number[], entry: readonly number[]): number[] {
  return entry.map((value, round) => value / baseline[round]!);
}
