import { MINUTE } from '../../clock';
import type { CoreDeps } from '../../deps';
import { committeeGroup } from '../../domain/chat-links';
import {
  addFixPhoto,
  addNote,
  addSupport,
  commentFix,
  createReport,
  reportOfUpdate,
  findReport,
  followersOf,
  isFollower,
  photosOf,
  publicId,
  rateFix,
  supportCount,
  takePage,
  transition,
  type Actor,
  type NewReport,
  type Report,
  type SupportResult,
  type TransitionDetails,
  type TransitionResult,
} from '../../domain/hazards';
import { voiceOf, type VoiceNote } from '../../domain/voice';
import { TRANSITIONS, type Action } from '../../domain/hazard-status';
import { voiceLength } from '../../delivery/media';
import { deliveredMessage, enqueue, enqueueAlbum, enqueueEdit, PRIORITY, queuedSince, sentUnder } from '../../delivery/outbox';
import { escapeHtml, type Locale, type Translate } from '../../i18n';
import type { Responder } from '../../domain/grid';
import { tellBuildingHead } from '../grid/services/heads';
import { findHandUp } from '../../domain/handups';
import { handedUp, settleHandUp, type HandUpDetails } from '../grid/services/handups';
import { firstResponderFor } from '../grid/services/responders';
import { pageRounds, pageTargets, recordRouting } from '../grid/services/paging';
import type { Executor } from '../../store/db';
import { cardText, categoryName, formatTime, moveKeyboard, staffKeyboard, type PlaceOptions, type ViewDeps } from './views/card';
import { fixedKeyboard, noticeText } from './views/resident';

/**
 * What happens when a hazard report changes: the domain change and, in the same transaction,
 * who hears about it through the outbox (followers, the owner, staff on an emergency page) and
 * the committee group's card brought up to date. Used by the feature's handlers, its flows and its jobs.
 */

export type HazardDeps = ViewDeps & Pick<CoreDeps, 'db' | 'users' | 'clock' | 'sender'>;

/** The committee group's card of a report is filed in the outbox under this ref. */
export const cardRef = (id: number) => `report:${id}:card`;

/** The card's text, with what it shows besides the report's own row. */
export async function renderCard(
  deps: HazardDeps,
  db: Executor,
  r: Report,
  locale: Locale,
  place: PlaceOptions = { mapLink: true },
): Promise<string> {
  const owner = r.owner_id ? await deps.users.find(r.owner_id, db) : undefined;
  // Handed up and not answered yet: when the outside body's answer is expected.
  const handUp = r.status === 'handed_up' ? await findHandUp(db, r.id) : undefined;
  const facts = {
    supporters: await supportCount(db, r.id),
    ownerName: owner?.first_name,
    now: deps.clock.now(),
    handUpDueAt: handUp && handUp.answered_at === null ? handUp.expected_at : undefined,
  };
  return cardText(deps, r, facts, locale, place);
}

/** Is this message the committee group's card of the report (so editing it in place is enough)? */
export async function isGroupCard(deps: HazardDeps, reportId: number, message: { chatId: number; messageId: number }): Promise<boolean> {
  const card = await deliveredMessage(deps.db, cardRef(reportId));
  return card?.chatId === message.chatId && card.messageId === message.messageId;
}

/**
 * Is this message one of the report's emergency pages or escalations (closePages edits those
 * through the outbox), or its first responder's copy (refreshCard edits that one)?
 */
export async function isPageMessage(deps: HazardDeps, reportId: number, message: { chatId: number; messageId: number }): Promise<boolean> {
  return sentUnder(deps.db, [...pageRefPrefixes(reportId), responderCardRef(reportId)], message);
}

/** A report's voice note and the rest of its photos go to the group under these refs, so `cardRef` names the card alone. */
export const voiceRef = (id: number) => `report:${id}:voice`;
const albumRef = (id: number) => `report:${id}:album`;

/**
 * Posts a new report's card to the committee group, then what it cannot carry. The shape: the
 * card first, as it always was (the first picture, the text as its caption, the staff buttons),
 * because it is what staff act on and what is edited in place as the report moves; a media group
 * cannot carry buttons, so the voice note (the description told aloud) and the other photos
 * follow it as messages of their own, each naming the report, in the order they were written.
 */
