import { afterAll, beforeAll, expect, it } from 'vitest';
import { DAY, HOUR } from '../src/clock';
import { formatLocalTime, parseLocalTime } from '../src/domain/events';
import type { EmulatedUser } from '../src/sandbox/emulator';
import { startWorld, type World } from './helpers/world';

/** Issue 15, events: times as each language writes them, the blocked count in the preview, ratings that reach staff. */

const TZ = 'Asia/Shanghai';
let world: World;
let mei: EmulatedUser;
let group: ReturnType<World['emu']['group']>;
beforeAll(async () => {
  world = await startWorld();
  mei = await world.staff('Mei');
  group = world.emu.group({ title: '梅园居委会', admins: [mei] });
  await mei.send('/link committee', { in: group });
});
afterAll(async () => {
  try {
    expect(world.emu.rejected).toEqual([]);
  } finally {
    await world.stop();
  }
});

const textOf = (u: { inbox(): { text?: string }[] }) => u.inbox().map((m) => m.text ?? '');

/** /event up to the preview, for one building; `when` is typed as the organiser would. */
async function eventUpToPreview(title: string, when: string, building: string): Promise<void> {
  await mei.send('/event');
  await mei.send(title);
  await mei.send('A talk by the street clinic, with time for questions.');
  await mei.send(when);
  await mei.send('Community hall');
  await mei.press('Skip'); // no limit
  await mei.press('Skip'); // answers until the start
  await mei.press(/Chosen buildings/);
  await mei.press(new RegExp(`Building ${building}$`));
  await mei.press(/Done/);
}

it('reads what it shows, in every language, and nothing else', () => {
  const now = Date.UTC(2026, 10, 25, 0, 0);
  const at = Date.UTC(2026, 11, 8, 6, 30); // Tuesday 8 December, 14:30 in Shanghai
  expect(formatLocalTime(at, 'zh-CN', TZ)).toBe('12月8日（周二）14:30');
  expect(formatLocalTime(at, 'zh-TW', TZ)).toBe('12月8日（週二）14:30');
  expect(formatLocalTime(at, 'en', TZ)).toBe('Tue 8 Dec, 14:30');
  for (const locale of ['zh-CN', 'zh-TW', 'en']) expect(parseLocalTime(formatLocalTime(at, locale, TZ), TZ, now)).toBe(at);
  for (const typed of ['2026-12-08 14:30', '12-08 14:30', '12月8日 14:30', '12月8日(周二) 14:30', 'Dec 8 14:30', '8 December 2026 14:30'])
    expect(parseLocalTime(typed, TZ, now)).toBe(at);
  expect(parseLocalTime('Tue 31 Feb, 14:30', TZ, now)).toBeUndefined();
  expect(parseLocalTime('8 Decembre 14:30', TZ, now)).toBeUndefined();
  expect(parseLocalTime('next Tuesday', TZ, now)).toBeUndefined();
});

it('the /event prompt shows the locale’s form, accepts it back, and every invitation shows the reader’s form', async () => {
  const ana = await world.resident('Ana', { building: 'b2', locale: 'en' });
  const bo = await world.resident('Bo', { building: 'b2' });
  const cai = await world.resident('Cai', { building: 'b2', locale: 'zh-TW' });
  await mei.send('/event');
  await mei.send('Health talk');
  await mei.send('A talk by the street clinic.');
  // The example is written the way the invitation will show it, not "2026-12-08 14:30".
  expect(mei.last()!.text).toMatch(/e\.g\. (Mon|Tue|Wed|Thu|Fri|Sat|Sun) \d{1,2} [A-Z][a-z]{2}, 14:30/);
  const startsAt = world.clock.now() + 3 * DAY;
  const shown = formatLocalTime(startsAt, 'en', TZ);
  await mei.send('Tue 31 Feb, 10:00');
  expect(mei.last()!.text).toMatch(/Please write a date and time such as .+, 14:30/);
  await mei.send(shown);
  await mei.send('Community hall');
  await mei.press('Skip');
  await mei.press('Skip');
  await mei.press(/Chosen buildings/);
  await mei.press(/Building 2$/);
  await mei.press(/Done/);
  expect(mei.last()!.text).toContain(`🕒 ${shown}`);
  await mei.press('✅ Send to 3');
  await world.flush();
  const event = await world.db.selectFrom('events').selectAll().where('title', '=', 'Health talk').executeTakeFirstOrThrow();
  expect(event.starts_at).toBe(parseLocalTime(shown, TZ, world.clock.now()));
  const [en, zhCN, zhTW] = [ana, bo, cai].map((u) => textOf(u).find((t) => t.includes('Health talk'))!);
  expect(en).toMatch(/🕒 (Mon|Tue|Wed|Thu|Fri|Sat|Sun) \d{1,2} [A-Z][a-z]{2}, \d{2}:\d{2}/);
  expect(zhCN).toMatch(/🕒 \d{1,2}月\d{1,2}日（周[一二三四五六日]）\d{2}:\d{2}/);
  expect(zhTW).toMatch(/🕒 \d{1,2}月\d{1,2}日（週[一二三四五六日]）\d{2}:\d{2}/);
});

