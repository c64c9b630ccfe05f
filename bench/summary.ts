import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import SQLite from 'better-sqlite3';
import { sql, type RawBuilder } from 'kysely';
import { DAY, HOUR, MINUTE } from '../src/clock';
import { Communities, loadCommunityConfig, type HazardCategory } from '../src/community/config';
import { AWAITING_FIX_STATUSES, OPEN_STATUSES, UNACKNOWLEDGED_STATUSES } from '../src/domain/hazard-status';
import {
  COMMENTS_LISTED,
  lastCompleteWeek,
  ledgerRows,
  weekOf,
  TREND_WEEKS,
  weeklySummary,
  weeksBefore,
  type RatingComment,
  type Rates,
  type Week,
  type WeekFigures,
  type WeeklySummary,
} from '../src/domain/summary';
import { I18n } from '../src/i18n';
import { seededRandom } from '../src/sandbox/emulator/traffic';
import { zonedEpoch } from '../src/zoned-time';
import { migrateToLatest, openDatabase, type Db } from '../src/store/db';
import type { ReportsTable } from '../src/store/schema/hazards';
import { renderChart } from '../src/features/summary/views/chart';
import { chartInput, renderLedger, renderSummaryText, type RenderContext } from '../src/features/summary/views/render';
import { fmt, percentile, table, type Row } from './lib';

/**
 * Bench 3 (weekly summary): a synthetic SQLite database of ten weeks of a street office with
 * two communities — reports with their whole history, help requests and tasks with claims,
 * hours and ratings, volunteers in teams, events and broadcasts — built by simulating each
 * item's lifecycle through the same state machines the bot uses, from a seeded PRNG so every
 * run is the same. Then the weekly summary the Monday job sends (weeklySummary) is timed
 * against the same figures computed by one hand-written SQL query per figure, side by side in
 * one run; the reference's numbers must equal the summary's, or the bench fails.
 *
 * "Building it" is weeklySummary, the figures: that is what the raw queries compute, so the
 * ratio compares like with like. The job also renders the text, the chart PNG and the ledger
 * CSV; those are timed as their own rows, and the whole job's build against the 2 s as well.
 */

export interface SummarySizes {
  reports: number;
  tasks: number;
  volunteers: number;
}

const TZ = 'Asia/Shanghai';
/** Monday 09:00, when the job runs: it reports the week before. */
const NOW = zonedEpoch({ year: 2031, month: 3, day: 17, hour: 9 }, TZ);
const START = NOW - 70 * DAY;
/** The summary timed is the larger community's (55% of everything). */
const COMMUNITY = 'meiyuan';
const SHARE = { meiyuan: 0.55, guihua: 0.45 } as const;
const RUNS = 7;
const TARGET_MS = 2000;
const TARGET_RATIO = 3;

// ---------------------------------------------------------------------------------------------
// Seeded randomness

class Rand {
  private readonly next: () => number;
  constructor(seed: number) {
    this.next = seededRandom(seed);
  }
  float(): number {
    return this.next();
  }
  chance(p: number): boolean {
    return this.next() < p;
  }
  int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1));
  }
  between(min: number, max: number): number {
    return Math.round(min + this.next() * (max - min));
  }
  pick<T>(items: readonly T[]): T {
    return items[Math.floor(this.next() * items.length)];
  }
  weighted<T>(items: readonly (readonly [T, number])[]): T {
    const total = items.reduce((a, [, w]) => a + w, 0);
    let x = this.next() * total;
    for (const [item, w] of items) if ((x -= w) < 0) return item;
    return items[items.length - 1][0];
  }
  /** A time in [from, to), more often in the daytime (07:00–22:00 local) as people are awake. */
  daytime(from: number, to: number): number {
    const t = from + Math.floor(this.next() * (to - from));
    const hour = Math.floor(((t + 8 * HOUR) % DAY) / HOUR); // Asia/Shanghai has no DST
    const shifted = t + 8 * HOUR;
    return hour < 7 && this.chance(0.8) && shifted < to ? shifted : t;
  }
}

const SCORES = [
  [5, 45],
  [4, 30],
  [3, 13],
  [2, 7],
  [1, 5],
] as const;
const CATEGORY_WEIGHTS: Record<string, number> = {
  light: 20,
  rubbish: 18,
  clutter: 15,
  facility: 12,
  noise: 10,
  flyers: 8,
  building: 6,
  other: 6,
  fireexit: 3,
  fire: 1,
  gas: 1,
};
const HELP_WEIGHTS: Record<string, number> = { errand: 25, meal: 20, visit: 20, escort: 10, repair: 10, legal: 4, mediation: 4, other: 7 };
const TEAM_WEIGHTS: Record<string, number> = { elder: 30, green: 20, patrol: 15, party: 15, youth: 8, repair: 8, legal: 4 };
const SURNAMES = [...'王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈'];
const GIVEN = [...'明华伟芳娜敏静丽强磊军洋勇艳杰娟涛超秀霞平刚桂英玉兰红梅建国志文斌辉鹏飞'];

// ---------------------------------------------------------------------------------------------
// The synthetic database

interface Filled {
  path: string;
  rows: number;
  fillMs: number;
  communityReports: number;
}

type Value = string | number | null;

/** A prepared INSERT (the fill runs in one transaction: a few hundred thousand rows a second). */
function inserter(sqlite: SQLite.Database, tableName: string, columns: string[]) {
  const stmt = sqlite.prepare(`INSERT INTO ${tableName} (${columns.join(', ')}) VALUES (${columns.map(() => '?').join(', ')})`);
  let count = 0;
  return {
    add(values: Value[]) {
      stmt.run(values);
      count++;
    },
    get count() {
      return count;
    },
  };
}

interface Member {
  userId: number;
  decidedAt: number;
}

