import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { zonedEpoch } from '../src/zoned-time';
import { reportAtLocation, startHazardWorld, type HazardWorld } from './helpers/hazards';
import { dropFreshDatabases, storageEnv } from './helpers/postgres';
import { freePort } from './helpers/world';

/**
 * Issue 21: the reports as an Open311 GeoReport v2 feed (read-only JSON) on the bot's HTTP
 * server, checked against the spec's field lists (https://wiki.open311.org/GeoReport_v2).
 */

/** GET Service List: the fields of each service. */
const SERVICE_FIELDS = ['service_code', 'service_name', 'description', 'metadata', 'type', 'keywords', 'group'];
/** GET Service Requests: the fields of each request. */
const REQUEST_FIELDS = [
  'service_request_id',
  'status',
  'status_notes',
  'service_name',
  'service_code',
  'description',
  'agency_responsible',
  'service_notice',
  'requested_datetime',
  'updated_datetime',
  'expected_datetime',
  'address',
  'address_id',
  'zipcode',
  'lat',
  'long',
  'media_url',
];
/** Optional in the spec: given only where the place is known. */
const PLACE_FIELDS = ['lat', 'long'];
/** Every field of the spec's list, lat/long together or not at all. */
const expectSpecFields = (r: Record<string, unknown>) =>
  expect(Object.keys(r).sort()).toEqual(REQUEST_FIELDS.filter((f) => 'lat' in r || !PLACE_FIELDS.includes(f)).sort());

/** The example configuration with one building placed: Building 3 has a location, the others none. */
function configWithBuilding3Placed(dir: string): string {
  const config = JSON.parse(readFileSync('src/community/example.json', 'utf8'));
  for (const b of config.communities[0].buildings as { id: string; location?: object }[]) {
    if (b.id === 'b3') b.location = B3;
    else delete b.location;
  }
  const path = join(dir, 'community.json');
  writeFileSync(path, JSON.stringify(config));
  return path;
}
const B3 = { latitude: 31.2312, longitude: 121.4745 };

const TZ = 'Asia/Shanghai';
const at = (month: number, day: number, hour: number) => zonedEpoch({ year: 2031, month, day, hour }, TZ);

let h: HazardWorld;
let base: string;
const dir = mkdtempSync(join(tmpdir(), 'linli-open311-'));
beforeAll(async () => {
  const port = await freePort();
  h = await startHazardWorld({
    env: { METRICS_PORT: String(port), COMMUNITY_CONFIG: configWithBuilding3Placed(dir), ...(await storageEnv()) },
  });
  base = `http://127.0.0.1:${port}/open311/v2`;
});
afterAll(async () => {
  await h.stop();
  await dropFreshDatabases();
  rmSync(dir, { recursive: true, force: true });
});

const get = async (path: string) => {
  const res = await fetch(`${base}/${path}`);
  return { status: res.status, type: res.headers.get('content-type'), body: (await res.json()) as Record<string, unknown>[] };
};

