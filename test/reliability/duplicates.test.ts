import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TgMessage } from '../../src/sandbox/emulator';
import { approveHelp, askForHelp, drainOutbox, openCards, Rng, setUpCommunity, type Community } from '../helpers/simulation';
import { startWorld, type World } from '../helpers/world';

/**
 * Telegram retries a webhook delivery it thinks failed, so the bot may see an update twice: it
 * acts once. And a resident who floods the bot is slowed politely while neighbours are not.
 */

describe('the same update delivered twice (webhook retry)', () => {
  let world: World;
  let town: Community;
  beforeAll(async () => {
    world = await startWorld({ mode: 'webhook', sender: { globalPerSecond: 200, privatePerSecond: 20, groupPerMinute: 6000 } });
    town = await setUpCommunity(world, { residents: 2, volunteers: 4, staff: 1 }, { firstName: 'D' });
  }, 60_000);
  afterAll(async () => {
    expect(world.emu.rejected).toEqual([]);
    await world.stop();
  });

  it('a Claim press delivered twice claims once, answers once and sends the details once', async () => {
    const rng = new Rng(5);
    let request = await askForHelp(town.residents[0]!, rng, 'Please fix my kettle');
    while (request.team !== 'elder') request = await askForHelp(town.residents[0]!, rng, 'Please fetch my medicine');
    await drainOutbox(world);
    await approveHelp(town.staff[0]!, town.committee, rng, request.id);
    await drainOutbox(world);
    const group = town.teams.elder!;
    const card = openCards(group).at(-1)!;
    const message = group.history().find((m) => m.message_id === card.message_id) as TgMessage;
    const data = (card.reply_markup!.inline_keyboard!.flat()[0] as { callback_data: string }).callback_data;
    const volunteer = town.volunteers.find((v) => group.memberStatus(v) === 'member')!;

    const update = await volunteer.sendUpdate({ callback_query: { data, message } }, { in: group });
    await world.emu.injectUpdate(update); // the retry
    await drainOutbox(world);

    const taskId = Number(/#(\d+)/.exec(card.text!)![1]);
    const task = await world.db.selectFrom('tasks').selectAll().where('id', '=', taskId).executeTakeFirstOrThrow();
    expect(task).toMatchObject({ status: 'claimed', claimed_by: volunteer.id });
    const events = await world.db
      .selectFrom('task_events')
      .selectAll()
      .where('task_id', '=', taskId)
      .where('kind', '=', 'claimed')
      .execute();
    expect(events).toHaveLength(1);
    const queryId = (update.callback_query as { id: string }).id;
    expect(world.emu.calls.filter((c) => c.method === 'answerCallbackQuery' && c.params.callback_query_id === queryId)).toHaveLength(1);
    expect(volunteer.inbox().filter((m) => m.text?.includes(`#${taskId}`) && m.buttons().length > 0)).toHaveLength(1);
  });

  it('a report confirmed twice by a retried Submit press is one report', async () => {
    const ana = town.residents[1]!;
    await ana.send('/report');
    await ana.press('Rubbish');
    await ana.send('Bags left by the bike shed');
    await ana.press('Skip');
    await ana.press(/In my building/);
    await ana.press('Skip');
    const review = ana.inbox().at(-1)!;
    const message = world.emu
      .chat(ana.id)
      .history()
      .find((m) => m.message_id === review.message_id) as TgMessage;
    const data = (review.reply_markup!.inline_keyboard!.flat().find((b) => b.text === '✅ Submit') as { callback_data: string })
      .callback_data;
    const before = await world.db
      .selectFrom('reports')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow();
    const update = await ana.sendUpdate({ callback_query: { data, message } });
    await world.emu.injectUpdate(update);
    const after = await world.db
      .selectFrom('reports')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow();
    expect(Number(after.n)).toBe(Number(before.n) + 1);
    expect(ana.inbox().filter((m) => /Report received/.test(m.text ?? ''))).toHaveLength(1);
  });
});

describe('a resident flooding the bot', () => {
  let world: World;
  let town: Community;
  beforeAll(async () => {
    world = await startWorld({ sender: { globalPerSecond: 200, privatePerSecond: 20, groupPerMinute: 6000 } });
    town = await setUpCommunity(world, { residents: 3, volunteers: 2, staff: 1 }, { firstName: 'F' });
  }, 60_000);
  afterAll(async () => {
    expect(world.emu.rejected).toEqual([]);
    await world.stop();
  });

  it('is told once to slow down, starts nothing while flooding, and neighbours are served at once', async () => {
    const [flo, ned, staff] = [town.residents[0]!, town.residents[1]!, town.staff[0]!];
    const reportsBefore = await world.db
      .selectFrom('reports')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow();
    // Flo hammers /report and presses, while Ned and the staff go about their business.
    const flood = (async () => {
      for (let i = 0; i < 60; i++) {
        await flo.send(i % 2 ? '/report' : 'Submit!!!');
        if (i % 10 === 0) await flo.pressData('f|rep|confirm|yes').catch(() => undefined);
      }
    })();
    const latencies: number[] = [];
    for (let i = 0; i < 5; i++) {
      const t = Date.now();
      await ned.send('/help');
      latencies.push(Date.now() - t);
      expect(ned.last()!.text).toMatch(/What I can do|Your role/i);
      await staff.send('/reports');
    }
    await flood;
    const warnings = flo.inbox().filter((m) => /sending messages very fast/.test(m.text ?? ''));
    expect(warnings.length).toBeGreaterThanOrEqual(1);
    expect(warnings.length).toBeLessThanOrEqual(2);
    expect(Math.max(...latencies)).toBeLessThan(1000);
    expect(staff.inbox().filter((m) => /sending messages very fast/.test(m.text ?? ''))).toEqual([]);
    const reportsAfter = await world.db
      .selectFrom('reports')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow();
    expect(reportsAfter.n).toBe(reportsBefore.n);

    // After a pause Flo is served again.
    await new Promise((r) => setTimeout(r, 3000));
    await flo.send('/cancel');
    await flo.send('/help');
    expect(flo.last()!.text).toMatch(/What I can do|Your role/i);
  }, 30_000);
});
