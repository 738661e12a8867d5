import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DurationSchema, formatDuration, parseDuration } from '../../../api/meta.js';

describe('parseDuration', () => {
  const table: [string, number][] = [
    ['1m30s', 90_000],
    ['10m', 600_000],
    ['1h', 3_600_000],
    ['500ms', 500],
    ['60s', 60_000],
    ['1.5h', 5_400_000],
    ['1h0m0s', 3_600_000],
    ['2m500ms', 120_500],
    ['0s', 0],
  ];
  for (const [input, ms] of table) {
    it(`reads ${input} as ${ms} ms`, () => assert.equal(parseDuration(input), ms));
  }

  it('rounds fractions to whole milliseconds', () => assert.equal(parseDuration('1.1s'), 1_100));

  for (const bad of ['', '10', '5d', '-1m', '1 m', 'm', '1.m', 'PT1M']) {
    it(`rejects ${JSON.stringify(bad)} as the CRD pattern would`, () => {
      assert.throws(() => parseDuration(bad), RangeError);
      assert.equal(DurationSchema.safeParse(bad).success, false);
    });
  }
});

describe('formatDuration', () => {
  const table: [number, string][] = [
    [0, '0s'],
    [500, '500ms'],
    [1_500, '1.5s'],
    [60_000, '1m0s'],
    [90_000, '1m30s'],
    [3_600_000, '1h0m0s'],
    [5_400_000, '1h30m0s'],
    [-90_000, '-1m30s'],
  ];
  for (const [ms, text] of table) {
    it(`writes ${ms} ms as ${text}, as Go does`, () => assert.equal(formatDuration(ms), text));
  }

  it('round-trips through parseDuration', () => {
    for (const ms of [1, 999, 1_000, 61_001, 86_400_000, 123_456_789])
      assert.equal(parseDuration(formatDuration(ms)), ms);
  });

  it('refuses non-finite input', () => assert.throws(() => formatDuration(Number.NaN), RangeError));
});
