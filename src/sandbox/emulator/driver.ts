// Tests (and the web chat) act as Telegram users through these handles: write, send media, press
// buttons, join groups, and read what the bot sent. Every action that reaches the bot resolves
// only once the bot has finished handling it (see UpdateHub).

import { randomInt } from 'node:crypto';
import type { BotApi, CallbackAnswer } from './bot-api';
import type { MessageEntity, TgChat, TgMessage, TgUpdate, TgUser } from './types';
import type { UpdateHub } from './updates';
import { viewOf, type BotMessageView, type ChatState, type MemberStatus, type StoredMessage, type World } from './world';

/** Where an action happens: a group, any chat handle, or a chat id. Omitted: the user's private chat. */
export type ChatRef = EmulatedChat | number;

export type MessageMatch = string | RegExp | ((message: BotMessageView) => boolean);

export interface WaitOptions {
  timeoutMs?: number;
  /** Only messages with a higher message_id count (e.g. the id of the user's own message). */
  after?: number;
}

export interface PressResult {
  /**
   * What the bot passed to answerCallbackQuery for this press (the first one, with `times`), if
   * it answered. Read live: a press queued inside `together` has its answer once `together` resolved.
   */
  readonly answer?: CallbackAnswer;
  /** With `times` > 1: each press's answer, in order. */
  readonly answers?: (CallbackAnswer | undefined)[];
  /** The callback_query id of each press (not enumerable, so toEqual sees only the answers). */
  readonly queryIds?: string[];
}

export interface PressOptions {
  in?: ChatRef;
  messageId?: number;
  /**
   * Presses this many times (default 1), as a double tap does: each press is its own
   * callback_query with its own id, for the same message, all delivered in one batch.
   */
  times?: number;
}

/** One photo of an album; the default bytes are a 1×1 PNG. */
export interface AlbumItem {
  caption?: string;
  bytes?: Buffer;
}

/** A 1×1 PNG: the default photo a user sends. */
const TINY_PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNkYAAAAAYAAjCB0C8AAAAASUVORK5CYII=', 'base64');

/** Where a user shares a location from a reply keyboard's request_location button. */
const DEFAULT_LOCATION = { latitude: 31.2304, longitude: 121.4737 };

/** `/command` or `/command@bot`, as Telegram marks bot_command entities. */
const COMMAND = /(?<![\w/])\/[A-Za-z0-9_]{1,64}(?:@[A-Za-z0-9_]{3,32})?(?![\w@/])/g;

function commandEntities(text: string): MessageEntity[] | undefined {
  const entities = [...text.matchAll(COMMAND)].map((m) => ({ type: 'bot_command', offset: m.index!, length: m[0].length }));
  return entities.length > 0 ? entities : undefined;
}

function describeMatch(match: MessageMatch): string {
  return typeof match === 'function'
    ? 'a message matching the predicate'
    : typeof match === 'string'
      ? JSON.stringify(match)
      : String(match);
}

function matcher(match: MessageMatch): (view: BotMessageView) => boolean {
  if (typeof match === 'function') return match;
  return (view) => {
    const text = view.text ?? view.caption ?? '';
    if (typeof match === 'string') return text.includes(match);
    match.lastIndex = 0;
    return match.test(text);
  };
}

const labelMatches = (label: string | RegExp, text: string): boolean => {
  if (typeof label === 'string') return text === label;
  label.lastIndex = 0;
  return label.test(text);
};

const displayName = (user: TgUser | undefined): string => (user ? user.first_name : 'someone');

/** One line of a transcript: what the message shows. */
function summary(message: TgMessage): string {
  const parts: string[] = [];
  if (message.photo) parts.push('[photo]');
  if (message.document) parts.push(message.document.file_name ? `[document ${message.document.file_name}]` : '[document]');
  if (message.location) parts.push(`[location ${message.location.latitude},${message.location.longitude}]`);
  if (message.contact) parts.push(`[contact ${message.contact.phone_number}]`);
  if (message.sticker) parts.push('[sticker]');
  if (message.voice) parts.push('[voice]');
  const joined = message.new_chat_members as TgUser[] | undefined;
  if (joined) parts.push(`[joined: ${joined.map(displayName).join(', ')}]`);
  const left = message.left_chat_member as TgUser | undefined;
  if (left) parts.push(`[left: ${displayName(left)}]`);
  const text = message.text ?? message.caption;
  if (text !== undefined) parts.push(text);
  return parts.join(' ');
}