async function fill(dir: string, sizes: SummarySizes, communities: Communities): Promise<Filled> {
  const t0 = performance.now();
  const path = join(dir, 'summary.db');
  const db = openDatabase({ kind: 'sqlite', path });
  await migrateToLatest(db);
  await db.destroy();

  const sqlite = new SQLite(path);
  sqlite.pragma('journal_mode = WAL');
  sqlite.pragma('synchronous = OFF');
  const rng = new Rand(20310317);
  const ids = communities.all.map((c) => c.id) as (keyof typeof SHARE)[];
  const pickCommunity = () => rng.weighted(ids.map((id) => [id, SHARE[id]] as const));
  const name = () => rng.pick(SURNAMES) + rng.pick(GIVEN) + (rng.chance(0.5) ? rng.pick(GIVEN) : '');
  const phone = () => `13${rng.int(100_000_000, 999_999_999)}`;
  const categories = communities.config.hazardCategories.map((c) => [c, CATEGORY_WEIGHTS[c.id] ?? 1] as const);
  const helpTypes = communities.config.helpTypes.map((h) => [h, HELP_WEIGHTS[h.id] ?? 1] as const);
  let rows = 0;
  let communityReports = 0;

  const tx = sqlite.transaction(() => {
    // ---- people: residents, volunteers with their team memberships, staff
    const users = inserter(sqlite, 'users', [
      'id',
      'first_name',
      'username',
      'locale',
      'role',
      'community_id',
      'building_id',
      'unit',
      'phone',
      'privacy_accepted_at',
      'reachable',
      'created_at',
      'updated_at',
    ]);
    const residentsOf = new Map<string, number[]>(ids.map((c) => [c, []]));
    const buildingOf = new Map<number, string>();
    const addUser = (id: number, community: string, role: string) => {
      const building = rng.pick(communities.community(community)!.buildings).id;
      const joined = START - rng.between(0, 400) * DAY;
      buildingOf.set(id, building);
      users.add([
        id,
        name(),
        null,
        rng.weighted([
          ['zh-CN', 90],
          ['zh-TW', 5],
          ['en', 5],
        ]),
        role,
        community,
        building,
        `${rng.int(1, 30)}-${rng.int(101, 1802)}`,
        phone(),
        joined,
        rng.chance(0.97) ? 1 : 0,
        joined,
        joined,
      ]);
    };
    const residents = Math.max(20_000, sizes.volunteers * 3);
    for (let i = 0; i < residents; i++) {
      const c = pickCommunity();
      addUser(1_000_000_000 + i, c, 'resident');
      residentsOf.get(c)!.push(1_000_000_000 + i);
    }
    const staffOf = new Map<string, number[]>(ids.map((c) => [c, []]));
    ids.forEach((c, ci) => {
      for (let i = 0; i < 8; i++) {
        const id = 3_000_000_000 + ci * 100 + i;
        addUser(id, c, i === 0 ? 'admin' : 'staff');
        staffOf.get(c)!.push(id);
      }
    });
    const members = inserter(sqlite, 'team_members', [
      'user_id',
      'community_id',
      'team_id',
      'role',
      'status',
      'skills',
      'availability',
      'phone',
      'agreed_to_be_named',
      'created_at',
      'decided_at',
      'decided_by',
    ]);
    const teamMembers = new Map<string, Member[]>();
    const volunteersOf = new Map<string, number[]>(ids.map((c) => [c, []]));
    for (let i = 0; i < sizes.volunteers; i++) {
      const c = pickCommunity();
      const id = 2_000_000_000 + i;
      addUser(id, c, 'volunteer');
      volunteersOf.get(c)!.push(id);
      const teams = communities.community(c)!.teams.map((t) => [t.id, TEAM_WEIGHTS[t.id] ?? 5] as const);
      const count = rng.weighted([
        [1, 70],
        [2, 25],
        [3, 5],
      ]);
      const chosen = new Set<string>();
      while (chosen.size < count) chosen.add(rng.weighted(teams));
      // Most joined before the data starts; the rest during the ten weeks, a few still waiting or declined.
      const created = rng.chance(0.6) ? START - rng.between(1, 365) * DAY : rng.daytime(START, NOW);
      for (const team of chosen) {
        const decided = created + rng.between(10 * MINUTE, 2 * DAY);
        const status =
          decided >= NOW
            ? 'pending'
            : rng.weighted([
                ['approved', 96],
                ['declined', 2],
                ['pending', 2],
              ]);
        const decidedAt = status === 'pending' ? null : decided;
        members.add([
          id,
          c,
          team,
          rng.chance(0.03) ? 'lead' : 'member',
          status,
          null,
          null,
          phone(),
          rng.chance(0.6) ? 1 : 0,
          created,
          decidedAt,
          decidedAt && rng.pick(staffOf.get(c)!),
        ]);
        if (status === 'approved') {
          const key = `${c}:${team}`;
          if (!teamMembers.has(key)) teamMembers.set(key, []);
          teamMembers.get(key)!.push({ userId: id, decidedAt: decided });
        }
      }
    }
    rows += users.count + members.count;

    // ---- hazard reports, each through the report state machine (hazard-status.ts)
    const reports = inserter(sqlite, 'reports', [
      'id',
      'community_id',
      'category',
      'emergency',
      'status',
      'description',
      'building_id',
      'spot',
      'latitude',
      'longitude',
      'reporter_id',
      'owner_id',
      'team_id',
      'handed_to',
      'handed_ref',
      'reject_reason',
      'duplicate_of',
      'fix_note',
      'fix_answer',
      'rating',
      'rating_comment',
      'created_at',
      'updated_at',
      'acknowledged_at',
      'fixed_at',
      'closed_at',
      'ack_overdue_at',
      'fix_overdue_at',
      'page_due_at',
      'page_count',
    ]);
    const reportEvents = inserter(sqlite, 'report_events', ['report_id', 'at', 'actor_id', 'action', 'from_status', 'to_status', 'note']);
    const created = Array.from({ length: sizes.reports }, () => rng.daytime(START, NOW)).sort((a, b) => a - b);
    created.forEach((at, i) => {
      const c = pickCommunity();
      if (c === COMMUNITY) communityReports++;
      const r = simulateReport(
        rng,
        at,
        rng.weighted(categories),
        rng.pick(residentsOf.get(c)!),
        staffOf.get(c)!,
        residentsOf.get(c)!,
        communities.settings.emergencyAckMinutes,
      );
      const id = i + 1;
      const f = r.fields;
      reports.add([
        id,
        c,
        r.category.id,
        r.category.emergency ? 1 : 0,
        r.status,
        '楼道灯不亮，晚上看不清台阶',
        buildingOf.get(r.reporter) ?? null,
        null,
        null,
        null,
        r.reporter,
        f.owner_id,
        f.team_id,
        f.handed_to,
        f.handed_ref,
        f.reject_reason,
        null,
        f.fix_note,
        f.fix_answer,
        f.rating,
        null,
        at,
        r.events.at(-1)?.at ?? at,
        f.acknowledged_at,
        f.fixed_at,
        f.closed_at,
        f.ack_overdue_at,
        f.fix_overdue_at,
        f.page_due_at,
        f.page_count,
      ]);
      for (const e of r.events) reportEvents.add([id, e.at, e.actor, e.action, e.from, e.to, e.note]);
    });
    rows += reports.count + reportEvents.count;

    // ---- help requests and their tasks, each through the task moves (help.ts TASK_MOVES)
    const requests = inserter(sqlite, 'help_requests', [
      'id',
      'community_id',
      'building_id',
      'team_id',
      'requester_id',
      'on_behalf_name',
      'on_behalf_phone',
      'type',
      'details',
      'notes',
      'urgent',
      'window_start',
      'window_end',
      'unit',
      'address',
      'phone',
      'status',
      'created_at',
      'updated_at',
    ]);
    const recurrences = inserter(sqlite, 'recurrences', ['request_id', 'every', 'next_at', 'active', 'created_by', 'created_at']);
    const tasks = inserter(sqlite, 'tasks', [
      'id',
      'request_id',
      'community_id',
      'team_id',
      'status',
      'window_start',
      'window_end',
      'claimed_by',
      'claimed_at',
      'checkin_due_at',
      'checkin_sent_at',
      'checkin_ok_at',
      'started_at',
      'done_at',
      'done_note',
      'done_photo',
      'released_count',
      'created_at',
      'updated_at',
    ]);
    const taskEvents = inserter(sqlite, 'task_events', ['task_id', 'community_id', 'kind', 'actor_id', 'at']);
    const ratings = inserter(sqlite, 'ratings', ['task_id', 'community_id', 'rater_id', 'score', 'comment', 'created_at']);
    const hours = inserter(sqlite, 'hours', [
      'volunteer_id',
      'community_id',
      'task_id',
      'shift_id',
      'minutes',
      'corrected_minutes',
      'approved',
      'at',
    ]);
    // Requests in random order until their tasks make the number asked for (a recurring request
    // makes a fresh task every week until now), then lived in time order.
    const plans: { at: number; recurring: boolean; occurrences: number }[] = [];
    for (let planned = 0; planned < sizes.tasks;) {
      const at = rng.daytime(START, NOW);
      const recurring = rng.chance(0.08);
      const occurrences = Math.min(sizes.tasks - planned, recurring ? Math.floor((NOW - at) / (7 * DAY)) + 1 : 1);
      plans.push({ at, recurring, occurrences });
      planned += occurrences;
    }
    plans.sort((a, b) => a.at - b.at);
    let taskId = 0;
    for (const [i, { at, recurring, occurrences }] of plans.entries()) {
      const requestId = i + 1;
      const c = pickCommunity();
      const type = rng.weighted(helpTypes);
      const team = communities.teamForKind(c, type.teamKind)?.id ?? communities.community(c)!.teams[0].id;
      const requester = rng.pick(residentsOf.get(c)!);
      const urgent = rng.chance(0.1);
      let lastStatus = 'open';
      for (let k = 0; k < occurrences; k++) {
        const t = simulateTask(
          rng,
          at + k * 7 * DAY,
          urgent,
          requester,
          teamMembers.get(`${c}:${team}`) ?? [],
          staffOf.get(c)!,
          communities.settings.hoursCorrectionLimit * 60,
        );
        const id = ++taskId;
        const f = t.fields;
        tasks.add([
          id,
          requestId,
          c,
          team,
          t.status,
          null,
          null,
          f.claimed_by,
          f.claimed_at,
          f.checkin_due_at,
          null,
          null,
          f.started_at,
          f.done_at,
          f.done_at && '已送到，老人很好',
          null,
          f.released_count,
          t.events[0].at,
          t.events.at(-1)!.at,
        ]);
        for (const e of t.events) taskEvents.add([id, c, e.kind, e.actor, e.at]);
        if (t.hours) hours.add([t.hours.volunteer, c, id, null, t.hours.minutes, t.hours.corrected, t.hours.approved, f.done_at]);
        if (t.rating) ratings.add([id, c, requester, t.rating.score, id % 5 === 0 ? '志愿者很耐心' : null, t.rating.at]);
        lastStatus = t.status;
      }
      const status = recurring ? 'active' : lastStatus === 'done' ? 'closed' : lastStatus === 'cancelled' ? 'cancelled' : 'active';
      requests.add([
        requestId,
        c,
        buildingOf.get(requester)!,
        team,
        requester,
        null,
        null,
        type.id,
        '帮忙买菜和药',
        '',
        urgent ? 1 : 0,
        null,
        null,
        '3-502',
        null,
        phone(),
        status,
        at,
        at,
      ]);
      if (recurring) recurrences.add([requestId, 'week', at + occurrences * 7 * DAY, 1, requester, at]);
    }
    rows += requests.count + recurrences.count + tasks.count + taskEvents.count + ratings.count + hours.count;

    // ---- events with RSVPs, and broadcasts (notices and invitations) with one outbox row per recipient
    const events = inserter(sqlite, 'events', [
      'id',
      'community_id',
      'title',
      'description',
      'place',
      'starts_at',
      'capacity',
      'rsvp_deadline',
      'going',
      'status',
      'audience',
      'created_by',
      'created_at',
      'reminded_day_at',
      'reminded_soon_at',
      'rating_asked_at',
    ]);
    const rsvps = inserter(sqlite, 'rsvps', [
      'event_id',
      'user_id',
      'status',
      'queued_at',
      'attended',
      'rating',
      'rated_at',
      'rating_comment',
      'updated_at',
    ]);
    const broadcasts = inserter(sqlite, 'broadcasts', [
      'id',
      'community_id',
      'kind',
      'event_id',
      'created_by',
      'audience',
      'topic',
      'urgent',
      'text',
      'photo',
      'total',
      'status',
      'progress_text',
      'created_at',
      'finished_at',
    ]);
    const outbox = inserter(sqlite, 'outbox', [
      'chat_id',
      'method',
      'payload',
      'priority',
      'status',
      'attempts',
      'not_before',
      'broadcast_id',
      'ref',
      'message_id',
      'error',
      'created_at',
      'sent_at',
      'lease_until',
      'lease_owner',
    ]);
    let eventId = 0;
    let broadcastId = 0;
    const broadcast = (c: string, at: number, kind: 'notice' | 'event', eventRef: number | null) => {
      const id = ++broadcastId;
      const everyone = [...residentsOf.get(c)!, ...volunteersOf.get(c)!];
      const building = rng.pick(communities.community(c)!.buildings).id;
      const [audience, topic, recipients] = rng.weighted<[string, string, number[]]>([
        [[JSON.stringify({ kind: 'community' }), 'notices', everyone], 10],
        [
          [JSON.stringify({ kind: 'buildings', buildings: [building] }), 'notices', everyone.filter((u) => buildingOf.get(u) === building)],
          50,
        ],
        [[JSON.stringify({ kind: 'volunteers' }), 'volunteering', volunteersOf.get(c)!], 15],
        [[JSON.stringify({ kind: 'topic', topic: 'events' }), 'events', everyone.filter(() => rng.chance(0.3))], 25],
      ]);
      // Sent at about 25 a second (the sender's bulk rate); whatever is due after now is still pending.
      const finished = at + Math.ceil(recipients.length / 25) * 1000;
      broadcasts.add([
        id,
        c,
        kind,
        eventRef,
        rng.pick(staffOf.get(c)!),
        audience,
        topic,
        0,
        '本周六上午小区消杀，请关好门窗',
        null,
        recipients.length,
        finished < NOW ? 'done' : 'sending',
        null,
        at,
        finished < NOW ? finished : null,
      ]);
      recipients.forEach((u, k) => {
        const sentAt = at + Math.floor(k / 25) * 1000;
        const status =
          sentAt >= NOW
            ? 'pending'
            : rng.weighted([
                ['sent', 96],
                ['unreachable', 2.5],
                ['failed', 1],
                ['cancelled', 0.5],
              ]);
        outbox.add([
          u,
          'sendMessage',
          '{"text":"本周六上午小区消杀，请关好门窗"}',
          9,
          status,
          status === 'pending' ? 0 : 1,
          at,
          id,
          null,
          status === 'sent' ? 100_000 + k : null,
          status === 'failed' ? 'Too Many Requests' : null,
          at,
          status === 'sent' ? sentAt : null,
          null,
          null,
        ]);
      });
    };
    for (const c of ids) {
      for (let week = 0; week < 10; week++) {
        const from = START + week * 7 * DAY;
        for (let n = rng.int(2, 3); n > 0; n--) {
          const id = ++eventId;
          const startsAt = rng.daytime(from, from + 7 * DAY);
          const createdAt = startsAt - rng.between(3, 10) * DAY;
          const capacity = rng.chance(0.7) ? rng.int(20, 60) : null;
          const cancelled = rng.chance(0.05);
          const going = rng.int(5, capacity ?? 80);
          const past = startsAt < NOW;
          events.add([
            id,
            c,
            '社区义诊',
            '免费测血压血糖',
            '社区活动室',
            startsAt,
            capacity,
            startsAt - DAY,
            going,
            cancelled ? 'cancelled' : 'open',
            '{"kind":"community"}',
            rng.pick(staffOf.get(c)!),
            createdAt,
            null,
            null,
            null,
          ]);
          const people = new Set<number>();
          while (people.size < going) people.add(rng.pick(residentsOf.get(c)!));
          for (const u of people) {
            const attended =
              past && !cancelled
                ? rng.weighted<number | null>([
                    [1, 80],
                    [0, 10],
                    [null, 10],
                  ])
                : null;
            const queuedAt = createdAt + rng.between(0, 2 * DAY);
            const rating = attended === 1 && rng.chance(0.3) ? rng.weighted(SCORES) : null;
            // Rated three hours after the start (not after now); every other rating, and every low one, with a comment.
            const ratedAt = rating === null ? null : Math.min(startsAt + 3 * HOUR, NOW - 1);
            const comment = rating !== null && (rating <= 2 || u % 2 === 0) ? '活动很好，希望多办' : null;
            rsvps.add([id, u, 'going', queuedAt, attended, rating, ratedAt, comment, createdAt]);
          }
          if (createdAt < NOW) broadcast(c, createdAt, 'event', id);
        }
        for (let n = rng.int(1, 2); n > 0; n--) {
          const at = rng.daytime(from, Math.min(NOW, from + 7 * DAY));
          broadcast(c, at, 'notice', null);
        }
      }
    }
    rows += events.count + rsvps.count + broadcasts.count + outbox.count;

    // ---- 1% of volunteers erased their data (/deleteme), as src/features/help/privacy.ts does
    for (const c of ids) {
      for (const u of volunteersOf.get(c)!.filter(() => rng.chance(0.01))) {
        sqlite.prepare('UPDATE team_members SET user_id = NULL, phone = NULL, agreed_to_be_named = 0 WHERE user_id = ?').run(u);
        sqlite.prepare('UPDATE tasks SET claimed_by = NULL WHERE claimed_by = ?').run(u);
        sqlite.prepare('UPDATE hours SET volunteer_id = NULL WHERE volunteer_id = ?').run(u);
        sqlite.prepare('UPDATE task_events SET actor_id = NULL WHERE actor_id = ?').run(u);
        sqlite.prepare('DELETE FROM users WHERE id = ?').run(u);
      }
    }
  });
  tx();
  sqlite.pragma('wal_checkpoint(TRUNCATE)');
  sqlite.close();
  return { path, rows, fillMs: performance.now() - t0, communityReports };
}

