import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HOUR } from '../src/clock';
import type { EmulatedGroup, EmulatedUser } from '../src/sandbox/emulator';
import { zonedEpoch } from '../src/zoned-time';
import { startWorld, type World } from './helpers/world';

/**
 * Asking the committee as residents and staff live it: a question reaches the committee group,
 * staff answer it from there in their private chat, the asker follows up and then says it is
 * answered; the answer becomes an FAQ entry that spares the next resident (Chinese and English)
 * a repeat question; an unanswered question goes overdue once.
 */

/** A world on Tuesday 2 March 2027, 10:00 in Shanghai (a story stays inside one summary week): Lin is staff, the committee group linked. */
async function committeeWorld(): Promise<{ world: World; lin: EmulatedUser; group: EmulatedGroup }> {
  const world = await startWorld();
  world.clock.set(zonedEpoch({ year: 2027, month: 3, day: 2, hour: 10 }, 'Asia/Shanghai'));
  const lin = await world.staff('Lin');
  const group = world.emu.group({ title: '梅园居委会', members: [lin] });
  await lin.send('/link committee', { in: group });
  return { world, lin, group };
}

async function stopClean(world: World): Promise<void> {
  expect(world.emu.rejected.map((c) => `${c.method}: ${c.error?.description}`)).toEqual([]);
  await world.stop();
}

