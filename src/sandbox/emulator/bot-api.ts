// The Bot API methods the emulator answers with real behaviour, and Telegram's rules for them:
// who the bot may write to, text and caption limits, entity parsing, keyboard limits, edits that
// change nothing, flood limits. Parameters arrive already checked and converted by the schema.

import { randomBytes } from 'node:crypto';
import { EntityParseError, parseHtml } from './html';
import type { RateLimits } from './traffic';
import {
  ApiError,
  badRequest,
  forbidden,
  UploadedFile,
  type MessageEntity,
  type PhotoSize,
  type ReplyMarkup,
  type TgDocument,
  type TgMessage,
  type TgUser,
  type TgVoice,
} from './types';
import type { UpdateHub } from './updates';
import type { ChatState, FileKind, MemberStatus, StoredFile, StoredMessage, World } from './world';

type Params = Record<string, unknown>;
type OnAbort = (release: () => void) => void;

export interface CallbackAnswer {
  text?: string;
  show_alert?: boolean;
  url?: string;
  cache_time?: number;
}

export interface BotCommand {
  command: string;
  description: string;
}

export interface BotCommandScope {
  type: string;
  chat_id?: number | string;
  user_id?: number;
}

const TEXT_LIMIT = 4096;
const CAPTION_LIMIT = 1024;
const CALLBACK_DATA_LIMIT = 64;
const INLINE_KEYBOARD_LIMIT = 100;

const CHAT_ACTIONS = new Set([
  'typing',
  'upload_photo',
  'record_video',
  'upload_video',
  'record_voice',
  'upload_voice',
  'upload_document',
  'choose_sticker',
  'find_location',
  'record_video_note',
  'upload_video_note',
]);

/** An inline button needs exactly one of these, or Telegram refuses the keyboard. */
const INLINE_BUTTON_ACTIONS = [
  'url',
  'callback_data',
  'web_app',
  'login_url',
  'switch_inline_query',
  'switch_inline_query_current_chat',
  'switch_inline_query_chosen_chat',
  'copy_text',
  'callback_game',
  'pay',
];

const NOT_MODIFIED =
  'message is not modified: specified new message content and reply markup are exactly the same as a current content and reply markup of the message';

const MIME_TYPES: Record<string, string> = {
  pdf: 'application/pdf',
  png: 'image/png',
  jpg: 'image/jpeg',
  jpeg: 'image/jpeg',
  txt: 'text/plain',
  csv: 'text/csv',
  json: 'application/json',
  xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  docx: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
  ogg: 'audio/ogg',
  oga: 'audio/ogg',
  opus: 'audio/ogg',
  mp3: 'audio/mpeg',
  m4a: 'audio/mp4',
};

/** The content fields copyMessage and forwardMessage carry over; a message with none is a service message. */
const CONTENT_FIELDS = [
  'text',
  'entities',
  'photo',
  'document',
  'voice',
  'sticker',
  'location',
  'venue',
  'contact',
  'caption',
  'caption_entities',
];

/** Kinds of media a media group may hold (InputMedia types), and which may share an album. */
const ALBUM_KINDS = new Set(['photo', 'video', 'audio', 'document']);
const ALBUM_MIXABLE = new Set(['photo', 'video']);

const same = (a: unknown, b: unknown): boolean => JSON.stringify(a ?? null) === JSON.stringify(b ?? null);
const isAdmin = (status: MemberStatus): boolean => status === 'administrator' || status === 'creator';
const capitalised = (word: string): string => word[0]!.toUpperCase() + word.slice(1);

/** Text after parse_mode: HTML is parsed like Telegram does; Markdown modes are kept as sent. */
function formatText(raw: string, parseMode: unknown, entities: unknown): { text: string; entities?: MessageEntity[] } {
  if (entities !== undefined) return { text: raw, entities: entities as MessageEntity[] };
  if (parseMode === undefined || parseMode === '') return { text: raw };
  const mode = String(parseMode).toLowerCase();
  if (mode === 'html') {
    try {
      const parsed = parseHtml(raw);
      return parsed.entities.length > 0 ? parsed : { text: parsed.text };
    } catch (error) {
      if (error instanceof EntityParseError) throw badRequest(`can't parse entities: ${error.message}`);
      throw error;
    }
  }
  if (mode === 'markdownv2' || mode === 'markdown') return { text: raw };
  throw badRequest(`unsupported parse_mode "${String(parseMode)}"`);
}

