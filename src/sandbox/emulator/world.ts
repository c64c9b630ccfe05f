// What the emulated Telegram knows: users, chats and their members, every message in every chat
// (current version, plus the history of what the bot sent), and uploaded files. Changes are
// announced on `events`, which the web chat subscribes to.

import { randomBytes } from 'node:crypto';
import { EventEmitter } from 'node:events';
import {
  badRequest,
  type CallRecord,
  type PhotoSize,
  type ReplyMarkup,
  type TgChat,
  type TgMessage,
  type TgUser,
  type TgVoice,
} from './types';

export type MemberStatus = 'creator' | 'administrator' | 'member' | 'left' | 'kicked';

export interface StoredMessage {
  /** The message as Telegram returns it, in its current version. */
  message: TgMessage;
  fromBot: boolean;
  /** The parse_mode the bot used. */
  parseMode?: string;
  /** Text or caption exactly as the bot sent it, before entity parsing. */
  raw?: string;
  /** Whatever reply_markup the bot attached (a Message only shows inline keyboards). */
  markup?: ReplyMarkup;
  deleted: boolean;
}

export interface ChatState {
  chat: TgChat;
  messages: Map<number, StoredMessage>;
  nextMessageId: number;
  /** Group membership by user id; private chats leave it empty. */
  members: Map<number, MemberStatus>;
  botStatus: MemberStatus;
  /** The reply keyboard the user currently sees, set by the bot's latest ReplyKeyboardMarkup. */
  replyKeyboard?: ReplyMarkup;
  /** Private chats: the user has written to the bot, so the bot may write to them. */
  started: boolean;
  /** Private chats: the user blocked the bot. */
  blocked: boolean;
  /** Invite links the bot created for this group. */
  inviteLinks: string[];
}

export type FileKind = 'photo' | 'document' | 'sticker' | 'voice';

export interface StoredFile {
  file_id: string;
  file_unique_id: string;
  kind: FileKind;
  bytes: Buffer;
  file_path: string;
  file_name?: string;
  mime_type?: string;
  /** For voice notes: the length in seconds. */
  duration?: number;
  /** For photos: every size of the same photo (each size has its own file_id). */
  sizes?: PhotoSize[];
}

/** What a message shows, by its content field (service messages and the rest are 'other'). */
export type MessageKind = 'text' | 'photo' | 'document' | 'voice' | 'sticker' | 'location' | 'contact' | 'other';

export function kindOfMessage(m: TgMessage): MessageKind {
  if (m.text !== undefined) return 'text';
  for (const kind of ['photo', 'document', 'voice', 'sticker', 'location', 'contact'] as const) if (m[kind] !== undefined) return kind;
  return 'other';
}

/** A bot message as tests see it: the Telegram fields plus what the bot asked for. */
export interface BotMessageView {
  chat_id: number;
  message_id: number;
  date: number;
  kind: MessageKind;
  edit_date?: number;
  text?: string;
  caption?: string;
  entities?: TgMessage['entities'];
  caption_entities?: TgMessage['caption_entities'];
  photo?: TgMessage['photo'];
  document?: TgMessage['document'];
  voice?: TgVoice;
  sticker?: Record<string, unknown>;
  location?: TgMessage['location'];
  venue?: TgMessage['venue'];
  contact?: TgMessage['contact'];
  /** Set on each message of an album (sendMediaGroup). */
  media_group_id?: string;
  /** Set on a message the bot forwarded (forwardMessage). */
  forward_origin?: Record<string, unknown>;
  reply_markup?: ReplyMarkup;
  reply_to_message_id?: number;
  parse_mode?: string;
  /** Text or caption exactly as the bot sent it (HTML tags and all). */
  raw?: string;
  /** Only in allBotMessages(): this version was later deleted. */
  deleted?: boolean;
  /** Labels of the inline keyboard buttons, row by row, flattened. */
  buttons(): string[];
}

export interface EmulatorEvents {
  /** A new message in a chat, from a user (fromBot false) or from the bot. */
  message: [{ chatId: number; message: TgMessage; fromBot: boolean }];
  edit: [{ chatId: number; message: TgMessage }];
  delete: [{ chatId: number; messageId: number }];
  /** Every Bot API call the bot made, once answered. */
  call: [CallRecord];
}

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

/** Width and height of a PNG, or a plausible camera size for anything else. */
function imageSize(bytes: Buffer): { width: number; height: number } {
  if (bytes.length >= 24 && bytes.subarray(0, 8).equals(PNG_SIGNATURE)) {
    return { width: bytes.readUInt32BE(16), height: bytes.readUInt32BE(20) };
  }
  return { width: 1280, height: 960 };
}

