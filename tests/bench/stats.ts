/** Small, pure statistics for the benchmark figures. */

/**
 * The p-th percentile (0–100) of `values` by linear interpolation between
 * closest ranks (numpy's default). Throws RangeError on an empty list.
 */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) throw new RangeError('percentile of an empty list');
  const sorted = [...values].sort((a, b) => a - b);
  const rank = (Math.min(100, Math.max(0, p)) / 100) * (sorted.length - 1);
  const lo = Math.floor(rank);
  const hi = Math.ceil(rank);
  const a = sorted[lo] as number;
  const b = sorted[hi] as number;
  return a + (b - a) * (rank - lo);
}

export const median = (values: readonly number[]): number => percentile(values, 50);

export const sum = (values: readonly number[]): number => values.reduce((a, b) => a + b, 0);

/** Rounds to `digits` decimals (figures are printed, not compared bit for bit). */
export const round = (value: number, digits = 1): number => {
  const f = 10 ** digits;
  return Math.round(value * f) / f;
};

/**
 * The longest stretch without an event inside [start, end], as `{ from, to }`:
 * the largest gap between consecutive sorted `times`, counting the edges (so no
 * event at all is the whole window).
 */
export function longestGapSpan(times: readonly number[], start: number, end: number): { from: number; to: number } {
  const inside = times.filter((t) => t >= start && t <= end).sort((a, b) => a - b);
  let previous = start;
  let best = { from: start, to: start };
  for (const t of [...inside, end]) {
    if (t - previous > best.to - best.from) best = { from: previous, to: t };
    previous = t;
  }
  return best;
}

/** The length of {@link longestGapSpan}. */
export function longestGap(times: readonly number[], start: number, end: number): number {
  const { from, to } = longestGapSpan(times, start, end);
  return to - from;
}
