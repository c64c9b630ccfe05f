import { callbackCodec } from '../src/bot/callback';
import { localName } from '../src/community/config';
import type { CoreDeps } from '../src/deps';
import { committeeChat } from '../src/domain/chat-links';
import {
  addFixPhoto,
  followersOf,
  isOverdue,
  photosOf,
  publicId,
  supportCount,
  transition,
  type Actor,
  type Report,
  type TransitionDetails,
  type TransitionResult,
} from '../src/domain/hazards';
import { movesFrom, type Action } from '../src/domain/hazard-status';
import { enqueue, PRIORITY, type InlineKeyboard } from '../src/delivery/outbox';
import { escapeHtml, isLocale, type Locale, type Translate } from '../src/i18n';
import type { Executor } from '../src/store/db';

/**
 * How a hazard report looks and who hears about it: the committee group's card with the staff
 * buttons, the notices to the reporter and followers, and the button codecs. Used by the
 * report flows and by src/bot/features/hazards.ts.
 */

/** A staff move pressed on a card or a page (some open a sub-menu or a private flow). */
export const staffButton = callbackCodec('hs', { action: 'str', id: 'str' });
/** Assign to a team (t) or a staff member (s). */
export const assignButton = callbackCodec('ha', { id: 'str', kind: 'str', target: 'str' });
/** Reject with a reason; dup is the report it duplicates (0 otherwise). */
export const rejectButton = callbackCodec('hr', { id: 'str', reason: 'str', dup: 'str' });
/** Back from a sub-menu to the card's buttons. */
export const cardBackButton = callbackCodec('hb', { id: 'str' });
/** A resident's own report: open (o), withdraw (w), add a note or photo (n). */
export const mineButton = callbackCodec('hm', { op: 'str', id: 'str' });
/** "Is it fixed?" yes / partly / no. */
export const fixedButton = callbackCodec('hf', { id: 'str', answer: 'str' });
/** The 1–5 satisfaction rating. */
export const ratingButton = callbackCodec('hq', { id: 'str', stars: 'str' });
/** The staff queue: filters and page. */
export const queueButton = callbackCodec('hl', { status: 'str', cat: 'str', com: 'str', overdue: 'str', page: 'str' });
/** Open one report of the queue as a card in the private chat. */
export const openCardButton = callbackCodec('ho', { id: 'str' });

export const REJECT_REASONS = ['duplicate', 'not_ours', 'not_hazard'] as const;
export const HAND_UP_TARGETS = ['street', 'city'] as const;

export const cardRef = (id: number) => `report:${id}:card`;

const STATUS_ICON: Record<string, string> = {
  new: '🆕',
  acknowledged: '👀',
  assigned: '👷',
  in_progress: '🔧',
  handed_up: '⬆️',
  reopened: '🔁',
  fixed: '✅',
  closed: '☑️',
  rejected: '🚫',
  withdrawn: '↩️',
};

type Deps = Pick<CoreDeps, 'communities' | 'i18n' | 'config' | 'clock'>;

export function categoryName(deps: Deps, category: string, locale: Locale): string {
  const c = deps.communities.hazardCategory(category);
  return c ? localName(c.name, locale) : category;
}

export function placeText(
  deps: Deps,
  r: Pick<Report, 'community_id' | 'building_id' | 'spot' | 'latitude' | 'longitude'>,
  t: Translate,
  locale: Locale,
): string {
  const parts: string[] = [];
  const building = r.building_id ? deps.communities.building(r.community_id, r.building_id) : undefined;
  if (building) parts.push(escapeHtml(localName(building.name, locale)));
  if (r.spot) parts.push(escapeHtml(r.spot));
  if (r.latitude !== null && r.longitude !== null) {
    parts.push(t('hazards.at_location', { lat: r.latitude.toFixed(5), lon: r.longitude.toFixed(5) }));
  }
  return parts.join(' · ') || '—';
}