export async function postCard(deps: HazardDeps, tx: Executor, now: number, r: Report): Promise<boolean> {
  const committee = await committeeOf(deps, tx, r);
  if (!committee) return false;
  const { chatId, locale } = committee;
  const t = deps.i18n.translator(locale);
  const [first, ...rest] = (await photosOf(tx, r.id)).map((p) => p.file_id);
  const group = { chatId, priority: PRIORITY.group };
  await enqueue(tx, now, {
    ...group,
    text: await renderCard(deps, tx, r, locale),
    keyboard: staffKeyboard(r, t),
    photo: first,
    ref: cardRef(r.id),
  });
  const voice = voiceOf(r);
  if (voice) await enqueue(tx, now, { ...group, ...voiceMessage(t, r.id, voice, 'hazards.voice_caption'), ref: voiceRef(r.id) });
  const caption = t('hazards.album_more_caption', { id: publicId(r.id), n: rest.length });
  if (rest.length > 0) await enqueueAlbum(tx, now, { ...group, pictures: rest, caption, ref: albumRef(r.id) });
  return true;
}

/** The community's committee group, where the report's card lives, and the language it is written in. */
export const committeeOf = (deps: HazardDeps, tx: Executor, r: { community_id: string }) =>
  committeeGroup(tx, r.community_id, deps.config.defaultLocale);

/** A voice note as an outgoing message: the voice itself, its caption naming the report and the length. */
export function voiceMessage(t: Translate, reportId: number, voice: VoiceNote, key: string): { text: string; voice: VoiceNote } {
  return { text: t(key, { id: publicId(reportId), length: voiceLength(voice.seconds) }), voice };
}

/** The first responder's private copy of the card is filed under this ref (refreshCard keeps it up to date). */
export const responderCardRef = (id: number) => `report:${id}:responder`;

/**
 * A report's first responder gets its card privately, with the staff buttons, and the group's
 * fallback is set. Recorded in the history.
 */
async function sendToResponder(deps: HazardDeps, tx: Executor, now: number, r: Report, to: Responder): Promise<void> {
  const due = now + deps.communities.settings.gridAckMinutes * MINUTE;
  await tx.updateTable('reports').set({ responder_id: to.userId, group_due_at: due }).where('id', '=', r.id).execute();
  await recordRouting(tx, now, r.id, to.kind === 'unit' ? `unit:${to.unitId}` : `grid:${to.userId}`);
  const routed = { ...r, responder_id: to.userId, group_due_at: due };
  const locale = await deps.users.localeOf(to.userId, tx);
  const t = deps.i18n.translator(locale);
  await enqueue(tx, now, {
    chatId: to.userId,
    text: `${t(`grid.first_${to.kind}`, { id: publicId(r.id), minutes: deps.communities.settings.gridAckMinutes })}\n\n${await renderCard(deps, tx, routed, locale)}`,
    keyboard: staffKeyboard(routed, t),
    photo: (await photosOf(tx, r.id))[0]?.file_id,
    priority: PRIORITY.personal,
    ref: responderCardRef(r.id),
  });
}

/**
 * Brings the group card up to date after a change made elsewhere (a private chat, a job).
 * An edit goes through the outbox like any other message that is not a direct reply.
 */
export async function refreshCard(deps: HazardDeps, tx: Executor, now: number, r: Report): Promise<void> {
  const locale = (await committeeOf(deps, tx, r))?.locale ?? deps.config.defaultLocale;
  await enqueueEdit(tx, now, {
    ref: cardRef(r.id),
    text: await renderCard(deps, tx, r, locale),
    keyboard: staffKeyboard(r, deps.i18n.translator(locale)),
    priority: PRIORITY.group,
  });
  // The first responder's private copy follows too, in their language.
  if (r.responder_id) {
    const mine = await deps.users.localeOf(r.responder_id, tx);
    await enqueueEdit(tx, now, {
      ref: responderCardRef(r.id),
      text: await renderCard(deps, tx, r, mine),
      keyboard: staffKeyboard(r, deps.i18n.translator(mine)),
      priority: PRIORITY.personal,
    });
  }
}

