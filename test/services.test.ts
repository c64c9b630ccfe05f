import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { communityConfigSchema } from '../src/community/config';
import { isOpenAt, parseHours } from '../src/domain/office-hours';
import type { EmulatedUser } from '../src/sandbox/emulator';
import { zonedEpoch } from '../src/zoned-time';
import { acceptInvite } from './helpers/grid';
import { newUserId, startWorld, type World } from './helpers/world';

/**
 * The service directory: /services lists the community's points by kind with phone, hours and
 * "open now" in TIMEZONE; a point opens as a venue on the map; staff change a point's hours and
 * phone in chat, and "open now" follows them across midnight and around the config's holidays.
 */

const TZ = 'Asia/Shanghai';
const at = (y: number, mo: number, d: number, h: number, mi = 0) => zonedEpoch({ year: y, month: mo, day: d, hour: h, minute: mi }, TZ);

describe('opening hours', () => {
  it('reads the grammar and refuses what does not follow it', () => {
    expect(parseHours('mon-fri 08:30-12:00 13:30-17:30; sat 09:00-12:00')).toHaveLength(3);
    expect(parseHours('daily 22:00-06:00')).toEqual([{ days: [0, 1, 2, 3, 4, 5, 6], from: 22 * 60, to: 6 * 60 }]);
    expect(parseHours('tue/thu 09:00-11:30')![0].days).toEqual([2, 4]);
    expect(parseHours('fri-mon 10:00-12:00')![0].days).toEqual([0, 1, 5, 6]);
    expect(parseHours('closed')).toEqual([]);
    for (const bad of ['', 'mon 9-5', 'someday 08:00-10:00', 'mon 25:00-26:00', 'mon 08:00-08:00', 'mon'])
      expect(parseHours(bad), bad).toBeUndefined();
  });

  it('an overnight opening belongs to the day it begins, holidays included', () => {
    const night = parseHours('daily 22:00-06:00')!;
    const holidays = ['2027-01-01'];
    // Thursday 31 December 2026, 23:00 and after midnight: open (it began on an ordinary day).
    expect(isOpenAt(night, at(2026, 12, 31, 23), TZ, holidays)).toBe(true);
    expect(isOpenAt(night, at(2027, 1, 1, 1), TZ, holidays)).toBe(true);
    expect(isOpenAt(night, at(2027, 1, 1, 6), TZ, holidays)).toBe(false);
    // The holiday's own night does not open, and so is still closed after midnight.
    expect(isOpenAt(night, at(2027, 1, 1, 23), TZ, holidays)).toBe(false);
    expect(isOpenAt(night, at(2027, 1, 2, 1), TZ, holidays)).toBe(false);
    expect(isOpenAt(night, at(2027, 1, 2, 22), TZ, holidays)).toBe(true);
    const office = parseHours('mon-fri 08:30-12:00 13:30-17:30')!;
    expect(isOpenAt(office, at(2027, 1, 4, 12, 30), TZ, holidays)).toBe(false);
    expect(isOpenAt(office, at(2027, 1, 4, 13, 30), TZ, holidays)).toBe(true);
    expect(isOpenAt(office, at(2027, 1, 2, 10), TZ, holidays)).toBe(false);
  });
});

describe('the community config', () => {
  const example = () => JSON.parse(readFileSync('src/community/example.json', 'utf8'));

  it('a config written before service points, bookings and /ask topics is still valid, with defaults', () => {
    const old = example();
    for (const c of old.communities) for (const key of ['servicePoints', 'bookableServices', 'holidays']) delete c[key];
    const parsed = communityConfigSchema.parse(old);
    expect(parsed.communities[0]).toMatchObject({ servicePoints: [], bookableServices: [], holidays: [] });
    expect(parsed.askTopics.map((t) => t.id)).toContain('other');
    expect(parsed.settings.askSlaHours).toBe(48);
  });

  it('refuses hours it cannot read, duplicate point ids and malformed holidays, naming where', () => {
    const bad = example();
    bad.communities[0].servicePoints[1].hours = 'weekdays 9 to 5';
    const issue = communityConfigSchema.safeParse(bad).error!.issues[0];
    expect(issue.path.join('.')).toBe('communities.0.servicePoints.1.hours');
    expect(issue.message).toContain('mon-fri');
    const dup = example();
    dup.communities[0].servicePoints[1].id = 'office';
    expect(communityConfigSchema.safeParse(dup).error!.issues[0].message).toBe('duplicate service point id "office"');
    const day = example();
    day.communities[0].holidays = ['1 October'];
    expect(communityConfigSchema.safeParse(day).success).toBe(false);
  });
});

