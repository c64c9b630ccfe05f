// The bot's update queue and both ways to receive it: getUpdates (long polling) and a webhook.
// Every queued update carries a promise that settles once the bot has finished with it, which is
// what lets a test's `alice.send(...)` return only after the bot handled the message:
// - polling: telegraf awaits a whole batch before it asks again with a higher offset, so an
//   update is done when a getUpdates arrives with offset > its update_id;
// - webhook: the bot answers the POST after handling it, so an update is done when the POST is
//   answered with a 2xx. A call in that answer (`{"method": …}`, as Telegram allows one) is made
//   before the update counts as done, so a press's answer given there is in place by then.
// Outside `together`, each action waits for its update, so the bot sees one update at a time.
// Inside `together`, actions only queue their updates; the whole batch then goes out at once: in
// one getUpdates answer, or as overlapping webhook POSTs (at most max_connections at a time), the
// way Telegram delivers an album, a double tap or a burst of messages.

import { AsyncLocalStorage } from 'node:async_hooks';
import http from 'node:http';
import https from 'node:https';
import { ApiError, type TgUpdate } from './types';

/** Update kinds Telegram leaves out unless allowed_updates asks for them. */
const OPT_IN_KINDS = new Set(['chat_member', 'message_reaction', 'message_reaction_count']);

/** Telegram keeps retrying a failed webhook delivery; the emulator does so after these delays. */
const RETRY_DELAYS_MS = [500, 2000, 5000];

/** Telegram's default max_connections for a webhook. */
const DEFAULT_MAX_CONNECTIONS = 40;

export class WebhookError extends Error {
  constructor(
    readonly updateId: number,
    /** The HTTP status the webhook answered, undefined when it could not be reached. */
    readonly status: number | undefined,
    message: string,
  ) {
    super(message);
    this.name = 'WebhookError';
  }
}

/** One attempt to POST an update to the webhook. */
export interface Delivery {
  updateId: number;
  at: number;
  status?: number;
  error?: string;
}

/** The webhook's answer to a POST: its status, and the call its body may carry. */
interface WebhookAnswer {
  status: number;
  statusText: string;
  contentType?: string;
  body: Buffer;
}

interface Pending {
  update: TgUpdate;
  resolve: () => void;
  reject: (error: Error) => void;
  attempts: number;
  inFlight: boolean;
  /** Queued while a batch is open: not delivered until every open batch has closed. */
  held: boolean;
  /** A secret_token that replaces the registered one, for forged deliveries (never retried). */
  forgedSecret?: string;
}

interface Webhook {
  url: string;
  /** Telegram keeps its connections to a webhook open, up to max_connections of them. */
  agent: http.Agent;
  secretToken?: string;
  allowedUpdates?: string[];
  maxConnections?: number;
  lastErrorDate?: number;
  lastErrorMessage?: string;
}

interface HeldPoll {
  limit: number;
  answer: (updates: TgUpdate[]) => void;
  fail: (error: ApiError) => void;
}

/** The updates queued by the actions inside one `together` call. */
interface Batch {
  open: boolean;
  done: Promise<TgUpdate>[];
}

const kindOf = (update: TgUpdate): string | undefined => Object.keys(update).find((key) => key !== 'update_id');

export class UpdateHub {
  readonly deliveries: Delivery[] = [];
  private nextUpdateId = 1;
  private pending: Pending[] = [];
  private held?: HeldPoll;
  private webhook?: Webhook;
  private pollAllowedUpdates?: string[];
  private timers = new Set<NodeJS.Timeout>();
  private closed = false;
  private readonly batchScope = new AsyncLocalStorage<Batch>();
  private openBatches = 0;

  constructor(
    private readonly confirmTimeoutMs: number,
    /** Makes the call a webhook's 2xx answer carries, if any (see server.ts, webhookAnswer). */
    private readonly onAnswer: (contentType: string | undefined, body: Buffer) => Promise<void> = async () => undefined,
  ) {}