function withQueryIds(result: PressResult, ids: string[]): PressResult {
  return Object.defineProperty(result, 'queryIds', { value: ids, enumerable: false });
}

/** The internals the handles share. */
export class Driver {
  private nextQueryId = 1;

  constructor(
    readonly world: World,
    readonly hub: UpdateHub,
    readonly api: BotApi,
    readonly options: { privacyMode: boolean },
  ) {}

  state(ref: ChatRef | undefined, user?: TgUser): ChatState {
    const id = ref === undefined ? user!.id : typeof ref === 'number' ? ref : ref.id;
    const state = this.world.chats.get(id);
    if (!state) throw new Error(`the emulator has no chat ${id}`);
    return state;
  }

  chatName(state: ChatState): string {
    return state.chat.type === 'private' ? `the private chat with ${state.chat.first_name}` : `group "${state.chat.title}"`;
  }

  /** The chat's recent messages, from users and the bot, one per line. */
  transcript(state: ChatState, limit = 15): string {
    const lines = [...state.messages.values()].slice(-limit).map((stored) => {
      const who = stored.fromBot ? 'bot' : displayName(stored.message.from);
      const flags = [stored.message.edit_date !== undefined && 'edited', stored.deleted && 'deleted'].filter(Boolean);
      const buttons = stored.markup?.inline_keyboard?.flat().map((b) => b.text) ?? [];
      const keyboard = stored.markup?.keyboard?.flat().map((b) => b.text) ?? [];
      return [
        `  #${stored.message.message_id} ${who}${flags.length > 0 ? ` (${flags.join(', ')})` : ''}: ${summary(stored.message)}`,
        buttons.length > 0 ? ` [${buttons.join(' | ')}]` : '',
        keyboard.length > 0 ? ` {keyboard: ${keyboard.join(' | ')}}` : '',
      ].join('');
    });
    return lines.length > 0 ? lines.join('\n') : '  (no messages)';
  }

  /** The user is in the chat: their private chat is started, or they are a group member. */
  private enter(state: ChatState, user: TgUser): void {
    if (state.chat.type === 'private') {
      // A forged press in someone else's private chat (hostile tests) changes nothing for them.
      if (state.chat.id !== user.id) return;
      // Writing to a bot one has blocked means pressing "Restart", which unblocks it.
      state.started = true;
      state.blocked = false;
      return;
    }
    const status = state.members.get(user.id);
    if (status === 'kicked') throw new Error(`${user.first_name} is banned from ${this.chatName(state)}`);
    if (status === undefined || status === 'left') state.members.set(user.id, 'member');
  }

  /** Whether Telegram gives this group message to the bot: privacy mode hides most of them. */
  private botSees(state: ChatState, message: TgMessage): boolean {
    if (state.chat.type === 'private') return true;
    if (state.botStatus === 'left' || state.botStatus === 'kicked') return false;
    if (!this.options.privacyMode || state.botStatus === 'administrator' || state.botStatus === 'creator') return true;
    const username = this.world.bot.username;
    const text = message.text ?? message.caption ?? '';
    const commands = [...text.matchAll(COMMAND)].map((m) => m[0]);
    return (
      commands.some((command) => !command.includes('@') || command.endsWith(`@${username}`)) ||
      message.reply_to_message?.from?.id === this.world.bot.id ||
      text.includes(`@${username}`) ||
      message.new_chat_members !== undefined ||
      message.left_chat_member !== undefined
    );
  }

  /** A user's message: shown in the chat, and given to the bot if Telegram would give it. */
  async userMessage(
    user: TgUser,
    ref: ChatRef | undefined,
    content: Partial<TgMessage>,
    options: { replyTo?: number; membershipSet?: boolean } = {},
  ): Promise<TgMessage> {
    const { replyTo, membershipSet = false } = options;
    const state = this.state(ref, user);
    if (!membershipSet) this.enter(state, user);
    let reply: TgMessage | undefined;
    if (replyTo !== undefined) {
      const target = state.messages.get(replyTo);
      if (!target || target.deleted) throw new Error(`no message ${replyTo} to reply to in ${this.chatName(state)}`);
      const { reply_to_message: _nested, ...message } = structuredClone(target.message);
      reply = message;
    }
    const stored = this.world.addMessage(state, { from: user, ...content, ...(reply && { reply_to_message: reply }) }, { fromBot: false });
    if (this.botSees(state, stored.message)) await this.hub.push({ message: structuredClone(stored.message) });
    return stored.message;
  }