/**
 * Each page and each escalation message is filed under a ref of its own (the staff member and
 * the round), so that once someone takes the emergency up every one of them can be edited.
 */
const pageRef = (id: number, staffId: number, round: number) => `report:${id}:page:${staffId}:${round}`;
const escalationRef = (id: number, round: number) => `report:${id}:escalation:${round}`;
/** What every page and escalation ref of a report starts with. */
const pageRefPrefixes = (id: number) => [`report:${id}:page:`, `report:${id}:escalation:`];

/**
 * Emergency: whoever the round's rung names hears at once, in their own language (round 0, then
 * each escalation's): on duty now, then every staff member of the community, then the admins,
 * `pageRepeats` rounds each (grid/services/paging.ts); each round is recorded on the report.
 */
export async function pageStaff(deps: HazardDeps, tx: Executor, now: number, r: Report, round = 0): Promise<void> {
  for (const s of await pageTargets(deps, tx, now, r, round)) {
    const locale = await deps.users.localeOf(s.id, tx);
    const t = deps.i18n.translator(locale);
    await enqueue(tx, now, {
      chatId: s.id,
      text: `${t('hazards.page', { id: publicId(r.id) })}\n\n${await renderCard(deps, tx, r, locale)}`,
      keyboard: moveKeyboard('acknowledge', r.id, t),
      priority: PRIORITY.personal,
      ref: pageRef(r.id, s.id, round),
    });
  }
}

/**
 * An emergency page nobody acknowledged: takes one escalation (once, however many schedulers run),
 * tells the committee group and pages staff again.
 */
export async function escalatePage(deps: HazardDeps, now: number, r: Report): Promise<void> {
  const every = deps.communities.settings.emergencyAckMinutes * MINUTE;
  // The last round of the rota's rungs sets no next one (grid/services/paging.ts).
  const round = r.page_count + 1;
  await deps.db.transaction().execute(async (tx) => {
    if (!(await takePage(tx, r, round + 1 < pageRounds(deps) ? now + every : null))) return;
    const committee = await committeeOf(deps, tx, r);
    const minutes = Math.round((now - r.created_at) / MINUTE);
    if (committee) {
      const { chatId, locale } = committee;
      const t = deps.i18n.translator(locale);
      await enqueue(tx, now, {
        chatId,
        text: `${t('hazards.page_escalated', { id: publicId(r.id), minutes })}\n\n${await renderCard(deps, tx, r, locale)}`,
        keyboard: moveKeyboard('acknowledge', r.id, t),
        priority: PRIORITY.personal,
        ref: escalationRef(r.id, r.page_count + 1),
      });
    }
    await pageStaff(deps, tx, now, r, r.page_count + 1);
  });
}

/**
 * Tells the reporter and followers (except whoever made the change) about a status change,
 * each in their own language. The reporter of a fixed report is also asked "Is it fixed?".
 */
export async function notifyFollowers(
  deps: HazardDeps,
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
    const locale = await deps.users.localeOf(f.id, tx);
    const t = deps.i18n.translator(locale);
    const text = noticeText(deps, r, action, t, locale);
    if (!text) continue;
    const asks = r.status === 'fixed' && f.kind === 'reporter';
    await enqueue(tx, now, {
      chatId: f.id,
      text: asks ? `${text}\n\n${t('hazards.ask_fixed')}` : text,
      keyboard: asks ? fixedKeyboard(r.id, t) : undefined,
      photo: fixPhoto,
      priority: PRIORITY.personal,
      ref: `report:${r.id}:${r.status}`,
    });
  }
}

/**
 * Applies one move of the state machine and, in the same transaction, tells everyone who
 * should hear: followers, the owner when the reporter reopens it, and the group card (unless
 * the caller edits the card in place because the press was on it).
 */
