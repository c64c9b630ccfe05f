import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import type { App } from '../../app';
import { HOUR, MINUTE, type ManualClock } from '../../clock';
import { effectiveRole } from '../../domain/roles';
import {
  webAppLaunchUrl,
  type BotCommand,
  type CallRecord,
  type EmulatedUser,
  type Emulator,
  type TgChat,
  type TgMessage,
} from '../emulator';
import type { Persona, Seeded } from '../seed';

/**
 * The web chat's server: the one static page, a small JSON API through which a browser tab
 * acts as one persona (through the same emulator driver the tests use), and a Server-Sent
 * Events stream that brings every change in that persona's chats live.
 */

export interface WebChatOptions {
  emu: Emulator;
  app: App;
  clock: ManualClock;
  /** The seeded personas and their emulator handles. */
  seeded: Pick<Seeded, 'personas' | 'users'>;
  port: number;
}

export interface WebChat {
  url: string;
  close(): Promise<void>;
}

const STATIC: Record<string, [file: string, type: string]> = {
  '/': ['index.html', 'text/html; charset=utf-8'],
  '/chat-i18n.js': ['chat-i18n.js', 'text/javascript; charset=utf-8'],
  '/chat.js': ['chat.js', 'text/javascript; charset=utf-8'],
  '/chat.css': ['chat.css', 'text/css; charset=utf-8'],
};
const WEB_DIR = fileURLToPath(new URL('.', import.meta.url));
// Chinese text needs a CJK font the machine may not have: the one the charts use, served to the page.
const FONT_DIR = dirname(createRequire(import.meta.url).resolve('@fontsource/noto-sans-sc/400.css'));
const FONT_FILE = /^\/fonts\/((?:400|700)\.css|files\/[\w-]+\.woff2?)$/;
const MAX_BODY = 12 * 1024 * 1024;
/** The tab's icon (Linli's "L" on the bot's avatar blue), served for /favicon.ico too so browsers find it. */
const FAVICON = Buffer.from(
  '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 64 64"><circle cx="32" cy="32" r="32" fill="#3390ec"/>' +
    '<path d="M24 16h7v25h13v7H24z" fill="#fff"/></svg>',
);

class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

/** The last message of a chat in the chat list. */
export interface ChatPreview {
  from?: string;
  text?: string;
  kind?: 'photo' | 'document' | 'location' | 'contact' | 'sticker' | 'voice' | 'joined' | 'left';
  /** The document's file name, or who joined or left. */
  name?: string;
}

/** A message as the page draws it: what Telegram shows, nothing of the bot's internals. */
export interface MessageView {
  id: number;
  chatId: number;
  fromBot: boolean;
  fromId?: number;
  from: string;
  date: number;
  edited: boolean;
  text?: string;
  entities?: TgMessage['entities'];
  photo?: string;
  document?: { fileId: string; name: string; size?: number };
  location?: { latitude: number; longitude: number };
  contact?: { phone: string; name: string };
  /** What the page shows as a label in the reader's language. */
  other?: 'sticker' | 'voice';
  /** A service line: who joined or left (the page words it in the reader's language). */
  service?: { joined?: string; left?: string };
  replyTo?: { from: string; text?: string; photo?: boolean };
  buttons?: { text: string; data?: string; url?: string }[][];
}