interface ReportEvent {
  at: number;
  actor: number | null;
  action: string;
  from: string | null;
  to: string | null;
  note: string | null;
}

/** What a report's life sets besides its status (all null until then). */
const REPORT_FIELDS = [
  'owner_id',
  'team_id',
  'handed_to',
  'handed_ref',
  'reject_reason',
  'fix_note',
  'fix_answer',
  'rating',
  'acknowledged_at',
  'fixed_at',
  'closed_at',
  'ack_overdue_at',
  'fix_overdue_at',
  'page_due_at',
] as const;

/**
 * One report's life until now: withdrawn, rejected, handed upward or acknowledged, assigned,
 * started and fixed (in or out of the SLA), then confirmed and rated, reopened and fixed again,
 * or closed by the "is it fixed?" timeout. What would happen after now has not happened yet.
 */
function simulateReport(
  rng: Rand,
  created: number,
  category: HazardCategory,
  reporter: number,
  staff: number[],
  neighbours: number[],
  pageMinutes: number,
) {
  const events: ReportEvent[] = [{ at: created, actor: reporter, action: 'create', from: null, to: 'new', note: null }];
  const fields = { ...Object.fromEntries(REPORT_FIELDS.map((k) => [k, null])), page_count: 0 } as {
    [K in (typeof REPORT_FIELDS)[number]]: ReportsTable[K];
  } & { page_count: number };
  if (category.emergency) fields.page_due_at = created + pageMinutes * MINUTE;
  let status = 'new';
  const clerk = rng.pick(staff);
  /** Records a move if it happens before now; false stops the story there. */
  const move = (at: number, action: string, to: string | null, actor: number | null, note: string | null = null): boolean => {
    if (at >= NOW) return false;
    events.push({ at, actor, action, from: to && status, to, note });
    if (actor !== null && staff.includes(actor)) fields.page_due_at = null;
    if (['acknowledge', 'assign', 'start', 'hand_up', 'fix'].includes(action)) fields.acknowledged_at ??= at;
    if (action === 'acknowledge' || action === 'assign') fields.owner_id ??= actor;
    if (action === 'fix') Object.assign(fields, { fix_note: note, fixed_at: at, fix_answer: null, rating: null });
    if (action === 'reopen') fields.fix_overdue_at = null;
    if (to === 'closed' || to === 'rejected' || to === 'withdrawn') fields.closed_at = at;
    if (to) status = to;
    return true;
  };
  const system = (at: number, action: 'overdue_ack' | 'overdue_fix') => {
    if (at >= NOW) return;
    events.push({ at, actor: null, action, from: null, to: null, note: null });
    fields[action === 'overdue_ack' ? 'ack_overdue_at' : 'fix_overdue_at'] = at;
  };
  const rate = (at: number, low: boolean) => {
    if (at >= NOW) return;
    const score = low ? rng.int(1, 3) : rng.weighted(SCORES);
    events.push({ at, actor: reporter, action: 'rating', from: null, to: null, note: String(score) });
    fields.rating = score;
    // A low score comes with a comment (no random draw, so the rest of the data stays as it was).
    if (score <= 2 && at + 10 * MINUTE < NOW)
      events.push({ at: at + 10 * MINUTE, actor: reporter, action: 'comment', from: null, to: null, note: '还是没修好' });
  };
  const story = () => {
    if (rng.chance(0.02)) return void move(created + rng.between(10 * MINUTE, 3 * HOUR), 'withdraw', 'withdrawn', reporter);

    const ackSla = category.slaAckHours * HOUR;
    const fixSla = category.slaFixHours * HOUR;
    const lateAnswer = rng.chance(0.16);
    const answeredAt = created + Math.max(2 * MINUTE, Math.round(ackSla * (lateAnswer ? 1.02 + rng.float() * 1.5 : rng.float() * 0.98)));
    if (lateAnswer) system(created + ackSla, 'overdue_ack');
    if (category.emergency && answeredAt > created + pageMinutes * MINUTE)
      fields.page_count = Math.min(6, Math.floor((answeredAt - created) / (pageMinutes * MINUTE)));
    if (rng.chance(0.04)) {
      if (move(answeredAt, 'reject', 'rejected', clerk, '重复上报')) fields.reject_reason = '重复上报';
      return;
    }
    if (!move(answeredAt, 'acknowledge', 'acknowledged', clerk)) return;
    let t = answeredAt;
    if (rng.chance(0.03)) {
      if (move(t + rng.between(HOUR, 2 * DAY), 'reject', 'rejected', clerk, '不属于社区处理范围'))
        fields.reject_reason = '不属于社区处理范围';
      return;
    }
    if (rng.chance(0.04)) {
      if (!move((t += rng.between(HOUR, DAY)), 'hand_up', 'handed_up', clerk, '已转街道城管科')) return;
      Object.assign(fields, { handed_to: 'street', handed_ref: `JD-${rng.int(1000, 9999)}` });
      // Sometimes the street office fixes it and staff record the fix.
      if (!rng.chance(0.3) || !move((t += rng.between(2 * DAY, 20 * DAY)), 'fix', 'fixed', clerk, '街道已修复')) return;
      return afterFix(t, 1);
    }
    if (rng.chance(0.5) && !move((t += rng.between(10 * MINUTE, 6 * HOUR)), 'assign', 'assigned', rng.pick(staff))) return;
    if (rng.chance(0.45) && !move((t += rng.between(30 * MINUTE, DAY)), 'start', 'in_progress', clerk)) return;
    const lateFix = rng.chance(0.2);
    const fixAt = Math.max(
      t + 10 * MINUTE,
      created + Math.round(fixSla * (lateFix ? 1.02 + rng.float() * 1.2 : 0.15 + rng.float() * 0.83)),
    );
    if (fixAt > created + fixSla) system(created + fixSla, 'overdue_fix');
    if (move(fixAt, 'fix', 'fixed', clerk, '已更换灯泡')) afterFix(fixAt, 1);
  };
  /** The reporter is asked "is it fixed?": yes (and a rating), no (reopened, fixed again), or no answer. */
  const afterFix = (fixedAt: number, round: number): void => {
    const answer = fixedAt + rng.between(2 * HOUR, 70 * HOUR);
    const r = rng.float();
    if (r < 0.55) {
      if (!move(answer, 'confirm', 'closed', reporter)) return;
      fields.fix_answer = rng.chance(0.9) ? 'yes' : 'partly';
      if (rng.chance(0.8)) rate(answer + rng.between(MINUTE, 30 * MINUTE), false);
    } else if (r < 0.62 && round === 1) {
      if (!move(answer, 'reopen', 'reopened', reporter)) return;
      fields.fix_answer = 'no';
      if (rng.chance(0.7)) rate(answer + rng.between(MINUTE, 30 * MINUTE), true);
      const again = answer + rng.between(6 * HOUR, 4 * DAY);
      if (move(again, 'fix', 'fixed', clerk, '重新修好了')) afterFix(again, 2);
    } else move(fixedAt + 3 * DAY, 'auto_close', 'closed', null);
  };
  story();
  // Neighbours who see the same thing add their support, and reporters add notes, while it is open.
  const open = (at: number) => at < (fields.closed_at ?? NOW);
  for (let n = rng.chance(0.15) ? rng.int(1, 3) : 0; n > 0; n--) {
    const at = created + rng.between(MINUTE, DAY);
    if (open(at)) events.push({ at, actor: rng.pick(neighbours), action: 'support', from: null, to: null, note: null });
  }
  const noteAt = created + rng.between(HOUR, 2 * DAY);
  if (rng.chance(0.08) && open(noteAt))
    events.push({ at: noteAt, actor: reporter, action: 'note', from: null, to: null, note: '还是没人来看' });
  events.sort((a, b) => a.at - b.at);
  return { category, reporter, status, fields, events };
}