function checkText(text: string): void {
  if (text.trim() === '') throw badRequest('message text is empty');
  if (text.length > TEXT_LIMIT) throw badRequest('message is too long');
}

function validButtonUrl(url: string): boolean {
  try {
    return ['http:', 'https:', 'tg:'].includes(new URL(url).protocol);
  } catch {
    return false;
  }
}

function checkMarkup(markup: ReplyMarkup | undefined): void {
  const buttons = markup?.inline_keyboard?.flat() ?? [];
  if (buttons.length > INLINE_KEYBOARD_LIMIT) throw badRequest('reply markup is too long');
  for (const button of buttons) {
    if (!INLINE_BUTTON_ACTIONS.some((action) => button[action] !== undefined)) {
      throw badRequest("can't parse inline keyboard button: Text buttons are unallowed in the inline keyboard");
    }
    if (button.callback_data !== undefined) {
      const bytes = Buffer.byteLength(button.callback_data);
      if (bytes < 1 || bytes > CALLBACK_DATA_LIMIT) throw badRequest('BUTTON_DATA_INVALID');
    }
    if (button.url !== undefined && !validButtonUrl(button.url)) throw badRequest('BUTTON_URL_INVALID');
  }
}

function chatMember(user: TgUser, status: MemberStatus): Record<string, unknown> {
  switch (status) {
    case 'creator':
      return { status, user, is_anonymous: false };
    case 'administrator':
      return {
        status,
        user,
        can_be_edited: false,
        is_anonymous: false,
        can_manage_chat: true,
        can_delete_messages: true,
        can_manage_video_chats: true,
        can_restrict_members: true,
        can_promote_members: false,
        can_change_info: true,
        can_invite_users: true,
        can_post_stories: false,
        can_edit_stories: false,
        can_delete_stories: false,
        can_pin_messages: true,
      };
    case 'kicked':
      return { status, user, until_date: 0 };
    default:
      return { status, user };
  }
}

/**
 * The fields Telegram still sends beside forward_origin for older bots (forward_from,
 * forward_sender_name, forward_from_chat), although the Bot API documents only forward_origin.
 */
export function legacyForwardFields(origin: Record<string, unknown>): Record<string, unknown> {
  switch (origin.type) {
    case 'user':
      return { forward_from: origin.sender_user };
    case 'hidden_user':
      return { forward_sender_name: origin.sender_user_name };
    case 'chat':
    case 'channel':
      return { forward_from_chat: origin.chat ?? origin.sender_chat };
    default:
      return {};
  }
}

function documentOf(file: StoredFile): TgDocument {
  return {
    file_id: file.file_id,
    file_unique_id: file.file_unique_id,
    ...(file.file_name !== undefined && { file_name: file.file_name }),
    ...(file.mime_type !== undefined && { mime_type: file.mime_type }),
    file_size: file.bytes.length,
  };
}

export class BotApi {
  /** What setMyCommands stored, by scope and language (see commandsKey). */
  readonly commands = new Map<string, BotCommand[]>();
  /** What setChatMenuButton stored, by chat id, or 'default'. */
  readonly menuButtons = new Map<string, Record<string, unknown>>();
  /** Callback queries sent to the bot, by id, with the answer once the bot gave it. */
  readonly callbackQueries = new Map<string, { answer?: CallbackAnswer }>();
  private readonly handlers: Record<string, (params: Params, onAbort: OnAbort) => unknown>;

