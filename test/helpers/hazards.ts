import { afterAll, beforeAll, expect } from 'vitest';
import type { EmulatedGroup, EmulatedUser } from '../../src/sandbox/emulator';
import { startWorld, type World, type WorldOptions } from './world';

/**
 * The hazard-report stories' shared setting: a world with a staff member (Lin) and the
 * Meiyuan committee group linked, plus one-line steps to read reports and cards.
 */
export interface HazardWorld {
  world: World;
  lin: EmulatedUser;
  group: EmulatedGroup;
  /** The newest report in the database. */
  latest(): ReturnType<typeof latestReport>;
  /** The committee group's card of a report (by internal id). */
  cardOf(id: number): ReturnType<EmulatedGroup['messages']>[number];
  /** Runs one of the feature's scheduled jobs now. */
  job(name: string): Promise<boolean>;
  /** A resident reports something in their own building, without photo or spot. */
  reportAtHome(who: EmulatedUser, category: string, text: string): ReturnType<typeof latestReport>;
  stop(): Promise<void>;
}

const latestReport = (world: World) => world.db.selectFrom('reports').selectAll().orderBy('id', 'desc').executeTakeFirstOrThrow();

export async function startHazardWorld(options: WorldOptions = {}): Promise<HazardWorld> {
  const world = await startWorld(options);
  const lin = await world.staff('Lin');
  const group = world.emu.group({ title: '梅园居委会' });
  await lin.send('/link committee', { in: group });
  const h: HazardWorld = {
    world,
    lin,
    group,
    latest: () => latestReport(world),
    cardOf: (id) => group.messages().find((m) => (m.text ?? m.caption ?? '').includes(`R-${id + 1000}`))!,
    job: (name) => world.app.scheduler.run(world.app.scheduler.jobs.find((j) => j.name === name)!),
    async reportAtHome(who, category, text) {
      await who.send('/report');
      await who.press(category);
      await who.send(text);
      await who.press('跳过');
      await who.press(/就在我住的/);
      await who.press('跳过');
      if (who.last()!.buttons().includes('不是，这是另一件事')) await who.press('不是，这是另一件事');
      await who.press('✅ 确认提交');
      await world.flush();
      return latestReport(world);
    },
    async stop() {
      expect(world.emu.rejected).toEqual([]);
      await world.stop();
    },
  };
  return h;
}

/**
 * A resident reports something at a location they share (no photo), saying it is another issue
 * if asked about a similar one: the review they confirmed, and the report filed.
 */
export async function reportAtLocation(
  world: World,
  who: EmulatedUser,
  category: string,
  text: string,
  [latitude, longitude]: readonly [number, number],
): Promise<{ r: Awaited<ReturnType<typeof latestReport>>; review: string }> {
  await who.send('/report');
  await who.press(category);
  await who.send(text);
  await who.press('跳过');
  await who.sendLocation(latitude, longitude);
  if (who.last()!.buttons().includes('不是，这是另一件事')) await who.press('不是，这是另一件事');
  const review = who.last()!.text ?? who.last()!.caption ?? '';
  await who.press('✅ 确认提交');
  await world.flush();
  return { r: await latestReport(world), review };
}

/** Starts the setting before a suite's first test and stops it after the last; the fields are filled in by then. */
export function hazardSuite(): HazardWorld {
  const h = {} as HazardWorld;
  beforeAll(async () => void Object.assign(h, await startHazardWorld()));
  afterAll(() => h.stop());
  return h;
}
