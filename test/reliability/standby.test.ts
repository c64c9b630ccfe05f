import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startEmulator, type Emulator } from '../../src/sandbox/emulator';
import { BotProcess } from '../helpers/bot-process';
import { newUserId } from '../helpers/world';

/**
 * Two bot processes for one token on one database, polling: the second does not fight the first
 * for getUpdates but stands by, and when the first is SIGKILLed it takes over within 15 s.
 */

let emu: Emulator;
let dir: string;
const first = () => new BotProcess(emu, dir);
let a: BotProcess;
let b: BotProcess;

beforeAll(async () => {
  emu = await startEmulator({ confirmTimeoutMs: 20_000 });
  dir = mkdtempSync(join(tmpdir(), 'linli-standby-'));
  a = first();
  b = first();
});
afterAll(async () => {
  await a.kill();
  await b.stop();
  await emu.close();
  rmSync(dir, { recursive: true, force: true });
});

it('a second polling process stands by, and takes over within 15 s of the first one’s death', async () => {
  await a.start();
  await b.start();
  expect(b.output).toMatch(/standing by/);
  const ana = emu.user({ id: newUserId(), first_name: 'Ana', language_code: 'en' });
  await ana.send('/start');
  expect(ana.last()!.text).toMatch(/choose your language/);
  // Only the first one polls: the standby never handled it too.
  await new Promise((resolve) => setTimeout(resolve, 1500));
  expect(ana.inbox().filter((m) => /choose your language/.test(m.text ?? ''))).toHaveLength(1);

  await a.kill();
  const killedAt = Date.now();
  const bo = emu.user({ id: newUserId(), first_name: 'Bo', language_code: 'en' });
  await bo.send('/start');
  await bo.waitFor(/choose your language/, { timeoutMs: 15_000 });
  const tookOver = Date.now() - killedAt;
  console.log(`standby took over ${tookOver} ms after the SIGKILL`);
  expect(tookOver).toBeLessThan(15_000);
  expect(b.output).toMatch(/polling Telegram for updates/);
  expect(b.deaths).toEqual([]);
}, 90_000);