it('the event preview says how many of the audience blocked the bot, as the notice preview does', async () => {
  const dai = await world.resident('Dai', { building: 'b3', locale: 'en' });
  await world.resident('Eve', { building: 'b3', locale: 'en' });
  world.emu.block(dai);
  // A notice to building 3 finds out that Dai blocked the bot.
  await mei.send('/announce');
  await mei.send('Water is off on Friday from 9 to 12.');
  await mei.press('Skip');
  await mei.press(/Regular notice/);
  await mei.press(/Chosen buildings/);
  await mei.press(/Building 3$/);
  await mei.press(/Done/);
  await mei.press('✅ Send to 2');
  await world.flush();
  expect((await world.db.selectFrom('users').select('reachable').where('id', '=', dai.id).executeTakeFirstOrThrow()).reachable).toBe(0);

  await eventUpToPreview('Tea afternoon', formatLocalTime(world.clock.now() + 4 * DAY, 'en', TZ), '3');
  const preview = mei.last()!.text!;
  expect(preview).toContain('Recipients: 1');
  expect(preview).toContain('(1 more has blocked the bot and will not receive it.)');
  await mei.send('/cancel');
  expect(await world.db.selectFrom('events').select('id').where('title', '=', 'Tea afternoon').execute()).toEqual([]);
});

it('a low event rating and its comment reach the organiser and the committee group; the summary lists the week’s comments', async () => {
  const fay = await world.resident('Fay', { building: 'b4', locale: 'en' });
  const gu = await world.resident('Gu', { building: 'b4' });
  const startsAt = world.clock.now() + 2 * DAY;
  await eventUpToPreview('Knitting club', formatLocalTime(startsAt, 'en', TZ), '4');
  await mei.press('✅ Send to 2');
  await world.flush();
  await fay.press('✅ Going');
  await gu.press(/✅/);
  const event = await world.db.selectFrom('events').selectAll().where('title', '=', 'Knitting club').executeTakeFirstOrThrow();

  // After the event: Mei ticks who came and asks them to rate it.
  world.clock.set(event.starts_at + 2 * HOUR);
  await mei.send('/events');
  const card = mei.inbox().findLast((m) => (m.text ?? '').includes('Knitting club'))!;
  await mei.press('👥 List and attendance', { messageId: card.message_id });
  await mei.press('⬜ Fay');
  await mei.press('⬜ Gu');
  await mei.press('⭐ Ask attendees for a rating');
  await world.flush();
  const meiBefore = mei.inbox().length;
  const groupBefore = group.messages().length;

  // Fay gives two stars: Mei (privately, in English) and the group (in Chinese) hear it at once.
  const question = fay.last()!;
  await fay.press('⭐⭐', { messageId: question.message_id });
  await world.flush();
  expect(
    fay
      .inbox()
      .find((m) => m.message_id === question.message_id)!
      .buttons(),
  ).toEqual([]);
  expect(fay.last()!.text).toContain('You rated Knitting club ⭐⭐.\nAnything you would like to tell the organisers?');
  expect(textOf(mei).slice(meiBefore).join('\n')).toMatch(/Low rating for the event Knitting club .*⭐⭐ \(2\/5\)/);
  expect(
    group
      .messages()
      .slice(groupBefore)
      .map((m) => m.text ?? '')
      .join('\n'),
  ).toMatch(/活动 Knitting club（.+）收到低分评价：⭐⭐（2\/5）/);

  // Too long a comment gets a polite retry and changes nothing; then her words follow the stars.
  await fay.send('x'.repeat(501));
  expect(fay.last()!.text).toMatch(/500/);
  expect(
    (await world.db.selectFrom('rsvps').select('rating_comment').where('user_id', '=', fay.id).executeTakeFirstOrThrow()).rating_comment,
  ).toBeNull();
  await fay.send('Too noisy <b>and</b> started late');
  await world.flush();
  expect(fay.last()!.text).toContain('The organisers will read your comment');
  expect(mei.last()!.text).toContain('Comment on the ⭐⭐ rating of Knitting club');
  expect(mei.last()!.text).toContain('Too noisy <b>and</b> started late');
  expect(group.messages().at(-1)!.text).toContain('Too noisy <b>and</b> started late');
  const fays = await world.db.selectFrom('rsvps').selectAll().where('user_id', '=', fay.id).executeTakeFirstOrThrow();
  expect(fays).toMatchObject({ rating: 2, rating_comment: 'Too noisy <b>and</b> started late' });
  expect(fays.rated_at).toBeGreaterThanOrEqual(event.starts_at);
  expect(fays.rated_at).toBeLessThanOrEqual(world.clock.now());

  // Gu gives five stars and a comment: staff are not disturbed, the summary lists it.
  const meiCount = mei.inbox().length;
  const groupCount = group.messages().length;
  await gu.press('⭐⭐⭐⭐⭐', { messageId: gu.last()!.message_id });
  expect(gu.last()!.text).toContain('有什么想对组织者说的吗');
  await gu.send('很好，下次还来');
  await world.flush();
  expect(mei.inbox()).toHaveLength(meiCount);
  expect(group.messages()).toHaveLength(groupCount);
  // A second rating is refused and changes nothing.
  expect((await gu.pressData(`evr|${event.id}|1`)).answer?.text).toMatch(/无法提交/);
  expect((await world.db.selectFrom('rsvps').select('rating').where('user_id', '=', gu.id).executeTakeFirstOrThrow()).rating).toBe(5);

  await mei.send('/summary');
  await mei.press('This week');
  const summary = textOf(mei).find((t) => t.includes('Rating comments this week'))!;
  expect(summary).toContain('· ⭐⭐ Event “Knitting club”: Too noisy <b>and</b> started late');
  expect(summary).toContain('· ⭐⭐⭐⭐⭐ Event “Knitting club”: 很好，下次还来');

  // /mydata shows Fay her own words.
  await fay.send('/mydata');
  expect(textOf(fay).join('\n')).toContain('Your comment: Too noisy <b>and</b> started late');
});
