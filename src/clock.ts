/**
 * Time as the app sees it. Production uses the system clock; tests and the sandbox use a
 * clock they can move forward, so reminders and escalations can be seen without waiting.
 */
export interface Clock {
  now(): number;
}

export const systemClock: Clock = { now: () => Date.now() };

export class ManualClock implements Clock {
  private offset = 0;
  constructor(private readonly base: Clock = systemClock) {}
  now(): number {
    return this.base.now() + this.offset;
  }
  /** Moves time forward (never back, so "before" and "after" stay meaningful). */
  advance(ms: number): void {
    if (ms < 0) throw new Error('time only moves forward');
    this.offset += ms;
  }
  set(epochMs: number): void {
    this.advance(Math.max(0, epochMs - this.now()));
  }
}

export const MINUTE = 60_000;
export const HOUR = 60 * MINUTE;
export const DAY = 24 * HOUR;