export async function moveReport(
  deps: HazardDeps,
  reportId: number,
  action: Action,
  actor: Actor,
  details: TransitionDetails & { fixPhoto?: string } & HandUpDetails = {},
  opts: { cardEditedInPlace?: boolean } = {},
): Promise<TransitionResult> {
  const now = deps.clock.now();
  const result = await deps.db.transaction().execute(async (tx) => {
    const moved = await transition(tx, now, reportId, action, actor, details);
    if (!moved.ok) return moved;
    if (details.fixPhoto && actor.id) await addFixPhoto(tx, now, reportId, actor.id, details.fixPhoto);
    await notifyFollowers(deps, tx, now, moved.report, action, actor.id);
    if (moved.report.emergency && moved.from === 'new' && TRANSITIONS[action].by === 'staff')
      await closePages(deps, tx, now, moved.report, actor.id);
    if (action === 'reopen') await tellOwnerReopened(deps, tx, now, moved.report);
    // Handed upward: the outside body's answer is now expected and followed (grid/services/handups.ts).
    if (action === 'hand_up') await handedUp(deps, tx, now, moved.report, details.handUpDueAt);
    // Fixed or rejected while handed up: that is the outside body's answer, settled with the move.
    if (moved.from === 'handed_up')
      await settleHandUp(deps, tx, now, moved.report, { action, actorId: actor.id, note: details.handUpNote ?? details.note ?? '' });
    if (!opts.cardEditedInPlace) await refreshCard(deps, tx, now, moved.report);
    return moved;
  });
  if (result.ok) deps.sender.poke();
  return result;
}

async function tellOwnerReopened(deps: HazardDeps, tx: Executor, now: number, r: Report): Promise<void> {
  const owner = r.owner_id ? await deps.users.find(r.owner_id, tx) : undefined;
  const to = owner ? { chatId: owner.id, locale: deps.users.localeOfUser(owner) } : await committeeOf(deps, tx, r);
  if (!to) return;
  const { chatId, locale } = to;
  const t = deps.i18n.translator(locale);
  await enqueue(tx, now, {
    chatId,
    text: t('hazards.owner_reopened', { id: publicId(r.id), answer: t(`hazards.fixed_${r.fix_answer ?? 'no'}`) }),
    keyboard: staffKeyboard(r, t),
    priority: owner ? PRIORITY.personal : PRIORITY.group,
    ref: `report:${r.id}:reopened`,
  });
}

/** The staff member a report was just assigned to hears it privately, with the card and its buttons. */
export async function tellAssignee(deps: HazardDeps, ownerId: number, r: Report): Promise<void> {
  const locale = await deps.users.localeOf(ownerId);
  const t = deps.i18n.translator(locale);
  await enqueue(deps.db, deps.clock.now(), {
    chatId: ownerId,
    text: `${t('hazards.assigned_to_you')}\n\n${await renderCard(deps, deps.db, r, locale)}`,
    keyboard: staffKeyboard(r, t),
    priority: PRIORITY.personal,
  });
  deps.sender.poke();
}

/** A move that needs words, pressed in a group: the presser gets its button again in their private chat. */
export async function continueInPrivate(deps: HazardDeps, userId: number, t: Translate, action: Action, reportId: number): Promise<void> {
  const now = deps.clock.now();
  const ref = `report:${reportId}:continue:${action}:${userId}`;
  // Pressed again within a few minutes (a double tap): the private prompt is there, or on its way.
  if (await queuedSince(deps.db, ref, now - 5 * MINUTE)) return;
  await enqueue(deps.db, now, {
    chatId: userId,
    text: t('hazards.continue_here', { id: publicId(reportId), action: t(`hazards.act_${action}`) }),
    keyboard: moveKeyboard(action, reportId, t),
    priority: PRIORITY.personal,
    ref,
  });
  deps.sender.poke();
}

/**
 * A new report: written with its card for the committee group, and staff paged at once for an
 * emergency. A report of a place someone answers for (its grid worker, a partner unit's frontage)
 * goes to them first, privately, and to the group only if they do not acknowledge it in time
 * (the grid.fallback job); an emergency goes to the group and the rota at once regardless.
 */
