import { afterAll, describe, expect, it } from 'vitest';
import { formatDay } from '../src/domain/help-time';
import { zonedEpoch } from '../src/zoned-time';
import { dropFreshDatabases, freshPostgres, PG_URL } from './helpers/postgres';
import { startWorld, type World } from './helpers/world';

/**
 * The same stories on SQLite and, when TEST_DATABASE_URL is set, on PostgreSQL: a question
 * answered and closed, and two residents pressing the last place of a slot at the same moment
 * (one polling batch, handled side by side): exactly one gets it, the other hears it is full.
 */

const TZ = 'Asia/Shanghai';
afterAll(dropFreshDatabases);

const storages = [
  { name: 'SQLite', run: true, env: async (): Promise<Record<string, string>> => ({}) },
  { name: 'PostgreSQL', run: Boolean(PG_URL), env: async () => ({ DATABASE_URL: await freshPostgres() }) },
];

describe.each(storages)('ask and bookings on $name', ({ run, env }) => {
  let world: World;
  afterAll(async () => {
    if (!world) return;
    expect(world.emu.rejected.map((c) => `${c.method}: ${c.error?.description}`)).toEqual([]);
    await world.stop();
  });

  it.skipIf(!run)(
    'a question is answered and closed, the last place of a slot goes to one of two simultaneous presses, and the summary counts it',
    async () => {
      world = await startWorld({ env: await env() });
      world.clock.set(zonedEpoch({ year: 2027, month: 3, day: 1, hour: 10 }, TZ));
      const lin = await world.staff('Lin');
      const ana = await world.resident('Ana', { locale: 'en' });
      const bo = await world.resident('Bo', { locale: 'en' });

      // No committee group is linked: the question reaches staff privately.
      await ana.send('/ask');
      await ana.press('❓ A question');
      await ana.press('Other');
      await ana.send('Is the library open on Sundays?');
      await world.flush();
      const card = lin.last()!;
      expect(card.buttons()).toEqual(['✍️ Answer']);
      // /questions lists it, and its Answer starts the answer there.
      await lin.send('/questions');
      expect(lin.last()!.text).toContain('🙋 Is the library open on Sundays?');
      await lin.press('✍️ Answer Q-1');
      await lin.send('Yes, from 9 to 5.');
      await world.flush();
      expect(ana.last()!.text).toContain('Yes, from 9 to 5.');
      // Lin's private copy of the card (no group linked) says it is answered, without Answer.
      const answered = lin.inbox().find((m) => m.message_id === card.message_id)!;
      expect(answered.text).toContain('✅ Answered');
      expect(answered.buttons()).toEqual([]);
      await ana.press('✅ That answers it');
      const q = await world.db.selectFrom('questions').selectAll().executeTakeFirstOrThrow();
      expect({ status: q.status, rounds: Number(q.rounds) }).toEqual({ status: 'closed', rounds: 1 });

      for (const who of [ana, bo]) {
        await who.send('/book');
        await who.press('Legal advice in person');
        await who.press(formatDay(zonedEpoch({ year: 2027, month: 3, day: 3, hour: 12 }, TZ), 'en', TZ));
      }
      await world.emu.together(async () => {
        await ana.press('15:00 (1 free)');
        await bo.press('15:00 (1 free)');
      });
      const outcomes = [ana, bo].map((u) => u.last()!.text ?? '');
      expect(outcomes.filter((t) => t.startsWith('✅ Booked'))).toHaveLength(1);
      expect(outcomes.filter((t) => t.includes('Sorry, that time is full'))).toHaveLength(1);
      const seats = await world.db.selectFrom('bookings').select(['user_id', 'seat', 'status']).execute();
      expect(seats).toHaveLength(1);
      expect(Number(seats[0].seat)).toBe(1);

      // The week's figures read the same on either database.
      await lin.send('/summary');
      await lin.press('This week');
      const text = lin.inbox().findLast((m) => m.text?.startsWith('📊 Meiyuan Community'))!.text!;
      expect(text).toContain('Questions and suggestions: 1');
      expect(text).toContain('Answered within the SLA: 100% (1/1)');
      expect(text).toContain('“That answers it” of replies to answers: 100% (1/1)');
    },
  );
});
