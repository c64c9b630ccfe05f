import { localName } from '../../community/config';
import type { CoreDeps } from '../../deps';
import { deliveredMessage, enqueue, PRIORITY, type InlineKeyboard } from '../../delivery/outbox';
import { committeeChat, teamChat } from '../../domain/chat-links';
import { allowedActions, type HelpRequest, type Task } from '../../domain/help';
import { formatWindow } from '../../domain/help-time';
import { escapeHtml, isLocale, type Locale, type Params } from '../../i18n';
import type { Executor } from '../../store/db';
import { callbackCodec } from '../callback';

/**
 * What the help feature's handlers, jobs and flows share: button codecs, the texts of cards and
 * private details, and the outbox notices. Group texts never carry the requester's name,
 * phone, unit or address; those go only to the claimer's private chat.
 */

// Prefixes start with "p" (pitch in): the hazards feature uses "h…".
export const claimButton = callbackCodec('pc', { task: 'str' });
/** Claimer's buttons in private: s start, d done, r release, u can't reach them, k check-in "still on it". */
export const taskButton = callbackCodec('pt', { task: 'str', act: 'str' });
export const rateButton = callbackCodec('pr', { task: 'str', score: 'str' });
export const memberButton = callbackCodec('pv', { member: 'str', yes: 'str' });
export const hoursButton = callbackCodec('ph', { hours: 'str', yes: 'str' });
/** Staff on an escalated task: p post again, c cancel. */
export const staffTaskButton = callbackCodec('px', { task: 'str', act: 'str' });
/** /myrequests: c cancel, n add a note. */
export const myRequestButton = callbackCodec('pm', { request: 'str', act: 'str' });
/** Staff on a request waiting for approval: y approve, n decline (shows reasons), i details privately, b back. */
export const approvalButton = callbackCodec('pa', { request: 'str', act: 'str' });
/** A decline reason: a preset code, or w to write one. */
export const declineButton = callbackCodec('pd', { request: 'str', reason: 'str' });
export const joinShiftButton = callbackCodec('pj', { shift: 'str' });
export const leaveShiftButton = callbackCodec('pl', { shift: 'str' });

const ACTION_CODES = { start: 's', done: 'd', release: 'r' } as const;

export type HelpKit = ReturnType<typeof helpKit>;