  /**
   * Queues an update (assigning its update_id unless it has one) and resolves once the bot has
   * handled it, or at once if the bot's allowed_updates leave it out. Inside `together` it
   * resolves as soon as the update is queued; `together` waits for the bot instead.
   */
  push(raw: Omit<TgUpdate, 'update_id'> & { update_id?: number }, options: { secretToken?: string } = {}): Promise<TgUpdate> {
    if (this.closed) return Promise.reject(new Error('the emulator is closed'));
    const update = { ...raw, update_id: raw.update_id ?? this.nextUpdateId } as TgUpdate;
    this.nextUpdateId = Math.max(this.nextUpdateId, update.update_id + 1);
    if (!this.allows(update)) return Promise.resolve(update);

    let pending!: Pending;
    const done = new Promise<TgUpdate>((resolve, reject) => {
      const timer = this.later(this.confirmTimeoutMs, () =>
        reject(new Error(`bot did not confirm update ${update.update_id} within ${this.confirmTimeoutMs} ms: ${this.modeHint()}`)),
      );
      pending = {
        update,
        resolve: () => {
          this.cancel(timer);
          resolve(update);
        },
        reject: (error) => {
          this.cancel(timer);
          reject(error);
        },
        attempts: 0,
        inFlight: false,
        held: this.openBatches > 0,
        forgedSecret: options.secretToken,
      };
    });
    this.pending.push(pending);
    // A caller that does not await the update must not crash the process with an unhandled
    // rejection; one that awaits still sees the error.
    done.catch(() => undefined);

    const batch = this.batchScope.getStore();
    if (batch?.open) {
      batch.done.push(done);
      return Promise.resolve(update);
    }
    if (pending.held) return done; // another caller's batch is open: it goes out with that batch
    if (this.webhook) void this.deliver(pending);
    else this.answerHeldPoll();
    return done;
  }

  /**
   * Runs `actions`, whose updates are only queued, then hands them to the bot together: in one
   * getUpdates answer (in update_id order), or as concurrent webhook POSTs. Resolves with what
   * `actions` returned once the bot has handled every one of them; rejects with the first
   * failure (a webhook error, a timeout), after all of them settled. Called inside an open
   * batch, it joins that batch.
   */
  async together<T>(actions: () => T | Promise<T>): Promise<T> {
    if (this.batchScope.getStore()?.open) return actions();
    if (this.closed) throw new Error('the emulator is closed');
    const batch: Batch = { open: true, done: [] };
    this.openBatches++;
    let outcome: { ok: true; value: T } | { ok: false; error: unknown };
    try {
      outcome = { ok: true, value: await this.batchScope.run(batch, actions) };
    } catch (error) {
      outcome = { ok: false, error };
    } finally {
      batch.open = false;
      this.openBatches--;
      if (this.openBatches === 0) this.release();
    }
    const settled = await Promise.allSettled(batch.done);
    if (!outcome.ok) throw outcome.error;
    const failed = settled.find((s): s is PromiseRejectedResult => s.status === 'rejected');
    if (failed) throw failed.reason;
    return outcome.value;
  }

  async getUpdates(
    params: { offset?: number; limit?: number; timeout?: number; allowed_updates?: string[] },
    onAbort: (release: () => void) => void,
  ): Promise<TgUpdate[]> {
    if (this.webhook) {
      throw new ApiError(
        409,
        "Conflict: can't use getUpdates method while webhook is active; use deleteWebhook to delete the webhook first",
      );
    }
    if (params.allowed_updates) this.pollAllowedUpdates = params.allowed_updates;
    this.confirm(params.offset ?? 0);
    const limit = Math.min(Math.max(params.limit ?? 100, 1), 100);
    const ready = this.ready(limit);
    if (ready.length > 0 || !params.timeout || this.closed) return ready;

    // Telegram ends an older long poll when a newer one arrives: two bot instances are a bug.
    this.held?.fail(new ApiError(409, 'Conflict: terminated by other getUpdates request; make sure that only one bot instance is running'));
    return new Promise<TgUpdate[]>((resolve, reject) => {
      const poll: HeldPoll = {
        limit,
        answer: (updates) => release(() => resolve(updates)),
        fail: (error) => release(() => reject(error)),
      };
      const timer = this.later(params.timeout! * 1000, () => poll.answer([]));
      const release = (settle: () => void): void => {
        this.cancel(timer);
        if (this.held === poll) this.held = undefined;
        settle();
      };
      this.held = poll;
      // The bot gave up on the request (telegraf's stop() aborts it): nobody is waiting any more.
      onAbort(() => poll.answer([]));
    });
  }