describe('ask the committee', () => {
  let world: World;
  let lin: EmulatedUser;
  let group: EmulatedGroup;

  const questions = () => world.db.selectFrom('questions').selectAll().orderBy('id').execute();
  const cardsOf = (ref: string) => group.messages().filter((m) => (m.text ?? '').includes(ref) && m.buttons().includes('✍️ 答复'));
  const runJob = async (name: string) => {
    await world.app.scheduler.run(world.app.scheduler.jobs.find((j) => j.name === name)!);
    await world.flush();
  };
  /** A zh-CN resident asks through /ask about papers and procedures. */
  const ask = async (who: EmulatedUser, text: string) => {
    await who.send('/ask');
    await who.press('❓ 提问');
    await who.press('证件与办事');
    await who.send(text);
  };
  /** Lin answers from a card in the committee group: the press brings the card to her private chat, where she writes. */
  const answerFromGroup = async (ref: string, text: string) => {
    await world.flush();
    const card = cardsOf(ref).at(-1)!;
    // A double tap brings one card to the private chat.
    const before = lin.inbox().length;
    const press = await lin.press('✍️ 答复', { in: group, messageId: card.message_id, times: 2 });
    expect(press.answers?.map((a) => a?.text)).toEqual([expect.stringMatching(/private chat/), expect.stringMatching(/private chat/)]);
    await world.flush();
    expect(
      lin
        .inbox()
        .slice(before)
        .filter((m) => (m.text ?? '').includes(ref)),
    ).toHaveLength(1);
    await lin.press('✍️ Answer');
    expect(lin.last()!.text).toContain(`Please write your answer to ${ref}`);
    await lin.send(text);
    expect(lin.last()!.text).toContain(`Your answer to ${ref} has been sent`);
    await world.flush();
  };

  beforeAll(async () => void ({ world, lin, group } = await committeeWorld()));
  afterAll(() => stopClean(world));

  it('a question is answered privately, followed up, answered again and closed by "That answers it"', async () => {
    const ana = await world.resident('Ana');
    await ask(ana, '怎么开居住证明，需要带什么材料？');
    expect(ana.last()!.text).toMatch(/^📨 您的问题 Q-1 已送达居委会/);
    await world.flush();
    const [card] = cardsOf('Q-1');
    expect(card.text).toContain('问题 Q-1 · 证件与办事 · 梅园新村1号楼');
    expect(card.text).toContain('怎么开居住证明');

    await answerFromGroup('Q-1', '带身份证和户口本到服务大厅办理。');
    const answer = ana.last()!;
    expect(answer.text).toContain('居委会答复您的 Q-1');
    expect(answer.text).toContain('带身份证和户口本');
    expect(answer.buttons()).toEqual(['✅ 解答了', '💬 我还有问题']);
    // The group card no longer offers Answer.
    expect(
      group
        .messages()
        .find((m) => m.message_id === card.message_id)!
        .buttons(),
    ).toEqual([]);
    expect((await questions())[0]).toMatchObject({ status: 'answered', answered_by: lin.id });
    // The private card's Answer, pressed again, is refused: it is answered.
    const stale = await lin.pressData(`qa|${(await questions())[0].id}`);
    expect(stale.answer?.text).toMatch(/answered already/);

    await ana.press('💬 我还有问题');
    await ana.send('租房的人也能开吗？');
    expect(ana.last()!.text).toContain('您对 Q-1 的追问已送达居委会');
    await world.flush();
    const followUpCard = cardsOf('Q-1').at(-1)!;
    expect(followUpCard.message_id).not.toBe(card.message_id);
    expect(followUpCard.text).toContain('带身份证和户口本');
    expect(followUpCard.text).toContain('租房的人也能开吗');
    expect((await questions())[0]).toMatchObject({ status: 'open', rounds: 2 });

    await answerFromGroup('Q-1', '可以，带上租房合同。');
    expect(ana.last()!.text).toContain('带上租房合同');
    await ana.press('✅ 解答了');
    expect(ana.last()!.text).toContain('Q-1 已结束');
    const [q] = await questions();
    expect(q.status).toBe('closed');
    expect(q.resolved_at).not.toBeNull();
    // A second press of the old answer's button changes nothing.
    const again = await ana.pressData(`qr|${q.id}|y`);
    expect(again.answer?.text).toMatch(/已经|Already/);
    const thread = await world.db
      .selectFrom('question_messages')
      .select(['role', 'text'])
      .where('question_id', '=', q.id)
      .orderBy('id')
      .execute();
    expect(thread.map((m) => m.role)).toEqual(['resident', 'staff', 'resident', 'staff']);
  });

  it('staff turn the answer into an FAQ entry; it spares a Chinese and an English resident a repeat question', async () => {
    await lin.press('📚 Add to FAQ');
    expect(lin.last()!.text).toContain('怎么开居住证明');
    expect(lin.last()!.text).toContain('可以，带上租房合同');
    await lin.press('✏️ 简体中文');
    await lin.send('怎么开居住证明？');
    await lin.send('带身份证、户口本或租房合同到服务大厅办理。');
    await lin.press('✏️ English');
    await lin.send('How do I get a residence certificate?');
    await lin.send('Bring your ID card and your tenancy agreement to the service hall.');
    await lin.press('✅ Save the entry');
    expect(lin.last()!.text).toContain('Saved in the FAQ');
    const [entry] = await world.db.selectFrom('faq_entries').selectAll().execute();
    expect(JSON.parse(entry.questions)).toEqual({ 'zh-CN': '怎么开居住证明？', en: 'How do I get a residence certificate?' });

    const bo = await world.resident('Bo', { building: 'b2' });
    const before = (await questions()).length;
    await ask(bo, '请问居住证明在哪里开？');
    expect(bo.last()!.text).toContain('常见问题里的这些回答也许已经能帮到您');
    expect(bo.last()!.text).toContain('带身份证、户口本或租房合同');
    await bo.press('✅ 第 1 条解答了');
    expect(bo.last()!.text).toContain('很高兴帮到您');

    const cy = await world.resident('Cy', { locale: 'en' });
    await cy.send('/ask');
    await cy.press('❓ A question');
    await cy.press('Papers and procedures');
    await cy.send('Where can I get a residence certificate?');
    expect(cy.last()!.text).toContain('Bring your ID card and your tenancy agreement');
    await cy.press('✅ No. 1 answers it');

    expect(await questions()).toHaveLength(before);
    expect((await world.db.selectFrom('faq_entries').select('hits').executeTakeFirstOrThrow()).hits).toBe(2);

    // A zh-TW reader sees the entry in a language it has; /faq lists it under its topic.
    const di = await world.resident('Di', { locale: 'zh-TW' });
    await di.send('/faq');
    expect(di.last()!.text).toContain('證件與辦事');
    expect(di.last()!.text).toContain('怎么开居住证明？');

    // Something the FAQ does not answer is filed at once.
    await cy.send('/ask');
    await cy.press('💡 A suggestion');
    await cy.press('Neighbours and surroundings');
    await cy.send('Could we have more benches by the pond?');
    expect(cy.last()!.text).toMatch(/Your suggestion Q-\d+ has gone to the committee/);
    expect(await questions()).toHaveLength(before + 1);
  });

  it('a question unanswered past the SLA is overdue once, and the group hears it once', async () => {
    const ed = await world.resident('Ed');
    await ask(ed, '小区的路灯坏了找谁修？');
    await world.flush();
    const q = (await questions()).at(-1)!;
    const ref = `Q-${q.id}`;
    const overdueNotes = () => group.messages().filter((m) => (m.text ?? '').startsWith(`⏰ ${ref}`));

    world.clock.advance(47 * HOUR);
    await runJob('ask.overdue');
    expect(overdueNotes()).toEqual([]);

    world.clock.advance(2 * HOUR);
    await runJob('ask.overdue');
    await runJob('ask.overdue');
    expect(overdueNotes().map((m) => m.text)).toEqual([`⏰ ${ref} 已等待答复超过 48 小时。`]);
    expect((await questions()).at(-1)!.overdue_at).not.toBeNull();
  });

  it("the week's summary counts the questions, those answered within the SLA, and the replies that said it answers it", async () => {
    await lin.send('/summary');
    await lin.press('This week');
    const text = lin.inbox().findLast((m) => m.text?.startsWith('📊 Meiyuan Community'))!.text!;
    // Q-1 answered in time; the suggestion and the overdue question both waited past the 48 h; Q-1 had a follow-up, then "That answers it".
    expect(text).toContain('Questions and suggestions: 3');
    expect(text).toContain('Answered within the SLA: 33% (1/3)');
    expect(text).toContain('“That answers it” of replies to answers: 50% (1/2)');
  });

  it('/mydata shows a resident their questions and words; /deleteme erases the words and keeps the counts', async () => {
    const fei = await world.resident('Fei');
    await ask(fei, '垃圾分类的投放时间是几点？');
    const q = (await questions()).at(-1)!;
    await fei.send('/mydata');
    expect(fei.last()!.text).toContain(`问题 Q-${q.id}（等待答复）：垃圾分类的投放时间是几点？`);
    await fei.send('/deleteme');
    await fei.press(/删除/);
    expect((await questions()).at(-1)).toMatchObject({ id: q.id, asker_id: null });
    const words = await world.db.selectFrom('question_messages').select(['text', 'author_id']).where('question_id', '=', q.id).execute();
    expect(words).toEqual([{ text: '', author_id: null }]);
  });
});