export function helpKit(deps: CoreDeps) {
  const { i18n, communities, config } = deps;
  const tz = config.timezone;
  const groupLocale = config.defaultLocale;
  const t = (locale: Locale, key: string, params?: Params) => i18n.t(locale, `help.${key}`, params);

  const localeOf = async (tx: Executor, userId: number): Promise<Locale> => {
    const u = await tx.selectFrom('users').select('locale').where('id', '=', userId).executeTakeFirst();
    return isLocale(u?.locale) ? u.locale : config.defaultLocale;
  };
  const typeName = (type: string, locale: Locale) => {
    const h = communities.helpType(type);
    return h ? localName(h.name, locale) : type;
  };
  const buildingName = (communityId: string, buildingId: string, locale: Locale) => {
    const b = communities.building(communityId, buildingId);
    return b ? localName(b.name, locale) : buildingId;
  };
  const teamName = (communityId: string, teamId: string, locale: Locale) => {
    const team = communities.team(communityId, teamId);
    return team ? localName(team.name, locale) : teamId;
  };
  const when = (start: number | null, end: number | null, locale: Locale) => formatWindow(start, end, locale, tz) ?? t(locale, 'asap');
  const cardRef = (taskId: number) => `task:${taskId}:card`;

  /** The public card: type, building, time window, urgency. Nothing that identifies the person. */
  const cardText = (task: Task, request: HelpRequest, locale: Locale, status?: string) =>
    [
      t(locale, 'card_title', { id: task.id, type: escapeHtml(typeName(request.type, locale)) }),
      t(locale, 'card_building', { building: escapeHtml(buildingName(request.community_id, request.building_id, locale)) }),
      t(locale, 'card_when', { when: escapeHtml(when(task.window_start, task.window_end, locale)) }),
      t(locale, request.urgent ? 'card_urgent' : 'card_normal'),
      ...(status ? ['', status] : []),
    ].join('\n');

  const claimKeyboard = (task: Task, locale: Locale): InlineKeyboard => [
    [{ text: t(locale, 'claim_button'), callback_data: claimButton.pack({ task: task.id }) }],
  ];

  /** The chat a task's card goes to: its team's group, else the committee's group. */
  const cardChat = async (tx: Executor, communityId: string, teamId: string) =>
    (await teamChat(tx, communityId, teamId)) ?? (await committeeChat(tx, communityId));

  const postCard = async (tx: Executor, now: number, task: Task, request: HelpRequest, status?: string): Promise<boolean> => {
    const chatId = await cardChat(tx, task.community_id, task.team_id);
    if (chatId === undefined) return false;
    await enqueue(tx, now, {
      chatId,
      text: cardText(task, request, groupLocale, status),
      keyboard: claimKeyboard(task, groupLocale),
      priority: PRIORITY.group,
      ref: cardRef(task.id),
    });
    return true;
  };

  /** Edits a card already delivered (through the outbox, as it is not a reply to the person acting). */
  const editCard = async (tx: Executor, now: number, task: Task, request: HelpRequest, statusKey: string, params: Params = {}) => {
    const sent = await deliveredMessage(tx, cardRef(task.id));
    if (!sent) return;
    const payload = {
      message_id: sent.messageId,
      text: cardText(task, request, groupLocale, t(groupLocale, statusKey, params)),
      parse_mode: 'HTML',
    };
    await tx
      .insertInto('outbox')
      .values({
        chat_id: sent.chatId,
        method: 'editMessageText',
        payload: JSON.stringify(payload),
        priority: PRIORITY.group,
        not_before: now,
        broadcast_id: null,
        ref: null,
        message_id: null,
        error: null,
        created_at: now,
        sent_at: null,
      })
      .execute();
  };

  /** The name the group may see for a volunteer: their first name if they agreed, else "a volunteer". */
  const volunteerLabel = async (tx: Executor, userId: number, communityId: string, teamId: string, locale: Locale) => {
    const m = await tx
      .selectFrom('team_members')
      .select('agreed_to_be_named')
      .where('user_id', '=', userId)
      .where('community_id', '=', communityId)
      .where('team_id', '=', teamId)
      .executeTakeFirst();
    const u = await tx.selectFrom('users').select('first_name').where('id', '=', userId).executeTakeFirst();
    return m?.agreed_to_be_named && u ? u.first_name : t(locale, 'a_volunteer');
  };

  /** What the claimer needs, privately: everything about the person and the place. */
  const detailsText = async (tx: Executor, task: Task, request: HelpRequest, locale: Locale) => {
    const requester =
      request.requester_id !== null
        ? await tx.selectFrom('users').select(['first_name', 'phone']).where('id', '=', request.requester_id).executeTakeFirst()
        : undefined;
    const name = request.on_behalf_name ?? requester?.first_name ?? '—';
    const phone = request.on_behalf_phone ?? request.phone ?? '—';
    const place = [buildingName(request.community_id, request.building_id, locale), request.unit, request.address]
      .filter(Boolean)
      .join(' · ');
    return [
      t(locale, 'details_title', { id: task.id, type: escapeHtml(typeName(request.type, locale)) }),
      t(locale, 'details_what', { details: escapeHtml(request.details) }),
      ...(request.notes ? [t(locale, 'details_notes', { notes: escapeHtml(request.notes) })] : []),
      t(locale, 'card_when', { when: escapeHtml(when(task.window_start, task.window_end, locale)) }),
      t(locale, 'details_where', { place: escapeHtml(place) }),
      t(locale, 'details_contact', { name: escapeHtml(name), phone: escapeHtml(phone) }),
    ].join('\n');
  };

  /** The claimer's buttons for the task's current status, read from the state machine. */
  const claimerKeyboard = (task: Task, locale: Locale): InlineKeyboard => {
    const actions = allowedActions(task.status, 'claimer').filter((a): a is keyof typeof ACTION_CODES => a in ACTION_CODES);
    const buttons = actions.map((a) => ({
      text: t(locale, `button_${a}`),
      callback_data: taskButton.pack({ task: task.id, act: ACTION_CODES[a] }),
    }));
    const rows: InlineKeyboard = [buttons];
    if (task.status === 'claimed' || task.status === 'started')
      rows.push([{ text: t(locale, 'button_unreachable'), callback_data: taskButton.pack({ task: task.id, act: 'u' }) }]);
    return rows;
  };

  /** A private notice to one person, in their own language. */
  const notifyUser = async (
    tx: Executor,
    now: number,
    userId: number,
    key: string,
    params: Params = {},
    keyboard?: (locale: Locale) => InlineKeyboard,
  ) => {
    const locale = await localeOf(tx, userId);
    await enqueue(tx, now, { chatId: userId, text: t(locale, key, params), keyboard: keyboard?.(locale), priority: PRIORITY.personal });
  };

  /** Params rendered per locale (names of types and teams differ by language). */
  const notifyUserL = async (
    tx: Executor,
    now: number,
    userId: number,
    key: string,
    params: (locale: Locale) => Params,
    keyboard?: (locale: Locale) => InlineKeyboard,
    photo?: string,
  ) => {
    const locale = await localeOf(tx, userId);
    await enqueue(tx, now, {
      chatId: userId,
      text: t(locale, key, params(locale)),
      keyboard: keyboard?.(locale),
      photo,
      priority: PRIORITY.personal,
    });
  };

  const notifyStaff = async (tx: Executor, now: number, communityId: string, key: string, params: (locale: Locale) => Params) => {
    const staff = await deps.users.staffOf(communityId, tx);
    for (const s of staff) await notifyUserL(tx, now, s.id, key, params);
  };

  /**
   * What needs staff's attention (a sign-up without a lead, an escalation, a request to approve):
   * the committee group when one is linked, else every staff member privately, each in their
   * language. `render` is told which, as a private copy may show more than the group may see.
   */
  const toStaff = async (
    tx: Executor,
    now: number,
    communityId: string,
    render: (
      locale: Locale,
      inGroup: boolean,
    ) => { text: string; keyboard?: InlineKeyboard } | Promise<{ text: string; keyboard?: InlineKeyboard }>,
    ref?: string,
  ): Promise<void> => {
    const chatId = await committeeChat(tx, communityId);
    if (chatId !== undefined) {
      await enqueue(tx, now, { chatId, ...(await render(groupLocale, true)), priority: PRIORITY.group, ref });
      return;
    }
    for (const s of await deps.users.staffOf(communityId, tx)) {
      await enqueue(tx, now, {
        chatId: s.id,
        ...(await render(isLocale(s.locale) ? s.locale : config.defaultLocale, false)),
        priority: PRIORITY.personal,
        ref,
      });
    }
  };

  /** The task's card to its group; with no group linked at all, staff hear that they must arrange it. */
  const postOrTellStaff = async (tx: Executor, now: number, task: Task, request: HelpRequest) => {
    if (!(await postCard(tx, now, task, request)))
      await notifyStaff(tx, now, request.community_id, 'no_group', (l) => ({
        id: request.id,
        type: escapeHtml(typeName(request.type, l)),
      }));
  };

  return {
    t,
    tz,
    groupLocale,
    localeOf,
    typeName,
    buildingName,
    teamName,
    when,
    cardText,
    claimKeyboard,
    postCard,
    editCard,
    volunteerLabel,
    detailsText,
    claimerKeyboard,
    notifyUser,
    notifyUserL,
    notifyStaff,
    toStaff,
    postOrTellStaff,
    cardChat,
  };
}