/** One line per report, for lists. */
export function reportLine(deps: Deps, r: Report, t: Translate, locale: Locale): string {
  return `${STATUS_ICON[r.status] ?? ''} <b>${publicId(r.id)}</b> · ${escapeHtml(categoryName(deps, r.category, locale))} · ${t(`hazards.status_${r.status}`)}`;
}

export function buttonLine(deps: Deps, r: Report, t: Translate, locale: Locale): string {
  return `${STATUS_ICON[r.status] ?? ''} ${publicId(r.id)} · ${categoryName(deps, r.category, locale)} · ${t(`hazards.status_${r.status}`)}`;
}

/**
 * The card staff see (group and private): no reporter name, phone or unit, only the place.
 * Short enough to be a photo caption.
 */
export async function cardText(deps: Deps, db: Executor, r: Report, locale: Locale): Promise<string> {
  const t = deps.i18n.translator(locale);
  const lines = [
    `${STATUS_ICON[r.status] ?? ''} <b>${publicId(r.id)}</b> · ${escapeHtml(categoryName(deps, r.category, locale))}${r.emergency ? ` 🚨 ${t('hazards.emergency')}` : ''}`,
    `${t('hazards.field_status')}: ${t(`hazards.status_${r.status}`)}`,
    `📍 ${placeText(deps, r, t, locale)}`,
    `📝 ${escapeHtml(clip(r.description, 400))}`,
  ];
  const supporters = await supportCount(db, r.id);
  if (supporters > 0) lines.push(t('hazards.card_support', { n: supporters }));
  if (r.team_id) {
    const team = deps.communities.team(r.community_id, r.team_id);
    lines.push(t('hazards.card_team', { team: escapeHtml(team ? localName(team.name, locale) : r.team_id) }));
  }
  if (r.owner_id) {
    const owner = await db.selectFrom('users').select('first_name').where('id', '=', r.owner_id).executeTakeFirst();
    if (owner) lines.push(t('hazards.card_owner', { name: escapeHtml(owner.first_name) }));
  }
  if (r.status === 'handed_up' && r.handed_to)
    lines.push(t('hazards.card_handed', { to: t(`hazards.handed_${r.handed_to}`), ref: escapeHtml(r.handed_ref ?? '') }));
  if (r.status === 'rejected' && r.reject_reason) lines.push(t('hazards.card_rejected', { reason: rejectText(t, r) }));
  if (r.fix_note && (r.status === 'fixed' || r.status === 'closed'))
    lines.push(t('hazards.card_fix_note', { note: escapeHtml(clip(r.fix_note, 200)) }));
  if (r.fix_answer) lines.push(t(`hazards.card_answer_${r.fix_answer}`) + (r.rating ? ` · ${'★'.repeat(r.rating)}` : ''));
  const category = deps.communities.hazardCategory(r.category);
  const overdue = isOverdue(r, category, deps.clock.now());
  if (overdue) lines.push(t(`hazards.card_overdue_${overdue}`));
  lines.push(t('hazards.card_created', { at: formatTime(r.created_at, deps.config.timezone) }));
  return lines.join('\n');
}

export function rejectText(t: Translate, r: Pick<Report, 'reject_reason' | 'duplicate_of'>): string {
  if (r.reject_reason === 'duplicate' && r.duplicate_of) return t('hazards.reason_duplicate_of', { id: publicId(r.duplicate_of) });
  return t(`hazards.reason_${r.reject_reason ?? 'not_hazard'}`);
}

/** The staff buttons for the report's current status, straight from the state machine. */
export function staffKeyboard(r: Pick<Report, 'id' | 'status'>, t: Translate): InlineKeyboard {
  const buttons = movesFrom(r.status, 'staff').map((action) => ({
    text: t(`hazards.act_${action}`),
    callback_data: staffButton.pack({ action, id: r.id }),
  }));
  const rows: InlineKeyboard = [];
  for (let i = 0; i < buttons.length; i += 3) rows.push(buttons.slice(i, i + 3));
  return rows;
}

