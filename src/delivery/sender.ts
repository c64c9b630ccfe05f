import { randomUUID } from 'node:crypto';
import type { Clock } from '../clock';
import type { Logger } from '../logger';
import type { Db } from '../store/db';

/**
 * Delivers the outbox: takes due rows in priority order (personal 0, group 5, bulk 9), leases
 * them, calls the Bot API at Telegram's pace, and records each outcome in one guarded UPDATE.
 *
 * Restarts and crashes. Every row is written before anything is sent and stays 'pending' until
 * Telegram has answered, so nothing is dropped: a stopped sender releases its leases and the next
 * one carries on. Leases are short (leaseMs, 10 s) and renewed every few seconds while the sender
 * lives, so a crashed sender's rows are taken by another within about leaseMs of its death, while
 * a slow call of a live sender keeps its row.
 * Duplicates: a row is marked 'sent' in one local UPDATE right after Telegram accepts it. The only
 * way a message goes out twice is a crash in between: after Telegram accepted the call and before
 * that UPDATE committed (a single indexed write, well under a millisecond on SQLite, one round
 * trip on PostgreSQL), and then only for the calls in flight at that instant (at most
 * maxInFlight, about one second of sending). A graceful stop (SIGTERM) waits for calls in
 * flight, so it never duplicates. Telegram has no idempotency key for sendMessage, so this
 * window cannot be closed completely; it can only be kept this small.
 *
 * Several processes on one database never send one row twice: a row is leased by one guarded
 * UPDATE before it is sent. Telegram's limits belong to the token, so on PostgreSQL the
 * instances elect one of them to send (src/ops/sender-election.ts); the others stand by and
 * take over within seconds of its death. Every instance's direct replies count: its own through
 * counted(), the other instances' through `peers` (Redis), heard and counted as if sent here.
 * Why one elected sender rather than a limiter shared in Redis: see the README, "Run several
 * instances" (measured there).
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
  /** How long a leased row belongs to this sender if it dies (then another may take it); renewed every third of it while alive. */
  leaseMs?: number;
  /** How often watchers (broadcast progress) run while sending. */
  watchMs?: number;
  /** Told each call's outcome (for /metrics); 429 also counts as a retry. */
  onResult?: (result: 'sent' | 'retry' | 'failed' | 'unreachable', rateLimited: boolean) => void;
  /**
   * How many direct replies one chat may get back to back before the rest wait for Telegram's one
   * a second (a bucket of this size, refilled once a second). Telegram allows short bursts; tests
   * that do not enforce its limits use Infinity.
   */
  replyBurst?: number;
  /** The other instances (when REDIS_URL is set). */
  peers?: SenderPeers;
}

/** The other instances of the bot, through which direct replies are counted and pokes reach the sender (src/ops/shared.ts). */
export interface SenderPeers {
  /** This instance made a direct reply to the chat (Telegram answered it just now). */
  sent(chatId: number): void;
  /** Something was queued here while another instance sends. */
  poke(): void;
  onSent(listener: (chatId: number) => void): void;
  onPoke(listener: () => void): void;
}

/** Runs beside the sender, e.g. to edit a broadcast's progress message. */
export type Watcher = (now: number) => Promise<void>;

interface LeasedRow {
  id: number;
  chat_id: number;
  method: string;
  payload: string;
  attempts: number;
}

/** Keeps a little under Telegram's limits for one chat (its second and a group's minute), whose counting we do not see. */
const MARGIN = 0.97;
const PAGE = 250;
/** How many sends a late timer may make up at once. */
const CATCH_UP = 3;
/** How long to wait before looking again when only calls still under way stand in the way. */
const BUSY_MS = 5;
const FORGET_EVERY_MS = 60_000;
/** How far back a chat's messages count: a minute in a group, in a private chat long enough to refill a reply burst (with the margin). */
const chatWindowMs = (chatId: number) => (chatId < 0 ? 60_000 : 3000) / MARGIN;

export class Sender {
  private running = false;
  private loop?: Promise<void>;
  private wake?: () => void;
  private pausedUntil = 0;
  private readonly owner = randomUUID();
  /** Messages under way (ours and the bot's direct replies), overall and per chat. */
  private sendingNow = 0;
  private readonly chatSending = new Map<number, number>();
  /** When Telegram answered the recent ones: overall (last second) and per chat (last second, or minute for groups). */
  private readonly globalDone: number[] = [];
  private readonly chatDone = new Map<number, number[]>();
  private readonly inFlight = new Map<number, Promise<void>>();
  private readonly watchers: Watcher[] = [];
  private lastWatch = 0;
  private lastForget = 0;
  /** When the next send may start (even pacing). */
  private nextAt = 0;
  private watching?: Promise<void>;
  private renewal?: NodeJS.Timeout;
  private readonly opts: Required<Omit<SenderOptions, 'peers'>>;
  private readonly peers?: SenderPeers;
  /** Another instance sends the outbox (the election, src/ops/sender-election.ts). */
  private standingBy = false;

