import { writeFileSync } from 'node:fs';
import { machine, table, type Row } from './lib';
import { benchUpdates } from './updates';

/**
 * `npm run bench`: runs every benchmark against the emulator on loopback and prints one table,
 * also written to bench/results.md. Sizes can be scaled down for a quick run: `npm run bench -- --quick`.
 */
const quick = process.argv.includes('--quick');

async function main(): Promise<void> {
  const rows: Row[] = [];
  const started = new Date();
  rows.push(...(await benchUpdates({ users: quick ? 100 : 1000, concurrency: 100, registered: quick ? 10_000 : 100_000 })));
  const out = [
    `# Benchmark results`,
    '',
    `Run ${started.toISOString()}${quick ? ' (quick sizes)' : ''} on ${machine()}.`,
    '',
    table(rows),
    '',
  ].join('\n');
  console.log(out);
  writeFileSync(new URL('./results.md', import.meta.url), out);
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