export function clip(text: string, max: number): string {
  return [...text].length > max ? [...text].slice(0, max - 1).join('') + '…' : text;
}

export function formatTime(ms: number, timeZone: string): string {
  return new Intl.DateTimeFormat('sv-SE', {
    timeZone,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
  }).format(ms);
}

/** Posts a new report's card to the committee group (with its first photo, if any). */
export async function enqueueCard(deps: Deps & Pick<CoreDeps, 'db'>, tx: Executor, now: number, r: Report): Promise<boolean> {
  const chatId = await committeeChat(tx, r.community_id);
  if (!chatId) return false;
  const locale = deps.config.defaultLocale;
  const photo = (await photosOf(tx, r.id))[0]?.file_id;
  await enqueue(tx, now, {
    chatId,
    text: await cardText(deps, tx, r, locale),
    keyboard: staffKeyboard(r, deps.i18n.translator(locale)),
    photo,
    priority: PRIORITY.group,
    ref: cardRef(r.id),
  });
  return true;
}

/**
 * Brings the group card up to date after a change made elsewhere (a private chat, a job).
 * An edit goes through the outbox like any other message that is not a direct reply.
 */
export async function enqueueCardEdit(deps: Deps, tx: Executor, now: number, r: Report): Promise<void> {
  const sent = await tx
    .selectFrom('outbox')
    .select(['chat_id', 'message_id', 'method'])
    .where('ref', '=', cardRef(r.id))
    .where('status', '=', 'sent')
    .orderBy('id', 'desc')
    .executeTakeFirst();
  if (!sent?.message_id) return;
  const locale = deps.config.defaultLocale;
  const text = await cardText(deps, tx, r, locale);
  const markup = { reply_markup: { inline_keyboard: staffKeyboard(r, deps.i18n.translator(locale)) } };
  const [method, payload] =
    sent.method === 'sendPhoto'
      ? ['editMessageCaption', { message_id: sent.message_id, caption: text, parse_mode: 'HTML', ...markup }]
      : [
          'editMessageText',
          { message_id: sent.message_id, text, parse_mode: 'HTML', link_preview_options: { is_disabled: true }, ...markup },
        ];
  await tx
    .insertInto('outbox')
    .values({
      chat_id: sent.chat_id,
      method,
      payload: JSON.stringify(payload),
      priority: PRIORITY.group,
      not_before: now,
      broadcast_id: null,
      ref: `${cardRef(r.id)}:edit`,
      message_id: null,
      error: null,
      created_at: now,
      sent_at: null,
    })
    .execute();
}

/**
 * Tells the reporter and followers (except whoever made the change) about a status change,
 * each in their own language. The reporter of a fixed report is also asked "Is it fixed?".
 */
export async function notifyFollowers(
  deps: Deps,
  tx: Executor,
  now: number,
  r: Report,
  action: Action | 'overdue',
  actorId: number | null,
): Promise<void> {
  const followers = await followersOf(tx, r.id);
  const fixPhoto = r.status === 'fixed' ? (await photosOf(tx, r.id, 'fix')).at(-1)?.file_id : undefined;
  for (const f of followers) {
    if (f.id === actorId) continue;
    const locale: Locale = isLocale(f.locale) ? f.locale : deps.config.defaultLocale;
    const t = deps.i18n.translator(locale);
    const text = noticeText(deps, r, action, t, locale);
    if (!text) continue;
    const asks = r.status === 'fixed' && f.kind === 'reporter';
    const keyboard = asks ? fixedKeyboard(r.id, t) : undefined;
    await enqueue(tx, now, {
      chatId: f.id,
      text: asks ? `${text}\n\n${t('hazards.ask_fixed')}` : text,
      keyboard,
      photo: fixPhoto,
      priority: PRIORITY.personal,
      ref: `report:${r.id}:${r.status}`,
    });
  }
}