function viewMessage(m: TgMessage, botId: number): MessageView {
  const joined = m.new_chat_members as { first_name: string }[] | undefined;
  const left = m.left_chat_member as { first_name: string } | undefined;
  const largest = m.photo?.at(-1);
  const other = m.sticker ? 'sticker' : m.voice ? 'voice' : undefined;
  const reply = m.reply_to_message;
  return {
    id: m.message_id,
    chatId: m.chat.id,
    fromBot: m.from?.id === botId,
    fromId: m.from?.id,
    from: m.from?.first_name ?? '',
    date: m.date,
    edited: m.edit_date !== undefined,
    ...(m.text !== undefined && { text: m.text, entities: m.entities }),
    ...(m.caption !== undefined && { text: m.caption, entities: m.caption_entities }),
    ...(largest && { photo: largest.file_id }),
    ...(m.document && { document: { fileId: m.document.file_id, name: m.document.file_name ?? 'file', size: m.document.file_size } }),
    ...(m.location && { location: m.location }),
    ...(m.contact && {
      contact: { phone: m.contact.phone_number, name: [m.contact.first_name, m.contact.last_name].filter(Boolean).join(' ') },
    }),
    ...(other && { other }),
    ...(joined && { service: { joined: joined.map((u) => u.first_name).join(', ') } }),
    ...(left && { service: { left: left.first_name } }),
    ...(reply && {
      replyTo: {
        from: reply.from?.first_name ?? '',
        ...((reply.text ?? reply.caption) !== undefined
          ? { text: (reply.text ?? reply.caption)!.slice(0, 80) }
          : { photo: Boolean(reply.photo) }),
      },
    }),
    ...(m.reply_markup?.inline_keyboard && {
      buttons: m.reply_markup.inline_keyboard.map((row) =>
        row.map((b) => {
          // A Mini App button (the staff dashboard): opened by /api/webapp with signed launch data.
          const webApp = (b as { web_app?: { url?: unknown } }).web_app?.url;
          return {
            text: b.text,
            ...(b.callback_data !== undefined && { data: b.callback_data }),
            ...(typeof b.url === 'string' && { url: b.url }),
            ...(typeof webApp === 'string' && { webApp }),
          };
        }),
      ),
    }),
  };
}

async function readJson(req: IncomingMessage): Promise<Record<string, unknown>> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY) throw new HttpError(413, 'too large (12 MB at most)');
    chunks.push(chunk as Buffer);
  }
  try {
    return JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}') as Record<string, unknown>;
  } catch {
    throw new HttpError(400, 'the body is not JSON');
  }
}

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const json = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' }).end(json);
}

/** A MenuButtonWebApp the bot set (label and Mini App address), or null for the default menu (the commands). */
function webAppMenu(button: Record<string, unknown>): { text: string; webApp: string } | null {
  const url = (button.web_app as { url?: unknown } | undefined)?.url;
  return button.type === 'web_app' && typeof button.text === 'string' && typeof url === 'string'
    ? { text: button.text, webApp: url }
    : null;
}

