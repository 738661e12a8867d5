import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { nearestRank } from '../../../bench/wait-ready.js';

describe('bench: nearest-rank percentiles of Ready times', () => {
  it('reads the first, median, p95 and last of distinct times in order', () => {
    const times = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10];
    assert.deepEqual(
      [0, 0.5, 0.95, 1].map((q) => nearestRank(times, q)),
      [1, 5, 10, 10]
    );
  });
  it('has nothing to say about no times', () => {
    assert.equal(nearestRank([], 0.5), undefined);
  });
});
