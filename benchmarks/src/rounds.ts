/** Rates of a baseline and an entry, one of each per round. */
export interface AlternatingRuns {
  baseline: number[];
  entry: number[];
}

/** Work done in one timed slice: operations (verifications or requests) and the time they took. */
export interface Sample {
  operations: number;
  seconds: number;
}

/**
 * Measures the baseline and the entry in rounds. Each round alternates short slices of the two,
 * swapping which goes first in every slice, and reports each side's total operations divided by
 * its total time. Load from other processes on the shared machine then falls on both sides alike.
 */
export async function runInterleaved(rounds: number, slicesPerRound: number, baseline: () => Promise<Sample>, entry: () => Promise<Sample>): Promise<AlternatingRuns> {
  const runs: AlternatingRuns = { baseline: [], entry: [] };

  for (let round = 0; round < rounds; round += 1) {
    const baselineTotal: Sample = { operations: 0, seconds: 0 };
    const entryTotal: Sample = { operations: 0, seconds: 0 };

    for (let slice = 0; slice < slicesPerRound; slice += 1) {
      const order: Array<[() => Promise<Sample>, Sample]> = [
        [baseline, baselineTotal],
        [entry, entryTotal],
      ];

      if ((round + slice) % 2 === 1) {
        order.reverse();
      }

      for (const [measure, total] of order) {
        add(total, await measure());
      }
    }

    runs.baseline.push(baselineTotal.operations / baselineTotal.seconds);
    runs.entry.push(entryTotal.operations / entryTotal.seconds);
  }

  return runs;
}

function add(total: Sample, sample: Sample): void {
  total.operations += sample.operations;
  total.seconds += sample.seconds;
}
