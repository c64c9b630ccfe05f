import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { Db } from '../../src/store/db';
import type { EmulatedChat, EmulatedUser, Emulator } from '../../src/sandbox/emulator';
import type { Rng } from './simulation';

/**
 * Generates hostile updates: unknown kinds, missing fields, huge and empty texts, control
 * characters, HTML and Markdown injection, forged callback_data for every button codec in the
 * source (with real and random ids), presses in other people's chats, edited messages, channel
 * posts, and the bot removed from and re-added to groups. Seeded, so a failure replays.
 */

export interface Codec {
  prefix: string;
  fields: string[];
}

/** Every `callbackCodec('prefix', { a: 'id', b: 'str' })` in src/ and flows/: new buttons are covered without editing this file. */
export function codecsInSource(root = process.cwd()): Codec[] {
  const found = new Map<string, Codec>();
  const walk = (dir: string) => {
    for (const name of readdirSync(dir)) {
      const path = join(dir, name);
      if (statSync(path).isDirectory()) {
        if (name !== 'sandbox' && name !== 'node_modules') walk(path);
      } else if (name.endsWith('.ts')) {
        for (const m of readFileSync(path, 'utf8').matchAll(/callbackCodec\(\s*'([^']+)'\s*,\s*\{([^}]*)\}/g)) {
          found.set(m[1]!, { prefix: m[1]!, fields: [...m[2]!.matchAll(/(\w+)\s*:/g)].map((f) => f[1]!) });
        }
      }
    }
  };
  walk(join(root, 'src'));
  walk(join(root, 'flows'));
  return [...found.values()];
}

/** Ids that exist in the database, so forged presses also name real things. */
export async function realIds(db: Db): Promise<number[]> {
  const ids = new Set<number>();
  for (const table of ['reports', 'tasks', 'help_requests', 'team_members', 'events', 'broadcasts', 'shifts', 'hours'] as const) {
    const rows = await db
      .selectFrom(table as 'reports')
      .select('id')
      .execute()
      .catch(() => []);
    for (const r of rows) ids.add(Number(r.id));
  }
  return [...ids];
}

const HUGE = 'A'.repeat(5000);
const CONTROL = Array.from({ length: 32 }, (_, i) => String.fromCharCode(i)).join('');
export const HOSTILE_TEXTS = [
  '',
  ' ',
  '\n\n\n',
  HUGE,
  '长'.repeat(4096),
  '😀'.repeat(3000),
  CONTROL,
  'a\u0000b',
  '\u202egnp.exe',
  '\u200b\u200c\u200d\ufeff',
  '\ud800',
  '<b>bold</b><i>x</i><a href="tg://user?id=1">me</a>',
  '</code></pre><script>alert(1)</script>',
  '<tg-spoiler>x</tg-spoiler> & &amp; &lt; < > "\'',
  '*bold* _italic_ [link](http://evil.example) `code` ```pre``` ~strike~ ||spoiler||',
  '${process.exit()}',
  '{name} {id} %s %d {{count}}',
  "'; DROP TABLE reports; --",
  '../../../../etc/passwd',
  '/start',
  '/start c-../../etc',
  '/start c-meiyuan-b-nonexistent',
  '/start inv-AAAAAAAAAAAA',
  '/start inv-' + 'x'.repeat(60),
  '/link committee',
  '/link committee guihua',
  '/link team elder',
  '/link team nosuch meiyuan',
  '/invite',
  '/announce',
  '/event',
  '/reports',
  '/summary',
  '/requestfor',
  '/recur 1 week',
  '/shift',
  '/tasks',
  '/hours',
  '/report',
  '/request',
  '/cancel',
  '/mydata',
  '/lang',
  '/help@other_bot',
  '/report@linli_bot extra words',
  '/unknowncommand',
  '/' + 'x'.repeat(70),
  'R-1001',
  '#1',
  '13800138000',
  '✅ Submit',
  '⚠️ Report a hazard',
];

export interface HostileUpdate {
  kind: string;
  from?: EmulatedUser;
  in?: EmulatedChat;
  /** Sent as is with emu.injectUpdate (the emulator fills nothing). */
  raw?: Record<string, unknown>;
  /** Completed by the emulator (ids, chat, from) and sent from `from`. */
  partial?: Record<string, unknown>;
}

