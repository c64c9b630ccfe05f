import { pathToFileURL } from 'node:url';
import {
  startEmulator,
  type BotMessageView,
  type CallRecord,
  type CallbackAnswer,
  type EmulatedGroup,
  type Emulator,
  type EmulatedUser,
  type TgMessage,
  type TgUpdate,
  type TgUser,
} from '../src/sandbox/emulator';
import { migrateToLatest, openDatabase } from '../src/store/db';
import { botFiles, built, registered, seedNeighbourhood, startBot, stopBot, type Neighbourhood } from './bot';
import { fmt, percentile, table, type Row } from './lib';

/**
 * Bench 5 (contention): `volunteers` approved members of a team press Claim on the same group
 * card at the same instant. Exactly one may win; the others are told who did. Latency is from
 * the press to the bot's answerCallbackQuery for it. The reference, in the same run, is one
 * uncontended press on a fresh task. The real bot runs as its own process (the production
 * build) on SQLite.
 */

const FIRST_ID = 8_000_000_000;
const CLAIM = '✋ 我来认领';
const WON = /认领成功/;
/** Staff approval of a request, if the bot asks for one (committee group or staff's private chat). */
const APPROVE = '✅ 同意';

interface Crowd extends Neighbourhood {
  crowd: EmulatedUser[];
  solo: EmulatedUser;
  requesters: EmulatedUser[];
}

/** Staff, the committee and the team's groups linked, and approved volunteers, written before the bot starts. */
async function seed(emu: Emulator, dbPath: string, volunteers: number, asking: number): Promise<Crowd> {
  const db = openDatabase({ kind: 'sqlite', path: dbPath });
  await migrateToLatest(db);
  const now = Date.now();
  const person = (i: number, name: string, started = false) =>
    emu.user({ id: FIRST_ID + i, first_name: name, language_code: 'zh-CN', started });
  const crowd = Array.from({ length: volunteers }, (_, i) => person(1 + i, `队员${i}`));
  const solo = person(1 + volunteers, '独行侠');
  const requesters = Array.from({ length: asking }, (_, i) => person(2 + volunteers + i, `求助人${i}`));
  const hood = await seedNeighbourhood(db, emu, person(0, '王主任', true), [solo, ...crowd]);
  for (const r of requesters)
    await db
      .insertInto('users')
      .values(registered(r.id, r.name, now, { unit: `${r.id % 30}-101` }))
      .execute();
  await db.destroy();
  return { ...hood, crowd, solo, requesters };
}

/**
 * When the bot answered each press: getUpdates shows which query id is whose press on which
 * message, answerCallbackQuery shows when it was answered. Keyed by presser and message.
 */
class AnswerClock {
  private readonly queries = new Map<string, string>();
  private readonly answered = new Map<string, number>();

  constructor(emu: Emulator) {
    emu.events.on('call', (call: CallRecord) => {
      if (call.method === 'getUpdates' && call.ok) {
        for (const u of call.result as TgUpdate[]) {
          const q = u.callback_query as { id: string; from: TgUser; message?: TgMessage } | undefined;
          if (q?.message) this.queries.set(q.id, key(q.from.id, q.message.message_id));
        }
      } else if (call.method === 'answerCallbackQuery') {
        const k = this.queries.get(call.params.callback_query_id as string);
        if (k && !this.answered.has(k)) this.answered.set(k, performance.now());
      }
    });
  }

  /** Presses Claim on the card; ms until the bot answered (NaN if it never did). */
  async press(user: EmulatedUser, team: EmulatedGroup, card: BotMessageView): Promise<{ ms: number; answer?: CallbackAnswer }> {
    const t0 = performance.now();
    const { answer } = await user.press(CLAIM, { in: team, messageId: card.message_id });
    return { ms: (this.answered.get(key(user.id, card.message_id)) ?? NaN) - t0, answer };
  }
}

