import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DAY, MINUTE } from '../src/clock';
import { formatLocalTime } from '../src/domain/events';
import type { EmulatedUser } from '../src/sandbox/emulator';
import { dropFreshDatabases, freshPostgres, PG_URL } from './helpers/postgres';
import { startWorld, type World } from './helpers/world';

/**
 * Issue 20 on PostgreSQL: an anonymous poll's rows cannot name a voter's choice even through
 * PostgreSQL's system columns. Every row carries the id of the transaction that wrote it
 * (xmin); a ballot is one transaction, so a tally row written by it would name the last voter
 * of that option (`… JOIN poll_voters v ON v.xmin = t.xmin`). Every ballot, cast or changed,
 * writes every tally row of its poll in one statement instead: after each vote the tally rows
 * differ only by option and count, all carry the voter's transaction, and lie in the options'
 * order. (test/polls.test.ts compares every stored row of two voters on SQLite.)
 */

if (!PG_URL) console.warn('polls-postgres.test: TEST_DATABASE_URL is not set, so the PostgreSQL anonymity test is skipped');

const TZ = 'Asia/Shanghai';
let world: World;
let client: pg.Client;
let mei: EmulatedUser;

beforeAll(async () => {
  if (!PG_URL) return;
  const url = await freshPostgres();
  world = await startWorld({ env: { DATABASE_URL: url } });
  client = new pg.Client({ connectionString: url });
  await client.connect();
  mei = await world.staff('Mei');
});
afterAll(async () => {
  if (!PG_URL) return;
  try {
    expect(world.emu.rejected).toEqual([]);
  } finally {
    await client.end();
    await world.stop();
    await dropFreshDatabases();
  }
});

/** /poll for building 2, anonymous, results at closing; its id. */
async function anonymousPoll(question: string, options: string[], multiple: boolean): Promise<number> {
  await mei.send('/poll');
  await mei.send(question);
  await mei.send(options.join('\n'));
  for (const label of [multiple ? /Several/ : /One$/, /Anonymous/, /Every person/, /Only when the poll closes/]) await mei.press(label);
  await mei.send(formatLocalTime(Math.ceil((world.clock.now() + 2 * DAY) / MINUTE) * MINUTE, 'en', TZ));
  for (const label of [/No, this vote decides/, /Chosen buildings/, /Building 2$/, /Done/]) await mei.press(label);
  await mei.press(/✅ Send to/);
  await world.flush();
  return (await world.db.selectFrom('polls').select('id').orderBy('id', 'desc').executeTakeFirstOrThrow()).id;
}

/** Ticks the options on the voter's poll message (starting from what it shows) and presses Vote or Change my vote. */
async function vote(u: EmulatedUser, question: string, ...labels: string[]): Promise<string | undefined> {
  const message = u
    .inbox()
    .filter((m) => (m.text ?? '').includes(question) && m.reply_markup)
    .at(-1)!;
  for (const label of labels) await u.press(new RegExp(`^⬜ \\d+\\. ${label}`), { messageId: message.message_id });
  return (await u.press(/🗳 (Vote|Change my vote)/, { messageId: message.message_id })).answer?.text;
}

const query = async <T>(text: string, values: unknown[] = []) => (await client.query(text, values)).rows as T[];

/** How many rows of each table the transaction `xid` wrote (left as xmin on them). */
async function writtenBy(xid: string): Promise<Record<string, number>> {
  const written: Record<string, number> = {};
  for (const { tablename } of await query<{ tablename: string }>("select tablename from pg_tables where schemaname = 'public'")) {
    const [{ n }] = await query<{ n: number }>(`select count(*)::int as n from "${tablename}" where xmin::text = $1`, [xid]);
    if (n > 0) written[tablename] = n;
  }
  return written;
}

/** After a ballot: nothing PostgreSQL keeps about the poll's tally rows singles out the options this voter chose. */
async function expectUnlinkable(pollId: number, voter: EmulatedUser, options: number): Promise<void> {
  const all = [...Array(options).keys()];
  // The audit's query: the tally rows written in the voter's transaction are all of them.
  const joined = await query<{ option: number }>(
    'select t.option from poll_tallies t join poll_voters v on v.xmin = t.xmin and v.poll_id = t.poll_id where v.poll_id = $1 and v.user_id = $2 order by t.option',
    [pollId, voter.id],
  );
  expect(joined.map((r) => r.option)).toEqual(all);
  // No system column tells one option's row from another's, and none moved ahead of the others.
  const tallies = await query<Record<string, string | number>>(
    'select option, xmin::text as xmin, xmax::text as xmax, cmin::text as cmin, cmax::text as cmax from poll_tallies where poll_id = $1 order by ctid',
    [pollId],
  );
  for (const column of ['xmin', 'xmax', 'cmin', 'cmax']) expect(new Set(tallies.map((t) => t[column])).size, column).toBe(1);
  expect(tallies.map((t) => t.option)).toEqual(all);
  // And the transaction wrote the same rows whatever was chosen: the voter's row, the poll's, every tally row.
  const [{ xmin }] = await query<{ xmin: string }>('select xmin::text as xmin from poll_voters where poll_id = $1 and user_id = $2', [
    pollId,
    voter.id,
  ]);
  expect(await writtenBy(xmin)).toEqual({ poll_voters: 1, polls: 1, poll_tallies: options });
}

const talliesOf = async (pollId: number) =>
  (await query<{ votes: number }>('select votes from poll_tallies where poll_id = $1 order by option', [pollId])).map((r) => r.votes);

describe.skipIf(!PG_URL)('an anonymous poll on PostgreSQL', () => {
  it('leaves no row, nor any transaction id on one, that names what a voter chose: cast, changed, or several options', async () => {
    const residents: EmulatedUser[] = [];
    for (const name of ['Ana', 'Bo', 'Cai', 'Dan']) residents.push(await world.resident(name, { building: 'b2', locale: 'en' }));
    const [ana, bo, cai, dan] = residents;
    const q = 'Which colour for the stairwell?';
    const poll = await anonymousPoll(q, ['Red', 'Blue', 'Green'], false);
    for (const [voter, choice] of [
      [ana, 'Red'],
      [bo, 'Blue'],
      [cai, 'Red'],
      [dan, 'Green'],
    ] as const) {
      expect(await vote(voter, q, choice)).toMatch(/your vote is counted/);
      await expectUnlinkable(poll, voter, 3);
    }
    expect(await talliesOf(poll)).toEqual([2, 1, 1]);

    // A change, with the receipt in Ana's message: her old option down, the new one up, in the same one statement.
    expect(await vote(ana, q, 'Blue')).toBe('Your vote is changed.');
    await expectUnlinkable(poll, ana, 3);
    expect(await talliesOf(poll)).toEqual([1, 2, 1]);

    const several = 'Which evening classes should start?';
    const classes = await anonymousPoll(several, ['Calligraphy', 'Dance', 'Computers', 'Cooking'], true);
    expect(await vote(bo, several, 'Calligraphy', 'Computers')).toMatch(/your vote is counted/);
    await expectUnlinkable(classes, bo, 4);
    expect(await talliesOf(classes)).toEqual([1, 0, 1, 0]);
    expect(await query('select * from poll_choices')).toEqual([]);
  });
});
