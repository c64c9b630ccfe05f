import type { EmulatedUser } from '../../src/sandbox/emulator';
import { newUserId, type World } from './world';

/** Steps the grid stories (issue 18) share: a report's routing history, the /reports list, the summary's grid section. */

/** The routing and escalation steps recorded in a report's history (their notes, in order). */
export async function routeNotes(world: World, reportId: number): Promise<string[]> {
  const rows = await world.db
    .selectFrom('report_events')
    .select('note')
    .where('report_id', '=', reportId)
    .where('action', '=', 'route')
    .orderBy('id')
    .execute();
  return rows.map((e) => e.note ?? '');
}

/** Staff open the report with /r: the text of its history (the reply after the card). */
export async function historyOnR(staff: EmulatedUser, reportId: number): Promise<string> {
  await staff.send(`/r R-${reportId + 1000}`);
  const history = staff
    .inbox()
    .map((m) => m.text ?? '')
    .findLast((text) => /History|处理记录|處理記錄/.test(text));
  return history ?? '';
}

/** Does this person's /reports list the report? */
export async function listsReport(who: EmulatedUser, reportId: number): Promise<boolean> {
  await who.send('/reports');
  return who
    .last()!
    .buttons()
    .some((b) => b.includes(`R-${reportId + 1000}`));
}

/** This week's summary, as staff ask for it: its "Who handles what" section. */
export async function gridSection(staff: EmulatedUser): Promise<string> {
  await staff.send('/summary');
  await staff.press('This week');
  return (await staff.waitFor(/Who handles what/, { timeoutMs: 20_000 })).text ?? '';
}

/** Someone opens the invitation link a staff member's screen shows, and registers (in English). */
export async function acceptInvite(world: World, name: string, text: string): Promise<EmulatedUser> {
  const link = /start=(inv-[\w-]+)/.exec(text)![1];
  const user = world.emu.user({ id: newUserId(), first_name: name, language_code: 'en' });
  await user.send(`/start ${link}`);
  await user.press(/Building 1$/);
  await user.press('Skip');
  await user.press('✅ I agree');
  return user;
}
