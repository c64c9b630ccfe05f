import type { Updateable } from 'kysely';
import { DAY, HOUR, MINUTE } from '../clock';
import { distanceMeters, type CommunityConfig, type HazardCategory } from '../community/config';
import type { Executor, Tx } from '../store/db';
import type { Role } from '../store/schema';
import type { ReportsTable } from '../store/schema/hazards';
import { audit } from './audit';
import {
  AWAITING_FIX_STATUSES,
  canMove,
  FINAL_STATUSES,
  OPEN_STATUSES,
  TRANSITIONS,
  UNACKNOWLEDGED_STATUSES,
  type Action,
  type ReportStatus,
} from './hazard-status';
import { answersFor } from './grid';
import { canStaff } from './roles';
import type { VoiceNote } from './voice';
import { fromUpdate } from './redelivery';

/**
 * Hazard reports: creating one, "same issue" support, every status change through the table
 * in hazard-status.ts (recorded in report_events and the audit log), the SLA and emergency
 * page queries the scheduled jobs use. Plain TypeScript over Kysely; `now` comes from callers.
 */

export type Report = Awaited<ReturnType<typeof findReport>> & {};

export const MAX_PHOTOS = 3;
export const MAX_DESCRIPTION = 1000;
export const MAX_NOTE = 500;

/** What residents and staff call a report: R-1042. */
export function publicId(id: number): string {
  return `R-${id + 1000}`;
}

export function parsePublicId(text: string): number | undefined {
  const m = /^\s*R-?(\d{4,12})\s*$/i.exec(text);
  const id = m ? Number(m[1]) - 1000 : 0;
  return id > 0 ? id : undefined;
}

export function findReport(db: Executor, id: number) {
  return db.selectFrom('reports').selectAll().where('id', '=', id).executeTakeFirst();
}

/** The report this update filed already, when it is handled again after a crash cut it short. */
export function reportOfUpdate(db: Executor, now: number, draft: Pick<NewReport, 'updateId' | 'reporterId'>) {
  if (draft.updateId === undefined) return Promise.resolve(undefined);
  return db
    .selectFrom('reports')
    .selectAll()
    .where(fromUpdate(draft.updateId, now))
    .where('reporter_id', '=', draft.reporterId)
    .executeTakeFirst();
}

export interface NewReport {
  communityId: string;
  category: HazardCategory;
  /** '' when the description is a voice note. */
  description: string;
  voice?: VoiceNote;
  buildingId?: string;
  /** The configured spot a shared location was near (community config `spots`). */
  spotId?: string;
  spot?: string;
  location?: { latitude: number; longitude: number };
  reporterId: number;
  photos: string[];
  /** Minutes before an unacknowledged emergency page goes to the committee group. */
  pageAfterMinutes: number;
  /** The Telegram update whose Submit press files it (handled again after a crash, it finds this report). */
  updateId?: number;
}

