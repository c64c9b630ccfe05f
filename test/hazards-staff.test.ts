import { describe, expect, it } from 'vitest';
import { HOUR, MINUTE } from '../src/clock';
import { assignButton, openCardButton, queueButton, rejectButton, staffButton } from '../src/features/hazards/buttons';
import { hazardSuite } from './helpers/hazards';

/** Stories of staff handling hazard reports: emergencies, refusals, rejection, handing upward, SLAs. */

describe('hazard reports: staff', () => {
  const h = hazardSuite();

  it('a gas leak shows what to call, pages staff at once, and escalates to the group until acknowledged', async () => {
    const bo = await h.world.resident('Bo');
    await bo.send('/report');
    await bo.press('🚨 燃气泄漏');
    expect(bo.last()!.text).toMatch(/立即拨打.*119 \/ 110/);
    await bo.press('我已知晓，继续上报');
    await bo.send('闻到很浓的煤气味');
    await bo.press('跳过');
    await bo.sendLocation(31.2305, 121.4738);
    await bo.press('✅ 确认提交');
    expect(bo.last()!.text).toMatch(/值班工作人员已收到通知/);
    const r = await h.latest();
    // The example places Building 4 about 45 m from there.
    expect(r).toMatchObject({ emergency: 1, latitude: 31.2305, longitude: 121.4738, building_id: 'b4' });

    await h.world.flush();
    expect(h.lin.last()!.text).toMatch(new RegExp(`Emergency R-${r.id + 1000}: please acknowledge now`));
    const before = h.group.messages().length;

    h.world.clock.advance(11 * MINUTE);
    await h.job('hazards.pages');
    await h.world.flush();
    expect(h.group.messages().length).toBe(before + 1);
    expect(h.group.last()!.text).toMatch(/分钟无人受理/);

    // Nothing yet: it repeats; a job run before the next due time adds nothing.
    await h.job('hazards.pages');
    h.world.clock.advance(10 * MINUTE);
    await h.job('hazards.pages');
    await h.world.flush();
    expect(h.group.messages().filter((m) => /分钟无人受理/.test(m.text ?? '')).length).toBe(2);

    await h.lin.press('👀 Acknowledge');
    expect((await h.latest()).status).toBe('acknowledged');
    expect((await h.latest()).page_due_at).toBeNull();
    h.world.clock.advance(30 * MINUTE);
    await h.job('hazards.pages');
    await h.world.flush();
    expect(h.group.messages().filter((m) => /分钟无人受理/.test(m.text ?? '')).length).toBe(2);
    // The group card followed the private acknowledgement.
    expect(h.cardOf(r.id).text).toMatch(/状态：已受理/);
  });

  it('refuses a resident on staff buttons, staff of another community, and a stale press', async () => {
    const cy = await h.world.resident('Cy');
    const r = await h.reportAtHome(cy, '楼道堆物', '楼道里堆了很多纸箱');
    const card = h.cardOf(r.id);
    const ack = staffButton.pack({ action: 'acknowledge', id: r.id });

    const asResident = await cy.pressData(ack, { in: h.group, messageId: card.message_id });
    expect(asResident.answer?.text).toMatch(/只有本社区的工作人员/);
    const gu = await h.world.staff('Gu', { community: 'guihua' });
    const asOther = await gu.pressData(ack, { in: h.group, messageId: card.message_id });
    expect(asOther.answer?.text).toMatch(/only staff of this community/);
    const forged = await h.lin.pressData('hs|acknowledge|abc', { in: h.group, messageId: card.message_id });
    expect(forged.answer?.text).toMatch(/no longer valid|已过期/);
    expect((await h.latest()).status).toBe('new');

    await h.lin.press('👀 受理', { in: h.group, messageId: card.message_id });
    // Yesterday's button on a copy of the card: acknowledging twice is refused with the reason.
    const again = await h.lin.pressData(ack, { in: h.group, messageId: card.message_id });
    expect(again.answer?.text).toMatch(/now "Acknowledged"/);
    const moves = await h.world.db
      .selectFrom('report_events')
      .select('action')
      .where('report_id', '=', r.id)
      .where('action', '=', 'acknowledge')
      .execute();
    expect(moves).toHaveLength(1);
  });

  it('rejects a duplicate, and hands a report upward with a reference', async () => {
    const di = await h.world.resident('Di', { building: 'b3' });
    const first = await h.reportAtHome(di, '违章搭建', '3号楼顶有人搭彩钢棚');
    // Ed thinks it is a different one and reports it again.
    const ed = await h.world.resident('Ed', { building: 'b3' });
    const other = await h.reportAtHome(ed, '违章搭建', '楼顶又多了一个棚子');

    // Reject needs a reason: the open report of the same kind and place is offered as the original.
    await h.lin.press('🚫 不予处理', { in: h.group, messageId: h.cardOf(other.id).message_id });
    expect(h.cardOf(other.id).buttons()).toEqual([`与 R-${first.id + 1000} 重复`, '不属于社区管辖', '不属于安全隐患', '⬅️ 上一步']);
    await h.lin.press('⬅️ 上一步', { in: h.group, messageId: h.cardOf(other.id).message_id });
    expect(h.cardOf(other.id).buttons()).toContain('👀 受理');
    await h.lin.press('🚫 不予处理', { in: h.group, messageId: h.cardOf(other.id).message_id });
    await h.lin.press(`与 R-${first.id + 1000} 重复`, { in: h.group, messageId: h.cardOf(other.id).message_id });
    const rejected = await h.world.db.selectFrom('reports').selectAll().where('id', '=', other.id).executeTakeFirstOrThrow();
    expect(rejected).toMatchObject({ status: 'rejected', reject_reason: 'duplicate', duplicate_of: first.id });
    await h.world.flush();
    expect(ed.last()!.text).toMatch(new RegExp(`不予处理：与 R-${first.id + 1000} 重复`));
    // A forged duplicate id of another community's report is refused.
    const forged = await h.lin.pressData(rejectButton.pack({ id: first.id, reason: 'duplicate', dup: 999999 }), {
      in: h.group,
      messageId: h.cardOf(first.id).message_id,
    });
    expect(forged.answer?.text).toMatch(/no longer valid/);

    await h.lin.press('⬆️ 上报上级', { in: h.group, messageId: h.cardOf(first.id).message_id });
    await h.world.flush();
    await h.lin.press('the street office');
    await h.lin.send('JD-2026-118');
    await h.lin.press(/^📅 In 7 days/);
    const handed = await h.world.db.selectFrom('reports').selectAll().where('id', '=', first.id).executeTakeFirstOrThrow();
    expect(handed).toMatchObject({ status: 'handed_up', handed_to: 'street', handed_ref: 'JD-2026-118' });
    await h.world.flush();
    expect(di.last()!.text).toMatch(/已上报街道办事处（编号 JD-2026-118）/);
    expect(h.cardOf(first.id).text).toMatch(/已上报：街道办事处/);
  });

  it('assigns a report to a staff member, who hears it privately', async () => {
    const fa = await h.world.resident('Fa');
    const r = await h.reportAtHome(fa, '小广告', '电梯里贴满了小广告');
    await h.lin.press('👷 分派', { in: h.group, messageId: h.cardOf(r.id).message_id });
    await h.lin.press('👤 Lin', { in: h.group, messageId: h.cardOf(r.id).message_id });
    expect(await h.latest()).toMatchObject({ status: 'assigned', owner_id: h.lin.id, team_id: null });
    const bad = await h.lin.pressData(assignButton.pack({ id: r.id, kind: 's', target: fa.id }), {
      in: h.group,
      messageId: h.cardOf(r.id).message_id,
    });
    expect(bad.answer?.text).toMatch(/no longer valid/);
  });

  it('marks reports overdue once and tells the committee group; /reports filters them', async () => {
    const go = await h.world.resident('Go');
    const r = await h.reportAtHome(go, '垃圾堆放', '垃圾桶满了没人清');
    h.world.clock.advance(25 * HOUR);
    await h.job('hazards.overdue');
    await h.job('hazards.overdue');
    await h.world.flush();
    const told = h.group.messages().filter((m) => (m.text ?? '').includes(`R-${r.id + 1000}（垃圾堆放）超过 24 小时未受理`));
    expect(told).toHaveLength(1);
    expect(
      (await h.world.db.selectFrom('reports').select('ack_overdue_at').where('id', '=', r.id).executeTakeFirstOrThrow()).ack_overdue_at,
    ).not.toBeNull();

    await h.lin.send('/reports');
    expect(h.lin.last()!.text).toMatch(/Hazard queue/);
    await h.lin.press(/Overdue only/);
    const listed = h.lin
      .last()!
      .buttons()
      .filter((b) => b.startsWith('🆕') || b.startsWith('👀'));
    expect(listed.some((b) => b.includes(`R-${r.id + 1000}`))).toBe(true);
    await h.lin.press(new RegExp(`R-${r.id + 1000}`));
    expect(h.lin.last()!.text).toMatch(/Overdue: not acknowledged in time/);
    await h.lin.press('👀 Acknowledge');
    await h.world.flush();
    expect(h.cardOf(r.id).text).toMatch(/状态：已受理/);
    // The longest payloads still fit in 64 bytes (pack throws otherwise).
    expect(
      queueButton.pack({ status: 'acknowledged', cat: 'a'.repeat(16), com: 'b'.repeat(16), overdue: '1', page: 999 }).length,
    ).toBeLessThanOrEqual(64);
    expect(staffButton.pack({ action: 'acknowledge', id: 999_999_999_999 }).length).toBeLessThanOrEqual(64);
    expect(assignButton.pack({ id: 999_999_999_999, kind: 's', target: 9_999_999_999_999 }).length).toBeLessThanOrEqual(64);
    expect(openCardButton.pack({ id: 999_999_999_999 }).length).toBeLessThanOrEqual(64);
  });
});
