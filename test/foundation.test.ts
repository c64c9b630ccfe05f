import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HOUR } from '../src/clock';
import { startWorld, newUserId, type World } from './helpers/world';

/** Stories of the foundation: onboarding, language, cancel, invitations, linking groups. */

for (const mode of ['polling', 'webhook'] as const) {
  describe(`foundation (${mode})`, () => {
    let world: World;
    beforeAll(async () => {
      world = await startWorld({ mode });
    });
    afterAll(async () => {
      expect(world.emu.rejected).toEqual([]);
      await world.stop();
    });

    const onboardingCases = [
      {
        code: 'zh-CN',
        langButton: '简体中文',
        community: '梅园社区',
        building: '梅园新村3号楼',
        done: /登记完成：梅园社区 · 梅园新村3号楼 · 2-301/,
        agree: '✅ 我同意',
      },
      {
        code: 'zh-TW',
        langButton: '繁體中文',
        community: '梅園社區',
        building: '梅園新村3號樓',
        done: /登記完成：梅園社區 · 梅園新村3號樓 · 2-301/,
        agree: '✅ 我同意',
      },
      {
        code: 'en',
        langButton: 'English',
        community: 'Meiyuan Community',
        building: 'Meiyuan Xincun Building 3',
        done: /You are registered: Meiyuan Community · Meiyuan Xincun Building 3 · 2-301/,
        agree: '✅ I agree',
      },
    ];
    for (const c of onboardingCases) {
      it(`a resident whose Telegram speaks ${c.code} is onboarded in that language`, async () => {
        const ana = world.emu.user({ id: newUserId(), first_name: 'Ana <b>', language_code: c.code });
        await ana.send('/start');
        expect(ana.inbox()[0].text).toContain('Ana <b>'); // escaped in HTML, shown as typed
        await ana.press(`✓ ${c.langButton}`);
        await ana.press(c.community);
        await ana.press(c.building);
        await ana.send('2-301');
        expect(ana.last()!.buttons()).toContain(c.agree);
        await ana.press(c.agree);
        expect(ana.last()!.text).toMatch(c.done);
        expect(ana.last()!.reply_markup).toHaveProperty('keyboard');
        const row = await world.db.selectFrom('users').selectAll().where('id', '=', ana.id).executeTakeFirstOrThrow();
        expect(row).toMatchObject({ locale: c.code, community_id: 'meiyuan', building_id: 'b3', unit: '2-301', role: 'resident' });
        expect(row.privacy_accepted_at).toBeGreaterThan(0);
      });
    }

    it('a stairwell QR code binds community and building at once', async () => {
      const bo = world.emu.user({ id: newUserId(), first_name: 'Bo', language_code: 'zh-hans' });
      await bo.send('/start c-guihua-b-b8');
      expect(bo.last()!.text).toContain('门牌');
      await bo.press('跳过');
      await bo.press('✅ 我同意');
      expect(bo.last()!.text).toContain('桂花社区 · 桂花苑8号楼');
      const row = await world.db.selectFrom('users').selectAll().where('id', '=', bo.id).executeTakeFirstOrThrow();
      expect(row).toMatchObject({ community_id: 'guihua', building_id: 'b8', unit: null });
    });

    it('a broken deep link is explained and changes nothing', async () => {
      const cy = world.emu.user({ id: newUserId(), first_name: 'Cy', language_code: 'en' });
      await cy.send('/start c-nowhere-b-b1');
      expect(cy.last()!.text).toMatch(/not valid/);
      const row = await world.db.selectFrom('users').selectAll().where('id', '=', cy.id).executeTakeFirstOrThrow();
      expect(row.community_id).toBeNull();
    });

    it('declining the privacy notice stores no address', async () => {
      const di = world.emu.user({ id: newUserId(), first_name: 'Di', language_code: 'en' });
      await di.send('/start c-meiyuan-b-b2');
      await di.send('5-101');
      await di.press('I do not agree');
      expect(di.last()!.text).toMatch(/cannot store/);
      const row = await world.db.selectFrom('users').selectAll().where('id', '=', di.id).executeTakeFirstOrThrow();
      expect(row).toMatchObject({ community_id: null, unit: null, privacy_accepted_at: null });
      await di.send('/help');
      await di.send('hello');
      expect(di.last()!.text).toMatch(/send \/start first/);
    });

    it('/lang changes the language and the menu follows', async () => {
      const ed = await world.resident('Ed');
      await ed.send('/lang');
      const picker = ed.last()!.message_id;
      await ed.press('English');
      expect(ed.last()!.text).toBe('Language set to English.');
      // The picker keeps the choice, its buttons gone.
      const shown = ed.inbox().find((m) => m.message_id === picker);
      expect(shown?.text).toMatch(/✓ English$/);
      expect(shown?.buttons()).toEqual([]);
      const labels = (ed.last()!.reply_markup as { keyboard: { text: string }[][] }).keyboard.flat().map((b) => b.text);
      expect(labels).toContain('❓ Help');
      await ed.send('❓ Help');
      expect(ed.last()!.text).toMatch(/You are: Resident/);
      expect((await world.app.deps.users.find(ed.id))!.locale).toBe('en');

      // The same language again: the picker says so, and nothing else is sent (the menu stands as it is).
      await ed.send('/lang');
      const again = ed.inbox().length;
      await ed.press('✓ English');
      expect(ed.inbox()).toHaveLength(again);
      expect(ed.last()!.text).toMatch(/✓ English$/);
    });

    it('/cancel leaves a flow from any step, and Back goes one step back', async () => {
      const fu = world.emu.user({ id: newUserId(), first_name: 'Fu', language_code: 'en' });
      await fu.send('/start');
      await fu.press('✓ English');
      await fu.press('Guihua Community');
      await fu.press('⬅️ Back');
      expect(fu.last()!.text).toBe('Which community do you live in?');
      await fu.press('Meiyuan Community');
      await fu.sendSticker();
      expect(fu.last()!.text).toMatch(/Please tap one of the buttons above/);
      await fu.send('/cancel');
      expect(fu.last()!.text).toMatch(/Cancelled/);
      await fu.send('Meiyuan Xincun Building 1');
      expect(fu.last()!.text).toMatch(/send \/start first/);
      const row = await world.db.selectFrom('users').selectAll().where('id', '=', fu.id).executeTakeFirstOrThrow();
      expect(row.community_id).toBeNull();
    });

    it("an old question's button is answered as stale", async () => {
      const gi = world.emu.user({ id: newUserId(), first_name: 'Gi', language_code: 'en' });
      await gi.send('/start');
      await gi.press('✓ English');
      const question = gi.last()!;
      await gi.press('Meiyuan Community');
      await gi.send('/cancel');
      const answer = await gi.pressData(question.reply_markup!.inline_keyboard![0][0].callback_data!, { messageId: question.message_id });
      expect(answer.answer?.text).toMatch(/no longer valid/);
    });

    it('an admin invites staff with a one-time link that expires', async () => {
      const admin = world.admin();
      await admin.send('/invite');
      await admin.press('Staff');
      await admin.press('Guihua Community');
      const link = /start=(inv-[\w-]+)/.exec(admin.last()!.text!)![1];

      const hu = world.emu.user({ id: newUserId(), first_name: 'Hu', language_code: 'en' });
      await hu.send(`/start ${link}`);
      expect(
        hu
          .inbox()
          .map((m) => m.text)
          .join('\n'),
      ).toMatch(/Welcome to the staff of Guihua Community/);
      expect((await world.app.deps.users.find(hu.id))!).toMatchObject({ role: 'staff', community_id: 'guihua' });

      const ivy = world.emu.user({ id: newUserId(), first_name: 'Ivy', language_code: 'en' });
      await ivy.send(`/start ${link}`);
      expect(ivy.last()!.text).toMatch(/already been used/);
      expect((await world.app.deps.users.find(ivy.id))!.role).toBe('resident');

      await admin.send('/invite');
      await admin.press('Staff');
      await admin.press('Meiyuan Community');
      const late = /start=(inv-[\w-]+)/.exec(admin.last()!.text!)![1];
      world.clock.advance(49 * HOUR);
      const jo = world.emu.user({ id: newUserId(), first_name: 'Jo', language_code: 'en' });
      await jo.send(`/start ${late}`);
      expect(jo.last()!.text).toMatch(/expired/);
      expect((await world.app.deps.users.find(jo.id))!.role).toBe('resident');
    });

    it('a resident cannot invite, and staff link the committee group', async () => {
      const kai = await world.resident('Kai');
      await kai.send('/invite');
      expect(kai.last()!.text).toMatch(/没有权限/);

      const lin = await world.staff('Lin');
      const group = world.emu.group({ title: '梅园居委会' });
      await kai.send('/link committee', { in: group });
      expect(group.messages().at(-1)!.text).toMatch(/没有权限/);
      await lin.send('/link committee', { in: group });
      expect(group.messages().at(-1)!.text).toMatch(/this group is now the group of the Meiyuan Community committee/);
      await lin.send('/link team patrol', { in: group });
      const link = await world.db.selectFrom('chat_links').selectAll().where('chat_id', '=', group.id).executeTakeFirstOrThrow();
      expect(link).toMatchObject({ kind: 'team', community_id: 'meiyuan', team_id: 'patrol' });
      await lin.send('/link team nosuch', { in: group });
      expect(group.messages().at(-1)!.text).toMatch(/No such team/);
    });

    it('in a group, a command addressed to another bot is left to it; one addressed to this bot is answered', async () => {
      const lin = await world.staff('Lin Two');
      const group = world.emu.group({ title: 'Meiyuan volunteers' });
      await lin.send('/link@some_other_bot committee', { in: group });
      expect(group.messages()).toEqual([]);
      const me = world.app.built.bot.botInfo!.username;
      await lin.send(`/link@${me.toUpperCase()} committee`, { in: group });
      expect(group.messages().at(-1)!.text).toMatch(/this group is now the group of the Meiyuan Community committee/);
    });

    it("staff invite a team lead; a stranger pressing the admin's buttons is refused", async () => {
      const admin = world.admin();
      await admin.send('/invite');
      const stranger = await world.resident('Mo');
      const question = admin.last()!;
      const answer = await stranger.pressData(question.reply_markup!.inline_keyboard![0][0].callback_data!, {
        in: admin.id,
        messageId: question.message_id,
      });
      expect(answer.answer?.text).toMatch(/过期|no longer valid/);
      expect((await world.app.deps.users.find(stranger.id))!.role).toBe('resident');
      await admin.send('/cancel');
    });
  });
}
