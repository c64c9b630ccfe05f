import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EmulatedUser } from '../src/sandbox/emulator';
import { seedResidents } from './helpers/residents';
import { startHazardWorld, type HazardWorld } from './helpers/hazards';
import { startWorld, worldSuite, type World } from './helpers/world';

/**
 * Real people don't wait: an album arrives as three updates at once, a thumb taps Submit twice,
 * a resident types faster than the bot answers. The emulator delivers them the way Telegram
 * does (one getUpdates batch, or overlapping webhook requests) and the bot must handle each
 * chat's updates one after another, in order, while other chats go on side by side.
 */

const countReports = async (world: World) =>
  Number(
    (
      await world.db
        .selectFrom('reports')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .executeTakeFirstOrThrow()
    ).n,
  );

/** Three updates a round: /report, a word where a button is wanted, /cancel. Each answer depends on the one before. */
async function burst(user: EmulatedUser, rounds: number): Promise<void> {
  for (let i = 0; i < rounds; i++) {
    await user.send('/report');
    await user.send(`not a button ${i}`);
    await user.send('/cancel');
  }
}

/** What the bot must answer to `burst`, in order, when it took the updates one after another. */
const burstAnswers = (rounds: number) =>
  Array.from({ length: rounds }, () => [
    expect.stringMatching(/^What kind of hazard/),
    expect.stringMatching(/^⚠️ Please tap one of the buttons above\.\n\nWhat kind of hazard/),
    expect.stringMatching(/^Cancelled/),
  ]).flat();

/** Answers that arrived after `from` messages of the chat, waiting until there are `count`. */
async function answersAfter(user: EmulatedUser, from: number, count: number): Promise<string[]> {
  const until = Date.now() + 15_000;
  while (user.inbox().length < from + count && Date.now() < until) await new Promise((resolve) => setTimeout(resolve, 20));
  return user
    .inbox()
    .slice(from)
    .map((m) => m.text ?? m.caption ?? '');
}

for (const mode of ['polling', 'webhook'] as const) {
  describe(`one chat at a time (${mode})`, () => {
    let world: World;
    beforeAll(async () => {
      world = await startWorld({ mode });
    }, 60_000);
    afterAll(async () => {
      expect(world.emu.rejected).toEqual([]);
      await world.stop();
    });

    it('30 updates of one chat that arrive together are answered in order', async () => {
      const [ana] = await seedResidents(world, 1, 3_100_000 + (mode === 'webhook' ? 1000 : 0));
      await world.app.deps.users.update(ana.id, { locale: 'en' }, world.clock.now());
      const before = ana.inbox().length;
      await world.emu.together(() => burst(ana, 10));
      expect(await answersAfter(ana, before, 30)).toEqual(burstAnswers(10));
    });

    it('20 chats × 5 updates in one batch: each chat in order, all side by side', async () => {
      const people = await seedResidents(world, 21, 3_200_000 + (mode === 'webhook' ? 1000 : 0));
      for (const p of people) await world.app.deps.users.update(p.id, { locale: 'en' }, world.clock.now());
      const [alone, ...crowd] = people;
      const five = async (u: EmulatedUser) => {
        await burst(u, 1);
        await u.send('/report');
        await u.send('/cancel');
      };
      const answers = () => [...burstAnswers(1), expect.stringMatching(/^What kind/), expect.stringMatching(/^Cancelled/)];

      // Telegram answers a call in tens of milliseconds, not in the emulator's one: chats wait on it side by side.
      world.emu.faults.add({ method: /^send/, kind: 'slow', delayMs: 60, times: Infinity });
      let started = Date.now();
      await world.emu.together(() => five(alone));
      expect(await answersAfter(alone, 0, 5)).toEqual(answers());
      const oneChat = Date.now() - started;

      started = Date.now();
      await world.emu.together(async () => {
        for (const u of crowd) await five(u);
      });
      for (const u of crowd) expect(await answersAfter(u, 0, 5)).toEqual(answers());
      const twentyChats = Date.now() - started;
      console.log(
        `${mode}: one chat × 5 updates ${oneChat} ms; 20 chats × 5 updates in one batch ${twentyChats} ms (${(twentyChats / oneChat).toFixed(1)}× one chat)`,
      );
      world.emu.faults.clear();
      // Side by side, not one chat after another (that would be about 20×).
      expect(twentyChats).toBeLessThan(oneChat * 8);
    });
  });
}