/**
 * One task's life until now: cancelled before a claim, or claimed (sometimes released, then
 * claimed again; released twice it escalates to staff, who repost or cancel it), started, done
 * with the volunteer's hours (sometimes corrected), and rated by the requester.
 */
function simulateTask(
  rng: Rand,
  created: number,
  urgent: boolean,
  requester: number,
  members: Member[],
  staff: number[],
  correctionLimit: number,
) {
  const events: { kind: string; actor: number | null; at: number }[] = [{ kind: 'open', actor: requester, at: created }];
  const fields = {
    claimed_by: null as number | null,
    claimed_at: null as number | null,
    checkin_due_at: null as number | null,
    started_at: null as number | null,
    done_at: null as number | null,
    released_count: 0,
  };
  let status = 'open';
  let hours: { volunteer: number; minutes: number; corrected: number | null; approved: number } | undefined;
  let rating: { score: number; at: number } | undefined;
  const move = (at: number, kind: string, actor: number | null) => {
    if (at >= NOW) return false;
    events.push({ kind, actor, at });
    status = kind;
    return true;
  };
  /** A volunteer of the team who had joined by then (members are few in a small team: anyone will do). */
  const volunteer = (at: number) => {
    for (let i = 0; i < 8; i++) {
      const m = rng.pick(members);
      if (m.decidedAt < at) return m.userId;
    }
    return rng.pick(members).userId;
  };
  const claim = (at: number) => {
    const v = volunteer(at);
    if (!move(at, 'claimed', v)) return undefined;
    Object.assign(fields, { claimed_by: v, claimed_at: at, checkin_due_at: at + 2 * HOUR, started_at: null });
    return v;
  };
  const release = (at: number, v: number) => {
    if (!move(at, 'released', rng.chance(0.5) ? v : null)) return false;
    Object.assign(fields, { claimed_by: null, claimed_at: null, checkin_due_at: null, started_at: null });
    fields.released_count++;
    return true;
  };
  const story = () => {
    if (members.length === 0) return;
    if (rng.chance(0.04)) return void move(created + rng.between(30 * MINUTE, 12 * HOUR), 'cancelled', requester);
    let t =
      created +
      (urgent ? rng.between(3 * MINUTE, HOUR) : rng.chance(0.7) ? rng.between(10 * MINUTE, 2 * HOUR) : rng.between(2 * HOUR, DAY));
    let v = claim(t);
    if (v === undefined) return;
    if (rng.chance(0.07)) {
      if (!release((t += rng.between(HOUR, 8 * HOUR)), v)) return;
      if ((v = claim((t += rng.between(30 * MINUTE, 10 * HOUR)))) === undefined) return;
      if (rng.chance(0.25)) {
        if (!release((t += rng.between(HOUR, 8 * HOUR)), v) || !move(t, 'escalated', null)) return;
        if (!rng.chance(0.5)) return void move(t + rng.between(HOUR, DAY), 'cancelled', rng.pick(staff));
        if (!move((t += rng.between(HOUR, DAY)), 'open', rng.pick(staff))) return;
        if ((v = claim((t += rng.between(10 * MINUTE, 4 * HOUR)))) === undefined) return;
      }
    }
    const started = rng.chance(0.85);
    if (started) {
      if (!move((t += rng.between(20 * MINUTE, 20 * HOUR)), 'started', v)) return;
      fields.started_at = t;
    }
    const doneAt = t + rng.between(20 * MINUTE, 3 * HOUR);
    if (!move(doneAt, 'done', v)) return;
    fields.done_at = doneAt;
    const minutes = started ? Math.round((doneAt - t) / MINUTE) : 0;
    // Done without Start measures nothing, so most correct it; a large correction waits for the lead.
    const corrected = !started
      ? rng.chance(0.8)
        ? rng.int(30, 150)
        : null
      : rng.chance(0.08)
        ? Math.max(0, minutes + rng.int(-60, 200))
        : null;
    const waiting = corrected !== null && Math.abs(corrected - minutes) > correctionLimit;
    const refused = waiting && rng.chance(0.2);
    hours = { volunteer: v, minutes, corrected: refused ? null : corrected, approved: waiting && rng.chance(0.4) ? 0 : 1 };
    const ratedAt = doneAt + rng.between(HOUR, 2 * DAY);
    if (rng.chance(0.55) && ratedAt < NOW) rating = { score: rng.weighted(SCORES), at: ratedAt };
  };
  story();
  return { status, fields, events, hours, rating };
}