  constructor(
    private readonly db: Db,
    private readonly call: ApiCall,
    private readonly clock: Clock,
    private readonly log: Logger,
    opts: SenderOptions = {},
  ) {
    this.opts = {
      globalPerSecond: 30,
      privatePerSecond: 1,
      groupPerMinute: 20,
      maxAttempts: 8,
      idleMs: 200,
      leaseMs: 10_000,
      watchMs: 2000,
      replyBurst: 2,
      onResult: () => undefined,
      ...opts,
    };
    this.peers = opts.peers;
    this.peers?.onSent((chatId) => this.record(chatId, Date.now()));
    this.peers?.onPoke(() => this.wake?.());
  }

  /** Whether it is taking rows (for /healthz). */
  get isRunning(): boolean {
    return this.running;
  }

  /** For /healthz: sending, standing by while another instance sends, or stopped. */
  get state(): 'running' | 'standby' | 'stopped' {
    return this.running ? 'running' : this.standingBy ? 'standby' : 'stopped';
  }

  /** Stops sending because another instance was elected to (it may start again when elected). */
  async standBy(): Promise<void> {
    this.standingBy = true;
    await this.stop();
  }

  /** Messages per second this sender aims for (for "time left" estimates). */
  get messagesPerSecond(): number {
    return this.globalBudget();
  }

  /**
   * Milliseconds until the chat may get one more direct reply: a token bucket of `replyBurst`
   * over every message it got lately (replies, the outbox, other instances), refilled at the
   * chat's rate (Telegram counts a burst the same way, with a larger bucket:
   * src/sandbox/emulator/traffic.ts), and a place in the overall second, which the outbox may be
   * filling (a reply takes the next place that frees, as the outbox's next message would).
   */
  replyWait(chatId: number): number {
    const burst = this.opts.replyBurst;
    if (!Number.isFinite(burst)) return 0;
    const now = Date.now();
    const perMs = ((chatId < 0 ? 1 : this.opts.privatePerSecond) * MARGIN) / 1000;
    let tokens = burst;
    let at = -Infinity;
    for (const t of this.chatDone.get(chatId) ?? []) {
      tokens = Math.min(burst, tokens + (t - at) * perMs) - 1;
      at = t;
    }
    tokens = Math.min(burst, tokens + (now - at) * perMs) - (this.chatSending.get(chatId) ?? 0);
    return Math.max(tokens >= 1 ? 0 : Math.ceil((1 - tokens) / perMs), this.globalWait(now));
  }

  /** The Bot API call the sender uses, for watchers that edit a message in place. */
  get api(): ApiCall {
    return this.call;
  }

  /** Adds a watcher; features add theirs while the app is built. */
  watch(watcher: Watcher): void {
    this.watchers.push(watcher);
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    this.standingBy = false;
    this.loop = this.run();
    this.renewal = setInterval(() => void this.renewLeases(), this.opts.leaseMs / 3);
    this.renewal.unref();
  }

  /** Keeps the rows this sender holds (waiting for their turn, or with a call in flight) its own while it lives. */
  private async renewLeases(): Promise<void> {
    const inFlight = this.inFlight.size;
    try {
      const r = await this.db
        .updateTable('outbox')
        .set({ lease_until: this.clock.now() + this.opts.leaseMs })
        .where('lease_owner', '=', this.owner)
        .where('status', '=', 'pending')
        .where('lease_until', 'is not', null)
        .executeTakeFirst();
      // Fewer than the calls under way: the database stalled past a lease and another sender may send them too.
      if (Number(r.numUpdatedRows) < Math.min(inFlight, this.inFlight.size))
        this.log.warn({ inFlight, renewed: Number(r.numUpdatedRows) }, 'outbox leases were lost');
    } catch (err) {
      this.log.warn({ err }, 'could not renew outbox leases');
    }
  }

  /** Stops taking rows, waits for the calls in flight, and gives back the rows it had leased. */
  async stop(): Promise<void> {
    this.running = false;
    clearInterval(this.renewal);
    this.wake?.();
    await this.loop;
    await this.settle();
    await this.watching;
    await this.db
      .updateTable('outbox')
      .set({ lease_until: null, lease_owner: null })
      .where('lease_owner', '=', this.owner)
      .where('status', '=', 'pending')
      .execute()
      .catch((err) => this.log.warn({ err }, 'could not release outbox leases; they expire by themselves'));
  }

