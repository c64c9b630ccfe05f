import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MINUTE } from '../src/clock';
import type { BotMessageView, EmulatedGroup, EmulatedUser } from '../src/sandbox/emulator';
import { startWorld, type World } from './helpers/world';

/**
 * Gaps found by using the hazard reports (issue 15): the history in the reader's language, a
 * shared location told as "near <building>" with a map link, photos added later as an album,
 * one press of ✅ Fixed opening the private step, emergency pages that say who took them up,
 * and low ratings reaching the owner and the committee group.
 */

const rid = (id: number) => `R-${id + 1000}`;
const textOf = (m: BotMessageView | undefined) => m?.text ?? m?.caption ?? '';

/** The example configuration, with the Meiyuan buildings placed on the map (b1 at the community's centre). */
function configWithPlaces(dir: string): string {
  const config = JSON.parse(readFileSync('src/community/example.json', 'utf8'));
  config.communities[0].buildings.forEach((b: { location?: object }, i: number) => {
    b.location = { latitude: 31.2304 + i * 0.0008, longitude: 121.4737 };
  });
  const path = join(dir, 'community.json');
  writeFileSync(path, JSON.stringify(config));
  return path;
}

describe('hazard reports: the gaps found by using them', () => {
  let world: World;
  let lin: EmulatedUser;
  let group: EmulatedGroup;
  let dir: string;
  const latest = () => world.db.selectFrom('reports').selectAll().orderBy('id', 'desc').executeTakeFirstOrThrow();
  const cardOf = (id: number) => group.messages().find((m) => textOf(m).includes(rid(id)))!;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'linli-gaps-'));
    world = await startWorld({ env: { COMMUNITY_CONFIG: configWithPlaces(dir) } });
    lin = await world.staff('Lin');
    group = world.emu.group({ title: '梅园居委会' });
    await lin.send('/link committee', { in: group });
  }, 60_000);
  afterAll(async () => {
    expect(world.emu.rejected).toEqual([]);
    await world.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  /** An English-speaking resident reports a broken street light in their own building. */
  async function reportInEnglish(u: EmulatedUser, text: string) {
    await u.send('/report');
    await u.press('Broken street light');
    await u.send(text);
    await u.press('Skip');
    await u.press(/In my building/);
    await u.press('Skip');
    if (u.last()!.buttons().includes('No, this is a different one')) await u.press('No, this is a different one');
    await u.press('✅ Submit');
    await world.flush();
    return latest();
  }

  /** /myreports, then the report: the detail's text. */
  async function detailOf(u: EmulatedUser, id: number): Promise<BotMessageView> {
    await u.send('/myreports');
    const before = u.inbox().length;
    await u.press(new RegExp(rid(id)));
    return u.inbox()[before];
  }

  it('✅ Fixed pressed once on the card opens the private step at once; a second press writes no second prompt', async () => {
    const ann = await world.resident('Ann', { locale: 'en', building: 'b2' });
    const r = await reportInEnglish(ann, 'The light at the gate is out');
    await lin.press('👀 受理', { in: group, messageId: cardOf(r.id).message_id });

    const before = lin.inbox().length;
    const first = await lin.press('✅ 已处理', { in: group, messageId: cardOf(r.id).message_id });
    expect(first.answer?.text).toMatch(/continues in your private chat with me; the first question is waiting there/);
    expect(first.answer?.show_alert).toBeFalsy();
    const second = await lin.press('✅ 已处理', { in: group, messageId: cardOf(r.id).message_id });
    expect(second.answer?.text).toMatch(/already waiting in your private chat/);
    await world.flush();
    const written = lin.inbox().slice(before);
    expect(written.map(textOf)).toEqual([expect.stringMatching(new RegExp(`${rid(r.id)} fixed: please write a short note`))]);
    expect(written[0].buttons()).toEqual(['✖️ Cancel']);

    // Bad input first (a sticker): a polite answer, nothing changes; then the note and Skip.
    await lin.sendSticker();
    expect((await latest()).status).toBe('acknowledged');
    await lin.send('Replaced the bulb');
    expect(lin.last()!.text).toMatch(/photo of the result/);
    await lin.press('Skip');
    expect(lin.last()!.text).toMatch(new RegExp(`${rid(r.id)} marked fixed`));
    expect(await world.db.selectFrom('reports').select(['status', 'fix_note']).where('id', '=', r.id).executeTakeFirst()).toEqual({
      status: 'fixed',
      fix_note: 'Replaced the bulb',
    });
    await world.flush();
    expect(ann.last()!.text).toMatch(/Is it fixed\?/);
  });

  it('/myreports tells every line of the history in the reader’s language; a low rating and its comment reach the owner and the group', async () => {
    const ben = await world.resident('Ben', { locale: 'en', building: 'b3' });
    const r = await reportInEnglish(ben, 'Two lights out behind building 3');
    const card = () => ({ in: group, messageId: cardOf(r.id).message_id });
    await lin.press('👀 受理', card());
    await lin.press('👷 分派', card());
    await lin.press('👥 环境清洁队', card());
    await lin.press('⬆️ 上报上级', card());
    await world.flush();
    await lin.press('the street office');
    await lin.send('JD-2026-7');
    await lin.press(/^📅 In 7 days/);
    await world.flush();
    // Handed up, the card offers the outside body's answers: fixed, with what they said.
    await lin.press('✅ 已解决', card());
    await world.flush();
    await lin.send('Lights replaced');
    await world.flush();
    await ben.press('😐 Partly');
    await world.flush();

    // Two stars: the owner (Lin, who acknowledged it) and the committee group hear it, then the comment.
    const linBefore = lin.inbox().length;
    const groupBefore = group.messages().length;
    await ben.press('★★');
    await ben.send('The far one is still dark');
    await world.flush();
    const toLin = lin.inbox().slice(linBefore).map(textOf);
    expect(toLin).toEqual([
      expect.stringMatching(new RegExp(`Low rating for ${rid(r.id)} \\(Broken street light\\): ★★\\. 😐 Reporter says: partly fixed`)),
      expect.stringMatching(new RegExp(`Comment on ${rid(r.id)} \\(★★\\): The far one is still dark`)),
    ]);
    const toGroup = group.messages().slice(groupBefore).map(textOf);
    expect(toGroup).toContainEqual(expect.stringMatching(new RegExp(`${rid(r.id)}（路灯损坏）收到低分评价：★★`)));
    expect(toGroup).toContainEqual(expect.stringMatching(/附言：The far one is still dark/));

    const events = await world.db.selectFrom('report_events').select(['action', 'note']).where('report_id', '=', r.id).execute();
    // The rows keep codes; only the view translates them.
    expect(events).toEqual(
      expect.arrayContaining([
        { action: 'assign', note: 'team:green' },
        { action: 'hand_up', note: 'street: JD-2026-7' },
        { action: 'reopen', note: 'partly' },
      ]),
    );
    const detail = textOf(await detailOf(ben, r.id));
    expect(detail).toMatch(/Assigned — 👥 Team: Cleanup team/);
    expect(detail).toMatch(/Handed upward — ⬆️ Handed to the street office \(reference JD-2026-7\)/);
    expect(detail).toMatch(/Reopened — 😐 Reporter says: partly fixed/);
    expect(detail).not.toMatch(/环境|street:|— partly|— yes/);
  });

  it('a rejection is told in the reader’s language too (a reason code in the row)', async () => {
    const cat = await world.resident('Cat', { locale: 'zh-TW', building: 'b4' });
    await cat.send('/report');
    await cat.press('小廣告');
    await cat.send('電梯裡貼滿了小廣告');
    await cat.press('跳過');
    await cat.press(/就在我住的/);
    await cat.press('跳過');
    if (cat.last()!.buttons().includes('不是，這是另一件事')) await cat.press('不是，這是另一件事');
    await cat.press('✅ 確認提交');
    await world.flush();
    const r = await latest();
    await lin.press('🚫 不予处理', { in: group, messageId: cardOf(r.id).message_id });
    await lin.press('不属于社区管辖', { in: group, messageId: cardOf(r.id).message_id });
    const event = await world.db
      .selectFrom('report_events')
      .select('note')
      .where('report_id', '=', r.id)
      .where('action', '=', 'reject')
      .executeTakeFirstOrThrow();
    expect(event.note).toBe('not_ours');
    const detail = textOf(await detailOf(cat, r.id));
    expect(detail).toMatch(/不予處理 — 🚫 原因：不屬於社區管轄/);
    expect(detail).not.toMatch(/不属于社区管辖/);
  });

  it('a shared location is told as "near <building>" with a map link, and the building is kept for the ledger', async () => {
    const dan = await world.resident('Dan', { building: 'b5' });
    await dan.send('/report');
    await dan.press('路灯损坏');
    await dan.send('草坪边的路灯不亮');
    await dan.press('跳过');
    expect(dan.replyKeyboard()).toEqual(['📍 分享我的位置']);
    await dan.sendLocation(31.23045, 121.4738);
    // The step is answered: its "share my location" keyboard gives way to the main menu.
    expect(dan.replyKeyboard()).toContain('⚠️ 上报隐患');
    if (dan.last()!.buttons().includes('不是，这是另一件事')) await dan.press('不是，这是另一件事');
    expect(textOf(dan.last())).toMatch(/梅园新村1号楼附近/);
    await dan.press('✅ 确认提交');
    await world.flush();
    const r = await latest();
    expect(r).toMatchObject({ building_id: 'b1', latitude: 31.23045, longitude: 121.4738 });
    const card = cardOf(r.id);
    expect(card.text).toMatch(/📍 梅园新村1号楼附近 · 🗺 地图/);
    expect(card.text).not.toMatch(/位置 31/);
    const link = card.entities?.find((e) => e.type === 'text_link') as { url?: string } | undefined;
    expect(link?.url).toBe('https://www.openstreetmap.org/?mlat=31.23045&mlon=121.47380#map=18/31.23045/121.47380');

    // Far from every building: the coordinates stay, with the map link, and no building is guessed.
    await dan.send('/report');
    await dan.press('其他');
    await dan.send('河边栏杆松了');
    await dan.press('跳过');
    await dan.sendLocation(31.3, 121.5);
    if (dan.last()!.buttons().includes('不是，这是另一件事')) await dan.press('不是，这是另一件事');
    await dan.press('✅ 确认提交');
    await world.flush();
    const far = await latest();
    expect(far.building_id).toBeNull();
    expect(cardOf(far.id).text).toMatch(/📍 位置 31\.30000, 121\.50000 · 🗺 地图/);

    // The resident's own detail says the same, with the link.
    const detail = await detailOf(dan, r.id);
    expect(detail.text).toMatch(/📍 梅园新村1号楼附近 · 🗺 地图/);
    expect(detail.entities?.some((e) => e.type === 'text_link')).toBe(true);

    // Answered with a button instead (at home), the keyboard goes as well.
    await dan.send('/report');
    await dan.press('路灯损坏');
    await dan.send('楼下的灯不亮');
    await dan.press('跳过');
    expect(dan.replyKeyboard()).toEqual(['📍 分享我的位置']);
    await dan.press(/就在我住的/);
    expect(dan.replyKeyboard()).toContain('⚠️ 上报隐患');
    await dan.send('/cancel');
  });

  it('a resident adds an album of photos later: all kept, and the committee group gets them as one album', async () => {
    const eve = await world.resident('Eve', { locale: 'en', building: 'b6' });
    const r = await reportInEnglish(eve, 'The light over the bins flickers');
    await detailOf(eve, r.id);
    await eve.press('📝 Add a note or photo');
    const before = eve.inbox().length;
    await eve.sendAlbum(3);
    await eve.waitFor(/3 photos added to/);
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(eve.inbox().slice(before).map(textOf)).toEqual([expect.stringMatching(/3 photos added to/)]);
    // Text where photos or Done are expected: a polite word, nothing added.
    await eve.send('that is all');
    expect(eve.last()!.text).toMatch(/⚠️/);
    await eve.sendPhoto();
    expect(eve.last()!.text).toMatch(/4 photos added to/);
    await eve.press('Done with photos');
    expect(eve.last()!.text).toMatch(new RegExp(`Added 4 photos to ${rid(r.id)}`));
    await world.flush();

    const stored = (await world.db.selectFrom('report_photos').select('file_id').where('report_id', '=', r.id).orderBy('id').execute()).map(
      (p) => p.file_id,
    );
    expect(stored).toHaveLength(4);
    const album = group.messages().slice(-4);
    expect(album.map((m) => m.kind)).toEqual(['photo', 'photo', 'photo', 'photo']);
    expect(new Set(album.map((m) => m.media_group_id)).size).toBe(1);
    expect(album[0].caption).toBe(`📷 ${rid(r.id)} 补充了 4 张照片`);
    expect(album.map((m) => m.photo!.at(-1)!.file_id)).toEqual(stored);
    expect(album.map(textOf).join()).not.toMatch(/Eve/);

    // /myreports shows them all, and the history says so.
    await eve.send('/myreports');
    const shownFrom = eve.inbox().length;
    await eve.press(new RegExp(rid(r.id)));
    const shown = eve.inbox().slice(shownFrom);
    expect(textOf(shown[0]).match(/photo added/g)).toHaveLength(4);
    expect(shown.slice(1).map((m) => m.photo!.at(-1)!.file_id)).toEqual(stored);
  });

  it('an acknowledged emergency: every page and the group’s escalation say who took it up and when, without Acknowledge', async () => {
    const mo = await world.staff('Mo');
    const fay = await world.resident('Fay', { building: 'b2' });
    await fay.send('/report');
    await fay.press('🚨 燃气泄漏');
    await fay.press('我已知晓，继续上报');
    await fay.send('闻到很浓的煤气味');
    await fay.press('跳过');
    await fay.sendLocation(31.2312, 121.4737);
    if (fay.last()!.buttons().includes('不是，这是另一件事')) await fay.press('不是，这是另一件事');
    await fay.press('✅ 确认提交');
    await world.flush();
    const r = await latest();
    world.clock.advance(11 * MINUTE);
    await world.app.scheduler.run(world.app.scheduler.jobs.find((j) => j.name === 'hazards.pages')!);
    await world.flush();
    const isPage = (m: BotMessageView) => textOf(m).includes(rid(r.id)) && /Emergency|taken up/.test(textOf(m));
    expect(lin.inbox().filter(isPage)).toHaveLength(2);
    expect(group.messages().filter((m) => /分钟无人受理/.test(textOf(m)))).toHaveLength(1);

    const page = lin.inbox().filter(isPage)[0];
    await lin.press('👀 Acknowledge', { messageId: page.message_id });
    await world.flush();
    expect((await latest()).status).toBe('acknowledged');

    for (const p of lin.inbox().filter(isPage)) {
      expect(textOf(p)).toMatch(
        new RegExp(`✅ ${rid(r.id)} was taken up by Lin at \\d{4}-\\d{2}-\\d{2} \\d{2}:\\d{2} \\(now "Acknowledged"\\)`),
      );
      expect(p.buttons()).not.toContain('👀 Acknowledge');
    }
    const moPages = mo.inbox().filter(isPage);
    expect(moPages).toHaveLength(2);
    for (const p of moPages) {
      expect(textOf(p)).toMatch(/was taken up by Lin/);
      expect(p.buttons()).toEqual([]);
    }
    const escalation = group.messages().find((m) => textOf(m).includes(rid(r.id)) && /接手/.test(textOf(m)))!;
    expect(textOf(escalation)).toMatch(new RegExp(`✅ ${rid(r.id)} 已由 Lin 于 .* 接手（当前：已受理）`));
    expect(escalation.buttons()).toEqual([]);
    // The group card itself goes on with its buttons.
    expect(cardOf(r.id).buttons()).toContain('👷 分派');
  });
});