describe('Open311 GeoReport v2', () => {
  it('lists the hazard categories as services with the spec fields', async () => {
    const { status, type, body } = await get('services.json');
    expect(status).toBe(200);
    expect(type).toMatch(/^application\/json/);
    expect(body.length).toBe(h.world.app.deps.communities.config.hazardCategories.length);
    for (const s of body) expect(Object.keys(s).sort()).toEqual([...SERVICE_FIELDS].sort());
    expect(body.find((s) => s.service_code === 'light')).toMatchObject({
      service_name: '路灯损坏',
      metadata: false,
      type: 'realtime',
      group: 'hazard',
    });
  });

  it('lists the reports as service requests: open or closed, placed, dated, without personal data', async () => {
    h.world.clock.set(at(3, 4, 10));
    const ana = await h.world.resident('Ana', { building: 'b2' });
    const open = await h.reportAtHome(ana, '垃圾堆放', '我是王芳，电话13912345678，垃圾没人清');
    h.world.clock.set(at(3, 5, 10));
    const later = await h.reportAtHome(ana, '路灯损坏', '路灯坏了');
    await h.world.db
      .updateTable('reports')
      .set({ status: 'closed', updated_at: at(3, 6, 10) })
      .where('id', '=', later.id)
      .execute();
    h.world.clock.set(at(3, 7, 10));

    const { status, body } = await get('requests.json');
    expect(status).toBe(200);
    for (const r of body) expectSpecFields(r);
    expect(body.map((r) => r.service_request_id)).toEqual([`R-${later.id + 1000}`, `R-${open.id + 1000}`]);
    expect(body[1]).toMatchObject({
      status: 'open',
      service_code: 'rubbish',
      service_name: '垃圾堆放',
      description: '垃圾堆放 · 梅园新村2号楼',
      agency_responsible: '梅园社区',
      address: '梅园社区 梅园新村2号楼',
      requested_datetime: new Date(open.created_at).toISOString().replace(/\.\d{3}Z$/, 'Z'),
    });
    // No location was shared and Building 2 has none configured: no lat/long (not the community's centre).
    expect(body[1]).not.toHaveProperty('lat');
    expect(body[1]).not.toHaveProperty('long');
    expect(body[0]).toMatchObject({ status: 'closed', updated_datetime: '2031-03-06T02:00:00Z' });
    // The resident's words (her name and phone number) are not in the feed.
    expect(JSON.stringify(body)).not.toMatch(/王芳|13912345678|Ana/);
    for (const r of body) expect(Number.isNaN(Date.parse(String(r.requested_datetime)))).toBe(false);
  });

  it("supports the spec's query parameters: status, service_code, start_date, end_date, and one request by id", async () => {
    const ids = async (query: string) => (await get(`requests.json?${query}`)).body.map((r) => r.service_code);
    expect(await ids('status=open')).toEqual(['rubbish']);
    expect(await ids('status=closed')).toEqual(['light']);
    expect(await ids('status=open,closed')).toEqual(['light', 'rubbish']);
    expect(await ids('service_code=light')).toEqual(['light']);
    expect(await ids('service_code=light,rubbish&status=open')).toEqual(['rubbish']);
    expect(await ids(`start_date=${new Date(at(3, 5, 0)).toISOString()}`)).toEqual(['light']);
    expect(await ids(`end_date=${encodeURIComponent('2031-03-04T12:00:00+08:00')}`)).toEqual(['rubbish']);
    expect(await ids('jurisdiction_id=guihua')).toEqual([]);

    const all = (await get('requests.json')).body;
    const one = await get(`requests/${String(all[0].service_request_id)}.json`);
    expect(one.body).toEqual([all[0]]);
    expect((await get('requests/R-99999.json')).status).toBe(404);
  });

  it('answers bad parameters with 400 and the spec error shape', async () => {
    const bad = await get('requests.json?start_date=yesterday');
    expect(bad.status).toBe(400);
    expect(bad.body[0]).toMatchObject({ code: 400, description: expect.stringContaining('start_date') });
    expect((await get('requests.json?status=pending')).status).toBe(400);
    expect((await get('requests.json?jurisdiction_id=nowhere')).status).toBe(400);
    expect((await get('services.xml')).status).toBe(404);
  });

  it('gives lat/long only for a known place: the location shared, else the building’s configured location', async () => {
    h.world.clock.set(at(3, 8, 10));
    const eve = await h.world.resident('Eve', { building: 'b3' });
    const atHome = await h.reportAtHome(eve, '垃圾堆放', '楼下垃圾没人收');
    const { r: shared } = await reportAtLocation(h.world, eve, '其他', '河边栏杆松了', [31.3, 121.5]);

    const { body } = await get(`requests.json?start_date=${new Date(at(3, 8, 0)).toISOString()}`);
    for (const r of body) expectSpecFields(r);
    expect(body.map((r) => [r.service_request_id, r.lat, r.long])).toEqual([
      [`R-${shared.id + 1000}`, 31.3, 121.5],
      [`R-${atHome.id + 1000}`, B3.latitude, B3.longitude],
    ]);
  });

  it('places a report made at a named spot there: the spot in the description and address, not its nearest building', async () => {
    h.world.clock.set(at(3, 9, 10));
    const fay = await h.world.resident('Fay', { building: 'b5' });
    // By the south gate bus stop (example.json's spot south_bus).
    const { r } = await reportAtLocation(h.world, fay, '垃圾堆放', '公交站旁堆了很多垃圾', [31.2287, 121.4734]);
    expect(r).toMatchObject({ spot_id: 'south_bus' });

    const { body } = await get(`requests/R-${r.id + 1000}.json`);
    expectSpecFields(body[0]);
    expect(body[0]).toMatchObject({
      description: '垃圾堆放 · 南门公交站',
      address: '梅园社区 南门公交站',
      address_id: `meiyuan/${r.building_id}`,
      lat: 31.2287,
      long: 121.4734,
    });
  });
});