  /** Something was enqueued: look now rather than at the next idle tick (here, or where the outbox is sent). */
  poke(): void {
    if (this.running) this.wake?.();
    else if (this.standingBy) this.peers?.poke();
  }

  /** Delivers everything due now and lets the watchers finish (final progress); for tests and the sandbox. */
  async flush(timeoutMs = 30_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      if ((await this.due()) === 0) {
        await this.settle();
        await this.runWatchers(true);
        if ((await this.due()) === 0) return;
      }
      if (!this.running) {
        await this.tick();
        await this.settle();
      } else await sleep(20);
    }
    throw new Error('outbox did not drain in time');
  }

  private due(): Promise<number> {
    return this.db
      .selectFrom('outbox')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('status', '=', 'pending')
      .where('not_before', '<=', this.clock.now())
      .executeTakeFirstOrThrow()
      .then((r) => Number(r.n));
  }

  private async run(): Promise<void> {
    while (this.running) {
      let sent = 0;
      try {
        sent = await this.tick();
        await this.runWatchers(false);
      } catch (err) {
        this.log.error({ err }, 'outbox tick failed');
      }
      this.forgetQuietChats(Date.now());
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

  /** One batch: leases about a second's worth of due rows and starts sending them at the allowed pace; returns how many calls it started. */
  async tick(): Promise<number> {
    while (this.pausedUntil > Date.now() && (this.running || !this.loop)) await sleep(Math.min(100, this.pausedUntil - Date.now()));
    const rows = await this.lease();
    let calls = 0;
    for (let i = 0; i < rows.length; i++) {
      const row = rows[i];
      const stopping = !this.running && this.loop !== undefined;
      if (stopping || this.pausedUntil > Date.now()) {
        await this.release(rows.slice(i).map((r) => r.id));
        break;
      }
      await this.slot(row.chat_id);
      calls++;
      const sending = this.deliver(row).finally(() => this.inFlight.delete(row.id));
      this.inFlight.set(row.id, sending);
      while (this.inFlight.size >= this.globalBudget()) await Promise.race(this.inFlight.values());
    }
    return calls;
  }

  /**
   * Picks due rows in priority order, at most one per chat and none for a chat still inside its
   * own limit, and leases them in one guarded UPDATE (a row another sender holds is skipped).
   */
  private async lease(): Promise<LeasedRow[]> {
    const now = this.clock.now();
    const wanted = this.globalBudget();
    const picked: number[] = [];
    const chats = new Set<number>();
    let after: { priority: number; id: number } | undefined;
    for (let page = 0; page < 8 && picked.length < wanted; page++) {
      const from = after;
      const rows = await this.db
        .selectFrom('outbox')
        .select(['id', 'chat_id', 'priority'])
        .where('status', '=', 'pending')
        .where('not_before', '<=', now)
        .where((eb) => eb.or([eb('lease_until', 'is', null), eb('lease_until', '<=', now)]))
        .$if(from !== undefined, (q) =>
          q.where((eb) =>
            eb.or([eb('priority', '>', from!.priority), eb.and([eb('priority', '=', from!.priority), eb('id', '>', from!.id)])]),
          ),
        )
        .orderBy('priority')
        .orderBy('id')
        .limit(PAGE)
        .execute();
      for (const r of rows) {
        if (picked.length >= wanted) break;
        if (chats.has(r.chat_id) || this.inFlight.has(r.id) || this.chatWait(r.chat_id, Date.now()) > 0) continue;
        chats.add(r.chat_id);
        picked.push(r.id);
      }
      if (rows.length < PAGE) break;
      after = rows[rows.length - 1];
    }
    if (picked.length === 0) return [];
    const leased = await this.db
      .updateTable('outbox')
      .set({ lease_until: now + this.opts.leaseMs, lease_owner: this.owner })
      .where('id', 'in', picked)
      .where('status', '=', 'pending')
      .where((eb) => eb.or([eb('lease_until', 'is', null), eb('lease_until', '<=', now)]))
      .returning(['id', 'chat_id', 'method', 'payload', 'attempts', 'priority'])
      .execute();
    return leased.sort((a, b) => a.priority - b.priority || a.id - b.id);
  }

  private async release(ids: number[]): Promise<void> {
    if (ids.length === 0) return;
    await this.db
      .updateTable('outbox')
      .set({ lease_until: null, lease_owner: null })
      .where('id', 'in', ids)
      .where('lease_owner', '=', this.owner)
      .execute();
  }

  private async settle(): Promise<void> {
    while (this.inFlight.size > 0) await Promise.allSettled([...this.inFlight.values()]);
  }

  /**
   * Messages per second across all chats: Telegram's 30 itself, without MARGIN. A message counts
   * from before it leaves until a second after its answer is back, so no second at Telegram's end
   * ever holds more than this however the network and the clocks differ (slot()). Other
   * instances' direct replies are counted only once Redis tells of them, after they went out:
   * with peers, one place a second stays free for them.
   */
  private globalBudget(): number {
    return Math.max(1, Math.floor(this.opts.globalPerSecond) - (this.peers ? 1 : 0));
  }

  /**
   * Milliseconds until this chat may get one more message. Counted from when Telegram answered
   * earlier ones (a message reaches Telegram before its answer comes back), so network delays
   * can only make us slower than the limit, never faster.
   */
  private chatWait(chatId: number, now: number): number {
    if (this.chatSending.get(chatId)) return BUSY_MS;
    const times = this.chatDone.get(chatId);
    if (!times) return 0;
    const isGroup = chatId < 0;
    const second = 1000 / MARGIN;
    const perSecond = isGroup ? 1 : this.opts.privatePerSecond;
    prune(times, now - chatWindowMs(chatId));
    let wait = 0;
    const inLastSecond = times.filter((t) => t > now - second);
    if (inLastSecond.length >= perSecond) wait = inLastSecond[inLastSecond.length - perSecond] + second - now;
    if (isGroup && times.length >= this.opts.groupPerMinute)
      wait = Math.max(wait, times[times.length - this.opts.groupPerMinute] + 60_000 / MARGIN - now);
    if (times.length === 0) this.chatDone.delete(chatId);
    return Math.max(0, wait);
  }

  /**
   * Waits until one more message fits the overall and the chat's limits. A message counts from
   * the moment it is sent until a second after Telegram answered it, so however the network
   * delays them, no second at Telegram's end ever holds more than the budget. Sends are also
   * spaced evenly; a late timer may catch up by a few messages only.
   */
  private async slot(chatId: number): Promise<void> {
    const interval = 1000 / this.globalBudget();
    for (;;) {
      const now = Date.now();
      if (this.nextAt < now - CATCH_UP * interval) this.nextAt = now - CATCH_UP * interval;
      const paceWait = this.nextAt - now;
      const wait = Math.max(paceWait, this.globalWait(now), this.chatWait(chatId, now));
      if (wait <= 0) {
        this.nextAt += interval;
        return;
      }
      await sleep(wait);
    }
  }

  /**
   * Milliseconds until one more message fits the overall second: as many of the second's messages
   * must leave it as would overfill it, so wait until the last of those is over a second old (not
   * merely the oldest, which a late timer's catch-up took for room for several), or for calls
   * under way to be answered.
   */
  private globalWait(now: number): number {
    prune(this.globalDone, now - 1000);
    const excess = this.sendingNow + this.globalDone.length - this.globalBudget() + 1;
    if (excess <= 0) return 0;
    return excess > this.globalDone.length ? BUSY_MS : this.globalDone[excess - 1] + 1001 - now;
  }

  /** Whether the chat got more than the refused message in the last second. */
  private wroteRecently(chatId: number): boolean {
    const now = Date.now();
    return (this.chatDone.get(chatId) ?? []).filter((t) => t > now - 1000).length > 1;
  }

  /**
   * Makes one call that posts a message, counted against the limits while it is under way and
   * for a second after. The sender's own calls go through here; so do the bot's direct replies
   * (countDirectSends in src/bot/index.ts), because Telegram counts every message the bot
   * sends and a broadcast at full pace must leave room for them.
   */
  async counted<T>(chatId: number, call: () => Promise<T>): Promise<T> {
    this.sendingNow++;
    this.chatSending.set(chatId, (this.chatSending.get(chatId) ?? 0) + 1);
    try {
      return await call();
    } finally {
      this.sendingNow--;
      const left = this.chatSending.get(chatId)! - 1;
      if (left > 0) this.chatSending.set(chatId, left);
      else this.chatSending.delete(chatId);
      this.record(chatId, Date.now());
    }
  }

  /** A direct reply (countDirectSends): counted here, and told to the other instances, whose sender may be the one sending. */
  async countedDirect<T>(chatId: number, call: () => Promise<T>): Promise<T> {
    try {
      return await this.counted(chatId, call);
    } finally {
      this.peers?.sent(chatId);
    }
  }

  /** Counts one message Telegram answered at `now` (here, or on another instance) for its windows. */
  private record(chatId: number, now: number): void {
    prune(this.globalDone, now - 1000);
    this.globalDone.push(now);
    const times = this.chatDone.get(chatId) ?? [];
    prune(times, now - chatWindowMs(chatId));
    times.push(now);
    this.chatDone.set(chatId, times);
    this.forgetQuietChats(now); // also while standing by, when the loop does not run
  }

  /** Forgets chats whose last message is older than their window (direct replies reach every chat the bot talks to). */
  private forgetQuietChats(now: number): void {
    if (now - this.lastForget < FORGET_EVERY_MS) return;
    this.lastForget = now;
    for (const [chatId, times] of this.chatDone) {
      prune(times, now - chatWindowMs(chatId));
      if (times.length === 0) this.chatDone.delete(chatId);
    }
  }

  private async deliver(row: LeasedRow): Promise<void> {
    const payload = { chat_id: row.chat_id, ...(JSON.parse(row.payload) as Record<string, unknown>) };
    let result: unknown;
    try {
      result = await this.counted(row.chat_id, () => this.call(row.method, payload));
    } catch (err) {
      await this.failed(row, err).catch((e) => this.log.error({ err: e, outboxId: row.id }, 'could not record an outbox failure'));
      return;
    }
    const messageId = typeof result === 'object' && result !== null && 'message_id' in result ? Number(result.message_id) : null;
    this.opts.onResult('sent', false);
    await this.sent(row, messageId).catch((err) => this.log.error({ err, outboxId: row.id }, 'could not mark an outbox row sent'));
  }

  /** Sent is sent: a row cancelled while its call was in flight still counts as delivered. */
  private async sent(row: LeasedRow, messageId: number | null): Promise<void> {
    await this.db
      .updateTable('outbox')
      .set({
        status: 'sent',
        sent_at: this.clock.now(),
        message_id: messageId,
        attempts: row.attempts + 1,
        lease_until: null,
        lease_owner: null,
      })
      .where('id', '=', row.id)
      .where('status', 'in', ['pending', 'cancelled'])
      .execute();
  }

  private async failed(row: LeasedRow, err: unknown): Promise<void> {
    const attempts = row.attempts + 1;
    const set = (patch: { status?: 'failed' | 'unreachable'; not_before?: number; attempts?: number; error: string }) => {
      this.opts.onResult(patch.status ?? 'retry', err instanceof ApiError && err.code === 429);
      return this.db
        .updateTable('outbox')
        .set({ attempts, lease_until: null, lease_owner: null, ...patch })
        .where('id', '=', row.id)
        .where('status', '=', 'pending')
        .execute();
    };

    if (err instanceof ApiError && err.code === 429) {
      const waitMs = (err.retryAfter ?? 1) * 1000;
      if (this.wroteRecently(row.chat_id)) {
        // This chat got another message within the second (a direct reply raced us): only this
        // chat must wait, as Telegram's per-chat limit asks; the rest of the queue goes on.
        await set({ error: err.message, attempts: row.attempts, not_before: this.clock.now() + waitMs });
        return;
      }
      // Telegram asks everyone to wait: pause the whole sender; the row was not at fault.
      this.pausedUntil = Math.max(this.pausedUntil, Date.now() + waitMs);
      this.log.warn(
        {
          retryAfter: err.retryAfter,
          inFlight: this.sendingNow,
          answeredLastSecond: this.globalDone.filter((t) => t > Date.now() - 1000).length,
        },
        'Telegram asked to slow down',
      );
      await set({ error: err.message, attempts: row.attempts });
      return;
    }
    if (err instanceof ApiError && err.code === 400 && /message is not modified/i.test(err.message)) {
      // An edit that changes nothing has nothing left to do.
      await this.sent(row, null);
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

  /** Runs the watchers at most every watchMs (or now, when forced), one run at a time. */
  private async runWatchers(force: boolean): Promise<void> {
    if (this.watchers.length === 0) return;
    if (this.watching) {
      await this.watching;
      if (!force) return;
    }
    if (!force && Date.now() - this.lastWatch < this.opts.watchMs) return;
    this.lastWatch = Date.now();
    this.watching = (async () => {
      for (const w of this.watchers) {
        try {
          await w(this.clock.now());
        } catch (err) {
          this.log.warn({ err }, 'outbox watcher failed');
        }
      }
    })();
    try {
      await this.watching;
    } finally {
      this.watching = undefined;
    }
  }
}

function prune(times: number[], before: number): void {
  while (times.length > 0 && times[0] < before) times.shift();
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, Math.max(1, ms)));
