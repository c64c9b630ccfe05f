import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EmulatedUser } from '../src/sandbox/emulator';
import { approveRequest, neighbourhood, volunteer, type Neighbourhood } from './help-support';
import { startWorld, type World } from './helpers/world';

/**
 * Issue 15: each linked group writes in its own language. DEFAULT_LOCALE is zh-CN; the elder-care
 * team's group and then the committee group are switched to English with /lang in the group, by
 * staff; a resident cannot switch it. Cards, their edits, the overdue note and the weekly summary
 * follow the group's language, while private messages stay in each reader's.
 */

let world: World;
let hood: Neighbourhood;
let li: EmulatedUser;
const groupLocale = async (chatId: number) =>
  (await world.db.selectFrom('chat_links').select('locale').where('chat_id', '=', chatId).executeTakeFirstOrThrow()).locale;

beforeAll(async () => {
  world = await startWorld();
  hood = await neighbourhood(world, ['elder']);
  li = await volunteer(world, 'Li', 'Elder care team', { user: hood.staff, in: hood.committee });
});
afterAll(async () => {
  expect(world.emu.rejected).toEqual([]);
  await world.stop();
});

describe('a group in English while DEFAULT_LOCALE is zh-CN', () => {
  it('starts in DEFAULT_LOCALE: linking says so and offers the choice; a resident may not change it', async () => {
    const linked = hood.teams.elder.messages().find((m) => m.text?.includes('this group is now the group of'))!;
    expect(linked.text).toContain('本群的工单卡片、升级提醒和周报使用：简体中文');
    expect(linked.buttons()).toEqual(['✓ 简体中文', '繁體中文', 'English']);
    expect(await groupLocale(hood.teams.elder.id)).toBeNull();

    await li.send('/lang', { in: hood.teams.elder });
    expect(hood.teams.elder.last()!.text).toContain('Only the committee');
    const refused = await li.press('English', { in: hood.teams.elder, messageId: linked.message_id });
    expect(refused.answer?.text).toContain('Only the committee');
    expect(await groupLocale(hood.teams.elder.id)).toBeNull();
  });

  it("staff switch the team's group to English: the task card, the claim and its edits are in English; the committee's card stays Chinese", async () => {
    await hood.staff.send('/lang', { in: hood.teams.elder });
    const picker = hood.teams.elder.last()!;
    expect(picker.buttons()).toEqual(['✓ 简体中文', '繁體中文', 'English']);
    await hood.staff.press('English', { in: hood.teams.elder, messageId: picker.message_id });
    expect(await groupLocale(hood.teams.elder.id)).toBe('en');
    const edited = hood.teams.elder.messages().find((m) => m.message_id === picker.message_id)!;
    expect(edited.text).toContain("This group's cards, escalations and summaries are written in English");
    expect(edited.buttons()).toEqual(['简体中文', '繁體中文', '✓ English']);

    const ana = await world.resident('Ana', { unit: '2-201' });
    await ana.send('/request');
    await ana.press('我本人');
    await ana.press('代购代买');
    await ana.send('帮忙买些米和油');
    await ana.press(/越快越好/);
    await ana.press(/我家/);
    await ana.press('跳过');
    await ana.press('✅ 提交求助');
    const requestId = Number(/#(\d+)/.exec(ana.last()!.text!)![1]);
    await approveRequest(world, hood.staff, requestId, hood.committee);
    const approval = hood.committee
      .messages()
      .filter((m) => m.text?.includes(`#${requestId}`))
      .at(-1)!;
    expect(approval.text).toContain('已同意'); // the committee's group is still in Chinese

    const card = hood.teams.elder.last()!;
    expect(card.text).toContain('Errands and shopping');
    expect(card.buttons()).toContain("✋ I'll take it");
    await li.press("✋ I'll take it", { in: hood.teams.elder, messageId: card.message_id });
    const claimed = hood.teams.elder.messages().find((m) => m.message_id === card.message_id)!;
    expect(claimed.text).toContain('✋ Taken by');
    expect(ana.last()!.text).toMatch(/[\u4e00-\u9fff]/); // the requester still hears it in Chinese
  });

  it('the committee group in English: the report card, its edit after a press, the overdue note and the weekly summary', async () => {
    await hood.staff.send('/lang', { in: hood.committee });
    await hood.staff.press('English', { in: hood.committee, messageId: hood.committee.last()!.message_id });
    expect(await groupLocale(hood.committee.id)).toBe('en');

    const cy = await world.resident('Cy');
    await cy.send('/report');
    await cy.press('垃圾堆放');
    await cy.send('垃圾桶满了没人清');
    await cy.press('跳过');
    await cy.press(/就在我住的/);
    await cy.press('跳过');
    await cy.press('✅ 确认提交');
    await world.flush();
    const card = hood.committee.last()!;
    expect(card.text).toContain('Rubbish');
    expect(card.buttons()).toContain('👀 Acknowledge');
    await hood.staff.press('👀 Acknowledge', { in: hood.committee, messageId: card.message_id });
    const after = hood.committee.messages().find((m) => m.message_id === card.message_id)!;
    expect(after.text).toContain('Acknowledged');
    expect(after.text).not.toMatch(/受理|垃圾堆放/);

    // Not fixed within 72 hours: the group hears it in English.
    world.clock.advance(73 * 3600_000);
    await world.app.scheduler.run(world.app.scheduler.jobs.find((j) => j.name === 'hazards.overdue')!);
    await world.flush();
    expect(hood.committee.last()!.text).toMatch(/has not been fixed within 72 hours/);

    await world.app.scheduler.run(world.app.scheduler.jobs.find((j) => j.name === 'summary.weekly')!);
    await world.flush();
    const summary = hood.committee
      .messages()
      .filter((m) => m.text?.startsWith('📊'))
      .at(-1)!;
    expect(summary.text).toContain('weekly summary');
    expect(summary.text).toContain('Response rate');
  });
});