  text(user: TgUser, ref: ChatRef | undefined, text: string, replyTo?: number): Promise<TgMessage> {
    const entities = commandEntities(text);
    return this.userMessage(user, ref, { text, ...(entities && { entities }) }, { replyTo });
  }

  async press(user: TgUser, label: string | RegExp, options: PressOptions): Promise<PressResult> {
    const { times = 1 } = options;
    if (!Number.isInteger(times) || times < 1) throw new Error(`times must be a positive integer, got ${times}`);
    const state = this.state(options.in, user);
    const candidates =
      options.messageId !== undefined ? [this.botMessage(state, options.messageId)] : this.world.botMessages(state).reverse();
    for (const stored of candidates) {
      const button = stored.message.reply_markup?.inline_keyboard?.flat().find((b) => labelMatches(label, b.text));
      if (!button) continue;
      if (button.callback_data === undefined) {
        const kind = Object.keys(button).find((key) => key !== 'text') ?? 'no action';
        throw new Error(`button "${button.text}" of message #${stored.message.message_id} is a ${kind} button, not a callback button`);
      }
      const data = button.callback_data;
      return this.repeat(times, () => this.callback(user, state, stored, data));
    }

    const key =
      options.messageId === undefined ? state.replyKeyboard?.keyboard?.flat().find((b) => labelMatches(label, b.text)) : undefined;
    if (key) {
      if (state.replyKeyboard?.one_time_keyboard) state.replyKeyboard = undefined;
      const tap = async (): Promise<PressResult> => {
        if (key.request_contact) {
          await this.userMessage(user, state.chat.id, {
            contact: { phone_number: '+8613800000000', first_name: user.first_name, user_id: user.id },
          });
        } else if (key.request_location) {
          await this.userMessage(user, state.chat.id, { location: DEFAULT_LOCATION });
        } else {
          await this.text(user, state.chat.id, key.text);
        }
        return {};
      };
      return this.repeat(times, tap);
    }

    const visible = this.world
      .botMessages(state)
      .filter((m) => m.message.reply_markup?.inline_keyboard)
      .map(
        (m) =>
          `#${m.message.message_id}: ${viewOf(m)
            .buttons()
            .map((b) => JSON.stringify(b))
            .join(', ')}`,
      );
    const keyboard = state.replyKeyboard?.keyboard?.flat().map((b) => JSON.stringify(b.text));
    throw new Error(
      [
        `${user.first_name} sees no button ${typeof label === 'string' ? JSON.stringify(label) : String(label)} in ${this.chatName(state)}` +
          (options.messageId !== undefined ? ` on message #${options.messageId}` : ''),
        `Inline buttons: ${visible.length > 0 ? `\n  ${visible.join('\n  ')}` : 'none'}`,
        `Reply keyboard: ${keyboard ? keyboard.join(', ') : 'none'}`,
        `Recent messages:\n${this.transcript(state)}`,
      ].join('\n'),
    );
  }

  /** One press, or `times` presses delivered together with one combined result. */
  private async repeat(times: number, press: () => Promise<PressResult>): Promise<PressResult> {
    if (times === 1) return press();
    const results = await this.hub.together(async () => {
      const queued: PressResult[] = [];
      for (let i = 0; i < times; i++) queued.push(await press());
      return queued;
    });
    const combined: PressResult = {
      get answer() {
        return results[0]!.answer;
      },
      get answers() {
        return results.map((r) => r.answer);
      },
    };
    return withQueryIds(
      combined,
      results.flatMap((r) => r.queryIds ?? []),
    );
  }

  /** A press with any callback data, on the given message or the bot's newest one in the chat. */
  pressData(user: TgUser, data: string, options: { in?: ChatRef; messageId?: number }): Promise<PressResult> {
    const state = this.state(options.in, user);
    const stored = options.messageId !== undefined ? this.botMessage(state, options.messageId) : this.world.botMessages(state).at(-1);
    if (!stored) throw new Error(`the bot has no message in ${this.chatName(state)} to press a button on`);
    return this.callback(user, state, stored, data);
  }