  constructor(
    private readonly world: World,
    private readonly hub: UpdateHub,
    private readonly limits: RateLimits,
    private readonly stats: { tooManyRequests: number },
    private readonly options: { privacyMode: boolean },
  ) {
    this.handlers = {
      getMe: () => this.getMe(),
      getUpdates: (p, onAbort) => this.hub.getUpdates(p, onAbort),
      setWebhook: (p) => this.setWebhook(p),
      deleteWebhook: (p) => {
        this.hub.deleteWebhook(p.drop_pending_updates === true);
        return true;
      },
      getWebhookInfo: () => this.hub.webhookInfo(),
      sendMessage: (p) => this.sendMessage(p),
      sendPhoto: (p) => this.sendPhoto(p),
      sendDocument: (p) => this.sendDocument(p),
      sendVoice: (p) => this.sendVoice(p),
      sendMediaGroup: (p) => this.sendMediaGroup(p),
      copyMessage: (p) => this.copyMessage(p),
      forwardMessage: (p) => this.forwardMessage(p),
      sendLocation: (p) => this.sendLocation(p),
      sendVenue: (p) => this.sendVenue(p),
      sendChatAction: (p) => this.sendChatAction(p),
      editMessageText: (p) => this.editMessageText(p),
      editMessageCaption: (p) => this.editMessageCaption(p),
      editMessageReplyMarkup: (p) => this.editMessageReplyMarkup(p),
      deleteMessage: (p) => this.deleteMessage(p),
      answerCallbackQuery: (p) => this.answerCallbackQuery(p),
      setMyCommands: (p) => this.setMyCommands(p),
      getMyCommands: (p) => this.commands.get(this.commandsKey(p.scope, p.language_code)) ?? [],
      deleteMyCommands: (p) => {
        this.commands.delete(this.commandsKey(p.scope, p.language_code));
        return true;
      },
      setChatMenuButton: (p) => this.setChatMenuButton(p),
      getChatMenuButton: (p) => this.menuButton(p.chat_id as number | undefined),
      createChatInviteLink: (p) => this.createChatInviteLink(p),
      getChat: (p) => this.getChat(p),
      getChatMember: (p) => this.getChatMember(p),
      leaveChat: (p) => this.leaveChat(p),
      getFile: (p) => this.getFile(p),
    };
  }

  /**
   * Answers a call whose parameters passed the schema check, or throws an ApiError. Methods
   * without real behaviour answer `true` and come back as `stub`.
   */
  async call(method: string, params: Params, onAbort: OnAbort): Promise<{ result: unknown; stub: boolean }> {
    const handler = this.handlers[method];
    if (!handler) return { result: true, stub: true };
    return { result: await handler(params, onAbort), stub: false };
  }

  /**
   * The key commands are stored under: one scope (default, all_private_chats, chat:<id>…) and
   * one language. Telegram only takes two-letter ISO 639-1 codes here.
   */
  commandsKey(scope: unknown, languageCode: unknown): string {
    const language = (languageCode as string | undefined) ?? '';
    if (language !== '' && !/^[a-z]{2}$/.test(language)) throw badRequest('invalid language code specified');
    const s = (scope ?? { type: 'default' }) as BotCommandScope;
    switch (s.type) {
      case 'default':
      case 'all_private_chats':
      case 'all_group_chats':
      case 'all_chat_administrators':
        return `${s.type}|${language}`;
      case 'chat':
      case 'chat_administrators':
        return `${s.type}:${this.world.resolveChat(s.chat_id).chat.id}|${language}`;
      case 'chat_member':
        return `${s.type}:${this.world.resolveChat(s.chat_id).chat.id}:${s.user_id}|${language}`;
      default:
        throw badRequest(`unsupported bot command scope type "${s.type}"`);
    }
  }

  menuButton(chatId: number | undefined): Record<string, unknown> {
    return this.menuButtons.get(String(chatId ?? 'default')) ?? this.menuButtons.get('default') ?? { type: 'default' };
  }

  private getMe(): TgUser & Record<string, unknown> {
    return {
      ...this.world.bot,
      can_join_groups: true,
      can_read_all_group_messages: !this.options.privacyMode,
      supports_inline_queries: false,
      can_connect_to_business: false,
      has_main_web_app: false,
    };
  }

  private setWebhook(p: Params): true {
    const url = p.url as string;
    if (url !== '') {
      try {
        if (!['http:', 'https:'].includes(new URL(url).protocol)) throw new Error();
      } catch {
        throw badRequest('bad webhook: invalid webhook URL specified');
      }
    }
    const secret = p.secret_token as string | undefined;
    if (secret !== undefined && !/^[A-Za-z0-9_-]{1,256}$/.test(secret)) {
      throw badRequest('secret token contains unallowed characters');
    }
    this.hub.setWebhook(p as Parameters<UpdateHub['setWebhook']>[0]);
    return true;
  }

  /** The chat the bot wants to post in, if Telegram would let it. */
  private postable(chatId: unknown): ChatState {
    const state = this.world.resolveChat(chatId);
    if (state.chat.type === 'private') {
      if (state.blocked) throw forbidden('bot was blocked by the user');
      if (!state.started) throw forbidden("bot can't initiate conversation with a user");
    } else {
      const kind = `${state.chat.type === 'supergroup' ? 'supergroup' : 'group'} chat`;
      if (state.botStatus === 'kicked') throw forbidden(`bot was kicked from the ${kind}`);
      if (state.botStatus === 'left') throw forbidden(`bot is not a member of the ${kind}`);
    }
    return state;
  }

