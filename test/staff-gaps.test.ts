import { mkdirSync, writeFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MINUTE } from '../src/clock';
import type { EmulatedUser } from '../src/sandbox/emulator';
import { zonedEpoch } from '../src/zoned-time';
import { startHazardWorld, type HazardWorld } from './helpers/hazards';

/**
 * Issue 15, the staff's gaps: the weekly summary of the week in progress judged now, read at a
 * glance, with the 90% target on its chart; low event ratings reaching staff and the week's
 * comments in the summary; event times written and read the way each language writes them;
 * the staff's own commands on their main keyboard.
 */

const TZ = 'Asia/Shanghai';
const at = (month: number, day: number, hour: number, minute = 0) => zonedEpoch({ year: 2031, month, day, hour, minute }, TZ);

let h: HazardWorld;
beforeAll(async () => {
  h = await startHazardWorld();
  // Tuesday of the week of Monday 2031-03-03.
  h.world.clock.set(at(3, 4, 10));
});
afterAll(() => h.stop());

/** /summary → "This week": the summary's text lines (Lin reads English). */
async function thisWeeksSummary(lin: EmulatedUser): Promise<string[]> {
  await lin.send('/summary');
  await lin.press('This week');
  const text = lin
    .inbox()
    .filter((m) => m.text?.startsWith('📊'))
    .at(-1)!;
  return text.text!.split('\n');
}

describe('the summary of the week in progress', () => {
  it('does not count a report acknowledged in time and not yet due as overdue or as a missed fix; it does once the fix is late', async () => {
    const cy = await h.world.resident('Cy');
    const r = await h.reportAtHome(cy, '垃圾堆放', '垃圾桶满了没人清'); // rubbish: answer in 24 h, fix in 72 h
    await h.lin.press('👀 受理', { in: h.group, messageId: h.cardOf(r.id).message_id });
    await h.world.flush();
    h.world.clock.advance(5 * MINUTE);

    const now = await thisWeeksSummary(h.lin);
    expect(now).toContain('2031-03-03 to 2031-03-09, the week so far (as of 2031-03-04 10:05)');
    expect(now).toContain('Response rate: 100% (1/1) · last week —');
    expect(now).toContain('Resolution rate: — · last week —');
    expect(now).toContain('Overdue: 0 · last week 0 · no change');
    expect(now).toContain('New: 1 · last week 0 · ▲1');
    expect(now).toContain('The three rates (target ≥ 90%)');
    // The chart comes with it: a PNG drawn for a phone (looked at: test/.artifacts/staff-gaps-summary.png).
    const photo = h.lin
      .inbox()
      .filter((m) => m.photo)
      .at(-1)!;
    const png = h.world.emu.file(photo.photo!.at(-1)!.file_id)!.bytes;
    mkdirSync('test/.artifacts', { recursive: true });
    writeFileSync('test/.artifacts/staff-gaps-summary.png', png);
    expect(png.readUInt32BE(16)).toBe(960); // width from the IHDR chunk

    // Friday 11:00: the fix was due at 10:00 and has not come.
    h.world.clock.set(at(3, 7, 11));
    const late = await thisWeeksSummary(h.lin);
    expect(late).toContain('Overdue: 1 · last week 0 · ▲1');
    expect(late).toContain('Resolution rate: 0% (0/1) · last week —');
    expect(late).toContain('Response rate: 100% (1/1) · last week —');
  });
});

describe("the staff's main keyboard", () => {
  const keyboardOf = (u: EmulatedUser) =>
    (u.last()!.reply_markup as { keyboard: { text: string }[][] }).keyboard.map((row) => row.map((b) => b.text));

  it('shows the staff commands first, and a tap on one runs it; residents do not get them', async () => {
    await h.lin.send('/cancel');
    const rows = keyboardOf(h.lin);
    expect(rows.slice(0, 2)).toEqual([
      ['🗂 Reports queue', '📢 Send a notice'],
      ['📅 New event', '📊 Weekly summary'],
    ]);
    expect(rows.flat()).toContain('⚠️ Report a hazard');

    await h.lin.press('📊 Weekly summary');
    expect(h.lin.last()!.buttons()).toEqual(['This week', 'Last week', 'Earlier week…']);
    await h.lin.press('🗂 Reports queue');
    expect(h.lin.last()!.text).toMatch(/^Hazard queue: 1 report,/);

    const di = await h.world.resident('Di');
    await di.send('/cancel');
    expect(keyboardOf(di).flat()).not.toContain('📊 每周简报');
    await di.send('📊 每周简报');
    expect(di.last()!.text).toBe('抱歉，您没有权限进行这个操作。');
  });
});