  private botMessage(state: ChatState, messageId: number): StoredMessage {
    const stored = state.messages.get(messageId);
    if (!stored || stored.deleted || !stored.fromBot) {
      throw new Error(`there is no bot message #${messageId} in ${this.chatName(state)}\n${this.transcript(state)}`);
    }
    return stored;
  }

  private async callback(user: TgUser, state: ChatState, stored: StoredMessage, data: string): Promise<PressResult> {
    this.enter(state, user);
    const id = this.newQueryId();
    await this.hub.push({
      callback_query: {
        id,
        from: user,
        message: structuredClone(stored.message),
        chat_instance: this.chatInstance(state),
        data,
      },
    });
    const queries = this.api.callbackQueries;
    return withQueryIds(
      {
        get answer() {
          return queries.get(id)?.answer;
        },
      },
      [id],
    );
  }

  newQueryId(): string {
    const id = `${randomInt(1_000_000, 9_999_999)}${this.nextQueryId++}`;
    this.api.callbackQueries.set(id, {});
    return id;
  }

  chatInstance(state: ChatState): string {
    return String(Math.abs(state.chat.id) * 7919 + 17);
  }

  /**
   * A raw update for hostile tests. message, edited_message and callback_query get the usual
   * fields (ids, date, chat, from) unless the partial update sets them.
   */
  rawUpdate(user: TgUser, partial: Record<string, unknown>, ref: ChatRef | undefined): Omit<TgUpdate, 'update_id'> {
    const state = this.state(ref, user);
    const update: Record<string, unknown> = { ...partial };
    for (const kind of ['message', 'edited_message']) {
      if (update[kind] === undefined) continue;
      update[kind] = {
        message_id: state.nextMessageId++,
        from: user,
        chat: state.chat,
        date: this.world.unixNow(),
        ...(update[kind] as object),
      };
    }
    if (update.callback_query !== undefined) {
      const newest = this.world.botMessages(state).at(-1);
      update.callback_query = {
        id: this.newQueryId(),
        from: user,
        chat_instance: this.chatInstance(state),
        ...(newest && { message: structuredClone(newest.message) }),
        ...(update.callback_query as object),
      };
    }
    return update;
  }

  /**
   * The user edits a message they sent: its text (or a media message's caption) changes, and the
   * bot gets an edited_message update with edit_date, if it saw the message.
   */
  async editUserMessage(user: TgUser, chatId: number, messageId: number, text: string): Promise<TgMessage> {
    const state = this.state(chatId);
    const stored = state.messages.get(messageId);
    if (!stored || stored.deleted || stored.fromBot || stored.message.from?.id !== user.id) {
      throw new Error(`${user.first_name} has no message #${messageId} to edit in ${this.chatName(state)}\n${this.transcript(state)}`);
    }
    const message = stored.message;
    const entities = commandEntities(text);
    if (message.text !== undefined) {
      message.text = text;
      if (entities) message.entities = entities;
      else delete message.entities;
    } else if (message.photo || message.document || message.voice) {
      message.caption = text;
      if (entities) message.caption_entities = entities;
      else delete message.caption_entities;
    } else {
      throw new Error(`message #${messageId} has no text or caption to edit`);
    }
    message.edit_date = this.world.unixNow();
    this.world.events.emit('edit', { chatId: state.chat.id, message: structuredClone(message) });
    if (this.botSees(state, message)) await this.hub.push({ edited_message: structuredClone(message) });
    return structuredClone(message);
  }

  async membership(user: TgUser, group: ChatState, joining: boolean, inviteLink?: string): Promise<TgMessage> {
    if (joining && inviteLink !== undefined && !group.inviteLinks.includes(inviteLink)) {
      throw new Error(`${inviteLink} is not an invite link of ${this.chatName(group)}`);
    }
    const before = group.members.get(user.id) ?? 'left';
    if (before === 'kicked') throw new Error(`${user.first_name} is banned from ${this.chatName(group)}`);
    const after: MemberStatus = joining ? 'member' : 'left';
    // Set before the bot hears of it, so a getChatMember in its handler sees the new status.
    group.members.set(user.id, after);
    const message = await this.userMessage(user, group.chat.id, joining ? { new_chat_members: [user] } : { left_chat_member: user }, {
      membershipSet: true,
    });
    // Delivered only if the bot asked for chat_member updates in allowed_updates.
    await this.hub.push({
      chat_member: {
        chat: group.chat,
        from: user,
        date: this.world.unixNow(),
        old_chat_member: { status: before, user },
        new_chat_member: { status: after, user },
        ...(inviteLink !== undefined && {
          invite_link: {
            invite_link: inviteLink,
            creator: this.world.bot,
            creates_join_request: false,
            is_primary: false,
            is_revoked: false,
          },
        }),
      },
    });
    return message;
  }