  private replyTarget(state: ChatState, replyParameters: unknown): TgMessage | undefined {
    if (replyParameters === undefined) return undefined;
    const { message_id, allow_sending_without_reply } = replyParameters as {
      message_id: number;
      allow_sending_without_reply?: boolean;
    };
    const target = state.messages.get(message_id);
    if (!target || target.deleted) {
      if (allow_sending_without_reply) return undefined;
      throw badRequest('message to be replied not found');
    }
    const { reply_to_message: _nested, ...message } = structuredClone(target.message);
    return message;
  }

  /** Stores a message from the bot once Telegram's checks and flood limits let it through. */
  private post(
    state: ChatState,
    params: Params,
    content: Partial<TgMessage>,
    meta: { parseMode?: string; raw?: string },
    options: { admitted?: boolean } = {},
  ): TgMessage {
    const markup = params.reply_markup as ReplyMarkup | undefined;
    checkMarkup(markup);
    const replyTo = this.replyTarget(state, params.reply_parameters);
    if (!options.admitted) this.admit(state);
    if (markup?.keyboard) state.replyKeyboard = markup;
    if (markup?.remove_keyboard) state.replyKeyboard = undefined;
    const stored = this.world.addMessage(
      state,
      {
        from: this.world.bot,
        ...content,
        ...(replyTo && { reply_to_message: replyTo }),
        ...(markup?.inline_keyboard && { reply_markup: markup }),
      },
      { fromBot: true, markup, ...meta },
    );
    return stored.message;
  }

  /** Telegram's flood limits: a 429 with retry_after once the chat's or the bot's limit is reached. */
  private admit(state: ChatState): void {
    const retryAfter = this.limits.admit(state.chat.id, state.chat.type !== 'private');
    if (retryAfter !== undefined) {
      this.stats.tooManyRequests++;
      throw new ApiError(429, `Too Many Requests: retry after ${retryAfter}`, { retry_after: retryAfter });
    }
  }

  private caption(p: Params): { content: Partial<TgMessage>; meta: { parseMode?: string; raw?: string } } {
    if (p.caption === undefined) return { content: {}, meta: {} };
    const { text, entities } = formatText(p.caption as string, p.parse_mode, p.caption_entities);
    if (text.length > CAPTION_LIMIT) throw badRequest('message caption is too long');
    return {
      content: { caption: text, ...(entities && { caption_entities: entities }) },
      meta: { parseMode: p.parse_mode as string | undefined, raw: p.caption as string },
    };
  }

