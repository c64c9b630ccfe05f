import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DAY } from '../src/clock';
import { similarReports } from '../src/domain/hazards';
import { migrateToLatest, openDatabase, type Db } from '../src/store/db';

/** "Is this the same issue?": the place is part of the query, so a busy category hides no neighbour's report. */

const NOW = Date.UTC(2026, 11, 1, 8);
const SETTINGS = { duplicateDays: 14, duplicateRadiusMeters: 50 } as Parameters<typeof similarReports>[2];
const GATE = { latitude: 31.2304, longitude: 121.4737 };
let db: Db;

const report = (o: {
  building?: string;
  at?: { latitude: number; longitude: number };
  ageDays: number;
  category?: string;
  status?: string;
}) => ({
  community_id: 'meiyuan',
  category: o.category ?? 'streetlight',
  emergency: 0,
  status: (o.status ?? 'new') as 'new',
  description: 'light out',
  building_id: o.building ?? null,
  latitude: o.at?.latitude ?? null,
  longitude: o.at?.longitude ?? null,
  reporter_id: 1,
  created_at: NOW - o.ageDays * DAY,
  updated_at: NOW,
});

beforeAll(async () => {
  db = openDatabase({ kind: 'sqlite', path: ':memory:' });
  await migrateToLatest(db);
  const rows = [
    // The one that matters, a week old, behind sixty newer ones elsewhere in the community.
    { ...report({ building: 'b3', ageDays: 7 }), description: 'b3 stairwell light' },
    { ...report({ at: { latitude: GATE.latitude + 0.0002, longitude: GATE.longitude }, ageDays: 6 }), description: 'near the gate' },
    ...Array.from({ length: 60 }, (_, i) => report({ building: `b${4 + (i % 3)}`, ageDays: i / 100 })),
    { ...report({ at: { latitude: GATE.latitude + 0.01, longitude: GATE.longitude }, ageDays: 1 }), description: 'a kilometre away' },
    { ...report({ building: 'b3', ageDays: 20 }), description: 'too old' },
    { ...report({ building: 'b3', ageDays: 1, status: 'closed' }), description: 'closed' },
    { ...report({ building: 'b3', ageDays: 1, category: 'rubbish' }), description: 'another category' },
  ];
  await db.insertInto('reports').values(rows).execute();
});
afterAll(() => db.destroy());

const found = async (where: { buildingId?: string; location?: typeof GATE }) =>
  (await similarReports(db, NOW, SETTINGS, { communityId: 'meiyuan', category: 'streetlight', ...where })).map((r) => r.description);

describe('similarReports', () => {
  it('finds the open report of the same building however many newer ones the category has elsewhere', async () => {
    expect(await found({ buildingId: 'b3' })).toEqual(['b3 stairwell light']);
  });

  it('finds one within the radius of a shared location, and a same-building one that has no location', async () => {
    expect(await found({ location: GATE, buildingId: 'b3' })).toEqual(['near the gate', 'b3 stairwell light']);
    expect(await found({ location: GATE })).toEqual(['near the gate']);
  });

  it('finds nothing with no place to compare', async () => {
    expect(await found({})).toEqual([]);
  });
});