  waitFor(state: ChatState, match: MessageMatch, options: WaitOptions = {}): Promise<BotMessageView> {
    const { timeoutMs = 5000, after } = options;
    const test = matcher(match);
    const find = (): BotMessageView | undefined =>
      this.world
        .botMessages(state)
        .reverse()
        .map((stored) => viewOf(stored))
        .find((view) => (after === undefined || view.message_id > after) && test(view));
    const found = find();
    if (found) return Promise.resolve(found);
    return new Promise((resolve, reject) => {
      const onChange = ({ chatId }: { chatId: number }): void => {
        if (chatId !== state.chat.id) return;
        const view = find();
        if (!view) return;
        stop();
        resolve(view);
      };
      const timer = setTimeout(() => {
        stop();
        reject(
          new Error(
            `no bot message matching ${describeMatch(match)} in ${this.chatName(state)} within ${timeoutMs} ms.\nRecent messages:\n${this.transcript(state)}`,
          ),
        );
      }, timeoutMs);
      const stop = (): void => {
        clearTimeout(timer);
        this.world.events.off('message', onChange);
        this.world.events.off('edit', onChange);
      };
      this.world.events.on('message', onChange);
      this.world.events.on('edit', onChange);
    });
  }
}

/** Any chat, seen from the outside. */
export class EmulatedChat {
  constructor(
    protected readonly driver: Driver,
    readonly id: number,
  ) {}

  protected get state(): ChatState {
    return this.driver.state(this.id);
  }

  get chat(): TgChat {
    return structuredClone(this.state.chat);
  }

  /** The bot's messages in this chat as they are now (edits applied, deleted ones gone), oldest first. */
  messages(): BotMessageView[] {
    return this.driver.world.botMessages(this.state).map((stored) => viewOf(stored));
  }

  last(): BotMessageView | undefined {
    return this.messages().at(-1);
  }

  /** Every message still in the chat, from users and from the bot, as Telegram objects. */
  history(): TgMessage[] {
    return [...this.state.messages.values()].filter((m) => !m.deleted).map((m) => structuredClone(m.message));
  }

  transcript(limit?: number): string {
    return this.driver.transcript(this.state, limit);
  }

  /**
   * Resolves with the newest bot message here that matches (text or caption contains the string,
   * matches the RegExp, or passes the predicate), waiting for new and edited messages; rejects
   * with the chat's recent transcript after timeoutMs (default 5000).
   */
  waitFor(match: MessageMatch, options?: WaitOptions): Promise<BotMessageView> {
    return this.driver.waitFor(this.state, match, options);
  }
}

export class EmulatedGroup extends EmulatedChat {
  get title(): string {
    return this.state.chat.title ?? '';
  }

  /** Puts a user in the group without telling the bot (use user.join for that). */
  add(user: { id: number }, status: MemberStatus = 'member'): this {
    if (!this.driver.world.users.has(user.id)) throw new Error(`unknown user ${user.id}`);
    this.state.members.set(user.id, status);
    return this;
  }

  memberStatus(user: { id: number }): MemberStatus | undefined {
    return this.state.members.get(user.id);
  }

  /** Invite links the bot created for this group (createChatInviteLink). */
  inviteLinks(): string[] {
    return [...this.state.inviteLinks];
  }
}

export class EmulatedUser {
  constructor(
    private readonly driver: Driver,
    readonly user: TgUser,
  ) {}

  get id(): number {
    return this.user.id;
  }

  get name(): string {
    return this.user.first_name;
  }

