import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DAY } from '../../src/clock';
import type { EmulatedGroup, EmulatedUser } from '../../src/sandbox/emulator';
import { freePort, startWorld, type World } from './world';

/**
 * A world with the dashboard on: the bot's HTTP server on a free port (polling mode, so it is the
 * METRICS_PORT server), the example communities with their buildings placed around the centre,
 * a staff member (Lin) and the Meiyuan committee group linked.
 */
export interface DashboardWorld {
  world: World;
  base: string;
  lin: EmulatedUser;
  group: EmulatedGroup;
  /** Signs in with the user's launch data as Telegram would give it; the JSON answer and status. */
  signIn(user: EmulatedUser, ageSeconds?: number): Promise<{ status: number; body: { token?: string; reason?: string; message?: string } }>;
  /** A page as the browser would fetch it. */
  get(path: string, params?: Record<string, string>): Promise<{ status: number; text: string; type: string | null }>;
  /** A resident files a street light report at home with one photo, through the chat. */
  fileLightReport(who: EmulatedUser, text: string, photo?: Buffer): Promise<number>;
}

/** The example configuration with each building given a location on a small grid around the centre. */
export function placedConfig(): string {
  const cfg = JSON.parse(readFileSync('src/community/example.json', 'utf8'));
  for (const c of cfg.communities) {
    c.buildings.forEach((b: { location?: unknown }, i: number) => {
      b.location = {
        latitude: c.centre.latitude + 0.0006 * (Math.floor(i / 3) - 0.5),
        longitude: c.centre.longitude + 0.0007 * ((i % 3) - 1),
      };
    });
  }
  const path = join(mkdtempSync(join(tmpdir(), 'linli-dash-cfg-')), 'communities.json');
  writeFileSync(path, JSON.stringify(cfg));
  return path;
}

export async function startDashboardWorld(env: Record<string, string> = {}): Promise<DashboardWorld> {
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const world = await startWorld({ env: { DASHBOARD_URL: base, METRICS_PORT: String(port), COMMUNITY_CONFIG: placedConfig(), ...env } });
  const lin = await world.staff('Lin');
  const group = world.emu.group({ title: '梅园居委会' });
  await lin.send('/link committee', { in: group });
  return {
    world,
    base,
    lin,
    group,
    async signIn(user, ageSeconds = 0) {
      // Telegram's clock is the real one; the app's may have been moved on by the test.
      const ahead = Math.floor((world.clock.now() - Date.now()) / 1000);
      const res = await fetch(`${base}/dashboard/session`, { method: 'POST', body: world.emu.webAppInitData(user, ageSeconds - ahead) });
      return { status: res.status, body: (await res.json()) as { token?: string; reason?: string } };
    },
    async get(path, params = {}) {
      const res = await fetch(`${base}/dashboard/${path}?${new URLSearchParams(params).toString()}`);
      return { status: res.status, text: await res.text(), type: res.headers.get('content-type') };
    },
    async fileLightReport(who, text, photo) {
      await who.send('/report');
      await who.press('路灯损坏');
      await who.send(text);
      await who.sendPhoto({ bytes: photo });
      await who.press('照片已发完');
      await who.press(/就在我住的/);
      await who.press('跳过');
      if (who.last()!.buttons().includes('不是，这是另一件事')) await who.press('不是，这是另一件事');
      await who.press('✅ 确认提交');
      await world.flush();
      const r = await world.db
        .selectFrom('reports')
        .select('id')
        .where('reporter_id', '=', who.id)
        .orderBy('id', 'desc')
        .executeTakeFirstOrThrow();
      return r.id;
    },
  };
}

/**
 * A past report written straight into the tables, as if handled weeks ago (the clock cannot go
 * back): `ackHours`/`fixHours` after filing, or never; closed with `rating` when given.
 */
