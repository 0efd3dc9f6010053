import { describe, expect, it } from 'vitest';
import { parseGoDuration } from '../../../../lib/units/go-duration.js';

describe('parseGoDuration', () => {
  it("reads Go's grammar in milliseconds", () => {
    expect(['0', '500ms', '10s', '5m', '1h', '1h30m', '1.5h', '2us', '3µs', '3μs', '1m0.5s', '.5s'].map(parseGoDuration)).toEqual([
      0, 500, 10_000, 300_000, 3_600_000, 5_400_000, 5_400_000, 0.002, 0.003, 0.003, 60_500, 500,
    ]);
  });

  it('refuses what Go refuses: bare numbers, words, units Go lacks, signs, spaces', () => {
    for (const text of ['', '10', '1 hour', '1hour', '2d', '1w', '-1s', '+1s', '1h 30m', 's', '1.s.', '1e3s']) {
      expect(parseGoDuration(text), text).toBeUndefined();
    }
  });
});