  /** Writes text (in the private chat with the bot, or `in` a group); /commands get bot_command entities. */
  send(text: string, options: { in?: ChatRef; replyTo?: number } = {}): Promise<TgMessage> {
    return this.driver.text(this.user, options.in, text, options.replyTo);
  }

  sendPhoto(options: { caption?: string; in?: ChatRef; bytes?: Buffer } = {}): Promise<TgMessage> {
    const photo = this.driver.world.storePhoto(options.bytes ?? TINY_PNG);
    return this.driver.userMessage(this.user, options.in, { photo, ...this.caption(options.caption) });
  }

  /**
   * An album, as Telegram delivers one: a photo message per item (or `count` photos), all
   * sharing one media_group_id, each photo with its own file_id, handed to the bot in one batch
   * (one getUpdates answer, or concurrent webhook POSTs). Resolves with the messages, in order,
   * once the bot handled all of them. Telegram albums hold 2 to 10 items.
   */
  sendAlbum(items: AlbumItem[] | number, options: { in?: ChatRef } = {}): Promise<TgMessage[]> {
    const list = typeof items === 'number' ? Array.from({ length: items }, (): AlbumItem => ({})) : items;
    if (list.length < 2 || list.length > 10) throw new Error(`a Telegram album has 2 to 10 items, got ${list.length}`);
    const world = this.driver.world;
    const mediaGroupId = world.newMediaGroupId();
    return this.driver.hub.together(async () => {
      const sent: TgMessage[] = [];
      for (const item of list) {
        const photo = world.storePhoto(item.bytes ?? TINY_PNG);
        sent.push(
          await this.driver.userMessage(this.user, options.in, { media_group_id: mediaGroupId, photo, ...this.caption(item.caption) }),
        );
      }
      return sent;
    });
  }

  /**
   * Forwards a text written by someone else, as Telegram shows it: forward_origin (a 'user'
   * origin for `from`, else a 'hidden_user' one named `fromName`), plus the forward_date and
   * forward_from / forward_sender_name Telegram still sends. `date` is when the original was sent
   * (default an hour ago).
   */
  forward(
    text: string,
    options: { fromName?: string; from?: EmulatedUser | TgUser; date?: number; in?: ChatRef } = {},
  ): Promise<TgMessage> {
    const date = options.date ?? this.driver.world.unixNow() - 3600;
    const sender = options.from instanceof EmulatedUser ? options.from.user : options.from;
    const forward_origin = sender
      ? { type: 'user', date, sender_user: sender }
      : { type: 'hidden_user', date, sender_user_name: options.fromName ?? 'Someone' };
    const legacy = sender ? { forward_from: sender } : { forward_sender_name: forward_origin.sender_user_name };
    const entities = commandEntities(text);
    return this.driver.userMessage(this.user, options.in, {
      text,
      ...(entities && { entities }),
      forward_origin,
      forward_date: date,
      ...legacy,
    });
  }

  /**
   * Edits a message this user sent earlier (the TgMessage send returned, or its id in the private
   * chat): its text, or a photo's or file's caption. The bot gets an edited_message update with
   * edit_date. Resolves with the edited message once the bot handled it.
   */
  edit(message: TgMessage | number, text: string): Promise<TgMessage> {
    const chatId = typeof message === 'number' ? this.user.id : message.chat.id;
    const messageId = typeof message === 'number' ? message : message.message_id;
    return this.driver.editUserMessage(this.user, chatId, messageId, text);
  }

  sendLocation(latitude: number, longitude: number, options: { in?: ChatRef } = {}): Promise<TgMessage> {
    return this.driver.userMessage(this.user, options.in, { location: { latitude, longitude } });
  }

  /** Shares a contact: by default the user's own (user_id = this user). */
  sendContact(
    phoneNumber: string,
    options: { in?: ChatRef; first_name?: string; last_name?: string; user_id?: number } = {},
  ): Promise<TgMessage> {
    const { in: ref, ...person } = options;
    const contact = { phone_number: phoneNumber, first_name: this.user.first_name, user_id: this.user.id, ...person };
    return this.driver.userMessage(this.user, ref, { contact });
  }

  sendSticker(options: { in?: ChatRef } = {}): Promise<TgMessage> {
    const file = this.driver.world.storeFile('sticker', Buffer.from('emulated sticker'), { mime_type: 'image/webp' });
    const sticker = {
      file_id: file.file_id,
      file_unique_id: file.file_unique_id,
      type: 'regular',
      width: 512,
      height: 512,
      is_animated: false,
      is_video: false,
      emoji: '👍',
      file_size: file.bytes.length,
    };
    return this.driver.userMessage(this.user, options.in, { sticker });
  }