export function fixedKeyboard(id: number, t: Translate): InlineKeyboard {
  return [
    (['yes', 'partly', 'no'] as const).map((answer) => ({
      text: t(`hazards.fixed_${answer}`),
      callback_data: fixedButton.pack({ id, answer }),
    })),
  ];
}

export function noticeText(deps: Deps, r: Report, action: Action | 'overdue', t: Translate, locale: Locale): string | undefined {
  const params = {
    id: publicId(r.id),
    category: escapeHtml(categoryName(deps, r.category, locale)),
    note: escapeHtml(clip(r.fix_note ?? '', 300)),
    reason: rejectText(t, r),
    to: r.handed_to ? t(`hazards.handed_${r.handed_to}`) : '',
    ref: escapeHtml(r.handed_ref ?? ''),
    days: deps.communities.settings.fixConfirmDays,
    team: r.team_id
      ? escapeHtml(
          localName(
            deps.communities.team(r.community_id, r.team_id)?.name ?? { 'zh-CN': r.team_id, 'zh-TW': r.team_id, en: r.team_id },
            locale,
          ),
        )
      : '',
  };
  if (action === 'overdue') return undefined;
  if (action === 'auto_close') return t('hazards.notice_auto_closed', params);
  if (action === 'assign') return t(r.team_id ? 'hazards.notice_assigned_team' : 'hazards.notice_assigned', params);
  return t(`hazards.notice_${r.status}`, params);
}

/**
 * Applies one move of the state machine and, in the same transaction, tells everyone who
 * should hear: followers, the owner when the reporter reopens it, and the group card (unless
 * the caller edits the card in place because the press was on it).
 */
export async function moveReport(
  deps: Deps & Pick<CoreDeps, 'db' | 'sender'>,
  reportId: number,
  action: Action,
  actor: Actor,
  details: TransitionDetails & { fixPhoto?: string } = {},
  opts: { cardEditedInPlace?: boolean } = {},
): Promise<TransitionResult> {
  const now = deps.clock.now();
  const result = await deps.db.transaction().execute(async (tx) => {
    const moved = await transition(tx, now, reportId, action, actor, details);
    if (!moved.ok) return moved;
    if (details.fixPhoto && actor.id) await addFixPhoto(tx, now, reportId, actor.id, details.fixPhoto);
    await notifyFollowers(deps, tx, now, moved.report, action, actor.id);
    if (action === 'reopen') await tellOwnerReopened(deps, tx, now, moved.report);
    if (!opts.cardEditedInPlace) await enqueueCardEdit(deps, tx, now, moved.report);
    return moved;
  });
  if (result.ok) deps.sender.poke();
  return result;
}

async function tellOwnerReopened(deps: Deps, tx: Executor, now: number, r: Report): Promise<void> {
  const owner = r.owner_id
    ? await tx.selectFrom('users').select(['id', 'locale']).where('id', '=', r.owner_id).executeTakeFirst()
    : undefined;
  const chatId = owner?.id ?? (await committeeChat(tx, r.community_id));
  if (!chatId) return;
  const locale: Locale = owner && isLocale(owner.locale) ? owner.locale : deps.config.defaultLocale;
  const t = deps.i18n.translator(locale);
  const text = t('hazards.owner_reopened', { id: publicId(r.id), answer: t(`hazards.fixed_${r.fix_answer ?? 'no'}`) });
  await enqueue(tx, now, {
    chatId,
    text,
    keyboard: staffKeyboard(r, t),
    priority: owner ? PRIORITY.personal : PRIORITY.group,
    ref: `report:${r.id}:reopened`,
  });
}

/** Why a move was refused, in the presser's words. */
export function refusalText(t: Translate, result: Extract<TransitionResult, { ok: false }>): string {
  if (result.reason === 'wrong_status' && result.status)
    return t('hazards.refused_status', { status: t(`hazards.status_${result.status}`) });
  return t(`hazards.refused_${result.reason}`);
}
