import { mkdirSync, writeFileSync } from 'node:fs';
import { benchBroadcast } from './broadcast';
import { benchContention } from './contention';
import { benchInstances } from './instances';
import { machine, table, type Row } from './lib';
import { benchSummary } from './summary';
import { benchUpdates } from './updates';

/**
 * `npm run bench`: runs every benchmark against the emulator on loopback and prints one table,
 * also written to bench/results.md. `-- --quick` runs smaller sizes (a couple of minutes
 * instead of about eight; only the full sizes answer the targets) and `-- --only
 * updates,broadcast,summary,contention,instances` picks some; those write bench/out/results.md instead.
 */
const quick = process.argv.includes('--quick');
const onlyArg = process.argv.indexOf('--only');
const only = onlyArg >= 0 ? new Set(process.argv[onlyArg + 1]?.split(',')) : undefined;

const benches: [string, () => Promise<Row[]>][] = [
  [
    'updates',
    () => benchUpdates({ users: quick ? 200 : 1000, concurrency: 100, registered: quick ? 10_000 : 100_000, rounds: quick ? 1 : 3 }),
  ],
  ['broadcast', () => benchBroadcast({ recipients: quick ? 1000 : 10_000 })],
  [
    'summary',
    () =>
      benchSummary(quick ? { reports: 10_000, tasks: 5_000, volunteers: 1_000 } : { reports: 100_000, tasks: 50_000, volunteers: 10_000 }),
  ],
  ['contention', () => benchContention({ volunteers: 50, rounds: quick ? 1 : 3 })],
  [
    'instances',
    () =>
      benchInstances(
        quick
          ? { users: 200, concurrency: 100, registered: 10_000, recipients: 600, rounds: 1 }
          : { users: 400, concurrency: 100, registered: 100_000, recipients: 3000, rounds: 5 },
      ),
  ],
];

async function main(): Promise<void> {
  const rows: Row[] = [];
  const started = new Date();
  for (const [name, run] of benches) {
    if (only && !only.has(name)) continue;
    const t0 = performance.now();
    console.error(`bench ${name}…`);
    rows.push(...(await run()));
    console.error(`bench ${name}: ${((performance.now() - t0) / 1000).toFixed(0)} s`);
  }
  const out = [
    `# Benchmark results`,
    '',
    `Run ${started.toISOString()}${quick ? ' (quick sizes: not the issue’s targets)' : ''} on ${machine()}.`,
    '',
    table(rows),
    '',
  ].join('\n');
  console.log(out);
  // Only a full run of every bench replaces the recorded results; a partial or quick one goes to bench/out/.
  const partial = quick || only !== undefined;
  mkdirSync(new URL('./out/', import.meta.url), { recursive: true });
  writeFileSync(new URL(partial ? './out/results.md' : './results.md', import.meta.url), out);
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
