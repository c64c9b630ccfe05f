// Linli's own Telegram Bot API emulator: an HTTP server on loopback that answers the bot like
// api.telegram.org (checking each call against the Bot API facts in api-facts.json), and a driver
// through which tests and the web chat act as Telegram users. See startEmulator.

import { signedInitData } from './web-app';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { BotApi, type BotCommand, type BotCommandScope } from './bot-api';
import { EmulatedChat, Driver, EmulatedGroup, EmulatedUser } from './driver';
import { ApiSchema } from './schema';
import { createApiServer, webhookAnswer, type ServerDeps } from './server';
import { Faults, RateLimits } from './traffic';
import type { CallRecord, ReplyMarkup, TgChat, TgUpdate, TgUser } from './types';
import { UpdateHub, type Delivery } from './updates';
import { World, type BotMessageView, type MemberStatus } from './world';

export type { BotCommand, BotCommandScope, CallbackAnswer } from './bot-api';
export { EmulatedChat, EmulatedGroup, EmulatedUser } from './driver';
export type { AlbumItem, ChatRef, MessageMatch, PressOptions, PressResult, WaitOptions } from './driver';
export type { FaultRule, LimitOptions, RandomFaults } from './traffic';
export type { CallRecord, FaultKind, TgChat, TgMessage, TgUpdate, TgUser, TgVoice } from './types';
export { webAppLaunchUrl } from './web-app';
export { WebhookError, type Delivery } from './updates';
export type { BotMessageView, EmulatorEvents, MemberStatus, MessageKind } from './world';

export interface EmulatorOptions {
  /** The bot token; its number before ':' is the bot's user id. */
  token?: string;
  /** Reject parameters and fields the Bot API does not define (default true). */
  strict?: boolean;
  botUsername?: string;
  botName?: string;
  /**
   * Telegram's privacy mode (default on): in groups where the bot is not an admin it only
   * receives commands, replies to it, mentions of it and service messages.
   */
  privacyMode?: boolean;
  /** How long an action waits for the bot to finish handling its update (default 10000 ms). */
  confirmTimeoutMs?: number;
  /** Port on 127.0.0.1 (default 0: any free port). */
  port?: number;
  /**
   * Where message dates (date, edit_date) come from, in milliseconds since the epoch (default
   * real time). The sandbox passes its movable clock, so its messages follow the time control.
   */
  clock?: { now(): number };
}

export interface NewUser {
  id?: number;
  first_name: string;
  last_name?: string;
  username?: string;
  language_code?: string;
  /** The user has already talked to the bot, so the bot may write first (default false). */
  started?: boolean;
}

export interface NewGroup {
  /** Negative; assigned when omitted. */
  id?: number;
  title: string;
  type?: 'group' | 'supergroup';
  username?: string;
  members?: { id: number }[];
  admins?: { id: number }[];
  /** The bot's own status (default 'administrator'). */
  botStatus?: MemberStatus;
}

/**
 * Calls the bot got wrong: what Telegram answers with 400 (bad request), 404 (no such method),
 * 409 (conflict), plus the emulator's own 500s. Flood 429s, 403s from users who blocked the bot
 * and injected faults are situations, not mistakes, and are not listed.
 */
const isRejection = (call: CallRecord): boolean =>
  !call.ok && call.fault === undefined && [400, 404, 409, 500].includes(call.error?.code ?? 0);

export class Emulator {
  /** Every call the bot made, in the order they were answered. */
  readonly calls: CallRecord[] = [];
  /** The calls Telegram would have refused as wrong (see isRejection): tests expect none. */
  readonly rejected: CallRecord[] = [];
  readonly stats = { tooManyRequests: 0 };
  readonly faults = new Faults();
  readonly limits = new RateLimits();
  private readonly world: World;
  private readonly hub: UpdateHub;
  private readonly api: BotApi;
  private readonly driver: Driver;
  private readonly server: Server;
  private address?: AddressInfo;

