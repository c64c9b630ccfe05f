/**
 * One chat's updates are handled one after another, in update_id order, while different chats
 * run in parallel. Telegram hands over updates that arrived together at once (a polling batch,
 * overlapping webhook requests): an album, a double tap, a burst of typing. Handled side by side
 * they would read the same session and the last write would win.
 *
 * A chat may also hold back one reply (an album's answer, see FlowEngine): it is sent when the
 * chat's next update starts, unless that update is part of the same album (which then holds its
 * own answer instead), or when the chat has been quiet for `holdMs`. So an album gets one answer,
 * and nothing the bot says later overtakes it.
 */

interface Waiting {
  updateId: number;
  album?: string;
  go: () => Promise<void>;
}

interface Held {
  album: string;
  timer: NodeJS.Timeout;
  send: () => Promise<void>;
}

interface ChatLine {
  waiting: Waiting[];
  busy: boolean;
  /** The update being handled now. */
  current?: number;
  held?: Held;
}

export class ChatQueues {
  private readonly chats = new Map<string, ChatLine>();

  constructor(
    private readonly holdMs: number,
    private readonly onError: (err: unknown) => void,
    /** An update still running after this long no longer holds its chat's line (telegraf gave up on it at 60 s). */
    private readonly stuckMs = 90_000,
  ) {}

  /**
   * Runs `task` when every earlier update of this chat is done; resolves when `task` has. The same
   * update again while it is still in line (a webhook retry) is dropped at once: it will be handled.
   */
  run(chat: string, update: { updateId: number; album?: string }, task: () => Promise<void>): Promise<void> {
    const line = this.line(chat);
    if (update.updateId >= 0 && (line.current === update.updateId || line.waiting.some((w) => w.updateId === update.updateId)))
      return Promise.resolve();
    return new Promise<void>((resolve, reject) => {
      const entry: Waiting = { ...update, go: () => task().then(resolve, reject) };
      // Overlapping webhook requests may arrive out of order: keep the waiting ones sorted.
      const at = line.waiting.findIndex((w) => w.updateId > update.updateId);
      line.waiting.splice(at < 0 ? line.waiting.length : at, 0, entry);
      if (!line.busy) void this.drain(chat, line);
    });
  }

  /** Runs `task` in the chat's line ahead of the updates still waiting there, and resolves with its result. */
  async within<T>(chat: string, task: () => Promise<T>): Promise<T> {
    let result: T | undefined;
    await this.run(chat, { updateId: -1 }, async () => {
      result = await task();
    });
    return result as T;
  }

  /** Holds back the answer to a part of an album until the album is over (see above). */
  hold(chat: string, album: string, send: () => Promise<void>): void {
    const line = this.line(chat);
    if (line.held) clearTimeout(line.held.timer);
    line.held = { album, timer: this.timer(chat), send };
  }

  /** Sends the held answer once the chat has been quiet for holdMs. */
  private timer(chat: string): NodeJS.Timeout {
    return setTimeout(() => this.sendHeld(chat), this.holdMs);
  }

  /** Takes a turn in the chat's line that does nothing but let release() send the held answer. */
  private sendHeld(chat: string): void {
    void this.run(chat, { updateId: -1 }, async () => undefined);
  }

  /** Resolves once no chat has work queued or an answer held (a graceful stop sends held answers). */
  async settled(limitMs: number): Promise<void> {
    for (const [chat, line] of this.chats) if (line.held && !line.busy) this.sendHeld(chat);
    const until = Date.now() + limitMs;
    while (this.chats.size > 0 && Date.now() < until) await new Promise((resolve) => setTimeout(resolve, 20));
  }

  private line(chat: string): ChatLine {
    let line = this.chats.get(chat);
    if (!line) this.chats.set(chat, (line = { waiting: [], busy: false }));
    return line;
  }

  private async drain(chat: string, line: ChatLine): Promise<void> {
    line.busy = true;
    for (let next = line.waiting.shift(); next; next = line.waiting.shift()) {
      const carried = await this.release(line, next.album);
      line.current = next.updateId;
      await this.untilDoneOrStuck(next.go().catch(this.onError));
      // The album's next part held no answer of its own (e.g. the step had finished): the earlier one still waits.
      if (carried && line.held === carried) line.held = { ...carried, timer: this.timer(chat) };
    }
    line.current = undefined;
    line.busy = false;
    if (!line.held) this.chats.delete(chat);
  }

  private async untilDoneOrStuck(work: Promise<void>): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    const stuck = new Promise<void>((resolve) => {
      timer = setTimeout(() => {
        this.onError(new Error(`an update ran past ${this.stuckMs / 1000} s; its chat's next updates go on without it`));
        resolve();
      }, this.stuckMs);
      timer.unref();
    });
    await Promise.race([work, stuck]);
    clearTimeout(timer);
  }

  /**
   * Before an update runs: send the held answer, unless this update continues the same album
   * (then the answer stays held, for the part to replace; it is returned so that it can wait on).
   */
  private async release(line: ChatLine, album: string | undefined): Promise<Held | undefined> {
    const held = line.held;
    if (!held) return undefined;
    clearTimeout(held.timer);
    if (album !== undefined && album === held.album) return held;
    line.held = undefined;
    await held.send().catch(this.onError);
    return undefined;
  }
}