describe('double taps and albums on a report', () => {
  let h: HazardWorld;
  beforeAll(async () => {
    h = await startHazardWorld();
  }, 60_000);
  afterAll(() => h.stop());

  /** A resident (in English) up to the review step of a report about a broken street light. */
  async function upToReview(name: string, photos: (u: EmulatedUser) => Promise<unknown>): Promise<EmulatedUser> {
    const u = await h.world.resident(name, { locale: 'en' });
    await u.send('/report');
    await u.press('Broken street light');
    await u.send('The street light at the gate is out');
    await photos(u);
    await u.press(/In my building/);
    await u.press('Skip');
    if (u.last()!.buttons().includes('No, this is a different one')) await u.press('No, this is a different one');
    return u;
  }

  it('✅ Submit tapped twice files one report and says "already done" to the second tap', async () => {
    const ana = await upToReview('Ana', (u) => u.press('Skip'));
    const before = await countReports(h.world);
    const tap = await ana.press('✅ Submit', { times: 2 });
    expect(tap.answers).toHaveLength(2);
    expect(tap.answers![1]?.text).toMatch(/Already done/);
    expect(await countReports(h.world)).toBe(before + 1);
    await h.world.flush();
    const r = await h.latest();
    expect(h.group.messages().filter((m) => (m.text ?? m.caption ?? '').includes(`R-${r.id + 1000}`))).toHaveLength(1);
  });

  it('a three-photo album gets one answer and all three photos are kept', async () => {
    let answers: string[] = [];
    const bo = await upToReview('Bo', async (u) => {
      const before = u.inbox().length;
      await u.sendAlbum(3);
      await u.waitFor(/Where is it/);
      answers = u
        .inbox()
        .slice(before)
        .map((m) => m.text ?? '');
    });
    expect(answers.filter((t) => /Photo \d of|Got \d photo/.test(t))).toEqual([expect.stringMatching(/^📷 Got 3 photos\.\n\nWhere is it/)]);
    expect(bo.last()!.caption ?? bo.last()!.text).toMatch(/Review|Submit|check/i);
    await bo.press('✅ Submit');
    const r = await h.latest();
    const photos = await h.world.db.selectFrom('report_photos').select('file_id').where('report_id', '=', r.id).execute();
    expect(photos).toHaveLength(3);
  });

  it('an album of five where three are allowed: three kept, one polite line for the rest', async () => {
    const cy = await h.world.resident('Cy', { locale: 'en' });
    await cy.send('/report');
    await cy.press('Broken street light');
    await cy.send('Two lights out by the bike shed');
    const before = cy.inbox().length;
    await cy.sendAlbum(5);
    await cy.waitFor(/Where is it/);
    await new Promise((resolve) => setTimeout(resolve, 600));
    // One answer: the next question (with its share-location keyboard), saying what was kept and what not.
    const answers = cy.inbox().slice(before);
    expect(answers.filter((m) => /Photo \d of/.test(m.text ?? ''))).toEqual([]);
    const where = answers.filter((m) => /Where is it/.test(m.text ?? ''));
    expect(where).toHaveLength(1);
    expect(where[0].text).toMatch(/Got 3 photo/);
    expect(where[0].text).toMatch(/2 more photos could not be kept/);
    await cy.send('/cancel');
  });

  it('an album sent where one photo finishes the step gets one answer, and nothing "not understood"', async () => {
    const fa = await h.world.resident('Fa', { building: 'b6' });
    const r = await h.reportAtHome(fa, '其他', '6号楼井盖松动');
    await fa.press('📋 我的上报');
    await fa.press(new RegExp(`R-${r.id + 1000}`));
    await fa.press('📝 补充说明或照片');
    const before = fa.inbox().length;
    await fa.sendAlbum(3);
    await fa.waitFor(/已补充/);
    await new Promise((resolve) => setTimeout(resolve, 800));
    const answers = fa
      .inbox()
      .slice(before)
      .map((m) => m.text ?? m.caption ?? '');
    expect(answers).toEqual([expect.stringMatching(/已补充/)]);
  });

  it('two staff pressing Acknowledge at once: one transition, one notice to the reporter', async () => {
    const mo = await h.world.staff('Mo');
    h.group.add(mo);
    const di = await h.world.resident('Di', { building: 'b4' });
    const r = await h.reportAtHome(di, '噪音扰民', '楼下工地夜里施工');
    await h.world.flush();
    const card = h.cardOf(r.id);
    const before = di.inbox().length;
    const [first, second] = await h.world.emu.together(async () => [
      await h.lin.press('👀 受理', { in: h.group, messageId: card.message_id }),
      await mo.press('👀 受理', { in: h.group, messageId: card.message_id }),
    ]);
    // Lin's press wins; Mo's, a moment later, is told the report has moved on (Lin and Mo read English).
    expect([first.answer?.text, second.answer?.text]).toEqual([
      expect.stringMatching(/^R-\d+ acknowledged/),
      expect.stringMatching(/now "Acknowledged"; that step no longer applies/),
    ]);
    await h.world.flush();
    const events = await h.world.db
      .selectFrom('report_events')
      .selectAll()
      .where('report_id', '=', r.id)
      .where('action', '=', 'acknowledge')
      .execute();
    expect(events).toHaveLength(1);
    expect(
      di
        .inbox()
        .slice(before)
        .filter((m) => /受理/.test(m.text ?? '')),
    ).toHaveLength(1);
  });
});