const clone = <T>(value: T): T => structuredClone(value);

export function viewOf(stored: StoredMessage, deleted?: boolean): BotMessageView {
  const m = stored.message;
  const markup = stored.markup;
  return {
    chat_id: m.chat.id,
    message_id: m.message_id,
    date: m.date,
    kind: kindOfMessage(m),
    ...(m.edit_date !== undefined && { edit_date: m.edit_date }),
    ...(m.text !== undefined && { text: m.text }),
    ...(m.entities && { entities: m.entities }),
    ...(m.caption !== undefined && { caption: m.caption }),
    ...(m.caption_entities && { caption_entities: m.caption_entities }),
    ...(m.photo && { photo: m.photo }),
    ...(m.document && { document: m.document }),
    ...(m.voice !== undefined && { voice: m.voice }),
    ...(m.sticker !== undefined && { sticker: m.sticker as Record<string, unknown> }),
    ...(m.media_group_id !== undefined && { media_group_id: m.media_group_id }),
    ...(m.forward_origin !== undefined && { forward_origin: m.forward_origin as Record<string, unknown> }),
    ...(m.location && { location: m.location }),
    ...(m.venue && { venue: m.venue }),
    ...(m.contact && { contact: m.contact }),
    ...(markup && { reply_markup: markup }),
    ...(m.reply_to_message && { reply_to_message_id: m.reply_to_message.message_id }),
    ...(stored.parseMode !== undefined && { parse_mode: stored.parseMode }),
    ...(stored.raw !== undefined && { raw: stored.raw }),
    ...(deleted !== undefined && { deleted }),
    buttons: () => (markup?.inline_keyboard ?? []).flat().map((button) => button.text),
  };
}

export class World {
  readonly events = new EventEmitter<EmulatorEvents>();
  readonly users = new Map<number, TgUser>();
  readonly chats = new Map<number, ChatState>();
  readonly files = new Map<string, StoredFile>();
  /** Every version of every bot message: as sent, after each edit, and deleted ones. */
  private readonly history: { stored: StoredMessage; deleted: boolean }[] = [];
  private nextUserId = 100_001;
  private nextGroupNumber = 1;
  private nextFileNumber = 1;
  private nextMediaGroup = 1;

  constructor(
    readonly bot: TgUser,
    /** Where message dates come from (milliseconds since the epoch): real time unless the emulator was given a clock. */
    private readonly clock: { now(): number } = { now: () => Date.now() },
  ) {}

  /** Now, in the seconds Telegram's date fields use. */
  unixNow(): number {
    return Math.floor(this.clock.now() / 1000);
  }

  addUser(fields: Omit<TgUser, 'id' | 'is_bot'> & { id?: number }): TgUser {
    const id = fields.id ?? this.nextUserId++;
    if (this.users.has(id) || this.chats.has(id)) throw new Error(`id ${id} is already taken`);
    const user: TgUser = { ...fields, id, is_bot: false };
    this.users.set(id, user);
    this.chats.set(
      id,
      this.newChat({ id, type: 'private', first_name: user.first_name, last_name: user.last_name, username: user.username }),
    );
    return user;
  }

  addGroup(options: { id?: number; title: string; type?: 'group' | 'supergroup'; username?: string; botStatus?: MemberStatus }): ChatState {
    const type = options.type ?? 'group';
    // Shaped like Telegram's ids: basic groups are small negatives, supergroups -100…
    const id = options.id ?? (type === 'supergroup' ? -1_000_000_000_000 : -4_000_000_000) - this.nextGroupNumber++;
    if (id >= 0) throw new Error(`a group id must be negative, got ${id}`);
    if (this.chats.has(id)) throw new Error(`chat ${id} already exists`);
    const state = this.newChat({ id, type, title: options.title, ...(options.username && { username: options.username }) });
    state.botStatus = options.botStatus ?? 'administrator';
    this.chats.set(id, state);
    return state;
  }

  /** The chat a chat_id parameter names (a number, a numeric string or an @username). */
  resolveChat(chatId: unknown): ChatState {
    const state =
      typeof chatId === 'string' && chatId.startsWith('@')
        ? [...this.chats.values()].find((c) => c.chat.type !== 'private' && c.chat.username === chatId.slice(1))
        : this.chats.get(Number(chatId));
    if (!state) throw badRequest('chat not found');
    return state;
  }

