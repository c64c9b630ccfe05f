import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHazardWorld, type HazardWorld } from './helpers/hazards';

/** Stories of hazard reports: from a resident's photo to a confirmed fix. */

describe('hazard reports', () => {
  let h: HazardWorld;
  const world = () => h.world;

  const reportOf = (userId: number) =>
    world().db.selectFrom('reports').selectAll().where('reporter_id', '=', userId).orderBy('id', 'desc').executeTakeFirstOrThrow();
  const eventsOf = (id: number) => world().db.selectFrom('report_events').selectAll().where('report_id', '=', id).orderBy('id').execute();

  beforeAll(async () => {
    h = await startHazardWorld();
  });
  afterAll(() => h.stop());

  it('a resident reports a broken street light with a photo and hears every step until it is fixed', async () => {
    const ana = await world().resident('Ana', { building: 'b2' });
    await ana.press('⚠️ 上报隐患');
    await ana.press('路灯损坏');
    await ana.send('2号楼门口的路灯<坏了>好几天，晚上很黑');
    await ana.sendPhoto();
    expect(ana.last()!.text).toMatch(/第 1 张/);
    await ana.press('照片已发完');
    await ana.press('就在我住的梅园新村2号楼');
    await ana.send('单元门口');
    expect(ana.last()!.caption).toMatch(/请确认上报内容[\s\S]*单元门口[\s\S]*照片：1 张/);
    await ana.press('✅ 确认提交');
    expect(ana.last()!.text).toMatch(/编号 R-\d+/);

    const report = await reportOf(ana.id);
    const id = `R-${report.id + 1000}`;
    expect(report).toMatchObject({ status: 'new', category: 'light', building_id: 'b2', spot: '单元门口', community_id: 'meiyuan' });

    // The committee group gets a card with the photo, the escaped text, and no name.
    await world().flush();
    const { lin, group } = h;
    const card = h.cardOf(report.id);
    expect(card.photo).toBeDefined();
    expect(card.raw).toContain('&lt;坏了&gt;');
    expect(card.caption).not.toContain('Ana');
    expect(card.buttons()).toEqual(['👀 受理', '👷 分派', '🚫 不予处理', '⬆️ 上报上级']);

    // Staff acknowledge on the card: edited in place, the reporter hears it.
    await lin.press('👀 受理', { in: group });
    expect(h.cardOf(report.id).caption).toMatch(/状态：已受理/);
    expect(h.cardOf(report.id).buttons()).not.toContain('👀 受理');
    await world().flush();
    expect(ana.last()!.text).toMatch(new RegExp(`${id}.*已由居委会受理`));

    // Assign to the cleanup team, then start.
    await lin.press('👷 分派', { in: group });
    await lin.press('👥 环境清洁队', { in: group });
    expect(h.cardOf(report.id).caption).toMatch(/负责队伍：环境清洁队/);
    await lin.press('🔧 开始处理', { in: group });
    await world().flush();
    expect(ana.last()!.text).toMatch(/正在处理中/);

    // "Fixed" needs a note: it continues in Lin's private chat.
    const pressed = await lin.press('✅ 已处理', { in: group });
    expect(pressed.answer?.text).toMatch(/private chat/);
    // One press: the note's question is already waiting there.
    await world().flush();
    await lin.send('Replaced the bulb');
    await lin.sendPhoto();
    expect(lin.last()!.text).toMatch(/marked fixed/);
    expect((await reportOf(ana.id)).status).toBe('fixed');
    await world().flush();
    expect(ana.last()!.caption).toMatch(/已处理[\s\S]*Replaced the bulb[\s\S]*问题解决了吗/);

    // "No": reopened, the owner hears it; then a rating.
    await ana.press('❌ 没有解决');
    expect((await reportOf(ana.id)).status).toBe('reopened');
    await ana.press('★★');
    expect(ana.last()!.text).toMatch(/留言/);
    await ana.press('跳过');
    await world().flush();
    expect(lin.inbox().some((m) => /reopened by its reporter/.test(m.text ?? ''))).toBe(true);

    // Fixed again, and this time confirmed with a comment.
    await lin.press('✅ Fixed');
    await lin.send('New lamp post wiring');
    await lin.press('Skip');
    await world().flush();
    await ana.press('✅ 已解决');
    await ana.press('★★★★★');
    await ana.send('谢谢！');
    const closed = await reportOf(ana.id);
    expect(closed).toMatchObject({ status: 'closed', fix_answer: 'yes', rating: 5, rating_comment: '谢谢！', team_id: 'green' });
    const moves = (await eventsOf(closed.id)).filter((e) => e.to_status).map((e) => `${e.action}:${e.to_status}`);
    expect(moves).toEqual([
      'create:new',
      'acknowledge:acknowledged',
      'assign:assigned',
      'start:in_progress',
      'fix:fixed',
      'reopen:reopened',
      'fix:fixed',
      'confirm:closed',
    ]);
    const audits = await world().db.selectFrom('audit_log').select('action').where('subject', '=', `report:${closed.id}`).execute();
    expect(audits.map((a) => a.action)).toContain('report.fix');
  });
});