describe('/services', () => {
  let world: World;
  let lin: EmulatedUser;
  let ana: EmulatedUser;

  /** The line of /services that names the point, as the resident reads it now. */
  const lineOf = async (who: EmulatedUser, name: string) => {
    await who.send('/services');
    const lines = (who.last()!.text ?? '').split('\n');
    const i = lines.findIndex((l) => l.includes(name));
    expect(i, `${name} in /services`).toBeGreaterThanOrEqual(0);
    return lines.slice(i, i + 3).join('\n');
  };

  beforeAll(async () => {
    world = await startWorld();
    lin = await world.staff('Lin');
    ana = await world.resident('Ana');
  });
  afterAll(async () => {
    expect(world.emu.rejected.map((c) => `${c.method}: ${c.error?.description}`)).toEqual([]);
    await world.stop();
  });

  it('lists the points by kind with phone and hours, and a point opens as a venue', async () => {
    world.clock.set(at(2026, 12, 7, 10)); // a Monday morning
    await ana.send('/services');
    const text = ana.last()!.text!;
    expect(text).toContain('梅园社区便民服务');
    expect(text.indexOf('居委会')).toBeLessThan(text.indexOf('卫生服务站'));
    expect(await lineOf(ana, '梅园社区居委会')).toContain('🟢 正在开放');
    expect(await lineOf(ana, '梅园社区居委会')).toContain('📞 021-5555 0100');
    expect(await lineOf(ana, '梅园社区居委会')).toContain('周一-周五 08:30-12:00 13:30-17:30; 周六 09:00-12:00');
    expect(await lineOf(ana, '法律援助工作站')).toContain('🔴 现在关闭');

    await ana.press('📍 梅园警务室');
    const [venue, detail] = ana.inbox().slice(-2);
    expect(venue.venue).toEqual({ location: { latitude: 31.2303, longitude: 121.475 }, title: '梅园警务室', address: '梅园路86号' });
    expect(detail.text).toContain('梅园警务室 · 🚓 警务室');
    // Residents do not get the edit buttons.
    expect(detail.buttons()).toEqual([]);
  });

  it('staff update a point\'s hours and phone in chat; "open now" follows across midnight and the holiday', async () => {
    await lin.send('/services');
    await lin.press("📍 Meiyuan Residents' Committee office");
    expect(lin.last()!.buttons()).toEqual(['✏️ Hours', '✏️ Phone']);
    await lin.press('✏️ Hours');
    await lin.send('every day 9 to 5');
    expect(lin.last()!.text).toContain('I could not read those hours');
    await lin.send('daily 22:00-06:00');
    expect(lin.last()!.text).toBe('✅ Updated. Opening hours now: daily 22:00-06:00');
    await lin.press('✏️ Phone');
    await lin.send('call me maybe');
    expect(lin.last()!.text).toContain('Please write a phone number');
    await lin.send('021-5555 0199');
    expect(lin.last()!.text).toBe('✅ Updated. Phone now: 021-5555 0199');
    const row = await world.db.selectFrom('service_point_overrides').selectAll().executeTakeFirstOrThrow();
    expect(row).toMatchObject({ point_id: 'office', hours: 'daily 22:00-06:00', phone: '021-5555 0199', updated_by: lin.id });

    const office = '梅园社区居委会';
    world.clock.set(at(2026, 12, 31, 23));
    expect(await lineOf(ana, office)).toContain('🟢 正在开放');
    expect(await lineOf(ana, office)).toContain('每天 22:00-06:00');
    expect(await lineOf(ana, office)).toContain('021-5555 0199');
    // Past midnight, into New Year's Day (a holiday in the config): still the night that began on the 31st.
    world.clock.set(at(2027, 1, 1, 1));
    expect(await lineOf(ana, office)).toContain('🟢 正在开放');
    world.clock.set(at(2027, 1, 1, 7));
    expect(await lineOf(ana, office)).toContain('🔴 现在关闭');
    world.clock.set(at(2027, 1, 1, 23));
    expect(await lineOf(ana, office)).toContain('🔴 现在关闭');
    world.clock.set(at(2027, 1, 2, 23));
    expect(await lineOf(ana, office)).toContain('🟢 正在开放');
  });

  it("opens with the household's contact card: the committee's office, then the building's grid worker and head by name", async () => {
    await ana.send('/services');
    const before = ana.last()!.text!;
    expect(before).toContain('📇 您的联系卡\n• 梅园社区居委会 🟢 正在开放\n  📞 021-5555 0199');
    expect(before).toContain('💬 向居委会提问或提建议：/ask');
    expect(before).not.toContain('网格员');
    // The office is on the card, not listed a second time under its kind.
    expect(before).not.toContain('🏛 居委会');
    expect(before.indexOf('📇')).toBeLessThan(before.indexOf('卫生服务站'));

    await lin.send('/grid');
    await lin.press(/Grid worker · Meiyuan Xincun Building 1$/);
    const wu = await acceptInvite(world, 'Wu', lin.last()!.text!);
    await wu.waitFor(/You are now a grid worker/);
    await lin.send('/grid');
    // The first "Building head" button is Building 1's (the row begins with its grid worker).
    await lin.press('➕ Building head');
    // The building head has a Telegram username, and it goes on the card with the name.
    const mei = world.emu.user({ id: newUserId(), first_name: 'Mei', username: 'mei_b1', language_code: 'en' });
    await mei.send(`/start ${/start=(inv-[\w-]+)/.exec(lin.last()!.text!)![1]}`);
    await mei.press(/Building 1$/);
    await mei.press('Skip');
    await mei.press('✅ I agree');
    await mei.waitFor(/You are now a building head/);

    await ana.send('/services');
    const card = ana.last()!.text!.split('\n\n')[1];
    expect(card.split('\n').slice(-3)).toEqual(['🧑‍💼 您的网格员：Wu', '🏠 您的楼长：Mei @mei_b1', '💬 向居委会提问或提建议：/ask']);
    // A neighbour of another building has the office on their card, and nobody else's name.
    const bo = await world.resident('Bo', { building: 'b2', locale: 'en' });
    await bo.send('/services');
    const theirs = bo.last()!.text!.split('\n\n')[1];
    expect(theirs).toContain("📇 Your contact card\n• Meiyuan Residents' Committee office");
    expect(theirs).not.toMatch(/grid worker|building head/);
  });
});