  constructor(
    readonly token: string,
    private readonly options: Required<Omit<EmulatorOptions, 'token'>>,
  ) {
    const botId = Number(token.split(':')[0]);
    if (!Number.isSafeInteger(botId) || botId <= 0) throw new Error(`a bot token starts with the bot id and ':', got "${token}"`);
    this.world = new World({ id: botId, is_bot: true, first_name: options.botName, username: options.botUsername }, options.clock);
    // A call in the bot's answer to a webhook POST takes the way of a request (the server's deps, made below).
    this.hub = new UpdateHub(options.confirmTimeoutMs, (contentType, body) => webhookAnswer(serverDeps, contentType, body));
    this.api = new BotApi(this.world, this.hub, this.limits, this.stats, { privacyMode: options.privacyMode });
    this.driver = new Driver(this.world, this.hub, this.api, { privacyMode: options.privacyMode });
    const serverDeps: ServerDeps = {
      token,
      strict: options.strict,
      schema: new ApiSchema(),
      api: this.api,
      faults: this.faults,
      world: this.world,
      record: (call) => {
        this.calls.push(call);
        if (isRejection(call)) this.rejected.push(call);
        this.world.events.emit('call', call);
      },
    };
    this.server = createApiServer(serverDeps);
  }

  async listen(): Promise<this> {
    await new Promise<void>((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(this.options.port, '127.0.0.1', resolve);
    });
    this.address = this.server.address() as AddressInfo;
    return this;
  }

  /** Where the bot points telegraf: `new Telegraf(token, { telegram: { apiRoot } })`. */
  get apiRoot(): string {
    return `http://127.0.0.1:${this.address!.port}`;
  }

  get bot(): TgUser {
    return { ...this.world.bot };
  }

  /**
   * The launch data Telegram gives a Mini App this user opens (a web_app button or the menu
   * button), signed with the bot token; `ageSeconds` makes it that old.
   */
  webAppInitData(user: { user: TgUser } | TgUser, ageSeconds = 0): string {
    const tgUser = 'user' in user ? user.user : user;
    return signedInitData(this.token, tgUser, Math.floor(this.options.clock.now() / 1000) - ageSeconds);
  }

  /** message, edit, delete (chat changes) and call (every answered Bot API call). */
  get events(): World['events'] {
    return this.world.events;
  }

  /** Updates the bot has not confirmed yet (as getWebhookInfo's pending_update_count). */
  get pendingUpdates(): number {
    return this.hub.pendingCount;
  }

  /** Every POST of an update to the webhook, with its outcome. */
  get deliveries(): readonly Delivery[] {
    return this.hub.deliveries;
  }

  /** The webhook URL the bot set, if any. */
  get webhookUrl(): string | undefined {
    return this.hub.webhookUrl;
  }

  user(fields: NewUser): EmulatedUser {
    const { started = false, ...profile } = fields;
    const user = this.world.addUser(profile);
    this.world.chats.get(user.id)!.started = started;
    return new EmulatedUser(this.driver, user);
  }

  group(fields: NewGroup): EmulatedGroup {
    const { members = [], admins = [], ...chat } = fields;
    const state = this.world.addGroup(chat);
    const handle = new EmulatedGroup(this.driver, state.chat.id);
    for (const member of members) handle.add(member);
    for (const admin of admins) handle.add(admin, 'administrator');
    return handle;
  }

  /** Any chat by id (a user's id is their private chat with the bot). */
  chat(chatId: number): EmulatedChat {
    const state = this.driver.state(chatId);
    return state.chat.type === 'private' ? new EmulatedChat(this.driver, chatId) : new EmulatedGroup(this.driver, chatId);
  }

  /** Every version of every message the bot sent anywhere: as sent, as edited, and deleted ones. */
  allBotMessages(): BotMessageView[] {
    return this.world.allBotMessages();
  }

  /** Every chat the emulator knows: private chats (id = the user's id) and groups. For the web chat. */
  allChats(): TgChat[] {
    return [...this.world.chats.values()].map((state) => structuredClone(state.chat));
  }

  /** A user by id, as the bot sees them. */
  userById(id: number): TgUser | undefined {
    const user = this.world.users.get(id);
    return user && { ...user };
  }

  /** The reply keyboard the bot last set in the chat (what Telegram shows below the input field). */
  replyKeyboard(chatId: number): ReplyMarkup | undefined {
    return structuredClone(this.driver.state(chatId).replyKeyboard);
  }

  /** A stored file's bytes by file_id (a photo size, a document): the web chat shows and serves them. */
  file(fileId: string): { bytes: Buffer; mime_type?: string; file_name?: string } | undefined {
    const file = this.world.files.get(fileId);
    return file && { bytes: file.bytes, mime_type: file.mime_type, file_name: file.file_name };
  }