describe('what people send instead of what was asked', () => {
  const world = worldSuite();

  it('editing the answer just given corrects it; editing an older one is politely kept', async () => {
    const ana = await world.resident('Ana', { locale: 'en' });
    await ana.send('/report');
    await ana.press('Noise');
    const typo = await ana.send('Lowd music');
    await ana.waitFor(/photos/i);
    await ana.edit(typo, 'Loud music from flat 302');
    expect(ana.last()!.text).toMatch(/^✏️ Taken your corrected answer\.\n\n.*photos/s);
    await ana.press('Skip');
    await ana.edit(typo, 'Loud music from flat 303');
    expect(ana.last()!.text).toMatch(/kept your earlier answer/);
    await ana.press(/In my building/);
    await ana.press('Skip');
    expect(ana.last()!.text ?? ana.last()!.caption).toMatch(/Loud music from flat 302/);
    await ana.send('/cancel');
  });

  it('a question answered by typing loses its buttons', async () => {
    const cy = await world.resident('Cy', { locale: 'en' });
    await cy.send('/report');
    await cy.press('Noise');
    const question = cy.last()!;
    expect(question.buttons().length).toBeGreaterThan(0);
    await cy.send('Drums at midnight');
    const asked = cy.inbox().find((m) => m.message_id === question.message_id)!;
    expect(asked.buttons()).toEqual([]);
    await cy.send('/cancel');
  });

  it('a forwarded text is taken as text', async () => {
    const bo = await world.resident('Bo', { locale: 'en' });
    await bo.send('/report');
    await bo.press('Noise');
    await bo.forward('Drilling every night after 11', { fromName: 'Neighbour Wang' });
    expect(bo.last()!.text).toMatch(/photos/i);
    await bo.send('/cancel');
  });
});