export async function submitReport(deps: HazardDeps, now: number, draft: NewReport): Promise<Report> {
  const report = await deps.db.transaction().execute(async (tx) => {
    // Handled again after a crash: the report and its card exist already.
    const filed = await reportOfUpdate(tx, now, draft);
    if (filed) return filed;
    const r = await createReport(tx, now, draft);
    const responder = r.emergency ? undefined : await firstResponderFor(tx, r.community_id, r.building_id, r.spot_id);
    if (responder) await sendToResponder(deps, tx, now, r, responder);
    else await postCard(deps, tx, now, r);
    if (r.emergency) await pageStaff(deps, tx, now, r);
    // The building head hears of it, whoever has it (grid/services/heads.ts).
    await tellBuildingHead(deps, tx, now, r, responder);
    return r;
  });
  deps.sender.poke();
  return report;
}

/** "Same issue": the resident follows the open report instead, and its card shows one more supporter. */
export async function supportReport(deps: HazardDeps, now: number, reportId: number, userId: number): Promise<SupportResult> {
  const result = await deps.db.transaction().execute(async (tx) => {
    const added = await addSupport(tx, now, reportId, userId);
    if (added === 'added') await refreshCard(deps, tx, now, (await findReport(tx, reportId))!);
    return added;
  });
  deps.sender.poke();
  return result;
}

/** A follower adds a note, a photo or a voice note; the committee group sees (hears) what was added, never who added it. */
export async function addFollowerNote(
  deps: HazardDeps,
  now: number,
  reportId: number,
  userId: number,
  note: { text?: string; photo?: string; voice?: VoiceNote },
): Promise<boolean> {
  const added = await deps.db.transaction().execute(async (tx) => {
    if (!(await isFollower(tx, reportId, userId))) return false;
    if (!(await addNote(tx, now, reportId, userId, note))) return false;
    const r = (await findReport(tx, reportId))!;
    const committee = await committeeOf(deps, tx, r);
    const t = deps.i18n.translator(committee?.locale ?? deps.config.defaultLocale);
    const text = t(note.photo ? 'hazards.group_photo_added' : 'hazards.group_note_added', {
      id: publicId(reportId),
      note: escapeHtml(note.text ?? ''),
    });
    const message = note.voice ? voiceMessage(t, reportId, note.voice, 'hazards.group_voice_added') : { text, photo: note.photo };
    if (committee)
      await enqueue(tx, now, { chatId: committee.chatId, ...message, priority: PRIORITY.group, ref: `report:${reportId}:note` });
    return true;
  });
  deps.sender.poke();
  return added;
}

/** The reporter's 1–5 stars for a fix; once per fix. A low one reaches the owner and the committee group. */
export async function rateReport(deps: HazardDeps, reportId: number, userId: number, rating: number): Promise<boolean> {
  const now = deps.clock.now();
  const rated = await deps.db.transaction().execute(async (tx) => {
    if (!(await rateFix(tx, now, reportId, userId, rating))) return false;
    const r = (await findReport(tx, reportId))!;
    if (rating <= LOW_RATING)
      await tellLowRating(deps, tx, now, r, (t, locale) =>
        t('hazards.low_rating', {
          id: publicId(r.id),
          category: escapeHtml(categoryName(deps, r.category, locale)),
          stars: stars(rating),
          answer: t(`hazards.card_answer_${r.fix_answer ?? 'no'}`),
        }),
      );
    return true;
  });
  if (rated) deps.sender.poke();
  return rated;
}

/** The reporter's words with the rating; with a low rating they follow it to the owner and the group. */
export async function commentOnRating(deps: HazardDeps, now: number, reportId: number, userId: number, comment: string): Promise<boolean> {
  const commented = await deps.db.transaction().execute(async (tx) => {
    if (!(await commentFix(tx, now, reportId, userId, comment))) return false;
    const r = (await findReport(tx, reportId))!;
    if (r.rating !== null && r.rating <= LOW_RATING)
      await tellLowRating(deps, tx, now, r, (t) =>
        t('hazards.low_rating_comment', { id: publicId(r.id), stars: stars(r.rating!), comment: escapeHtml(comment) }),
      );
    return true;
  });
  if (commented) deps.sender.poke();
  return commented;
}

/**
 * An emergency was taken up: its pages and the group's escalations lose their Acknowledge
 * button and say who took it up and when; those not sent yet are not sent at all.
 */