  addMessage(
    state: ChatState,
    content: Omit<TgMessage, 'message_id' | 'chat' | 'date'>,
    meta: { fromBot: boolean; parseMode?: string; raw?: string; markup?: ReplyMarkup },
  ): StoredMessage {
    const message: TgMessage = {
      message_id: state.nextMessageId++,
      chat: clone(state.chat),
      date: this.unixNow(),
      ...content,
    };
    const stored: StoredMessage = { message, deleted: false, ...meta };
    state.messages.set(message.message_id, stored);
    if (meta.fromBot) this.remember(stored);
    this.events.emit('message', { chatId: state.chat.id, message: clone(message), fromBot: meta.fromBot });
    return stored;
  }

  editMessage(stored: StoredMessage, changes: Partial<TgMessage>, meta: { parseMode?: string; raw?: string; markup?: ReplyMarkup }): void {
    for (const [field, value] of Object.entries(changes)) {
      if (value === undefined) delete stored.message[field];
      else stored.message[field] = value;
    }
    stored.message.edit_date = this.unixNow();
    stored.parseMode = meta.parseMode;
    stored.raw = meta.raw;
    stored.markup = meta.markup;
    if (meta.markup?.inline_keyboard) stored.message.reply_markup = meta.markup;
    else delete stored.message.reply_markup;
    this.remember(stored);
    this.events.emit('edit', { chatId: stored.message.chat.id, message: clone(stored.message) });
  }

  deleteMessage(stored: StoredMessage): void {
    stored.deleted = true;
    if (stored.fromBot) this.history.push({ stored: clone(stored), deleted: true });
    this.events.emit('delete', { chatId: stored.message.chat.id, messageId: stored.message.message_id });
  }

  /** The chat's bot messages that are still there, oldest first. */
  botMessages(state: ChatState): StoredMessage[] {
    return [...state.messages.values()].filter((m) => m.fromBot && !m.deleted);
  }

  allBotMessages(): BotMessageView[] {
    return this.history.map((entry) => viewOf(entry.stored, entry.deleted));
  }

  storeFile(kind: FileKind, bytes: Buffer, meta: { file_name?: string; mime_type?: string; duration?: number } = {}): StoredFile {
    const number = this.nextFileNumber++;
    const extension = (
      meta.file_name?.match(/\.([\w]+)$/)?.[1] ?? { photo: 'jpg', document: 'dat', sticker: 'webp', voice: 'ogg' }[kind]
    ).toLowerCase();
    const file: StoredFile = {
      file_id: `${kind}-${number}-${randomBytes(9).toString('base64url')}`,
      file_unique_id: `u${number}${randomBytes(4).toString('hex')}`,
      kind,
      bytes,
      file_path: `${kind}s/file_${number}.${extension}`,
      ...meta,
    };
    this.files.set(file.file_id, file);
    return file;
  }

  /** A fresh media_group_id, shaped like Telegram's (a long number as a string). */
  newMediaGroupId(): string {
    return String(13_900_000_000_000_000n + BigInt(this.nextMediaGroup++) * 7919n);
  }

  /** Stores a photo as Telegram does: a thumbnail and the full size, each with its own file_id. */
  storePhoto(bytes: Buffer): PhotoSize[] {
    const { width, height } = imageSize(bytes);
    const thumbScale = Math.min(1, 90 / Math.max(width, height));
    const thumb = this.storeFile('photo', bytes, { mime_type: 'image/jpeg' });
    const full = this.storeFile('photo', bytes, { mime_type: 'image/jpeg' });
    const sizes: PhotoSize[] = [
      {
        file_id: thumb.file_id,
        file_unique_id: thumb.file_unique_id,
        width: Math.max(1, Math.round(width * thumbScale)),
        height: Math.max(1, Math.round(height * thumbScale)),
        file_size: bytes.length,
      },
      { file_id: full.file_id, file_unique_id: full.file_unique_id, width, height, file_size: bytes.length },
    ];
    thumb.sizes = sizes;
    full.sizes = sizes;
    return sizes;
  }

  private remember(stored: StoredMessage): void {
    this.history.push({ stored: clone(stored), deleted: false });
  }

  private newChat(chat: TgChat): ChatState {
    // Drop fields left undefined so the chat serialises like Telegram's.
    const clean = Object.fromEntries(Object.entries(chat).filter(([, v]) => v !== undefined)) as unknown as TgChat;
    return {
      chat: clean,
      messages: new Map(),
      nextMessageId: 1,
      members: new Map(),
      botStatus: 'member',
      started: false,
      blocked: false,
      inviteLinks: [],
    };
  }
}