export interface HostileCast {
  /** Non-staff senders: residents, volunteers, people who never registered. */
  users: EmulatedUser[];
  /** Groups the storm happens in (committee, teams, strangers' groups). */
  groups: EmulatedChat[];
  /** Chats with bot messages that have buttons (groups with cards, private chats mid-flow). */
  pressable: EmulatedChat[];
  ids: number[];
  codecs: Codec[];
  botId: number;
}

const commandEntities = (text: string) =>
  text.startsWith('/') ? { entities: [{ type: 'bot_command', offset: 0, length: Math.max(1, text.split(/\s/)[0]!.length) }] } : {};

function forgedField(rng: Rng, ids: number[]): string {
  const options = [
    () => String(rng.pick(ids.length > 0 ? ids : [1])),
    () => String(rng.int(100)),
    () => String(rng.int(2 ** 31)),
    () => '0',
    () => '-1',
    () => '999999999999999999999',
    () => '1e3',
    () => 'abc',
    () => '',
    () => 'yes',
    () => 'admin',
    () => 'ack',
    () => 'done',
    () => rng.pick(['zh-CN', 'en', 'xx', 'meiyuan', 'guihua', 'elder']),
    () => '%00',
    () => '\u0000',
  ];
  return rng.pick(options)();
}

/** callback_data for a codec: right shape with forged values, or the wrong number of fields. */
function forgedData(rng: Rng, codec: Codec, ids: number[]): string {
  const n = rng.chance(0.8) ? codec.fields.length : rng.int(codec.fields.length + 3);
  const data = [codec.prefix, ...Array.from({ length: n }, () => forgedField(rng, ids))].join('|');
  // Telegram never delivers more than 64 bytes of callback_data.
  return Buffer.byteLength(data) <= 64 ? data : data.slice(0, 40);
}

/** A bot message in the chat that has inline buttons (only those can be pressed), if any. */
function withButtons(chat: EmulatedChat, botId: number, rng: Rng): unknown {
  const live = new Set(
    chat
      .messages()
      .filter((m) => m.buttons().length > 0)
      .map((m) => m.message_id),
  );
  const candidates = chat.history().filter((m) => m.from?.id === botId && live.has(m.message_id));
  return candidates.length > 0 ? rng.pick(candidates.slice(-20)) : undefined;
}

