import type { Clock } from '../clock';
import type { Logger } from '../logger';
import type { Db } from '../store/db';

/**
 * Delivers the outbox. One sender per database: it takes due rows in priority order, calls the
 * Bot API, and records the outcome in one guarded UPDATE per row.
 *
 * Duplicate window: a row is marked sent right after Telegram accepts it. A crash between
 * Telegram's answer and that UPDATE (one local SQLite write, well under a millisecond) is the
 * only way a message is sent twice; everything else is retried until sent or marked failed.
 */

export class ApiError extends Error {
  constructor(
    readonly code: number,
    description: string,
    readonly retryAfter?: number,
  ) {
    super(description);
  }
}

/** Calls a Bot API method; throws ApiError for Telegram's errors, anything else for network faults. */
export type ApiCall = (method: string, payload: Record<string, unknown>) => Promise<unknown>;

export interface SenderOptions {
  /** Telegram's limits: ~30 messages/s overall, 1/s per private chat, 20/min per group. */
  globalPerSecond?: number;
  privatePerSecond?: number;
  groupPerMinute?: number;
  maxAttempts?: number;
  idleMs?: number;
}

export class Sender {
  private running = false;
  private loop?: Promise<void>;
  private wake?: () => void;
  private pausedUntil = 0;
  private readonly lastSent = new Map<number, number[]>();
  private readonly globalSent: number[] = [];
  private readonly opts: Required<SenderOptions>;

  constructor(
    private readonly db: Db,
    private readonly call: ApiCall,
    private readonly clock: Clock,
    private readonly log: Logger,
    opts: SenderOptions = {},
  ) {
    this.opts = { globalPerSecond: 30, privatePerSecond: 1, groupPerMinute: 20, maxAttempts: 8, idleMs: 200, ...opts };
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    this.loop = this.run();
  }

  async stop(): Promise<void> {
    this.running = false;
    this.wake?.();
    await this.loop;
  }

  /** Something was enqueued: look now rather than at the next idle tick. */
  poke(): void {
    this.wake?.();
  }

  /** Delivers everything due now; for tests and the sandbox's time control. */
  async flush(timeoutMs = 30_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      const due = await this.db
        .selectFrom('outbox')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .where('status', '=', 'pending')
        .where('not_before', '<=', this.clock.now())
        .executeTakeFirstOrThrow();
      if (Number(due.n) === 0) return;
      if (!this.running) await this.tick();
      else await new Promise((r) => setTimeout(r, 20));
    }
    throw new Error('outbox did not drain in time');
  }

  private async run(): Promise<void> {
    while (this.running) {
      let sent = 0;
      try {
        sent = await this.tick();
      } catch (err) {
        this.log.error({ err }, 'outbox tick failed');
      }
      if (sent === 0 && this.running) {
        await new Promise<void>((resolve) => {
          const t = setTimeout(resolve, this.opts.idleMs);
          this.wake = () => {
            clearTimeout(t);
            resolve();
          };
        });
      }
    }
  }

  /** One pass over the due rows; returns how many calls it made. */
  async tick(): Promise<number> {
    const wait = this.pausedUntil - Date.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    const rows = await this.db
      .selectFrom('outbox')
      .selectAll()
      .where('status', '=', 'pending')
      .where('not_before', '<=', this.clock.now())
      .orderBy('priority')
      .orderBy('id')
      .limit(100)
      .execute();
    let calls = 0;
    for (const row of rows) {
      if (!this.running && calls > 0 && this.loop) break;
      if (!this.mayRun(row.chat_id)) continue;
      calls++;
      await this.deliver(row);
      if (this.pausedUntil > Date.now()) break;
    }
    return calls;
  }

  private mayRun(chatId: number): boolean {
    const now = Date.now();
    prune(this.globalSent, now - 1000);
    if (this.globalSent.length >= this.opts.globalPerSecond) return false;
    const times = this.lastSent.get(chatId) ?? [];
    const isGroup = chatId < 0;
    prune(times, now - (isGroup ? 60_000 : 1000));
    return times.length < (isGroup ? this.opts.groupPerMinute : this.opts.privatePerSecond);
  }

  private note(chatId: number): void {
    const now = Date.now();
    this.globalSent.push(now);
    const times = this.lastSent.get(chatId) ?? [];
    times.push(now);
    this.lastSent.set(chatId, times);
  }

  private async deliver(row: { id: number; chat_id: number; method: string; payload: string; attempts: number }): Promise<void> {
    const payload = { chat_id: row.chat_id, ...(JSON.parse(row.payload) as Record<string, unknown>) };
    this.note(row.chat_id);
    try {
      const result = (await this.call(row.method, payload)) as { message_id?: number } | true;
      await this.db
        .updateTable('outbox')
        .set({ status: 'sent', sent_at: this.clock.now(), message_id: typeof result === 'object' ? (result.message_id ?? null) : null, attempts: row.attempts + 1 })
        .where('id', '=', row.id)
        .where('status', '=', 'pending')
        .execute();
    } catch (err) {
      await this.failed(row, err);
    }
  }

  private async failed(row: { id: number; chat_id: number; attempts: number }, err: unknown): Promise<void> {
    const attempts = row.attempts + 1;
    const set = (patch: { status?: 'failed' | 'unreachable'; not_before?: number; error: string }) =>
      this.db.updateTable('outbox').set({ attempts, ...patch }).where('id', '=', row.id).where('status', '=', 'pending').execute();

    if (err instanceof ApiError && err.code === 429) {
      // Telegram asks everyone to wait: pause the whole sender, keep the row as it is.
      this.pausedUntil = Date.now() + (err.retryAfter ?? 1) * 1000;
      await set({ error: err.message });
      return;
    }
    if (err instanceof ApiError && err.code === 403) {
      await set({ status: 'unreachable', error: err.message });
      if (row.chat_id > 0) await this.db.updateTable('users').set({ reachable: 0 }).where('id', '=', row.chat_id).execute();
      return;
    }
    if (err instanceof ApiError && err.code >= 400 && err.code < 500) {
      this.log.warn({ outboxId: row.id, code: err.code, reason: err.message }, 'outbox message rejected');
      await set({ status: 'failed', error: err.message });
      return;
    }
    // 5xx or network: retry with exponential backoff, then give up with the reason.
    const reason = err instanceof Error ? err.message : String(err);
    if (attempts >= this.opts.maxAttempts) {
      await set({ status: 'failed', error: reason });
      return;
    }
    const backoff = Math.min(60_000, 500 * 2 ** (attempts - 1));
    await set({ not_before: this.clock.now() + backoff, error: reason });
  }
}

function prune(times: number[], before: number): void {
  while (times.length > 0 && times[0] < before) times.shift();
}