// ---------------------------------------------------------------------------------------------
// The reference: one hand-written SQL query per figure

type Sql = RawBuilder<unknown>;

/**
 * The same figures as weeklySummary, each from one SQL query that does all the work in the
 * database (SLA deadlines from the categories as a CASE, a report's status at a moment
 * as the last status change before it, medians by window functions). `queries` counts them.
 * Like weeklySummary, every deadline is judged at `asOf` (min(the summary's week's end, now)):
 * one still to come settles nothing and is not overdue, and an event not yet begun is not held.
 */
class Reference {
  queries = 0;
  /** Set by summary(): when its deadlines are judged. */
  private asOf = Number.POSITIVE_INFINITY;

  constructor(
    private readonly db: Db,
    private readonly communityId: string,
    private readonly communities: Communities,
  ) {}

  /** A report's acknowledgement or fix deadline, from its category's SLA (null: unknown category). */
  private due(kind: 'ack' | 'fix'): Sql {
    const slas = this.communities.config.hazardCategories.map(
      (c) => sql`WHEN ${c.id} THEN ${sql.lit((kind === 'ack' ? c.slaAckHours : c.slaFixHours) * HOUR)}`,
    );
    return sql`r.created_at + CASE r.category ${sql.join(slas, sql` `)} END`;
  }

  private async rows<T>(query: Sql): Promise<T[]> {
    this.queries++;
    return (await query.execute(this.db)).rows as T[];
  }

  private async number(query: Sql): Promise<number | null> {
    const [row] = await this.rows<{ n: number | null }>(query);
    return row?.n ?? null;
  }

  private count = async (query: Sql) => Number(await this.number(query));

  /** A report's status just before `at`: its final status if closed before then, else its last status change before then ('new' when none). */
  private statusAt(at: Sql | number): Sql {
    return sql`CASE WHEN r.closed_at < ${at} THEN r.status ELSE
      COALESCE((SELECT e.to_status FROM report_events e WHERE e.report_id = r.id AND e.at < ${at} AND e.to_status IS NOT NULL ORDER BY e.at DESC, e.id DESC LIMIT 1), 'new') END`;
  }

  private median(values: Sql): Sql {
    return sql`WITH d(v) AS (${values}), o AS (SELECT v, ROW_NUMBER() OVER (ORDER BY v) AS rn, COUNT(*) OVER () AS n FROM d)
      SELECT AVG(v) AS n FROM o WHERE rn IN ((n + 1) / 2, (n + 2) / 2)`;
  }

  private weeks(weeks: Week[]): Sql {
    return sql`weeks(k, ws, we) AS (VALUES ${sql.join(weeks.map((w) => sql`(${w.key}, ${w.start}, ${w.end})`))})`;
  }

  /** Reports that can settle something in the weeks: this community's, not withdrawn, created by their end, not closed before they began. */
  private candidates(weeks: Week[]): Sql {
    return sql`r.community_id = ${this.communityId} AND r.status <> 'withdrawn' AND r.created_at < ${weeks.at(-1)!.end} AND (r.closed_at IS NULL OR r.closed_at >= ${weeks[0].start})`;
  }

  /** Per week, how many rows of x (in_sla, settled_at) settled in it, how many in the SLA, and the rate. */
  private settledPerWeek(weeks: Week[], x: Sql) {
    return this.rows<{ k: string; settled: number; in_sla: number; rate: number | null }>(sql`
      WITH ${this.weeks(weeks)}, ${x}
      SELECT weeks.k, COUNT(x.in_sla) AS settled, COALESCE(SUM(x.in_sla), 0) AS in_sla,
             CASE WHEN COUNT(x.in_sla) = 0 THEN NULL ELSE CAST(ROUND(SUM(x.in_sla) * 100.0 / COUNT(x.in_sla)) AS INTEGER) END AS rate
      FROM weeks LEFT JOIN x ON x.settled_at >= weeks.ws AND x.settled_at < weeks.we
      GROUP BY weeks.k ORDER BY weeks.ws`);
  }

