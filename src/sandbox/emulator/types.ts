// The Telegram objects the emulator produces, typed loosely on purpose: the emulator builds them
// itself and tests read them, so a small structural shape is clearer than the full Bot API types.

export interface TgUser {
  id: number;
  is_bot: boolean;
  first_name: string;
  last_name?: string;
  username?: string;
  language_code?: string;
}

export type ChatType = 'private' | 'group' | 'supergroup' | 'channel';

export interface TgChat {
  id: number;
  type: ChatType;
  title?: string;
  username?: string;
  first_name?: string;
  last_name?: string;
}

export interface MessageEntity {
  type: string;
  offset: number;
  length: number;
  url?: string;
  language?: string;
  custom_emoji_id?: string;
}

export interface InlineKeyboardButton {
  text: string;
  callback_data?: string;
  url?: string;
  [field: string]: unknown;
}

export interface KeyboardButton {
  text: string;
  request_contact?: boolean;
  request_location?: boolean;
  [field: string]: unknown;
}

/** Any of InlineKeyboardMarkup, ReplyKeyboardMarkup, ReplyKeyboardRemove, ForceReply. */
export interface ReplyMarkup {
  inline_keyboard?: InlineKeyboardButton[][];
  keyboard?: KeyboardButton[][];
  one_time_keyboard?: boolean;
  remove_keyboard?: boolean;
  force_reply?: boolean;
  [field: string]: unknown;
}

export interface PhotoSize {
  file_id: string;
  file_unique_id: string;
  width: number;
  height: number;
  file_size?: number;
}

export interface TgDocument {
  file_id: string;
  file_unique_id: string;
  file_name?: string;
  mime_type?: string;
  file_size?: number;
}

export interface TgVoice {
  file_id: string;
  file_unique_id: string;
  duration: number;
  mime_type?: string;
  file_size?: number;
}

export interface TgLocation {
  latitude: number;
  longitude: number;
}

export interface TgContact {
  phone_number: string;
  first_name: string;
  last_name?: string;
  user_id?: number;
}

export interface TgMessage {
  message_id: number;
  from?: TgUser;
  chat: TgChat;
  date: number;
  edit_date?: number;
  text?: string;
  entities?: MessageEntity[];
  caption?: string;
  caption_entities?: MessageEntity[];
  photo?: PhotoSize[];
  document?: TgDocument;
  voice?: TgVoice;
  media_group_id?: string;
  location?: TgLocation;
  venue?: { location: TgLocation; title: string; address: string };
  contact?: TgContact;
  reply_markup?: ReplyMarkup;
  reply_to_message?: TgMessage;
  [field: string]: unknown;
}

export interface TgUpdate {
  update_id: number;
  [kind: string]: unknown;
}

/** A file part of a multipart/form-data request (an InputFile). */
export class UploadedFile {
  constructor(
    readonly filename: string,
    readonly contentType: string,
    readonly bytes: Buffer,
  ) {}
  toJSON(): object {
    return { filename: this.filename, contentType: this.contentType, size: this.bytes.length };
  }
}

/** An error answer of the Bot API: `{ ok: false, error_code, description, parameters? }`. */
export class ApiError extends Error {
  constructor(
    readonly code: number,
    readonly description: string,
    readonly parameters?: { retry_after?: number; migrate_to_chat_id?: number },
  ) {
    super(description);
    this.name = 'ApiError';
  }
}

export const badRequest = (what: string): ApiError => new ApiError(400, `Bad Request: ${what}`);
export const forbidden = (what: string): ApiError => new ApiError(403, `Forbidden: ${what}`);

export type FaultKind = '429' | '5xx' | 'drop' | 'slow';

/** One Bot API call the bot made, as the emulator answered it. */
export interface CallRecord {
  method: string;
  params: Record<string, unknown>;
  /** Milliseconds since the epoch when the request arrived. */
  at: number;
  ok: boolean;
  result?: unknown;
  error?: { code: number; description: string };
  /** Set when an injected fault answered instead of the method. */
  fault?: FaultKind;
  /** Set for methods the emulator only validates (answered `true`). */
  stub?: true;
  /** Set for a call the bot made in its answer to a webhook POST rather than as a request of its own. */
  viaWebhookAnswer?: true;
}