/** One hostile update, chosen at random. */
export function hostileUpdate(rng: Rng, cast: HostileCast, emu: Emulator): HostileUpdate {
  const from = rng.pick(cast.users);
  const inGroup = rng.chance(0.3);
  const where = inGroup ? rng.pick(cast.groups) : undefined;
  const text = rng.chance(0.8)
    ? rng.pick(HOSTILE_TEXTS)
    : Array.from({ length: rng.int(40) }, () => String.fromCharCode(rng.int(0x3000))).join('');
  const roll = rng.int(100);
  if (roll < 30) return { kind: 'text', from, in: where, partial: { message: { text, ...commandEntities(text) } } };
  if (roll < 60) {
    const codec = rng.pick(cast.codecs);
    // A press on a bot message with buttons: in a group, in someone else's private chat, or in one's own.
    const chat = rng.chance(0.8) ? rng.pick(cast.pressable) : emu.chat(rng.chance(0.5) ? rng.pick(cast.users).id : from.id);
    const message = withButtons(chat, cast.botId, rng);
    if (!message) return { kind: 'text', from, in: where, partial: { message: { text, ...commandEntities(text) } } };
    return {
      kind: `callback ${codec.prefix}`,
      from,
      in: chat,
      partial: { callback_query: { data: forgedData(rng, codec, cast.ids), message } },
    };
  }
  if (roll < 64) {
    const press = rng.pick<Record<string, unknown>>([
      { data: '' },
      { data: '|||' },
      { game_short_name: 'x' },
      { data: 'x'.repeat(64) },
      { data: 'f|onb|done|yes' },
      { data: 'f|rep|confirm|yes' },
      { data: 'del|yes' },
    ]);
    const message = withButtons(emu.chat(from.id), cast.botId, rng);
    if (!message) return { kind: 'text', from, partial: { message: { text } } };
    return { kind: 'callback junk', from, partial: { callback_query: { message, ...press } } };
  }
  if (roll < 70)
    return { kind: 'edited', from, in: where, partial: { edited_message: { text, edit_date: Math.floor(Date.now() / 1000) } } };
  if (roll < 78) {
    const message = rng.pick<Record<string, unknown>>([
      {},
      { text: 42 },
      { text: null },
      { text: '/report', entities: [{ type: 'bot_command', offset: 0, length: 500 }] },
      { text: 'hi', entities: [{ type: 'bold', offset: -5, length: 2 }] },
      { from: undefined, text: '/help' },
      { chat: undefined, text: '/start' },
      { sticker: { file_id: 'x', file_unique_id: 'x', type: 'regular', width: 1, height: 1, is_animated: false, is_video: false } },
      { photo: [] },
      { photo: [{ file_id: 'nonexistent', file_unique_id: 'n', width: 1, height: 1 }], caption: text },
      { location: { latitude: 999, longitude: -999 } },
      { contact: { phone_number: '+8613900000000', first_name: 'Someone else', user_id: rng.pick(cast.users).id } },
      { voice: { file_id: 'v', file_unique_id: 'v', duration: -1 } },
      { document: { file_id: 'd', file_unique_id: 'd', file_name: '../../evil.sh' } },
      { new_chat_members: [{ id: cast.botId, is_bot: true, first_name: 'Linli' }] },
      { left_chat_member: { id: cast.botId, is_bot: true, first_name: 'Linli' } },
      { group_chat_created: true },
      { pinned_message: { message_id: 1, date: 0, chat: { id: 1, type: 'private' } } },
      { reply_to_message: { message_id: 999999, date: 0, chat: { id: 1, type: 'private' } }, text: 'yes' },
      { forward_origin: { type: 'hidden_user', sender_user_name: 'x', date: 0 }, text: '/report' },
      { via_bot: { id: cast.botId, is_bot: true, first_name: 'Linli' }, text: '/deleteme' },
    ]);
    return { kind: 'malformed message', from, in: where, partial: { message } };
  }
  if (roll < 84) {
    const channel = { id: -1009000000000 - rng.int(1000), type: 'channel', title: 'Some channel' };
    const post = { message_id: rng.int(1000) + 1, date: Math.floor(Date.now() / 1000), chat: channel, text, sender_chat: channel };
    return {
      kind: 'channel post',
      raw: rng.chance(0.5) ? { channel_post: post } : { edited_channel_post: { ...post, edit_date: post.date } },
    };
  }
  if (roll < 92) {
    const group = rng.pick(cast.groups).chat;
    const bot = { id: cast.botId, is_bot: true, first_name: 'Linli', username: 'linli_bot' };
    const [before, after] = rng.pick([
      ['member', 'left'],
      ['left', 'member'],
      ['administrator', 'kicked'],
      ['kicked', 'administrator'],
      ['member', 'restricted'],
    ]);
    return {
      kind: 'my_chat_member',
      raw: {
        my_chat_member: {
          chat: group,
          from: from.user,
          date: Math.floor(Date.now() / 1000),
          old_chat_member: { status: before, user: bot },
          new_chat_member: { status: after, user: bot, ...(after === 'restricted' && { is_member: true, until_date: 0 }) },
        },
      },
    };
  }
  return {
    kind: 'unknown update',
    raw: rng.pick<Record<string, unknown>>([
      {},
      {
        poll: {
          id: '1',
          question: 'q',
          options: [],
          total_voter_count: 0,
          is_closed: false,
          is_anonymous: true,
          type: 'regular',
          allows_multiple_answers: false,
        },
      },
      { poll_answer: { poll_id: '1', user: from.user, option_ids: [0] } },
      { message_reaction: { chat: { id: from.id, type: 'private' }, message_id: 1, date: 0, old_reaction: [], new_reaction: [] } },
      { chat_join_request: { chat: rng.pick(cast.groups).chat, from: from.user, user_chat_id: from.id, date: 0 } },
      { inline_query: { id: '1', from: from.user, query: '<b>', offset: '' } },
      { chosen_inline_result: { result_id: '1', from: from.user, query: '' } },
      { shipping_query: { id: '1', from: from.user, invoice_payload: 'x', shipping_address: {} } },
      { business_message: { message_id: 1, date: 0, chat: { id: from.id, type: 'private' }, text: '/deleteme' } },
      { some_future_update: { anything: true } },
    ]),
  };
}