  /** Acknowledgements settled: answered (acknowledged, or rejected) in the SLA, else the deadline passing. */
  private response(weeks: Week[]) {
    return this.settledPerWeek(
      weeks,
      sql`a AS (SELECT COALESCE(r.acknowledged_at, CASE WHEN r.status = 'rejected' THEN r.closed_at END) AS answered, ${this.due('ack')} AS due FROM reports r WHERE ${this.candidates(weeks)}),
      x AS MATERIALIZED (SELECT answered IS NOT NULL AND answered <= due AS in_sla, CASE WHEN answered IS NOT NULL AND answered <= due THEN answered ELSE due END AS settled_at FROM a
        WHERE due IS NOT NULL AND ((answered IS NOT NULL AND answered <= due) OR due <= ${this.asOf}))`,
    );
  }

  /** Fixes settled: first fixed in the SLA, else the deadline passing while the report was still ours to fix. */
  private resolution(weeks: Week[]) {
    return this.settledPerWeek(
      weeks,
      sql`f AS MATERIALIZED (SELECT r.id, r.status, r.closed_at, ${this.due('fix')} AS due,
              CASE WHEN r.fixed_at IS NOT NULL THEN (SELECT e.at FROM report_events e WHERE e.report_id = r.id AND e.action = 'fix' ORDER BY e.at LIMIT 1) END AS first_fix
            FROM reports r WHERE ${this.candidates(weeks)}),
      s AS (SELECT *, first_fix IS NOT NULL AND first_fix <= due AS in_sla, CASE WHEN first_fix IS NOT NULL AND first_fix <= due THEN first_fix ELSE due END AS settled_at FROM f WHERE due IS NOT NULL),
      x AS MATERIALIZED (SELECT in_sla, settled_at FROM s AS r WHERE settled_at >= ${weeks[0].start} AND settled_at < ${weeks.at(-1)!.end}
        AND (in_sla OR (r.due <= ${this.asOf} AND ${this.statusAt(sql.ref('r.due'))} NOT IN ('rejected', 'withdrawn', 'handed_up'))))`,
    );
  }

  /** Ratings given in the weeks: reporters rating a fix (report history) and requesters rating a task. */
  private scores(weeks: Week[]): Sql {
    const [start, end] = [weeks[0].start, weeks.at(-1)!.end];
    return sql`${this.weeks(weeks)},
      s AS (SELECT CAST(e.note AS REAL) AS score, e.at FROM report_events e JOIN reports r ON r.id = e.report_id
            WHERE r.community_id = ${this.communityId} AND e.action = 'rating' AND e.at >= ${start} AND e.at < ${end}
            UNION ALL SELECT score, created_at FROM ratings WHERE community_id = ${this.communityId} AND created_at >= ${start} AND created_at < ${end})`;
  }

  private satisfaction(weeks: Week[]) {
    return this.rows<{ k: string; ratings: number; satisfied: number; rate: number | null }>(sql`
      WITH ${this.scores(weeks)}
      SELECT weeks.k, COUNT(s.score) AS ratings, COALESCE(SUM(s.score >= 4), 0) AS satisfied,
             CASE WHEN COUNT(s.score) = 0 THEN NULL ELSE CAST(ROUND(SUM(s.score >= 4) * 100.0 / COUNT(s.score)) AS INTEGER) END AS rate
      FROM weeks LEFT JOIN s ON s.at >= weeks.ws AND s.at < weeks.we AND s.score BETWEEN 1 AND 5
      GROUP BY weeks.k ORDER BY weeks.ws`);
  }

  private averageRating(weeks: Week[]) {
    return this.rows<{ k: string; average: number | null }>(sql`
      WITH ${this.scores(weeks)}
      SELECT weeks.k, ROUND(AVG(s.score) * 10) / 10.0 AS average
      FROM weeks LEFT JOIN s ON s.at >= weeks.ws AND s.at < weeks.we AND s.score BETWEEN 1 AND 5
      GROUP BY weeks.k ORDER BY weeks.ws`);
  }

  /** The three rates of each week: four queries however many weeks. */
  async rates(weeks: Week[]): Promise<Rates[]> {
    const [response, resolution, satisfaction, average] = [
      await this.response(weeks),
      await this.resolution(weeks),
      await this.satisfaction(weeks),
      await this.averageRating(weeks),
    ];
    return weeks.map((_, i) => ({
      response: response[i].rate,
      resolution: resolution[i].rate,
      satisfaction: satisfaction[i].rate,
      averageRating: average[i].average,
      ackInSla: response[i].in_sla,
      ackSettled: response[i].settled,
      fixInSla: resolution[i].in_sla,
      fixSettled: resolution[i].settled,
      ratings: satisfaction[i].ratings,
      satisfied: satisfaction[i].satisfied,
    }));
  }