export async function seedPastReport(
  world: World,
  r: {
    community: string;
    category: string;
    building: string;
    at: number;
    ackHours?: number;
    fixHours?: number;
    rating?: number;
    staffId?: number;
  },
): Promise<number> {
  const H = 3_600_000;
  const ack = r.ackHours === undefined ? null : r.at + r.ackHours * H;
  const fixed = r.fixHours === undefined ? null : r.at + r.fixHours * H;
  const status = fixed ? (r.rating ? 'closed' : 'fixed') : ack ? 'acknowledged' : 'new';
  const { id } = await world.db
    .insertInto('reports')
    .values({
      community_id: r.community,
      category: r.category,
      emergency: 0,
      status,
      description: 'seeded',
      voice_file_id: null,
      voice_seconds: null,
      building_id: r.building,
      spot: null,
      latitude: null,
      longitude: null,
      reporter_id: null,
      owner_id: null,
      team_id: null,
      handed_to: null,
      handed_ref: null,
      reject_reason: null,
      duplicate_of: null,
      fix_note: fixed ? '已修复' : null,
      fix_answer: r.rating ? 'yes' : null,
      rating: r.rating ?? null,
      rating_comment: null,
      created_at: r.at,
      updated_at: r.at,
      acknowledged_at: ack,
      fixed_at: fixed,
      closed_at: r.rating ? fixed! + H : null,
      ack_overdue_at: null,
      fix_overdue_at: null,
      page_due_at: null,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  const events: [string, number | null, string | null, string | null][] = [
    ['create', r.at, 'new', null],
    ['acknowledge', ack, 'acknowledged', null],
    ['fix', fixed, 'fixed', null],
    ['confirm', r.rating ? fixed! + H : null, 'closed', null],
    ['rating', r.rating ? fixed! + H : null, null, String(r.rating)],
  ];
  for (const [action, at, to, note] of events.filter((e) => e[1] !== null))
    await world.db
      .insertInto('report_events')
      .values({ report_id: Number(id), at: at!, actor_id: r.staffId ?? null, action, from_status: null, to_status: to, note })
      .execute();
  return Number(id);
}

/**
 * Eight weeks of a community's life for the screenshots: reports handled well and less well,
 * a few volunteers with hours, and events with attendance, written straight into the tables.
 */
export async function seedShowcase(world: World, community: string, firstUserId: number): Promise<void> {
  const now = world.clock.now();
  const W = 7 * DAY;
  const categories = ['light', 'rubbish', 'clutter', 'facility', 'flyers'];
  for (let week = 7; week >= 1; week--)
    for (let i = 0; i < 2 + (week % 3); i++)
      await seedPastReport(world, {
        community,
        category: categories[(week + i) % categories.length],
        building: `b${(i % 3) + 1}`,
        at: now - week * W + i * 5 * 3_600_000,
        ackHours: (week + i) % 4 === 0 ? 30 : 1,
        fixHours: (week + i) % 5 === 0 ? undefined : 20,
        rating: (week + i) % 5 === 0 ? undefined : (week + i) % 3 === 0 ? 3 : 5,
      });
  const names = ['王建国', '李秀英', '张伟', '刘芳', '陈静'];
  for (const [i, name] of names.entries()) {
    const id = firstUserId + i;
    await world.db
      .insertInto('users')
      .values({
        id,
        first_name: name,
        username: null,
        locale: 'zh-CN',
        role: i === 0 ? 'lead' : 'volunteer',
        community_id: community,
        building_id: 'b1',
        unit: null,
        phone: null,
        privacy_accepted_at: now,
        created_at: now,
        updated_at: now,
      })
      .execute();
    await world.db
      .insertInto('team_members')
      .values({
        user_id: id,
        community_id: community,
        team_id: i % 2 ? 'patrol' : 'elder',
        role: i === 0 ? 'lead' : 'member',
        status: 'approved',
        skills: null,
        availability: null,
        phone: null,
        agreed_to_be_named: 1,
        created_at: now - 60 * DAY,
        decided_at: now - 60 * DAY,
        decided_by: null,
      })
      .execute();
    for (let k = 0; k < 6 - i; k++)
      await world.db
        .insertInto('hours')
        .values({
          volunteer_id: id,
          community_id: community,
          task_id: null,
          shift_id: null,
          minutes: 90 + 15 * k,
          corrected_minutes: null,
          approved: 1,
          at: now - k * 9 * DAY,
        })
        .execute();
  }
  const events: [string, string, number, number | null, number][] = [
    ['邻里节', '社区广场', -20 * DAY, 80, 5],
    ['义诊', '活动室', -6 * DAY, 30, 4],
    ['防火安全讲座', '会议室', 5 * DAY, 40, 3],
  ];
  for (const [title, place, offset, capacity, people] of events) {
    const { id } = await world.db
      .insertInto('events')
      .values({
        community_id: community,
        title,
        description: '',
        place,
        starts_at: now + offset,
        capacity,
        rsvp_deadline: now + offset - DAY,
        status: 'open',
        audience: '{"kind":"community"}',
        created_by: firstUserId,
        created_at: now - 30 * DAY,
        reminded_day_at: null,
        reminded_soon_at: null,
        rating_asked_at: null,
        going: people,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    for (let p = 0; p < people; p++)
      await world.db
        .insertInto('rsvps')
        .values({
          event_id: Number(id),
          user_id: firstUserId + p,
          status: 'going',
          queued_at: now,
          attended: offset < 0 ? Number(p < people - 1) : null,
          rating: offset < 0 ? 4 + (p % 2) : null,
          rated_at: null,
          rating_comment: null,
          updated_at: now,
        })
        .execute();
  }
}
