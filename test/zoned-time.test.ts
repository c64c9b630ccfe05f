import { describe, expect, it } from 'vitest';
import { HOUR } from '../src/clock';
import { zoneOffset } from '../src/zoned-time';

/** Offsets are remembered by quarter hour (issue 17); the quarter a clock changes in must still be right. */
describe('zoneOffset', () => {
  it('follows a change of offset to the millisecond, however often it is asked', () => {
    // New York springs forward at 02:00 EST on 8 March 2026, 07:00 UTC.
    const change = Date.UTC(2026, 2, 8, 7, 0, 0);
    for (let round = 0; round < 2; round++) {
      expect(zoneOffset(change - 1, 'America/New_York')).toBe(-5 * HOUR);
      expect(zoneOffset(change, 'America/New_York')).toBe(-4 * HOUR);
      expect(zoneOffset(change + 14 * 60_000, 'America/New_York')).toBe(-4 * HOUR);
    }
  });

  it('keeps zones apart, half-hour ones included', () => {
    const at = Date.UTC(2026, 11, 1, 12, 7, 30);
    expect(zoneOffset(at, 'Asia/Shanghai')).toBe(8 * HOUR);
    expect(zoneOffset(at, 'Asia/Kolkata')).toBe(5.5 * HOUR);
    expect(zoneOffset(at, 'Asia/Kathmandu')).toBe(5.75 * HOUR);
    expect(zoneOffset(at, 'UTC')).toBe(0);
  });
});