  async week(w: Week): Promise<WeekFigures> {
    const c = this.communityId;
    const { start, end } = w;
    const reportAction = (action: string) =>
      this.count(
        sql`SELECT COUNT(*) AS n FROM report_events e JOIN reports r ON r.id = e.report_id WHERE r.community_id = ${c} AND e.action = ${action} AND e.at >= ${start} AND e.at < ${end}`,
      );
    const taskEvents = (kind: string) =>
      this.count(
        sql`SELECT COUNT(*) AS n FROM task_events WHERE community_id = ${c} AND kind = ${kind} AND at >= ${start} AND at < ${end}`,
      );
    const reach = (status: string) =>
      this.count(
        sql`SELECT COUNT(*) AS n FROM outbox WHERE status = ${status} AND broadcast_id IN (SELECT id FROM broadcasts WHERE community_id = ${c} AND created_at >= ${start} AND created_at < ${end})`,
      );
    // Reports still there at the week's end: closed_at is when a report reached a final status, which it never leaves.
    const notClosed = sql`r.community_id = ${c} AND r.created_at < ${end} AND (r.closed_at IS NULL OR r.closed_at >= ${end})`;
    const counted = sql`CASE WHEN approved <> 0 AND corrected_minutes IS NOT NULL THEN corrected_minutes ELSE minutes END`;
    const judged = Math.min(end, this.asOf);

    const hazards: WeekFigures['hazards'] = {
      new: await this.count(
        sql`SELECT COUNT(*) AS n FROM reports WHERE community_id = ${c} AND created_at >= ${start} AND created_at < ${end}`,
      ),
      acknowledged: await this.count(
        sql`SELECT COUNT(*) AS n FROM reports WHERE community_id = ${c} AND created_at < ${end} AND acknowledged_at >= ${start} AND acknowledged_at < ${end}`,
      ),
      ackInSla: 0, // the response rate's numerator, below
      fixed: await reportAction('fix'),
      reopened: await reportAction('reopen'),
      handedUp: await reportAction('hand_up'),
      stillOpen: await this.count(
        sql`SELECT COUNT(*) AS n FROM reports r WHERE ${notClosed} AND ${this.statusAt(end)} IN (${sql.join(OPEN_STATUSES)})`,
      ),
      overdue: await this.count(sql`
        SELECT COUNT(*) AS n FROM (SELECT ${this.due('ack')} AS ack_due, ${this.due('fix')} AS fix_due, ${this.statusAt(end)} AS s FROM reports r WHERE ${notClosed})
        WHERE (s IN (${sql.join(UNACKNOWLEDGED_STATUSES)}) AND ack_due <= ${judged}) OR (s IN (${sql.join(AWAITING_FIX_STATUSES)}) AND fix_due <= ${judged})`),
      byCategory: Object.fromEntries(
        (
          await this.rows<{ category: string; n: number }>(
            sql`SELECT category, COUNT(*) AS n FROM reports WHERE community_id = ${c} AND created_at >= ${start} AND created_at < ${end} GROUP BY category`,
          )
        ).map((r) => [r.category, r.n]),
      ),
      medianAckMs: await this.number(
        this.median(
          sql`SELECT acknowledged_at - created_at FROM reports WHERE community_id = ${c} AND created_at < ${end} AND acknowledged_at >= ${start} AND acknowledged_at < ${end}`,
        ),
      ),
      medianFixMs: await this.number(
        this.median(
          sql`SELECT e.at - r.created_at FROM report_events e JOIN reports r ON r.id = e.report_id WHERE r.community_id = ${c} AND r.created_at < ${end} AND e.action = 'fix' AND e.at >= ${start} AND e.at < ${end}`,
        ),
      ),
    };
    const [rates] = await this.rates([w]);
    hazards.ackInSla = rates.ackInSla;

    const help: WeekFigures['help'] = {
      newRequests: await this.count(
        sql`SELECT COUNT(*) AS n FROM help_requests WHERE community_id = ${c} AND created_at >= ${start} AND created_at < ${end}`,
      ),
      claimed: await taskEvents('claimed'),
      done: await taskEvents('done'),
      released: await taskEvents('released'),
      medianClaimMs: await this.number(
        this.median(
          sql`SELECT e.at - t.created_at FROM task_events e JOIN tasks t ON t.id = e.task_id WHERE e.community_id = ${c} AND e.kind = 'claimed' AND e.at >= ${start} AND e.at < ${end}`,
        ),
      ),
    };
    const volunteers: WeekFigures['volunteers'] = {
      active: await this.count(sql`SELECT COUNT(*) AS n FROM (
        SELECT volunteer_id FROM hours WHERE community_id = ${c} AND at >= ${start} AND at < ${end} AND volunteer_id IS NOT NULL
        UNION SELECT actor_id FROM task_events WHERE community_id = ${c} AND kind = 'claimed' AND at >= ${start} AND at < ${end} AND actor_id IS NOT NULL)`),
      new: await this.count(
        sql`SELECT COUNT(DISTINCT user_id) + COUNT(*) - COUNT(user_id) AS n FROM team_members WHERE community_id = ${c} AND status = 'approved' AND decided_at >= ${start} AND decided_at < ${end}`,
      ),
      minutes: await this.count(
        sql`SELECT COALESCE(SUM(${counted}), 0) AS n FROM hours WHERE community_id = ${c} AND at >= ${start} AND at < ${end}`,
      ),
      top: await this.rows<{ userId: number; name: string; minutes: number }>(sql`
          SELECT h.volunteer_id AS userId, COALESCE(u.first_name, '') AS name, SUM(${counted}) AS minutes
          FROM hours h LEFT JOIN users u ON u.id = h.volunteer_id
          WHERE h.community_id = ${c} AND h.at >= ${start} AND h.at < ${end} AND h.volunteer_id IS NOT NULL
          GROUP BY h.volunteer_id ORDER BY minutes DESC, h.volunteer_id LIMIT 5`),
    };
    const heldEvents = sql`FROM events WHERE community_id = ${c} AND status <> 'cancelled' AND starts_at >= ${start} AND starts_at < ${end} AND starts_at <= ${this.asOf}`;
    return {
      week: w,
      hazards,
      rates,
      help,
      volunteers,
      events: {
        held: await this.count(sql`SELECT COUNT(*) AS n ${heldEvents}`),
        attendance: await this.count(sql`SELECT COUNT(*) AS n FROM rsvps WHERE attended = 1 AND event_id IN (SELECT id ${heldEvents})`),
      },
      broadcasts: {
        sent: await this.count(
          sql`SELECT COUNT(*) AS n FROM broadcasts WHERE community_id = ${c} AND created_at >= ${start} AND created_at < ${end}`,
        ),
        delivered: await reach('sent'),
        unreachable: await reach('unreachable'),
      },
      asks: await this.asks(w, judged),
      bookings: {
        attended: await this.count(
          sql`SELECT COUNT(*) AS n FROM bookings WHERE community_id = ${c} AND status = 'attended' AND starts_at >= ${start} AND starts_at < ${end}`,
        ),
        noShows: await this.count(
          sql`SELECT COUNT(*) AS n FROM bookings WHERE community_id = ${c} AND status = 'no_show' AND starts_at >= ${start} AND starts_at < ${end}`,
        ),
      },
    };
  }

  /** Questions (/ask): first waits settled in the week (answered, or the SLA deadline passed unanswered) and replies to answers. */
  private async asks(w: Week, judged: number): Promise<WeekFigures['asks']> {
    const c = this.communityId;
    const sla = sql.lit(this.communities.settings.askSlaHours * HOUR);
    const inWeek = (at: Sql) => sql`${at} >= ${w.start} AND ${at} < ${w.end} AND ${at} <= ${judged}`;
    const inTime = sql`first_answered_at IS NOT NULL AND first_answered_at <= created_at + ${sla}`;
    const answeredInSla = await this.count(
      sql`SELECT COUNT(*) AS n FROM questions WHERE community_id = ${c} AND ${inTime} AND ${inWeek(sql`first_answered_at`)}`,
    );
    const missed = await this.count(
      sql`SELECT COUNT(*) AS n FROM questions WHERE community_id = ${c} AND NOT (${inTime}) AND ${inWeek(sql`(created_at + ${sla})`)}`,
    );
    const satisfied = await this.count(sql`SELECT COUNT(*) AS n FROM questions WHERE community_id = ${c} AND ${inWeek(sql`resolved_at`)}`);
    const followUps = await this.count(sql`SELECT COUNT(*) AS n FROM question_messages m JOIN questions q ON q.id = m.question_id
      WHERE q.community_id = ${c} AND m.role = 'resident' AND m.created_at > q.created_at AND m.created_at >= ${w.start} AND m.created_at < ${w.end}`);
    return {
      asked: await this.count(
        sql`SELECT COUNT(*) AS n FROM questions WHERE community_id = ${c} AND created_at >= ${w.start} AND created_at < ${w.end}`,
      ),
      answeredInSla,
      slaSettled: answeredInSla + missed,
      satisfied,
      replies: satisfied + followUps,
    };
  }

  /** The week's rating comments (hazard history, help ratings, event RSVPs): how many, and the newest listed, in one query each. */
  async comments(w: Week): Promise<WeeklySummary['comments']> {
    const c = this.communityId;
    const all = sql`
      SELECT 'hazard' AS kind, r.id AS id, r.rating AS score, e.note AS text, e.at AS at, r.category AS subject
        FROM report_events e JOIN reports r ON r.id = e.report_id
        WHERE r.community_id = ${c} AND e.action = 'comment' AND e.at >= ${w.start} AND e.at < ${w.end} AND e.note <> ''
      UNION ALL SELECT 'help', g.task_id, g.score, g.comment, g.created_at, q.type
        FROM ratings g JOIN tasks t ON t.id = g.task_id JOIN help_requests q ON q.id = t.request_id
        WHERE g.community_id = ${c} AND g.comment <> '' AND g.created_at >= ${w.start} AND g.created_at < ${w.end}
      UNION ALL SELECT 'event', v.id, s.rating, s.rating_comment, s.rated_at, v.title
        FROM rsvps s JOIN events v ON v.id = s.event_id
        WHERE v.community_id = ${c} AND s.rating_comment <> '' AND s.rated_at >= ${w.start} AND s.rated_at < ${w.end}`;
    const total = await this.count(sql`SELECT COUNT(*) AS n FROM (${all})`);
    const latest = await this.rows<RatingComment>(
      sql`SELECT * FROM (${all}) ORDER BY at DESC, kind, id, text LIMIT ${sql.lit(COMMENTS_LISTED)}`,
    );
    return { total, latest };
  }

  async summary(week: Week, timeZone: string, now: number): Promise<WeeklySummary> {
    this.asOf = Math.min(week.end, now);
    const trendWeeks = Array.from({ length: TREND_WEEKS }, (_, i) => weeksBefore(week, TREND_WEEKS - 1 - i, timeZone));
    const thisWeek = await this.week(week);
    const lastWeek = await this.week(weeksBefore(week, 1, timeZone));
    const trend = await this.rates(trendWeeks);
    return {
      communityId: this.communityId,
      asOf: this.asOf,
      thisWeek,
      lastWeek,
      trend: trendWeeks.map((w, i) => ({ week: w, rates: trend[i] })),
      comments: await this.comments(week),
    };
  }
}