/** A presser (or chat) and a message. */
const key = (id: number, messageId: number) => `${id}:${messageId}`;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** A resident asks for shopping help through /request, as in the chat. */
async function ask(r: EmulatedUser): Promise<void> {
  await r.send('/request');
  await r.press('我本人');
  await r.press('代购代买');
  await r.send('腿脚不便，想请人帮忙买些米和油。');
  await r.press('⚡ 越快越好');
  await r.press(/^我家/);
  await r.press('跳过'); // phone
  await r.press('✅ 提交求助');
}

/**
 * Waits for a new Claim card in the team group (the outbox posts it). Where staff must approve
 * a request first, presses Approve as staff wherever the bot asked for it.
 */
async function newCard(hood: Neighbourhood, seen: Set<string>, timeoutMs = 15_000): Promise<BotMessageView> {
  const deadline = performance.now() + timeoutMs;
  while (performance.now() < deadline) {
    const card = hood.team.messages().find((m) => !seen.has(key(m.chat_id, m.message_id)) && m.buttons().includes(CLAIM));
    if (card) {
      seen.add(key(card.chat_id, card.message_id));
      return card;
    }
    const asks: [BotMessageView, EmulatedGroup | undefined][] = [
      ...hood.committee.messages().map((m): [BotMessageView, EmulatedGroup] => [m, hood.committee]),
      ...hood.staff.inbox().map((m): [BotMessageView, undefined] => [m, undefined]),
    ];
    const approval = asks.find(([m]) => !seen.has(key(m.chat_id, m.message_id)) && m.buttons().includes(APPROVE));
    if (approval) {
      seen.add(key(approval[0].chat_id, approval[0].message_id));
      await hood.staff.press(APPROVE, { in: approval[1], messageId: approval[0].message_id });
    } else await sleep(20);
  }
  throw new Error(
    `no Claim card reached the team group within ${timeoutMs} ms.\nTeam:\n${hood.team.transcript(5)}\nCommittee:\n${hood.committee.transcript(5)}`,
  );
}

interface Round {
  winners: number;
  /** Losers told "already claimed by <the winner>". */
  toldWinner: number;
  /** The tasks row names the winner, one claim event, the card edited once to show the winner without buttons. */
  consistent: boolean;
  latencies: number[];
  single: number;
  singleWon: boolean;
}