export async function createReport(tx: Tx, now: number, r: NewReport): Promise<Report> {
  const row = await tx
    .insertInto('reports')
    .values({
      community_id: r.communityId,
      category: r.category.id,
      emergency: r.category.emergency ? 1 : 0,
      status: 'new',
      description: r.description,
      voice_file_id: r.voice?.fileId ?? null,
      voice_seconds: r.voice?.seconds ?? null,
      building_id: r.buildingId ?? null,
      spot: r.spot ?? null,
      spot_id: r.spotId ?? null,
      latitude: r.location?.latitude ?? null,
      longitude: r.location?.longitude ?? null,
      reporter_id: r.reporterId,
      owner_id: null,
      team_id: null,
      handed_to: null,
      handed_ref: null,
      reject_reason: null,
      duplicate_of: null,
      fix_note: null,
      fix_answer: null,
      rating: null,
      rating_comment: null,
      created_at: now,
      updated_at: now,
      acknowledged_at: null,
      fixed_at: null,
      closed_at: null,
      ack_overdue_at: null,
      fix_overdue_at: null,
      page_due_at: r.category.emergency ? now + r.pageAfterMinutes * MINUTE : null,
      update_id: r.updateId ?? null,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  const id = Number(row.id);
  for (const fileId of r.photos.slice(0, MAX_PHOTOS)) {
    await tx
      .insertInto('report_photos')
      .values({ report_id: id, file_id: fileId, kind: 'report', added_by: r.reporterId, added_at: now })
      .execute();
  }
  await tx.insertInto('report_followers').values({ report_id: id, user_id: r.reporterId, kind: 'reporter', at: now }).execute();
  await recordEvent(tx, { reportId: id, at: now, actorId: r.reporterId, action: 'create', from: null, to: 'new', note: null });
  await audit(tx, now, r.reporterId, 'report.create', `report:${id}`, { category: r.category.id, community: r.communityId });
  return (await findReport(tx, id))!;
}

async function recordEvent(
  db: Executor,
  e: {
    reportId: number;
    at: number;
    actorId: number | null;
    action: string;
    from: string | null;
    to: string | null;
    note: string | null;
    voice?: VoiceNote;
  },
) {
  await db
    .insertInto('report_events')
    .values({
      report_id: e.reportId,
      at: e.at,
      actor_id: e.actorId,
      action: e.action,
      from_status: e.from,
      to_status: e.to,
      note: e.note,
      voice_file_id: e.voice?.fileId ?? null,
      voice_seconds: e.voice?.seconds ?? null,
    })
    .execute();
}

/**
 * Open reports that are probably the same issue: same category, same community, recent, and
 * in the same building or within the configured distance of the shared location.
 */
export async function similarReports(
  db: Executor,
  now: number,
  settings: CommunityConfig['settings'],
  where: { communityId: string; category: string; buildingId?: string; location?: { latitude: number; longitude: number } },
): Promise<Report[]> {
  const { location, buildingId } = where;
  if (!location && !buildingId) return [];
  const radius = settings.duplicateRadiusMeters;
  const candidates = await db
    .selectFrom('reports')
    .selectAll()
    .where('community_id', '=', where.communityId)
    .where('category', '=', where.category)
    .where('status', 'in', OPEN_STATUSES)
    .where('created_at', '>=', now - settings.duplicateDays * DAY)
    // The place in SQL, so a busy category cannot push a neighbour's report out of the newest few:
    // a report without a location by its building; one with a location inside a box around the
    // shared one (a degree of latitude is 111 km), its distance checked exactly below.
    .where((eb) => {
      if (!location) return eb('building_id', '=', buildingId!);
      const dLat = radius / 111_000;
      const dLon = dLat / Math.max(Math.cos((location.latitude * Math.PI) / 180), 0.01);
      return eb.or([
        eb.and([
          eb.between('latitude', location.latitude - dLat, location.latitude + dLat),
          eb.between('longitude', location.longitude - dLon, location.longitude + dLon),
        ]),
        ...(buildingId ? [eb.and([eb('latitude', 'is', null), eb('building_id', '=', buildingId)])] : []),
      ]);
    })
    .orderBy('created_at', 'desc')
    .limit(20)
    .execute();
  return candidates
    .filter((r) =>
      location && r.latitude !== null && r.longitude !== null
        ? distanceMeters(location, { latitude: r.latitude, longitude: r.longitude }) <= radius
        : r.building_id === buildingId,
    )
    .slice(0, 3);
}

export type SupportResult = 'added' | 'already' | 'closed';

/** "Same issue — add my support": the supporter follows the report like its reporter. */
export async function addSupport(tx: Tx, now: number, reportId: number, userId: number): Promise<SupportResult> {
  const report = await findReport(tx, reportId);
  if (!report || !OPEN_STATUSES.includes(report.status)) return 'closed';
  const inserted = await tx
    .insertInto('report_followers')
    .values({ report_id: reportId, user_id: userId, kind: 'supporter', at: now })
    .onConflict((oc) => oc.columns(['report_id', 'user_id']).doNothing())
    .executeTakeFirst();
  if (Number(inserted.numInsertedOrUpdatedRows ?? 0) === 0) return 'already';
  await recordEvent(tx, { reportId, at: now, actorId: userId, action: 'support', from: null, to: null, note: null });
  await tx.updateTable('reports').set({ updated_at: now }).where('id', '=', reportId).execute();
  return 'added';
}

export async function supportCount(db: Executor, reportId: number): Promise<number> {
  const row = await db
    .selectFrom('report_followers')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('report_id', '=', reportId)
    .where('kind', '=', 'supporter')
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

/** Everyone who hears about a status change, with the language to tell them in. */
export function followersOf(db: Executor, reportId: number) {
  return db
    .selectFrom('report_followers')
    .innerJoin('users', 'users.id', 'report_followers.user_id')
    .select(['users.id', 'users.locale', 'report_followers.kind'])
    .where('report_followers.report_id', '=', reportId)
    .where('users.reachable', '=', 1)
    .execute();
}

export async function isFollower(db: Executor, reportId: number, userId: number): Promise<boolean> {
  const row = await db
    .selectFrom('report_followers')
    .select('user_id')
    .where('report_id', '=', reportId)
    .where('user_id', '=', userId)
    .executeTakeFirst();
  return Boolean(row);
}

export interface Actor {
  /** Null for the system. */
  id: number | null;
  role: Role;
  communityId: string | null;
}

export const SYSTEM: Actor = { id: null, role: 'admin', communityId: null };

/** The reporter's answers to "Is it fixed?". */
export const FIX_ANSWERS = ['yes', 'partly', 'no'] as const;
export type FixAnswer = (typeof FIX_ANSWERS)[number];
/** Why staff may reject a report. */
export const REJECT_REASONS = ['duplicate', 'not_ours', 'not_hazard'] as const;
export type RejectReason = (typeof REJECT_REASONS)[number];
/** Where a report that cannot be fixed locally is handed upward. */
export const HAND_UP_TARGETS = ['street', 'city'] as const;
export type HandUpTarget = (typeof HAND_UP_TARGETS)[number];

/** What a transition may change besides the status. */
export interface TransitionDetails {
  note?: string;
  ownerId?: number | null;
  teamId?: string | null;
  handedTo?: string;
  handedRef?: string;
  rejectReason?: string;
  duplicateOf?: number;
  fixAnswer?: FixAnswer;
}

export type TransitionResult =
  | { ok: true; report: Report; from: ReportStatus }
  | { ok: false; reason: 'not_found' | 'not_allowed' | 'wrong_status' | 'note_required'; status?: ReportStatus };

/**
 * Moves a report along the table, or says why not. One guarded UPDATE (`WHERE status = from`),
 * so two staff pressing at once, or a withdrawal racing a staff press, change it once.
 * Run it inside the transaction that also enqueues the notices.
 */
export async function transition(
  tx: Tx,
  now: number,
  reportId: number,
  action: Action,
  actor: Actor,
  d: TransitionDetails = {},
): Promise<TransitionResult> {
  const report = await findReport(tx, reportId);
  if (!report) return { ok: false, reason: 'not_found' };
  const rule = TRANSITIONS[action];
  // A staff move is also the building's grid worker's, or the frontage unit's contact's (domain/grid.ts).
  const allowed =
    rule.by === 'staff'
      ? canStaff(actor.role, { community_id: actor.communityId }, report.community_id) ||
        (actor.id !== null && (await answersFor(tx, actor.id, report)))
      : rule.by === 'reporter'
        ? actor.id !== null && actor.id === report.reporter_id
        : actor.id === null;
  if (!allowed) return { ok: false, reason: 'not_allowed', status: report.status };
  if (!canMove(action, report.status)) return { ok: false, reason: 'wrong_status', status: report.status };
  if ('needsNote' in rule && rule.needsNote && !d.note?.trim()) return { ok: false, reason: 'note_required', status: report.status };

  const patch: Updateable<ReportsTable> = { status: rule.to, updated_at: now };
  // Any staff move answers an emergency page, and keeps a responder's report from falling back to the group.
  if (rule.by === 'staff') Object.assign(patch, { page_due_at: null, group_due_at: null });
  if (action === 'acknowledge') {
    patch.acknowledged_at = report.acknowledged_at ?? now;
    patch.owner_id = report.owner_id ?? actor.id;
  }
  if (action === 'assign') {
    patch.acknowledged_at = report.acknowledged_at ?? now;
    // To a person: they own it. To a team: whoever acknowledged it stays the contact.
    patch.owner_id = d.ownerId ?? report.owner_id ?? actor.id;
    patch.team_id = d.teamId ?? null;
  }
  if (action === 'start' || action === 'hand_up' || action === 'fix') patch.acknowledged_at = report.acknowledged_at ?? now;
  if (action === 'hand_up') Object.assign(patch, { handed_to: d.handedTo ?? null, handed_ref: d.handedRef ?? null });
  // Each fix is answered and rated afresh; earlier ratings stay in report_events.
  if (action === 'fix')
    Object.assign(patch, { fix_note: d.note ?? null, fixed_at: now, fix_answer: null, rating: null, rating_comment: null });
  if (action === 'reject') Object.assign(patch, { reject_reason: d.rejectReason ?? null, duplicate_of: d.duplicateOf ?? null });
  if (action === 'confirm' || action === 'reopen') patch.fix_answer = d.fixAnswer ?? (action === 'confirm' ? 'yes' : 'no');
  if (rule.to === 'reopened') patch.fix_overdue_at = null;
  if (FINAL_STATUSES.includes(rule.to)) patch.closed_at = now;

  const updated = await tx
    .updateTable('reports')
    .set(patch)
    .where('id', '=', reportId)
    .where('status', '=', report.status)
    .executeTakeFirst();
  if (Number(updated.numUpdatedRows) === 0) {
    // Someone else moved it between our read and our write.
    const current = await findReport(tx, reportId);
    return { ok: false, reason: 'wrong_status', status: current?.status };
  }
  await recordEvent(tx, { reportId, at: now, actorId: actor.id, action, from: report.status, to: rule.to, note: d.note?.trim() || null });
  await audit(tx, now, actor.id, `report.${action}`, `report:${reportId}`, { from: report.status, to: rule.to });
  return { ok: true, report: (await findReport(tx, reportId))!, from: report.status };
}

/** A note or a photo added later by a follower (or staff), while the report is not final. */
export async function addNote(
  tx: Tx,
  now: number,
  reportId: number,
  userId: number,
  note: { text?: string; photo?: string; voice?: VoiceNote },
): Promise<boolean> {
  const report = await findReport(tx, reportId);
  if (!report || FINAL_STATUSES.includes(report.status)) return false;
  if (note.photo) {
    await tx
      .insertInto('report_photos')
      .values({ report_id: reportId, file_id: note.photo, kind: 'report', added_by: userId, added_at: now })
      .execute();
  }
  await recordEvent(tx, {
    reportId,
    at: now,
    actorId: userId,
    action: note.photo ? 'photo' : note.voice ? 'voice' : 'note',
    from: null,
    to: null,
    note: note.text ?? null,
    voice: note.voice,
  });
  await tx.updateTable('reports').set({ updated_at: now }).where('id', '=', reportId).execute();
  return true;
}

export async function addFixPhoto(tx: Tx, now: number, reportId: number, userId: number, fileId: string): Promise<void> {
  await tx
    .insertInto('report_photos')
    .values({ report_id: reportId, file_id: fileId, kind: 'fix', added_by: userId, added_at: now })
    .execute();
}

export function photosOf(db: Executor, reportId: number, kind: 'report' | 'fix' = 'report') {
  return db
    .selectFrom('report_photos')
    .select('file_id')
    .where('report_id', '=', reportId)
    .where('kind', '=', kind)
    .orderBy('id')
    .execute();
}

export function historyOf(db: Executor, reportId: number) {
  return db.selectFrom('report_events').selectAll().where('report_id', '=', reportId).orderBy('at').orderBy('id').execute();
}

/** A resident's own reports and the ones they support, newest first. */
export function reportsOf(db: Executor, userId: number, limit = 10) {
  return db
    .selectFrom('reports')
    .innerJoin('report_followers', 'report_followers.report_id', 'reports.id')
    .selectAll('reports')
    .select('report_followers.kind as follow_kind')
    .where('report_followers.user_id', '=', userId)
    .orderBy('reports.created_at', 'desc')
    .orderBy('reports.id', 'desc')
    .limit(limit)
    .execute();
}

/** The reporter's answer to "Is it fixed?" comes with a 1–5 rating; once per fix. */
export async function rateFix(tx: Tx, now: number, reportId: number, userId: number, rating: number): Promise<boolean> {
  if (!Number.isInteger(rating) || rating < 1 || rating > 5) return false;
  const updated = await tx
    .updateTable('reports')
    .set({ rating, updated_at: now })
    .where('id', '=', reportId)
    .where('reporter_id', '=', userId)
    .where('fix_answer', 'is not', null)
    .where('rating', 'is', null)
    .executeTakeFirst();
  if (Number(updated.numUpdatedRows) === 0) return false;
  await recordEvent(tx, { reportId, at: now, actorId: userId, action: 'rating', from: null, to: null, note: String(rating) });
  return true;
}

export async function commentFix(tx: Tx, now: number, reportId: number, userId: number, comment: string): Promise<boolean> {
  const updated = await tx
    .updateTable('reports')
    .set({ rating_comment: comment, updated_at: now })
    .where('id', '=', reportId)
    .where('reporter_id', '=', userId)
    .where('rating', 'is not', null)
    .executeTakeFirst();
  if (Number(updated.numUpdatedRows) === 0) return false;
  await recordEvent(tx, { reportId, at: now, actorId: userId, action: 'comment', from: null, to: null, note: comment });
  return true;
}

// ---- SLA, emergency pages, "is it fixed?" timeout: the rules the scheduled jobs apply ----

export type OverdueKind = 'ack' | 'fix';

/** When a report's acknowledgement or fix is due, from its category's SLA. */
export function dueAt(
  report: Pick<Report, 'created_at'>,
  category: Pick<HazardCategory, 'slaAckHours' | 'slaFixHours'>,
  kind: OverdueKind,
): number {
  return report.created_at + (kind === 'ack' ? category.slaAckHours : category.slaFixHours) * HOUR;
}

export function isOverdue(
  report: Pick<Report, 'created_at' | 'status'>,
  category: Pick<HazardCategory, 'slaAckHours' | 'slaFixHours'> | undefined,
  now: number,
): OverdueKind | undefined {
  if (!category) return undefined;
  if (UNACKNOWLEDGED_STATUSES.includes(report.status) && dueAt(report, category, 'ack') <= now) return 'ack';
  if (AWAITING_FIX_STATUSES.includes(report.status) && dueAt(report, category, 'fix') <= now) return 'fix';
  return undefined;
}

/**
 * Reports past their SLA now: not acknowledged in slaAckHours, or not fixed in slaFixHours.
 * The weekly summary and the overdue job both use this.
 */
export async function overdueReports(
  db: Executor,
  now: number,
  categories: readonly HazardCategory[],
  communityId?: string,
): Promise<(Report & { overdue: OverdueKind })[]> {
  let q = db.selectFrom('reports').selectAll().where('status', 'in', AWAITING_FIX_STATUSES);
  if (communityId) q = q.where('community_id', '=', communityId);
  const rows = await q.orderBy('created_at').execute();
  const byId = new Map(categories.map((c) => [c.id, c]));
  return rows.flatMap((r) => {
    const overdue = isOverdue(r, byId.get(r.category), now);
    return overdue ? [{ ...r, overdue }] : [];
  });
}

/** Marks a report overdue once per kind; answers whether this call was the one that marked it. */
export async function markOverdue(tx: Executor, now: number, reportId: number, kind: OverdueKind): Promise<boolean> {
  const column = kind === 'ack' ? 'ack_overdue_at' : 'fix_overdue_at';
  const updated = await tx
    .updateTable('reports')
    .set({ [column]: now })
    .where('id', '=', reportId)
    .where(column, 'is', null)
    .executeTakeFirst();
  if (Number(updated.numUpdatedRows) === 0) return false;
  await recordEvent(tx, { reportId, at: now, actorId: null, action: `overdue_${kind}`, from: null, to: null, note: null });
  return true;
}

/** Emergency pages nobody acknowledged in time. */
export function duePages(db: Executor, now: number) {
  return db
    .selectFrom('reports')
    .selectAll()
    .where('page_due_at', 'is not', null)
    .where('page_due_at', '<=', now)
    .where('status', '=', 'new')
    .execute();
}

/** Takes one escalation of a page (guarded, so two schedulers escalate it once) and sets the next. */
export async function takePage(
  tx: Executor,
  report: Pick<Report, 'id' | 'page_due_at' | 'page_count'>,
  /** Null: this was the last round. */
  nextDueAt: number | null,
): Promise<boolean> {
  const updated = await tx
    .updateTable('reports')
    .set({ page_due_at: nextDueAt, page_count: report.page_count + 1 })
    .where('id', '=', report.id)
    .where('page_due_at', '=', report.page_due_at)
    .where('status', '=', 'new')
    .executeTakeFirst();
  return Number(updated.numUpdatedRows) > 0;
}

/** Fixed reports whose reporter did not answer "Is it fixed?" within the configured days. */
export function unconfirmedFixes(db: Executor, now: number, days: number) {
  return db
    .selectFrom('reports')
    .select('id')
    .where('status', '=', 'fixed')
    .where('fixed_at', '<=', now - days * DAY)
    .execute();
}

// ---- the staff queue ----

export interface QueueFilter {
  /** 'open' for every open status, 'all', or one status. */
  status: 'open' | 'all' | ReportStatus;
  category?: string;
  communityId?: string;
  overdue?: boolean;
  /** Only these places (a grid worker's buildings, a partner unit's frontage), or reports routed to `responderId`. */
  places?: { communityId: string; buildingId?: string; spotId?: string }[];
  responderId?: number;
}

export const QUEUE_PAGE = 8;

export async function reportQueue(
  db: Executor,
  now: number,
  categories: readonly HazardCategory[],
  f: QueueFilter,
  page: number,
): Promise<{ rows: Report[]; total: number }> {
  let q = db.selectFrom('reports').selectAll();
  if (f.status === 'open') q = q.where('status', 'in', OPEN_STATUSES);
  else if (f.status !== 'all') q = q.where('status', '=', f.status);
  if (f.category) q = q.where('category', '=', f.category);
  if (f.communityId) q = q.where('community_id', '=', f.communityId);
  const { places, responderId } = f;
  if (places)
    q = q.where((eb) =>
      eb.or([
        eb('responder_id', '=', responderId ?? -1),
        ...places.map((p) =>
          eb.and([
            eb('community_id', '=', p.communityId),
            p.spotId ? eb('spot_id', '=', p.spotId) : eb('building_id', '=', p.buildingId ?? ''),
          ]),
        ),
      ]),
    );
  let rows = await q.orderBy('created_at', 'desc').orderBy('id', 'desc').execute();
  if (f.overdue) {
    const byId = new Map(categories.map((c) => [c.id, c]));
    rows = rows.filter((r) => isOverdue(r, byId.get(r.category), now));
  }
  return { rows: rows.slice(page * QUEUE_PAGE, (page + 1) * QUEUE_PAGE), total: rows.length };
}

// ---- privacy ----

/** /deleteme: the reports stay as anonymous counts; nothing points to the person any more. */
export async function eraseReporter(tx: Executor, userId: number): Promise<void> {
  // A voice note is the person's own voice: it goes with their name (the report stays, as a count).
  await tx.updateTable('reports').set({ voice_file_id: null }).where('reporter_id', '=', userId).execute();
  await tx.updateTable('report_events').set({ voice_file_id: null }).where('actor_id', '=', userId).execute();
  await tx.updateTable('reports').set({ reporter_id: null }).where('reporter_id', '=', userId).execute();
  await tx.updateTable('reports').set({ owner_id: null }).where('owner_id', '=', userId).execute();
  await tx.deleteFrom('report_followers').where('user_id', '=', userId).execute();
  await tx.updateTable('report_events').set({ actor_id: null }).where('actor_id', '=', userId).execute();
  await tx.updateTable('report_photos').set({ added_by: null }).where('added_by', '=', userId).execute();
}