// ---------------------------------------------------------------------------------------------
// Timing and checking

/** Every leaf that differs between the two, as "path: actual ≠ expected"; and how many leaves were compared. */
function compare(actual: unknown, expected: unknown, path = 'summary'): { differences: string[]; leaves: number } {
  if (actual !== null && expected !== null && typeof actual === 'object' && typeof expected === 'object') {
    const keys = new Set([...Object.keys(actual), ...Object.keys(expected)]);
    const out = { differences: [] as string[], leaves: 0 };
    for (const k of keys) {
      const sub = compare((actual as Record<string, unknown>)[k], (expected as Record<string, unknown>)[k], `${path}.${k}`);
      out.differences.push(...sub.differences);
      out.leaves += sub.leaves;
    }
    return out;
  }
  return {
    differences: Object.is(actual, expected) ? [] : [`${path}: ${JSON.stringify(actual)} ≠ ${JSON.stringify(expected)}`],
    leaves: 1,
  };
}

type Timing = { wall: number; cpu: number };

/** Wall and CPU milliseconds of one run. SQLite runs in this process, so CPU time is the work itself even when other processes share the cores. */
async function timed(task: () => Promise<unknown> | unknown): Promise<Timing> {
  const [t0, c0] = [performance.now(), process.cpuUsage()];
  await task();
  const c = process.cpuUsage(c0);
  return { wall: performance.now() - t0, cpu: (c.user + c.system) / 1000 };
}

/** Median wall and CPU time of the runs. */
function medians(runs: Timing[]): Timing {
  const mid = (xs: number[]) =>
    percentile(
      [...xs].sort((a, b) => a - b),
      50,
    );
  return { wall: mid(runs.map((r) => r.wall)), cpu: mid(runs.map((r) => r.cpu)) };
}

const ms = (t: Timing) => `${fmt(t.wall)} ms (CPU ${fmt(t.cpu)} ms)`;

export async function benchSummary(opts: SummarySizes): Promise<Row[]> {
  const communities = new Communities(loadCommunityConfig(fileURLToPath(new URL('../src/community/example.json', import.meta.url))));
  const dir = mkdtempSync(join(tmpdir(), 'linli-summary-'));
  try {
    const filled = await fill(dir, opts, communities);
    const db = openDatabase({ kind: 'sqlite', path: filled.path });
    const week = lastCompleteWeek(NOW, TZ);
    const i18n = new I18n(fileURLToPath(new URL('../locales', import.meta.url)), 'zh-CN');
    const rc: RenderContext = { t: i18n.translator('zh-CN'), locale: 'zh-CN', communities, timeZone: TZ };
    const reference = new Reference(db, COMMUNITY, communities);

    // Warm up both (page cache, prepared statements, the chart's fonts), and check they agree:
    // on last week, and on the week in progress (its deadlines judged now, nine hours into it).
    const inProgress = weekOf(NOW, TZ);
    const agree = async (w: Week) => {
      const built = await weeklySummary(db, communities, COMMUNITY, w, TZ, NOW);
      const expected = await reference.summary(w, TZ, NOW);
      const { differences, leaves } = compare(built, expected);
      if (differences.length > 0)
        throw new Error(
          `weekly summary (${w.key}) and the hand-written SQL disagree on ${differences.length} of ${leaves} figures:\n${differences.slice(0, 20).join('\n')}`,
        );
      return { built, leaves };
    };
    await agree(inProgress);
    reference.queries = 0;
    const { built: summary, leaves } = await agree(week);
    const queries = reference.queries;
    renderChart(chartInput(summary, rc));

    // Side by side in one run, alternating which goes first.
    const runs = {
      built: [] as Timing[],
      raw: [] as Timing[],
      chart: [] as Timing[],
      ledgerRows: [] as Timing[],
      ledgerCsv: [] as Timing[],
      whole: [] as Timing[],
    };
    for (let i = 0; i < RUNS; i++) {
      const pair = [
        async () => runs.built.push(await timed(() => weeklySummary(db, communities, COMMUNITY, week, TZ, NOW))),
        async () => runs.raw.push(await timed(() => reference.summary(week, TZ, NOW))),
      ];
      for (const run of i % 2 ? pair.reverse() : pair) await run();
    }
    const ledger = await ledgerRows(db, COMMUNITY, week);
    for (let i = 0; i < RUNS; i++) {
      runs.chart.push(await timed(() => renderChart(chartInput(summary, rc))));
      runs.ledgerRows.push(await timed(() => ledgerRows(db, COMMUNITY, week)));
      runs.ledgerCsv.push(await timed(() => renderLedger(COMMUNITY, ledger, rc)));
      // What the Monday job builds for one community (src/features/summary/services/build.ts).
      runs.whole.push(
        await timed(async () => {
          const s = await weeklySummary(db, communities, COMMUNITY, week, TZ, NOW);
          renderSummaryText(s, rc);
          renderChart(chartInput(s, rc));
          renderLedger(COMMUNITY, await ledgerRows(db, COMMUNITY, week), rc);
        }),
      );
    }
    await db.destroy();

    const [built, raw, chart, ledgerQuery, ledgerCsv, whole] = [
      runs.built,
      runs.raw,
      runs.chart,
      runs.ledgerRows,
      runs.ledgerCsv,
      runs.whole,
    ].map(medians);
    const met = built.wall <= TARGET_MS && built.wall <= TARGET_RATIO * raw.wall;
    const sizes = `${opts.reports.toLocaleString('en')} reports, ${opts.tasks.toLocaleString('en')} tasks, ${opts.volunteers.toLocaleString('en')} volunteers`;
    const mb = statSync(filled.path).size / 2 ** 20;
    const info = (figure: string, t: Timing): Row => ({
      bench: '3 summary',
      figure,
      value: ms(t),
      reference: '—',
      ratio: '—',
      target: '—',
      met: '—',
    });
    // Found by profiling: what the job spends beyond the figures.
    const why =
      whole.wall <= TARGET_MS
        ? ''
        : ` — missed: the chart and the ledger come on top of the figures (the CSV formats each of its dates with Intl.DateTimeFormat, zoned-time.ts wallClock)`;
    return [
      {
        bench: '3 summary',
        figure: `synthetic database: ${sizes} over 10 weeks, 2 communities`,
        value: `${filled.rows.toLocaleString('en')} rows, ${fmt(mb)} MB`,
        reference: `filled in ${fmt(filled.fillMs / 1000)} s`,
        ratio: '—',
        target: '—',
        met: '—',
      },
      {
        bench: '3 summary',
        figure: `weekly summary figures (weeklySummary for ${COMMUNITY}, ${filled.communityReports.toLocaleString('en')} reports), median of ${RUNS}`,
        value: ms(built),
        reference: `${ms(raw)}: ${queries} hand-written SQL queries, one per figure`,
        ratio: `${(built.wall / raw.wall).toFixed(2)}×`,
        target: `≤ ${TARGET_MS.toLocaleString('en')} ms and ≤ ${TARGET_RATIO}×`,
        met: met ? 'yes' : 'no',
      },
      {
        bench: '3 summary',
        figure: 'figures equal to the hand-written SQL (this week, last week, 8-week trend; also the week in progress)',
        value: `${leaves} of ${leaves}`,
        reference: '—',
        ratio: '—',
        target: 'all equal',
        met: 'yes',
      },
      info('chart PNG (renderChart), median', chart),
      info('ledger rows (ledgerRows), median', ledgerQuery),
      info('ledger CSV (renderLedger), median', ledgerCsv),
      {
        ...info(`the Monday job's whole build for one community: figures, text, chart, ledger; median${why}`, whole),
        target: `≤ ${TARGET_MS.toLocaleString('en')} ms`,
        met: whole.wall <= TARGET_MS ? 'yes' : 'no',
      },
    ];
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const rows = await benchSummary({ reports: 100_000, tasks: 50_000, volunteers: 10_000 });
  console.log(table(rows));
}