export async function startWebChat(o: WebChatOptions): Promise<WebChat> {
  const { emu, app, clock } = o;
  const personas = [...o.seeded.personas];
  const handles = new Map<number, EmulatedUser>(o.seeded.users);
  const streams = new Set<{ userId: number; res: ServerResponse }>();
  let nextNewcomer = 3001;

  const persona = (id: unknown): Persona => {
    const p = personas.find((x) => x.id === Number(id));
    if (!p) throw new HttpError(404, `no persona ${String(id)}`);
    return p;
  };
  // The driver handle of a persona; emu.user() registers a user once, so handles are kept.
  const actor = (id: unknown): EmulatedUser => {
    const handle = handles.get(persona(id).id);
    if (!handle) throw new HttpError(500, `persona ${String(id)} has no emulator user`);
    return handle;
  };
  const sees = (userId: number, chatId: number): boolean => {
    if (chatId === userId) return true;
    if (chatId > 0) return false;
    const status = (emu.chat(chatId) as ReturnType<Emulator['group']>).memberStatus({ id: userId });
    return status === 'member' || status === 'administrator' || status === 'creator';
  };
  const chatsOf = (userId: number) => {
    const groups = emu.allChats().filter((c) => c.type !== 'private' && sees(userId, c.id));
    /** The chat's last message, for the chat list: its text, or what it is (the page words that). */
    const preview = (chatId: number): ChatPreview | null => {
      const last = emu.chat(chatId).history().at(-1);
      if (!last) return null;
      const view = viewMessage(last, emu.bot.id);
      const kind = view.service
        ? view.service.joined !== undefined
          ? 'joined'
          : 'left'
        : view.photo && view.text === undefined
          ? 'photo'
          : view.document && view.text === undefined
            ? 'document'
            : view.location
              ? 'location'
              : view.contact
                ? 'contact'
                : view.other;
      return {
        ...(chatId < 0 && !view.service && { from: view.from }),
        ...(view.text !== undefined && { text: view.text.slice(0, 80) }),
        ...(kind && { kind }),
        ...(view.document && { name: view.document.name }),
        ...(view.service && { name: view.service.joined ?? view.service.left }),
      };
    };
    return [
      { id: userId, title: emu.bot.first_name, type: 'private' as const },
      ...groups.map((c: TgChat) => ({ id: c.id, title: c.title ?? '', type: c.type })),
    ].map((c) => ({
      ...c,
      preview: preview(c.id),
    }));
  };
  const checkChat = (userId: number, chatId: unknown): number => {
    const id = Number(chatId);
    if (!Number.isSafeInteger(id) || !sees(userId, id)) throw new HttpError(403, `persona ${userId} is not in chat ${String(chatId)}`);
    return id;
  };

  /** Telegram's menu for this person here: the narrowest scope the bot set, in their language first. */
  const commandsFor = (userId: number, chatId: number): BotCommand[] => {
    const language = (emu.userById(userId)?.language_code ?? '').slice(0, 2);
    const scopes =
      chatId === userId
        ? [{ type: 'chat', chat_id: chatId }, { type: 'all_private_chats' }, { type: 'default' }]
        : [
            { type: 'chat_member', chat_id: chatId, user_id: userId },
            { type: 'chat', chat_id: chatId },
            { type: 'all_group_chats' },
            { type: 'default' },
          ];
    for (const scope of scopes) {
      for (const code of [language, '']) {
        const list = emu.commands(scope as never, code);
        if (list.length > 0) return list;
      }
    }
    return [];
  };

  /**
   * A persona as the page shows them, from what the bot knows now (so a newcomer's "not
   * registered yet" goes once they are): the page words the description in its language.
   */
  const personaView = async (p: Persona) => {
    const user = await app.deps.users.find(p.id);
    const { communities } = app.deps;
    const community = user?.community_id ? communities.community(user.community_id) : undefined;
    const registered = Boolean(community && user?.privacy_accepted_at !== null);
    const building = community && user?.building_id ? communities.building(community.id, user.building_id) : undefined;
    const team = community && p.team ? communities.team(community.id, p.team) : undefined;
    return {
      id: p.id,
      name: p.name,
      about: p.about,
      role: effectiveRole(user, app.deps.config.adminIds, p.id),
      locale: p.locale,
      details: {
        registered,
        ...(registered && community && { community: community.name }),
        ...(registered && building && { building: building.name }),
        ...(team && { team: team.name }),
      },
    };
  };

  const clockView = () => ({
    now: clock.now(),
    /** The community's time zone: the page shows the clock and message times in it. */
    timeZone: app.deps.config.timezone,
    text: new Intl.DateTimeFormat('en-GB', {
      timeZone: app.deps.config.timezone,
      weekday: 'short',
      day: 'numeric',
      month: 'short',
      hour: '2-digit',
      minute: '2-digit',
    }).format(clock.now()),
  });

  const broadcast = (event: Record<string, unknown>, chatId?: number): void => {
    const line = `data: ${JSON.stringify(event)}\n\n`;
    for (const s of streams) if (chatId === undefined || sees(s.userId, chatId)) s.res.write(line);
  };
  const onMessage = ({ chatId, message }: { chatId: number; message: TgMessage }) => {
    // A join or leave changes who sees the group: tell everyone to refresh their chat lists.
    if (message.new_chat_members || message.left_chat_member) broadcast({ type: 'chats' });
    broadcast({ type: 'message', chatId, message: viewMessage(message, emu.bot.id) }, chatId);
  };
  const onEdit = ({ chatId, message }: { chatId: number; message: TgMessage }) =>
    broadcast({ type: 'edit', chatId, message: viewMessage(message, emu.bot.id) }, chatId);
  const onDelete = ({ chatId, messageId }: { chatId: number; messageId: number }) =>
    broadcast({ type: 'delete', chatId, messageId }, chatId);
  // The bot set a chat's menu button (the staff dashboard): that chat redraws its menu button.
  const onCall = (call: CallRecord) => {
    if (call.method !== 'setChatMenuButton' || !call.ok) return;
    const chatId = call.params.chat_id === undefined ? undefined : Number(call.params.chat_id);
    broadcast({ type: 'menu', chatId }, chatId);
  };
  emu.events.on('message', onMessage);
  emu.events.on('edit', onEdit);
  emu.events.on('delete', onDelete);
  emu.events.on('call', onCall);

  const api = async (req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> => {
    const route = `${req.method} ${url.pathname}`;
    if (route === 'GET /api/personas')
      return sendJson(res, 200, { personas: await Promise.all(personas.map(personaView)), clock: clockView() });
    if (route === 'POST /api/personas') {
      const body = await readJson(req);
      const name =
        String(body.name ?? '')
          .trim()
          .slice(0, 64) || 'New resident';
      const locale = ['zh-CN', 'zh-TW', 'en'].includes(String(body.locale)) ? (String(body.locale) as Persona['locale']) : 'zh-CN';
      const id = nextNewcomer++;
      handles.set(id, emu.user({ id, first_name: name, language_code: locale }));
      const p: Persona = { id, name, role: 'resident', locale, community: '', building: '', about: 'New resident' };
      personas.push(p);
      return sendJson(res, 200, { persona: await personaView(p) });
    }
    if (route === 'GET /api/chats') {
      const p = persona(url.searchParams.get('as'));
      const user = await app.deps.users.find(p.id);
      const community = app.deps.communities.community(user?.community_id ?? '') ?? app.deps.communities.all[0];
      return sendJson(res, 200, { persona: await personaView(p), chats: chatsOf(p.id), clock: clockView(), centre: community?.centre });
    }
    if (route === 'GET /api/chat') {
      const p = persona(url.searchParams.get('as'));
      const chatId = checkChat(p.id, url.searchParams.get('chat'));
      const chat = emu.chat(chatId);
      const keyboard = emu.replyKeyboard(chatId);
      return sendJson(res, 200, {
        chat: { id: chatId, title: chatId === p.id ? emu.bot.first_name : (chat.chat.title ?? ''), type: chat.chat.type },
        messages: chat.history().map((m) => viewMessage(m, emu.bot.id)),
        keyboard: keyboard?.keyboard
          ? { rows: keyboard.keyboard, oneTime: Boolean(keyboard.one_time_keyboard), placeholder: keyboard.input_field_placeholder }
          : null,
        commands: commandsFor(p.id, chatId),
        menuButton: chatId === p.id ? webAppMenu(emu.menuButton(chatId)) : null,
      });
    }
    if (route === 'GET /api/events') {
      const p = persona(url.searchParams.get('as'));
      res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-store', connection: 'keep-alive' });
      res.write(`data: ${JSON.stringify({ type: 'hello', clock: clockView() })}\n\n`);
      const stream = { userId: p.id, res };
      streams.add(stream);
      const ping = setInterval(() => res.write(': ping\n\n'), 15_000);
      req.on('close', () => {
        clearInterval(ping);
        streams.delete(stream);
      });
      return;
    }
    if (route === 'GET /api/file') {
      const file = emu.file(url.searchParams.get('id') ?? '');
      if (!file) throw new HttpError(404, 'no such file');
      const name = url.searchParams.get('name');
      res.writeHead(200, {
        'content-type': file.mime_type ?? 'application/octet-stream',
        'content-length': file.bytes.length,
        'cache-control': 'max-age=3600',
        ...(name && { 'content-disposition': `attachment; filename*=UTF-8''${encodeURIComponent(name)}` }),
      });
      res.end(file.bytes);
      return;
    }
    if (route === 'POST /api/send') {
      const body = await readJson(req);
      const user = actor(body.as);
      const chatId = checkChat(user.id, body.chat);
      const at = { in: chatId };
      const caption = typeof body.caption === 'string' && body.caption.trim() !== '' ? body.caption : undefined;
      if (typeof body.photo === 'string') await user.sendPhoto({ ...at, caption, bytes: Buffer.from(body.photo, 'base64') });
      else if (typeof body.document === 'string')
        await user.sendDocument({
          ...at,
          caption,
          bytes: Buffer.from(body.document, 'base64'),
          fileName: String(body.fileName ?? 'file'),
          mimeType: typeof body.mimeType === 'string' ? body.mimeType : undefined,
        });
      else if (body.location) {
        const { latitude, longitude } = body.location as { latitude: number; longitude: number };
        if (!Number.isFinite(latitude) || !Number.isFinite(longitude) || Math.abs(latitude) > 90 || Math.abs(longitude) > 180)
          throw new HttpError(400, 'latitude -90…90 and longitude -180…180');
        await user.sendLocation(latitude, longitude, at);
      } else if (typeof body.contact === 'string') await user.sendContact(body.contact, at);
      else if (body.sticker) await user.sendSticker(at);
      else if (typeof body.text === 'string' && body.text.trim() !== '') {
        await user.send(body.text.slice(0, 4096), { ...at, ...(typeof body.replyTo === 'number' && { replyTo: body.replyTo }) });
      } else throw new HttpError(400, 'nothing to send');
      return sendJson(res, 200, { ok: true });
    }
    if (route === 'POST /api/press') {
      const body = await readJson(req);
      const user = actor(body.as);
      const chatId = checkChat(user.id, body.chat);
      const { answer } = await user.pressData(String(body.data), { in: chatId, messageId: Number(body.messageId) });
      return sendJson(res, 200, { answer: answer ?? null });
    }
    if (route === 'POST /api/webapp') {
      // What Telegram does on a web_app button: open its page with launch data signed for this person.
      const body = await readJson(req);
      const user = actor(body.as);
      const target = String(body.url ?? '');
      if (!/^https?:\/\//.test(target)) throw new HttpError(400, 'url: the Mini App address');
      return sendJson(res, 200, { url: webAppLaunchUrl(target, emu.webAppInitData(user)) });
    }
    if (route === 'POST /api/time') {
      const body = await readJson(req);
      const hours = Number(body.hours);
      if (!Number.isFinite(hours) || hours <= 0 || hours > 24 * 31) throw new HttpError(400, 'hours: more than 0, at most a month');
      clock.advance(hours * HOUR);
      // Two rounds a minute apart: some jobs follow up on what the first round delivered
      // (the summary's files go out once its text has).
      const ran = new Set<string>();
      for (const step of [0, MINUTE]) {
        clock.advance(step);
        for (const name of await app.scheduler.tick()) ran.add(name);
        await app.sender.flush();
      }
      const view = clockView();
      broadcast({ type: 'clock', clock: view });
      return sendJson(res, 200, { clock: view, ran: [...ran] });
    }
    throw new HttpError(404, `no route ${route}`);
  };

  const server: Server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://sandbox');
    if (req.method === 'GET' && (url.pathname === '/favicon.ico' || url.pathname === '/favicon.svg')) {
      res.writeHead(200, { 'content-type': 'image/svg+xml', 'cache-control': 'max-age=86400' }).end(FAVICON);
      return;
    }
    const font = req.method === 'GET' ? FONT_FILE.exec(url.pathname) : null;
    const file = req.method === 'GET' ? STATIC[url.pathname] : undefined;
    if (file || font) {
      const [path, type, cache] = font
        ? [join(FONT_DIR, font[1]!), font[1]!.endsWith('.css') ? 'text/css' : `font/${font[1]!.split('.').pop()}`, 'max-age=86400']
        : [join(WEB_DIR, file![0]), file![1], 'no-store'];
      readFile(path).then(
        (bytes) => res.writeHead(200, { 'content-type': type, 'cache-control': cache }).end(bytes),
        () => res.writeHead(404).end('not found'),
      );
      return;
    }
    api(req, res, url).catch((err: unknown) => {
      const status = err instanceof HttpError ? err.status : 500;
      if (!res.headersSent) sendJson(res, status, { error: err instanceof Error ? err.message : String(err) });
      else res.end();
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(o.port, '127.0.0.1', resolve);
  });
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}`,
    async close() {
      emu.events.off('message', onMessage);
      emu.events.off('edit', onEdit);
      emu.events.off('delete', onDelete);
      emu.events.off('call', onCall);
      for (const s of streams) s.res.end();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
