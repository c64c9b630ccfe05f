import { expect } from 'vitest';
import type { BotMessageView, EmulatedGroup, EmulatedUser, PressResult } from '../src/sandbox/emulator';
import type { World } from './helpers/world';

/** Shared steps of the help-feature stories: a linked committee, team groups and volunteers. */

export interface Neighbourhood {
  staff: EmulatedUser;
  committee: EmulatedGroup;
  teams: Record<string, EmulatedGroup>;
}

/** Staff, the committee's group and the given teams' groups, linked through /link. */
export async function neighbourhood(world: World, teamIds: string[]): Promise<Neighbourhood> {
  const staff = await world.staff('Wang');
  const committee = world.emu.group({ title: '梅园居委会', members: [staff] });
  await staff.send('/link committee', { in: committee });
  const teams: Record<string, EmulatedGroup> = {};
  for (const id of teamIds) {
    teams[id] = world.emu.group({ title: `team ${id}`, members: [staff] });
    await staff.send(`/link team ${id}`, { in: teams[id] });
  }
  return { staff, committee, teams };
}

/**
 * A resident signs up through /volunteer for one team (English labels) and whoever decides
 * (the team's lead in private, or staff in the committee group) approves.
 */
export async function volunteer(
  world: World,
  name: string,
  teamLabel: string,
  approver: { user: EmulatedUser; in?: EmulatedGroup },
  opts: { named?: boolean } = {},
): Promise<EmulatedUser> {
  const v = await world.resident(name, { locale: 'en' });
  await v.send('/volunteer');
  await v.press(teamLabel);
  await v.press('➡️ Done choosing');
  await v.send('repairs');
  await v.press('Skip');
  await v.send('13900000000');
  await v.press(opts.named === false ? /No, show/ : 'Yes');
  expect(v.last()!.text).toContain('has been sent');
  await world.flush();
  const chat = approver.in ?? approver.user;
  const ask = (approver.in ? approver.in.messages() : approver.user.inbox())
    .filter((m) => m.text?.includes(name) && m.buttons().some((b) => /Approve|同意/.test(b)))
    .at(-1)!;
  expect(ask).toBeDefined();
  await approver.user.press(/Approve|同意/, { in: approver.in, messageId: ask.message_id });
  void chat;
  await world.flush();
  return v;
}

/**
 * The card on which staff approve or decline help request `requestId`: in the committee group
 * when `where` is given, else in the staff member's private chat (no committee group linked).
 * Delivers the outbox first, as the card comes through it.
 */
export async function approvalCard(
  world: Pick<World, 'flush'>,
  staff: EmulatedUser,
  requestId: number,
  where?: EmulatedGroup,
): Promise<BotMessageView> {
  await world.flush();
  const number = new RegExp(`#${requestId}(?!\\d)`);
  const messages = where ? where.messages() : staff.inbox();
  const card = messages.filter((m) => number.test(m.text ?? '') && m.buttons().some((b) => /^✅/.test(b))).at(-1);
  if (!card) throw new Error(`no approval card for request #${requestId} in ${where ? 'the group' : `${staff.name}'s chat`}`);
  return card;
}

/**
 * Staff approve a help request waiting for approval (Approve on its card), then the outbox is
 * delivered, so the team group's card with Claim is there. Resolves with the press (its answer
 * says it was approved, or who handled it first). For concurrent presses use approvalCard and
 * press `✅` on it from several staff at once.
 */
export async function approveRequest(
  world: Pick<World, 'flush'>,
  staff: EmulatedUser,
  requestId: number,
  where?: EmulatedGroup,
): Promise<PressResult> {
  const card = await approvalCard(world, staff, requestId, where);
  const press = await staff.press(/^✅/, { in: where, messageId: card.message_id });
  await world.flush();
  return press;
}

/** Every message the bot ever sent to any group (each version, edits included). */
export function groupTexts(world: World): string[] {
  return world.emu
    .allBotMessages()
    .filter((m) => m.chat_id < 0)
    .map((m) => `${m.text ?? ''}\n${m.caption ?? ''}\n${m.raw ?? ''}`);
}

/** Fails if any group message holds one of a requester's private details. */
export function expectNothingPrivateInGroups(world: World, secrets: string[]): void {
  const texts = groupTexts(world);
  expect(texts.length).toBeGreaterThan(0);
  for (const secret of secrets) {
    const leaks = texts.filter((t) => t.includes(secret));
    expect(leaks, `"${secret}" appeared in a group chat`).toEqual([]);
  }
}
