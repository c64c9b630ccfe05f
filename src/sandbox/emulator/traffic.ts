// What can go wrong between the bot and Telegram besides a wrong call: injected faults (a 429,
// a 5xx, a dropped connection, a slow answer) and Telegram's flood limits.

import { performance } from 'node:perf_hooks';
import type { FaultKind } from './types';

export interface FaultRule {
  /** Which methods: a name or a pattern. Omitted: every method except getUpdates. */
  method?: string | RegExp;
  /** Only calls whose chat_id is this. */
  chatId?: number;
  kind: FaultKind;
  /** For '429': the retry_after in seconds (default 1). */
  retryAfter?: number;
  /** For 'slow': the delay in milliseconds (default 1000). */
  delayMs?: number;
  /** How many calls it hits before it is spent (default 1; Infinity for ever). */
  times?: number;
}

export interface RandomFaults {
  /** Probability, 0..1, that a call gets a fault. */
  rate: number;
  kinds: FaultKind[];
  /** Seed of the pseudo-random sequence, so a run repeats exactly. */
  seed: number;
  retryAfter?: number;
  delayMs?: number;
}

export interface Fault {
  kind: FaultKind;
  retryAfter: number;
  delayMs: number;
}

/** mulberry32: small, fast and good enough to pick faults reproducibly. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export class Faults {
  private rules: (FaultRule & { left: number })[] = [];
  private random?: { options: RandomFaults; next: () => number };

  add(rule: FaultRule): void {
    this.rules.push({ ...rule, left: rule.times ?? 1 });
  }

  setRandom(options: RandomFaults): void {
    if (options.kinds.length === 0) throw new Error('faults.setRandom needs at least one kind');
    this.random = { options, next: seededRandom(options.seed) };
  }

  clear(): void {
    this.rules = [];
    this.random = undefined;
  }

  /** The fault this call meets, if any; each hit uses up one of the rule's `times`. */
  take(method: string, chatId: unknown): Fault | undefined {
    const rule = this.rules.find((r) => r.left > 0 && this.matches(r, method, chatId));
    if (rule) {
      rule.left--;
      return { kind: rule.kind, retryAfter: rule.retryAfter ?? 1, delayMs: rule.delayMs ?? 1000 };
    }
    // Random faults never hit getUpdates: they model a flaky network for the bot's own calls.
    if (this.random && method !== 'getUpdates') {
      const { options, next } = this.random;
      if (next() < options.rate) {
        const kind = options.kinds[Math.floor(next() * options.kinds.length)]!;
        return { kind, retryAfter: options.retryAfter ?? 1, delayMs: options.delayMs ?? 1000 };
      }
    }
    return undefined;
  }

  private matches(rule: FaultRule, method: string, chatId: unknown): boolean {
    if (rule.method === undefined) {
      if (method === 'getUpdates') return false;
    } else if (typeof rule.method === 'string' ? rule.method !== method : !rule.method.test(method)) {
      return false;
    }
    return rule.chatId === undefined || Number(chatId) === rule.chatId;
  }
}

export interface LimitOptions {
  globalPerSec?: number;
  perChatPerSec?: number;
  /** How many messages one chat may get at once before its one a second applies (Telegram "may allow short bursts"). */
  perChatBurst?: number;
  perGroupPerMin?: number;
  /** Multiplies all three limits (e.g. 10 for a quick run with a proportionally faster bot). */
  scale?: number;
}

interface Limit {
  /** Milliseconds until one more event fits (0 when it fits now). */
  waitMs(now: number): number;
  record(now: number): void;
}

/** A sliding window: at most `limit` events in any `windowMs`. */
class Window implements Limit {
  private times: number[] = [];
  constructor(
    private readonly limit: number,
    private readonly windowMs: number,
  ) {}

  /** Milliseconds until one more event fits (0 when it fits now). */
  waitMs(now: number): number {
    while (this.times.length > 0 && this.times[0]! <= now - this.windowMs) this.times.shift();
    return this.times.length < this.limit ? 0 : this.times[0]! + this.windowMs - now;
  }

  record(now: number): void {
    this.times.push(now);
  }
}

/** A token bucket: `burst` events at once, then `perSec` a second. */
class Bucket implements Limit {
  private tokens: number;
  private at = 0;
  constructor(
    private readonly burst: number,
    private readonly perSec: number,
  ) {
    this.tokens = burst;
  }

  private refill(now: number): number {
    return Math.min(this.burst, this.tokens + ((now - this.at) * this.perSec) / 1000);
  }

  waitMs(now: number): number {
    const tokens = this.refill(now);
    return tokens >= 1 ? 0 : ((1 - tokens) * 1000) / this.perSec;
  }

  record(now: number): void {
    this.tokens = this.refill(now) - 1;
    this.at = now;
  }
}

/**
 * Telegram's flood limits for sending messages: about 30 per second overall; one per second per
 * chat, after a short burst of 3 (Telegram: "we may allow short bursts that go over this limit");
 * 20 per minute per group. Off until enabled.
 */
export class RateLimits {
  private options?: Required<LimitOptions>;
  private global?: Window;
  private perChat = new Map<number, Limit[]>();

  enable(options: LimitOptions = {}): void {
    this.options = { globalPerSec: 30, perChatPerSec: 1, perChatBurst: 3, perGroupPerMin: 20, scale: 1, ...options };
    this.global = new Window(this.limit(this.options.globalPerSec), 1000);
    this.perChat.clear();
  }

  disable(): void {
    this.options = undefined;
  }

  /**
   * Records one message to the chat and returns undefined, or returns the retry_after (seconds)
   * Telegram would answer when a limit is already reached.
   */
  admit(chatId: number, isGroup: boolean): number | undefined {
    if (!this.options || !this.global) return undefined;
    let limits = this.perChat.get(chatId);
    if (!limits) {
      limits = [new Bucket(this.options.perChatBurst, this.limit(this.options.perChatPerSec))];
      if (isGroup) limits.push(new Window(this.limit(this.options.perGroupPerMin), 60_000));
      this.perChat.set(chatId, limits);
    }
    const all = [this.global, ...limits];
    const now = performance.now();
    const waitMs = Math.max(...all.map((w) => w.waitMs(now)));
    if (waitMs > 0) return Math.max(1, Math.ceil(waitMs / 1000));
    for (const w of all) w.record(now);
    return undefined;
  }

  private limit(perWindow: number): number {
    return Math.max(1, Math.floor(perWindow * this.options!.scale));
  }
}
