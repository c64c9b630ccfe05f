import { describe, expect, it } from 'vitest';
import { DAY } from '../src/clock';
import { hazardSuite } from './helpers/hazards';

/** Stories of residents and their reports: same issue, bad input, /myreports, withdrawing, timeouts, privacy. */

describe('hazard reports: residents', () => {
  const h = hazardSuite();

  it('bad input gets a polite answer and changes nothing', async () => {
    const ana = await h.world.resident('Ana');
    await ana.send('/report');
    await ana.press('噪音扰民');
    await ana.sendSticker();
    expect(ana.last()!.text).toMatch(/请用文字回答/);
    // A voice message is a description now (test/media.test.ts); a file that is not a picture is not.
    await ana.sendDocument({ fileName: 'notes.pdf', mimeType: 'application/pdf', bytes: Buffer.from('%PDF-1.4') });
    expect(ana.last()!.text).toMatch(/请用文字回答/);
    await ana.send('吵'.repeat(5000));
    expect(ana.last()!.text).toMatch(/太长了：最多 1000 个字/);
    await ana.send('晚上11点以后还在装修');
    await ana.press('跳过');
    await ana.sendPhoto();
    expect(ana.inbox().slice(-2)[0].text).toMatch(/请点击按钮分享位置/);
    await ana.send('/cancel');
    const count = await h.world.db
      .selectFrom('reports')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow();
    expect(Number(count.n)).toBe(0);
  });

  it('a neighbour adds support to the same issue instead of a new report, and hears its progress', async () => {
    const bo = await h.world.resident('Bo', { building: 'b5' });
    const r = await h.reportAtHome(bo, '公共设施损坏', '5号楼门禁坏了');

    const cy = await h.world.resident('Cy', { building: 'b5', locale: 'en' });
    await cy.press('⚠️ Report a hazard');
    await cy.press('Damaged facility');
    await cy.send('The door entry system is broken');
    await cy.press('Skip');
    await cy.press(/In my building/);
    await cy.press('Skip');
    expect(cy.last()!.text).toMatch(/may be the same issue/);
    await cy.press(`👍 Same issue: add my support to R-${r.id + 1000}`);
    expect(cy.last()!.text).toMatch(/You now follow/);
    expect((await h.latest()).id).toBe(r.id);

    await h.world.flush();
    expect(h.cardOf(r.id).text).toMatch(/1 位居民表示同样情况/);
    await h.lin.press('👀 受理', { in: h.group, messageId: h.cardOf(r.id).message_id });
    await h.world.flush();
    expect(cy.last()!.text).toMatch(new RegExp(`R-${r.id + 1000}.*acknowledged`));
    expect(bo.last()!.text).toMatch(/已由居委会受理/);

    await cy.send('/myreports');
    expect(cy.last()!.text).toMatch(/supporting/);
  });

  it('/myreports opens a report, adds a note, and withdraws it while unhandled; staff pressing then are told', async () => {
    const di = await h.world.resident('Di', { building: 'b6' });
    await di.send('/report');
    await di.press('其他');
    await di.send('6号楼下水道井盖松动');
    await di.press('跳过');
    await di.press('选择其他楼栋');
    await di.press('梅园新村1号楼');
    await di.send('东侧草坪');
    await di.press('✅ 确认提交');
    const r = await h.latest();
    expect(r).toMatchObject({ building_id: 'b1', spot: '东侧草坪' });
    await h.world.flush();

    await di.press('📋 我的上报');
    await di.press(new RegExp(`R-${r.id + 1000}`));
    expect(di.last()!.text).toMatch(/处理记录/);
    await di.press('📝 补充说明或照片');
    await di.send('晚上看不清，容易踩空');
    expect(di.last()!.text).toMatch(/已补充/);
    await h.world.flush();
    expect(h.group.last()!.text).toMatch(/有补充说明：晚上看不清/);
    expect(h.group.last()!.text).not.toMatch(/Di/);

    await di.send('/myreports');
    await di.press(new RegExp(`R-${r.id + 1000}`));
    await di.press('↩️ 撤回上报');
    expect((await h.latest()).status).toBe('withdrawn');
    const stale = await h.lin.press('👀 受理', { in: h.group, messageId: h.cardOf(r.id).message_id }).catch(() => undefined);
    // The card was updated through the outbox; if the press came first, the answer says why.
    await h.world.flush();
    expect(h.cardOf(r.id).text).toMatch(/已撤回/);
    if (stale) expect(stale.answer?.text).toMatch(/Withdrawn/);
    expect((await h.latest()).status).toBe('withdrawn');
  });

  it('an unanswered "Is it fixed?" closes the report after 3 days without a rating', async () => {
    const ed = await h.world.resident('Ed', { building: 'b4' });
    const r = await h.reportAtHome(ed, '楼道堆物', '4号楼2楼堆了旧家具');
    await h.lin.press('👀 受理', { in: h.group, messageId: h.cardOf(r.id).message_id });
    await h.lin.press('✅ 已处理', { in: h.group, messageId: h.cardOf(r.id).message_id });
    await h.world.flush();
    await h.lin.send('Moved to the bulky waste point');
    await h.lin.press('Skip');
    h.world.clock.advance(2 * DAY);
    await h.job('hazards.fix-timeout');
    expect((await h.latest()).status).toBe('fixed');
    h.world.clock.advance(DAY + 1);
    await h.job('hazards.fix-timeout');
    await h.world.flush();
    expect(await h.latest()).toMatchObject({ status: 'closed', rating: null, fix_answer: null });
    expect(ed.last()!.text).toMatch(/3 天内未收到反馈/);
    // The old "Is it fixed?" button is now stale.
    const late = await ed.press('✅ 已解决');
    expect(late.answer?.text).toMatch(/已过期/);
  });

  it('/mydata lists the reports and /deleteme leaves them as anonymous counts', async () => {
    const fa = await h.world.resident('Fa', { building: 'b2' });
    const r = await h.reportAtHome(fa, '小广告', '楼道贴满小广告');
    await fa.send('/mydata');
    expect(fa.last()!.text).toMatch(new RegExp(`隐患上报[\\s\\S]*R-${r.id + 1000} · 小广告 · 新上报`));
    await fa.send('/deleteme');
    await fa.press(/删除/);
    const kept = await h.world.db.selectFrom('reports').selectAll().where('id', '=', r.id).executeTakeFirstOrThrow();
    expect(kept.reporter_id).toBeNull();
    const traces = await h.world.db.selectFrom('report_events').select('actor_id').where('report_id', '=', r.id).execute();
    expect(traces.every((e) => e.actor_id === null)).toBe(true);
    const follows = await h.world.db.selectFrom('report_followers').selectAll().where('user_id', '=', fa.id).execute();
    expect(follows).toEqual([]);
  });
});