  setWebhook(options: {
    url: string;
    secret_token?: string;
    allowed_updates?: string[];
    max_connections?: number;
    drop_pending_updates?: boolean;
  }): void {
    // An empty url removes the webhook, as on Telegram.
    if (options.url === '') return this.deleteWebhook(options.drop_pending_updates);
    this.webhook?.agent.destroy();
    const Agent = options.url.startsWith('https:') ? https.Agent : http.Agent;
    this.webhook = {
      url: options.url,
      // Idle connections are closed before the bot's server would (Node's keepAliveTimeout is 5 s).
      agent: new Agent({ keepAlive: true, maxSockets: options.max_connections ?? DEFAULT_MAX_CONNECTIONS, timeout: 4000 }),
      secretToken: options.secret_token,
      allowedUpdates: options.allowed_updates,
      maxConnections: options.max_connections,
    };
    this.held?.answer([]);
    if (options.drop_pending_updates) this.dropPending();
    for (const p of this.pending) if (!p.inFlight && !p.held) void this.deliver(p);
  }

  deleteWebhook(dropPending = false): void {
    this.webhook?.agent.destroy();
    this.webhook = undefined;
    if (dropPending) this.dropPending();
  }

  /** Updates not yet confirmed by the bot (Telegram's pending_update_count). */
  get pendingCount(): number {
    return this.pending.length;
  }

  webhookInfo(): Record<string, unknown> {
    const hook = this.webhook;
    return {
      url: hook?.url ?? '',
      has_custom_certificate: false,
      pending_update_count: this.pendingCount,
      ...(hook?.lastErrorDate !== undefined && {
        last_error_date: hook.lastErrorDate,
        last_error_message: hook.lastErrorMessage,
      }),
      ...(hook?.maxConnections !== undefined && { max_connections: hook.maxConnections }),
      ...(hook?.allowedUpdates !== undefined && { allowed_updates: hook.allowedUpdates }),
    };
  }

  get webhookUrl(): string | undefined {
    return this.webhook?.url;
  }

  /** Releases a held long poll, stops retries and fails updates still waiting for the bot. */
  close(): void {
    this.closed = true;
    this.webhook?.agent.destroy();
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
    this.held?.answer([]);
    for (const p of this.pending) p.reject(new Error(`the emulator closed before the bot handled update ${p.update.update_id}`));
    this.pending = [];
  }

  private allows(update: TgUpdate): boolean {
    const kind = kindOf(update);
    if (kind === undefined) return true;
    const allowed = this.webhook ? this.webhook.allowedUpdates : this.pollAllowedUpdates;
    return allowed && allowed.length > 0 ? allowed.includes(kind) : !OPT_IN_KINDS.has(kind);
  }

  /** getUpdates with an offset confirms every update before it; a negative one keeps the last -offset. */
  private confirm(offset: number): void {
    if (offset === 0) return;
    let doneCount = Math.max(0, this.pending.length + offset);
    if (offset > 0) {
      const firstKept = this.pending.findIndex((p) => p.update.update_id >= offset);
      doneCount = firstKept < 0 ? this.pending.length : firstKept;
    }
    const done = this.pending.slice(0, doneCount);
    this.pending = this.pending.slice(doneCount);
    for (const p of done) p.resolve();
  }

  /** What getUpdates may hand out now: the queue up to the first update of a batch still open. */
  private ready(limit: number): TgUpdate[] {
    const firstHeld = this.pending.findIndex((p) => p.held);
    const available = firstHeld < 0 ? this.pending : this.pending.slice(0, firstHeld);
    return available.slice(0, limit).map((p) => p.update);
  }

  private answerHeldPoll(): void {
    if (!this.held) return;
    const ready = this.ready(this.held.limit);
    if (ready.length > 0) this.held.answer(ready);
  }

  /** The last open batch closed: its updates go out together. */
  private release(): void {
    const released = this.pending.filter((p) => p.held);
    for (const p of released) p.held = false;
    if (released.length === 0 || this.closed) return;
    if (!this.webhook) return this.answerHeldPoll();
    // Overlapping POSTs, as many at once as the webhook's max_connections allows.
    const queue = [...released];
    const worker = async (): Promise<void> => {
      for (let p = queue.shift(); p; p = queue.shift()) {
        if (!p.inFlight && this.pending.includes(p)) await this.deliver(p);
      }
    };
    const connections = Math.min(this.webhook.maxConnections ?? DEFAULT_MAX_CONNECTIONS, queue.length);
    for (let i = 0; i < connections; i++) void worker();
  }

