import { describe, expect, it } from 'vitest';
import { MINUTE } from '../src/clock';
import { answerButton } from '../src/features/ask/buttons';
import type { EmulatedUser } from '../src/sandbox/emulator';
import { acceptInvite } from './helpers/grid';
import { hazardSuite } from './helpers/hazards';

/**
 * Issue 18 for questions (/ask, issue 19): a question from a building with a grid worker goes to
 * them first, privately, with Answer; unanswered after gridAckMinutes it goes to the committee
 * group (once, however many schedulers run) and the grid worker hears it. Nobody else may answer
 * from the grid worker's copy.
 */

describe('questions go to the building’s grid worker first', () => {
  const h = hazardSuite();
  let wu: EmulatedUser;
  const questionCards = (ref: string) => h.group.messages().filter((m) => (m.text ?? '').includes(ref));
  const ask = async (who: EmulatedUser, text: string): Promise<string> => {
    await who.send('/ask');
    await who.press('❓ 提问');
    await who.press('证件与办事');
    await who.send(text);
    await h.world.flush();
    return /Q-\d+/.exec(who.last()!.text!)![0];
  };

  it('the grid worker answers it privately; the resident hears the answer; the group never sees it', async () => {
    await h.lin.send('/grid');
    await h.lin.press(/Grid worker · Meiyuan Xincun Building 1$/);
    wu = await acceptInvite(h.world, 'Wu', h.lin.last()!.text!);
    await wu.waitFor(/You are now a grid worker/);

    const ann = await h.world.resident('Ann');
    const ref = await ask(ann, '居住证明在哪里开？');
    const card = wu.last()!;
    expect(card.text).toContain(`A question from your building, ${ref}: please answer it within 30 minutes`);
    expect(card.text).toContain('居住证明在哪里开？');
    expect(card.buttons()).toEqual(['✍️ Answer']);
    expect(questionCards(ref)).toEqual([]);

    // Someone else (a neighbour with the payload) may not answer it.
    const eve = await h.world.resident('Eve');
    const id = Number(ref.slice(2));
    expect((await eve.pressData(answerButton.pack({ id }))).answer?.text).toMatch(/not allowed|没有权限/);

    await wu.press('✍️ Answer', { messageId: card.message_id });
    await wu.send('带身份证和租房合同到社区服务大厅办理。');
    expect(wu.last()!.text).toBe(`✅ Your answer to ${ref} has been sent. Thank you!`);
    await h.world.flush();
    expect(ann.last()!.text).toContain('带身份证和租房合同到社区服务大厅办理。');
    const row = await h.world.db.selectFrom('questions').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
    expect(row).toMatchObject({ status: 'answered', answered_by: wu.id, responder_id: wu.id });
    // The grid worker's copy says so and loses Answer.
    expect(
      wu
        .inbox()
        .find((m) => m.message_id === card.message_id)!
        .buttons(),
    ).toEqual([]);

    h.world.clock.advance(2 * 60 * MINUTE);
    await h.job('ask.fallback');
    await h.world.flush();
    expect(questionCards(ref)).toEqual([]);
  });

  it('left unanswered, it goes to the committee group after 30 minutes, once, and the grid worker hears it', async () => {
    const bo = await h.world.resident('Bo');
    const ref = await ask(bo, '老年卡怎么办理？');
    expect(wu.last()!.text).toContain(ref);
    h.world.clock.advance(29 * MINUTE);
    await h.job('ask.fallback');
    await h.world.flush();
    expect(questionCards(ref)).toEqual([]);

    h.world.clock.advance(2 * MINUTE);
    await Promise.all([h.job('ask.fallback'), h.job('ask.fallback')]);
    await h.world.flush();
    expect(questionCards(ref)).toHaveLength(1);
    expect(questionCards(ref)[0].buttons()).toContain('✍️ 答复');
    expect(wu.last()!.text).toBe(`⏰ ${ref} was not answered within 30 minutes and has gone to the committee.`);
    const row = await h.world.db
      .selectFrom('questions')
      .selectAll()
      .where('id', '=', Number(ref.slice(2)))
      .executeTakeFirstOrThrow();
    expect(row).toMatchObject({ status: 'open', responder_id: wu.id, group_due_at: null });

    // Past the SLA, both copies say it is overdue: the grid worker's (in English) and the group's.
    const wuCard = wu.inbox().find((m) => (m.text ?? '').includes(`A question from your building, ${ref}`))!;
    h.world.clock.advance(48 * 60 * MINUTE);
    await h.job('ask.overdue');
    await h.world.flush();
    const wuNow = wu.inbox().find((m) => m.message_id === wuCard.message_id)!;
    expect(wuNow.text).toContain('⏰ Overdue: it should have been answered by');
    expect(wuNow.buttons()).toEqual(['✍️ Answer']);
    expect(questionCards(ref)[0].text).toContain('⏰ 已超时');
  });

  it('a building without a grid worker: straight to the committee group, as before', async () => {
    const cy = await h.world.resident('Cy', { building: 'b3' });
    const ref = await ask(cy, '社区医院几点开门？');
    expect(questionCards(ref)).toHaveLength(1);
    expect(wu.inbox().some((m) => (m.text ?? '').includes(ref))).toBe(false);
  });

  it('a partner unit’s frontage covering the building changes nothing: the question still goes to its grid worker', async () => {
    // The unit takes the hazard reports of its frontage (building 1 here), never residents' questions.
    await h.lin.send('/units');
    await h.lin.press('➕ Register a unit');
    await h.lin.send('Meiyuan Bank');
    await h.lin.press('Meiyuan Xincun Building 1');
    await h.lin.press('✅ Done');
    const zhou = await acceptInvite(h.world, 'Zhou', h.lin.last()!.text ?? '');
    await zhou.waitFor(/your unit's contact/);

    const dee = await h.world.resident('Dee');
    const ref = await ask(dee, '社区有没有老年食堂？');
    expect(wu.last()!.text).toContain(`A question from your building, ${ref}`);
    expect(wu.last()!.buttons()).toEqual(['✍️ Answer']);
    expect(zhou.inbox().some((m) => (m.text ?? '').includes(ref))).toBe(false);
    expect(questionCards(ref)).toEqual([]);
    const row = await h.world.db
      .selectFrom('questions')
      .selectAll()
      .where('id', '=', Number(ref.slice(2)))
      .executeTakeFirstOrThrow();
    expect(row).toMatchObject({ status: 'open', responder_id: wu.id });
  });
});

describe('staff take a grid duty back from /staff', () => {
  const h = hazardSuite();

  it('lists the grid worker, revokes once, tells them, and what waited on them goes to the group', async () => {
    await h.lin.send('/grid');
    await h.lin.press(/Grid worker · Meiyuan Xincun Building 1$/);
    const wu = await acceptInvite(h.world, 'Wu', h.lin.last()!.text!);
    await wu.waitFor(/You are now a grid worker/);
    const ann = await h.world.resident('Ann');
    await ann.send('/ask');
    await ann.press('❓ 提问');
    await ann.press('证件与办事');
    await ann.send('居住证明在哪里开？');
    await h.world.flush();
    const ref = /Q-\d+/.exec(ann.last()!.text!)![0];
    expect(wu.last()!.text).toContain(ref);

    await h.lin.send('/staff');
    const list = h.lin.last()!;
    expect(list.text).toContain('Grid workers and building heads');
    expect(list.text).toMatch(/Wu · Meiyuan Xincun Building 1 · Grid worker/);
    const revoke = list.buttons().find((b) => b.startsWith('✖ Revoke Wu'))!;
    expect(revoke).toBe('✖ Revoke Wu (Meiyuan Xincun Building 1)');
    const presses = await h.lin.press(revoke, { messageId: list.message_id, times: 2 });
    expect(presses.answers?.map((a) => a?.text).sort()).toEqual(
      ['Done: they no longer answer for that building.', 'Already done ✓ — that button was pressed before.'].sort(),
    );
    expect(await h.world.db.selectFrom('grid_roles').selectAll().execute()).toEqual([]);
    await h.world.flush();
    expect(wu.inbox().some((m) => /no longer answer for your building/.test(m.text ?? ''))).toBe(true);

    // The question waiting on Wu goes to the committee group at the next fallback run, not 30 minutes on.
    h.world.clock.advance(MINUTE);
    await h.job('ask.fallback');
    await h.world.flush();
    expect(h.group.messages().filter((m) => (m.text ?? '').includes(ref))).toHaveLength(1);
  });
});