/** Sends one hostile update and waits for the bot to finish with it; resolves with an error text when the delivery failed. */
export async function deliver(emu: Emulator, u: HostileUpdate): Promise<string | undefined> {
  try {
    if (u.raw) await emu.injectUpdate(u.raw);
    else await u.from!.sendUpdate(u.partial!, { in: u.in });
    return undefined;
  } catch (err) {
    return `${u.kind}: ${err instanceof Error ? err.message.split('\n')[0] : String(err)}`;
  }
}

/** Every row of every table (by JSON), for before/after comparisons. */
export async function snapshot(db: Db): Promise<Map<string, Map<string, Record<string, unknown>>>> {
  const tables = await db.introspection.getTables();
  const snap = new Map<string, Map<string, Record<string, unknown>>>();
  for (const t of tables) {
    const rows = (await db
      .selectFrom(t.name as 'users')
      .selectAll()
      .execute()) as Record<string, unknown>[];
    const hasId = t.columns.some((c) => c.name === 'id');
    snap.set(t.name, new Map(rows.map((r) => [hasId ? `id:${String(r.id)}` : JSON.stringify(r), r])));
  }
  return snap;
}

/** Bookkeeping that any update may touch: which updates were seen, the outbox, the audit trail. */
const BOOKKEEPING = new Set([
  'processed_updates',
  // The polling lease is renewed every few seconds by whoever polls.
  'leases',
  'outbox',
  'audit_log',
  'kysely_migration',
  'kysely_migration_lock',
  'job_runs',
  'job_locks',
]);

/**
 * The changes between two snapshots that none of `senders` had a right to make: a row they do
 * not appear in was changed or removed, or a new row belongs to neither them nor something they
 * created (a report's photos, a request's task).
 */
export function unauthorisedChanges(
  before: Awaited<ReturnType<typeof snapshot>>,
  after: Awaited<ReturnType<typeof snapshot>>,
  senders: Set<number>,
): string[] {
  const mentionsSender = (row: Record<string, unknown>) => Object.values(row).some((v) => typeof v === 'number' && senders.has(v));
  const created = new Map<string, Set<number>>();
  for (const [table, rows] of after) {
    const old = before.get(table) ?? new Map();
    created.set(table, new Set([...rows].filter(([k, r]) => !old.has(k) && mentionsSender(r)).map(([, r]) => Number(r.id))));
  }
  const childOfCreated = (row: Record<string, unknown>) =>
    Boolean(
      created.get('reports')?.has(Number(row.report_id)) ||
      created.get('help_requests')?.has(Number(row.request_id)) ||
      created.get('tasks')?.has(Number(row.task_id)),
    );
  const problems: string[] = [];
  for (const [table, rows] of after) {
    if (BOOKKEEPING.has(table)) continue;
    const old = before.get(table) ?? new Map<string, Record<string, unknown>>();
    for (const [k, r] of rows) {
      const was = old.get(k);
      if (!was) {
        if (!mentionsSender(r) && !childOfCreated(r) && !created.get(table)?.has(Number(r.id)))
          problems.push(`${table}: new row ${JSON.stringify(r).slice(0, 200)}`);
      } else if (JSON.stringify(was) !== JSON.stringify(r)) {
        if (!mentionsSender(was) && !childOfCreated(was))
          problems.push(`${table}: changed ${JSON.stringify(was).slice(0, 160)} → ${JSON.stringify(r).slice(0, 160)}`);
      }
    }
    for (const [k, r] of old) if (!rows.has(k) && !mentionsSender(r)) problems.push(`${table}: removed ${JSON.stringify(r).slice(0, 200)}`);
  }
  return problems;
}