async function round(
  emu: Emulator,
  clock: AnswerClock,
  hood: Crowd,
  db: ReturnType<typeof openDatabase>,
  requesters: EmulatedUser[],
  seen: Set<string>,
): Promise<Round> {
  await ask(requesters[0]!);
  const fresh = await newCard(hood, seen);
  await ask(requesters[1]!);
  const card = await newCard(hood, seen);

  const single = await clock.press(hood.solo, hood.team, fresh);
  const presses = await Promise.all(hood.crowd.map((v) => clock.press(v, hood.team, card)));

  const wonAt = presses.findIndex((p) => WON.test(p.answer?.text ?? ''));
  const winner = hood.crowd[wonAt];
  const claimedBy = `已由${winner?.name ?? '?'}认领`;
  const taskId = Number(/#(\d+)/.exec(card.text ?? '')?.[1]);
  const task = await db.selectFrom('tasks').select('claimed_by').where('id', '=', taskId).executeTakeFirst();
  const claims = await db.selectFrom('task_events').select('id').where('task_id', '=', taskId).where('kind', '=', 'claimed').execute();
  const edits = emu.calls.filter(
    (c) => c.method === 'editMessageText' && c.ok && c.params.chat_id === hood.team.id && c.params.message_id === card.message_id,
  );
  const shown = hood.team.messages().find((m) => m.message_id === card.message_id);
  return {
    winners: presses.filter((p) => WON.test(p.answer?.text ?? '')).length,
    toldWinner: presses.filter((p) => p.answer?.text?.startsWith(claimedBy)).length,
    consistent:
      winner !== undefined &&
      task?.claimed_by === winner.id &&
      claims.length === 1 &&
      edits.length === 1 &&
      !!shown?.text?.includes(claimedBy) &&
      shown.buttons().length === 0,
    latencies: presses.map((p) => p.ms),
    single: single.ms,
    singleWon: WON.test(single.answer?.text ?? ''),
  };
}

export async function benchContention(opts: { volunteers: number; rounds: number }): Promise<Row[]> {
  const script = await built('linli');
  const emu = await startEmulator({ confirmTimeoutMs: 60_000 });
  const files = botFiles();
  const hood = await seed(emu, files.dbPath, opts.volunteers, 2 * opts.rounds);
  const clock = new AnswerClock(emu);
  const { child } = await startBot(emu, script, files.env);
  // Reads alongside the bot (WAL): the tasks row and its events are the ground truth.
  const db = openDatabase({ kind: 'sqlite', path: files.dbPath });
  const rounds: Round[] = [];
  try {
    const seen = new Set<string>();
    for (let i = 0; i < opts.rounds; i++) rounds.push(await round(emu, clock, hood, db, hood.requesters.slice(2 * i, 2 * i + 2), seen));
  } finally {
    await db.destroy();
    await stopBot(child);
    await emu.close();
    files.remove();
  }

  // Worst round: the winner count furthest from one, the slowest answer of all rounds.
  const winners = rounds.map((r) => r.winners).reduce((a, b) => (Math.abs(b - 1) > Math.abs(a - 1) ? b : a));
  const told = Math.min(...rounds.map((r) => r.toldWinner));
  const consistent = rounds.every((r) => r.consistent);
  const all = rounds.flatMap((r) => r.latencies).sort((a, b) => a - b);
  const unanswered = all.filter((ms) => Number.isNaN(ms)).length;
  const slowest = unanswered > 0 ? NaN : all.at(-1)!;
  const singles = rounds.map((r) => r.single).sort((a, b) => a - b);
  const single = singles.at(-1)!;
  const p50 = percentile(all, 50);
  const singleP50 = percentile(singles, 50);
  const n = opts.volunteers;
  const bench = '5 contention';
  const where = `${n} volunteers press Claim at once, ${opts.rounds} rounds, bot as its own process on SQLite`;
  return [
    {
      bench,
      figure: `winners per task (${where})`,
      value: String(winners),
      reference: `single press wins: ${rounds.every((r) => r.singleWon) ? 'yes' : 'no'}`,
      ratio: '—',
      target: 'exactly 1',
      met: winners === 1 ? 'yes' : 'no',
    },
    {
      bench,
      figure: 'others told "already claimed by <winner>"; tasks row, claim event and card (edited once) name the winner',
      value: `${told}/${n - 1}; ${consistent ? 'yes' : 'no'}`,
      reference: '—',
      ratio: '—',
      target: `${n - 1}/${n - 1}; yes`,
      met: told === n - 1 && consistent ? 'yes' : 'no',
    },
    {
      bench,
      figure: `slowest answer to a press (ms, worst round${unanswered ? `; ${unanswered} presses unanswered` : ''})`,
      value: fmt(slowest),
      reference: `single uncontended press ${fmt(single)} (worst of ${opts.rounds})`,
      ratio: (slowest / single).toFixed(2),
      target: '—',
      met: '—',
    },
    {
      bench,
      figure: 'answer to a press p50 (ms)',
      value: fmt(p50),
      reference: `single press p50 ${fmt(singleP50)}`,
      ratio: (p50 / singleP50).toFixed(2),
      target: '—',
      met: '—',
    },
  ];
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  benchContention({ volunteers: Number(process.argv[2] ?? 50), rounds: Number(process.argv[3] ?? 3) })
    .then((rows) => console.log(table(rows)))
    .catch((err) => {
      console.error(err);
      process.exit(1);
    });
}