  /** The commands setMyCommands stored for exactly this scope and language (default: default scope, all languages). */
  commands(scope?: BotCommandScope, languageCode = ''): BotCommand[] {
    return this.api.commands.get(this.api.commandsKey(scope, languageCode)) ?? [];
  }

  /** The menu button setChatMenuButton stored for the chat (or the default one). */
  menuButton(chatId?: number): Record<string, unknown> {
    return this.api.menuButton(chatId);
  }

  /**
   * Sends any update to the bot (update_id assigned when absent) and resolves once it handled
   * it. `secretToken` forges the webhook's secret header for this one delivery.
   */
  injectUpdate(update: Record<string, unknown>, options: { secretToken?: string } = {}): Promise<TgUpdate> {
    return this.hub.push(update, options);
  }

  /**
   * Users acting at the same moment. The actions inside only queue their updates (messages,
   * presses, albums, edits, from any users and chats) without waiting for the bot; then all of
   * them reach the bot together, in update_id order: in ONE getUpdates answer when polling, or as
   * overlapping webhook POSTs (up to the webhook's max_connections, 40 by default). Resolves with
   * what `actions` returned once the bot handled every update; each action's own result (a
   * PressResult's answer…) is complete by then. Nested calls join the outer batch.
   *
   *     await emu.together(async () => { await alice.send('a'); await alice.press('Submit'); await bob.send('x'); });
   */
  together<T>(actions: () => T | Promise<T>): Promise<T> {
    return this.hub.together(actions);
  }

  /** Resolves with the first `count` calls (default 1) of that method or passing the predicate, past or future. */
  waitForCalls(
    match: string | ((call: CallRecord) => boolean),
    options: { count?: number; timeoutMs?: number } = {},
  ): Promise<CallRecord[]> {
    const { count = 1, timeoutMs = 5000 } = options;
    const test = typeof match === 'string' ? (call: CallRecord) => call.method === match : match;
    const found = (): CallRecord[] => this.calls.filter(test);
    if (found().length >= count) return Promise.resolve(found().slice(0, count));
    return new Promise((resolve, reject) => {
      const onCall = (): void => {
        if (found().length < count) return;
        stop();
        resolve(found().slice(0, count));
      };
      const timer = setTimeout(() => {
        stop();
        const recent = this.calls.slice(-10).map((c) => `  ${c.method} ${c.ok ? 'ok' : (c.error?.description ?? c.fault)}`);
        reject(new Error(`only ${found().length} of ${count} expected calls within ${timeoutMs} ms. Recent calls:\n${recent.join('\n')}`));
      }, timeoutMs);
      const stop = (): void => {
        clearTimeout(timer);
        this.events.off('call', onCall);
      };
      this.events.on('call', onCall);
    });
  }

  /** The user blocks the bot: its messages to them now fail with 403. */
  block(user: number | { id: number }): void {
    this.privateState(user).blocked = true;
  }

  unblock(user: number | { id: number }): void {
    this.privateState(user).blocked = false;
  }

  /** Stops the server; held long polls return empty and updates still waiting fail. */
  async close(): Promise<void> {
    this.hub.close();
    const closed = new Promise<void>((resolve) => this.server.close(() => resolve()));
    // Let the answers to released long polls reach their sockets before cutting the rest.
    await new Promise((resolve) => setImmediate(resolve));
    this.server.closeAllConnections();
    await closed;
  }

  private privateState(user: number | { id: number }) {
    const id = typeof user === 'number' ? user : user.id;
    const state = this.world.chats.get(id);
    if (!state || state.chat.type !== 'private') throw new Error(`unknown user ${id}`);
    return state;
  }
}

export async function startEmulator(options: EmulatorOptions = {}): Promise<Emulator> {
  const { token = '7000000001:AAEmulatedLinliSandboxToken0000000000', ...rest } = options;
  const emulator = new Emulator(token, {
    strict: true,
    botUsername: 'linli_bot',
    botName: 'Linli',
    privacyMode: true,
    confirmTimeoutMs: 10_000,
    port: 0,
    clock: { now: () => Date.now() },
    ...rest,
  });
  return emulator.listen();
}
