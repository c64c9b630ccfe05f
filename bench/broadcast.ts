import { startEmulator, type EmulatedUser, type Emulator } from '../src/sandbox/emulator';
import { openDatabase, type Db } from '../src/store/db';
import { botFiles, built, registered, rssMb, seedResidents, startBot, stopBot } from './bot';
import { fmt, type Row } from './lib';

/**
 * Bench 2 (broadcast): staff send an urgent notice to every resident through /announce, and the
 * bot (its own process, SQLite) delivers it through the emulator enforcing Telegram's flood
 * limits at their real values: 30 messages/s overall, 1/s per chat. No scaling: what is measured
 * is the pace Telegram would see. Everyone who receives it is counted from the emulator's chats.
 */

export const FIRST_ID = 6_000_000_000;
const LIMIT_PER_SECOND = 30;
/** Far enough into the text that the progress message (which quotes the first words) does not hold it. */
const MARKER = 'notice T-7731';

export async function benchBroadcast(opts: { recipients: number }): Promise<Row[]> {
  const emu = await startEmulator({ confirmTimeoutMs: 60_000 });
  const files = botFiles();
  const residents = opts.recipients - 1; // the staff member lives in the community too
  await seedResidents(files.dbPath, residents, { firstId: FIRST_ID, community: 'meiyuan' });
  const people = Array.from({ length: residents }, (_, i) => emu.user({ id: FIRST_ID + i, first_name: `住户${i}`, started: true }));
  const staff = await seedStaff(emu, files.dbPath);
  const { child } = await startBot(emu, await built('linli'), files.env);

  const {
    rate,
    share,
    duplicates,
    missing,
    tooMany,
    rejected,
    refusals: refused,
    seconds: allSeconds,
  } = await announceToAll(emu, staff, people, opts.recipients);
  const rss = rssMb(child.pid!);
  await stopBot(child);
  await emu.close();
  files.remove();

  const n = opts.recipients.toLocaleString('en');
  return [
    {
      bench: '2 broadcast',
      figure: `messages/s to ${n} recipients (${fmt(allSeconds)} s in all)`,
      value: fmt(rate),
      reference: `Telegram's limit ${LIMIT_PER_SECOND}/s`,
      ratio: share.toFixed(3),
      target: '≥ 97% of the limit',
      met: share >= 0.97 ? 'yes' : 'no',
    },
    {
      bench: '2 broadcast',
      figure: '429s received / calls Telegram would refuse',
      value: `${tooMany} / ${rejected}`,
      reference: '—',
      ratio: '—',
      target: '0 429s, 0 refused',
      met: tooMany === 0 && rejected === 0 ? 'yes' : 'no',
      why: `each 429: ${refused.slice(0, 5).join('; ')}.`,
    },
    {
      bench: '2 broadcast',
      figure: 'duplicates / missing recipients',
      value: `${duplicates} / ${missing}`,
      reference: '—',
      ratio: '—',
      target: '0 / 0',
      met: duplicates === 0 && missing === 0 ? 'yes' : 'no',
    },
    {
      bench: '2 broadcast',
      figure: 'bot RSS after the broadcast',
      value: `${fmt(rss)} MB`,
      reference: '—',
      ratio: '—',
      target: '—',
      met: '—',
    },
  ];
}

/** A staff member of Meiyuan, registered as /invite would have made them, writing in English. */
export async function seedStaff(emu: Emulator, dbOrPath: string | Db): Promise<EmulatedUser> {
  const staff = emu.user({ id: FIRST_ID - 1, first_name: 'Mei', language_code: 'en', started: true });
  const db = typeof dbOrPath === 'string' ? openDatabase({ kind: 'sqlite', path: dbOrPath }) : dbOrPath;
  const now = Date.now();
  await db
    .insertInto('users')
    .values(registered(staff.id, 'Mei', now, { role: 'staff', locale: 'en' }))
    .execute();
  if (typeof dbOrPath === 'string') await db.destroy();
  return staff;
}

export interface BroadcastOutcome {
  rate: number;
  share: number;
  /** From Send to the last message. */
  seconds: number;
  tooMany: number;
  rejected: number;
  duplicates: number;
  missing: number;
  /** Each 429 explained (see refusals). */
  refusals: string[];
}

/**
 * Staff send an urgent notice to the whole community through /announce, with Telegram's
 * limits enforced from the moment they press Send; resolves when the bot says it finished.
 */
export async function announceToAll(
  emu: Emulator,
  staff: EmulatedUser,
  people: EmulatedUser[],
  recipients: number,
): Promise<BroadcastOutcome> {
  await staff.send('/announce');
  await staff.send(`Typhoon Haikui makes landfall tonight: bring in flower pots and close your windows. (${MARKER})`);
  await staff.press('Skip');
  await staff.press(/Urgent safety notice/);
  await staff.press(/The whole community/);
  // Telegram's limits from the moment staff press Send (the steps above took as long as a person would).
  emu.limits.enable();
  const started = Date.now();
  const preview = staff.last()!.message_id; // staff saw the notice once already, as a preview
  await staff.press(`✅ Send to ${recipients}`);
  const budgetMs = (recipients / LIMIT_PER_SECOND) * 2000 + 60_000;
  await staff.waitFor(/Finished/, { timeoutMs: budgetMs });

  const got = (u: EmulatedUser, after = 0) => u.inbox().filter((m) => m.message_id > after && (m.text ?? '').includes(MARKER)).length;
  const received = [got(staff, preview), ...people.map((u) => got(u))];
  const duplicates = received.reduce((sum, n) => sum + Math.max(0, n - 1), 0);
  const missing = received.filter((n) => n === 0).length;
  // The pace: accepted notice messages from the first to the last, 429s and pauses included.
  const sent = emu.calls
    .filter((c) => c.method === 'sendMessage' && c.ok && c.at >= started && String(c.params.text ?? '').includes(MARKER))
    .map((c) => c.at);
  const seconds = (sent[sent.length - 1]! - sent[0]!) / 1000;
  const rate = (sent.length - 1) / seconds;
  const share = rate / LIMIT_PER_SECOND;
  const tooMany = emu.stats.tooManyRequests;
  const rejected = emu.rejected.length;
  return { rate, share, seconds: (Date.now() - started) / 1000, tooMany, rejected, duplicates, missing, refusals: refusals(emu) };
}

/** Each 429: what Telegram had accepted in the second before it, overall and in its chat (which limit it met). */
function refusals(emu: Emulator): string[] {
  const posted = emu.calls.filter((c) => c.ok && c.method.startsWith('send'));
  return emu.calls
    .filter((c) => c.error?.code === 429)
    .map((c) => {
      const before = posted.filter((p) => p.at > c.at - 1000 && p.at <= c.at);
      const detail = process.env.BENCH_REFUSAL_DETAIL
        ? ` [${before.map((p) => `${String(p.params.chat_id).slice(-4)}${String(p.params.text ?? '').includes(MARKER) ? '' : '(other)'}:${Math.round(c.at - p.at)}`).join(' ')}]`
        : '';
      return `${c.method} to ${String(c.params.chat_id)}: ${before.length} in the second before, ${before.filter((p) => p.params.chat_id === c.params.chat_id).length} of them to that chat${detail}`;
    });
}