  /** A file parameter: an upload, a file_id Telegram knows, or an HTTP URL. */
  private inputFile(value: unknown, kind: FileKind): StoredFile {
    if (value instanceof UploadedFile) {
      const extension = value.filename.match(/\.(\w+)$/)?.[1]?.toLowerCase() ?? '';
      const mime = value.contentType !== 'application/octet-stream' ? value.contentType : MIME_TYPES[extension];
      return this.world.storeFile(kind, value.bytes, { file_name: value.filename, ...(mime && { mime_type: mime }) });
    }
    const id = String(value);
    const known = this.world.files.get(id);
    if (known) {
      if (known.kind !== kind) throw badRequest(`can't use file of type ${capitalised(known.kind)} as ${capitalised(kind)}`);
      return known;
    }
    // Telegram would download the URL; the emulator records the file without its bytes.
    if (/^https?:\/\//i.test(id)) return this.world.storeFile(kind, Buffer.alloc(0), { file_name: id.split('/').pop() });
    throw badRequest('wrong file identifier/HTTP URL specified');
  }

  private inputPhoto(value: unknown): PhotoSize[] {
    if (value instanceof UploadedFile) return this.world.storePhoto(value.bytes);
    if (/^https?:\/\//i.test(String(value))) return this.world.storePhoto(Buffer.alloc(0));
    return this.inputFile(value, 'photo').sizes!;
  }

  private sendMessage(p: Params): TgMessage {
    const state = this.postable(p.chat_id);
    const { text, entities } = formatText(p.text as string, p.parse_mode, p.entities);
    checkText(text);
    return this.post(
      state,
      p,
      { text, ...(entities && { entities }) },
      {
        parseMode: p.parse_mode as string | undefined,
        raw: p.text as string,
      },
    );
  }

  private sendPhoto(p: Params): TgMessage {
    const state = this.postable(p.chat_id);
    const caption = this.caption(p);
    return this.post(state, p, { photo: this.inputPhoto(p.photo), ...caption.content }, caption.meta);
  }

  private sendDocument(p: Params): TgMessage {
    const state = this.postable(p.chat_id);
    const caption = this.caption(p);
    const document = documentOf(this.inputFile(p.document, 'document'));
    return this.post(state, p, { document, ...caption.content }, caption.meta);
  }

  private sendVoice(p: Params): TgMessage {
    const state = this.postable(p.chat_id);
    const caption = this.caption(p);
    const file = this.inputFile(p.voice, 'voice');
    const voice: TgVoice = {
      file_id: file.file_id,
      file_unique_id: file.file_unique_id,
      duration: (p.duration as number | undefined) ?? file.duration ?? 0,
      mime_type: file.mime_type ?? 'audio/ogg',
      file_size: file.bytes.length,
    };
    return this.post(state, p, { voice, ...caption.content }, caption.meta);
  }

  /** An album: 2–10 photos and videos, or only documents, or only audio; one message per item. */
  private sendMediaGroup(p: Params): TgMessage[] {
    const state = this.postable(p.chat_id);
    const media = p.media as Params[];
    if (media.length < 2 || media.length > 10) throw badRequest(`an album takes 2 to 10 media, got ${media.length}`);
    const kinds = media.map((item) => String(item.type));
    for (const kind of kinds) if (!ALBUM_KINDS.has(kind)) throw badRequest(`media of type "${kind}" can't be sent in an album`);
    const mixable = kinds.every((kind) => ALBUM_MIXABLE.has(kind));
    if (!mixable && new Set(kinds).size > 1)
      throw badRequest(`${kinds.find((k) => !ALBUM_MIXABLE.has(k))}s can't be mixed with other media types`);
    // Everything is checked before the first message exists: Telegram sends all of the album or nothing.
    const contents = media.map((item): { content: Partial<TgMessage>; meta: { parseMode?: string; raw?: string } } => {
      const caption = this.caption(item);
      const source = this.attached(item.media, p);
      switch (item.type) {
        case 'photo':
          return { content: { photo: this.inputPhoto(source), ...caption.content }, meta: caption.meta };
        case 'document':
          return { content: { document: documentOf(this.inputFile(source, 'document')), ...caption.content }, meta: caption.meta };
        default:
          throw new ApiError(500, `Internal Server Error: the emulator does not emulate ${String(item.type)} media in sendMediaGroup`);
      }
    });
    this.replyTarget(state, p.reply_parameters);
    // One album counts once against the flood limits.
    this.admit(state);
    const media_group_id = this.world.newMediaGroupId();
    const shared = { reply_parameters: p.reply_parameters };
    return contents.map(({ content, meta }) => this.post(state, shared, { media_group_id, ...content }, meta, { admitted: true }));
  }

  /** An InputMedia's media: `attach://<name>` names an uploaded part of the request. */
  private attached(media: unknown, p: Params): unknown {
    const name = /^attach:\/\/(.+)$/.exec(String(media))?.[1];
    if (name === undefined) return media;
    const part = p[name];
    if (!(part instanceof UploadedFile)) throw badRequest(`wrong file identifier/HTTP URL specified: no file was uploaded as "${name}"`);
    return part;
  }

  /** The message copyMessage or forwardMessage names, with the content fields they carry over. */
  private source(p: Params): { stored: StoredMessage; content: Partial<TgMessage> } {
    const from = this.world.resolveChat(p.from_chat_id);
    const stored = from.messages.get(p.message_id as number);
    if (!stored || stored.deleted) throw badRequest('message to copy not found');
    const content: Partial<TgMessage> = {};
    for (const field of CONTENT_FIELDS) if (stored.message[field] !== undefined) content[field] = structuredClone(stored.message[field]);
    if (Object.keys(content).length === 0) throw badRequest("message can't be copied");
    return { stored, content };
  }

  private copyMessage(p: Params): { message_id: number } {
    const state = this.postable(p.chat_id);
    const { stored, content } = this.source(p);
    let meta: { parseMode?: string; raw?: string } = { raw: stored.message.text ?? stored.message.caption };
    if (p.caption !== undefined) {
      if (content.text !== undefined) throw badRequest("can't set caption of a text message");
      const caption = this.caption(p);
      delete content.caption_entities;
      Object.assign(content, caption.content);
      meta = caption.meta;
    }
    return { message_id: this.post(state, p, content, meta).message_id };
  }

  private forwardMessage(p: Params): TgMessage {
    const state = this.postable(p.chat_id);
    const { stored, content } = this.source(p);
    const original = stored.message;
    // A forward of a forward keeps the first origin, as in Telegram.
    const sender = original.from ?? this.world.bot;
    const origin = (original.forward_origin as { date: number } | undefined) ?? { type: 'user', sender_user: sender, date: original.date };
    const forward = { forward_origin: origin, forward_date: origin.date, ...legacyForwardFields(origin) };
    return this.post(state, p, { ...content, ...forward }, { raw: original.text ?? original.caption });
  }

  private sendLocation(p: Params): TgMessage {
    const state = this.postable(p.chat_id);
    const latitude = p.latitude as number;
    const longitude = p.longitude as number;
    if (Math.abs(latitude) > 90 || Math.abs(longitude) > 180) throw badRequest('wrong latitude or longitude specified');
    return this.post(state, p, { location: { latitude, longitude } }, {});
  }

  /** A venue: a location with a title and an address (Telegram's message carries both venue and location). */
  private sendVenue(p: Params): TgMessage {
    const state = this.postable(p.chat_id);
    const latitude = p.latitude as number;
    const longitude = p.longitude as number;
    if (typeof latitude !== 'number' || typeof longitude !== 'number' || Math.abs(latitude) > 90 || Math.abs(longitude) > 180)
      throw badRequest('wrong latitude or longitude specified');
    if (typeof p.title !== 'string' || !p.title || typeof p.address !== 'string' || !p.address)
      throw badRequest('venue title and address must be non-empty');
    const location = { latitude, longitude };
    return this.post(state, p, { location, venue: { location, title: p.title, address: p.address } }, {});
  }

  private sendChatAction(p: Params): true {
    this.postable(p.chat_id);
    if (!CHAT_ACTIONS.has(p.action as string)) throw badRequest('wrong parameter action in request');
    return true;
  }

  /** The bot message an edit method names, if Telegram would let the bot edit it. */
  private editable(p: Params): StoredMessage {
    // Inline mode is not emulated, so no inline message exists to be edited.
    if (p.inline_message_id !== undefined) throw badRequest('message to edit not found');
    if (p.chat_id === undefined || p.message_id === undefined) throw badRequest('message identifier is not specified');
    const state = this.world.resolveChat(p.chat_id);
    if (state.blocked) throw forbidden('bot was blocked by the user');
    const stored = state.messages.get(p.message_id as number);
    if (!stored || stored.deleted) throw badRequest('message to edit not found');
    if (!stored.fromBot) throw badRequest("message can't be edited");
    return stored;
  }

  private newMarkup(p: Params): ReplyMarkup | undefined {
    const markup = p.reply_markup as ReplyMarkup | undefined;
    checkMarkup(markup);
    return markup;
  }

  private editMessageText(p: Params): TgMessage {
    const stored = this.editable(p);
    if (stored.message.text === undefined) throw badRequest('there is no text in the message to edit');
    if (p.text === undefined) throw badRequest('message text is empty');
    const { text, entities } = formatText(p.text as string, p.parse_mode, p.entities);
    checkText(text);
    const markup = this.newMarkup(p);
    const current = stored.message;
    if (text === current.text && same(entities ?? [], current.entities ?? []) && same(markup, current.reply_markup)) {
      throw badRequest(NOT_MODIFIED);
    }
    this.world.editMessage(stored, { text, entities }, { parseMode: p.parse_mode as string | undefined, raw: p.text as string, markup });
    return stored.message;
  }

  private editMessageCaption(p: Params): TgMessage {
    const stored = this.editable(p);
    const current = stored.message;
    if (!current.photo && !current.document && !current.voice) throw badRequest('there is no caption in the message to edit');
    const { content, meta } = this.caption(p);
    const markup = this.newMarkup(p);
    if (
      content.caption === current.caption &&
      same(content.caption_entities ?? [], current.caption_entities ?? []) &&
      same(markup, current.reply_markup)
    ) {
      throw badRequest(NOT_MODIFIED);
    }
    this.world.editMessage(stored, { caption: content.caption, caption_entities: content.caption_entities }, { ...meta, markup });
    return stored.message;
  }

  private editMessageReplyMarkup(p: Params): TgMessage {
    const stored = this.editable(p);
    const markup = this.newMarkup(p);
    if (same(markup, stored.message.reply_markup)) throw badRequest(NOT_MODIFIED);
    this.world.editMessage(stored, {}, { parseMode: stored.parseMode, raw: stored.raw, markup });
    return stored.message;
  }

  private deleteMessage(p: Params): true {
    const state = this.world.resolveChat(p.chat_id);
    const stored = state.messages.get(p.message_id as number);
    if (!stored || stored.deleted) throw badRequest('message to delete not found');
    if (!stored.fromBot && state.chat.type !== 'private' && !isAdmin(state.botStatus)) {
      throw badRequest("message can't be deleted");
    }
    this.world.deleteMessage(stored);
    return true;
  }

  private answerCallbackQuery(p: Params): true {
    const query = this.callbackQueries.get(p.callback_query_id as string);
    if (!query || query.answer) {
      throw badRequest('query is too old and response timeout expired or query ID is invalid');
    }
    const { callback_query_id: _id, ...answer } = p;
    query.answer = answer as CallbackAnswer;
    return true;
  }

  private setMyCommands(p: Params): true {
    const commands = p.commands as BotCommand[];
    if (commands.length > 100) throw badRequest('too many commands');
    for (const { command, description } of commands) {
      if (!/^[a-z0-9_]{1,32}$/.test(command)) throw badRequest('BOT_COMMAND_INVALID');
      if (description.trim() === '' || description.length > 256) throw badRequest('BOT_COMMAND_DESCRIPTION_INVALID');
    }
    this.commands.set(this.commandsKey(p.scope, p.language_code), commands);
    return true;
  }

  private setChatMenuButton(p: Params): true {
    const key = p.chat_id === undefined ? 'default' : String(this.world.resolveChat(p.chat_id).chat.id);
    this.menuButtons.set(key, (p.menu_button as Record<string, unknown> | undefined) ?? { type: 'default' });
    return true;
  }

  private createChatInviteLink(p: Params): Record<string, unknown> {
    const state = this.world.resolveChat(p.chat_id);
    if (state.chat.type === 'private') throw badRequest("can't invite members to a private chat");
    if (!isAdmin(state.botStatus)) throw badRequest('not enough rights to manage chat invite links');
    const link = `https://t.me/+${randomBytes(12).toString('base64url')}`;
    state.inviteLinks.push(link);
    return {
      invite_link: link,
      creator: this.world.bot,
      creates_join_request: p.creates_join_request === true,
      is_primary: false,
      is_revoked: false,
      ...(p.name !== undefined && { name: p.name }),
      ...(p.expire_date !== undefined && { expire_date: p.expire_date }),
      ...(p.member_limit !== undefined && { member_limit: p.member_limit }),
    };
  }

  private getChat(p: Params): Record<string, unknown> {
    const state = this.world.resolveChat(p.chat_id);
    return {
      ...state.chat,
      accent_color_id: 0,
      max_reaction_count: 11,
      accepted_gift_types: {
        unlimited_gifts: false,
        limited_gifts: false,
        unique_gifts: false,
        premium_subscription: false,
        gifts_from_channels: false,
      },
    };
  }

  private getChatMember(p: Params): Record<string, unknown> {
    const state = this.world.resolveChat(p.chat_id);
    const userId = p.user_id as number;
    const bot = this.world.bot;
    const user = userId === bot.id ? bot : this.world.users.get(userId);
    if (!user) throw badRequest('user not found');
    let status: MemberStatus;
    if (state.chat.type === 'private') status = userId === state.chat.id || userId === bot.id ? 'member' : 'left';
    else status = userId === bot.id ? state.botStatus : (state.members.get(userId) ?? 'left');
    return chatMember(user, status);
  }

  private leaveChat(p: Params): true {
    const state = this.world.resolveChat(p.chat_id);
    if (state.chat.type === 'private') throw badRequest("chat member status can't be changed in private chats");
    state.botStatus = 'left';
    return true;
  }

  private getFile(p: Params): Record<string, unknown> {
    const file = this.world.files.get(p.file_id as string);
    if (!file) throw badRequest('invalid file_id');
    return {
      file_id: file.file_id,
      file_unique_id: file.file_unique_id,
      file_size: file.bytes.length,
      file_path: file.file_path,
    };
  }
}
