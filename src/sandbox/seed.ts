import type { App } from '../app';
import { HOUR, MINUTE } from '../clock';
import { linkChat } from '../domain/chat-links';
import { claimTask, createRequest, teamFor } from '../domain/help';
import { createReport, rateFix, transition, type Actor } from '../domain/hazards';
import { decideMember, ensureLead, signUp } from '../domain/volunteers';
import type { Locale } from '../i18n';
import type { Role } from '../store/schema';
import type { EmulatedUser, Emulator } from './emulator';

/**
 * The demo street office the sandbox starts with: people in every role, their groups linked,
 * and some reports and requests in different states. Everything goes in through the domain
 * functions the bot itself uses, so the bot sees a world it could have made. Each feature's
 * demo data is one function below; add yours to SEEDERS.
 */

export interface Persona {
  id: number;
  name: string;
  role: Role;
  locale: Locale;
  community: string;
  building: string;
  unit?: string;
  /** The volunteer team they belong to (as a member, or as its lead). */
  team?: string;
  /** One line for the persona picker. */
  about: string;
}

export interface SeededGroup {
  id: number;
  title: string;
  kind: 'committee' | 'team';
  community: string;
  team?: string;
  members: number[];
  admins: number[];
}

export const ADMIN = 9001;
export const STAFF = 2001;
export const LEAD = 2002;
export const VOLUNTEER = 2003;
export const PATROLLER = 2004;
export const RESIDENT = 2005;
export const RESIDENT_EN = 2006;
export const RESIDENT_TW = 2007;

export const PERSONAS: readonly Persona[] = [
  {
    id: RESIDENT,
    name: '张阿姨',
    role: 'resident',
    locale: 'zh-CN',
    community: 'meiyuan',
    building: 'b2',
    unit: '3-201',
    about: 'Resident, Meiyuan Building 2 (中文)',
  },
  {
    id: RESIDENT_EN,
    name: 'Tom Miller',
    role: 'resident',
    locale: 'en',
    community: 'meiyuan',
    building: 'b3',
    about: 'Resident, Meiyuan Building 3 (English)',
  },
  {
    id: RESIDENT_TW,
    name: '林伯伯',
    role: 'resident',
    locale: 'zh-TW',
    community: 'guihua',
    building: 'b8',
    about: 'Resident, Guihua Building 8 (繁體)',
  },
  {
    id: VOLUNTEER,
    name: '赵小红',
    role: 'volunteer',
    locale: 'zh-CN',
    community: 'meiyuan',
    building: 'b1',
    team: 'elder',
    about: 'Volunteer, elder care team',
  },
  {
    id: PATROLLER,
    name: 'Sam Patel',
    role: 'volunteer',
    locale: 'en',
    community: 'meiyuan',
    building: 'b4',
    team: 'patrol',
    about: 'Volunteer, night patrol (English)',
  },
  {
    id: LEAD,
    name: '陈建国',
    role: 'lead',
    locale: 'zh-CN',
    community: 'meiyuan',
    building: 'b5',
    team: 'elder',
    about: 'Team lead, elder care team',
  },
  { id: STAFF, name: '李敏', role: 'staff', locale: 'zh-CN', community: 'meiyuan', building: 'b1', about: 'Staff, Meiyuan committee' },
  {
    id: ADMIN,
    name: '王主任',
    role: 'admin',
    locale: 'zh-CN',
    community: 'meiyuan',
    building: 'b1',
    about: 'Admin, street office (all communities)',
  },
];

export const GROUPS: readonly Omit<SeededGroup, 'id'>[] = [
  { title: '梅园社区居委会', kind: 'committee', community: 'meiyuan', members: [], admins: [STAFF, ADMIN] },
  { title: '梅园 · 为老服务队', kind: 'team', community: 'meiyuan', team: 'elder', members: [VOLUNTEER, STAFF], admins: [LEAD] },
  { title: '梅园 · 平安夜巡队', kind: 'team', community: 'meiyuan', team: 'patrol', members: [PATROLLER, STAFF], admins: [] },
  { title: '桂花社区居委会', kind: 'committee', community: 'guihua', members: [], admins: [ADMIN] },
];

type Seeder = (app: App, now: number) => Promise<void>;

async function seedPeople(app: App, now: number): Promise<void> {
  const { users } = app.deps;
  for (const p of PERSONAS) {
    await users.touch({ id: p.id, firstName: p.name, locale: p.locale, now });
    // Volunteers and leads become so through their team below; everyone starts as what the table says otherwise.
    const role: Role = p.role === 'volunteer' || p.role === 'lead' ? 'resident' : p.role;
    await users.update(
      p.id,
      { role, community_id: p.community, building_id: p.building, unit: p.unit ?? null, privacy_accepted_at: now, locale: p.locale },
      now,
    );
  }
}

async function seedTeams(app: App, now: number): Promise<void> {
  const { db, users } = app.deps;
  for (const p of PERSONAS.filter((x) => x.team)) {
    if (p.role === 'lead') {
      await ensureLead(db, now, p.id, p.community, p.team!);
      await users.setRole(p.id, 'lead', now);
      continue;
    }
    const [pending] = await signUp(
      db,
      now,
      { userId: p.id, communityId: p.community, teams: [p.team!], agreedToBeNamed: true },
      async () => undefined,
    );
    if (pending) await decideMember(db, now, pending.id, true, STAFF, async () => undefined);
  }
}