  private dropPending(): void {
    // A dropped update will never reach the bot: whoever waits for it is done waiting.
    for (const p of this.pending) p.resolve();
    this.pending = [];
  }

  private async deliver(p: Pending): Promise<void> {
    const hook = this.webhook;
    if (!hook || this.closed) return;
    p.inFlight = true;
    p.attempts++;
    const id = p.update.update_id;
    let failure: WebhookError;
    try {
      const answer = await this.post(hook, JSON.stringify(p.update), p.forgedSecret ?? hook.secretToken);
      const { status, statusText } = answer;
      this.deliveries.push({ updateId: id, at: Date.now(), status });
      if (status >= 200 && status < 300) {
        this.pending = this.pending.filter((other) => other !== p);
        await this.onAnswer(answer.contentType, answer.body);
        p.resolve();
        return;
      }
      failure = new WebhookError(id, status, `webhook answered ${status} ${statusText} to update ${id}`);
      hook.lastErrorMessage = `Wrong response from the webhook: ${status} ${statusText}`;
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      this.deliveries.push({ updateId: id, at: Date.now(), error: reason });
      failure = new WebhookError(id, undefined, `webhook unreachable for update ${id}: ${reason}`);
      hook.lastErrorMessage = `Connection failed: ${reason}`;
    } finally {
      p.inFlight = false;
    }
    hook.lastErrorDate = Math.floor(Date.now() / 1000);
    // The sender learns at once; like Telegram, the emulator retries a genuine update a few times.
    p.reject(failure);
    const retryIn = RETRY_DELAYS_MS[p.attempts - 1];
    if (p.forgedSecret !== undefined || retryIn === undefined) {
      this.pending = this.pending.filter((other) => other !== p);
      return;
    }
    this.later(retryIn, () => {
      if (this.webhook === hook && this.pending.includes(p)) void this.deliver(p);
    });
  }

  /**
   * One POST over the webhook's kept-open connections. A connection the bot's server closed just
   * as it was taken again fails before the update reached the bot: that is sent again at once on a
   * new connection, as an HTTP client does, not counted as a failed delivery.
   */
  private post(hook: Webhook, body: string, secretToken: string | undefined, again = false): Promise<WebhookAnswer> {
    return new Promise((resolve, reject) => {
      const target = new URL(hook.url);
      const request = (target.protocol === 'https:' ? https : http).request(
        target,
        {
          method: 'POST',
          agent: hook.agent,
          timeout: this.confirmTimeoutMs,
          headers: {
            'content-type': 'application/json',
            'content-length': Buffer.byteLength(body),
            ...(secretToken !== undefined && { 'x-telegram-bot-api-secret-token': secretToken }),
          },
        },
        (response) => {
          const chunks: Buffer[] = [];
          response.on('data', (chunk: Buffer) => chunks.push(chunk));
          response.on('end', () =>
            resolve({
              status: response.statusCode ?? 0,
              statusText: response.statusMessage ?? '',
              contentType: response.headers['content-type'],
              body: Buffer.concat(chunks),
            }),
          );
          response.on('error', reject);
        },
      );
      request.on('timeout', () => request.destroy(new Error(`no answer within ${this.confirmTimeoutMs} ms`)));
      request.on('error', (err: NodeJS.ErrnoException) => {
        const closedUnderUs = request.reusedSocket && !again && (err.code === 'ECONNRESET' || err.code === 'EPIPE');
        if (closedUnderUs) resolve(this.post(hook, body, secretToken, true));
        else reject(err);
      });
      request.end(body);
    });
  }

  private modeHint(): string {
    if (this.webhook) return `the webhook at ${this.webhook.url} did not answer`;
    return 'no getUpdates call with a higher offset arrived (is the bot polling, and did its handler finish?)';
  }

  private later(ms: number, run: () => void): NodeJS.Timeout {
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      run();
    }, ms);
    this.timers.add(timer);
    return timer;
  }

  private cancel(timer: NodeJS.Timeout): void {
    clearTimeout(timer);
    this.timers.delete(timer);
  }
}