  /** A voice note (audio/ogg, `duration` seconds, default 3) whose file_id the bot can getFile or sendVoice. */
  sendVoice(options: { in?: ChatRef; duration?: number; bytes?: Buffer } = {}): Promise<TgMessage> {
    const duration = options.duration ?? 3;
    const file = this.driver.world.storeFile('voice', options.bytes ?? Buffer.from('emulated voice'), { mime_type: 'audio/ogg', duration });
    const voice = {
      file_id: file.file_id,
      file_unique_id: file.file_unique_id,
      duration,
      mime_type: 'audio/ogg',
      file_size: file.bytes.length,
    };
    return this.driver.userMessage(this.user, options.in, { voice });
  }

  /** A file; a photo sent "as a file" is a document with an image mime_type (and no photo sizes). */
  sendDocument(options: { fileName: string; bytes: Buffer; mimeType?: string; caption?: string; in?: ChatRef }): Promise<TgMessage> {
    const mime_type = options.mimeType ?? 'application/octet-stream';
    const file = this.driver.world.storeFile('document', options.bytes, { file_name: options.fileName, mime_type });
    const document = {
      file_id: file.file_id,
      file_unique_id: file.file_unique_id,
      file_name: options.fileName,
      mime_type,
      file_size: options.bytes.length,
    };
    return this.driver.userMessage(this.user, options.in, { document, ...this.caption(options.caption) });
  }

  /**
   * Presses the button labelled exactly `label` (or matching it) on the bot's newest message in
   * the chat that has one, or on message `messageId`; falls back to the reply keyboard. Resolves
   * after the bot handled the press, with its answerCallbackQuery. Throws listing the visible
   * buttons when there is no such button. `times: 2` is a double tap: two callback queries with
   * different ids for the same message, delivered in one batch.
   */
  press(label: string | RegExp, options: PressOptions = {}): Promise<PressResult> {
    return this.driver.press(this.user, label, options);
  }

  /** Sends a callback_query with any data, as a forged press would (hostile tests). */
  pressData(data: string, options: { in?: ChatRef; messageId?: number } = {}): Promise<PressResult> {
    return this.driver.pressData(this.user, data, options);
  }

  /** Sends a raw update from this user (hostile tests); see Driver.rawUpdate for the defaults filled in. */
  sendUpdate(partial: Record<string, unknown>, options: { in?: ChatRef; secretToken?: string } = {}): Promise<TgUpdate> {
    return this.driver.hub.push(this.driver.rawUpdate(this.user, partial, options.in), { secretToken: options.secretToken });
  }

  /** Joins a group (a new_chat_members message, plus a chat_member update if the bot asked for those). */
  join(group: EmulatedChat, options: { inviteLink?: string } = {}): Promise<TgMessage> {
    return this.driver.membership(this.user, this.driver.state(group), true, options.inviteLink);
  }

  leave(group: EmulatedChat): Promise<TgMessage> {
    return this.driver.membership(this.user, this.driver.state(group), false);
  }

  /** The labels of the reply keyboard under this user's private chat now (none: []). */
  replyKeyboard(): string[] {
    return (
      this.driver
        .state(undefined, this.user)
        .replyKeyboard?.keyboard?.flat()
        .map((b) => b.text) ?? []
    );
  }

  /** The bot's messages in this user's private chat, as they are now. */
  inbox(): BotMessageView[] {
    return this.privateChat().messages();
  }

  last(): BotMessageView | undefined {
    return this.privateChat().last();
  }

  waitFor(match: MessageMatch, options: WaitOptions & { in?: ChatRef } = {}): Promise<BotMessageView> {
    return this.driver.waitFor(this.driver.state(options.in, this.user), match, options);
  }

  private privateChat(): EmulatedChat {
    return new EmulatedChat(this.driver, this.user.id);
  }

  private caption(caption: string | undefined): Partial<TgMessage> {
    if (caption === undefined) return {};
    const entities = commandEntities(caption);
    return { caption, ...(entities && { caption_entities: entities }) };
  }
}