/**
 * The SLA as reports have it: an overdue question's card says so where staff read it (still with
 * Answer), /questions lists what waits with an Answer button each, and a follow-up starts a wait
 * of its own that can go overdue in its turn. (A world of its own: the summary above counts.)
 */
describe('questions past their SLA', () => {
  let world: World;
  let lin: EmulatedUser;
  let group: EmulatedGroup;

  const runOverdue = async () => {
    await world.app.scheduler.run(world.app.scheduler.jobs.find((j) => j.name === 'ask.overdue')!);
    await world.flush();
  };
  const inGroup = (messageId: number) => group.messages().find((m) => m.message_id === messageId)!;
  const overdueNotes = (ref: string) => group.messages().filter((m) => (m.text ?? '').startsWith(`⏰ ${ref} `));

  beforeAll(async () => void ({ world, lin, group } = await committeeWorld()));
  afterAll(() => stopClean(world));

  it('an overdue card says so, /questions answers it, and the follow-up’s own wait goes overdue too', async () => {
    const ana = await world.resident('Ana');
    await ana.send('/ask');
    await ana.press('❓ 提问');
    await ana.press('证件与办事');
    await ana.send('老年卡在哪里办？');
    await world.flush();
    const ref = /Q-\d+/.exec(ana.last()!.text!)![0];
    const card = group.messages().find((m) => (m.text ?? '').includes(ref))!;
    expect(card.text).toContain('⏱ 请在');

    await lin.send('/questions');
    expect(lin.last()!.text).toContain(`⏱ ${ref} · Papers and procedures · Meiyuan Xincun Building 1 · waiting 0 hours`);
    expect(lin.last()!.buttons()).toEqual(['⬜ Overdue only', `✍️ Answer ${ref}`]);
    await lin.press('⬜ Overdue only');
    expect(lin.last()!.text).toContain('Nothing is waiting for an answer');

    world.clock.advance(49 * HOUR);
    await runOverdue();
    // The group's card is edited in place, as a report's is, and keeps its Answer button.
    expect(inGroup(card.message_id).text).toContain('⏰ 已超时：应在');
    expect(inGroup(card.message_id).buttons()).toEqual(['✍️ 答复']);
    expect(overdueNotes(ref)).toHaveLength(1);

    await lin.send('/questions');
    await lin.press('⬜ Overdue only');
    const list = lin.last()!;
    expect(list.text).toContain('Overdue, waiting for an answer: 1');
    expect(list.text).toContain(`⏰ ${ref} · Papers and procedures · Meiyuan Xincun Building 1 · waiting 49 hours\n🙋 老年卡在哪里办？`);
    await lin.press(`✍️ Answer ${ref}`);
    expect(lin.last()!.text).toContain(`Please write your answer to ${ref}`);
    await lin.send('带身份证到社区服务大厅办理。');
    await world.flush();
    expect(inGroup(card.message_id).text).toContain('✅ 已答复');
    expect(inGroup(card.message_id).buttons()).toEqual([]);

    // The follow-up waits afresh: its new card is not overdue 47 h on, and is at 49 h, heard once more.
    await ana.press('💬 我还有问题');
    await ana.send('需要带照片吗？');
    await world.flush();
    const again = group.messages().findLast((m) => (m.text ?? '').includes('需要带照片吗'))!;
    expect(again.message_id).not.toBe(card.message_id);
    world.clock.advance(47 * HOUR);
    await runOverdue();
    expect(inGroup(again.message_id).text).toContain('⏱ 请在');
    expect(overdueNotes(ref)).toHaveLength(1);
    world.clock.advance(2 * HOUR);
    await runOverdue();
    await runOverdue();
    expect(inGroup(again.message_id).text).toContain('⏰ 已超时');
    expect(inGroup(again.message_id).buttons()).toEqual(['✍️ 答复']);
    expect(overdueNotes(ref)).toHaveLength(2);
    // The first wait's card stays as it was answered.
    expect(inGroup(card.message_id).text).toContain('✅ 已答复');
    await lin.send('/questions');
    expect(lin.last()!.text).toContain(`⏰ ${ref}`);
    expect(lin.last()!.text).toContain('🙋 需要带照片吗？');
  });

  it('/questions shows staff their own community only', async () => {
    const olga = await world.staff('Olga', { community: 'guihua' });
    await olga.send('/questions');
    expect(olga.last()!.text).toContain('Waiting for an answer: 0');
    expect(olga.last()!.text).toContain('Nothing is waiting for an answer');
    expect(olga.last()!.buttons()).toEqual(['⬜ Overdue only']);
  });
});

