import Database from 'better-sqlite3';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../src/logger';
import type { EmulatedUser } from '../../src/sandbox/emulator';
import { approveHelp, claimCard, drainOutbox, fileReport, Rng, setUpCommunity, type Community } from '../helpers/simulation';
import { startWorld, type World } from '../helpers/world';

/**
 * A resident's personal data: /mydata shows all of it, /deleteme erases it and keeps only
 * anonymous counts, and none of it ever reaches a group chat or the logs.
 */

const NAME = 'Zelda Qiuyue';
const UNIT = '17-1703';
const PHONE = '13987654321';
const SECRETS = [NAME, UNIT, PHONE];

describe('privacy of one resident', () => {
  let world: World;
  let town: Community;
  let zelda: EmulatedUser;
  const logLines: string[] = [];
  let reportId: number;
  let requestId: number;

  const count = async (table: 'reports' | 'help_requests' | 'tasks') =>
    Number(
      (
        await world.db
          .selectFrom(table)
          .select((eb) => eb.fn.countAll<number>().as('n'))
          .executeTakeFirstOrThrow()
      ).n,
    );

  beforeAll(async () => {
    const stream = new Writable({
      write(chunk, _enc, done) {
        logLines.push(...String(chunk).split('\n').filter(Boolean));
        done();
      },
    });
    // Debug level: stricter than production (info), so nothing personal hides one level down.
    world = await startWorld({
      logger: createLogger('debug', stream),
      sender: { globalPerSecond: 200, privatePerSecond: 20, groupPerMinute: 6000 },
    });
    town = await setUpCommunity(world, { residents: 2, volunteers: 2, staff: 1 }, { firstName: 'Z' });
    zelda = await world.resident(NAME, { locale: 'en', unit: UNIT, building: 'b3' });
  }, 60_000);
  afterAll(async () => {
    expect(world.emu.rejected).toEqual([]);
    await world.stop();
  });

  it('she reports a hazard and asks for help with her phone; staff and a volunteer act on them', async () => {
    const rng = new Rng(3);
    reportId = (await fileReport(zelda, rng, 'The stair light on floor 17 is out'))!;
    await zelda.send('/request');
    await zelda.press('Me');
    await zelda.press('Errands and shopping');
    await zelda.send('Two bags of rice, please');
    await zelda.press('⚡ As soon as possible');
    await zelda.press(/^My home/);
    await zelda.send(PHONE);
    await zelda.press('✅ Send the request');
    requestId = Number(/#(\d+)/.exec(zelda.last()!.text!)![1]);
    await drainOutbox(world);
    const staff = town.staff[0]!;
    await staff.press('👀 受理', { in: town.committee });
    expect(await approveHelp(staff, town.committee, rng, requestId)).toBe(requestId);
    await drainOutbox(world);
    const volunteer = town.volunteers.find((v) => town.teams.elder!.memberStatus(v) === 'member')!;
    expect(await claimCard(volunteer, town.teams.elder!, rng)).toBeDefined();
    await drainOutbox(world);
    // The volunteer who took it got her details privately.
    expect(volunteer.inbox().some((m) => m.text?.includes(PHONE) && m.text.includes(UNIT))).toBe(true);
  }, 30_000);

  it('/mydata shows her everything stored about her', async () => {
    // The first answer fails (Telegram is down for a moment): the error is logged, her data must not be.
    world.emu.faults.add({ method: 'sendMessage', chatId: zelda.id, kind: '5xx', times: 1 });
    await zelda.send('/mydata');
    expect(zelda.last()!.text).toMatch(/something went wrong/);
    await zelda.send('/mydata');
    const all = zelda
      .inbox()
      .slice(-3)
      .map((m) => m.text ?? '')
      .join('\n');
    for (const s of [NAME, UNIT, `R-${reportId + 1000}`, `#${requestId}`, PHONE]) expect(all, s).toContain(s);
  });

  it('nothing personal reached a group chat or a log line', () => {
    const groups = world.emu.allBotMessages().filter((m) => m.chat_id < 0);
    expect(groups.length).toBeGreaterThan(3);
    for (const s of SECRETS) {
      expect(groups.filter((m) => `${m.text ?? ''}${m.caption ?? ''}${m.raw ?? ''}`.includes(s)).map((m) => m.text)).toEqual([]);
      expect(logLines.filter((l) => l.includes(s))).toEqual([]);
    }
    expect(logLines.length).toBeGreaterThan(0);
  });

  it('/deleteme erases her: counts stay, and no row anywhere holds her id, name, phone or unit', async () => {
    const before = { reports: await count('reports'), requests: await count('help_requests'), tasks: await count('tasks') };
    await zelda.send('/deleteme');
    await zelda.press(/Yes/);
    await drainOutbox(world);
    expect({ reports: await count('reports'), requests: await count('help_requests'), tasks: await count('tasks') }).toEqual(before);

    const tables = await world.db.introspection.getTables();
    const found: string[] = [];
    for (const t of tables) {
      const rows = (await world.db
        .selectFrom(t.name as 'users')
        .selectAll()
        .execute()) as Record<string, unknown>[];
      for (const row of rows) {
        for (const [col, v] of Object.entries(row)) {
          if (v === zelda.id || (typeof v === 'string' && (SECRETS.some((s) => v.includes(s)) || new RegExp(`\\b${zelda.id}\\b`).test(v))))
            found.push(`${t.name}.${col} = ${String(v).slice(0, 120)}`);
        }
      }
    }
    expect(found).toEqual([]);

    // Nor the conversation store.
    const sessions = new Database(join(world.dir, 'sessions.db'), { readonly: true });
    const keyTables = sessions.prepare("select name from sqlite_master where type = 'table'").all() as { name: string }[];
    const leftovers = keyTables.flatMap(({ name }) =>
      (sessions.prepare(`select * from "${name}"`).all() as Record<string, unknown>[]).filter(
        (r) => JSON.stringify(r).includes(String(zelda.id)) || SECRETS.some((s) => JSON.stringify(r).includes(s)),
      ),
    );
    sessions.close();
    expect(leftovers).toEqual([]);
  });
});
