import { voiceLength } from '../../../delivery/media';
import { enqueue, enqueueEdit, PRIORITY } from '../../../delivery/outbox';
import { committeeGroup, teamGroup, type LinkedGroup } from '../../../domain/chat-links';
import { assignableMembers, voicesOf, type HelpRequest, type Task } from '../../../domain/help';
import { leadsOf } from '../../../domain/volunteers';
import type { VoiceNote } from '../../../domain/voice';
import type { Locale, Params } from '../../../i18n';
import type { Executor } from '../../../store/db';
import { assignKeyboard, claimKeyboard, detailsText, taskCardRef, taskCardText, taskOfferRef } from '../views/tasks';
import type { HelpText } from '../views/text';
import { bindParts } from './bind';
import type { Notices } from './notices';

/** A task's card in its group: posted, edited as the task moves on, and the claimer's private details. */

export type Cards = ReturnType<typeof taskCards>;

/**
 * The requester's voice notes (the details told aloud, then later notes) as voice messages that
 * follow the details wherever the details are shown: staff's approval card, the claimer's chat.
 */
export async function voiceMessages(
  h: HelpText,
  db: Executor,
  request: HelpRequest,
  locale: Locale,
): Promise<{ text: string; voice: VoiceNote }[]> {
  return (await voicesOf(db, request)).map((voice) => ({
    text: h.t(locale, 'voice_caption', { id: request.id, length: voiceLength(voice.seconds) }),
    voice,
  }));
}

/** What the card functions use. */
interface CardParts {
  h: HelpText;
  notices: Notices;
}

export function taskCards(h: HelpText, notices: Notices) {
  return bindParts({ h, notices } as CardParts, { cardChat, cardLocale, postCard, editCard, postOrTellStaff, volunteerLabel, details });
}

/** The group a task's (or shift's) card goes to, and its language: its team's group, else the committee's group. */
async function cardChat({ h }: CardParts, tx: Executor, communityId: string, teamId: string): Promise<LinkedGroup | undefined> {
  return (await teamGroup(tx, communityId, teamId, h.defaultLocale)) ?? (await committeeGroup(tx, communityId, h.defaultLocale));
}

/** The language the task's card is written in (its group's). */
async function cardLocale(p: CardParts, tx: Executor, task: Task): Promise<Locale> {
  return (await cardChat(p, tx, task.community_id, task.team_id))?.locale ?? p.h.defaultLocale;
}

/**
 * A mediation or legal question never goes on a public card: the team's leads get it privately
 * with a button per member to assign it; without a lead, each of the team's volunteers gets it
 * privately with Claim (the first press wins, as in the group). False when the team has nobody.
 */
async function offerPrivately(
  { h, notices }: CardParts,
  tx: Executor,
  now: number,
  task: Task,
  request: HelpRequest,
  statusKey?: string,
): Promise<boolean> {
  const leads = await leadsOf(tx, task.community_id, task.team_id);
  const members = await assignableMembers(tx, task.community_id, task.team_id);
  const to = leads.length > 0 ? leads : members.map((m) => m.id);
  for (const userId of to) {
    const locale = await notices.localeOf(userId, tx);
    const ask = h.t(locale, leads.length > 0 ? 'assign_ask' : 'private_claim_ask');
    const status = statusKey && h.t(locale, statusKey);
    await enqueue(tx, now, {
      chatId: userId,
      text: taskCardText(h, task, request, locale, [status, ask].filter(Boolean).join('\n')),
      keyboard: leads.length > 0 ? assignKeyboard(h, task, members, locale) : claimKeyboard(h, task, locale),
      priority: PRIORITY.personal,
      ref: taskOfferRef(task.id),
    });
  }
  return to.length > 0;
}

/** Posts the task's card (with a status line, e.g. help.card_reposted, in the readers' language). */
async function postCard(p: CardParts, tx: Executor, now: number, task: Task, request: HelpRequest, statusKey?: string): Promise<boolean> {
  const { h } = p;
  if (h.assignedPrivately(request.type)) return offerPrivately(p, tx, now, task, request, statusKey);
  const group = await cardChat(p, tx, task.community_id, task.team_id);
  if (group === undefined) return false;
  const { chatId, locale } = group;
  await enqueue(tx, now, {
    chatId,
    text: taskCardText(h, task, request, locale, statusKey && h.t(locale, statusKey)),
    keyboard: claimKeyboard(h, task, locale),
    priority: PRIORITY.group,
    ref: taskCardRef(task.id),
  });
  return true;
}

/** Edits a card already delivered (through the outbox, as it is not a reply to the person acting). */
async function editCard(p: CardParts, tx: Executor, now: number, task: Task, request: HelpRequest, statusKey: string, params: Params = {}) {
  const { h } = p;
  const G = await cardLocale(p, tx, task);
  return enqueueEdit(tx, now, { ref: taskCardRef(task.id), text: taskCardText(h, task, request, G, h.t(G, statusKey, params)) });
}

/** The task's card to its group; with no group linked at all, staff hear that they must arrange it. */
async function postOrTellStaff(p: CardParts, tx: Executor, now: number, task: Task, request: HelpRequest) {
  const { h } = p;
  if (await postCard(p, tx, now, task, request)) return;
  const key = h.assignedPrivately(request.type) ? 'no_assignee' : 'no_group';
  await p.notices.notifyStaff(tx, now, request.community_id, key, (l) => ({
    id: request.id,
    type: h.typeOf(request, l),
    team: h.teamOf(request, l),
  }));
}

/** The name the group may see for a volunteer: their first name if they agreed, else "a volunteer". */
async function volunteerLabel({ h }: CardParts, tx: Executor, userId: number, task: Task, locale: Locale) {
  const m = await tx
    .selectFrom('team_members')
    .select('agreed_to_be_named')
    .where('user_id', '=', userId)
    .where('community_id', '=', task.community_id)
    .where('team_id', '=', task.team_id)
    .executeTakeFirst();
  const u = await tx.selectFrom('users').select('first_name').where('id', '=', userId).executeTakeFirst();
  return m?.agreed_to_be_named && u ? u.first_name : h.t(locale, 'a_volunteer');
}

/** The claimer's private details: everything about the person and the place. */
async function details({ h }: CardParts, tx: Executor, task: Task, request: HelpRequest, locale: Locale) {
  const requester =
    request.requester_id !== null
      ? await tx.selectFrom('users').select(['first_name', 'phone']).where('id', '=', request.requester_id).executeTakeFirst()
      : undefined;
  return detailsText(h, task, request, requester, locale);
}