/**
 * Telegram picks update ids at random after a week without updates, so an old question's update
 * id may come back on someone else's message: it files a new question, never finds the old one.
 */
describe('an update id Telegram uses again after a week', () => {
  let world: World;
  beforeAll(async () => void (world = await startWorld({ mode: 'webhook' })));
  afterAll(() => stopClean(world));

  /** Asks through /ask, the question's text delivered under `updateId`. */
  const askAs = async (who: EmulatedUser, text: string, updateId: number) => {
    await who.send('/ask');
    await who.press('❓ 提问');
    await who.press('证件与办事');
    await who.sendUpdate({ update_id: updateId, message: { text } });
    return who.last()!.text ?? '';
  };

  it('files a new question for the second asker and clears the old id in the daily clean-up', async () => {
    const ana = await world.resident('Ana');
    expect(await askAs(ana, '社区食堂周末开门吗？', 900_000)).toMatch(/^📨 您的问题 Q-1 /);
    world.clock.advance(8 * 24 * HOUR);
    await world.app.scheduler.run(world.app.scheduler.jobs.find((j) => j.name === 'forget-processed-updates')!);
    const bo = await world.resident('Bo');
    expect(await askAs(bo, '垃圾分类的投放时间是几点？', 900_000)).toMatch(/^📨 您的问题 Q-2 /);
    const rows = await world.db.selectFrom('questions').select(['id', 'asker_id', 'update_id']).orderBy('id').execute();
    expect(rows).toEqual([
      { id: 1, asker_id: ana.id, update_id: null },
      { id: 2, asker_id: bo.id, update_id: 900_000 },
    ]);
  });
});