async function closePages(deps: HazardDeps, tx: Executor, now: number, r: Report, actorId: number | null): Promise<void> {
  const rows = await tx
    .selectFrom('outbox')
    .select(['id', 'ref', 'status', 'payload'])
    .where((eb) => eb.or(pageRefPrefixes(r.id).map((prefix) => eb('ref', 'like', `${prefix}%`))))
    .where('ref', 'not like', '%:edit')
    .execute();
  const pending = rows.filter((row) => row.status === 'pending').map((row) => row.id);
  if (pending.length > 0) await tx.updateTable('outbox').set({ status: 'cancelled' }).where('id', 'in', pending).execute();
  const name = actorId ? ((await deps.users.find(actorId, tx))?.first_name ?? '') : '';
  const at = formatTime(now, deps.config.timezone);
  for (const row of rows.filter((x) => x.status === 'sent')) {
    // A page is in its staff member's language; an escalation, in the group's.
    const staffId = /:page:(\d+):/.exec(row.ref!)?.[1];
    const locale = staffId
      ? await deps.users.localeOf(Number(staffId), tx)
      : ((await committeeOf(deps, tx, r))?.locale ?? deps.config.defaultLocale);
    const t = deps.i18n.translator(locale);
    const answered = t('hazards.page_answered', {
      id: publicId(r.id),
      name: escapeHtml(name),
      at,
      status: t(`hazards.status_${r.status}`),
    });
    // What the message said (how long nobody answered) stays above who took it up.
    const said = String((JSON.parse(row.payload) as { text?: string }).text ?? '').split('\n\n')[0];
    await enqueueEdit(tx, now, {
      ref: row.ref!,
      text: [said, answered].filter(Boolean).join('\n') + `\n\n${await renderCard(deps, tx, r, locale)}`,
      // Whoever took it up goes on from their own page (it was pressed there, perhaps); the others only read it.
      keyboard: staffId && Number(staffId) === actorId ? staffKeyboard(r, t) : undefined,
      priority: staffId ? PRIORITY.personal : PRIORITY.group,
    });
  }
}

/** A photo a follower adds later: kept with the report at once (the group sees it with the others, see announcePhotos). */
export function addFollowerPhoto(deps: HazardDeps, now: number, reportId: number, userId: number, fileId: string): Promise<boolean> {
  return deps.db
    .transaction()
    .execute(async (tx) => (await isFollower(tx, reportId, userId)) && addNote(tx, now, reportId, userId, { photo: fileId }));
}

/**
 * The photos a follower just added go to the committee group as one album naming the report,
 * after its card, as the card's own album does (postCard); never who added them. Answers how many.
 */
export async function announcePhotos(deps: HazardDeps, now: number, reportId: number, photos: string[]): Promise<number> {
  if (photos.length === 0) return 0;
  await deps.db.transaction().execute(async (tx) => {
    const r = await findReport(tx, reportId);
    const committee = r && (await committeeOf(deps, tx, r));
    if (!committee) return;
    const caption = deps.i18n.translator(committee.locale)('hazards.group_photos_added', {
      id: publicId(reportId),
      n: photos.length,
    });
    await enqueueAlbum(tx, now, {
      chatId: committee.chatId,
      pictures: photos,
      caption,
      priority: PRIORITY.group,
      ref: `report:${reportId}:photos`,
    });
  });
  deps.sender.poke();
  return photos.length;
}

/** A rating this low (of 5) reaches the report's owner and the committee group. */
export const LOW_RATING = 2;

/**
 * Tells the owner (privately, in their language) and the committee group about a low rating,
 * or the comment that came with it.
 */
async function tellLowRating(
  deps: HazardDeps,
  tx: Executor,
  now: number,
  r: Report,
  say: (t: Translate, locale: Locale) => string,
): Promise<void> {
  const to: { chatId: number; locale: Locale; priority: number }[] = [];
  if (r.owner_id) to.push({ chatId: r.owner_id, locale: await deps.users.localeOf(r.owner_id, tx), priority: PRIORITY.personal });
  const committee = await committeeOf(deps, tx, r);
  if (committee) to.push({ ...committee, priority: PRIORITY.group });
  for (const m of to)
    await enqueue(tx, now, { chatId: m.chatId, text: say(deps.i18n.translator(m.locale), m.locale), priority: m.priority });
}

const stars = (n: number) => '★'.repeat(n);