async function seedReports(app: App, now: number): Promise<void> {
  const { db, communities } = app.deps;
  const staff: Actor = { id: STAFF, role: 'staff', communityId: 'meiyuan' };
  const report = async (reporter: number, community: string, building: string, category: string, description: string, hoursAgo: number) => {
    const at = now - hoursAgo * HOUR;
    const created = await db.transaction().execute((tx) =>
      createReport(tx, at, {
        communityId: community,
        buildingId: building,
        category: communities.hazardCategory(category)!,
        description,
        reporterId: reporter,
        photos: [],
        pageAfterMinutes: 10,
      }),
    );
    return { id: created.id, at };
  };
  const move = (id: number, at: number, action: Parameters<typeof transition>[3], note?: string) =>
    db.transaction().execute((tx) => transition(tx, at, id, action, staff, { note }));

  await report(RESIDENT, 'meiyuan', 'b2', 'light', '2号楼东侧路灯不亮，晚上很黑。', 2);
  const clutter = await report(RESIDENT, 'meiyuan', 'b2', 'clutter', '3楼楼道堆了很多纸箱，挡住了通道。', 20);
  await move(clutter.id, clutter.at + 30 * MINUTE, 'acknowledge');
  const rubbish = await report(RESIDENT_EN, 'meiyuan', 'b3', 'rubbish', 'Bags of rubbish left by the bike shed.', 50);
  await move(rubbish.id, rubbish.at + HOUR, 'acknowledge');
  await move(rubbish.id, rubbish.at + 6 * HOUR, 'fix', '已清运，并提醒保洁每日巡查。');
  const exit = await report(RESIDENT_EN, 'meiyuan', 'b3', 'fireexit', 'Bicycles block the fire exit on the ground floor.', 120);
  await move(exit.id, exit.at + HOUR, 'acknowledge');
  await move(exit.id, exit.at + 5 * HOUR, 'fix', '已联系车主移走，张贴了提示。');
  await db.transaction().execute(async (tx) => {
    await transition(
      tx,
      exit.at + 30 * HOUR,
      exit.id,
      'confirm',
      { id: RESIDENT_EN, role: 'resident', communityId: 'meiyuan' },
      { fixAnswer: 'yes' },
    );
    await rateFix(tx, exit.at + 30 * HOUR, exit.id, RESIDENT_EN, 5);
  });
  await report(RESIDENT_TW, 'guihua', 'b8', 'flyers', '電梯裡貼滿了小廣告。', 5);
}

async function seedHelp(app: App, now: number): Promise<void> {
  const { deps } = app;
  const { db } = deps;
  const request = (requesterId: number, building: string, type: string, details: string, unit?: string) =>
    createRequest(
      db,
      now - 3 * HOUR,
      { communityId: 'meiyuan', buildingId: building, requesterId, type, details, urgent: false, unit, approvedBy: STAFF },
      teamFor(deps.communities, 'meiyuan', type),
      async () => undefined,
    );
  await request(RESIDENT, 'b2', 'errand', '帮忙买一袋大米和一些蔬菜，腿脚不方便。', '3-201');
  const { task } = await request(RESIDENT, 'b2', 'meal', '这周想订三天午餐送餐。', '3-201');
  await claimTask(db, now - 2 * HOUR, task!.id, VOLUNTEER, deps.communities.settings.claimCheckinHours, async () => undefined);
}

/** What each feature contributes to the demo, in order (teams before the requests they serve). */
const SEEDERS: [string, Seeder][] = [
  ['people', seedPeople],
  ['teams', seedTeams],
  ['reports', seedReports],
  ['help requests', seedHelp],
];

/**
 * Seeds the app's (fresh) database and the emulator: the personas as Telegram users, the
 * committee and team groups with their members, linked as staff would with /link. A feature
 * whose tables are still changing may fail to seed; the sandbox then starts without its demo
 * data and says so, rather than not starting at all.
 */
export interface Seeded {
  personas: Persona[];
  /** The personas' emulator handles, by user id. */
  users: Map<number, EmulatedUser>;
  groups: SeededGroup[];
  /** Demo data that could not be seeded (a feature's tables still changing). */
  warnings: string[];
}

export async function seedSandbox(app: App, emu: Emulator): Promise<Seeded> {
  const now = app.deps.clock.now();
  const warnings: string[] = [];
  const users = new Map(PERSONAS.map((p) => [p.id, emu.user({ id: p.id, first_name: p.name, language_code: p.locale, started: true })]));
  for (const [what, seed] of SEEDERS) {
    try {
      await seed(app, now);
    } catch (err) {
      warnings.push(`could not seed ${what}: ${err instanceof Error ? err.message : String(err)}`);
    }
  }

  const groups: SeededGroup[] = [];
  for (const g of GROUPS) {
    const handle = emu.group({ title: g.title, members: g.members.map((id) => ({ id })), admins: g.admins.map((id) => ({ id })) });
    const target =
      g.kind === 'committee'
        ? { kind: 'committee' as const, communityId: g.community }
        : { kind: 'team' as const, communityId: g.community, teamId: g.team! };
    await linkChat(
      app.deps.db,
      now,
      { id: handle.id, title: g.title },
      target,
      g.kind === 'committee' && g.community !== 'meiyuan' ? ADMIN : STAFF,
    );
    groups.push({ ...g, id: handle.id });
  }
  // Each person's command menu for their role and language, as choosing a language would set it.
  for (const p of PERSONAS) await app.built.services.refreshCommands(p.id);
  // Each seeded person has talked to the bot before: their chat opens on the main menu.
  for (const p of PERSONAS) await users.get(p.id)!.send('/start');
  return { personas: [...PERSONAS], users, groups, warnings };
}
